"""BOOL, INT8, UINT8, FP16 and the add_sub models over INT32/INT64/FP32/FP64."""

import numpy as np
import pytest

import kserve_http as kh


def _infer(server, http, model, inputs, binary_out=True):
    outputs = [{"name": n, "parameters": {"binary_data": binary_out}}
               for n in ("OUTPUT0", "OUTPUT1")]
    resp, result = kh.infer(http, server.url, model, inputs, outputs=outputs)
    assert resp.status_code == 200, resp.text
    return result


@pytest.mark.parametrize("binary", [False, True])
def test_bool_not(server, http, binary):
    x = np.array([True, False, False, True, True])
    result = _infer(server, http, "bool_not", [kh.InferInput("INPUT0", x, binary=binary)],
                    binary_out=binary)
    assert result.output("OUTPUT0")["datatype"] == "BOOL"
    assert result.output("OUTPUT1")["datatype"] == "INT32"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), ~x)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.int32))
    if not binary:
        assert result.output("OUTPUT0")["data"] == [False, True, True, False, False]


def test_bool_binary_wire_is_one_byte_per_element(server, http):
    x = np.array([True, False, True])
    result = _infer(server, http, "bool_not", [kh.InferInput("INPUT0", x)])
    assert result.output("OUTPUT0")["parameters"]["binary_data_size"] == 3


@pytest.mark.parametrize("binary", [False, True])
def test_int8(server, http, binary):
    x = np.array([-128, -1, 0, 1, 127], dtype=np.int8)
    result = _infer(server, http, "int8_identity", [kh.InferInput("INPUT0", x, binary=binary)],
                    binary_out=binary)
    assert result.output("OUTPUT0")["datatype"] == "INT8"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), x)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.int32))


@pytest.mark.parametrize("binary", [False, True])
def test_uint8(server, http, binary):
    x = np.array([0, 1, 127, 128, 255], dtype=np.uint8)
    result = _infer(server, http, "uint8_identity", [kh.InferInput("INPUT0", x, binary=binary)],
                    binary_out=binary)
    assert result.output("OUTPUT0")["datatype"] == "UINT8"
    assert result.output("OUTPUT1")["datatype"] == "FP32"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), x)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.float32))


def test_fp16_binary(server, http):
    x = np.array([0.0, -1.5, 3.140625, 65504.0, 6.1035e-05, -0.0], dtype=np.float16)
    result = _infer(server, http, "fp16_identity", [kh.InferInput("INPUT0", x)])
    out = result.output("OUTPUT0")
    assert out["datatype"] == "FP16"
    assert out["parameters"]["binary_data_size"] == 2 * x.size
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0").view(np.uint16),
                                  x.view(np.uint16))
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), x.astype(np.float32))


def test_fp16_json_input_rejected(server, http):
    body = {"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "FP16",
                        "data": [1.0, 2.0]}]}
    r = http.post(server.url + "/v2/models/fp16_identity/infer", json=body)
    assert r.status_code == 400
    assert "error" in r.json()


def test_fp16_json_output_rejected(server, http):
    x = np.array([1.0, 2.0], dtype=np.float16)
    resp, _ = kh.infer(http, server.url, "fp16_identity", [kh.InferInput("INPUT0", x)],
                       outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": False}}])
    assert resp.status_code == 400
    assert "error" in resp.json()


ADD_SUB_CASES = {
    "fp32": (np.float32, np.linspace(-3, 3, 32, dtype=np.float32)),
    "fp64": (np.float64, np.linspace(-1000, 1000, 32) / 7),
    "int32": (np.int32, np.arange(-16, 16, dtype=np.int32) * 1000003),
    "int64": (np.int64, np.arange(-16, 16, dtype=np.int64) * (1 << 40)),
}


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", sorted(ADD_SUB_CASES))
def test_add_sub(server, http, suffix, binary):
    dtype, values = ADD_SUB_CASES[suffix]
    a = values.reshape(2, 16)
    b = values[::-1].reshape(2, 16).copy() // 3 if dtype in (np.int32, np.int64) \
        else (values[::-1].reshape(2, 16) / 3).astype(dtype)
    result = _infer(server, http, f"add_sub_{suffix}",
                    [kh.InferInput("INPUT0", a, binary=binary),
                     kh.InferInput("INPUT1", b, binary=binary)], binary_out=binary)
    assert result.output("OUTPUT0")["shape"] == [2, 16]
    assert result.as_numpy("OUTPUT0").dtype == np.dtype(dtype)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


def test_int64_json_values_beyond_double_precision(server, http):
    a = np.array([[2**62 + 1] * 16], dtype=np.int64)
    b = np.array([[1] * 16], dtype=np.int64)
    result = _infer(server, http, "add_sub_int64",
                    [kh.InferInput("INPUT0", a, binary=False),
                     kh.InferInput("INPUT1", b, binary=False)], binary_out=False)
    assert result.output("OUTPUT0")["data"][0] == 2**62 + 2
    assert result.output("OUTPUT1")["data"][0] == 2**62


def test_fp64_json_parses_to_nearest_double(server, http):
    """JSON numbers must become the nearest double, also for large exponents."""
    a = np.linspace(-1e300, 1e300, 32).reshape(2, 16)
    a[0, :4] = [5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1]
    b = np.zeros_like(a)
    resp, result = kh.infer(http, server.url, "add_sub_fp64",
                            [kh.InferInput("INPUT0", a, binary=False),
                             kh.InferInput("INPUT1", b, binary=False)],
                            outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": True}}])
    assert resp.status_code == 200, resp.text
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a)


def test_fp64_json_output_round_trips(server, http):
    a = np.linspace(-1e300, 1e300, 32).reshape(2, 16)
    b = np.zeros_like(a)
    result = _infer(server, http, "add_sub_fp64",
                    [kh.InferInput("INPUT0", a), kh.InferInput("INPUT1", b)], binary_out=False)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a)
