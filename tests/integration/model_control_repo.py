"""Repositories and helpers for the model control tests (test_model_control*.py).

Models:
* add_sub_fp32: the generated ONNX model (OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1).
* add_pipeline: an ensemble with one step, add_sub_fp32, returning SUM.
* sleeper: a Python model that logs "sleeping <x>" and answers Y = X after SLEEP_SECONDS;
  three instances, so three requests are in flight at once.
* controller: a Python model that loads and unloads other models from execute
  (pb_utils.load_model / unload_model) as its ACTION input says.
* gated (only when asked for): a Python model whose initialize waits for a file "go" in
  its model folder, to hold a load open.
"""

import os
import shutil
import tempfile
import time

import numpy as np

import generate

SLEEP_SECONDS = 0.5

SLEEPER_PY = f'''
import time
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        out = []
        for r in requests:
            x = pb_utils.get_input_tensor_by_name(r, "X").as_numpy()
            pb_utils.Logger.log_info("sleeping " + str(float(x[0])))
            time.sleep({SLEEP_SECONDS})
            out.append(pb_utils.InferenceResponse([pb_utils.Tensor("Y", x)]))
        return out
'''

SLEEPER_CONFIG = '''
backend: "python"
input [ { name: "X" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "Y" data_type: TYPE_FP32 dims: [ -1 ] } ]
instance_group [ { count: 3 kind: KIND_CPU } ]
'''

GATED_PY = '''
import os
import time
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def initialize(self, args):
        # Loads only once the test creates the file "go" in the model folder.
        gate = os.path.join(args["model_repository"], "go")
        deadline = time.monotonic() + 25
        while not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.05)

    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("Y", pb_utils.get_input_tensor_by_name(r, "X").as_numpy())])
                for r in requests]
'''

GATED_CONFIG = '''
backend: "python"
input [ { name: "X" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "Y" data_type: TYPE_FP32 dims: [ -1 ] } ]
'''

CONTROLLER_PY = '''
import numpy as np
import triton_python_backend_utils as pb_utils

def text(request, name):
    tensor = pb_utils.get_input_tensor_by_name(request, name)
    return None if tensor is None else tensor.as_numpy()[0]

class TritonPythonModel:
    def execute(self, requests):
        return [self.handle(r) for r in requests]

    def handle(self, request):
        action = text(request, "ACTION").decode()
        model = text(request, "MODEL").decode()
        try:
            if action == "load":
                pb_utils.load_model(model)
            elif action == "load_files":
                pb_utils.load_model(model, config=text(request, "CONFIG").decode(),
                                    files={"file:1/model.onnx": text(request, "FILE")})
            elif action == "unload":
                pb_utils.unload_model(model)
            message = "ok"
        except pb_utils.TritonModelException as error:
            message = str(error)
        ready = str(pb_utils.is_model_ready(model))
        return pb_utils.InferenceResponse([pb_utils.Tensor("MESSAGE", np.array([message, ready], dtype=np.object_))])
'''

CONTROLLER_CONFIG = '''
backend: "python"
input [ { name: "ACTION" data_type: TYPE_STRING dims: [ 1 ] },
        { name: "MODEL" data_type: TYPE_STRING dims: [ 1 ] },
        { name: "CONFIG" data_type: TYPE_STRING dims: [ 1 ] optional: true },
        { name: "FILE" data_type: TYPE_STRING dims: [ 1 ] optional: true } ]
output [ { name: "MESSAGE" data_type: TYPE_STRING dims: [ 2 ] } ]
'''

PIPELINE_CONFIG = '''
platform: "ensemble"
max_batch_size: 8
input [ { name: "A" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "B" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "SUM" data_type: TYPE_FP32 dims: [ 16 ] } ]
ensemble_scheduling { step { model_name: "add_sub_fp32" model_version: -1
  input_map { key: "INPUT0" value: "A" } input_map { key: "INPUT1" value: "B" }
  output_map { key: "OUTPUT0" value: "SUM" } } }
'''

# add_sub_fp32's configuration as JSON, for `config` load parameters.
ADD_SUB_CONFIG_JSON = '''{
  "backend": "onnxruntime", "max_batch_size": %(max_batch_size)d,
  "version_policy": %(version_policy)s,
  "input": [{"name": "INPUT0", "data_type": "TYPE_FP32", "dims": [16]},
            {"name": "INPUT1", "data_type": "TYPE_FP32", "dims": [16]}],
  "output": [{"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [16]},
             {"name": "OUTPUT1", "data_type": "TYPE_FP32", "dims": [16]}]
}'''


def add_sub_config_json(max_batch_size=8, version_policy='{"latest": {"num_versions": 1}}'):
    return ADD_SUB_CONFIG_JSON % {"max_batch_size": max_batch_size, "version_policy": version_policy}


def onnx_bytes(name="add_sub_fp32"):
    """A freshly generated add_sub ONNX model, serialized."""
    return generate._add_sub_onnx("fp32", name).SerializeToString()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.lstrip())


def python_model(repo, name, source, config):
    write(os.path.join(repo, name, "1", "model.py"), source)
    write(os.path.join(repo, name, "config.pbtxt"), config)


def make_repository(repo, models=("add_sub_fp32", "add_pipeline", "sleeper", "controller")):
    repo = str(repo)
    os.makedirs(repo, exist_ok=True)
    if "add_sub_fp32" in models:
        generate.make(repo, ["add_sub_fp32"])
    if "add_pipeline" in models:
        write(os.path.join(repo, "add_pipeline", "config.pbtxt"), PIPELINE_CONFIG)
        os.makedirs(os.path.join(repo, "add_pipeline", "1"), exist_ok=True)
    if "sleeper" in models:
        python_model(repo, "sleeper", SLEEPER_PY, SLEEPER_CONFIG)
    if "controller" in models:
        python_model(repo, "controller", CONTROLLER_PY, CONTROLLER_CONFIG)
    if "gated" in models:
        python_model(repo, "gated", GATED_PY, GATED_CONFIG)
    return repo


def add_version(repo, model, version, source_version=1):
    """Adds version folder `version` by renaming a complete copy into place
    (the copy is made outside the repository, so a poll never sees half of it)."""
    staging = tempfile.mkdtemp(dir=os.path.dirname(repo))
    shutil.copytree(os.path.join(repo, model, str(source_version)), os.path.join(staging, "v"))
    os.rename(os.path.join(staging, "v"), os.path.join(repo, model, str(version)))
    os.rmdir(staging)


def add_model_folder(repo, name, build):
    """Adds model folder `name`, built by build(staging_repo), in one rename."""
    staging = tempfile.mkdtemp(dir=os.path.dirname(repo))
    build(staging)
    os.rename(os.path.join(staging, name), os.path.join(repo, name))
    shutil.rmtree(staging)


def replace_file(path, text):
    """Writes `path` in one step (a poll never sees half of it)."""
    fd, staging = tempfile.mkstemp(dir=os.path.dirname(os.path.dirname(os.path.dirname(path))))
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(staging, path)


def wait_until(check, what, timeout=60):
    """Polls `check()` until it returns a true value; returns it."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def add_sub_inputs(batch=1, seed=0):
    rng = np.random.default_rng(seed)
    return {"INPUT0": rng.standard_normal((batch, 16)).astype(np.float32),
            "INPUT1": rng.standard_normal((batch, 16)).astype(np.float32)}
