#!/usr/bin/python3
"""Write the OCR pipeline's model repository (six models, nothing downloaded).

Usage: make_repository.py [MODEL_REPOSITORY]   (default: ./model_repository)

  ocr_pipeline                 the ensemble (config only, empty version folder)
  detection_preprocessing      Python: decode + resize + normalise (OpenCV)
  text_detection               ONNX: EAST-shaped detector, random weights, fixed seed
  detection_postprocessing     Python: boxes from the score map, crops (OpenCV)
  text_recognition             ONNX: CRNN-shaped recogniser, random weights, fixed seed
  recognition_postprocessing   Python: greedy CTC decoding to text

Configs and model.py files are copied from repository/ next to this script;
ocr_steps.py is copied next to each model.py (they import it); the two ONNX
files are exported with torch from ocr_networks.py.
"""

import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SOURCE = os.path.join(HERE, "repository")
ENSEMBLE = "ocr_pipeline"
PYTHON_MODELS = ["detection_preprocessing", "detection_postprocessing",
                 "recognition_postprocessing"]
ONNX_MODELS = ["text_detection", "text_recognition"]


def make(repo_dir):
    """Write every model of the pipeline into repo_dir; returns their folders."""
    import ocr_networks

    folders = []
    for name in [ENSEMBLE] + PYTHON_MODELS + ONNX_MODELS:
        target = os.path.join(repo_dir, name)
        shutil.copytree(os.path.join(SOURCE, name), target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        os.makedirs(os.path.join(target, "1"), exist_ok=True)
        folders.append(target)
    for name in PYTHON_MODELS:
        shutil.copy(os.path.join(HERE, "ocr_steps.py"), os.path.join(repo_dir, name, "1"))
    ocr_networks.export_onnx(os.path.join(repo_dir, "text_detection", "1", "model.onnx"),
                             os.path.join(repo_dir, "text_recognition", "1", "model.onnx"))
    return folders


def main(argv):
    repo = argv[1] if len(argv) > 1 else os.path.join(os.getcwd(), "model_repository")
    for folder in make(repo):
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
