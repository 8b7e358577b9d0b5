#!/usr/bin/python3
"""Write the quick-deploy model: model_repository/densenet_onnx/1/model.onnx, no config.

Usage: make_model.py [MODEL_REPOSITORY]   (default: ./model_repository)

The model is a small densenet-style network with random weights from a fixed
seed (input data_0 FP32 [N,3,224,224], output fc6_1 FP32 [N,1000,1,1], like
the ONNX model zoo's densenet121). No config.pbtxt is written: the server
derives one from the ONNX file (auto-complete).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "models"))

import generate  # noqa: E402


def main(argv):
    repo = argv[1] if len(argv) > 1 else os.path.join(os.getcwd(), "model_repository")
    generate.make_densenet_onnx(repo)
    print(os.path.join(repo, "densenet_onnx", "1", "model.onnx"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
