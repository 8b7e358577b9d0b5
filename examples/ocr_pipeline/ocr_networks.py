"""The OCR pipeline's two networks: tiny torch stand-ins for EAST and a CRNN recogniser.

Both have the interfaces of the models in the walkthrough, and random weights
from a fixed seed (nothing is downloaded, so the text they "read" is noise):

  text_detection    input_images FP32 [N,H,W,3] (H and W multiples of 4)
                    -> feature_fusion/Conv_7/Sigmoid:0 FP32 [N,H/4,W/4,1]  score map
                       feature_fusion/concat_3:0      FP32 [N,H/4,W/4,5]  geometry:
                       distances to the top, right, bottom, left edges, angle
  text_recognition  input.1 FP32 [N,1,32,100] -> 308 FP32 [N,26,37]  per-step scores
                    of blank + 0-9 + a-z

detection_module() / recognition_module() rebuild the same modules anywhere
(the test uses them to compute the pipeline in-process); export_onnx() writes
them as ONNX files.
"""

import math

import numpy as np

import torch
from torch import nn

SEED = 20240611
OPSET = 13

DETECTION_INPUT = "input_images"
SCORE_OUTPUT = "feature_fusion/Conv_7/Sigmoid:0"
GEOMETRY_OUTPUT = "feature_fusion/concat_3:0"
RECOGNITION_INPUT = "input.1"
RECOGNITION_OUTPUT = "308"

# Geometry distances (top, right, bottom, left) lie in (0, scale) pixels: wider than
# tall, like boxes around words.
DISTANCE_SCALES = (12.0, 40.0, 12.0, 40.0)


class TextDetector(nn.Module):
    """NHWC image -> NHWC score map and geometry at 1/4 resolution, like EAST."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU())
        self.score = nn.Conv2d(32, 1, 1)
        self.distances = nn.Conv2d(32, 4, 1)
        self.angle = nn.Conv2d(32, 1, 1)
        self.register_buffer("distance_scales", torch.tensor(DISTANCE_SCALES).view(1, 4, 1, 1))

    def forward(self, images):
        features = self.body(images.permute(0, 3, 1, 2) / 128.0)
        score = torch.sigmoid(self.score(features))
        distances = torch.sigmoid(self.distances(features)) * self.distance_scales
        angle = (torch.sigmoid(self.angle(features)) - 0.5) * (math.pi / 2)
        geometry = torch.cat([distances, angle], dim=1)
        return score.permute(0, 2, 3, 1), geometry.permute(0, 2, 3, 1)


class TextRecognizer(nn.Module):
    """[N,1,32,100] grey crops -> [N,26,37] scores per time step (CRNN-like, no RNN)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 16 x 50
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 8 x 25
            nn.Conv2d(32, 64, (8, 2), padding=(0, 1)), nn.ReLU())         # 64 x 1 x 26
        self.classifier = nn.Linear(64, 37)

    def forward(self, crops):
        steps = self.features(crops).squeeze(2).permute(0, 2, 1)  # [N,26,64]
        return self.classifier(steps)


def _seeded(cls, seed):
    torch.manual_seed(seed)
    module = cls()
    module.eval()
    return module


def detection_module():
    """The text detector with its fixed random weights (eval mode)."""
    module = _seeded(TextDetector, SEED)
    with torch.no_grad():
        # A random network does not find text. Flip and shift its score layer
        # so that dark strokes on light paper score above 0.5 and the rest
        # clearly below: logit' = -480 * (logit - 0.056).
        module.score.weight.mul_(-480.0)
        module.score.bias.sub_(0.056).mul_(-480.0)
    return module


def recognition_module():
    """The text recogniser with its fixed random weights (eval mode)."""
    module = _seeded(TextRecognizer, SEED + 1)
    with torch.no_grad():
        # Clear winners per time step, so greedy decoding is not a coin toss.
        module.classifier.weight.mul_(6.0)
    return module


def export_onnx(detection_path, recognition_path):
    """Write both networks as ONNX files with variable batch (and image size) dimensions."""
    image = torch.zeros(1, 64, 64, 3)
    torch.onnx.export(
        detection_module(), image, detection_path, opset_version=OPSET,
        input_names=[DETECTION_INPUT], output_names=[SCORE_OUTPUT, GEOMETRY_OUTPUT],
        dynamic_axes={DETECTION_INPUT: {0: "n", 1: "height", 2: "width"},
                      SCORE_OUTPUT: {0: "n", 1: "rows", 2: "columns"},
                      GEOMETRY_OUTPUT: {0: "n", 1: "rows", 2: "columns"}})
    # torch refuses a purely numeric tensor name such as "308": export under
    # another name, then rename the output in the ONNX graph.
    crops = torch.zeros(1, 1, 32, 100)
    torch.onnx.export(
        recognition_module(), crops, recognition_path, opset_version=OPSET,
        input_names=[RECOGNITION_INPUT], output_names=["scores"],
        dynamic_axes={RECOGNITION_INPUT: {0: "n"}, "scores": {0: "n"}})
    _rename_output(recognition_path, "scores", RECOGNITION_OUTPUT)


def _rename_output(path, old, new):
    """Rename graph output `old` of the ONNX file at `path` to `new`."""
    import onnx

    model = onnx.load(path)
    for node in model.graph.node:
        node.output[:] = [new if name == old else name for name in node.output]
    for output in model.graph.output:
        if output.name == old:
            output.name = new
    onnx.checker.check_model(model)
    onnx.save(model, path)


def run_detection(images):
    """Score map and geometry for an NHWC float32 numpy batch, computed by torch."""
    with torch.no_grad():
        images = torch.from_numpy(np.array(images, dtype=np.float32))
        score, geometry = detection_module()(images)
    return score.numpy(), geometry.numpy()


def run_recognition(crops):
    """[N,26,37] scores for [N,1,32,100] float32 numpy crops, computed by torch."""
    with torch.no_grad():
        crops = torch.from_numpy(np.array(crops, dtype=np.float32))
        return recognition_module()(crops).numpy()
