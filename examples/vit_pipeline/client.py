#!/usr/bin/python3
"""ViT pipeline client: send a batch of RGB images to vit_pipeline, print what comes back.

Usage: client.py [--protocol http|grpc] [--url HOST:PORT] [--save FILE.npz]

Two pictures (96x128, drawn with numpy) travel as one UINT8 tensor [2,96,128,3];
the server resizes and normalises them (vit_preprocessing, Python) and runs the
ViT (vit, ONNX) in the same request. The client prints the shapes of
last_hidden_state and logits, as the walkthrough's client prints (1, 197, 768)
for the real ViT, and the best class of each picture (random weights: the class
means nothing). --save writes the images and both outputs to an .npz file.
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import kserve_clients  # noqa: E402

MODEL = "vit_pipeline"
OUTPUTS = ["last_hidden_state", "logits"]


def pictures(count=2, height=96, width=128):
    """`count` RGB uint8 pictures [count,H,W,3]: gradients with a bright disc each."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    batch = np.empty((count, height, width, 3), dtype=np.uint8)
    for i in range(count):
        centre_x = width * (0.3 + 0.4 * i / max(count - 1, 1))
        disc = (x - centre_x) ** 2 + (y - height / 2) ** 2 < (height / 4) ** 2
        red = 255 * x / (width - 1)
        green = 255 * (1 - y / (height - 1))
        blue = np.where(disc, 240.0, 60.0 * i)
        batch[i] = np.stack([red, green, blue], axis=-1).round().astype(np.uint8)
    return batch


def classify(protocol, url, images):
    """Run the pipeline on uint8 images [N,H,W,3]; returns {output name: array}."""
    with kserve_clients.connect(protocol, url) as client:
        result = client.infer(MODEL, {"image": images}, outputs=OUTPUTS)
    return {name: result.as_numpy(name) for name in OUTPUTS}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kserve_clients.add_arguments(parser)
    parser.add_argument("--save", help="write images and outputs to this .npz file")
    args = parser.parse_args()

    images = pictures()
    outputs = classify(args.protocol, args.url, images)
    for name in OUTPUTS:
        print(f"{name} {tuple(outputs[name].shape)}")
    for i, scores in enumerate(outputs["logits"]):
        print(f"picture {i}: class {int(np.argmax(scores))} (logit {float(np.max(scores)):.4f})")
    if args.save:
        np.savez(args.save, image=images, **outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
