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
# inferd-perf's --busy-poll-us for the rows whose client polls for its answers:
# longer than any answer at concurrency 1 takes, so the client never sleeps.
CLIENT_POLL_US = 1000
POLLING = ", client polling"


def run(ctx):
    levels = ctx.settings.tiny_levels
    raw = ctx.raw(MODEL, [1])[1]
    call_us = raw["mean_us"]
    inferd, nginx = ctx.inferd(), ctx.nginx()
    paths = {"nginx static": (nginx, MODEL, "http"), "inferd HTTP binary": (inferd, MODEL, "http"),
             "inferd gRPC": (inferd, MODEL, "grpc")}
    rows = ctx.sweep(paths, levels)
    polling_paths = {label + POLLING: (*path, CLIENT_POLL_US) for label, path in paths.items()}
    polling_rows = ctx.sweep(polling_paths, [1])
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
                over_raw = f"+{row['avg_latency_us'] - call_us:,.0f}"
                if label != "nginx static":
                    over_nginx = f"{row['avg_latency_us'] - ceiling[1]['avg_latency_us']:+,.0f}"
            if label == "inferd HTTP binary" and c == CEILING_LEVEL:
                passed = share >= CEILING_SHARE
                target, result = f"≥ {CEILING_SHARE:.0%} of nginx", verdict(passed)
                targets.append(Target(f"{label}, concurrency {c}", target, f"{share:.1%} of nginx", passed))
            table.append([label, str(c), *perf_cells(row, "µs"), "—" if label == "nginx static" else f"{share:.1%}",
                          over_raw, over_nginx, target, result])
    # The overhead targets: latency the server adds, measured with a client that does not sleep.
    polling_ceiling = polling_rows["nginx static" + POLLING][1]
    for label in paths:
        row = polling_rows[label + POLLING][1]
        overhead = row["avg_latency_us"] - call_us
        share = row["inferences_per_second"] / polling_ceiling["inferences_per_second"]
        over_nginx = target = result = "—"
        if label != "nginx static":
            over_nginx = f"{row['avg_latency_us'] - polling_ceiling['avg_latency_us']:+,.0f}"
            target, passed = f"< {OVERHEAD_US} µs over in-process", overhead < OVERHEAD_US
            result = verdict(passed)
            blocking = rows[label][1]["avg_latency_us"] - call_us
            targets.append(Target(f"{label}, concurrency 1", target,
                                  f"+{overhead:,.0f} µs (client polling; +{blocking:,.0f} µs with it blocking)",
                                  passed))
        table.append([label + POLLING, "1", *perf_cells(row, "µs"),
                      "—" if label == "nginx static" else f"{share:.1%}", f"+{overhead:,.0f}", over_nginx,
                      target, result])

    columns = ["path", "concurrency", "infer/s", "p50 µs", "p99 µs", "avg µs", "of nginx infer/s",
               "avg over in-process µs", "avg over nginx µs", "target", "result"]
    series = [Series(label, [perf_point(c, rows[label][c], "µs") for c in levels]) for label in paths]
    about = (f"`{MODEL}`: ONNX Runtime's Identity, one [16] FP32 input, no batching, one instance. "
             "inferd-perf drives inferd (HTTP with binary tensors, and gRPC) and nginx, which answers the same "
             "requests with a static copy of inferd's HTTP response (same body, same headers). The in-process row "
             "is `inferd_in_process`: the same backend's Execute in a loop, batch 1. Overheads compare average "
             "client-side latencies at concurrency 1. The rows marked client polling are concurrency 1 again with "
             f"inferd-perf's `--busy-poll-us {CLIENT_POLL_US}`: the load generator polls its socket for the answer "
             "instead of sleeping until it arrives. On this virtual machine an idle vCPU halts, and waking a thread "
             "that sleeps in recv costs tens of microseconds, paid in the server's send and in the client's "
             "wake-up: that is the load generator's cost, not the server's, so the overhead targets are read on "
             "the polling rows, and the sleeping client's figure is given beside them.")
    return FamilyResult(KEY, TITLE, about, [Table(columns, table)], targets,
                        [Panel("identity, 16 FP32", "µs", series)])
