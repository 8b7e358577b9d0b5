#!/usr/bin/python3
"""Write the PyTorch quick-deploy model: model_repository/resnet50/1/model.pt and the
walkthrough's config.pbtxt.

Usage: make_model.py [MODEL_REPOSITORY]   (default: ./model_repository)

The model is a small ResNet-shaped network (conv, pooling, a 1000-way linear layer) with
random weights from a fixed seed, traced with torch.jit.trace: input FP32 [1,3,224,224],
output FP32 [1,1000], like a traced torchvision ResNet-50. Nothing is downloaded; with a
real traced ResNet-50 you would save its model.pt to the same place instead.
"""

import os
import sys

import torch

CONFIG = '''name: "resnet50"
platform: "pytorch_libtorch"
max_batch_size: 0
input [
  {
    name: "input__0"
    data_type: TYPE_FP32
    dims: [ 3, 224, 224 ]
    reshape { shape: [ 1, 3, 224, 224 ] }
  }
]
output [
  {
    name: "output__0"
    data_type: TYPE_FP32
    dims: [ 1, 1000, 1, 1 ]
    reshape { shape: [ 1, 1000 ] }
  }
]
'''


class SmallResNetShape(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 7, stride=4, padding=3), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 32, 3, stride=2, padding=1), torch.nn.ReLU())
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(32, 1000)

    def forward(self, x):
        return self.fc(self.pool(self.stem(x)).flatten(1))


def make(repo):
    torch.manual_seed(0)
    model = SmallResNetShape().eval()
    traced = torch.jit.trace(model, torch.zeros(1, 3, 224, 224))
    os.makedirs(os.path.join(repo, "resnet50", "1"), exist_ok=True)
    path = os.path.join(repo, "resnet50", "1", "model.pt")
    traced.save(path)
    with open(os.path.join(repo, "resnet50", "config.pbtxt"), "w") as f:
        f.write(CONFIG)
    return path


def main(argv):
    repo = argv[1] if len(argv) > 1 else os.path.join(os.getcwd(), "model_repository")
    print(make(repo))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
