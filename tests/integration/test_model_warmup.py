"""Model warmup: every instance runs the config's `model_warmup` samples before the model is
ready, with zeros, random data or data from the model's warmup/ folder. A sample that cannot
be built or fails fails that model's load with the reason, and the other models serve.

The recorder model (python_models/warmup_recorder) writes every execution it runs to
executions.jsonl in its model folder, so the tests see exactly what warmup sent."""

import json
import os

import numpy as np
import pytest

import generate
import kserve_http as kh
import python_models as pm
from python_models import serving

INPUTS = ('inputs {{ key: "INPUT0" value: {{ data_type: TYPE_FP32 dims: [ 4 ] {values} }} }}\n'
          'inputs {{ key: "TEXT" value: {{ data_type: TYPE_STRING dims: [ 2 ] {text} }} }}')
RECORDER_WARMUP = f'''model_warmup [
  {{ name: "zeros" batch_size: 2 count: 2
    {INPUTS.format(values="zero_data: true", text="zero_data: true")} }},
  {{ name: "from files" batch_size: 1
    {INPUTS.format(values='input_data_file: "floats"', text='input_data_file: "strings"')} }},
  {{ name: "random" batch_size: 1
    {INPUTS.format(values="random_data: true", text="random_data: true")} }},
  {{ name: "never" batch_size: 0 }}
]
'''
WARMUP_EXECUTIONS = 4  # zeros twice, from files, random; not the sample of batch_size 0
REJECTED_WARMUP = f'''model_warmup [ {{ name: "rejected" batch_size: 1
    {INPUTS.format(values="zero_data: true", text='input_data_file: "reject"')} }} ]
'''

DECOUPLED_WARMUP = '''model_warmup [ {{ name: "{mode}" batch_size: 1
    inputs {{ key: "COUNT" value: {{ data_type: TYPE_INT32 dims: [ 1 ] input_data_file: "three" }} }}
    inputs {{ key: "MODE" value: {{ data_type: TYPE_STRING dims: [ 1 ] input_data_file: "{mode}" }} }} }} ]
'''

FP32_16 = 'inputs {{ key: "{name}" value: {{ data_type: {type} dims: [ {dims} ] {data} }} }}'


def add_sub_sample(batch_size=1, dims="16", data="zero_data: true", type="TYPE_FP32", inputs=("INPUT0", "INPUT1")):
    """A warmup sample named "s" for the add_sub_fp32 ONNX model."""
    tensors = " ".join(FP32_16.format(name=n, type=type, dims=dims, data=data) for n in inputs)
    return f'model_warmup [ {{ name: "s" batch_size: {batch_size} {tensors} }} ]\n'


# model: (warmup of an add_sub_fp32 copy, the load failure's reason after "failed to run
# warmup sample 's': "; {dir} is the model's folder)
BROKEN = {
    "variable_dims": (add_sub_sample(dims="-1"), "input 'INPUT0': every dimension must be given, dims has -1"),
    "no_data": (add_sub_sample(data=""), "input 'INPUT0': set one of zero_data, random_data or input_data_file"),
    "missing_file": (add_sub_sample(data='input_data_file: "nope"'),
                     "input 'INPUT0': cannot read its data file '{dir}/warmup/nope'"),
    "short_file": (add_sub_sample(data='input_data_file: "short"'),
                   "input 'INPUT0': its data file '{dir}/warmup/short' holds 8 bytes; its dims and data_type need 64"),
    "batch_too_large": (add_sub_sample(batch_size=9), "batch_size 9 exceeds max_batch_size 8"),
    "wrong_type": (add_sub_sample(type="TYPE_INT32"),
                   "inference input 'INPUT0' data-type is 'INT32', but model 'wrong_type' expects 'FP32'"),
    "missing_input": (add_sub_sample(inputs=("INPUT0",)),
                      "expected 2 inputs but got 1 inputs for model 'missing_input'. Got input(s) ['INPUT0'], "
                      "but missing required input(s) ['INPUT1']. Please provide all required input(s)."),
}


def serialized_strings(*items):
    return b"".join(len(s).to_bytes(4, "little") + s for s in items)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = str(tmp_path_factory.mktemp("warmup"))
    recorder = pm.deploy(repo, "warmup_recorder", "recorder", RECORDER_WARMUP)
    os.makedirs(os.path.join(recorder, "warmup"))
    np.array([0.5, 1.5, 2.5, 3.5, 9, 9], dtype=np.float32).tofile(os.path.join(recorder, "warmup", "floats"))
    with open(os.path.join(recorder, "warmup", "strings"), "wb") as f:
        f.write(serialized_strings(b"ab", b"cde"))
    rejects = pm.deploy(repo, "warmup_recorder", "rejects", REJECTED_WARMUP)
    os.makedirs(os.path.join(rejects, "warmup"))
    with open(os.path.join(rejects, "warmup", "reject"), "wb") as f:
        f.write(serialized_strings(b"reject", b"x"))
    for mode in ("thread", "crash"):
        model_dir = pm.deploy(repo, "repeat_decoupled", f"decoupled_{mode}", DECOUPLED_WARMUP.format(mode=mode))
        os.makedirs(os.path.join(model_dir, "warmup"))
        np.array([3], dtype=np.int32).tofile(os.path.join(model_dir, "warmup", "three"))
        with open(os.path.join(model_dir, "warmup", mode), "wb") as f:
            f.write(serialized_strings(mode.encode()))
    for name, (warmup, _) in BROKEN.items():
        generate.make_add_sub(repo, "fp32", name, warmup)
    os.makedirs(os.path.join(repo, "short_file", "warmup"))
    np.zeros(2, dtype=np.float32).tofile(os.path.join(repo, "short_file", "warmup", "short"))
    return repo


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo],
                                     ["--exit-on-error=false", "--strict-readiness=false", "--log-verbose=1"])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def executions(repo, model):
    with open(os.path.join(repo, model, "executions.jsonl")) as f:
        return [json.loads(line) for line in f]


def reason(srv, http, model):
    r = http.post(srv.url + "/v2/repository/index")
    assert r.status_code == 200, r.text
    entry = {e["name"]: e for e in r.json()}[model]
    assert entry["state"] == "UNAVAILABLE", entry
    return entry["reason"]


def test_samples_run_in_order_before_the_model_is_ready(srv, repo, http):
    assert http.get(srv.url + "/v2/models/recorder/ready").status_code == 200
    runs = executions(repo, "recorder")
    zeros = {"INPUT0": [0.0] * 4, "TEXT": ["", ""]}
    assert runs[:3] == [[zeros, zeros], [zeros, zeros], [{"INPUT0": [0.5, 1.5, 2.5, 3.5], "TEXT": ["ab", "cde"]}]]
    assert len(runs) >= WARMUP_EXECUTIONS, runs
    [random_request] = runs[3]  # then the clients' executions, if a test made some
    assert random_request["TEXT"] == ["", ""]  # random BYTES are empty strings, as in Triton
    assert len(random_request["INPUT0"]) == 4 and random_request["INPUT0"] != [0.0] * 4


def test_warmup_is_logged_and_not_counted_in_statistics(srv, repo, http):
    log = srv.log()
    for sample, iteration in (("zeros", 1), ("zeros", 2), ("from files", 1), ("random", 1)):
        assert f"model 'recorder' instance 'recorder_0_0' is running warmup sample '{sample}' for iteration " \
               f"{iteration}" in log
    assert "skipping warmup sample 'never', whose batch_size is 0" in log
    assert "model 'recorder' instance 'recorder_0_0' ran 3 warmup sample(s) in " in log
    before = len(executions(repo, "recorder"))
    values = np.arange(4, dtype=np.float32).reshape(1, 4)
    text = np.array([[b"a", b"b"]], dtype=np.object_)
    resp, result = kh.infer(http, srv.url, "recorder",
                            [kh.InferInput("INPUT0", values), kh.InferInput("TEXT", text, datatype="BYTES")])
    assert resp.status_code == 200, resp.text
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), values)
    assert len(executions(repo, "recorder")) == before + 1
    client_executions = len(executions(repo, "recorder")) - WARMUP_EXECUTIONS
    stats = http.get(srv.url + "/v2/models/recorder/stats").json()["model_stats"][0]
    assert stats["execution_count"] == client_executions, stats


def test_failing_sample_fails_the_load(srv, http):
    assert http.get(srv.url + "/v2/models/rejects/ready").status_code != 200
    assert reason(srv, http, "rejects") == "failed to run warmup sample 'rejected': warmup data rejected"
    assert "failed to load 'rejects' version 1: failed to run warmup sample 'rejected'" in srv.log()


@pytest.mark.parametrize("model", sorted(BROKEN))
def test_sample_that_cannot_be_built_fails_the_load(srv, repo, http, model):
    expected = BROKEN[model][1].format(dir=os.path.join(repo, model))
    assert reason(srv, http, model) == f"failed to run warmup sample 's': {expected}"
    resp, _ = kh.infer(http, srv.url, model, [kh.InferInput("INPUT0", np.zeros((1, 16), dtype=np.float32))])
    assert resp.status_code != 200


def test_other_models_serve_next_to_failed_warmups(srv, http):
    values = np.ones((2, 4), dtype=np.float32)
    text = np.array([[b"x", b"y"], [b"z", b"w"]], dtype=np.object_)
    resp, result = kh.infer(http, srv.url, "recorder",
                            [kh.InferInput("INPUT0", values), kh.InferInput("TEXT", text, datatype="BYTES")])
    assert resp.status_code == 200, resp.text
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), values)


def test_decoupled_model_warms_up_with_responses_sent_after_execute(srv, http):
    assert http.get(srv.url + "/v2/models/decoupled_thread/ready").status_code == 200
    assert "model 'decoupled_thread' instance 'decoupled_thread_0' ran 1 warmup sample(s) in " in srv.log()


def test_stub_exiting_during_warmup_fails_the_load(srv, http):
    assert http.get(srv.url + "/v2/models/decoupled_crash/ready").status_code != 200
    assert reason(srv, http, "decoupled_crash") == (
        "failed to run warmup sample 'crash': the Python stub of model 'decoupled_crash' instance "
        "'decoupled_crash_0' exited unexpectedly (exit code 5); it is restarted for the next request")
