#!/usr/bin/python3
"""ResNet-50-sized ONNX model through inferd, with and without dynamic batching, against
ONNX Runtime called in process at its best batch size, all measured in one run.

Exports the benchmark ResNet-50 (random weights, fixed seed) to ONNX with a variable
batch dimension and serves it two ways from one repository:
  * resnet50_single: max_batch_size 0 (each request runs alone);
  * resnet50_batched: max_batch_size 16 with dynamic_batching { } (an instance that
    becomes free takes every waiting request, up to 16, as one execution).
Clients send one image per request over HTTP with binary tensors, at concurrency 1, 4
and 16. The raw baseline is build/inferd_in_process: the same backend library calling
ONNX Runtime directly, batch sizes 1 to 16, no server. One model instance everywhere,
ONNX Runtime's default threads (one per core).
Writes bench/results/dynamic_batching-<date>.md.

    /usr/bin/python3 bench/dynamic_batching.py [--seconds S]
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import tempfile

import requests
import torch

from common import ROOT, concurrent_loops, percentile, resnet50, write_report

import kserve_http as kh  # noqa: E402
from server_process import ServerProcess  # noqa: E402

CONFIGS = {
    "resnet50_single": '''platform: "onnxruntime_onnx"
max_batch_size: 0
input [ { name: "image" data_type: TYPE_FP32 dims: [ -1, 3, 224, 224 ] } ]
output [ { name: "logits" data_type: TYPE_FP32 dims: [ -1, 1000 ] } ]
instance_group [ { count: 1 kind: KIND_CPU } ]
''',
    "resnet50_batched": '''platform: "onnxruntime_onnx"
max_batch_size: 16
input [ { name: "image" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] } ]
output [ { name: "logits" data_type: TYPE_FP32 dims: [ 1000 ] } ]
instance_group [ { count: 1 kind: KIND_CPU } ]
dynamic_batching { }
''',
}
CONCURRENCY = (1, 4, 16)
RAW_BATCHES = (1, 2, 4, 8, 16)


def make_repository(repo):
    torch.manual_seed(0)
    model = resnet50()
    for name, config in CONFIGS.items():
        os.makedirs(os.path.join(repo, name, "1"))
        with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
            f.write(f'name: "{name}"\n{config}')
        with torch.inference_mode():
            torch.onnx.export(model, torch.rand(1, 3, 224, 224), os.path.join(repo, name, "1", "model.onnx"),
                              input_names=["image"], output_names=["logits"],
                              dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)


def raw_throughput(repo, seconds):
    """{batch: images per second} of ONNX Runtime called in process."""
    tool = os.path.join(ROOT, "build", "inferd_in_process")
    out = subprocess.run([tool, f"--model-repository={repo}", "--model=resnet50_batched",
                          "--batch-sizes=" + ",".join(map(str, RAW_BATCHES)), f"--seconds={seconds}"],
                         check=True, capture_output=True, text=True).stdout
    return {row["batch"]: row["inferences_per_second"] for row in map(json.loads, out.splitlines())}


def served_throughput(url, model, clients, seconds):
    image = torch.rand(1, 3, 224, 224).numpy()  # [1,3,224,224] suits both configs

    def make_call():
        client = kh.HttpClient(requests.Session(), url)
        return lambda: client.infer(model, {"image": image}, outputs=["logits"])

    times = concurrent_loops(make_call, clients, seconds)
    rate = len(times) / (sum(times) / clients)
    return rate, statistics.median(times) * 1e3, percentile(times, 0.99) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "models")
        make_repository(repo)
        raw = raw_throughput(repo, args.seconds)
        best_batch = max(raw, key=raw.get)
        rows = []
        server = ServerProcess([repo], os.path.join(tmp, "server.log")).start()
        try:
            server.wait_live()
            server.wait_ready()
            for model in CONFIGS:
                for clients in CONCURRENCY:
                    rows.append((model, clients) + served_throughput(server.url, model, clients, args.seconds))
            stats = requests.get(server.url + "/v2/models/resnet50_batched/stats").json()["model_stats"][0]
        finally:
            server.stop()

    date = datetime.date.today().isoformat()
    best = raw[best_batch]
    lines = [f"# Dynamic batching: ResNet-50 (ONNX) through inferd against ONNX Runtime in process ({date})", "",
             f"`/usr/bin/python3 bench/dynamic_batching.py --seconds {args.seconds:g}`; random weights, one "
             "instance, ONNX Runtime's default threads, HTTP with binary tensors, one image per request.", "",
             "## ONNX Runtime in process (build/inferd_in_process)", "",
             "| batch | img/s |", "|---|---|"]
    lines += [f"| {b} | {raw[b]:.1f} |" for b in RAW_BATCHES]
    lines += ["", f"Best: batch {best_batch}, {best:.1f} img/s.", "",
              "## inferd", "", "| model | clients | img/s | p50 ms | p99 ms | of raw best |", "|---|---|---|---|---|---|"]
    for model, clients, rate, p50, p99 in rows:
        lines.append(f"| {model} | {clients} | {rate:.1f} | {p50:.1f} | {p99:.1f} | {rate / best * 100:.0f}% |")
    sizes = ", ".join(f"{b['batch_size']}: {b['compute_infer']['count']}" for b in stats["batch_stats"])
    lines += ["", f"resnet50_batched executed {stats['inference_count']} images in {stats['execution_count']} "
              f"executions (batch size: executions — {sizes}).", "",
              "Target: with dynamic batching at 16 clients, at least 90% of the raw best-batch throughput."]
    write_report("dynamic_batching", date, lines)


if __name__ == "__main__":
    main()
