"""Classification extension (the KServe v2 HTTP protocol) on densenet_onnx and labelled_classifier,
over HTTP and gRPC."""

import numpy as np
import pytest

import generate


def _image(batch, seed):
    return np.random.default_rng(seed).standard_normal((batch, 3, 224, 224)).astype(np.float32)


def _parse(entry):
    """"<score>:<index>[:<label>]" -> (score, index, [label] or [])."""
    parts = entry.decode("utf-8").split(":")
    return float(parts[0]), int(parts[1]), parts[2:]


def _raw_scores(client, x):
    return client.infer("densenet_onnx", {"data_0": x}, outputs=["fc6_1"]).as_numpy("fc6_1")


def test_densenet_raw_output_matches_torch(client):
    x = _image(1, 1)
    raw = _raw_scores(client, x)
    assert raw.shape == (1, 1000, 1, 1)
    expected = generate.reference_output("densenet_onnx", {"data_0": x})["fc6_1"]
    np.testing.assert_allclose(raw, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("typed", [False, True])
def test_densenet_top5(client, typed):
    x = _image(1, 2)
    raw = _raw_scores(client, x).reshape(-1)
    result = client.infer("densenet_onnx", {"data_0": x}, outputs=["fc6_1"], classification=5,
                          typed=typed)
    assert result.datatype("fc6_1") == "BYTES"
    assert result.shape("fc6_1") == [1, 5]
    classes = result.as_numpy("fc6_1").reshape(-1)
    entries = [_parse(e) for e in classes]
    scores = [s for s, _, _ in entries]
    assert scores == sorted(scores, reverse=True)
    expected_idx = np.argsort(-raw, kind="stable")[:5]
    assert [i for _, i, _ in entries] == expected_idx.tolist()
    for score, idx, label in entries:
        assert label == []
        assert score == pytest.approx(float(raw[idx]), abs=1e-5)
    # Floats are printed like C's %f: six decimals.
    assert classes[0].decode() == f"{raw[expected_idx[0]]:f}:{expected_idx[0]}"


def test_densenet_batch2_classification(client):
    x = _image(2, 3)
    raw = _raw_scores(client, x).reshape(2, -1)
    result = client.infer("densenet_onnx", {"data_0": x}, outputs=["fc6_1"], classification=3)
    assert result.shape("fc6_1") == [2, 3]
    classes = result.as_numpy("fc6_1")
    for row in range(2):
        got = [_parse(e)[1] for e in classes[row]]
        assert got == np.argsort(-raw[row], kind="stable")[:3].tolist()


@pytest.mark.parametrize("typed", [False, True])
def test_labels_from_label_filename(client, typed):
    x = np.random.default_rng(5).standard_normal((2, 8)).astype(np.float32)
    probs = generate.reference_output("labelled_classifier", {"features": x})["probabilities"]
    result = client.infer("labelled_classifier", {"features": x}, outputs=["probabilities"],
                          classification=3, typed=typed)
    assert result.datatype("probabilities") == "BYTES"
    assert result.shape("probabilities") == [2, 3]
    rows = result.as_numpy("probabilities")
    for row in range(2):
        expected_idx = np.argsort(-probs[row], kind="stable")[:3]
        for text, idx in zip(rows[row], expected_idx):
            score, got_idx, label = _parse(text)
            assert got_idx == idx
            assert label == [generate.LABELS[idx]]
            assert score == pytest.approx(float(probs[row][idx]), abs=1e-5)


def test_classification_count_larger_than_classes(client):
    x = np.zeros((1, 8), dtype=np.float32)
    result = client.infer("labelled_classifier", {"features": x}, outputs=["probabilities"],
                          classification=50)
    assert result.shape("probabilities") == [1, 5]
    labels = sorted(_parse(t)[2][0] for t in result.as_numpy("probabilities").reshape(-1))
    assert labels == sorted(generate.LABELS)
