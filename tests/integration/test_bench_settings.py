"""bench/suite/settings.py: how long a measurement window lasts at each load level."""

import os
import sys

from server_process import ROOT

sys.path.insert(0, os.path.join(ROOT, "bench"))
from suite.settings import FULL, QUICK  # noqa: E402


def test_a_window_holds_enough_requests_per_client():
    # ResNet-50 batches of 16 at 20 img/s: 12 requests per client need 9.6 s.
    assert FULL.window_ms(3000, 16, 20.0) == 9600
    assert FULL.window_ms(3000, 1, 20.0) == 3000  # the interval already holds 60 requests


def test_fast_paths_keep_the_interval():
    assert FULL.window_ms(2000, 16, 40000.0) == 2000


def test_the_window_is_bounded():
    assert FULL.window_ms(3000, 16, 0.5) == FULL.longest_window_ms


def test_an_unknown_rate_keeps_the_interval():
    assert FULL.window_ms(3000, 16, 0) == 3000


def test_quick_runs_keep_short_windows():
    assert QUICK.window_ms(1000, 16, 20.0) == 1000
