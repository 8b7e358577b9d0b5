"""The data-pipeline ensemble against calling its two steps one by one from the client.

inferd-perf sends one request per iteration and cannot feed one response into
the next request, so both sides of this row are measured with the same small
Python client loop (bench/ensemble_vs_steps.py's calls, one keep-alive
connection per client thread, HTTP with binary tensors)."""

import kserve_http as kh
import requests
from client import make_inputs

import ensemble_vs_steps
from common import concurrent_loops, percentile
from suite.result import FamilyResult, Panel, Series, Table, Target, latency, rate, verdict

KEY = "ensemble"
TITLE = "Data-pipeline ensemble against its steps called one by one"
MODELS = ["ensemble_model", "model1", "model2"]
PATHS = {"ensemble_model (one request)": ensemble_vs_steps.ensemble_call,
         "model1 then model2 (two requests)": ensemble_vs_steps.step_by_step_call}


def _measure(url, call, inputs, clients, seconds):
    def make_call():
        session = requests.Session()
        session.headers["Accept-Encoding"] = "identity"
        client = kh.HttpClient(session, url)
        return lambda: call(client, inputs)

    times = concurrent_loops(make_call, clients, seconds)
    return {"inferences_per_second": len(times) / (sum(times) / clients),
            "p50_latency_us": percentile(times, 0.5) * 1e6, "p99_latency_us": percentile(times, 0.99) * 1e6,
            "avg_latency_us": sum(times) / len(times) * 1e6}


def run(ctx):
    levels = ctx.settings.ensemble_levels
    url = "http://" + ctx.inferd().http
    inputs = make_inputs()
    rows = {}
    for c in levels:
        for label, call in PATHS.items():
            ctx.say(f"  {label}, {c} client(s), Python loop")
            rows[(label, c)] = _measure(url, call, inputs, c, ctx.settings.loop_seconds)
    ensemble, steps = PATHS
    table, targets = [], []
    for label in PATHS:
        for c in levels:
            row = rows[(label, c)]
            cells = [rate(row["inferences_per_second"])] + [latency(row[k], "ms") for k in
                                                            ("p50_latency_us", "p99_latency_us", "avg_latency_us")]
            versus = target = result = "—"
            if label == ensemble:
                base = rows[(steps, c)]["avg_latency_us"]
                saved = 1 - row["avg_latency_us"] / base
                passed = saved > 0
                versus, target, result = f"{saved:.0%} less avg latency", "faster than the steps", verdict(passed)
                targets.append(Target(f"ensemble, concurrency {c}", target, versus, passed))
            table.append([label, str(c), *cells, versus, target, result])
    columns = ["path", "clients", "runs/s", "p50 ms", "p99 ms", "avg ms", "against the steps", "target", "result"]
    scale = 1000
    series = [Series(label, [(c, rows[(label, c)]["inferences_per_second"], rows[(label, c)]["p50_latency_us"] / scale,
                              rows[(label, c)]["p99_latency_us"] / scale) for c in levels]) for label in PATHS]
    about = ("examples/data_pipeline: `ensemble_model` runs the Python models `model1` then `model2` on a string, "
             "UINT8, INT8, FP32 image [1,120,160,3] and BOOL tensors; the steps path calls `model1` and sends its "
             "outputs to `model2` from the client. Both are measured with a Python client loop (inferd-perf sends "
             "one request per iteration), so the absolute times include the Python client's own cost; "
             f"{ctx.settings.loop_seconds:g} s per level after a warm-up.")
    return FamilyResult(KEY, TITLE, about, [Table(columns, table)], targets,
                        [Panel("data pipeline, HTTP, Python client", "ms", series)])
