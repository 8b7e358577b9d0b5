"""Python model against ONNX model: the same identity of 16 FP32, one as a model.py
run by a Python stub, one by ONNX Runtime, both through inferd over HTTP."""

from suite.result import FamilyResult, Panel, Series, Table, Target, perf_cells, perf_point, verdict

KEY = "python"
TITLE = "Python identity model against the ONNX identity model"
MODELS = ["identity_onnx", "identity_python"]
ADDED_US = 50


def run(ctx):
    levels = ctx.settings.python_levels
    inferd = ctx.inferd()
    rows = ctx.sweep({m: (inferd, m, "http") for m in ("identity_onnx", "identity_python")}, levels)
    table, targets = [], []
    for model in rows:
        for c in levels:
            row, base = rows[model][c], rows["identity_onnx"][c]
            versus = target = result = "—"
            if model == "identity_python":
                added = row["avg_latency_us"] - base["avg_latency_us"]
                share = row["inferences_per_second"] / base["inferences_per_second"]
                versus = f"{share:.0%} infer/s, avg {added:+,.0f} µs"
                if c == 1:
                    passed = added < ADDED_US
                    target, result = f"adds < {ADDED_US} µs", verdict(passed)
                    targets.append(Target("identity_python, concurrency 1", target, f"{added:+,.0f} µs", passed))
            table.append([model, str(c), *perf_cells(row, "µs"), versus, target, result])
    columns = ["model", "concurrency", "infer/s", "p50 µs", "p99 µs", "avg µs", "against identity_onnx",
               "target", "result"]
    series = [Series(m, [perf_point(c, rows[m][c], "µs") for c in levels]) for m in rows]
    about = ("`identity_python` (a `model.py` returning its input, one stub) against `identity_onnx`, both [16] FP32 "
             "without batching, one instance; inferd-perf over HTTP with binary tensors. The target is the one of "
             "bench/python_overhead.py: the Python path adds under 50 µs per request at concurrency 1.")
    return FamilyResult(KEY, TITLE, about, [Table(columns, table)], targets,
                        [Panel("identity, 16 FP32, HTTP", "µs", series)])
