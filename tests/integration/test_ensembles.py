"""Ensembles: data flow across steps (branches, nesting, ONNX and Python
steps), errors naming the failing step, validation at load, and BLS calls
into an ensemble, over HTTP and gRPC."""

import os
import shutil

import numpy as np
import pytest

import generate
from client_api import InferError

UNARY_PY = '''
import numpy as np
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        out = []
        for r in requests:
            x = pb_utils.get_input_tensor_by_name(r, "X").as_numpy()
            if (x < 0).any():
                raise ValueError("X must not be negative")
            out.append(pb_utils.InferenceResponse([pb_utils.Tensor("Y", ({expr}).astype(np.float32))]))
        return out
'''

SUM_PY = '''
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor(
            "S", pb_utils.get_input_tensor_by_name(r, "A").as_numpy() + pb_utils.get_input_tensor_by_name(r, "B").as_numpy())])
            for r in requests]
'''

BLS_PY = '''
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        out = []
        for r in requests:
            result = pb_utils.InferenceRequest(model_name="diamond", inputs=[pb_utils.Tensor("IN", r.inputs()[0].as_numpy())],
                                               requested_output_names=["OUT"]).exec()
            if result.has_error():
                raise pb_utils.TritonModelException(result.error().message())
            out.append(pb_utils.InferenceResponse([pb_utils.Tensor("Y", pb_utils.get_output_tensor_by_name(result, "OUT").as_numpy())]))
        return out
'''

PICK_PY = '''
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        out = []
        for r in requests:
            x = pb_utils.get_input_tensor_by_name(r, "X").as_numpy()
            y = pb_utils.get_input_tensor_by_name(r, "Y")
            out.append(pb_utils.InferenceResponse([pb_utils.Tensor("Z", x + (y.as_numpy() if y is not None else 0))]))
        return out
'''

VECTOR_IO = '''
input [ { name: "X" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "Y" data_type: TYPE_FP32 dims: [ -1 ] } ]
'''


def python_model(repo, name, source, io, extra=""):
    os.makedirs(os.path.join(repo, name, "1"), exist_ok=True)
    with open(os.path.join(repo, name, "1", "model.py"), "w") as f:
        f.write(source)
    with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
        f.write(f'backend: "python"\n{io}{extra}')


def ensemble(repo, name, io, steps, header='platform: "ensemble"'):
    os.makedirs(os.path.join(repo, name, "1"), exist_ok=True)
    with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
        f.write(f'{header}\n{io}\nensemble_scheduling {{\n{steps}\n}}\n')


def step(model, inputs, outputs):
    maps = "".join(f' input_map {{ key: "{k}" value: "{v}" }}' for k, v in inputs.items())
    maps += "".join(f' output_map {{ key: "{k}" value: "{v}" }}' for k, v in outputs.items())
    return f'  step {{ model_name: "{model}" model_version: -1{maps} }}'


ONE_IN_ONE_OUT = '''
input [ { name: "IN" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUT" data_type: TYPE_FP32 dims: [ -1 ] } ]'''


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = str(tmp_path_factory.mktemp("ensembles"))
    python_model(repo, "double", UNARY_PY.replace("{expr}", "2 * x"), VECTOR_IO)
    python_model(repo, "plus_one", UNARY_PY.replace("{expr}", "x + 1"), VECTOR_IO)
    python_model(repo, "sum2", SUM_PY, '''
input [ { name: "A" data_type: TYPE_FP32 dims: [ -1 ] }, { name: "B" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "S" data_type: TYPE_FP32 dims: [ -1 ] } ]''')
    python_model(repo, "bls_to_ensemble", BLS_PY, VECTOR_IO)
    python_model(repo, "pick", PICK_PY, '''
input [ { name: "X" data_type: TYPE_FP32 dims: [ -1 ] }, { name: "Y" data_type: TYPE_FP32 dims: [ -1 ] optional: true } ]
output [ { name: "Z" data_type: TYPE_FP32 dims: [ -1 ] } ]''')
    ensemble(repo, "optional_input", '''
input [ { name: "A" data_type: TYPE_FP32 dims: [ -1 ] }, { name: "B" data_type: TYPE_FP32 dims: [ -1 ] optional: true } ]
output [ { name: "C" data_type: TYPE_FP32 dims: [ -1 ] } ]''', step("pick", {"X": "A", "Y": "B"}, {"Z": "C"}))
    # IN -> double -> D, IN -> plus_one -> P, (D, P) -> sum2 -> OUT: two branches that may run at once.
    ensemble(repo, "diamond", ONE_IN_ONE_OUT, "\n".join([
        step("double", {"X": "IN"}, {"Y": "D"}),
        step("plus_one", {"X": "IN"}, {"Y": "P"}),
        step("sum2", {"A": "D", "B": "P"}, {"S": "OUT"})]), header='backend: "ensemble"')
    ensemble(repo, "nested", ONE_IN_ONE_OUT, "\n".join([
        step("diamond", {"IN": "IN"}, {"OUT": "T"}),
        step("double", {"X": "T"}, {"Y": "OUT"})]))
    # An ONNX step and a Python step with the batch dimension passing through.
    generate.make(repo, ["add_sub_fp32"])
    python_model(repo, "double_batched", UNARY_PY.replace("{expr}", "2 * x"), '''
max_batch_size: 8
input [ { name: "X" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "Y" data_type: TYPE_FP32 dims: [ 16 ] } ]''')
    ensemble(repo, "mixed", '''
max_batch_size: 8
input [ { name: "A" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "B" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "SUM_DOUBLED" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "DIFF" data_type: TYPE_FP32 dims: [ 16 ] } ]''',
             "\n".join([step("add_sub_fp32", {"INPUT0": "A", "INPUT1": "B"}, {"OUTPUT0": "SUM", "OUTPUT1": "DIFF"}),
                        step("double_batched", {"X": "SUM"}, {"Y": "SUM_DOUBLED"})]))
    return repo


@pytest.fixture(scope="module")
def ensemble_server(repo, tmp_path_factory):
    from server_process import ServerProcess
    srv = ServerProcess([repo], str(tmp_path_factory.mktemp("logs") / "server.log")).start()
    srv.wait_live()
    srv.wait_ready()
    yield srv
    srv.stop()


@pytest.fixture
def ens_client(ensemble_server, make_client):
    return make_client(ensemble_server)


def test_branches_join(ens_client):
    x = np.array([1, 2, 3], dtype=np.float32)
    result = ens_client.infer("diamond", {"IN": x})
    assert result.model_name == "diamond"
    assert result.output_names == ["OUT"]
    np.testing.assert_array_equal(result.as_numpy("OUT"), 3 * x + 1)


def test_ensemble_of_ensembles(ens_client):
    x = np.array([0, 5], dtype=np.float32)
    np.testing.assert_array_equal(ens_client.infer("nested", {"IN": x}).as_numpy("OUT"), 2 * (3 * x + 1))


def test_onnx_and_python_steps_with_batch(ens_client):
    a = np.arange(48, dtype=np.float32).reshape(3, 16)
    b = np.ones((3, 16), dtype=np.float32)
    result = ens_client.infer("mixed", {"A": a, "B": b})
    np.testing.assert_array_equal(result.as_numpy("SUM_DOUBLED"), 2 * (a + b))
    np.testing.assert_array_equal(result.as_numpy("DIFF"), a - b)
    only = ens_client.infer("mixed", {"A": a, "B": b}, outputs=["DIFF"])
    assert only.output_names == ["DIFF"]


def test_optional_input_may_be_left_out(ens_client):
    a = np.array([1, 2], dtype=np.float32)
    np.testing.assert_array_equal(ens_client.infer("optional_input", {"A": a}).as_numpy("C"), a)
    np.testing.assert_array_equal(ens_client.infer("optional_input", {"A": a, "B": a}).as_numpy("C"), 2 * a)


def test_request_id_flows_through(ens_client):
    result = ens_client.infer("diamond", {"IN": np.ones(2, dtype=np.float32)}, request_id="ens-7")
    assert result.id == "ens-7"


def test_failing_step_names_its_model(ens_client, protocol):
    with pytest.raises(InferError) as caught:
        ens_client.infer("diamond", {"IN": np.array([-1], dtype=np.float32)})
    message = caught.value.message
    assert message.startswith("in ensemble 'diamond', step 0 ('double') failed: Failed to process the request(s) "
                              "for model 'double_0', message: ValueError: X must not be negative") or \
        message.startswith("in ensemble 'diamond', step 1 ('plus_one') failed: Failed to process the request(s) "
                           "for model 'plus_one_0', message: ValueError: X must not be negative"), message
    # The server and the ensemble go on serving.
    np.testing.assert_array_equal(ens_client.infer("diamond", {"IN": np.ones(1, dtype=np.float32)}).as_numpy("OUT"),
                                  [4])


def test_bls_into_an_ensemble(ens_client):
    x = np.array([2, 4], dtype=np.float32)
    np.testing.assert_array_equal(ens_client.infer("bls_to_ensemble", {"X": x}).as_numpy("Y"), 3 * x + 1)


def test_ensemble_metadata_and_config(ensemble_server, http):
    meta = http.get(ensemble_server.url + "/v2/models/diamond").json()
    assert meta["platform"] == "ensemble"
    config = http.get(ensemble_server.url + "/v2/models/diamond/config").json()
    assert config["platform"] == "ensemble" and config["backend"] == ""
    assert config["model_transaction_policy"] == {"decoupled": False}
    assert [s["model_name"] for s in config["ensemble_scheduling"]["step"]] == ["double", "plus_one", "sum2"]
    assert config["ensemble_scheduling"]["step"][0]["input_map"] == {"X": "IN"}
    assert config["instance_group"] == []


@pytest.mark.parametrize("steps,reason", [
    (step("no_such_model", {"X": "IN"}, {"Y": "OUT"}),
     "ensemble 'broken' step 0 ('no_such_model'): step model is not available: Request for unknown model: "
     "'no_such_model' is not found"),
    (step("double", {"X": "IN"}, {"Y": "MID"}) + "\n" + step("double", {"X": "MID"}, {"Y": "MID"}),
     "ensemble 'broken' step 1 ('double') writes ensemble tensor 'MID', which step 0 already writes; a tensor has "
     "one producer"),
    (step("double", {"X": "IN"}, {"Y": "LOST"}),
     "ensemble 'broken': output 'OUT' is not written by any step"),
    (step("double", {"WRONG": "IN"}, {"Y": "OUT"}),
     "ensemble 'broken' step 0 ('double'): model 'double' has no input 'WRONG'"),
])
def test_invalid_ensembles_fail_to_load_with_a_reason(tmp_path, repo, start_server, http, steps, reason):
    bad_repo = str(tmp_path / "repo")
    shutil.copytree(os.path.join(repo, "double"), os.path.join(bad_repo, "double"))
    ensemble(bad_repo, "broken", ONE_IN_ONE_OUT, steps)
    srv = start_server([bad_repo], ["--exit-on-error=false", "--strict-readiness=false"])
    entries = {e["name"]: e for e in http.post(srv.url + "/v2/repository/index").json()}
    assert entries["broken"]["state"] == "UNAVAILABLE"
    assert entries["broken"]["reason"].endswith(reason), entries["broken"]["reason"]
    assert entries["double"]["state"] == "READY"
    assert http.get(srv.url + "/v2/models/broken/ready").status_code != 200


def test_datatype_mismatch_between_steps(tmp_path, repo, start_server, http):
    bad_repo = str(tmp_path / "repo")
    shutil.copytree(os.path.join(repo, "double"), os.path.join(bad_repo, "double"))
    ensemble(bad_repo, "broken", '''
input [ { name: "IN" data_type: TYPE_INT32 dims: [ -1 ] } ]
output [ { name: "OUT" data_type: TYPE_FP32 dims: [ -1 ] } ]''', step("double", {"X": "IN"}, {"Y": "OUT"}))
    srv = start_server([bad_repo], ["--exit-on-error=false", "--strict-readiness=false"])
    entry = [e for e in http.post(srv.url + "/v2/repository/index").json() if e["name"] == "broken"][0]
    assert entry["reason"] == ("in ensemble 'broken', tensor 'IN' is TYPE_INT32 for the ensemble's input but "
                               "TYPE_FP32 for step 0 input 'X'")
