"""A model that is not decoupled may answer through request.get_response_sender() with one
final response and return None from execute (python_models/sender_reply); clients see an
ordinary response, over HTTP, gRPC and the gRPC stream."""

import numpy as np
import pytest

import kserve_grpc as kg
import python_models as pm
from python_models import serving


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_response_sender"), ["sender_reply"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def test_sender_answer_is_the_response(srv, make_client):
    x = np.array([1, -2, 3], dtype=np.int32)
    result = make_client(srv).infer("sender_reply", {"X": x})
    np.testing.assert_array_equal(result.as_numpy("Y"), 2 * x)


def test_sender_answer_over_the_stream(srv, make_grpc_client):
    client = make_grpc_client(srv)
    requests = [client.request("sender_reply", {"X": np.array([i], dtype=np.int32)}, request_id=str(i))
                for i in range(5)]
    responses = list(client.stub.ModelStreamInfer(iter(requests), timeout=30))
    assert [r.infer_response.id for r in responses] == [str(i) for i in range(5)]
    for i, response in enumerate(responses):
        assert response.error_message == ""
        assert response.infer_response.parameters["triton_final_response"].bool_param is True
        assert kg.InferResult(response.infer_response).as_numpy("Y").tolist() == [2 * i]
