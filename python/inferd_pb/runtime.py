"""Per-process state of the stub, reachable from pb_utils calls made by model code.

The stub installs one Runtime at start-up. Outside a stub (e.g. pb_utils imported by a
test or a script) there is none, and calls that need the server raise a clear error.
"""

import itertools

from . import shm
from .errors import TritonModelException


class Runtime:
    """What model-facing calls need: the channel, shm segments and model locations."""

    def __init__(self, channel, shm_prefix):
        self.channel = channel
        self.output_segments = shm.OutputSegments(shm_prefix)
        self.input_segment = shm.InputSegment()
        self.version_dir = ""
        self.model_dir = ""
        # BLS works only once the instance serves requests: not during initialize,
        # auto_complete_config or finalize (as in Triton).
        self.bls_allowed = False
        # Where pb_utils.MetricFamily keeps values: the server's, once this stub runs a
        # model instance (not in the auto_complete_config stub); None = in this process.
        self.metrics_store = None
        self._ids = itertools.count(1)

    def next_id(self):
        """A fresh id for a BLS or control request (unique within this process)."""
        return next(self._ids)


_current = None


def install(runtime):
    global _current
    _current = runtime


def current(what="this call"):
    """The installed Runtime; raises TritonModelException naming `what` when there is none."""
    if _current is None:
        raise TritonModelException(
            f"{what} is only available inside the inferd Python backend stub")
    return _current


def maybe_current():
    """The installed Runtime or None."""
    return _current
