#!/usr/bin/python3
"""OCR pipeline client: send an encoded image to ocr_pipeline, print the text it read.

Usage: client.py [--protocol http|grpc] [--url HOST:PORT] [--image FILE]
                 [--write-image FILE.png] [--save FILE.npz]

Like the walkthrough's client, the image travels as its encoded bytes (UINT8,
shape [number of bytes]); decoding, detection, cropping, recognition and
decoding to text all happen on the server, in one request. Without --image a
picture with two lines of text is drawn with OpenCV (--write-image keeps it).
The networks have random weights, so the "text" is noise; the point is the
pipeline. --save writes the sent bytes (key input_image) and the received
strings (key recognized_text) to an .npz file.
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import kserve_clients  # noqa: E402

MODEL = "ocr_pipeline"


def synthetic_page(height=240, width=360):
    """A BGR picture: two lines of dark text on light, slightly shaded paper."""
    import cv2

    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    paper = np.stack([235 - 30 * x / width, 225 + 20 * y / height,
                      210 + 25 * (x + y) / (width + height)], axis=-1)
    page = np.round(paper).astype(np.uint8)
    cv2.putText(page, "inferd", (20, 90), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (20, 20, 20), 5,
                cv2.LINE_AA)
    cv2.putText(page, "ocr 2024", (40, 190), cv2.FONT_HERSHEY_DUPLEX, 1.6, (120, 30, 20), 3,
                cv2.LINE_AA)
    return page


def encoded_page():
    """The synthetic page as PNG bytes in a uint8 array."""
    import cv2

    ok, png = cv2.imencode(".png", synthetic_page())
    if not ok:
        raise RuntimeError("OpenCV could not encode the page as PNG")
    return png.ravel()


def read_file(path):
    """The bytes of an image file as a uint8 array."""
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8)


def recognise(protocol, url, image_bytes):
    """Run the pipeline on encoded image bytes; returns the result (recognized_text)."""
    with kserve_clients.connect(protocol, url) as client:
        return client.infer(MODEL, {"input_image": image_bytes}, outputs=["recognized_text"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kserve_clients.add_arguments(parser)
    parser.add_argument("--image", help="a JPEG or PNG file to read instead of the drawn page")
    parser.add_argument("--write-image", help="write the drawn page to this PNG file")
    parser.add_argument("--save", help="write sent bytes and received text to this .npz file")
    args = parser.parse_args()

    image_bytes = read_file(args.image) if args.image else encoded_page()
    if args.write_image and not args.image:
        with open(args.write_image, "wb") as f:
            f.write(image_bytes.tobytes())
    result = recognise(args.protocol, args.url, image_bytes)
    texts = result.as_numpy("recognized_text")
    print(f"{result.datatype('recognized_text')} {result.shape('recognized_text')}")
    print(texts.astype(str))
    if args.save:
        np.savez(args.save, input_image=image_bytes, recognized_text=texts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
