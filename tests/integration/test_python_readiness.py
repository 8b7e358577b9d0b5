"""The is_ready() hook (python_models/readiness_switch): model readiness over HTTP and gRPC,
and server readiness, follow what the hook answers; an exception counts as not ready; an
async hook works too. The model keeps serving requests while it says it is not ready."""

import numpy as np
import pytest

import python_models as pm
from python_models import serving

ASYNC_HOOK = 'parameters { key: "ASYNC_HOOK" value: { string_value: "yes" } }\n'


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_readiness"), [
        "readiness_switch",
        ("readiness_switch_async", "readiness_switch", ASYNC_HOOK),
    ])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def set_mode(client, model, mode):
    result = client.infer(model, {"MODE": np.array([mode.encode()], dtype=np.object_)})
    return result.as_numpy("MODE_WAS")[0].decode()


def http_model_ready(session, srv, model):
    reply = session.get(f"{srv.url}/v2/models/{model}/ready", timeout=30)
    return reply.status_code, reply.text


def grpc_ready(stubs, grpc_client, model):
    model_ready = grpc_client.stub.ModelReady(stubs.messages.ModelReadyRequest(name=model), timeout=30).ready
    server_ready = grpc_client.stub.ServerReady(stubs.messages.ServerReadyRequest(), timeout=30).ready
    return model_ready, server_ready


@pytest.mark.parametrize("model", ["readiness_switch", "readiness_switch_async"])
@pytest.mark.parametrize("mode", ["not_ready", "raise"])
def test_readiness_follows_the_hook(srv, new_session, make_grpc_client, stubs, model, mode):
    session = new_session()
    client = make_grpc_client(srv)
    assert http_model_ready(session, srv, model) == (200, "")
    assert grpc_ready(stubs, client, model) == (True, True)
    try:
        assert set_mode(client, model, mode) == "ready"
        assert http_model_ready(session, srv, model) == (400, '{"error":"Model version not ready"}')
        assert session.get(f"{srv.url}/v2/health/ready", timeout=30).status_code == 400
        assert grpc_ready(stubs, client, model) == (False, False)
        # Still serving: readiness is what the model says, requests still run.
        assert set_mode(client, model, mode) == mode
    finally:
        set_mode(client, model, "ready")
    assert http_model_ready(session, srv, model) == (200, "")
    assert session.get(f"{srv.url}/v2/health/ready", timeout=30).status_code == 200
    assert grpc_ready(stubs, client, model) == (True, True)


def test_hook_that_hangs_stops_the_stub_and_the_next_request_restarts_it(srv, new_session, make_grpc_client):
    session = new_session()
    client = make_grpc_client(srv)
    assert set_mode(client, "readiness_switch", "hang") == "ready"
    assert http_model_ready(session, srv, "readiness_switch") == (400, '{"error":"Model version not ready"}')
    assert ("Python model 'readiness_switch' instance 'readiness_switch_0' did not finish is_ready within 5 s; "
            "its stub was stopped and is restarted for the next request") in srv.log()
    # A new stub, with the model initialized afresh (mode "ready").
    assert set_mode(client, "readiness_switch", "ready") == "ready"
    assert http_model_ready(session, srv, "readiness_switch") == (200, "")
