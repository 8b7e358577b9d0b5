"""How long and at which loads the suite measures: the full run and --quick."""

import dataclasses


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
    ensemble_levels: tuple
    flask_levels: tuple
    raw_batches: tuple

    def perf_window_args(self, interval_ms):
        return ["-p", str(interval_ms), "--warmup-interval", str(self.warmup_ms),
                "-r", str(self.max_trials), "-s", str(self.stability_percent)]

    def perf_timeout(self, interval_ms):
        """Seconds one level may take before inferd-perf is killed."""
        return (self.warmup_ms + self.max_trials * interval_ms) / 1000 + 60


FULL = Settings(quick=False, interval_ms=2000, model_interval_ms=3000, warmup_ms=1500, max_trials=8,
                stability_percent=10, raw_seconds=4, loop_seconds=4,
                tiny_levels=(1, 2, 4, 8, 16), model_levels=(1, 8, 16), python_levels=(1, 4, 16),
                python_mib_levels=(1, 4), ensemble_levels=(1, 4, 8), flask_levels=(1, 8), raw_batches=(1, 2, 4, 8, 16))

QUICK = Settings(quick=True, interval_ms=400, model_interval_ms=1000, warmup_ms=300, max_trials=3,
                 stability_percent=10, raw_seconds=0.5, loop_seconds=1,
                 tiny_levels=(1, 16), model_levels=(1, 16), python_levels=(1, 16), python_mib_levels=(1, 4),
                 ensemble_levels=(1, 4), flask_levels=(1, 8), raw_batches=(1, 16))
