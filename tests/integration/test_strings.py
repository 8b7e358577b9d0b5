"""BYTES tensors through the ONNX string Identity model, as JSON and as binary."""

import numpy as np

import kserve_http as kh

TEXTS = ["hello", "", "wörld ✓ 日本語", "a\x00b", "tab\tand\nnewline", "x" * 1000]


def test_json_strings_round_trip(server, http):
    body = {"inputs": [{"name": "INPUT0", "shape": [len(TEXTS)], "datatype": "BYTES",
                        "data": TEXTS}]}
    r = http.post(server.url + "/v2/models/string_identity/infer", json=body)
    assert r.status_code == 200, r.text
    (out,) = r.json()["outputs"]
    assert out["name"] == "OUTPUT0"
    assert out["datatype"] == "BYTES"
    assert out["shape"] == [len(TEXTS)]
    assert out["data"] == TEXTS


def test_binary_bytes_round_trip(server, http):
    elements = [b"plain", b"", b"embedded\x00nul", "ünïcødé ✓".encode("utf-8"),
                b"\xff\xfe raw non-utf8", b"\x00"]
    data = np.empty(len(elements), dtype=np.object_)
    data[:] = elements
    resp, result = kh.infer(http, server.url, "string_identity",
                            [kh.InferInput("INPUT0", data, datatype="BYTES")],
                            outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": True}}])
    assert resp.status_code == 200, resp.text
    out = result.output("OUTPUT0")
    assert out["datatype"] == "BYTES"
    assert out["shape"] == [len(elements)]
    expected_size = sum(4 + len(e) for e in elements)
    assert out["parameters"]["binary_data_size"] == expected_size
    assert list(result.as_numpy("OUTPUT0")) == elements


def test_binary_bytes_in_json_out(server, http):
    elements = ["one", "", "twö", "three\x00four"]
    resp, result = kh.infer(http, server.url, "string_identity",
                            [kh.InferInput("INPUT0", np.array(elements, dtype=np.object_),
                                           datatype="BYTES")],
                            outputs=["OUTPUT0"])
    assert resp.status_code == 200, resp.text
    assert result.output("OUTPUT0")["data"] == elements


def test_single_empty_string(server, http):
    data = np.array([b""], dtype=np.object_)
    resp, result = kh.infer(http, server.url, "string_identity",
                            [kh.InferInput("INPUT0", data, datatype="BYTES")],
                            parameters={"binary_data_output": True})
    assert resp.status_code == 200, resp.text
    assert result.output("OUTPUT0")["parameters"]["binary_data_size"] == 4
    assert list(result.as_numpy("OUTPUT0")) == [b""]
