#!/usr/bin/python3
"""TorchScript ResNet-50 through inferd against libtorch in-process.

Builds a ResNet-50 (the standard bottleneck architecture, written here, random
weights from a fixed seed), traces it to model.pt, and measures images per
second and latency:
  * in-process: torch.jit forward in this Python process (the same Debian
    libtorch the server uses), batch 1, with 2 intra-op threads;
  * inferd: build/inferd serving the model with the walkthrough's config, HTTP
    with binary tensors, 1 and 2 concurrent clients sending batch 1.
Writes bench/results/pytorch_throughput-<date>.md.

    /usr/bin/python3 bench/pytorch_throughput.py [--seconds S]
"""

import argparse
import concurrent.futures
import datetime
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import requests
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import kserve_http as kh  # noqa: E402
from server_process import ServerProcess  # noqa: E402

CONFIG = '''name: "resnet50"
platform: "pytorch_libtorch"
max_batch_size: 0
input [ { name: "input__0" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] reshape { shape: [ 1, 3, 224, 224 ] } } ]
output [ { name: "output__0" data_type: TYPE_FP32 dims: [ 1, 1000 ] reshape { shape: [ 1, 1000 ] } } ]
instance_group [ { count: 1 kind: KIND_CPU } ]
'''


class Bottleneck(torch.nn.Module):
    """1x1 reduce, 3x3, 1x1 expand, with a projection on the shortcut when shapes change."""

    def __init__(self, inputs, width, stride):
        super().__init__()
        outputs = width * 4
        self.body = torch.nn.Sequential(
            torch.nn.Conv2d(inputs, width, 1, bias=False), torch.nn.BatchNorm2d(width), torch.nn.ReLU(),
            torch.nn.Conv2d(width, width, 3, stride, 1, bias=False), torch.nn.BatchNorm2d(width), torch.nn.ReLU(),
            torch.nn.Conv2d(width, outputs, 1, bias=False), torch.nn.BatchNorm2d(outputs))
        self.shortcut = torch.nn.Identity()
        if stride != 1 or inputs != outputs:
            self.shortcut = torch.nn.Sequential(torch.nn.Conv2d(inputs, outputs, 1, stride, bias=False),
                                                torch.nn.BatchNorm2d(outputs))

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


def resnet50():
    layers = [torch.nn.Conv2d(3, 64, 7, 2, 3, bias=False), torch.nn.BatchNorm2d(64), torch.nn.ReLU(),
              torch.nn.MaxPool2d(3, 2, 1)]
    inputs = 64
    for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for i in range(blocks):
            layers.append(Bottleneck(inputs, width, stride if i == 0 else 1))
            inputs = width * 4
    layers += [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(2048, 1000)]
    return torch.nn.Sequential(*layers).eval()


def timed_loop(call, seconds):
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def summary(times, clients=1):
    wall = sum(times) / clients
    return len(times) / wall, statistics.mean(times) * 1e3, sorted(times)[len(times) // 2] * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    image = torch.rand(1, 3, 224, 224)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, torch.inference_mode():
        traced = torch.jit.trace(resnet50(), image)
        os.makedirs(os.path.join(tmp, "models", "resnet50", "1"))
        traced.save(os.path.join(tmp, "models", "resnet50", "1", "model.pt"))
        with open(os.path.join(tmp, "models", "resnet50", "config.pbtxt"), "w") as f:
            f.write(CONFIG)
        for _ in range(3):
            traced(image)
        rows.append(("libtorch in-process, batch 1", 1) + summary(timed_loop(lambda: traced(image), args.seconds)))

        server = ServerProcess([os.path.join(tmp, "models")], os.path.join(tmp, "server.log")).start()
        try:
            server.wait_live()
            server.wait_ready()
            data = image.numpy()[0]
            for clients in (1, 2):
                def loop(_):
                    client = kh.HttpClient(requests.Session(), server.url)
                    call = lambda: client.infer("resnet50", {"input__0": data}, outputs=["output__0"])  # noqa: E731
                    for _ in range(3):
                        call()
                    return timed_loop(call, args.seconds)
                with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                    times = [t for ts in pool.map(loop, range(clients)) for t in ts]
                rows.append((f"inferd HTTP, {clients} client(s), batch 1", clients) + summary(times, clients))
        finally:
            server.stop()

    date = datetime.date.today().isoformat()
    base = rows[0][2]
    lines = [f"# TorchScript ResNet-50: inferd against libtorch in-process ({date})", "",
             f"`/usr/bin/python3 bench/pytorch_throughput.py --seconds {args.seconds:g}`; random weights, "
             "2 intra-op threads on both sides, one model instance.", "",
             "| path | clients | img/s | mean ms | p50 ms | of in-process |", "|---|---|---|---|---|---|"]
    for name, clients, rate, mean, p50 in rows:
        lines.append(f"| {name} | {clients} | {rate:.1f} | {mean:.1f} | {p50:.1f} | {rate / base * 100:.0f}% |")
    lines += ["", "Target (with dynamic batching, once it lands): at least 95% of the in-process throughput."]
    report = "\n".join(lines) + "\n"
    path = os.path.join(ROOT, "bench", "results", f"pytorch_throughput-{date}.md")
    with open(path, "w") as f:
        f.write(report)
    print(report)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
