"""Decoupled Python models (python_models/repeat_decoupled, `model_transaction_policy
{ decoupled: true }`): responses sent through request.get_response_sender(), from execute or
from a thread after execute returned, stream back over gRPC ModelStreamInfer, each marked
with triton_final_response; the flags-only final becomes an empty response only when the
client asked for it. HTTP /infer and unary ModelInfer refuse such models."""

import grpc
import numpy as np
import pytest

import kserve_grpc as kg
import kserve_http as kh
import python_models as pm
from python_models import serving


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_decoupled"), ["repeat_decoupled"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


@pytest.fixture
def client(srv, make_grpc_client):
    return make_grpc_client(srv)


def inputs(count, mode):
    return {"COUNT": np.array([count], dtype=np.int32), "MODE": np.array([mode.encode()], dtype=np.object_)}


def request(client, count, mode, request_id="r", empty_final=None):
    parameters = None if empty_final is None else {"triton_enable_empty_final_response": empty_final}
    return client.request("repeat_decoupled", inputs(count, mode), request_id=request_id, parameters=parameters)


def stream(client, requests):
    responses = list(client.stub.ModelStreamInfer(iter(requests), timeout=30))
    for response in responses:
        assert response.error_message == ""
    return responses


def is_final(response):
    final = response.infer_response.parameters["triton_final_response"]
    assert final.WhichOneof("parameter_choice") == "bool_param"
    return final.bool_param


def out_values(responses):
    return [int(kg.InferResult(r.infer_response).as_numpy("OUT")[0]) for r in responses]


@pytest.mark.parametrize("mode", ["execute", "thread"])
def test_n_responses_then_nothing_for_the_flags_only_final(client, mode):
    responses = stream(client, [request(client, 4, mode)])
    assert out_values(responses) == [0, 1, 2, 3]
    assert [is_final(r) for r in responses] == [False] * 4
    for r in responses:
        assert r.infer_response.id == "r"
        assert r.infer_response.model_name == "repeat_decoupled"


@pytest.mark.parametrize("mode", ["execute", "thread"])
def test_empty_final_response_when_asked(client, mode):
    responses = stream(client, [request(client, 3, mode, request_id="asked", empty_final=True)])
    assert len(responses) == 4
    assert out_values(responses[:3]) == [0, 1, 2]
    assert [is_final(r) for r in responses] == [False, False, False, True]
    last = responses[-1].infer_response
    assert len(last.outputs) == 0 and len(last.raw_output_contents) == 0
    # copied from the request, which named no version
    assert (last.id, last.model_name, last.model_version) == ("asked", "repeat_decoupled", "")


def test_empty_final_response_not_sent_when_declined(client):
    responses = stream(client, [request(client, 2, "execute", empty_final=False)])
    assert out_values(responses) == [0, 1]
    assert [is_final(r) for r in responses] == [False, False]


def test_final_flag_on_the_last_response(client):
    responses = stream(client, [request(client, 3, "last", empty_final=True)])
    assert out_values(responses) == [0, 1, 2]
    assert [is_final(r) for r in responses] == [False, False, True]


def test_zero_responses(client):
    assert stream(client, [request(client, 0, "execute")]) == []
    responses = stream(client, [request(client, 0, "thread", empty_final=True)])
    assert len(responses) == 1 and is_final(responses[0])
    assert len(responses[0].infer_response.outputs) == 0


def test_requests_of_one_stream_each_get_their_responses(client):
    cases = {"a": (2, "thread"), "b": (5, "execute"), "c": (3, "last"), "d": (4, "thread")}
    requests = [request(client, n, mode, request_id=rid, empty_final=True) for rid, (n, mode) in cases.items()]
    responses = stream(client, requests)
    for rid, (n, mode) in cases.items():
        mine = [r for r in responses if r.infer_response.id == rid]
        with_data = [r for r in mine if len(r.infer_response.outputs)]
        assert out_values(with_data) == list(range(n)), rid
        assert [is_final(r) for r in mine] == [False] * (len(mine) - 1) + [True], rid
        assert len(mine) == (n if mode == "last" else n + 1), rid


def test_http_infer_is_refused(srv, http):
    items = [kh.InferInput(name, value) for name, value in inputs(2, "execute").items()]
    resp, _ = kh.infer(http, srv.url, "repeat_decoupled", items)
    assert resp.status_code == 501
    assert resp.json() == {"error": "HTTP end point doesn't support models with decoupled transaction policy"}


def test_unary_model_infer_is_refused(client):
    error = kg.rpc_error(client.stub.ModelInfer, request(client, 2, "execute"), timeout=30)
    assert error.code() == grpc.StatusCode.UNIMPLEMENTED
    assert error.details() == "ModelInfer RPC doesn't support models with decoupled transaction policy"


def test_config_reports_decoupled(srv, http):
    config = http.get(srv.url + "/v2/models/repeat_decoupled/config").json()
    assert config["model_transaction_policy"] == {"decoupled": True}
