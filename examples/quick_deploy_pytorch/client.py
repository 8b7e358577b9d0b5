#!/usr/bin/python3
"""PyTorch quick-deploy client: classify one image with resnet50 over HTTP.

Usage: client.py [--url localhost:8000] [--model resnet50] [--classes 5]

As in the Triton walkthrough: the picture (generated here, not downloaded) is resized,
centre-cropped to 224x224 and normalised with the ImageNet mean/std (the same
preprocessing as examples/quick_deploy_onnx), sent as input__0 FP32 [3,224,224], and
output__0 is requested with `classification: N`, so the server answers with the top N
"score:index" strings.
"""

import argparse
import importlib.util
import os
import sys

import numpy as np
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))

import kserve_http as kh  # noqa: E402

# The image and its preprocessing come from the ONNX quick-deploy client.
_spec = importlib.util.spec_from_file_location(
    "quick_deploy_onnx_client", os.path.join(HERE, "..", "quick_deploy_onnx", "client.py"))
_onnx_client = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_onnx_client)
preprocess, synthetic_image = _onnx_client.preprocess, _onnx_client.synthetic_image


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="localhost:8000")
    parser.add_argument("--model", default="resnet50")
    parser.add_argument("--classes", type=int, default=5)
    args = parser.parse_args()
    base = args.url if "://" in args.url else "http://" + args.url

    image = preprocess(synthetic_image())  # [3,224,224]; the config reshapes it to [1,3,224,224]
    inputs = [kh.InferInput("input__0", image, datatype="FP32", binary=True)]
    outputs = [{"name": "output__0",
                "parameters": {"binary_data": True, "classification": args.classes}}]
    with requests.Session() as session:
        resp, result = kh.infer(session, base, args.model, inputs, outputs=outputs)
    if result is None:
        sys.exit(f"inference failed: HTTP {resp.status_code}: {resp.text}")
    print(np.squeeze(result.as_numpy("output__0").astype(str))[:args.classes])
    return 0


if __name__ == "__main__":
    sys.exit(main())
