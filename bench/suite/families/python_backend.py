"""The Python backend against ONNX Runtime through inferd over HTTP with binary tensors:
an identity model.py against the ONNX identity with 16 FP32 and with 1 MiB, a BLS
model.py that forwards to the ONNX identity against calling that identity directly,
and the resident memory of a Python model with four instances."""

import os

from suite import copy_speed, models, stub_memory
from suite.result import FamilyResult, Panel, Series, Table, Target, latency, perf_cells, perf_point, verdict

KEY = "python"
TITLE = "Python backend against ONNX Runtime: identity, BLS, 1 MiB tensors, stub memory"
SMALL = ("identity_onnx", "identity_python", "bls_python")           # 16 FP32; the first is the baseline
LARGE = ("identity_onnx_1m", "identity_python_1m", "bls_python_1m")  # 1 MiB FP32; likewise
MEMORY_MODEL, MEMORY_STUBS = "identity_python_x4", 4
MODELS = [*SMALL, *LARGE, MEMORY_MODEL]
ADDED_US = 50
MIB = 1 << 20

ROWS_ABOUT = (
    "One inferd serves every row; inferd-perf sends one request at a time per client over HTTP with binary "
    "tensors; no batching, one instance per model. **16 FP32**: `identity_python` (a `model.py` returning its "
    "input) and `bls_python` (a `model.py` that sends its input to `identity_onnx` with "
    "`pb_utils.InferenceRequest(...).exec()` and returns the callee's output) against `identity_onnx` (ONNX "
    "Runtime's Identity). `identity_onnx` is also the BLS call's callee measured on its own, so `bls_python`'s "
    "added time is everything a BLS model puts around its callee. **1 MiB** (262,144 FP32): the same three models "
    "as `*_1m`; the identities at concurrency 1 and one higher level, `bls_python_1m` at concurrency 1. The "
    "16-FP32 rows at concurrency 1 are the median of several rounds (see the notes).")
TRAVEL_ABOUT = (
    "How a tensor travels (src/backends/python, python/inferd_pb, src/python_stub/PROTOCOL.md): the server copies "
    "each input once, by memcpy from the request body into the instance's shared-memory input segment (created by "
    "the server, reused while inputs fit); the stub's numpy array is a view of that segment. An output of more "
    "than 64 KiB goes into a new segment that the stub creates under /dev/shm and fills with one pwrite; the "
    "server maps it, unlinks its name and writes the HTTP response from that mapping. Smaller outputs travel "
    "inline in the reply, through the ring buffers in shared memory that carry the messages between server and "
    "stub. A BLS call sends its inputs the way outputs go, and the callee's result comes back inline whatever its "
    "size. So `identity_python_1m` copies the "
    "tensor once each way by construction, and its server compute-input time is the inward copy. The ONNX "
    "baseline copies too: ONNX Runtime's Identity copies its input into an output it allocates. Time cannot count "
    "copies: each 1 MiB output also allocates and frees the pages of a new segment and maps and unmaps it in the "
    "server. So the copy target gets no verdict; it gives the part of the added time that grows with the tensor "
    "(the 1 MiB row's added time minus the 16-FP32 row's) in units of a 1 MiB memcpy timed in the bench process "
    "during the run.")
MEMORY_ABOUT = (
    f"**Memory**: `{MEMORY_MODEL}` is `identity_python` with `instance_group [{{count: {MEMORY_STUBS} kind: "
    "KIND_CPU}]`, read from /proc after loading, before any request. Each of its stubs leaves its pid in the "
    "model's folder, since a stub's /proc entry does not name its model. PSS divides each page among the "
    "processes that map it (the run's other stubs and inferd too); private counts the pages only that stub maps.")


def _sweep(ctx, paths, levels_of):
    """Like ctx.sweep, but each path at its own levels: {label: {level: row}}."""
    rows = {label: {} for label in paths}
    for level in sorted({level for levels in levels_of.values() for level in levels}):
        here = {label: path for label, path in paths.items() if level in levels_of[label]}
        for label, measured in ctx.sweep(here, [level]).items():
            rows[label].update(measured)
    return rows


def _added(rows, model, level):
    """Average µs `model` adds over its family's baseline (the first model) at `level`."""
    return rows[model][level]["avg_latency_us"] - next(iter(rows.values()))[level]["avg_latency_us"]


def _table(rows, unit, extra_cells, check):
    """One line per model and level. check(model, level, added µs) gives (target, measured,
    passed) for a line that has a target, else None."""
    baseline = next(iter(rows))
    lines, targets = [], []
    for model, by_level in rows.items():
        for level, row in by_level.items():
            versus = target = result = "—"
            if model != baseline:
                share = row["inferences_per_second"] / rows[baseline][level]["inferences_per_second"]
                added = _added(rows, model, level)
                versus = f"{share:.0%} infer/s, avg {added:+,.0f} µs"
                checked = check(model, level, added)
                if checked:
                    target, measured, passed = checked
                    result = verdict(passed)
                    targets.append(Target(f"{model}, concurrency {level}", target, measured, passed))
            lines.append([model, str(level), *perf_cells(row, unit), *extra_cells(row), versus, target, result])
    return lines, targets


def _small_check(model, level, added):
    if level != 1:
        return None
    target = f"adds < {ADDED_US} µs" + (" over the callee (identity_onnx)" if model.startswith("bls") else "")
    return target, f"{added:+,.0f} µs", added < ADDED_US


def _copy_check(per_request_us, in_cache_us, from_memory_us):
    """The 1 MiB target: reported, not judged (see TRAVEL_ABOUT)."""
    def check(model, level, added):
        if model != "identity_python_1m" or level != 1:
            return None
        grows = added - per_request_us
        return ("1 MiB copied at most once each way",
                f"{added:+,.0f} µs; {grows:+,.0f} µs beyond the 16-FP32 overhead = {grows / in_cache_us:.1f}× a "
                f"1 MiB memcpy in cache, {grows / from_memory_us:.1f}× from memory", None)
    return check


def _copy_note(small, large, in_cache_us, from_memory_us):
    """What the server's own timings say about the 1 MiB copies, at concurrency 1."""
    row, small_row = large["identity_python_1m"][1], small["identity_python"][1]
    compute_input, compute_infer, compute_output = (row[f"server_compute_{phase}_us"]
                                                    for phase in ("input", "infer", "output"))
    return (f"A 1 MiB memcpy (numpy, bench process, just before the 1 MiB rows) takes {latency(in_cache_us, 'µs')} "
            f"µs with both buffers in cache, {latency(from_memory_us, 'µs')} µs from and to main memory. Server "
            f"side, `identity_python_1m` at concurrency 1 spends {compute_input:,.0f} µs in compute input (the "
            f"inward memcpy into the input segment), {compute_infer:,.0f} µs in compute infer against "
            f"{small_row['server_compute_infer_us']:,.0f} µs for `identity_python` (the stub's turn; what grows with "
            "the tensor there is creating a new segment and filling it with pwrite) and "
            f"{compute_output:,.0f} µs in compute output (mapping that segment).")


def _transport_note(row):
    server = sum(row[f"server_{phase}_us"] for phase in ("queue", "compute_input", "compute_infer",
                                                         "compute_output"))
    return (f"At 1 MiB the HTTP exchange dominates: `identity_onnx_1m` at concurrency 1 spends "
            f"{row['avg_latency_us'] - server:,.0f} µs of its {row['avg_latency_us']:,.0f} µs average outside the "
            "server's queue and compute (the load generator, loopback, inferd reading the request and writing the "
            "response), so the 1 MiB rows' added times are small differences of large figures.")


def _rounds_note(level, averages):
    listed = "; ".join(f"`{model}` " + ", ".join(f"{avg:,.0f}" for avg in values) for model, values in averages.items())
    return (f"At concurrency {level} the three 16-FP32 models were measured {len(next(iter(averages.values())))} "
            "times, one after the other in each round, and the table gives each model's median window (by average "
            f"latency). The averages of the rounds, in µs: {listed}. At this load on few cores, whether the stub "
            "shares a core with the server thread or the load generator moves a row by tens of µs from one window "
            "to the next.")


def _server_cells(row):
    return ["/".join(f"{row[f'server_compute_{phase}_us']:,.0f}" for phase in ("input", "infer", "output"))]


def _mib(kib):
    return "—" if kib is None else f"{kib / 1024:.1f}"


def _memory_table(stubs):
    fields = ("rss_kib", "pss_kib", "private_kib")
    lines = [[f"stub {s.pid}", *(_mib(getattr(s, f)) for f in fields)] for s in stubs]
    totals = [None if any(getattr(s, f) is None for s in stubs) else sum(getattr(s, f) for s in stubs) for f in fields]
    lines.append([f"total ({len(stubs)} stubs)", *map(_mib, totals)])
    return Table(["process", "RSS MiB", "PSS MiB", "private MiB"], lines,
                 f"Resident memory of `{MEMORY_MODEL}` (count: {MEMORY_STUBS}) after loading")


def _panel(title, unit, rows):
    return Panel(title, unit, [Series(m, [perf_point(c, row, unit) for c, row in by_level.items()])
                               for m, by_level in rows.items()])


def run(ctx):
    inferd = ctx.inferd()
    stubs = stub_memory.of_model(os.path.join(ctx.repo, MEMORY_MODEL, models.STUB_PIDS), ctx.inferd_pid(),
                                 MEMORY_STUBS)
    levels, mib_levels = ctx.settings.python_levels, ctx.settings.python_mib_levels
    small_paths = {m: (inferd, m, "http") for m in SMALL}
    small, round_averages = ctx.rounds(small_paths, levels[0], ctx.settings.python_rounds)
    higher = levels[1:]
    for model, rows in _sweep(ctx, small_paths, {"identity_onnx": higher, "identity_python": higher,
                                                 "bls_python": higher[-1:]}).items():
        small[model].update(rows)
    in_cache, from_memory = copy_speed.memcpy_us(MIB)
    large = _sweep(ctx, {m: (inferd, m, "http") for m in LARGE},
                   {"identity_onnx_1m": mib_levels, "identity_python_1m": mib_levels, "bls_python_1m": mib_levels[:1]})

    small_lines, small_targets = _table(small, "µs", lambda row: [], _small_check)
    per_request = _added(small, "identity_python", 1)  # what the Python path costs whatever the size
    large_lines, large_targets = _table(large, "µs", _server_cells, _copy_check(per_request, in_cache, from_memory))
    head = ["model", "concurrency", "infer/s", "p50 µs", "p99 µs", "avg µs"]
    tail = ["against the ONNX identity", "target", "result"]
    tables = [Table(head + tail, small_lines, "Identity and BLS, 16 FP32"),
              Table(head + ["server input/infer/output µs"] + tail, large_lines, "Identity and BLS, 1 MiB FP32"),
              _memory_table(stubs)]
    notes = [_copy_note(small, large, in_cache, from_memory), _transport_note(large["identity_onnx_1m"][1])]
    if ctx.settings.python_rounds > 1:
        notes.append(_rounds_note(levels[0], round_averages))
    bls_call = small["bls_python"][1]["avg_latency_us"] - small["identity_python"][1]["avg_latency_us"]
    notes.append(f"At concurrency 1 `bls_python` takes {bls_call:+,.0f} µs over `identity_python`: the BLS call "
                 "itself, beyond what any Python model costs.")
    rss = sum(s.rss_kib for s in stubs) / 1024
    notes.append(f"`{MEMORY_MODEL}`: {len(stubs)} stubs hold {rss:.0f} MiB resident ({rss / len(stubs):.1f} MiB "
                 "each); each is a CPython interpreter with numpy and the stub's modules.")
    about = "\n\n".join((ROWS_ABOUT, TRAVEL_ABOUT, MEMORY_ABOUT))
    return FamilyResult(KEY, TITLE, about, tables, small_targets + large_targets,
                        [_panel("16 FP32, HTTP", "µs", small), _panel("1 MiB FP32, HTTP", "ms", large)], notes)
