"""How tensors travel over HTTP: JSON `data` versus the binary tensor extension,
mixed per tensor, and what each looks like on the wire (headers, sizes, JSON
types). Results themselves are checked for both protocols elsewhere."""

import json

import numpy as np

import generate
import kserve_http as kh

ATOL = 1e-4


def _image(batch, seed):
    return np.random.default_rng(seed).standard_normal((batch, 3, 16, 16)).astype(np.float32)


def _logits(x):
    return generate.reference_output("small_cnn", {"input": x})["logits"]


def _infer(server, http, model, inputs, outputs=None, parameters=None):
    resp, result = kh.infer(http, server.url, model, inputs, outputs=outputs, parameters=parameters)
    assert resp.status_code == 200, resp.text
    return resp, result


def test_json_in_json_out(server, http):
    x = _image(2, 1)
    body = {"inputs": [{"name": "input", "shape": list(x.shape), "datatype": "FP32",
                        "data": x.ravel().tolist()}]}
    r = http.post(server.url + "/v2/models/small_cnn/infer", json=body)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert kh.HEADER_LENGTH not in r.headers
    resp = r.json()
    assert "id" not in resp
    (out,) = resp["outputs"]
    assert set(out) == {"name", "datatype", "shape", "data"}
    got = np.asarray(out["data"], dtype=np.float32).reshape(2, 10)
    np.testing.assert_allclose(got, _logits(x), atol=ATOL, rtol=0)


def test_json_nested_data_accepted(server, http):
    x = _image(1, 11)
    body = {"inputs": [{"name": "input", "shape": [1, 3, 16, 16], "datatype": "FP32",
                        "data": x.tolist()}]}
    r = http.post(server.url + "/v2/models/small_cnn/infer", json=body)
    assert r.status_code == 200, r.text
    got = np.asarray(r.json()["outputs"][0]["data"], dtype=np.float32).reshape(1, 10)
    np.testing.assert_allclose(got, _logits(x), atol=ATOL, rtol=0)


def test_binary_in_binary_out(server, http):
    x = _image(3, 103)
    resp, result = _infer(server, http, "small_cnn", [kh.InferInput("input", x)],
                          outputs=[{"name": "logits", "parameters": {"binary_data": True}}])
    assert resp.headers["Content-Type"] == "application/octet-stream"
    json_len = int(resp.headers[kh.HEADER_LENGTH])
    assert len(resp.content) == json_len + 3 * 10 * 4
    out = result.output("logits")
    assert out["parameters"] == {"binary_data_size": 3 * 10 * 4}
    assert "data" not in out
    np.testing.assert_allclose(result.as_numpy("logits"), _logits(x), atol=ATOL, rtol=0)


def test_binary_in_json_out(server, http):
    x = _image(3, 7)
    resp, result = _infer(server, http, "small_cnn", [kh.InferInput("input", x)], outputs=["logits"])
    assert "logits" not in result.binary_outputs
    assert kh.HEADER_LENGTH not in resp.headers
    np.testing.assert_allclose(result.as_numpy("logits"), _logits(x), atol=ATOL, rtol=0)


def test_json_in_binary_out_via_request_parameter(server, http):
    x = _image(1, 8)
    resp, result = _infer(server, http, "small_cnn", [kh.InferInput("input", x, binary=False)],
                          parameters={"binary_data_output": True})
    assert "logits" in result.binary_outputs
    assert resp.headers["Content-Type"] == "application/octet-stream"
    np.testing.assert_allclose(result.as_numpy("logits"), _logits(x), atol=ATOL, rtol=0)


def test_header_length_with_pure_json_body(server, http):
    """The C++ client sends Inference-Header-Content-Length even without binary inputs."""
    x = _image(1, 12)
    body, headers = kh.build_request([kh.InferInput("input", x, binary=False)], force_header=True)
    assert int(headers[kh.HEADER_LENGTH]) == len(body)
    r = http.post(server.url + "/v2/models/small_cnn/infer", data=body, headers=headers)
    assert r.status_code == 200, r.text
    got = kh.parse_response(r.content, r.headers).as_numpy("logits")
    np.testing.assert_allclose(got, _logits(x), atol=ATOL, rtol=0)


def test_mixed_binary_and_json_tensors(server, http):
    a = np.arange(32, dtype=np.float32).reshape(2, 16)
    b = np.ones((2, 16), dtype=np.float32)
    _, result = _infer(server, http, "add_sub_fp32",
                       [kh.InferInput("INPUT0", a), kh.InferInput("INPUT1", b, binary=False)],
                       outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": False}},
                                {"name": "OUTPUT1", "parameters": {"binary_data": True}}])
    assert result.binary_outputs == {"OUTPUT1"}
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


def test_error_body_is_json(server, http):
    body = {"inputs": [{"name": "input", "shape": [1, 3, 16, 15], "datatype": "FP32",
                        "data": [0.0] * (3 * 16 * 15)}]}
    r = http.post(server.url + "/v2/models/small_cnn/infer", data=json.dumps(body))
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/json")
    assert set(r.json()) == {"error"}


def test_json_strings_are_returned_as_json_strings(server, http):
    texts = ["hello", "", "wörld ✓ 日本語", "a\x00b"]
    body = {"inputs": [{"name": "INPUT0", "shape": [len(texts)], "datatype": "BYTES", "data": texts}]}
    r = http.post(server.url + "/v2/models/string_identity/infer", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["outputs"][0]["data"] == texts


def test_binary_bytes_sizes(server, http):
    elements = [b"plain", b"", b"embedded\x00nul", b"\xff\xfe"]
    data = np.empty(len(elements), dtype=np.object_)
    data[:] = elements
    _, result = _infer(server, http, "string_identity", [kh.InferInput("INPUT0", data)],
                       parameters={"binary_data_output": True})
    size = result.output("OUTPUT0")["parameters"]["binary_data_size"]
    assert size == sum(4 + len(e) for e in elements)


def test_binary_bytes_in_json_out(server, http):
    elements = ["one", "", "twö", "three\x00four"]
    _, result = _infer(server, http, "string_identity",
                       [kh.InferInput("INPUT0", np.array(elements, dtype=np.object_))],
                       outputs=["OUTPUT0"])
    assert result.output("OUTPUT0")["data"] == elements


def test_bool_json_and_binary_wire_forms(server, http):
    x = np.array([True, False, True])
    _, result = _infer(server, http, "bool_not", [kh.InferInput("INPUT0", x, binary=False)],
                       outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": False}},
                                {"name": "OUTPUT1", "parameters": {"binary_data": True}}])
    assert result.output("OUTPUT0")["data"] == [False, True, False]
    assert result.output("OUTPUT1")["parameters"]["binary_data_size"] == 3 * 4
    _, result = _infer(server, http, "bool_not", [kh.InferInput("INPUT0", x)],
                       parameters={"binary_data_output": True})
    assert result.output("OUTPUT0")["parameters"]["binary_data_size"] == 3


def test_int64_json_values_are_exact(server, http):
    a = np.array([[2**62 + 1] * 16], dtype=np.int64)
    _, result = _infer(server, http, "add_sub_int64",
                       [kh.InferInput("INPUT0", a, binary=False),
                        kh.InferInput("INPUT1", np.ones_like(a), binary=False)], outputs=["OUTPUT0"])
    assert result.output("OUTPUT0")["data"][0] == 2**62 + 2


def test_fp16_binary_size(server, http):
    x = np.array([0.0, -1.5, 3.140625], dtype=np.float16)
    _, result = _infer(server, http, "fp16_identity", [kh.InferInput("INPUT0", x)],
                       parameters={"binary_data_output": True})
    assert result.output("OUTPUT0")["parameters"]["binary_data_size"] == 2 * x.size


def test_fp16_json_input_rejected(server, http):
    body = {"inputs": [{"name": "INPUT0", "shape": [2], "datatype": "FP16", "data": [1.0, 2.0]}]}
    r = http.post(server.url + "/v2/models/fp16_identity/infer", json=body)
    assert r.status_code == 400
    assert "error" in r.json()


def test_fp16_json_output_rejected(server, http):
    x = np.array([1.0, 2.0], dtype=np.float16)
    resp, _ = kh.infer(http, server.url, "fp16_identity", [kh.InferInput("INPUT0", x)],
                       outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": False}}])
    assert resp.status_code == 400
    assert "error" in resp.json()


def test_fp64_json_input_parses_to_nearest_double(server, http):
    """JSON numbers must become the nearest double, also for large exponents."""
    a = np.linspace(-1e300, 1e300, 32).reshape(2, 16)
    a[0, :4] = [5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1]
    _, result = _infer(server, http, "add_sub_fp64",
                       [kh.InferInput("INPUT0", a, binary=False),
                        kh.InferInput("INPUT1", np.zeros_like(a), binary=False)],
                       outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": True}}])
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a)
