#!/usr/bin/python3
"""The data-pipeline ensemble against calling its two models one after the other.

Serves the data pipeline (examples/data_pipeline) with build/inferd and measures, at
several concurrencies, the latency of one `ensemble_model` request against the
latency of `model1` then `model2` called from the client with model1's outputs
fed back as model2's inputs (the round trip the ensemble saves). HTTP, binary
tensors, one keep-alive connection per client thread. Writes
bench/results/ensemble_vs_steps-<date>.md.

    /usr/bin/python3 bench/ensemble_vs_steps.py [--requests N] [--concurrency 1,4,8]
"""

import argparse
import concurrent.futures
import datetime
import os
import statistics
import sys
import tempfile
import time

import requests

from common import ROOT, write_report

sys.path.insert(0, os.path.join(ROOT, "examples", "data_pipeline"))

import kserve_http as kh  # noqa: E402
import make_repository  # noqa: E402
from client import make_inputs  # noqa: E402
from server_process import ServerProcess  # noqa: E402

KINDS = ["string", "UINT8_array", "INT8_array", "FP32_image", "bool"]


def ensemble_call(client, inputs):
    client.infer("ensemble_model", inputs)


def step_by_step_call(client, inputs):
    first = client.infer("model1", {f"model_1_input_{k}": inputs[f"ensemble_input_{k}"] for k in KINDS})
    client.infer("model2", {f"model_2_input_{k}": first.as_numpy(f"model_1_output_{k}") for k in KINDS})


def measure(url, call, inputs, concurrency, requests_per_client):
    def client_loop(_):
        client = kh.HttpClient(requests.Session(), url)
        for _ in range(max(5, requests_per_client // 10)):
            call(client, inputs)
        times = []
        for _ in range(requests_per_client):
            start = time.perf_counter()
            call(client, inputs)
            times.append(time.perf_counter() - start)
        return times

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        times = sorted(t for ts in pool.map(client_loop, range(concurrency)) for t in ts)
    return statistics.mean(times) * 1e6, times[len(times) // 2] * 1e6, times[int(len(times) * 0.99)] * 1e6


def mean_request_ns(url, models, run):
    """Mean server-side request time (statistics `success`) of each model over what
    `run()` sends; {model: ns}."""
    def snapshot():
        return {m: requests.get(f"{url}/v2/models/{m}/stats").json()["model_stats"][0]["inference_stats"]["success"]
                for m in models}
    before = snapshot()
    run()
    after = snapshot()
    return {m: (after[m]["ns"] - before[m]["ns"]) / max(1, after[m]["count"] - before[m]["count"]) for m in models}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per client thread")
    parser.add_argument("--concurrency", default="1,4,8")
    args = parser.parse_args()
    inputs = make_inputs()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "model_repository")
        make_repository.make(repo)
        server = ServerProcess([repo], os.path.join(tmp, "server.log")).start()
        try:
            server.wait_live()
            server.wait_ready()
            # The ensemble's time in the server beyond its two steps' own time, one client.
            server_ns = mean_request_ns(server.url, ["ensemble_model", "model1", "model2"],
                                        lambda: measure(server.url, ensemble_call, inputs, 1, args.requests))
            per_step_us = (server_ns["ensemble_model"] - server_ns["model1"] - server_ns["model2"]) / 2 / 1000
            for concurrency in (int(c) for c in args.concurrency.split(",")):
                ensemble = measure(server.url, ensemble_call, inputs, concurrency, args.requests)
                steps = measure(server.url, step_by_step_call, inputs, concurrency, args.requests)
                rows.append((concurrency, ensemble, steps))
        finally:
            server.stop()
    date = datetime.date.today().isoformat()
    lines = [f"# Data-pipeline ensemble vs. its steps called one by one ({date})", "",
             f"`/usr/bin/python3 bench/ensemble_vs_steps.py --requests {args.requests} --concurrency "
             f"{args.concurrency}`: HTTP, binary tensors, latency per pipeline run in µs (client included).", "",
             "| concurrency | ensemble mean | ensemble p50 | ensemble p99 | two calls mean | two calls p50 | "
             "two calls p99 | ensemble faster by |", "|---|---|---|---|---|---|---|---|"]
    for concurrency, (em, e50, e99), (sm, s50, s99) in rows:
        lines.append(f"| {concurrency} | {em:.0f} | {e50:.0f} | {e99:.0f} | {sm:.0f} | {s50:.0f} | {s99:.0f} | "
                     f"{(sm - em) / sm * 100:.0f}% |")
    lines += ["", f"Ensemble overhead, from the server's statistics at concurrency 1: "
              f"{per_step_us:.1f} µs per step (the ensemble's mean request time minus its two steps' mean "
              "request times, divided by two).", "",
              "Targets: the ensemble is faster at every concurrency, and adds under 20 µs per step over the "
              "step models' own time."]
    write_report("ensemble_vs_steps", date, lines)


if __name__ == "__main__":
    main()
