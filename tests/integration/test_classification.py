"""Classification extension (spec/http.md §6) on densenet_onnx and labelled_classifier."""

import numpy as np
import pytest

import generate
import kserve_http as kh


def _image(batch, seed):
    return np.random.default_rng(seed).standard_normal((batch, 3, 224, 224)).astype(np.float32)


def _parse(entry):
    text = entry.decode("utf-8") if isinstance(entry, bytes) else entry
    parts = text.split(":")
    return float(parts[0]), int(parts[1]), parts[2:]


def _raw(server, http, x):
    resp, result = kh.infer(http, server.url, "densenet_onnx", [kh.InferInput("data_0", x)],
                            outputs=[{"name": "fc6_1", "parameters": {"binary_data": True}}])
    assert resp.status_code == 200, resp.text
    return result.as_numpy("fc6_1")


def test_densenet_raw_output_matches_torch(server, http):
    x = _image(1, 1)
    raw = _raw(server, http, x)
    assert raw.shape == (1, 1000, 1, 1)
    expected = generate.reference_output("densenet_onnx", {"data_0": x})["fc6_1"]
    np.testing.assert_allclose(raw, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("binary", [True, False])
def test_densenet_top5(server, http, binary):
    x = _image(1, 2)
    raw = _raw(server, http, x).reshape(-1)
    resp, result = kh.infer(
        http, server.url, "densenet_onnx", [kh.InferInput("data_0", x)],
        outputs=[{"name": "fc6_1",
                  "parameters": {"classification": 5, "binary_data": binary}}])
    assert resp.status_code == 200, resp.text
    out = result.output("fc6_1")
    assert out["datatype"] == "BYTES"
    assert out["shape"] == [1, 5]
    entries = [_parse(e) for e in result.as_numpy("fc6_1").reshape(-1)]
    scores = [s for s, _, _ in entries]
    assert scores == sorted(scores, reverse=True)
    expected_idx = np.argsort(-raw, kind="stable")[:5]
    assert [i for _, i, _ in entries] == expected_idx.tolist()
    for score, idx, label in entries:
        assert label == []
        assert score == pytest.approx(float(raw[idx]), abs=1e-5)
    # Floats are printed like C's %f: six decimals.
    first = result.as_numpy("fc6_1").reshape(-1)[0]
    first = first.decode() if isinstance(first, bytes) else first
    assert first == f"{raw[expected_idx[0]]:f}:{expected_idx[0]}"


def test_densenet_batch2_classification(server, http):
    x = _image(2, 3)
    raw = _raw(server, http, x).reshape(2, -1)
    resp, result = kh.infer(
        http, server.url, "densenet_onnx", [kh.InferInput("data_0", x)],
        outputs=[{"name": "fc6_1", "parameters": {"classification": 3, "binary_data": True}}])
    assert resp.status_code == 200, resp.text
    classes = result.as_numpy("fc6_1")
    assert result.output("fc6_1")["shape"] == [2, 3]
    for row in range(2):
        got = [_parse(e)[1] for e in classes[row]]
        assert got == np.argsort(-raw[row], kind="stable")[:3].tolist()


def test_labels_from_label_filename(server, http):
    x = np.random.default_rng(5).standard_normal((2, 8)).astype(np.float32)
    probs = generate.reference_output("labelled_classifier", {"features": x})["probabilities"]
    resp, result = kh.infer(
        http, server.url, "labelled_classifier", [kh.InferInput("features", x)],
        outputs=[{"name": "probabilities", "parameters": {"classification": 3}}])
    assert resp.status_code == 200, resp.text
    out = result.output("probabilities")
    assert out["datatype"] == "BYTES"
    assert out["shape"] == [2, 3]
    rows = np.asarray(out["data"], dtype=object).reshape(2, 3)
    for row in range(2):
        expected_idx = np.argsort(-probs[row], kind="stable")[:3]
        for text, idx in zip(rows[row], expected_idx):
            score, got_idx, label = _parse(text)
            assert got_idx == idx
            assert label == [generate.LABELS[idx]]
            assert score == pytest.approx(float(probs[row][idx]), abs=1e-5)


def test_classification_count_larger_than_classes(server, http):
    x = np.zeros((1, 8), dtype=np.float32)
    resp, result = kh.infer(
        http, server.url, "labelled_classifier", [kh.InferInput("features", x)],
        outputs=[{"name": "probabilities", "parameters": {"classification": 50}}])
    assert resp.status_code == 200, resp.text
    assert result.output("probabilities")["shape"] == [1, 5]
    labels = sorted(_parse(t)[2][0] for t in result.output("probabilities")["data"])
    assert labels == sorted(generate.LABELS)
