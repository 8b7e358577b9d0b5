"""small_cnn inference over HTTP and gRPC, checked against torch's output; request
ids, versions, parameters and requested-output subsets."""

import numpy as np
import pytest

import generate

ATOL = 1e-4


def _input(batch, seed):
    return np.random.default_rng(seed).standard_normal((batch, 3, 16, 16)).astype(np.float32)


def _expected(x):
    return generate.reference_output("small_cnn", {"input": x})["logits"]


@pytest.mark.parametrize("typed", [False, True])
@pytest.mark.parametrize("batch", [1, 3])
def test_matches_torch(client, batch, typed):
    x = _input(batch, batch)
    result = client.infer("small_cnn", {"input": x}, typed=typed)
    assert result.model_name == "small_cnn"
    assert result.model_version == "1"
    assert result.id == ""
    assert result.output_names == ["logits"]
    assert result.datatype("logits") == "FP32"
    assert result.shape("logits") == [batch, 10]
    np.testing.assert_allclose(result.as_numpy("logits"), _expected(x), atol=ATOL, rtol=0)


def test_request_id_echoed(client):
    result = client.infer("small_cnn", {"input": _input(1, 9)}, request_id="my-request-42")
    assert result.id == "my-request-42"
    assert result.model_name == "small_cnn"


def test_explicit_version(client):
    x = _input(1, 10)
    result = client.infer("small_cnn", {"input": x}, version=1)
    assert result.model_version == "1"
    np.testing.assert_allclose(result.as_numpy("logits"), _expected(x), atol=ATOL, rtol=0)


def test_custom_request_parameters_accepted(client):
    x = _input(1, 13)
    result = client.infer("small_cnn", {"input": x},
                          parameters={"my_int": 3, "my_text": "hello", "my_flag": True,
                                      "my_ratio": 0.25})
    np.testing.assert_allclose(result.as_numpy("logits"), _expected(x), atol=ATOL, rtol=0)


def test_requested_output_subset(client):
    """add_sub_fp32 has two outputs; asking for one returns only that one."""
    inputs = {"INPUT0": np.arange(16, dtype=np.float32).reshape(1, 16),
              "INPUT1": np.full((1, 16), 0.5, dtype=np.float32)}
    a, b = inputs["INPUT0"], inputs["INPUT1"]
    result = client.infer("add_sub_fp32", inputs, outputs=["OUTPUT1"])
    assert result.output_names == ["OUTPUT1"]
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)

    result = client.infer("add_sub_fp32", inputs)
    assert sorted(result.output_names) == ["OUTPUT0", "OUTPUT1"]
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)
