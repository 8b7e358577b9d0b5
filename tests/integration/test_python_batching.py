"""A batching Python model (python_models/add_sub_python, max_batch_size 8, dynamic_batching):
execute sees each request's inputs with the batch dimension, [B, 16], and answers [B, 16]."""

import numpy as np
import pytest

import python_models as pm
from client_api import InferError
from python_models import serving


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_batching"), ["add_sub_python"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


@pytest.mark.parametrize("batch", [1, 3, 8])
def test_batch_of_b_in_one_request(srv, make_client, batch):
    client = make_client(srv)
    rng = np.random.default_rng(batch)
    a = rng.standard_normal((batch, 16)).astype(np.float32)
    b = rng.standard_normal((batch, 16)).astype(np.float32)
    result = client.infer("add_sub_python", {"INPUT0": a, "INPUT1": b})
    assert result.shape("OUTPUT0") == [batch, 16]
    assert result.shape("OUTPUT1") == [batch, 16]
    assert result.datatype("OUTPUT0") == "FP32"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)


def test_batch_above_max_batch_size_is_refused_before_the_model(srv, make_client):
    client = make_client(srv)
    a = np.zeros((9, 16), dtype=np.float32)
    with pytest.raises(InferError) as caught:
        client.infer("add_sub_python", {"INPUT0": a, "INPUT1": a})
    assert "add_sub_python" in caught.value.message
    assert "Failed to process" not in caught.value.message  # the server refused it, not model.py


def test_config_keeps_batching(srv, http):
    config = http.get(srv.url + "/v2/models/add_sub_python/config").json()
    assert config["max_batch_size"] == 8
    assert config["backend"] == "python"
    assert "dynamic_batching" in config
    assert [i["dims"] for i in config["input"]] == [[16], [16]]
