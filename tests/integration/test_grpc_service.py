"""gRPC health, metadata, configuration and repository RPCs (the KServe v2 gRPC protocol).

What the HTTP API already answers is the reference: server metadata, model
metadata, model configuration and the repository index must say the same over
gRPC. RPCs of extensions this version does not serve answer UNIMPLEMENTED with
the same text as HTTP's 501.
"""

import grpc
import pytest
from google.protobuf import json_format

import generate
import kserve_grpc
from kserve_grpc import rpc_error

MODELS = sorted(generate.GOOD_MODELS)

SERVING = b"\x08\x01"      # grpc.health.v1.HealthCheckResponse{status: SERVING}
NOT_SERVING = b"\x08\x02"  # ... {status: NOT_SERVING}


def health_check(client):
    """grpc.health.v1.Health/Check with an empty request; the raw response bytes."""
    check = client.channel.unary_unary("/grpc.health.v1.Health/Check",
                                       response_deserializer=lambda raw: raw)
    return check(b"", timeout=10)


def test_server_live_and_ready(grpc_client, stubs):
    assert grpc_client.stub.ServerLive(stubs.messages.ServerLiveRequest()).live is True
    assert grpc_client.stub.ServerReady(stubs.messages.ServerReadyRequest()).ready is True


def test_health_service_serving(grpc_client):
    assert health_check(grpc_client) == SERVING


def test_not_ready_server(start_server, broken_repo, make_grpc_client, stubs):
    """A broken model with strict readiness: ServerReady is OK with ready=false, health
    says NOT_SERVING, ServerLive stays true."""
    srv = start_server([broken_repo], ["--exit-on-error=false"], wait="live")
    client = make_grpc_client(srv)
    assert client.stub.ServerLive(stubs.messages.ServerLiveRequest()).live is True
    assert client.stub.ServerReady(stubs.messages.ServerReadyRequest()).ready is False
    assert health_check(client) == NOT_SERVING


def test_allow_grpc_false(start_server, model_repo, stubs, http):
    """--allow-grpc=false: HTTP serves, nothing listens on the gRPC port."""
    srv = start_server([model_repo], ["--allow-grpc=false"])
    assert http.get(srv.url + "/v2/health/ready").status_code == 200
    client = kserve_grpc.GrpcClient(stubs, srv.grpc_target)
    try:
        error = rpc_error(client.stub.ServerLive, stubs.messages.ServerLiveRequest(), timeout=5)
        assert error.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        client.close()


@pytest.mark.parametrize("version", ["", "1"])
def test_model_ready(grpc_client, stubs, version):
    for name in MODELS:
        request = stubs.messages.ModelReadyRequest(name=name, version=version)
        assert grpc_client.stub.ModelReady(request).ready is True, name


@pytest.mark.parametrize("name,version,code,message", [
    ("x", "", grpc.StatusCode.NOT_FOUND, "Request for unknown model: 'x' is not found"),
    ("add_sub_fp32", "7", grpc.StatusCode.NOT_FOUND,
     "Request for unknown model: 'add_sub_fp32' version 7 is not found"),
    ("add_sub_fp32", "x1", grpc.StatusCode.INVALID_ARGUMENT,
     "failed to parse model version 'x1': a version is a non-negative decimal number"),
])
def test_model_ready_errors(grpc_client, stubs, name, version, code, message):
    error = rpc_error(grpc_client.stub.ModelReady, stubs.messages.ModelReadyRequest(name=name, version=version))
    assert (error.code(), error.details()) == (code, message)


def test_model_ready_of_a_model_that_failed_to_load(start_server, broken_repo, make_grpc_client, stubs):
    """No READY version: an error status (NOT_FOUND), not ready=false (the KServe v2 gRPC protocol)."""
    srv = start_server([broken_repo], ["--exit-on-error=false", "--strict-readiness=false"])
    client = make_grpc_client(srv)
    error = rpc_error(client.stub.ModelReady, stubs.messages.ModelReadyRequest(name="corrupt_onnx"))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Request for unknown model: 'corrupt_onnx' has no available versions"


def test_server_metadata_same_as_http(grpc_client, stubs, server, http):
    reply = grpc_client.stub.ServerMetadata(stubs.messages.ServerMetadataRequest())
    expected = http.get(server.url + "/v2").json()
    assert {"name": reply.name, "version": reply.version, "extensions": list(reply.extensions)} == expected


def _tensor_metadata(tensors):
    return [{"name": t.name, "datatype": t.datatype, "shape": list(t.shape)} for t in tensors]


@pytest.mark.parametrize("version", ["", "1"])
def test_model_metadata_same_as_http(grpc_client, stubs, server, http, version):
    for name in MODELS:
        reply = grpc_client.stub.ModelMetadata(stubs.messages.ModelMetadataRequest(name=name, version=version))
        got = {"name": reply.name, "versions": list(reply.versions), "platform": reply.platform,
               "inputs": _tensor_metadata(reply.inputs), "outputs": _tensor_metadata(reply.outputs)}
        path = f"/v2/models/{name}" + (f"/versions/{version}" if version else "")
        assert got == http.get(server.url + path).json(), name


def test_model_metadata_unknown_model(grpc_client, stubs):
    error = rpc_error(grpc_client.stub.ModelMetadata, stubs.messages.ModelMetadataRequest(name="x"))
    assert (error.code(), error.details()) == (grpc.StatusCode.NOT_FOUND,
                                               "Request for unknown model: 'x' is not found")


def assert_same_json(got, expected, path="config"):
    """`got` (protobuf's JSON mapping) equals `expected` (HTTP's JSON), where a 64-bit
    integer may arrive as a decimal string (the KServe v2 gRPC protocol)."""
    if isinstance(expected, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(expected), \
            f"{path}: keys {sorted(got)} != {sorted(expected)}"
        for key in expected:
            assert_same_json(got[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), f"{path}: {got} != {expected}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same_json(g, e, f"{path}[{i}]")
    elif isinstance(expected, bool) or not isinstance(expected, (int, float)):
        assert got == expected, f"{path}: {got!r} != {expected!r}"
    elif isinstance(expected, int) and isinstance(got, str):
        assert int(got) == expected, f"{path}: {got!r} != {expected!r}"
    else:
        assert got == pytest.approx(expected, rel=1e-6), f"{path}: {got!r} != {expected!r}"


@pytest.mark.parametrize("name", MODELS)
def test_model_config_same_as_http(grpc_client, stubs, server, http, name):
    reply = grpc_client.stub.ModelConfig(stubs.messages.ModelConfigRequest(name=name))
    got = json_format.MessageToDict(reply.config, preserving_proto_field_name=True,
                                    including_default_value_fields=True)
    assert_same_json(got, http.get(f"{server.url}/v2/models/{name}/config").json())


def test_model_config_unknown_model(grpc_client, stubs):
    error = rpc_error(grpc_client.stub.ModelConfig, stubs.messages.ModelConfigRequest(name="x"))
    assert (error.code(), error.details()) == (grpc.StatusCode.NOT_FOUND,
                                               "Request for unknown model: 'x' is not found")


def _index_entries(reply):
    """RepositoryIndexResponse as HTTP's JSON entries (empty fields left out)."""
    entries = []
    for model in reply.models:
        entry = {"name": model.name, "version": model.version, "state": model.state,
                 "reason": model.reason}
        entries.append({k: v for k, v in entry.items() if v})
    return entries


def _by_name(entries):
    return sorted(entries, key=lambda e: (e["name"], e.get("version", "")))


@pytest.mark.parametrize("ready", [False, True])
def test_repository_index_same_as_http(start_server, broken_repo, make_grpc_client, stubs, http, ready):
    """Checked on a repository with broken models, so failed and name-only entries appear too."""
    srv = start_server([broken_repo], ["--exit-on-error=false", "--strict-readiness=false"])
    client = make_grpc_client(srv)
    reply = client.stub.RepositoryIndex(stubs.messages.RepositoryIndexRequest(ready=ready))
    expected = http.post(srv.url + "/v2/repository/index", json={"ready": ready}).json()
    assert _by_name(_index_entries(reply)) == _by_name(expected)
    states = {e.get("state") for e in expected}
    assert states == {"READY"} if ready else len(states) > 1


def test_repository_index_with_repository_name(grpc_client, stubs):
    error = rpc_error(grpc_client.stub.RepositoryIndex,
                      stubs.messages.RepositoryIndexRequest(repository_name="models"))
    assert (error.code(), error.details()) == (grpc.StatusCode.UNIMPLEMENTED,
                                               "'repository_name' specification is not supported")


@pytest.mark.parametrize("rpc", ["RepositoryModelLoad", "RepositoryModelUnload"])
def test_model_load_unload_not_allowed(grpc_client, stubs, rpc):
    request = getattr(stubs.messages, rpc + "Request")(model_name="add_sub_fp32")
    error = rpc_error(getattr(grpc_client.stub, rpc), request)
    assert (error.code(), error.details()) == (
        grpc.StatusCode.UNAVAILABLE, "explicit model load / unload is not allowed if polling is enabled")


UNSUPPORTED = {
    **{f"CudaSharedMemory{op}": "CUDA shared memory is not supported: this build of inferd has no GPU support"
       for op in ("Status", "Register", "Unregister")},
}


@pytest.mark.parametrize("rpc", sorted(UNSUPPORTED))
def test_unsupported_extension_rpcs(grpc_client, stubs, rpc):
    error = rpc_error(getattr(grpc_client.stub, rpc), getattr(stubs.messages, rpc + "Request")())
    assert (error.code(), error.details()) == (grpc.StatusCode.UNIMPLEMENTED, UNSUPPORTED[rpc])
