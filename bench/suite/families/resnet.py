"""ResNet-50 (ONNX and TorchScript) through inferd with and without dynamic batching,
against the backend called in process at its best batch size."""

import os
import statistics

from suite import models
from suite.inferd_server import batch_sizes
from suite.result import FamilyResult, Panel, Series, Table, Target, perf_cells, perf_point, rate, verdict

KEY = "resnet"
TITLE = "ResNet-50: inferd with and without dynamic batching against the raw in-process call"
TORCH = "libtorch (TorchScript)"
# framework: (model run one request at a time or None, batched model)
FRAMEWORKS = {"ONNX Runtime": ("resnet50_onnx", "resnet50_onnx_batched"),
              TORCH: ("resnet50_torch", "resnet50_torch_batched"),
              "libtorch, frozen and optimized": (None, "resnet50_torch_frozen")}
MODELS = [m for pair in FRAMEWORKS.values() for m in pair if m]
SHARE = 0.95
OTHER_INTRA_OP = (1, 4)  # the default is 2 (src/backends/pytorch/torch_threads.h)
TARGET_LEVEL = 16


def _torch_thread_rows(ctx, batched, default_row):
    """Batch 1 in process with other intra-op thread counts than the default, for the docs'
    choice of default (docs/backends/pytorch.md)."""
    repo = os.path.join(ctx.work_dir, "torch_threads")
    source = os.path.join(ctx.repo, batched, "1", "model.pt")
    rows = []
    for count, name in zip(OTHER_INTRA_OP, models.make_torch_thread_variants(repo, source, OTHER_INTRA_OP)):
        row = ctx.raw(name, (1,), repo)[1]
        versus = row["inferences_per_second"] / default_row["inferences_per_second"]
        rows.append([f"libtorch in process, batch 1, {count} intra-op thread{'s' * (count > 1)}", "—",
                     rate(row["inferences_per_second"]), "—", "—", f"{row['mean_us'] / 1000:.0f} per call",
                     f"{versus:.0%} of batch 1 with 2", "—", "—"])
    return rows


def _raw_run(ctx, model, batch):
    return ctx.raw(model, (batch,))[batch]


def run(ctx):
    levels, interval = ctx.settings.model_levels, ctx.settings.model_interval_ms
    table, targets, panels, notes = [], [], [], []
    for framework, (single, batched) in FRAMEWORKS.items():
        served = [m for m in (single, batched) if m]
        raw = ctx.raw(batched, ctx.settings.raw_batches)
        best_batch = max(raw, key=lambda b: raw[b]["inferences_per_second"])
        # The largest of several noisy measurements overstates its batch size's
        # throughput; two more runs of that batch size, one before and one
        # after inferd's sweep, give the baseline as the median of three.
        repeats = [raw[best_batch], _raw_run(ctx, batched, best_batch)]
        for batch, row in raw.items():
            mark = " (best)" if batch == best_batch else ""
            table.append([f"{framework} in process, batch {batch}{mark}", "—", rate(row["inferences_per_second"]),
                          "—", "—", f"{row['mean_us'] / 1000:.0f} per call", "—", "—", "—"])
        if framework == TORCH:
            table += _torch_thread_rows(ctx, batched, raw[1])
        inferd = ctx.inferd()
        rows = ctx.sweep({m: (inferd, m, "http") for m in served}, levels, interval)
        repeats.append(_raw_run(ctx, batched, best_batch))
        best = statistics.median(r["inferences_per_second"] for r in repeats)
        runs = ", ".join(rate(r["inferences_per_second"]) for r in repeats)
        table.append([f"{framework} in process, batch {best_batch}: raw best, median of {runs}", "—", rate(best),
                      "—", "—", "—", "—", "—", "—"])
        for model in served:
            for c in levels:
                row = rows[model][c]
                share = row["inferences_per_second"] / best
                target = result = "—"
                if model == batched and c == TARGET_LEVEL:
                    passed = share >= SHARE
                    target, result = f"≥ {SHARE:.0%} of raw best", verdict(passed)
                    targets.append(Target(f"{model}, concurrency {c}", target, f"{share:.1%} of raw best", passed))
                table.append([f"inferd `{model}`", str(c), *perf_cells(row, "ms"), f"{share:.1%}", target, result])
        images, executions, sizes = batch_sizes(inferd, batched)
        notes.append(f"`{batched}` over its sweep, warm-ups included: {images} images in {executions} executions; "
                     "executions by batch size: " + ", ".join(f"{b}: {n}" for b, n in sizes.items()) + ".")
        panels.append(Panel(f"ResNet-50, {framework}", "ms",
                            [Series(m, [perf_point(c, rows[m][c], "ms") for c in levels]) for m in served]))
    columns = ["path", "concurrency", "img/s", "p50 ms", "p99 ms", "avg ms", "of raw best", "target", "result"]
    about = ("bench/common.py's ResNet-50 (random weights, `torch.manual_seed(0)`) exported to ONNX and traced to "
             "TorchScript. `resnet50_onnx` and `resnet50_torch` run each request alone (max_batch_size 0); the others "
             "have max_batch_size 16 and `dynamic_batching { preferred_batch_size: [ 8, 16 ] "
             "max_queue_delay_microseconds: 2000 }`: the two batch sizes the raw rows run fastest at, and a delay long"
             " enough for the clients a batch answered to send again, so batches do not alternate between a few "
             "requests and many. `resnet50_torch_frozen` is `resnet50_torch_batched` with ENABLE_FREEZE_AND_OPTIMIZE: "
             "libtorch freezes the module and optimizes it for inference when it loads (docs/backends/pytorch.md). One"
             " instance, the backends' default threads. inferd-perf sends one image per request over HTTP with binary "
             "tensors. The raw rows are `inferd_in_process` on the batched model: the same backend's Execute in a loop"
             " at each batch size, no server; the batch size with the most img/s is run twice more, before and after "
             "inferd's sweep, and the median of its three runs is the raw best that inferd's rows are compared with. "
             "The libtorch rows with 1 and 4 intra-op threads are the same batch 1 with INTRA_OP_THREAD_COUNT set (the"
             " default is 2), each in a process of its own, since libtorch's thread counts are process-wide.")
    return FamilyResult(KEY, TITLE, about, [Table(columns, table)], targets, panels, notes)
