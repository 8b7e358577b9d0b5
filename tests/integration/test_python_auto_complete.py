"""auto_complete_config: a Python model without config.pbtxt (python_models/auto_complete)
declares inputs, outputs, max_batch_size and dynamic batching through pb_utils.ModelConfig;
the server's configuration shows them and requests are checked against them."""

import numpy as np
import pytest

import python_models as pm
from client_api import InferError
from python_models import serving


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_auto_complete"), ["auto_complete"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def test_config_shows_what_the_model_declared(srv, http):
    r = http.get(srv.url + "/v2/models/auto_complete/config")
    assert r.status_code == 200, r.text
    config = r.json()
    assert config["name"] == "auto_complete"
    assert config["backend"] == "python"
    assert config["max_batch_size"] == 4
    assert "dynamic_batching" in config
    inputs = {i["name"]: (i["data_type"], i["dims"]) for i in config["input"]}
    outputs = {o["name"]: (o["data_type"], o["dims"]) for o in config["output"]}
    assert inputs == {"INPUT0": ("TYPE_FP32", [4]), "TEXT": ("TYPE_STRING", [1])}
    assert outputs == {"OUTPUT0": ("TYPE_FP32", [4]), "LENGTH": ("TYPE_INT32", [1])}


def test_metadata_has_the_batch_dimension(srv, http):
    metadata = http.get(srv.url + "/v2/models/auto_complete").json()
    assert metadata["platform"] == "python"
    assert {i["name"]: i["shape"] for i in metadata["inputs"]} == {"INPUT0": [-1, 4], "TEXT": [-1, 1]}


def test_infer_with_the_completed_config(srv, make_client):
    client = make_client(srv)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    text = np.array([[b"a"], ["été".encode()], [b""]], dtype=np.object_)
    result = client.infer("auto_complete", {"INPUT0": x, "TEXT": text})
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), 3 * x)
    np.testing.assert_array_equal(result.as_numpy("LENGTH"), np.array([[1], [3], [0]], dtype=np.int32))


def test_requests_are_checked_against_the_completed_config(srv, make_client):
    client = make_client(srv)
    x = np.zeros((1, 5), dtype=np.float32)
    with pytest.raises(InferError) as caught:
        client.infer("auto_complete", {"INPUT0": x, "TEXT": np.array([[b"a"]], dtype=np.object_)})
    assert "unexpected shape for input 'INPUT0'" in caught.value.message
