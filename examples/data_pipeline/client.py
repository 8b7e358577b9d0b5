#!/usr/bin/python3
"""Data pipeline client: send five tensors through ensemble_model and print what comes back.

Usage: client.py [--protocol http|grpc] [--url HOST:PORT] [--save FILE.npz]

Sends a string, a UINT8 array, an INT8 array, an FP32 image and a BOOL array
(each with a batch dimension of 1) to the ensemble, which runs model1 then
model2; both return their inputs unchanged, so the five outputs must equal the
five inputs. Prints the outputs and whether they are identical; --save writes
the sent and received arrays (keys sent_<kind>, received_<kind>) to an .npz file.
Exits with 1 if an output differs from its input.
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import kserve_clients  # noqa: E402

MODEL = "ensemble_model"
KINDS = ["string", "UINT8_array", "INT8_array", "FP32_image", "bool"]


def synthetic_image(height=120, width=160):
    """An RGB picture as float32 pixel values 0..255, HWC, standing in for a photo."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    disc = (x - width * 0.4) ** 2 + (y - height * 0.5) ** 2 < (height / 3) ** 2
    red = np.round(255 * x / (width - 1))
    green = np.round(255 * y / (height - 1))
    blue = np.where(disc, 220.0, 30.0)
    return np.stack([red, green, blue], axis=-1).astype(np.float32)


def make_inputs():
    """{ensemble input name: array}, each with a leading batch dimension of 1."""
    return {
        "ensemble_input_string": np.array([["This is a string"]], dtype=np.object_),
        "ensemble_input_UINT8_array": np.array([[1, 2, 3]], dtype=np.uint8),
        "ensemble_input_INT8_array": np.array([[-1, 2, -3]], dtype=np.int8),
        "ensemble_input_FP32_image": synthetic_image()[np.newaxis],
        "ensemble_input_bool": np.array([[True, False]], dtype=np.bool_),
    }


def run(protocol, url=None):
    """Send the inputs once; returns ({kind: sent array}, {kind: received array})."""
    inputs = make_inputs()
    outputs = [f"ensemble_output_{kind}" for kind in KINDS]
    with kserve_clients.connect(protocol, url) as client:
        result = client.infer(MODEL, inputs, outputs=outputs)
    sent = {kind: inputs[f"ensemble_input_{kind}"] for kind in KINDS}
    received = {kind: result.as_numpy(f"ensemble_output_{kind}") for kind in KINDS}
    return sent, received


def identical(a, b):
    """Same shape, same dtype family and same values (strings compared as bytes)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype == np.object_ or b.dtype == np.object_:
        as_bytes = np.vectorize(lambda e: e if isinstance(e, bytes) else str(e).encode("utf-8"),
                                otypes=[np.object_])
        return bool(np.all(as_bytes(a) == as_bytes(b)))
    return a.dtype == b.dtype and bool(np.array_equal(a, b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kserve_clients.add_arguments(parser)
    parser.add_argument("--save", help="write sent and received arrays to this .npz file")
    args = parser.parse_args()

    sent, received = run(args.protocol, args.url)
    for kind in KINDS:
        print(received[kind])
    same = {kind: identical(sent[kind], received[kind]) for kind in KINDS}
    for kind in KINDS:
        print(f"{kind}: {'identical' if same[kind] else 'DIFFERENT'} "
              f"({received[kind].dtype}, shape {list(received[kind].shape)})")
    if args.save:
        arrays = {f"sent_{k}": v for k, v in sent.items()}
        arrays.update({f"received_{k}": v for k, v in received.items()})
        np.savez(args.save, **arrays)
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
