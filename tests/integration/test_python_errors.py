"""Errors a model.py produces while serving: execute raising (python_models/sqrt_checked),
error responses with each TritonError code (error_response) and a wrong return value from
execute (wrong_count). Each fails only its request, with the documented status and text,
and the model keeps serving."""

import grpc
import numpy as np
import pytest

import python_models as pm
from client_api import InferError
from python_models import serving

# TritonError code -> (HTTP status, gRPC status)
STATUS = {
    "INTERNAL": (500, grpc.StatusCode.INTERNAL),
    "INVALID_ARG": (400, grpc.StatusCode.INVALID_ARGUMENT),
    "NOT_FOUND": (404, grpc.StatusCode.NOT_FOUND),
    "UNAVAILABLE": (503, grpc.StatusCode.UNAVAILABLE),
    "UNSUPPORTED": (501, grpc.StatusCode.UNIMPLEMENTED),
    "UNKNOWN": (400, grpc.StatusCode.UNKNOWN),
    "ALREADY_EXISTS": (400, grpc.StatusCode.ALREADY_EXISTS),
    "CANCELLED": (400, grpc.StatusCode.CANCELLED),
}


def expected_status(protocol, code):
    return STATUS[code][0 if protocol == "http" else 1]


def strings(*values):
    return np.array([v.encode() for v in values], dtype=np.object_)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_errors"),
                              ["sqrt_checked", "error_response", "wrong_count"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def test_execute_raising_fails_the_request(srv, make_client, protocol):
    client = make_client(srv)
    with pytest.raises(InferError) as caught:
        client.infer("sqrt_checked", {"X": np.array([4.0, -4.0], dtype=np.float32)})
    assert caught.value.code == expected_status(protocol, "INTERNAL")
    assert caught.value.message.startswith(
        "Failed to process the request(s) for model 'sqrt_checked_0', message: "
        "ValueError: X must not be negative, got -4.0"), caught.value.message
    result = client.infer("sqrt_checked", {"X": np.array([4.0, 9.0], dtype=np.float32)})
    np.testing.assert_array_equal(result.as_numpy("Y"), np.array([2.0, 3.0], dtype=np.float32))


def test_execute_raising_keeps_the_stub(srv, make_client, http):
    """The exception is the model's business: no stub restart is logged."""
    client = make_client(srv)
    for _ in range(3):
        with pytest.raises(InferError):
            client.infer("sqrt_checked", {"X": np.array([-1.0], dtype=np.float32)})
    client.infer("sqrt_checked", {"X": np.array([1.0], dtype=np.float32)})
    assert "restarted the Python stub" not in srv.log()


def test_error_response_without_code_is_internal(srv, make_client, protocol):
    with pytest.raises(InferError) as caught:
        make_client(srv).infer("error_response", {"CODE": strings("DEFAULT")})
    assert caught.value.code == expected_status(protocol, "INTERNAL")
    assert caught.value.message == "refused without a code"


@pytest.mark.parametrize("code", sorted(STATUS))
def test_error_response_code_sets_the_status(srv, make_client, protocol, code):
    with pytest.raises(InferError) as caught:
        make_client(srv).infer("error_response", {"CODE": strings(code)})
    assert caught.value.code == expected_status(protocol, code)
    assert caught.value.message == f"refused with {code}"


@pytest.mark.parametrize("how", ["empty", "two", "bare", "none", "text"])
def test_wrong_return_value_fails_instead_of_hanging(srv, make_client, protocol, how):
    client = make_client(srv)
    with pytest.raises(InferError) as caught:
        client.infer("wrong_count", {"HOW": strings(how)}, timeout=20)
    assert caught.value.code == expected_status(protocol, "INTERNAL"), caught.value.message
    assert "wrong_count" in caught.value.message
    result = client.infer("wrong_count", {"HOW": strings("right")}, timeout=20)
    assert result.as_numpy("OUTPUT").tolist() == [7]
