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
import datetime
import os
import tempfile

import requests
import torch

from common import concurrent_loops, resnet50, summary, timed_loop, write_report

import kserve_http as kh  # noqa: E402
from server_process import ServerProcess  # noqa: E402

CONFIG = '''name: "resnet50"
platform: "pytorch_libtorch"
max_batch_size: 0
input [ { name: "input__0" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] reshape { shape: [ 1, 3, 224, 224 ] } } ]
output [ { name: "output__0" data_type: TYPE_FP32 dims: [ 1, 1000 ] reshape { shape: [ 1, 1000 ] } } ]
instance_group [ { count: 1 kind: KIND_CPU } ]
'''


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
            def make_call():
                client = kh.HttpClient(requests.Session(), server.url)
                return lambda: client.infer("resnet50", {"input__0": data}, outputs=["output__0"])

            for clients in (1, 2):
                times = concurrent_loops(make_call, clients, args.seconds)
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
    write_report("pytorch_throughput", date, lines)


if __name__ == "__main__":
    main()
