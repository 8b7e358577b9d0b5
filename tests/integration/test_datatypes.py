"""BOOL, INT8, UINT8, FP16 and the add_sub models over INT32/INT64/FP32/FP64,
over HTTP and gRPC, raw and typed (JSON `data` / gRPC `contents`)."""

import numpy as np
import pytest

TYPED = pytest.mark.parametrize("typed", [False, True])


@TYPED
def test_bool_not(client, typed):
    x = np.array([True, False, False, True, True])
    result = client.infer("bool_not", {"INPUT0": x}, typed=typed)
    assert result.datatype("OUTPUT0") == "BOOL"
    assert result.datatype("OUTPUT1") == "INT32"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), ~x)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.int32))


@TYPED
def test_int8(client, typed):
    x = np.array([-128, -1, 0, 1, 127], dtype=np.int8)
    result = client.infer("int8_identity", {"INPUT0": x}, typed=typed)
    assert result.datatype("OUTPUT0") == "INT8"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), x)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.int32))


@TYPED
def test_uint8(client, typed):
    x = np.array([0, 1, 127, 128, 255], dtype=np.uint8)
    result = client.infer("uint8_identity", {"INPUT0": x}, typed=typed)
    assert result.datatype("OUTPUT0") == "UINT8"
    assert result.datatype("OUTPUT1") == "FP32"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), x)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.float32))


def test_fp16(client):
    """FP16 has no typed form in either protocol: raw/binary only."""
    x = np.array([0.0, -1.5, 3.140625, 65504.0, 6.1035e-05, -0.0], dtype=np.float16)
    result = client.infer("fp16_identity", {"INPUT0": x})
    assert result.datatype("OUTPUT0") == "FP16"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0").view(np.uint16), x.view(np.uint16))
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.float32))


ADD_SUB_CASES = {
    "fp32": (np.float32, np.linspace(-3, 3, 32, dtype=np.float32)),
    "fp64": (np.float64, np.linspace(-1000, 1000, 32) / 7),
    "int32": (np.int32, np.arange(-16, 16, dtype=np.int32) * 1000003),
    "int64": (np.int64, np.arange(-16, 16, dtype=np.int64) * (1 << 40)),
}


@TYPED
@pytest.mark.parametrize("suffix", sorted(ADD_SUB_CASES))
def test_add_sub(client, suffix, typed):
    dtype, values = ADD_SUB_CASES[suffix]
    a = values.reshape(2, 16)
    b = values[::-1].reshape(2, 16).copy() // 3 if dtype in (np.int32, np.int64) \
        else (values[::-1].reshape(2, 16) / 3).astype(dtype)
    result = client.infer(f"add_sub_{suffix}", {"INPUT0": a, "INPUT1": b}, typed=typed)
    assert result.shape("OUTPUT0") == [2, 16]
    assert result.as_numpy("OUTPUT0").dtype == np.dtype(dtype)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


@TYPED
def test_int64_beyond_double_precision(client, typed):
    a = np.array([[2**62 + 1] * 16], dtype=np.int64)
    b = np.array([[1] * 16], dtype=np.int64)
    result = client.infer("add_sub_int64", {"INPUT0": a, "INPUT1": b}, typed=typed)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


@TYPED
def test_fp64_extreme_values(client, typed):
    """Every double comes back bit-exact, also subnormals and huge exponents."""
    a = np.linspace(-1e300, 1e300, 32).reshape(2, 16)
    a[0, :4] = [5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1]
    b = np.zeros_like(a)
    result = client.infer("add_sub_fp64", {"INPUT0": a, "INPUT1": b}, typed=typed)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a)
