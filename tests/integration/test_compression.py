"""gzip/deflate request bodies (Content-Encoding) and responses (Accept-Encoding)."""

import gzip
import zlib

import numpy as np
import pytest

import generate
import kserve_http as kh

COMPRESS = {"gzip": gzip.compress, "deflate": zlib.compress}
DECOMPRESS = {"gzip": gzip.decompress, "deflate": zlib.decompress}


def _request(seed=0, binary=True):
    x = np.random.default_rng(seed).standard_normal((2, 3, 16, 16)).astype(np.float32)
    body, headers = kh.build_request(
        [kh.InferInput("input", x, binary=binary)],
        outputs=[{"name": "logits", "parameters": {"binary_data": binary}}])
    return x, body, headers


def _post_raw(http, url, body, headers):
    """POST and return (response, raw body exactly as sent on the wire)."""
    r = http.post(url, data=body, headers=headers, stream=True)
    raw = r.raw.read(decode_content=False)
    r.close()
    return r, raw


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_request_body(server, http, encoding, binary):
    x, body, headers = _request(1, binary)
    headers = dict(headers, **{"Content-Encoding": encoding})
    r = http.post(server.url + "/v2/models/small_cnn/infer",
                  data=COMPRESS[encoding](body), headers=headers)
    assert r.status_code == 200, r.text
    got = kh.parse_response(r.content, r.headers).as_numpy("logits")
    expected = generate.reference_output("small_cnn", {"input": x})["logits"]
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_response_body(server, http, encoding, binary):
    x, body, headers = _request(2, binary)
    url = server.url + "/v2/models/small_cnn/infer"
    plain, plain_raw = _post_raw(http, url, body, dict(headers, **{"Accept-Encoding": "identity"}))
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    r, raw = _post_raw(http, url, body, dict(headers, **{"Accept-Encoding": encoding}))
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == encoding
    decoded = DECOMPRESS[encoding](raw)
    assert decoded == plain_raw
    if binary:
        # The header length keeps referring to the uncompressed JSON.
        assert r.headers[kh.HEADER_LENGTH] == plain.headers[kh.HEADER_LENGTH]
    got = kh.parse_response(decoded, r.headers).as_numpy("logits")
    expected = generate.reference_output("small_cnn", {"input": x})["logits"]
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)


def test_accept_encoding_quality_values(server, http):
    _, body, headers = _request(3)
    url = server.url + "/v2/models/small_cnn/infer"
    r, raw = _post_raw(http, url, body,
                       dict(headers, **{"Accept-Encoding": "gzip;q=0.5, deflate;q=0.9"}))
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "deflate"
    kh.parse_response(zlib.decompress(raw), r.headers)


def test_compressed_both_ways(server, http):
    x, body, headers = _request(4)
    headers = dict(headers, **{"Content-Encoding": "gzip", "Accept-Encoding": "gzip"})
    r, raw = _post_raw(http, server.url + "/v2/models/small_cnn/infer",
                       gzip.compress(body), headers)
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    got = kh.parse_response(gzip.decompress(raw), r.headers).as_numpy("logits")
    expected = generate.reference_output("small_cnn", {"input": x})["logits"]
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)


def test_unsupported_content_encoding_is_501(server, http):
    _, body, headers = _request(5)
    r = http.post(server.url + "/v2/models/small_cnn/infer", data=body,
                  headers=dict(headers, **{"Content-Encoding": "br"}))
    assert r.status_code == 501
    assert "gzip" in r.headers.get("Accept-Encoding", "")
    assert "error" in r.json()
