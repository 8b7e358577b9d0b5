"""Model control over gRPC: RepositoryIndex, RepositoryModelLoad (config string_param, file:
bytes_param) and RepositoryModelUnload (unload_dependents bool_param), with the same
states and messages as over HTTP."""

import grpc
import numpy as np
import pytest

import model_control_repo as mc
from kserve_grpc import rpc_error

NOT_ALLOWED = "explicit model load / unload is not allowed if polling is enabled"


@pytest.fixture
def repo(tmp_path):
    return mc.make_repository(tmp_path / "repo", ["add_sub_fp32", "add_pipeline"])


def index(client, stubs, ready=False):
    reply = client.stub.RepositoryIndex(stubs.messages.RepositoryIndexRequest(ready=ready))
    return [(m.name, m.version, m.state, m.reason) for m in reply.models]


def load_request(stubs, model, config=None, files=None):
    request = stubs.messages.RepositoryModelLoadRequest(model_name=model)
    if config is not None:
        request.parameters["config"].string_param = config
    for name, content in (files or {}).items():
        request.parameters[name].bytes_param = content
    return request


def unload_request(stubs, model, dependents=False):
    request = stubs.messages.RepositoryModelUnloadRequest(model_name=model)
    request.parameters["unload_dependents"].bool_param = dependents
    return request


def check_add_sub(client, model="add_sub_fp32", version=None):
    inputs = mc.add_sub_inputs(seed=5)
    result = client.infer(model, inputs, version=version)
    np.testing.assert_allclose(result.as_numpy("OUTPUT0"), inputs["INPUT0"] + inputs["INPUT1"], rtol=1e-6)


def test_load_unload_and_index(repo, start_server, make_grpc_client, stubs):
    srv = start_server([repo], ["--model-control-mode=explicit"])
    client = make_grpc_client(srv)
    assert index(client, stubs) == [("add_pipeline", "", "", ""), ("add_sub_fp32", "", "", "")]
    client.stub.RepositoryModelLoad(load_request(stubs, "add_pipeline"))
    assert index(client, stubs) == [("add_pipeline", "1", "READY", ""), ("add_sub_fp32", "1", "READY", "")]
    check_add_sub(client)

    client.stub.RepositoryModelUnload(unload_request(stubs, "add_sub_fp32"))
    assert index(client, stubs) == [
        ("add_pipeline", "1", "UNAVAILABLE", "step model 'add_sub_fp32' is not available"),
        ("add_sub_fp32", "1", "UNAVAILABLE", "unloaded")]
    assert index(client, stubs, ready=True) == []
    client.stub.RepositoryModelLoad(load_request(stubs, "add_sub_fp32"))
    assert index(client, stubs, ready=True) == [("add_pipeline", "1", "READY", ""), ("add_sub_fp32", "1", "READY", "")]

    client.stub.RepositoryModelUnload(unload_request(stubs, "add_sub_fp32", dependents=True))
    assert index(client, stubs) == [("add_pipeline", "1", "UNAVAILABLE", "unloaded"),
                                    ("add_sub_fp32", "1", "UNAVAILABLE", "unloaded")]


def test_config_and_file_overrides(repo, start_server, make_grpc_client, stubs):
    srv = start_server([repo], ["--model-control-mode=explicit"])
    client = make_grpc_client(srv)
    config = mc.add_sub_config_json(max_batch_size=3, version_policy='{"all": {}}')
    files = {"file:1/model.onnx": mc.onnx_bytes("from_grpc"), "file:7/model.onnx": mc.onnx_bytes("from_grpc")}
    client.stub.RepositoryModelLoad(load_request(stubs, "from_grpc", config=config, files=files))
    reply = client.stub.ModelConfig(stubs.messages.ModelConfigRequest(name="from_grpc"))
    assert reply.config.max_batch_size == 3
    reply = client.stub.ModelMetadata(stubs.messages.ModelMetadataRequest(name="from_grpc"))
    assert list(reply.versions) == ["1", "7"]
    check_add_sub(client, "from_grpc", version="7")


def test_errors(repo, start_server, make_grpc_client, stubs):
    srv = start_server([repo], ["--model-control-mode=explicit"])
    client = make_grpc_client(srv)
    request = stubs.messages.RepositoryModelLoadRequest(model_name="add_sub_fp32")
    request.parameters["config"].bytes_param = b"{}"
    cases = [
        (request, grpc.StatusCode.INVALID_ARGUMENT, "load parameter 'config' must be a string_param"),
        (load_request(stubs, "add_sub_fp32", files={"colour": b"red"}), grpc.StatusCode.INVALID_ARGUMENT,
         "unrecognized load parameter 'colour'."),
        (load_request(stubs, "add_sub_fp32", files={"file:1/model.onnx": b"x"}), grpc.StatusCode.INVALID_ARGUMENT,
         "failed to load 'add_sub_fp32': the 'config' load parameter is required when 'file:' parameters are "
         "given"),
        (load_request(stubs, "no_such_model"), grpc.StatusCode.INVALID_ARGUMENT,
         "failed to load 'no_such_model': no model folder named 'no_such_model' in the model repositories"),
    ]
    for message, code, details in cases:
        error = rpc_error(client.stub.RepositoryModelLoad, message)
        assert (error.code(), error.details()) == (code, details)
    string_file = load_request(stubs, "add_sub_fp32", config="{}")
    string_file.parameters["file:1/model.onnx"].string_param = "x"
    error = rpc_error(client.stub.RepositoryModelLoad, string_file)
    assert error.details() == "load parameter 'file:1/model.onnx' must be a bytes_param"
    request = stubs.messages.RepositoryModelUnloadRequest(model_name="add_sub_fp32")
    request.parameters["unload_dependents"].string_param = "true"
    error = rpc_error(client.stub.RepositoryModelUnload, request)
    assert (error.code(), error.details()) == (grpc.StatusCode.INVALID_ARGUMENT,
                                               "unload parameter 'unload_dependents' must be a bool_param")
    for rpc, message in (("RepositoryModelLoad", load_request(stubs, "add_sub_fp32")),
                         ("RepositoryModelUnload", unload_request(stubs, "add_sub_fp32"))):
        message.repository_name = "models"
        error = rpc_error(getattr(client.stub, rpc), message)
        assert (error.code(), error.details()) == (grpc.StatusCode.UNIMPLEMENTED,
                                                   "'repository_name' specification is not supported")


@pytest.mark.parametrize("mode", ["none", "poll"])
def test_refused_unless_explicit(repo, start_server, make_grpc_client, stubs, mode):
    srv = start_server([repo], [f"--model-control-mode={mode}"])
    client = make_grpc_client(srv)
    for rpc, message in (("RepositoryModelLoad", load_request(stubs, "add_sub_fp32")),
                         ("RepositoryModelUnload", unload_request(stubs, "add_sub_fp32"))):
        error = rpc_error(getattr(client.stub, rpc), message)
        assert (error.code(), error.details()) == (grpc.StatusCode.UNAVAILABLE, NOT_ALLOWED)
