#!/usr/bin/python3
"""Write the data pipeline's model repository: ensemble_model, model1, model2.

Usage: make_repository.py [MODEL_REPOSITORY]   (default: ./model_repository)

The configs and model.py files are the ones in repository/ next to this script;
they are copied as they are, and the ensemble gets its empty version folder
(ensemble_model/1/), which an ensemble needs even though it holds no file.
"""

import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "repository")
MODELS = ["ensemble_model", "model1", "model2"]


def make(repo_dir):
    """Copy the three models into repo_dir (overwriting them); returns their folders."""
    folders = []
    for name in MODELS:
        target = os.path.join(repo_dir, name)
        shutil.copytree(os.path.join(SOURCE, name), target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        os.makedirs(os.path.join(target, "1"), exist_ok=True)
        folders.append(target)
    return folders


def main(argv):
    repo = argv[1] if len(argv) > 1 else os.path.join(os.getcwd(), "model_repository")
    for folder in make(repo):
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
