"""Restricted endpoint groups (--http-restricted-api, --grpc-restricted-protocol): a request to
a restricted group needs the named header (gRPC: metadata key) with exactly its value; the
other groups stay open; bad flag values stop the server at start-up with a clear message."""

import subprocess

import grpc
import numpy as np
import pytest

import kserve_http as kh
from kserve_grpc import rpc_error
from server_process import binary_path, free_port
from test_grpc_service import SERVING, health_check

ADMIN = ("admin-key", "s3cret")
INFER = ("infer-key", "abc")
HTTP_FLAGS = ["--http-restricted-api=model-repository,statistics,model-config:Admin-Key=s3cret",
              "--http-restricted-api=inference:infer-key=abc"]
GRPC_FLAGS = ["--grpc-restricted-protocol=model-repository,health:admin-key=s3cret",
              "--grpc-restricted-protocol=inference:infer-key=abc"]


@pytest.fixture
def restricted(start_server, model_repo):
    return start_server([model_repo], HTTP_FLAGS + GRPC_FLAGS)


def _infer_body():
    x = np.arange(16, dtype=np.float32).reshape(1, 16)
    return kh.build_request([kh.InferInput("INPUT0", x), kh.InferInput("INPUT1", x)])


def _refused(response, header):
    assert response.status_code == 403
    assert response.json() == {"error": f"This API is restricted, expecting header '{header}'"}


def test_http_restricted_groups_need_their_header(restricted, http):
    url = restricted.url
    _refused(http.post(url + "/v2/repository/index"), "Admin-Key")
    _refused(http.post(url + "/v2/repository/index", headers={"Admin-Key": "wrong"}), "Admin-Key")
    _refused(http.get(url + "/v2/models/stats"), "Admin-Key")
    _refused(http.get(url + "/v2/models/add_sub_fp32/versions/1/stats"), "Admin-Key")
    _refused(http.get(url + "/v2/models/add_sub_fp32/config"), "Admin-Key")
    # The restriction is checked before the method.
    _refused(http.get(url + "/v2/repository/index"), "Admin-Key")
    # Header names are case-insensitive; values are compared exactly.
    assert http.post(url + "/v2/repository/index", headers={"admin-key": "s3cret"}).status_code == 200
    _refused(http.get(url + "/v2/models/stats", headers={"Admin-Key": "S3CRET"}), "Admin-Key")
    assert http.get(url + "/v2/models/add_sub_fp32/config", headers={"ADMIN-KEY": "s3cret"}).status_code == 200

    body, headers = _infer_body()
    infer_url = url + "/v2/models/add_sub_fp32/infer"
    _refused(http.post(infer_url, data=body, headers=headers), "infer-key")
    _refused(http.post(infer_url, data=body, headers=dict(headers, **{"Admin-Key": "s3cret"})), "infer-key")
    r = http.post(infer_url, data=body, headers=dict(headers, **{"infer-key": "abc"}))
    assert r.status_code == 200, r.text

    # Open groups: health, metadata.
    assert http.get(url + "/v2/health/ready").status_code == 200
    assert http.get(url + "/v2").status_code == 200
    assert http.get(url + "/v2/models/add_sub_fp32").status_code == 200
    assert http.get(url + "/v2/models/add_sub_fp32/ready").status_code == 200


def test_grpc_restricted_groups_need_their_metadata(restricted, make_grpc_client, stubs):
    client = make_grpc_client(restricted)
    m = stubs.messages
    expected = "This protocol is restricted, expecting header 'admin-key'"
    for method, request in [(client.stub.ServerLive, m.ServerLiveRequest()),
                            (client.stub.ModelReady, m.ModelReadyRequest(name="add_sub_fp32")),
                            (client.stub.RepositoryIndex, m.RepositoryIndexRequest())]:
        error = rpc_error(method, request, timeout=10)
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        assert error.details() == expected
        error = rpc_error(method, request, timeout=10, metadata=[("admin-key", "nope")])
        assert error.details() == expected
        method(request, timeout=10, metadata=[ADMIN])
    with pytest.raises(grpc.RpcError) as raised:
        health_check(client)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE and raised.value.details() == expected
    check = client.channel.unary_unary("/grpc.health.v1.Health/Check", response_deserializer=lambda raw: raw)
    assert check(b"", timeout=10, metadata=[ADMIN]) == SERVING

    x = np.arange(16, dtype=np.float32).reshape(1, 16)
    request = client.request("add_sub_fp32", {"INPUT0": x, "INPUT1": x})
    error = rpc_error(client.stub.ModelInfer, request, timeout=10)
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert error.details() == "This protocol is restricted, expecting header 'infer-key'"
    response = client.stub.ModelInfer(request, timeout=10, metadata=[INFER])
    assert response.model_name == "add_sub_fp32"

    with pytest.raises(grpc.RpcError) as raised:
        list(client.stub.ModelStreamInfer(iter([request]), timeout=10))
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert raised.value.details() == "This protocol is restricted, expecting header 'infer-key'"
    [streamed] = list(client.stub.ModelStreamInfer(iter([request]), timeout=10, metadata=[INFER]))
    assert streamed.error_message == "" and streamed.infer_response.model_name == "add_sub_fp32"

    # Open: metadata, statistics (restricted over HTTP only).
    client.stub.ServerMetadata(m.ServerMetadataRequest(), timeout=10)
    client.stub.ModelStatistics(m.ModelStatisticsRequest(name="add_sub_fp32"), timeout=10)


@pytest.mark.parametrize("flag,message", [
    ("--http-restricted-api=inference", "--http-restricted-api 'inference': no ':' before the header"),
    ("--http-restricted-api=inference:key", "--http-restricted-api 'inference:key': no '=' between the header "
                                            "and its value"),
    ("--grpc-restricted-protocol=inference:=v", "--grpc-restricted-protocol 'inference:=v': the header name is "
                                                "empty"),
    ("--grpc-restricted-protocol=inference,models:k=v", "--grpc-restricted-protocol 'inference,models:k=v': "
                                                        "unknown category 'models'; the categories are health, "
                                                        "metadata, inference, shared-memory, model-config, "
                                                        "model-repository, statistics, trace, logging"),
])
def test_bad_restriction_flags_stop_the_start(tmp_path, flag, message):
    result = subprocess.run([binary_path(), f"--model-repository={tmp_path}", f"--http-port={free_port()}",
                             f"--grpc-port={free_port()}", f"--metrics-port={free_port()}", flag],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"inferd: error: {message} (expected <category>[,<category>...]:<header>=<value>)" in result.stderr


def test_a_category_restricted_twice_is_an_error(tmp_path):
    result = subprocess.run([binary_path(), f"--model-repository={tmp_path}", f"--http-port={free_port()}",
                             "--http-restricted-api=health:a=1", "--http-restricted-api=metadata,health:b=2"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--http-restricted-api 'metadata,health:b=2': category 'health' is already restricted" in result.stderr
