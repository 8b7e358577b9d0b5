"""Shared by the benchmarks: the ResNet-50 they serve, and timed client loops."""

import concurrent.futures
import os
import statistics
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "models"))


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


def concurrent_loops(make_call, clients, seconds, warmup=3):
    """Runs `clients` threads, each calling make_call() once for its own call
    and then that call in a loop for `seconds`; returns every call's duration."""
    def loop(_):
        call = make_call()
        for _ in range(warmup):
            call()
        return timed_loop(call, seconds)

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        return [t for ts in pool.map(loop, range(clients)) for t in ts]


def percentile(times, fraction):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def write_report(name, date, lines):
    """Writes `lines` to bench/results/<name>-<date>.md and prints them."""
    report = "\n".join(lines) + "\n"
    path = os.path.join(ROOT, "bench", "results", f"{name}-{date}.md")
    with open(path, "w") as f:
        f.write(report)
    print(report)
    print(f"written to {path}")
