#!/usr/bin/python3
"""Quick-deploy client: classify one image with densenet_onnx over HTTP.

Usage: client.py [--url localhost:8000] [--model densenet_onnx] [--classes 5]

Like the Triton quick-deploy walkthrough, but with `requests` instead of
tritonclient and a generated picture instead of a downloaded one: the image is
resized (shorter side 256), centre-cropped to 224x224, scaled to [0,1] and
normalised with the ImageNet mean/std, then sent as binary tensor data. The
output fc6_1 is requested with `classification: N`, so the server answers with
the top N "score:index" strings.
"""

import argparse
import os
import sys

import numpy as np
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))

import kserve_http as kh  # noqa: E402

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def synthetic_image(height=480, width=640):
    """An RGB uint8 picture (gradients and a disc), HWC, standing in for a photo."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 255 * x / (width - 1)
    g = 255 * y / (height - 1)
    disc = ((x - width * 0.6) ** 2 + (y - height * 0.45) ** 2) < (min(height, width) / 4) ** 2
    b = np.where(disc, 230.0, 40.0)
    return np.stack([r, g, b], axis=-1).round().astype(np.uint8)


def resize_bilinear(img, out_h, out_w):
    """Bilinear resize of an HWC image (pixel centres aligned like PIL/torchvision)."""
    in_h, in_w = img.shape[:2]
    ys = np.clip((np.arange(out_h) + 0.5) * in_h / out_h - 0.5, 0, in_h - 1)
    xs = np.clip((np.arange(out_w) + 0.5) * in_w / out_w - 0.5, 0, in_w - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, in_h - 1), np.minimum(x0 + 1, in_w - 1)
    wy, wx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    f = img.astype(np.float32)
    top = f[y0][:, x0] * (1 - wx) + f[y0][:, x1] * wx
    bottom = f[y1][:, x0] * (1 - wx) + f[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy


def preprocess(img, size=224, resize_to=256):
    """Resize shorter side, centre crop, scale, normalise, HWC -> CHW float32."""
    h, w = img.shape[:2]
    scale = resize_to / min(h, w)
    resized = resize_bilinear(img, round(h * scale), round(w * scale))
    top = (resized.shape[0] - size) // 2
    left = (resized.shape[1] - size) // 2
    crop = resized[top:top + size, left:left + size] / 255.0
    return ((crop - MEAN) / STD).transpose(2, 0, 1).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="localhost:8000")
    parser.add_argument("--model", default="densenet_onnx")
    parser.add_argument("--classes", type=int, default=5)
    args = parser.parse_args()
    base = args.url if "://" in args.url else "http://" + args.url

    image = preprocess(synthetic_image())[np.newaxis]  # [1,3,224,224]
    inputs = [kh.InferInput("data_0", image, datatype="FP32", binary=True)]
    outputs = [{"name": "fc6_1",
                "parameters": {"binary_data": True, "classification": args.classes}}]
    with requests.Session() as session:
        resp, result = kh.infer(session, base, args.model, inputs, outputs=outputs)
    if result is None:
        sys.exit(f"inference failed: HTTP {resp.status_code}: {resp.text}")
    top = result.as_numpy("fc6_1").astype(str)
    print(np.squeeze(top)[:args.classes])
    return 0


if __name__ == "__main__":
    sys.exit(main())
