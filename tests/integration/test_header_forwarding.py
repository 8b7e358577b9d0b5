"""Header forwarding (--http-header-forward-pattern, --grpc-header-forward-pattern): headers
or metadata whose name matches become string parameters a Python model reads with
request.parameters(); a matching reserved name fails the request; a bad pattern stops the
start."""

import json
import subprocess

import grpc
import numpy as np
import pytest

import kserve_grpc
import kserve_http as kh
import python_models as pm
from kserve_grpc import rpc_error
from python_models import serving
from server_process import binary_path, free_port

FLAGS = ["--http-header-forward-pattern=^x-fwd-|tenant", "--grpc-header-forward-pattern=^x-fwd-"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    repo = pm.make_repository(tmp_path_factory.mktemp("forwarding"), ["parameters_echo"])
    yield from serving.shared_server(tmp_path_factory, [repo], FLAGS)


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def http_infer(http, srv, headers, parameters=None):
    body, base = kh.build_request([kh.InferInput("INPUT", np.array([1], dtype=np.int32))], parameters=parameters)
    return http.post(srv.url + "/v2/models/parameters_echo/infer", data=body, headers=dict(base, **headers))


def seen(result):
    return json.loads(result.as_numpy("PARAMETERS")[0].decode("utf-8"))


def test_http_headers_that_match_become_parameters(srv, http):
    r = http_infer(http, srv, {"X-Fwd-User": "ada", "X-FWD-Trace": "t1", "My-Tenant-Id": "7", "X-Other": "no"},
                   parameters={"greeting": "hi", "x-fwd-user": "from the body"})
    assert r.status_code == 200, r.text
    # Names arrive lower-cased; a forwarded header replaces a body parameter of the same name.
    assert seen(kh.parse_response(r.content, r.headers)) == {
        "greeting": "hi", "x-fwd-user": "ada", "x-fwd-trace": "t1", "my-tenant-id": "7"}


def test_a_reserved_name_that_matches_is_refused(srv, http):
    r = http_infer(http, srv, {"tenant_x": "1", "triton_tenant": "2"})
    assert r.status_code == 400
    assert r.json() == {"error": "header 'triton_tenant' matches --http-header-forward-pattern but its name "
                                 "is a reserved parameter name"}
    assert http_infer(http, srv, {}).status_code == 200


def test_grpc_metadata_that_matches_becomes_parameters(srv, make_grpc_client):
    client = make_grpc_client(srv)
    request = client.request("parameters_echo", {"INPUT": np.array([1], dtype=np.int32)})
    metadata = [("x-fwd-user", "ada"), ("tenant", "not forwarded over gRPC")]
    result = kserve_grpc.InferResult(client.stub.ModelInfer(request, timeout=30, metadata=metadata))
    assert seen(result) == {"x-fwd-user": "ada"}
    [streamed] = list(client.stub.ModelStreamInfer(iter([request]), timeout=30, metadata=metadata))
    assert streamed.error_message == ""
    assert seen(kserve_grpc.InferResult(streamed.infer_response)) == {"x-fwd-user": "ada"}


def test_a_bad_pattern_stops_the_start(tmp_path):
    result = subprocess.run([binary_path(), f"--model-repository={tmp_path}", f"--http-port={free_port()}",
                             "--grpc-header-forward-pattern=x-(fwd"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "inferd: error: --grpc-header-forward-pattern 'x-(fwd' is not a valid regular expression: " in result.stderr
