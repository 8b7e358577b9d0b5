"""How long and at which loads the suite measures: the full run and --quick."""

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class Settings:
    quick: bool
    interval_ms: int          # inferd-perf -p for small models
    model_interval_ms: int    # inferd-perf -p for ResNet-50, whose requests take tens of ms
    warmup_ms: int
    max_trials: int
    stability_percent: int
    raw_seconds: float        # inferd_in_process time per batch size
    loop_seconds: float       # Python client loops (ensemble vs steps), per concurrency
    tiny_levels: tuple
    model_levels: tuple
    python_levels: tuple
    python_mib_levels: tuple  # 1 MiB rows of the python family
    # The python family's 16-FP32 rows at concurrency 1 are measured this many times in
    # turn and the median reported: at concurrency 1 on few cores, where the scheduler
    # puts the stub moves a row by tens of µs from one window to the next.
    python_rounds: int
    ensemble_levels: tuple
    flask_levels: tuple
    raw_batches: tuple
    # Each client completes at least this many requests per window (0: no such floor). A
    # window then spans many executions of a batched model, whose answers come in bursts:
    # a 3 s window of ResNet-50 batches of 16 at 20 img/s holds 3 or 4 of them, a 25% step.
    requests_per_client: int
    longest_window_ms: int

    def perf_window_args(self, interval_ms):
        return ["-p", str(interval_ms), "--warmup-interval", str(self.warmup_ms),
                "-r", str(self.max_trials), "-s", str(self.stability_percent)]

    def window_ms(self, interval_ms, concurrency, expected_rate):
        """The window at `concurrency` for a path expected to serve `expected_rate`
        requests/s: `interval_ms`, or longer so each client completes requests_per_client
        requests in it (at most longest_window_ms)."""
        if not self.requests_per_client or expected_rate <= 0:
            return interval_ms
        floor = math.ceil(self.requests_per_client * concurrency / expected_rate * 1000)
        return max(interval_ms, min(floor, self.longest_window_ms))

    def perf_timeout(self, interval_ms):
        """Seconds one level may take before inferd-perf is killed."""
        return (self.warmup_ms + self.max_trials * interval_ms) / 1000 + 60


FULL = Settings(quick=False, interval_ms=2000, model_interval_ms=3000, warmup_ms=1500, max_trials=8,
                stability_percent=10, raw_seconds=6, loop_seconds=4,
                tiny_levels=(1, 2, 4, 8, 16), model_levels=(1, 8, 16), python_levels=(1, 4, 16),
                python_mib_levels=(1, 4), python_rounds=3, ensemble_levels=(1, 4, 8), flask_levels=(1, 8),
                raw_batches=(1, 2, 4, 8, 16),
                requests_per_client=12, longest_window_ms=15000)

QUICK = Settings(quick=True, interval_ms=400, model_interval_ms=1000, warmup_ms=300, max_trials=3,
                 stability_percent=10, raw_seconds=0.5, loop_seconds=1,
                 tiny_levels=(1, 16), model_levels=(1, 16), python_levels=(1, 16), python_mib_levels=(1, 4),
                 python_rounds=1,
                 ensemble_levels=(1, 4), flask_levels=(1, 8), raw_batches=(1, 16),
                 requests_per_client=0, longest_window_ms=0)
