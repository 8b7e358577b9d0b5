"""Bad input gets a clear error and the server keeps serving.

Each case asserts the HTTP status and the exact error text the client sees,
then checks that the same server still answers a good inference request.
"""

import gzip
import json
import socket
import struct

import numpy as np
import pytest

INPUT = np.arange(16, dtype=np.float32).reshape(1, 16)


def good_request():
    return {"inputs": [
        {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "data": INPUT.flatten().tolist()},
        {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": INPUT.flatten().tolist()},
    ]}


def assert_still_serving(server, http):
    r = http.post(server.url + "/v2/models/add_sub_fp32/infer", json=good_request())
    assert r.status_code == 200, r.text
    out = {o["name"]: o for o in r.json()["outputs"]}
    assert out["OUTPUT0"]["data"] == (INPUT * 2).flatten().tolist()


def assert_error(response, status, message):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"error": message}


def infer_url(server, model="add_sub_fp32"):
    return f"{server.url}/v2/models/{model}/infer"


def raw_exchange(server, payload, half_close=False, timeout=10):
    """Sends raw bytes on a fresh connection and returns (status, body) of the answer."""
    with socket.create_connection(("127.0.0.1", server.http_port), timeout=timeout) as sock:
        sock.sendall(payload)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, json.loads(body) if body else None


@pytest.mark.parametrize("body,message", [
    (b'{"inputs": [', "failed to parse the request JSON buffer: Invalid value. at offset 12"),
    (b'not json', "failed to parse the request JSON buffer: Invalid value. at offset 1"),
    (b'[1, 2, 3]', "the inference request must be a JSON object"),
    (b'{"outputs": []}', "the inference request must have an 'inputs' array"),
    (b'{"inputs": [{"name": "INPUT0"}]}', "input 'INPUT0' must have a string 'datatype'"),
    (b'{"inputs": [{"name": "INPUT0", "datatype": "FLOAT", "shape": [1]}]}',
     "input 'INPUT0' has unknown datatype 'FLOAT'"),
    (b'{"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, -16], "data": []}]}',
     "'shape' of input 'INPUT0' must hold non-negative integers"),
    (b'{"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 16]}]}',
     "input 'INPUT0' must specify exactly one of 'data', 'binary_data_size' or 'shared_memory_region'"),
])
def test_malformed_or_non_inference_json(server, http, body, message):
    assert_error(http.post(infer_url(server), data=body), 400, message)
    assert_still_serving(server, http)


def test_json_nested_thousands_deep(server, http):
    body = b'{"inputs": ' + b"[" * 20000 + b"]" * 20000 + b"}"
    assert_error(http.post(infer_url(server), data=body), 400, "JSON is nested more than 100 levels deep")
    assert_still_serving(server, http)


def test_unknown_model_and_version(server, http):
    assert_error(http.post(infer_url(server, "no_such_model"), json=good_request()), 404,
                 "Request for unknown model: 'no_such_model' is not found")
    assert_error(http.post(server.url + "/v2/models/add_sub_fp32/versions/7/infer", json=good_request()), 404,
                 "Request for unknown model: 'add_sub_fp32' version 7 is not found")
    assert_error(http.get(server.url + "/v2/models/add_sub_fp32/versions/x1"), 404, "Not Found")
    assert_still_serving(server, http)


def test_unknown_output(server, http):
    request = good_request()
    request["outputs"] = [{"name": "OUTPUT9"}]
    assert_error(http.post(infer_url(server), json=request), 400,
                 "unexpected inference output 'OUTPUT9' for model 'add_sub_fp32'")
    assert_still_serving(server, http)


def test_missing_input(server, http):
    request = good_request()
    del request["inputs"][1]
    assert_error(http.post(infer_url(server), json=request), 400,
                 "expected 2 inputs but got 1 inputs for model 'add_sub_fp32'. Got input(s) ['INPUT0'], "
                 "but missing required input(s) ['INPUT1']. Please provide all required input(s).")
    assert_still_serving(server, http)


def test_extra_input(server, http):
    request = good_request()
    request["inputs"].append(dict(request["inputs"][0], name="INPUT2"))
    assert_error(http.post(infer_url(server), json=request), 400,
                 "unexpected inference input 'INPUT2' for model 'add_sub_fp32'")
    assert_still_serving(server, http)


def test_wrong_datatype(server, http):
    request = good_request()
    request["inputs"][0].update(datatype="INT32", data=list(range(16)))
    assert_error(http.post(infer_url(server), json=request), 400,
                 "inference input 'INPUT0' data-type is 'INT32', but model 'add_sub_fp32' expects 'FP32'")
    assert_still_serving(server, http)


@pytest.mark.parametrize("shape,message", [
    ([1, 8], "unexpected shape for input 'INPUT0' for model 'add_sub_fp32'. Expected [-1,16], got [1,8]"),
    ([2, 8], "unexpected shape for input 'INPUT0' for model 'add_sub_fp32'. Expected [-1,16], got [2,8]"),
])
def test_shape_not_matching_config(server, http, shape, message):
    request = good_request()
    count = int(np.prod(shape))
    for tensor in request["inputs"]:
        tensor.update(shape=shape, data=[0.0] * count)
    assert_error(http.post(infer_url(server), json=request), 400, message)
    assert_still_serving(server, http)


def test_batch_larger_than_max_batch_size(server, http):
    request = good_request()
    for tensor in request["inputs"]:
        tensor.update(shape=[9, 16], data=[0.0] * 144)
    assert_error(http.post(infer_url(server), json=request), 400,
                 "inference request batch-size must be <= 8 for 'add_sub_fp32', got 9")
    assert_still_serving(server, http)


def test_variable_dim_accepts_any_size(server, http):
    body = {"inputs": [{"name": "INPUT0", "datatype": "BYTES", "shape": [3], "data": ["a", "", "c"]}]}
    r = http.post(infer_url(server, "string_identity"), json=body)
    assert r.status_code == 200, r.text
    assert r.json()["outputs"][0]["data"] == ["a", "", "c"]


def test_data_count_not_matching_shape(server, http):
    request = good_request()
    request["inputs"][0]["data"] = [1.0] * 15
    assert_error(http.post(infer_url(server), json=request), 400,
                 "unexpected number of elements in 'data' of input 'INPUT0': shape [1,16] needs 16, got 15")
    assert_still_serving(server, http)


def binary_request(size0, blob):
    header = json.dumps({"inputs": [
        {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "parameters": {"binary_data_size": size0}},
        {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": [0.0] * 16},
    ]}).encode()
    return header, header + blob


def test_binary_size_not_matching_shape(server, http):
    header, body = binary_request(32, b"\0" * 32)
    r = http.post(infer_url(server), data=body, headers={"Inference-Header-Content-Length": str(len(header))})
    assert_error(r, 400, "input byte size mismatch for input 'INPUT0' for model 'add_sub_fp32'. Expected 64, got 32")
    assert_still_serving(server, http)


def test_binary_data_shorter_than_declared(server, http):
    header, body = binary_request(64, b"\0" * 10)
    r = http.post(infer_url(server), data=body, headers={"Inference-Header-Content-Length": str(len(header))})
    assert_error(r, 400, "unexpected size for input 'INPUT0', expecting 64 bytes but only 10 bytes remain in the "
                         "request body")
    assert_still_serving(server, http)


def test_binary_input_without_header_length(server, http):
    _, body = binary_request(64, b"\0" * 64)
    r = http.post(infer_url(server), data=body)
    assert_error(r, 400, "failed to parse the request JSON buffer: The document root must not be followed by other "
                         f"values. at offset {len(body) - 64}")
    assert_still_serving(server, http)


@pytest.mark.parametrize("value", ["abc", "-5", "999999", ""])
def test_bad_inference_header_content_length(server, http, value):
    header, body = binary_request(64, b"\0" * 64)
    r = http.post(infer_url(server), data=body, headers={"Inference-Header-Content-Length": value})
    assert_error(r, 400, "Inference-Header-Content-Length must be an integer between 0 and the body length "
                         f"({len(body)}), got '{value}'")
    assert_still_serving(server, http)


def test_bytes_element_length_past_the_buffer(server, http):
    blob = struct.pack("<I", 1000) + b"abc"
    header = json.dumps({"inputs": [{"name": "INPUT0", "datatype": "BYTES", "shape": [1],
                                     "parameters": {"binary_data_size": len(blob)}}]}).encode()
    r = http.post(infer_url(server, "string_identity"), data=header + blob,
                  headers={"Inference-Header-Content-Length": str(len(header))})
    assert_error(r, 400, "BYTES element 0 of tensor 'INPUT0' declares 1000 bytes but only 3 remain")
    assert_still_serving(server, http)


def test_invalid_gzip(server, http):
    r = http.post(infer_url(server), data=b"\x1f\x8b not really gzip", headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400
    assert r.json()["error"].startswith("unable to decompress the gzip request body: ")
    assert_still_serving(server, http)


def test_unsupported_content_encoding(server, http):
    r = http.post(infer_url(server), data=b"{}", headers={"Content-Encoding": "br"})
    assert_error(r, 501, "unsupported Content-Encoding 'br'")
    assert r.headers["Accept-Encoding"] == "gzip, deflate"
    assert_still_serving(server, http)


def test_fp16_requested_as_json(server, http):
    data = np.ones(4, dtype=np.float16)
    header = json.dumps({"inputs": [{"name": "INPUT0", "datatype": "FP16", "shape": [4],
                                     "parameters": {"binary_data_size": data.nbytes}}],
                         "outputs": [{"name": "OUTPUT0", "parameters": {"binary_data": False}}]}).encode()
    r = http.post(infer_url(server, "fp16_identity"), data=header + data.tobytes(),
                  headers={"Inference-Header-Content-Length": str(len(header))})
    assert_error(r, 400, "output 'OUTPUT0' has datatype FP16, which cannot be returned as JSON; request it with "
                         "\"binary_data\": true")
    assert_still_serving(server, http)


def test_wrong_method_and_unknown_path(server, http):
    assert_error(http.get(infer_url(server)), 405, "Method Not Allowed")
    assert_error(http.get(server.url + "/v2/nothing/here"), 404, "Not Found")
    assert_still_serving(server, http)


def test_oversized_header_line(server, http):
    payload = (b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n")
    status, body = raw_exchange(server, payload)
    assert status == 400
    assert body == {"error": "request header is larger than the limit of 65536 bytes"}
    assert_still_serving(server, http)


def test_chunked_body_with_absurd_chunk_size(server, http):
    payload = (b"POST /v2/models/add_sub_fp32/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"7fffffffffffffff\r\n{\"inputs\":")
    status, body = raw_exchange(server, payload, half_close=True)
    assert status == 400
    assert body == {"error": "request body is larger than the maximum allowed size of 67108864 bytes "
                             "(--http-max-input-size)"}
    assert_still_serving(server, http)


def test_chunked_body_is_accepted(server, http):
    body = json.dumps(good_request()).encode()
    r = http.post(infer_url(server), data=iter([body[:10], body[10:]]))  # requests sends this chunked
    assert r.status_code == 200, r.text
    assert_still_serving(server, http)


def test_truncated_body(server, http):
    payload = (b"POST /v2/models/add_sub_fp32/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"
               b"{\"inputs\": [")
    status, body = raw_exchange(server, payload, half_close=True)
    assert status == 400
    assert body == {"error": "request body ended before the length its headers announced"}
    assert_still_serving(server, http)


@pytest.fixture
def small_limit_server(start_server, model_repo):
    return start_server([model_repo], ["--http-max-input-size=4096"])


def test_body_larger_than_limit(small_limit_server, http):
    r = http.post(infer_url(small_limit_server), data=b" " * 5000)
    assert_error(r, 400, "request body is larger than the maximum allowed size of 4096 bytes (--http-max-input-size)")
    assert_still_serving(small_limit_server, http)


def test_gzip_body_inflating_past_the_limit(small_limit_server, http):
    bomb = gzip.compress(b" " * 1_000_000)
    assert len(bomb) < 4096
    r = http.post(infer_url(small_limit_server), data=bomb, headers={"Content-Encoding": "gzip"})
    assert_error(r, 400, "decompressed request body is larger than the maximum allowed size of 4096 bytes "
                         "(--http-max-input-size)")
    assert_still_serving(small_limit_server, http)


@pytest.mark.parametrize("key,value,message", [
    ("priority", -1, "invalid value for 'priority', expected value >= 0."),
    ("timeout", 1.5, "invalid value for 'timeout', expected an unsigned integer."),
])
def test_bad_scheduling_parameter(server, http, key, value, message):
    request = good_request()
    request["parameters"] = {key: value}
    assert_error(http.post(infer_url(server), json=request), 400, message)
    assert_still_serving(server, http)
