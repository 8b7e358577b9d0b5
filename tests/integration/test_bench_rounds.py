"""bench/suite/context.py: repeated rounds at one load level report each path's median."""

import contextlib
import os
import sys

from server_process import ROOT

sys.path.insert(0, os.path.join(ROOT, "bench"))
from suite.context import Run  # noqa: E402
from suite.settings import FULL  # noqa: E402


class ScriptedPerf:
    """Stands in for inferd-perf: answers each call with the next average latency of its
    model, and records the order of the calls."""

    def __init__(self, averages):
        self.averages = {model: list(values) for model, values in averages.items()}
        self.calls = []

    def __call__(self, endpoint, model, protocol, concurrency, interval_ms=None, busy_poll_us=0):
        self.calls.append((model, concurrency))
        return {"avg_latency_us": self.averages[model].pop(0), "inferences_per_second": 1000.0}


def test_each_path_gets_its_median_round_and_the_paths_take_turns(tmp_path):
    with contextlib.ExitStack() as stack:
        run = Run(FULL, str(tmp_path), str(tmp_path), [], stack, lambda text: None)
        run.perf = ScriptedPerf({"a": [50.0, 90.0, 70.0], "b": [30.0, 10.0, 20.0]})
        paths = {"first": (None, "a", "http"), "second": (None, "b", "http")}
        medians, averages = run.rounds(paths, 1, 3)
    assert run.perf.calls == [("a", 1), ("b", 1)] * 3
    assert medians["first"][1]["avg_latency_us"] == 70.0
    assert medians["second"][1]["avg_latency_us"] == 20.0
    assert averages == {"first": [50.0, 90.0, 70.0], "second": [30.0, 10.0, 20.0]}


def test_one_round_is_a_plain_measurement(tmp_path):
    with contextlib.ExitStack() as stack:
        run = Run(FULL, str(tmp_path), str(tmp_path), [], stack, lambda text: None)
        run.perf = ScriptedPerf({"a": [42.0]})
        medians, averages = run.rounds({"only": (None, "a", "http")}, 1, 1)
    assert medians["only"][1]["avg_latency_us"] == 42.0
    assert averages == {"only": [42.0]}
