"""BYTES tensors through the ONNX string Identity model, over HTTP and gRPC."""

import numpy as np
import pytest

TEXTS = ["hello", "", "wörld ✓ 日本語", "a\x00b", "tab\tand\nnewline", "x" * 1000]


def _bytes_array(elements):
    array = np.empty(len(elements), dtype=np.object_)
    array[:] = elements
    return array


@pytest.mark.parametrize("typed", [False, True])
def test_strings_round_trip(client, typed):
    elements = [t.encode("utf-8") for t in TEXTS]
    result = client.infer("string_identity", {"INPUT0": _bytes_array(elements)}, typed=typed)
    assert result.output_names == ["OUTPUT0"]
    assert result.datatype("OUTPUT0") == "BYTES"
    assert result.shape("OUTPUT0") == [len(TEXTS)]
    assert list(result.as_numpy("OUTPUT0")) == elements


def test_non_utf8_bytes_round_trip(client):
    """Raw bytes need the binary form (JSON strings must be UTF-8)."""
    elements = [b"plain", b"", b"embedded\x00nul", "ünïcødé ✓".encode("utf-8"),
                b"\xff\xfe raw non-utf8", b"\x00"]
    result = client.infer("string_identity", {"INPUT0": _bytes_array(elements)})
    assert result.shape("OUTPUT0") == [len(elements)]
    assert list(result.as_numpy("OUTPUT0")) == elements


@pytest.mark.parametrize("typed", [False, True])
def test_single_empty_string(client, typed):
    result = client.infer("string_identity", {"INPUT0": _bytes_array([b""])}, typed=typed)
    assert result.shape("OUTPUT0") == [1]
    assert list(result.as_numpy("OUTPUT0")) == [b""]
