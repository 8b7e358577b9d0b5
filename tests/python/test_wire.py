"""Outgoing messages of the stub (python/inferd_pb/wire.py): a response that cannot be
written leaves nothing behind in the message, neither blob bytes nor segments."""

import os
import sys
import uuid

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "python"))

from inferd_pb import shm, wire  # noqa: E402
from inferd_pb.response import InferenceResponse  # noqa: E402
from inferd_pb.tensor import Tensor  # noqa: E402

BIG = wire.INLINE_LIMIT // 4 + 1  # FP32 elements: one more than fits inline


class FailingSegments(shm.OutputSegments):
    """Real segments, except that creating the `fail_at`-th one raises (/dev/shm full)."""

    def __init__(self, prefix, fail_at):
        super().__init__(prefix)
        self.names, self._fail_at = [], fail_at

    def create(self, data):
        if len(self.names) + 1 == self._fail_at:
            raise OSError(28, "No space left on device")
        name = super().create(data)
        self.names.append(name)
        return name


@pytest.fixture
def segments():
    made = FailingSegments(f"inferd_wire_test_{uuid.uuid4().hex[:8]}", fail_at=2)
    yield made
    for name in made.names:
        shm.unlink(name)


def exists(name):
    return os.path.exists(shm.path_of(name))


def test_a_response_failing_midway_is_rolled_back(segments):
    outgoing = wire.Outgoing(segments)
    small = Tensor("SMALL", np.arange(4, dtype=np.float32))
    first = outgoing.response_fields(InferenceResponse([small]))
    assert outgoing.size == 16 and len(outgoing.buffers) == 1

    # Inline bytes, then a segment, then a segment that cannot be created.
    doomed = InferenceResponse([Tensor("A", np.ones(2, np.float32)), Tensor("B", np.ones(BIG, np.float32)),
                                Tensor("C", np.ones(BIG, np.float32))])
    with pytest.raises(OSError, match="No space left"):
        outgoing.response_fields(doomed)
    [orphan] = segments.names
    assert not exists(orphan)  # removed, since no message will name it
    assert outgoing.created == [] and outgoing.size == 16 and len(outgoing.buffers) == 1
    assert '"inline":[0,16]' in first

