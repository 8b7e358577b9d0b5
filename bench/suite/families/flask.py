"""The walkthrough's "before" picture: the same ResNet-50 and the tiny identity model
behind a threaded Flask app with torch in process, against inferd."""

from suite.result import FamilyResult, Panel, Series, Table, Target, perf_cells, perf_point, verdict

KEY = "flask"
TITLE = "Flask with torch in process against inferd"
# label: (server, model); the Flask row comes first, it is the baseline.
RESNET = {"Flask `resnet50` (torch eager)": ("flask", "resnet50"),
          "inferd `resnet50_onnx_batched`": ("inferd", "resnet50_onnx_batched"),
          "inferd `resnet50_torch_batched`": ("inferd", "resnet50_torch_batched"),
          "inferd `resnet50_torch_frozen`": ("inferd", "resnet50_torch_frozen")}
TINY = {"Flask `identity`": ("flask", "identity"), "inferd `identity_onnx`": ("inferd", "identity_onnx"),
        "nginx static (HTTP ceiling)": ("nginx", "identity_onnx")}
MODELS = ["identity_onnx"] + [model for server, model in RESNET.values() if server == "inferd"]
LEVEL = 8
RESNET_SPEEDUP, RESNET_P99_SHARE, TINY_SPEEDUP = 2, 1 / 5, 20


def _measure(ctx, paths, interval):
    servers = {"flask": ctx.flask, "inferd": ctx.inferd, "nginx": ctx.nginx}
    return ctx.sweep({label: (servers[server](), model, "http") for label, (server, model) in paths.items()},
                     ctx.settings.flask_levels, interval)


def _table(rows, unit, check):
    flask_label = next(iter(rows))
    table, targets = [], []
    for label, by_level in rows.items():
        for c, row in by_level.items():
            base = rows[flask_label][c]
            speedup = row["inferences_per_second"] / base["inferences_per_second"]
            p99_share = row["p99_latency_us"] / base["p99_latency_us"]
            versus = target = result = "—"
            if label != flask_label:
                versus = f"{speedup:.2f}× infer/s, {p99_share:.2f}× p99"
                if c == LEVEL and label.startswith("inferd"):
                    target, passed = check(speedup, p99_share)
                    result = verdict(passed)
                    targets.append(Target(f"{label}, concurrency {c}", target, versus, passed))
            table.append([label, str(c), *perf_cells(row, unit), versus, target, result])
    return Table(["server and model", "concurrency", "infer/s", f"p50 {unit}", f"p99 {unit}", f"avg {unit}",
                  "against Flask", "target", "result"], table), targets


def run(ctx):
    resnet = _measure(ctx, RESNET, ctx.settings.model_interval_ms)
    tiny = _measure(ctx, TINY, ctx.settings.interval_ms)
    resnet_table, resnet_targets = _table(
        resnet, "ms", lambda speedup, p99: (f"≥ {RESNET_SPEEDUP}× infer/s and p99 ≤ 1/{round(1 / RESNET_P99_SHARE)}",
                                            speedup >= RESNET_SPEEDUP and p99 <= RESNET_P99_SHARE))
    tiny_table, tiny_targets = _table(
        tiny, "µs", lambda speedup, p99: (f"≥ {TINY_SPEEDUP}× infer/s", speedup >= TINY_SPEEDUP))
    resnet_table.title, tiny_table.title = "ResNet-50", "Tiny model (identity, 16 FP32)"
    levels = ctx.settings.flask_levels
    panels = [Panel("ResNet-50", "ms", [Series(label, [perf_point(c, rows[c], "ms") for c in levels])
                                        for label, rows in resnet.items()]),
              Panel("identity, 16 FP32", "µs", [Series(label, [perf_point(c, rows[c], "µs") for c in levels])
                                                for label, rows in tiny.items()])]
    about = ("bench/suite/flask_app.py: Flask's development server, a thread per connection, HTTP/1.1 keep-alive, no "
             "request log, one torch intra-op thread per core (this torch's default is one); `resnet50` is "
             "bench/common.py's ResNet-50 with the same weights as inferd's models, run eagerly in inference mode, and"
             " `identity` returns its input. It speaks the KServe v2 calls inferd-perf makes, binary tensors included,"
             " so the same requests (HTTP, one image or one [16] FP32 tensor each) drive both. inferd serves the "
             "batched ResNet-50 models of the ResNet-50 rows, the TorchScript one also frozen and optimized for "
             "inference. The nginx row (the tiny family's static answer) shows the most any server reaches with this "
             "load generator on this machine. Each level measures the rows one after the other.")
    return FamilyResult(KEY, TITLE, about, [resnet_table, tiny_table], resnet_targets + tiny_targets, panels)
