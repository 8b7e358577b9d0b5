"""Model repository rules: version folders and policies, platform/backend
resolution, default_model_filename, partial configs, strict mode, instance
kinds and name checks. Each case builds a small repository from the
generated add_sub_fp32 / densenet_onnx models."""

import os
import shutil

import pytest

ADD_SUB_CONFIG = """
max_batch_size: 8
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] },
        { name: "INPUT1" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] },
         { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 16 ] } ]
"""


@pytest.fixture
def add_sub_onnx(model_repo):
    return os.path.join(model_repo, "add_sub_fp32", "1", "model.onnx")


def make_model(repo, name, onnx_path, versions=("1",), config=None, filename="model.onnx"):
    for version in versions:
        os.makedirs(os.path.join(repo, name, version), exist_ok=True)
        shutil.copy(onnx_path, os.path.join(repo, name, version, filename))
    if config is not None:
        with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
            f.write(config)


def index(server, http):
    r = http.post(server.url + "/v2/repository/index")
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("policy,ready", [
    ("", ["3"]),
    ("version_policy: { latest: { num_versions: 2 } }", ["2", "3"]),
    ("version_policy: { all: { } }", ["1", "2", "3"]),
    ("version_policy: { specific: { versions: [ 1, 3, 9 ] } }", ["1", "3"]),
])
def test_version_policy(tmp_path, add_sub_onnx, start_server, http, policy, ready):
    repo = str(tmp_path / "repo")
    make_model(repo, "versioned", add_sub_onnx, versions=("1", "2", "3"), config=ADD_SUB_CONFIG + policy)
    server = start_server([repo])
    meta = http.get(server.url + "/v2/models/versioned").json()
    assert meta["versions"] == ready
    for version in ("1", "2", "3"):
        status = http.get(f"{server.url}/v2/models/versioned/versions/{version}/ready").status_code
        assert status == (200 if version in ready else 404), version
    # Without a version the highest READY one answers.
    r = http.post(server.url + "/v2/models/versioned/infer", json={"inputs": [
        {"name": n, "datatype": "FP32", "shape": [1, 16], "data": [1.0] * 16} for n in ("INPUT0", "INPUT1")]})
    assert r.status_code == 200 and r.json()["model_version"] == ready[-1]


def test_non_numeric_version_folders_are_ignored(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "m", add_sub_onnx, versions=("1", "007", "v2", "latest"), config=ADD_SUB_CONFIG)
    server = start_server([repo])
    assert http.get(server.url + "/v2/models/m").json()["versions"] == ["1"]
    log = server.log()
    assert "ignoring folder '007' of model 'm'" in log
    assert "ignoring folder 'v2' of model 'm'" in log


def test_default_model_filename(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "renamed", add_sub_onnx, filename="weights.onnx",
               config='platform: "onnxruntime_onnx"\ndefault_model_filename: "weights.onnx"\n' + ADD_SUB_CONFIG)
    server = start_server([repo])
    config = http.get(server.url + "/v2/models/renamed/config").json()
    assert config["default_model_filename"] == "weights.onnx"
    assert config["backend"] == "onnxruntime"


def test_backend_alone_resolves_platform(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "by_backend", add_sub_onnx, config='backend: "onnxruntime"\n' + ADD_SUB_CONFIG)
    server = start_server([repo])
    config = http.get(server.url + "/v2/models/by_backend/config").json()
    assert config["platform"] == "onnxruntime_onnx"
    assert http.get(server.url + "/v2/models/by_backend").json()["platform"] == "onnxruntime_onnx"


def test_partial_config_is_completed(tmp_path, model_repo, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "densenet_partial", os.path.join(model_repo, "densenet_onnx", "1", "model.onnx"),
               config="max_batch_size: 2\ninstance_group [ { count: 1 kind: KIND_CPU } ]\n")
    server = start_server([repo])
    config = http.get(server.url + "/v2/models/densenet_partial/config").json()
    assert config["max_batch_size"] == 2
    assert [(i["name"], i["data_type"], i["dims"]) for i in config["input"]] == \
        [("data_0", "TYPE_FP32", [3, 224, 224])]
    assert [(o["name"], o["dims"]) for o in config["output"]] == [("fc6_1", [1000, 1, 1])]
    assert config["instance_group"][0]["count"] == 1
    assert "dynamic_batching" in config


@pytest.mark.parametrize("flag", ["--disable-auto-complete-config", "--strict-model-config=true"])
def test_auto_complete_disabled_requires_config(tmp_path, model_repo, start_server, flag):
    repo = str(tmp_path / "repo")
    make_model(repo, "no_config", os.path.join(model_repo, "densenet_onnx", "1", "model.onnx"))
    server = start_server([repo], [flag, "--exit-on-error=false", "--strict-readiness=false"])
    expected = (f"model configuration '{repo}/no_config/config.pbtxt' is missing; it is required when "
                "auto-complete is disabled (--disable-auto-complete-config or --strict-model-config=true)")
    entry = [e for e in index(server, _session()) if e["name"] == "no_config"][0]
    assert entry == {"name": "no_config", "state": "UNAVAILABLE", "reason": expected}


def _session():
    import requests
    return requests.Session()


def test_kind_gpu_is_a_clear_load_error(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "gpu_model", add_sub_onnx, config=ADD_SUB_CONFIG + "instance_group [ { kind: KIND_GPU } ]")
    server = start_server([repo], ["--exit-on-error=false", "--strict-readiness=false"])
    entry = index(server, http)[0]
    assert entry["state"] == "UNAVAILABLE"
    assert "instance group kind KIND_GPU is not supported: this build of inferd has no GPU support" \
        in entry["reason"]
    assert http.get(server.url + "/v2/models/gpu_model/ready").status_code != 200
    assert http.get(server.url + "/v2/health/ready").status_code == 200  # strict readiness off


def test_config_name_must_match_folder(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "folder_name", add_sub_onnx, config='name: "other_name"\n' + ADD_SUB_CONFIG)
    server = start_server([repo], ["--exit-on-error=false", "--strict-readiness=false"])
    assert index(server, http) == [{
        "name": "folder_name", "state": "UNAVAILABLE",
        "reason": f"{repo}/folder_name/config.pbtxt: 'name' is 'other_name' but the model folder is "
                  "'folder_name'; they must be equal"}]


def test_invalid_config_value_names_file_field_and_value(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "bad_dims", add_sub_onnx,
               config=ADD_SUB_CONFIG.replace("dims: [ 16 ] },\n        {", "dims: [ 16, 0 ] },\n        {", 1))
    server = start_server([repo], ["--exit-on-error=false", "--strict-readiness=false"])
    assert index(server, http)[0]["reason"] == (
        f"{repo}/bad_dims/config.pbtxt: input 'INPUT0' has invalid dims [16,0]: each dimension must be -1 or "
        "at least 1")


def test_strict_readiness_reports_not_ready(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "good", add_sub_onnx, config=ADD_SUB_CONFIG)
    make_model(repo, "gpu_model", add_sub_onnx, config=ADD_SUB_CONFIG + "instance_group [ { kind: KIND_GPU } ]")
    server = start_server([repo], ["--exit-on-error=false"], wait="live")
    assert http.get(server.url + "/v2/health/ready").status_code == 400
    assert http.get(server.url + "/v2/models/good/ready").status_code == 200


def test_model_in_two_repositories_is_unavailable(tmp_path, add_sub_onnx, start_server, http):
    first, second = str(tmp_path / "a"), str(tmp_path / "b")
    make_model(first, "twice", add_sub_onnx, config=ADD_SUB_CONFIG)
    make_model(second, "twice", add_sub_onnx, config=ADD_SUB_CONFIG)
    make_model(second, "once", add_sub_onnx, config=ADD_SUB_CONFIG)
    server = start_server([first, second], ["--exit-on-error=false", "--strict-readiness=false"])
    entries = {e["name"]: e for e in index(server, http)}
    assert entries["twice"]["state"] == "UNAVAILABLE"
    assert "appears in more than one model repository" in entries["twice"]["reason"]
    assert entries["once"]["state"] == "READY"


def test_wrong_onnxruntime_library_path(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "m", add_sub_onnx, config=ADD_SUB_CONFIG)
    server = start_server([repo], ["--exit-on-error=false", "--strict-readiness=false",
                                   "--backend-config=onnxruntime,library-path=/nonexistent/libonnxruntime.so"])
    reason = index(server, http)[0]["reason"]
    assert reason.startswith("cannot load ONNX Runtime library '/nonexistent/libonnxruntime.so'"), reason


def test_instance_count_creates_that_many_sessions(tmp_path, add_sub_onnx, start_server, http):
    repo = str(tmp_path / "repo")
    make_model(repo, "three", add_sub_onnx, config=ADD_SUB_CONFIG + "instance_group [ { count: 3 kind: KIND_CPU } ]")
    server = start_server([repo], ["--log-verbose=1"])
    log = server.log()
    for k in range(3):
        assert f"created instance 'three_0_{k}' of model 'three' version 1" in log, log[-3000:]
    assert "three_0_3" not in log


def test_model_table_printed_at_start(tmp_path, add_sub_onnx, start_server):
    repo = str(tmp_path / "repo")
    make_model(repo, "table_model", add_sub_onnx, config=ADD_SUB_CONFIG)
    server = start_server([repo])
    log = server.log()
    assert "| Model       | Version | Status |" in log
    assert "| table_model | 1       | READY  |" in log


def test_model_config_name_picks_configs_file_where_present(tmp_path, add_sub_onnx, start_server, http):
    """--model-config-name=small: a folder with configs/small.pbtxt loads it, another folder
    keeps its config.pbtxt; a broken custom file is reported under its own path."""
    repo = str(tmp_path)
    make_model(repo, "custom", add_sub_onnx, config=ADD_SUB_CONFIG)
    os.makedirs(os.path.join(repo, "custom", "configs"))
    with open(os.path.join(repo, "custom", "configs", "small.pbtxt"), "w") as f:
        f.write(ADD_SUB_CONFIG.replace("max_batch_size: 8", "max_batch_size: 2"))
    make_model(repo, "plain", add_sub_onnx, config=ADD_SUB_CONFIG)
    os.makedirs(os.path.join(repo, "plain", "configs"))
    with open(os.path.join(repo, "plain", "configs", "other.pbtxt"), "w") as f:
        f.write("max_batch_size: 1")
    srv = start_server([repo], ["--model-config-name=small"])
    assert http.get(srv.url + "/v2/models/custom/config").json()["max_batch_size"] == 2
    assert http.get(srv.url + "/v2/models/plain/config").json()["max_batch_size"] == 8

    default = start_server([repo])
    assert http.get(default.url + "/v2/models/custom/config").json()["max_batch_size"] == 8

    with open(os.path.join(repo, "custom", "configs", "small.pbtxt"), "w") as f:
        f.write("max_batch_size: 2 bogus_field: 1")
    broken = start_server([repo], ["--model-config-name=small", "--exit-on-error=false", "--strict-readiness=false"])
    [entry] = [m for m in index(broken, http) if m["name"] == "custom"]
    assert entry["state"] == "UNAVAILABLE"
    assert os.path.join("custom", "configs", "small.pbtxt") in entry["reason"]


def test_model_config_name_must_be_a_file_name(tmp_path, start_server):
    srv = start_server([str(tmp_path)], ["--model-config-name=a b"], wait=None)
    assert srv.wait_exit(30) != 0
    assert "--model-config-name 'a b' must be a file name without spaces or '/'" in srv.log()
