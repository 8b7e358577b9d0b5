"""Measurements: build/inferd-perf at one load level, build/inferd_in_process per batch size.

Each inferd-perf call measures one concurrency, so a family can measure a row
and its baseline one after the other at each level: on a shared machine, what
is measured close together in time is comparable.
"""

import json
import os

from common import ROOT
from suite.processes import run_bounded, run_output

PERF = os.path.join(ROOT, "build", "inferd-perf")
IN_PROCESS = os.path.join(ROOT, "build", "inferd_in_process")


class Perf:
    """Runs inferd-perf with the run's windows; its files go to work_dir."""

    def __init__(self, settings, work_dir, say):
        self.settings = settings
        self.work_dir = work_dir
        self.say = say
        self._count = 0

    def __call__(self, endpoint, model, protocol, concurrency, interval_ms=None, busy_poll_us=0):
        """inferd-perf's JSON row (with "stable") for one concurrency; `busy_poll_us` is
        inferd-perf's --busy-poll-us (how long each connection polls for its answer)."""
        interval_ms = interval_ms or self.settings.interval_ms
        self._count += 1
        out = os.path.join(self.work_dir, f"perf{self._count}.json")
        log = os.path.join(self.work_dir, f"perf{self._count}.log")
        command = [PERF, "-m", model, "-i", protocol, "-u", endpoint.address(protocol),
                   "--concurrency-range", str(concurrency), "--json-output", out,
                   *self.settings.perf_window_args(interval_ms)]
        if busy_poll_us:
            command += ["--busy-poll-us", str(busy_poll_us)]
        polling = f", client polling {busy_poll_us} µs" if busy_poll_us else ""
        self.say(f"  {endpoint.name} {model} {protocol} concurrency {concurrency}{polling}")
        code = run_bounded(command, self.settings.perf_timeout(interval_ms), log)
        results = []
        if os.path.exists(out):
            with open(out) as f:
                results = json.load(f)["results"]
        if code != 0 or not results:
            with open(log, errors="replace") as f:
                raise RuntimeError(f"inferd-perf failed ({code}): {' '.join(command)}\n{f.read()[-2000:]}")
        return results[0]


def in_process(repo, model, batches, seconds, work_dir):
    """{batch: inferd_in_process's JSON line} of one model of the repository."""
    command = [IN_PROCESS, f"--model-repository={repo}", f"--model={model}",
               "--batch-sizes=" + ",".join(map(str, batches)), f"--seconds={seconds}"]
    # ResNet-50 at batch 16 takes about a second a call, on top of loading the model.
    timeout = 120 + len(batches) * (seconds + 20)
    out = run_output(command, timeout, os.path.join(work_dir, f"in_process_{model}.log"))
    return {row["batch"]: row for row in map(json.loads, out.splitlines())}
