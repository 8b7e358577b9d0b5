"""initialize(args): a model (python_models/init_args) returns the args it received; they are
the seven documented keys, every value a str, describing this model and instance."""

import json
import os

import numpy as np
import pytest

import python_models as pm
from python_models import serving

KEYS = {"model_config", "model_instance_kind", "model_instance_name", "model_instance_device_id",
        "model_repository", "model_version", "model_name"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_initialize"), [
        "init_args",
        ("init_args_grouped", "init_args", 'instance_group [ { name: "workers" count: 1 kind: KIND_CPU } ]\n'),
    ])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def received_args(client, model):
    result = client.infer(model, {"PING": np.array([True])})
    dump = json.loads(result.as_numpy("ARGS")[0].decode("utf-8"))
    return dump["args"], dump["types"]


def test_the_seven_args(srv, make_client, repo):
    args, types = received_args(make_client(srv), "init_args")
    assert set(args) == KEYS
    assert set(types.values()) == {"str"}
    assert args["model_name"] == "init_args"
    assert args["model_version"] == "1"
    assert args["model_instance_kind"] == "CPU"
    assert args["model_instance_device_id"] == "0"
    assert args["model_instance_name"] == "init_args_0"
    assert os.path.realpath(args["model_repository"]) == os.path.realpath(os.path.join(repo, "init_args"))


def test_model_config_is_the_complete_config(srv, make_client, http):
    args, _ = received_args(make_client(srv), "init_args")
    config = json.loads(args["model_config"])
    assert config["name"] == "init_args"
    assert config["backend"] == "python"
    assert config["parameters"]["greeting"]["string_value"] == "hello from config.pbtxt"
    assert [i["name"] for i in config["input"]] == ["PING"]
    assert config["instance_group"][0]["kind"] == "KIND_CPU"
    assert config == http.get(srv.url + "/v2/models/init_args/config").json()


def test_instance_name_follows_the_group_name(srv, make_client):
    args, _ = received_args(make_client(srv), "init_args_grouped")
    assert args["model_instance_name"] == "workers_0"
    assert args["model_name"] == "init_args_grouped"
