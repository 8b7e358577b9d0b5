#!/usr/bin/python3
"""Write the ViT pipeline's model repository (three models, nothing downloaded).

Usage: make_repository.py [MODEL_REPOSITORY]   (default: ./model_repository)

  vit_pipeline        the ensemble (config only, empty version folder)
  vit_preprocessing   Python: resize + normalise (OpenCV, numpy)
  vit                 ONNX: a tiny ViT exported with torch, random weights from a
                      fixed seed, and no config.pbtxt: the server derives the
                      configuration from the ONNX file, as in the walkthrough

Configs and model.py come from repository/ next to this script; vit_preprocess.py
is copied next to the model.py that imports it.
"""

import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SOURCE = os.path.join(HERE, "repository")
COPIED = ["vit_pipeline", "vit_preprocessing"]


def make(repo_dir):
    """Write the three models into repo_dir; returns their folders."""
    import vit_network

    folders = []
    for name in COPIED:
        target = os.path.join(repo_dir, name)
        shutil.copytree(os.path.join(SOURCE, name), target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        os.makedirs(os.path.join(target, "1"), exist_ok=True)
        folders.append(target)
    shutil.copy(os.path.join(HERE, "vit_preprocess.py"),
                os.path.join(repo_dir, "vit_preprocessing", "1"))
    vit_dir = os.path.join(repo_dir, "vit", "1")
    os.makedirs(vit_dir, exist_ok=True)
    stale_config = os.path.join(repo_dir, "vit", "config.pbtxt")
    if os.path.exists(stale_config):
        os.remove(stale_config)
    vit_network.export_onnx(os.path.join(vit_dir, "model.onnx"))
    folders.append(os.path.dirname(vit_dir))
    return folders


def main(argv):
    repo = argv[1] if len(argv) > 1 else os.path.join(os.getcwd(), "model_repository")
    for folder in make(repo):
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
