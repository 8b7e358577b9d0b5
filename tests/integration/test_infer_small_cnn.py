"""small_cnn inference over JSON and binary tensors, checked against torch's output."""

import json

import numpy as np
import pytest

import generate
import kserve_http as kh

ATOL = 1e-4


def _input(batch, seed):
    return np.random.default_rng(seed).standard_normal((batch, 3, 16, 16)).astype(np.float32)


def _expected(x):
    return generate.reference_output("small_cnn", {"input": x})["logits"]


@pytest.mark.parametrize("batch", [1, 3])
def test_json_in_json_out(server, http, batch):
    x = _input(batch, batch)
    body = {"inputs": [{"name": "input", "shape": list(x.shape), "datatype": "FP32",
                        "data": x.ravel().tolist()}]}
    r = http.post(server.url + "/v2/models/small_cnn/infer", json=body)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert kh.HEADER_LENGTH not in r.headers
    resp = r.json()
    assert resp["model_name"] == "small_cnn"
    assert resp["model_version"] == "1"
    assert "id" not in resp
    (out,) = resp["outputs"]
    assert out["name"] == "logits" and out["datatype"] == "FP32"
    assert out["shape"] == [batch, 10]
    assert "parameters" not in out
    got = np.asarray(out["data"], dtype=np.float32).reshape(batch, 10)
    np.testing.assert_allclose(got, _expected(x), atol=ATOL, rtol=0)


def test_json_nested_data_accepted(server, http):
    x = _input(1, 11)
    body = {"inputs": [{"name": "input", "shape": [1, 3, 16, 16], "datatype": "FP32",
                        "data": x.tolist()}]}
    r = http.post(server.url + "/v2/models/small_cnn/infer", json=body)
    assert r.status_code == 200, r.text
    got = np.asarray(r.json()["outputs"][0]["data"], dtype=np.float32).reshape(1, 10)
    np.testing.assert_allclose(got, _expected(x), atol=ATOL, rtol=0)


@pytest.mark.parametrize("batch", [1, 3])
def test_binary_in_binary_out(server, http, batch):
    x = _input(batch, 100 + batch)
    resp, result = kh.infer(http, server.url, "small_cnn", [kh.InferInput("input", x)],
                            outputs=[{"name": "logits", "parameters": {"binary_data": True}}])
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/octet-stream"
    json_len = int(resp.headers[kh.HEADER_LENGTH])
    assert len(resp.content) == json_len + batch * 10 * 4
    out = result.output("logits")
    assert out["parameters"] == {"binary_data_size": batch * 10 * 4}
    assert "data" not in out
    assert out["shape"] == [batch, 10]
    np.testing.assert_allclose(result.as_numpy("logits"), _expected(x), atol=ATOL, rtol=0)


def test_binary_in_json_out(server, http):
    x = _input(3, 7)
    resp, result = kh.infer(http, server.url, "small_cnn", [kh.InferInput("input", x)],
                            outputs=["logits"])
    assert resp.status_code == 200, resp.text
    assert "logits" not in result.binary_outputs
    assert kh.HEADER_LENGTH not in resp.headers
    np.testing.assert_allclose(result.as_numpy("logits"), _expected(x), atol=ATOL, rtol=0)


def test_json_in_binary_out_via_request_parameter(server, http):
    x = _input(1, 8)
    resp, result = kh.infer(http, server.url, "small_cnn",
                            [kh.InferInput("input", x, binary=False)],
                            parameters={"binary_data_output": True})
    assert resp.status_code == 200, resp.text
    assert "logits" in result.binary_outputs
    assert resp.headers["Content-Type"] == "application/octet-stream"
    np.testing.assert_allclose(result.as_numpy("logits"), _expected(x), atol=ATOL, rtol=0)


def test_request_id_echoed(server, http):
    x = _input(1, 9)
    resp, result = kh.infer(http, server.url, "small_cnn", [kh.InferInput("input", x)],
                            request_id="my-request-42")
    assert resp.status_code == 200, resp.text
    assert result.header["id"] == "my-request-42"
    assert result.header["model_name"] == "small_cnn"


def test_explicit_version_in_path(server, http):
    x = _input(1, 10)
    resp, result = kh.infer(http, server.url, "small_cnn", [kh.InferInput("input", x)],
                            version=1)
    assert resp.status_code == 200, resp.text
    assert result.header["model_version"] == "1"
    np.testing.assert_allclose(result.as_numpy("logits"), _expected(x), atol=ATOL, rtol=0)


def test_header_length_with_pure_json_body(server, http):
    """The C++ client sends Inference-Header-Content-Length even without binary inputs."""
    x = _input(1, 12)
    body, headers = kh.build_request([kh.InferInput("input", x, binary=False)],
                                     force_header=True)
    assert int(headers[kh.HEADER_LENGTH]) == len(body)
    r = http.post(server.url + "/v2/models/small_cnn/infer", data=body, headers=headers)
    assert r.status_code == 200, r.text
    got = kh.parse_response(r.content, r.headers).as_numpy("logits")
    np.testing.assert_allclose(got, _expected(x), atol=ATOL, rtol=0)


def test_requested_output_subset(server, http):
    """add_sub_fp32 has two outputs; asking for one returns only that one."""
    a = np.arange(16, dtype=np.float32).reshape(1, 16)
    b = np.full((1, 16), 0.5, dtype=np.float32)
    inputs = [kh.InferInput("INPUT0", a), kh.InferInput("INPUT1", b)]
    resp, result = kh.infer(http, server.url, "add_sub_fp32", inputs,
                            outputs=[{"name": "OUTPUT1", "parameters": {"binary_data": True}}])
    assert resp.status_code == 200, resp.text
    assert [o["name"] for o in result.header["outputs"]] == ["OUTPUT1"]
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)

    resp, result = kh.infer(http, server.url, "add_sub_fp32", inputs)
    assert resp.status_code == 200, resp.text
    assert sorted(o["name"] for o in result.header["outputs"]) == ["OUTPUT0", "OUTPUT1"]
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


def test_mixed_binary_and_json_outputs(server, http):
    a = np.arange(32, dtype=np.float32).reshape(2, 16)
    b = np.ones((2, 16), dtype=np.float32)
    resp, result = kh.infer(
        http, server.url, "add_sub_fp32",
        [kh.InferInput("INPUT0", a), kh.InferInput("INPUT1", b, binary=False)],
        outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": False}},
                 {"name": "OUTPUT1", "parameters": {"binary_data": True}}])
    assert resp.status_code == 200, resp.text
    assert result.binary_outputs == {"OUTPUT1"}
    assert result.output("OUTPUT0")["shape"] == [2, 16]
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


def test_error_body_is_json(server, http):
    body = {"inputs": [{"name": "input", "shape": [1, 3, 16, 15], "datatype": "FP32",
                        "data": [0.0] * (3 * 16 * 15)}]}
    r = http.post(server.url + "/v2/models/small_cnn/infer", data=json.dumps(body))
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/json")
    assert set(r.json()) == {"error"}
