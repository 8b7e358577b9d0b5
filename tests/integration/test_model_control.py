"""Model control over HTTP: --model-control-mode=explicit with --load-model, the repository
index, load (with `config` and `file:` overrides) and unload (with unload_dependents),
ensembles following their steps, failed loads that keep the previous version serving,
unloads that wait for requests in flight, reloads under load, poll mode, mode none, and
Python models loading and unloading models (pb_utils.load_model / unload_model)."""

import base64
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import tempfile
import threading

import numpy as np
import pytest

import kserve_http as kh
import model_control_repo as mc
from server_process import binary_path

NOT_ALLOWED = "explicit model load / unload is not allowed if polling is enabled"


@pytest.fixture
def repo(tmp_path):
    return mc.make_repository(tmp_path / "repo")


@pytest.fixture
def explicit(repo, start_server):
    """A server in explicit mode that loaded nothing at start."""
    return start_server([repo], ["--model-control-mode=explicit"])


def index(srv, http, body=None):
    r = http.post(srv.url + "/v2/repository/index", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def entries(srv, http):
    """{name: [entry, ...]} of the index."""
    by_name = {}
    for entry in index(srv, http):
        by_name.setdefault(entry["name"], []).append(entry)
    return by_name


def load(srv, http, model, parameters=None):
    body = {"parameters": parameters} if parameters is not None else {}
    return http.post(f"{srv.url}/v2/repository/models/{model}/load", json=body)


def unload(srv, http, model, dependents=None):
    body = {"parameters": {"unload_dependents": dependents}} if dependents is not None else {}
    return http.post(f"{srv.url}/v2/repository/models/{model}/unload", json=body)


def ok(response):
    assert response.status_code == 200, response.text
    assert response.content == b""
    return response


def infer(srv, session, model, inputs, version=None):
    return kh.HttpClient(session, srv.url).infer(model, inputs, version=version)


def infer_add_sub(srv, http, model="add_sub_fp32", seed=0, version=None):
    inputs = mc.add_sub_inputs(seed=seed)
    result = infer(srv, http, model, inputs, version=version)
    np.testing.assert_allclose(result.as_numpy("OUTPUT0"), inputs["INPUT0"] + inputs["INPUT1"], rtol=1e-6)
    return result


def model_ready(srv, http, model):
    return http.get(f"{srv.url}/v2/models/{model}/ready").status_code == 200


# ----------------------------------------------------------------- start-up

def test_explicit_mode_loads_nothing_and_lists_every_folder(explicit, http):
    assert index(explicit, http) == [{"name": n} for n in ("add_pipeline", "add_sub_fp32", "controller", "sleeper")]
    assert index(explicit, http, {"ready": True}) == []
    assert http.get(explicit.url + "/v2/health/ready").status_code == 200
    assert not model_ready(explicit, http, "add_sub_fp32")
    assert "successfully loaded" not in explicit.log()


def test_load_model_flag_loads_the_named_models(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=sleeper", "--load-model=add_sub_fp32"])
    by_name = entries(srv, http)
    assert by_name["add_sub_fp32"] == [{"name": "add_sub_fp32", "version": "1", "state": "READY"}]
    assert by_name["sleeper"] == [{"name": "sleeper", "version": "1", "state": "READY"}]
    assert by_name["add_pipeline"] == [{"name": "add_pipeline"}]


def test_load_model_of_an_ensemble_loads_its_steps(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=add_pipeline"])
    by_name = entries(srv, http)
    assert by_name["add_pipeline"][0]["state"] == "READY"
    assert by_name["add_sub_fp32"][0]["state"] == "READY"
    assert by_name["sleeper"] == [{"name": "sleeper"}]


def test_load_model_star_loads_every_model(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=*"])
    assert {e["name"] for e in index(srv, http, {"ready": True})} == {
        "add_pipeline", "add_sub_fp32", "controller", "sleeper"}


@pytest.mark.parametrize("args,message", [
    (["--load-model=m"], "inferd: error: --load-model is only allowed with --model-control-mode=explicit"),
    (["--model-control-mode=poll", "--load-model=m"],
     "inferd: error: --load-model is only allowed with --model-control-mode=explicit"),
    (["--model-control-mode=explicit", "--load-model=*", "--load-model=m"],
     "inferd: error: --load-model=* loads every model and must be the only --load-model"),
])
def test_load_model_flag_errors(tmp_path, args, message):
    result = subprocess.run([binary_path(), f"--model-repository={tmp_path}", *args], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip() == message


def test_load_model_flag_for_a_missing_model_fails_start_up(repo, start_server):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=no_such_model"], wait=None)
    assert srv.wait_exit(60) == 1
    assert "failed to load 'no_such_model': no model folder named 'no_such_model' in the model repositories" \
        in srv.log()


# ----------------------------------------------------------------- load and unload

def test_load_infer_unload_load_again(explicit, http):
    ok(load(explicit, http, "add_sub_fp32"))
    assert entries(explicit, http)["add_sub_fp32"] == [{"name": "add_sub_fp32", "version": "1", "state": "READY"}]
    infer_add_sub(explicit, http)

    ok(unload(explicit, http, "add_sub_fp32"))
    assert entries(explicit, http)["add_sub_fp32"] == [
        {"name": "add_sub_fp32", "version": "1", "state": "UNAVAILABLE", "reason": "unloaded"}]
    r = http.post(explicit.url + "/v2/models/add_sub_fp32/infer", json={"inputs": []})
    assert (r.status_code, r.json()) == (404, {"error": "Request for unknown model: 'add_sub_fp32' has no "
                                                        "available versions"})
    # An unloaded model does not make the server unready.
    assert http.get(explicit.url + "/v2/health/ready").status_code == 200

    ok(load(explicit, http, "add_sub_fp32"))
    infer_add_sub(explicit, http, seed=1)
    assert "successfully unloaded 'add_sub_fp32' version 1" in explicit.log()


def test_load_without_body_and_unload_of_a_model_not_loaded(explicit, http):
    ok(http.post(explicit.url + "/v2/repository/models/add_sub_fp32/load"))
    ok(http.post(explicit.url + "/v2/repository/models/sleeper/unload"))
    ok(http.post(explicit.url + "/v2/repository/models/no_such_model/unload"))
    assert entries(explicit, http)["sleeper"] == [{"name": "sleeper"}]


def test_load_errors(explicit, http):
    cases = [
        ("no_such_model", None, 400, "failed to load 'no_such_model': no model folder named 'no_such_model' in the "
                                     "model repositories"),
        ("add_sub_fp32", {"config": 5}, 400, "load parameter 'config' must be a JSON string"),
        ("add_sub_fp32", {"colour": "red"}, 500, "unrecognized load parameter 'colour'."),
        ("add_sub_fp32", {"config": "{\"max_batch_size\": 4, \"no_such_field\": 1}"}, 400,
         "failed to load 'add_sub_fp32': failed to parse the model configuration JSON of the 'config' load "
         "parameter: no_such_field: Cannot find field."),
        ("add_sub_fp32", {"config": "{not json"}, 400, None),
        ("add_sub_fp32", {"config": json.dumps({"name": "other"})}, 400,
         "failed to load 'add_sub_fp32': the 'config' load parameter: 'name' is 'other' but the model to load is "
         "'add_sub_fp32'; they must be equal"),
        ("add_sub_fp32", {"file:1/model.onnx": "AAAA"}, 400,
         "failed to load 'add_sub_fp32': the 'config' load parameter is required when 'file:' parameters are given"),
        ("add_sub_fp32", {"config": "{}", "file:1/model.onnx": "not base64!"}, 400,
         "load parameter 'file:1/model.onnx' must hold the file's content in base64"),
        ("add_sub_fp32", {"config": "{}", "file:../../escape.onnx": "AAAA"}, 400,
         "failed to load 'add_sub_fp32': invalid load parameter 'file:../../escape.onnx': the file path must stay "
         "inside the model folder"),
        ("add_sub_fp32", {"config": "{}", "file:/etc/passwd": "AAAA"}, 400,
         "failed to load 'add_sub_fp32': invalid load parameter 'file:/etc/passwd': the file path must be relative "
         "to the model folder"),
    ]
    for model, parameters, status, message in cases:
        r = load(explicit, http, model, parameters)
        assert r.status_code == status, (parameters, r.text)
        if message:
            assert r.json() == {"error": message}, parameters
        else:
            assert r.json()["error"].startswith("failed to load 'add_sub_fp32': failed to parse the model "
                                                "configuration JSON"), r.text
    r = http.post(explicit.url + "/v2/repository/models/add_sub_fp32/unload",
                  json={"parameters": {"unload_dependents": "yes"}})
    assert (r.status_code, r.json()) == (400, {"error": "'unload_dependents' must be a boolean"})
    r = http.post(explicit.url + "/v2/repository/models/../load")
    assert r.status_code in (400, 404)
    # Nothing loaded; the index shows the last failure that got as far as reading a configuration.
    assert entries(explicit, http)["add_sub_fp32"] == [{
        "name": "add_sub_fp32", "state": "UNAVAILABLE",
        "reason": "the 'config' load parameter: 'name' is 'other' but the model to load is 'add_sub_fp32'; they "
                  "must be equal"}]


def test_repository_name_in_path_is_not_supported(explicit, http):
    for action in ("load", "unload"):
        r = http.post(f"{explicit.url}/v2/repository/models_repo/models/add_sub_fp32/{action}")
        assert (r.status_code, r.json()) == (501, {"error": "'repository_name' specification is not supported"})


def test_a_slow_load_does_not_hold_up_other_loads(tmp_path, start_server, http, new_session):
    repo = mc.make_repository(tmp_path / "repo", ["add_sub_fp32", "gated"])
    srv = start_server([repo], ["--model-control-mode=explicit"])
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        slow = pool.submit(lambda: load(srv, new_session(), "gated"))
        mc.wait_until(lambda: entries(srv, http)["gated"] == [{"name": "gated", "state": "LOADING"}],
                      "the gated model to be loading")
        ok(load(srv, http, "add_sub_fp32"))
        infer_add_sub(srv, http)
        assert not slow.done()
        open(os.path.join(repo, "gated", "go"), "w").close()
        ok(slow.result(timeout=60))
    assert entries(srv, http)["gated"] == [{"name": "gated", "version": "1", "state": "READY"}]


# ----------------------------------------------------------------- overrides

def test_config_override_changes_max_batch_size_and_version_policy(explicit, repo, http):
    mc.add_version(repo, "add_sub_fp32", 2)
    ok(load(explicit, http, "add_sub_fp32"))
    assert http.get(explicit.url + "/v2/models/add_sub_fp32").json()["versions"] == ["2"]

    config = mc.add_sub_config_json(max_batch_size=2, version_policy='{"all": {}}')
    ok(load(explicit, http, "add_sub_fp32", {"config": config}))
    assert http.get(explicit.url + "/v2/models/add_sub_fp32/config").json()["max_batch_size"] == 2
    assert http.get(explicit.url + "/v2/models/add_sub_fp32").json()["versions"] == ["1", "2"]
    infer_add_sub(explicit, http, version="1")
    r = http.post(explicit.url + "/v2/models/add_sub_fp32/infer", json={"inputs": [
        {"name": n, "datatype": "FP32", "shape": [3, 16], "data": [0.0] * 48} for n in ("INPUT0", "INPUT1")]})
    assert r.status_code == 400, r.text  # a batch of 3 is more than the new max_batch_size

    # A load without overrides goes back to config.pbtxt.
    ok(load(explicit, http, "add_sub_fp32"))
    assert http.get(explicit.url + "/v2/models/add_sub_fp32/config").json()["max_batch_size"] == 8
    assert http.get(explicit.url + "/v2/models/add_sub_fp32").json()["versions"] == ["2"]


def test_file_override_loads_a_model_from_the_request(explicit, http):
    """A model that is not in any repository, sent as files with its config."""
    files = {"file:1/model.onnx": base64.b64encode(mc.onnx_bytes("fresh")).decode()}
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "inferd-model-*")))
    ok(load(explicit, http, "fresh", {"config": mc.add_sub_config_json(max_batch_size=4), **files}))
    written = set(glob.glob(os.path.join(tempfile.gettempdir(), "inferd-model-*"))) - before
    assert [os.listdir(folder) for folder in written] == [["fresh"]]
    assert entries(explicit, http)["fresh"] == [{"name": "fresh", "version": "1", "state": "READY"}]
    assert http.get(explicit.url + "/v2/models/fresh/config").json()["max_batch_size"] == 4
    infer_add_sub(explicit, http, model="fresh")
    ok(unload(explicit, http, "fresh"))
    assert entries(explicit, http)["fresh"] == [
        {"name": "fresh", "version": "1", "state": "UNAVAILABLE", "reason": "unloaded"}]
    # The folder written for the load goes with the model.
    assert not any(os.path.exists(folder) for folder in written)


def test_file_override_replaces_the_repository_folder(explicit, repo, http):
    ok(load(explicit, http, "add_sub_fp32"))
    files = {"file:1/model.onnx": base64.b64encode(mc.onnx_bytes()).decode(),
             "file:2/model.onnx": base64.b64encode(mc.onnx_bytes()).decode()}
    ok(load(explicit, http, "add_sub_fp32", {"config": mc.add_sub_config_json(version_policy='{"all": {}}'), **files}))
    assert http.get(explicit.url + "/v2/models/add_sub_fp32").json()["versions"] == ["1", "2"]
    infer_add_sub(explicit, http, version="2")
    # Loading again without files serves the repository's folder (one version) again.
    ok(load(explicit, http, "add_sub_fp32"))
    assert http.get(explicit.url + "/v2/models/add_sub_fp32").json()["versions"] == ["1"]


# ----------------------------------------------------------------- ensembles

def test_unload_dependents_unloads_the_ensemble(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=add_pipeline"])
    ok(unload(srv, http, "add_sub_fp32", dependents=True))
    by_name = entries(srv, http)
    assert by_name["add_sub_fp32"] == [{"name": "add_sub_fp32", "version": "1", "state": "UNAVAILABLE",
                                        "reason": "unloaded"}]
    assert by_name["add_pipeline"] == [{"name": "add_pipeline", "version": "1", "state": "UNAVAILABLE",
                                        "reason": "unloaded"}]
    # Loading the step again does not bring back an ensemble that was unloaded.
    ok(load(srv, http, "add_sub_fp32"))
    assert entries(srv, http)["add_pipeline"][0]["reason"] == "unloaded"


def pipeline_sum(srv, http):
    inputs = mc.add_sub_inputs(seed=3)
    result = infer(srv, http, "add_pipeline", {"A": inputs["INPUT0"], "B": inputs["INPUT1"]})
    np.testing.assert_allclose(result.as_numpy("SUM"), inputs["INPUT0"] + inputs["INPUT1"], rtol=1e-6)


def test_ensemble_follows_its_step(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=add_pipeline"])
    pipeline_sum(srv, http)
    ok(unload(srv, http, "add_sub_fp32"))
    by_name = entries(srv, http)
    assert by_name["add_pipeline"] == [{"name": "add_pipeline", "version": "1", "state": "UNAVAILABLE",
                                        "reason": "step model 'add_sub_fp32' is not available"}]
    assert not model_ready(srv, http, "add_pipeline")
    assert http.get(srv.url + "/v2/health/ready").status_code == 400  # the ensemble was not unloaded itself

    ok(load(srv, http, "add_sub_fp32"))
    assert entries(srv, http)["add_pipeline"] == [{"name": "add_pipeline", "version": "1", "state": "READY"}]
    pipeline_sum(srv, http)
    assert http.get(srv.url + "/v2/health/ready").status_code == 200


def test_loading_an_ensemble_loads_its_steps(explicit, http):
    ok(load(explicit, http, "add_pipeline"))
    assert entries(explicit, http)["add_sub_fp32"][0]["state"] == "READY"
    pipeline_sum(explicit, http)


# ----------------------------------------------------------------- failures and reloads

BROKEN_CONFIG = 'platform: "onnxruntime_onnx"\nmax_batch_size: 8\ninput [ { name: "INPUT0" '


def test_failed_load_keeps_the_previous_version_serving(explicit, repo, http):
    ok(load(explicit, http, "add_sub_fp32"))
    config_path = os.path.join(repo, "add_sub_fp32", "config.pbtxt")
    with open(config_path) as f:
        good_config = f.read()
    with open(config_path, "w") as f:
        f.write(BROKEN_CONFIG)
    r = load(explicit, http, "add_sub_fp32")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error.startswith(f"failed to load 'add_sub_fp32': failed to parse model configuration '{config_path}': "
                            "line 3"), error
    [entry] = entries(explicit, http)["add_sub_fp32"]
    assert entry["state"] == "READY"
    assert entry["reason"] == "a later load failed; this version still serves: " + \
        error[len("failed to load 'add_sub_fp32': "):]
    infer_add_sub(explicit, http)
    assert model_ready(explicit, http, "add_sub_fp32")

    with open(config_path, "w") as f:
        f.write(good_config)
    ok(load(explicit, http, "add_sub_fp32"))
    assert entries(explicit, http)["add_sub_fp32"] == [{"name": "add_sub_fp32", "version": "1", "state": "READY"}]


def test_failed_first_load_is_reported_in_the_index(explicit, repo, http):
    with open(os.path.join(repo, "add_sub_fp32", "config.pbtxt"), "w") as f:
        f.write(BROKEN_CONFIG)
    r = load(explicit, http, "add_sub_fp32")
    assert r.status_code == 400
    [entry] = entries(explicit, http)["add_sub_fp32"]
    assert entry["state"] == "UNAVAILABLE"
    assert r.json()["error"] == "failed to load 'add_sub_fp32': " + entry["reason"]
    assert http.get(explicit.url + "/v2/health/ready").status_code == 400
    # Unloading the failed model makes the server ready again.
    ok(unload(explicit, http, "add_sub_fp32"))
    assert http.get(explicit.url + "/v2/health/ready").status_code == 200


def test_unload_waits_for_requests_in_flight(explicit, http, new_session):
    ok(load(explicit, http, "sleeper"))

    def request(value):
        x = np.array([value], dtype=np.float32)
        return infer(explicit, new_session(), "sleeper", {"X": x}).as_numpy("Y").tolist()

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(request, float(v)) for v in range(3)]
        for v in range(3):
            mc.wait_until(lambda: f"sleeping {float(v)}" in explicit.log(), f"request {v} to start")
        ok(unload(explicit, http, "sleeper"))
        # The unload answered only after every request it waited for had its response.
        assert all(f.done() for f in futures)
        assert [f.result() for f in futures] == [[0.0], [1.0], [2.0]]
    assert entries(explicit, http)["sleeper"][0]["reason"] == "unloaded"


def test_reload_under_load_fails_no_request(explicit, http, new_session):
    ok(load(explicit, http, "add_sub_fp32"))
    stop = threading.Event()
    failures, answered = [], []

    def client():
        session = new_session()
        seed = 0
        while not stop.is_set():
            seed += 1
            try:
                infer_add_sub(explicit, session, seed=seed)
                answered.append(seed)
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                failures.append(repr(e))

    threads = [threading.Thread(target=client) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for max_batch_size in (4, 8, 2, 8):
            ok(load(explicit, http, "add_sub_fp32", {"config": mc.add_sub_config_json(max_batch_size)}))
            assert http.get(explicit.url + "/v2/models/add_sub_fp32/config").json()["max_batch_size"] == \
                max_batch_size
        count = len(answered)
        mc.wait_until(lambda: len(answered) > count + 10, "requests after the last reload")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []


# ----------------------------------------------------------------- modes none and poll

@pytest.mark.parametrize("mode", ["none", "poll"])
def test_load_and_unload_are_refused_unless_explicit(repo, start_server, http, mode):
    srv = start_server([repo], [f"--model-control-mode={mode}"])
    for r in (load(srv, http, "add_sub_fp32"), unload(srv, http, "add_sub_fp32"),
              load(srv, http, "add_sub_fp32", {"config": "{}"})):
        assert (r.status_code, r.json()) == (503, {"error": NOT_ALLOWED})
    assert model_ready(srv, http, "add_sub_fp32")


def test_poll_mode_picks_up_a_new_version_without_failing_requests(repo, start_server, http, new_session):
    srv = start_server([repo], ["--model-control-mode=poll", "--repository-poll-secs=1"])
    assert http.get(srv.url + "/v2/models/add_sub_fp32").json()["versions"] == ["1"]
    stop = threading.Event()
    failures, versions = [], []

    def client():
        session = new_session()
        seed = 0
        while not stop.is_set():
            seed += 1
            try:
                versions.append(infer_add_sub(srv, session, seed=seed).model_version)
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                failures.append(repr(e))

    thread = threading.Thread(target=client)
    thread.start()
    try:
        mc.add_version(repo, "add_sub_fp32", 2)
        mc.wait_until(lambda: http.get(srv.url + "/v2/models/add_sub_fp32").json()["versions"] == ["2"],
                      "version 2 to replace version 1")
        count = len(versions)
        mc.wait_until(lambda: len(versions) > count + 10, "requests after the switch")
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert versions[0] == "1" and versions[-1] == "2"
    assert "successfully loaded 'add_sub_fp32' version 2" in srv.log()


def test_poll_mode_follows_added_changed_and_removed_folders(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=poll", "--repository-poll-secs=1"])
    # A changed config.pbtxt reloads the model.
    config_path = os.path.join(repo, "add_sub_fp32", "config.pbtxt")
    with open(config_path) as f:
        config = f.read()
    mc.replace_file(config_path, config.replace("max_batch_size: 8", "max_batch_size: 4"))
    mc.wait_until(lambda: http.get(srv.url + "/v2/models/add_sub_fp32/config").json()["max_batch_size"] == 4,
                  "the new max_batch_size")
    # A new folder is loaded.
    mc.add_model_folder(repo, "second_sleeper", lambda staging: mc.python_model(
        staging, "second_sleeper", mc.SLEEPER_PY, mc.SLEEPER_CONFIG.replace("count: 3", "count: 1")))
    mc.wait_until(lambda: model_ready(srv, http, "second_sleeper"), "the new model to be ready")
    # A removed folder is unloaded and leaves the index; its ensemble becomes unavailable.
    shutil.rmtree(os.path.join(repo, "add_sub_fp32"))
    mc.wait_until(lambda: "add_sub_fp32" not in entries(srv, http), "the removed model to leave the index")
    assert not model_ready(srv, http, "add_sub_fp32")
    assert entries(srv, http)["add_pipeline"][0]["reason"] == "step model 'add_sub_fp32' is not available"
    # And it comes back with its folder, the ensemble with it.
    mc.add_model_folder(repo, "add_sub_fp32", lambda staging: mc.make_repository(staging, ["add_sub_fp32"]))
    mc.wait_until(lambda: model_ready(srv, http, "add_pipeline"), "the ensemble to be ready again")
    pipeline_sum(srv, http)


def test_poll_mode_keeps_serving_when_a_change_fails_to_load(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=poll", "--repository-poll-secs=1"])
    mc.replace_file(os.path.join(repo, "add_sub_fp32", "config.pbtxt"), BROKEN_CONFIG)
    mc.wait_until(lambda: entries(srv, http)["add_sub_fp32"][0].get("reason"), "the failure in the index")
    infer_add_sub(srv, http)


# ----------------------------------------------------------------- Python models

def control(srv, http, action, model, config=None, file=None):
    inputs = {"ACTION": np.array([action.encode()], dtype=np.object_),
              "MODEL": np.array([model.encode()], dtype=np.object_)}
    if config is not None:
        inputs["CONFIG"] = np.array([config.encode()], dtype=np.object_)
    if file is not None:
        inputs["FILE"] = np.array([file], dtype=np.object_)
    message, ready = infer(srv, http, "controller", inputs).as_numpy("MESSAGE").tolist()
    return message.decode(), ready.decode()


def test_python_model_loads_and_unloads_models(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=controller"])
    assert control(srv, http, "load", "add_sub_fp32") == ("ok", "True")
    infer_add_sub(srv, http)
    assert control(srv, http, "unload", "add_sub_fp32") == ("ok", "False")
    assert entries(srv, http)["add_sub_fp32"][0]["reason"] == "unloaded"
    assert control(srv, http, "load_files", "from_python", config=mc.add_sub_config_json(),
                   file=mc.onnx_bytes("from_python")) == ("ok", "True")
    infer_add_sub(srv, http, model="from_python")
    assert control(srv, http, "load", "no_such_model") == (
        "failed to load 'no_such_model': no model folder named 'no_such_model' in the model repositories", "False")
    assert control(srv, http, "unload", "controller") == (
        "unload_model: a model cannot unload itself ('controller')", "True")


def test_python_model_reloads_itself(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=controller"])
    model_py = os.path.join(repo, "controller", "1", "model.py")
    stat = os.stat(model_py)
    os.utime(model_py, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    # The new version serves when the load returns; the old one still answers the calling request.
    assert control(srv, http, "load", "controller") == ("ok", "True")
    assert srv.log().count("successfully loaded 'controller' version 1") == 2
    assert control(srv, http, "load", "add_sub_fp32") == ("ok", "True")


def test_python_model_control_is_refused_in_mode_none(repo, start_server, http):
    srv = start_server([repo], ["--model-control-mode=none"])
    assert control(srv, http, "unload", "add_sub_fp32") == (NOT_ALLOWED, "True")
