"""How Python models present themselves: metadata platform "python" over HTTP and gRPC, the
backend in the configuration, and one stub process per instance (python_models/whoami has
instance_group count 2: two slow requests at once are answered by two processes)."""

import concurrent.futures

import numpy as np
import pytest

import python_models as pm
from python_models import serving


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_metadata"), ["whoami", "pipeline_identity"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def test_http_metadata_platform_is_python(srv, http):
    metadata = http.get(srv.url + "/v2/models/pipeline_identity").json()
    assert metadata["name"] == "pipeline_identity"
    assert metadata["platform"] == "python"
    assert metadata["versions"] == ["1"]
    assert {i["name"]: (i["datatype"], i["shape"]) for i in metadata["inputs"]} == {
        "model_1_input_string": ("BYTES", [-1]),
        "model_1_input_UINT8_array": ("UINT8", [-1]),
        "model_1_input_INT8_array": ("INT8", [-1]),
        "model_1_input_FP32_image": ("FP32", [-1, -1, -1]),
        "model_1_input_bool": ("BOOL", [-1]),
    }


def test_grpc_metadata_platform_is_python(srv, make_grpc_client):
    client = make_grpc_client(srv)
    metadata = client.stub.ModelMetadata(client.stubs.messages.ModelMetadataRequest(name="whoami"), timeout=10)
    assert metadata.platform == "python"


def test_config_names_the_backend(srv, http):
    config = http.get(srv.url + "/v2/models/whoami/config").json()
    assert config["backend"] == "python"
    assert config["platform"] == ""
    assert [(g["count"], g["kind"]) for g in config["instance_group"]] == [(2, "KIND_CPU")]


def ask(make_client, srv, seconds):
    result = make_client(srv).infer("whoami", {"SLEEP": np.array([seconds], dtype=np.float32)})
    return int(result.as_numpy("PID")[0]), result.as_numpy("INSTANCE")[0].decode()


def test_two_instances_are_two_processes(srv, make_client):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = [f.result(timeout=30) for f in [pool.submit(ask, make_client, srv, 0.5) for _ in range(2)]]
    pids = {pid for pid, _ in answers}
    assert len(pids) == 2, answers
    assert {name for _, name in answers} == {"whoami_0_0", "whoami_0_1"}
    assert srv.proc.pid not in pids
