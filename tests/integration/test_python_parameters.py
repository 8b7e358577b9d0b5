"""Request and response parameters of a Python model (python_models/parameters_echo): the
client's custom request parameters reach `json.loads(request.parameters())` unchanged, the
protocol's own keys do not, and the parameters the model puts on its response reach the
client with their types."""

import json

import numpy as np
import pytest

import python_models as pm
from python_models import serving

CUSTOM = {"greeting": "hi there", "top_k": 3, "verbose": True, "temperature": 0.25}
ANSWER = {"echoed": True, "parameter_count": len(CUSTOM), "answered_by": "parameters_echo"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_parameters"), ["parameters_echo"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def ask(client, parameters, request_id=None, outputs=None):
    inputs = {"INPUT": np.array([1, 2], dtype=np.int32)}
    return client.infer("parameters_echo", inputs, parameters=parameters, request_id=request_id, outputs=outputs)


def seen_parameters(result):
    return json.loads(result.as_numpy("PARAMETERS")[0].decode("utf-8"))


@pytest.mark.parametrize("outputs", [None, ["PARAMETERS", "REQUEST_ID"]], ids=["all_outputs", "named_outputs"])
def test_custom_request_parameters_reach_the_model(srv, make_client, outputs):
    result = ask(make_client(srv), CUSTOM, outputs=outputs)
    assert seen_parameters(result) == CUSTOM


def test_no_parameters_is_an_empty_object(srv, make_client):
    result = ask(make_client(srv), None, outputs=["PARAMETERS"])
    assert seen_parameters(result) == {}


def test_scheduling_parameters_are_not_custom(srv, make_client):
    result = ask(make_client(srv), {**CUSTOM, "priority": 1, "timeout": 5000000},
                 outputs=["PARAMETERS", "SCHEDULING"])
    assert seen_parameters(result) == CUSTOM
    scheduling = json.loads(result.as_numpy("SCHEDULING")[0])
    assert scheduling == {"correlation_id": 0, "flags": 0, "timeout": 5000000}


@pytest.mark.parametrize("sequence_id", [42, "session-7"])
def test_sequence_parameters_become_correlation_id_and_flags(srv, make_client, sequence_id):
    parameters = {"sequence_id": sequence_id, "sequence_start": True, "sequence_end": True}
    result = ask(make_client(srv), parameters, outputs=["PARAMETERS", "SCHEDULING"])
    assert seen_parameters(result) == {}
    scheduling = json.loads(result.as_numpy("SCHEDULING")[0])
    assert scheduling == {"correlation_id": sequence_id, "flags": 3, "timeout": 0}


def test_response_parameters_reach_the_client(srv, make_client):
    result = ask(make_client(srv), CUSTOM)
    assert result.parameters == ANSWER
    assert type(result.parameters["parameter_count"]) is int
    assert type(result.parameters["echoed"]) is bool


def test_request_id_is_visible(srv, make_client):
    client = make_client(srv)
    result = ask(client, None, request_id="req-17")
    assert result.id == "req-17"
    assert result.as_numpy("REQUEST_ID").tolist() == [b"req-17"]
    assert ask(client, None).as_numpy("REQUEST_ID").tolist() == [b""]
