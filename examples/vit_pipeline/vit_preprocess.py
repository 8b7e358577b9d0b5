"""The ViT pipeline's pre-processing, as a plain numpy/OpenCV function.

vit_preprocessing's model.py calls it (a copy of this file sits next to it), and
the same function prepares images for the in-process comparison. It does what
HuggingFace's ViT feature extractor does, at this model's size: resize each
RGB image to 64x64 (bilinear), scale to [0,1], normalise with mean 0.5 and
standard deviation 0.5 per channel, HWC -> CHW.
"""

import cv2
import numpy as np

IMAGE_SIZE = 64
MEAN, STD = 0.5, 0.5


def preprocess(images):
    """uint8 [N,H,W,3] RGB images -> float32 [N,3,64,64] pixel values."""
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected images of shape [N,H,W,3], got {list(images.shape)}")
    pixels = np.empty((images.shape[0], 3, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    for i, image in enumerate(images):
        resized = cv2.resize(np.ascontiguousarray(image), (IMAGE_SIZE, IMAGE_SIZE),
                             interpolation=cv2.INTER_LINEAR)
        scaled = resized.astype(np.float32) / 255.0
        pixels[i] = ((scaled - MEAN) / STD).transpose(2, 0, 1)
    return pixels
