"""bench/run's suite: one module per row family in families/, the servers they
measure, the measurements, the report and its plots (see bench/README.md)."""

import os
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
for _path in ("tests/integration", "tests/models", "examples/data_pipeline"):
    if os.path.join(_ROOT, _path) not in sys.path:
        sys.path.insert(0, os.path.join(_ROOT, _path))
