"""Tiny model: the identity of 16 FP32 through inferd over HTTP and gRPC, against
nginx's static answer of the same size (the loopback HTTP ceiling) and against
the in-process call (what is left is the per-request overhead)."""

from suite.result import FamilyResult, Panel, Series, Table, Target, latency, perf_cells, perf_point, rate, verdict

KEY = "tiny"
TITLE = "Tiny model: inferd against nginx and the in-process call"
MODELS = ["identity_onnx"]
MODEL = "identity_onnx"
OVERHEAD_US = 40
CEILING_SHARE = 0.5
CEILING_LEVEL = 16


def run(ctx):
    levels = ctx.settings.tiny_levels
    raw = ctx.raw(MODEL, [1])[1]
    call_us = raw["mean_us"]
    inferd, nginx = ctx.inferd(), ctx.nginx()
    paths = {"nginx static": (nginx, MODEL, "http"), "inferd HTTP binary": (inferd, MODEL, "http"),
             "inferd gRPC": (inferd, MODEL, "grpc")}
    rows = ctx.sweep(paths, levels)
    ceiling = rows["nginx static"]

    table = [["in-process call (inferd_in_process)", "—", rate(raw["inferences_per_second"]), "—", "—",
              latency(call_us, "µs"), "—", "—", "—", "—", "—"]]
    targets = []
    for label in paths:
        for c in levels:
            row = rows[label][c]
            share = row["inferences_per_second"] / ceiling[c]["inferences_per_second"]
            over_raw = over_nginx = target = result = "—"
            if c == 1:
                overhead = row["avg_latency_us"] - call_us
                over_raw = f"+{overhead:,.0f}"
                if label != "nginx static":
                    over_nginx = f"{row['avg_latency_us'] - ceiling[1]['avg_latency_us']:+,.0f}"
                    target, passed = f"< {OVERHEAD_US} µs over in-process", overhead < OVERHEAD_US
                    result = verdict(passed)
                    targets.append(Target(f"{label}, concurrency 1", target, f"+{overhead:,.0f} µs", passed))
            if label == "inferd HTTP binary" and c == CEILING_LEVEL:
                passed = share >= CEILING_SHARE
                target, result = f"≥ {CEILING_SHARE:.0%} of nginx", verdict(passed)
                targets.append(Target(f"{label}, concurrency {c}", target, f"{share:.1%} of nginx", passed))
            table.append([label, str(c), *perf_cells(row, "µs"), "—" if label == "nginx static" else f"{share:.1%}",
                          over_raw, over_nginx, target, result])

    columns = ["path", "concurrency", "infer/s", "p50 µs", "p99 µs", "avg µs", "of nginx infer/s",
               "avg over in-process µs", "avg over nginx µs", "target", "result"]
    series = [Series(label, [perf_point(c, rows[label][c], "µs") for c in levels]) for label in paths]
    about = (f"`{MODEL}`: ONNX Runtime's Identity, one [16] FP32 input, no batching, one instance. "
             "inferd-perf drives inferd (HTTP with binary tensors, and gRPC) and nginx, which answers the same "
             "requests with a static copy of inferd's HTTP response (same body, same headers). The in-process row "
             "is `inferd_in_process`: the same backend's Execute in a loop, batch 1. Overheads compare average "
             "client-side latencies at concurrency 1.")
    return FamilyResult(KEY, TITLE, about, [Table(columns, table)], targets,
                        [Panel("identity, 16 FP32", "µs", series)])
