"""The model repository of a run: only the models its row families need.

  identity_onnx, identity_python   16 FP32 in, the same out; ONNX Runtime and a model.py
  identity_{onnx,python}_1m        the same with 1 MiB (262,144 FP32)
  identity_python_x4               identity_python with four instances; each stub leaves its pid
                                   in the model's stub_pids/ folder (see stub_memory.py)
  bls_python, bls_python_1m        a model.py that forwards its input to identity_onnx
                                   (identity_onnx_1m) with BLS and returns the callee's output
  resnet50_{onnx,torch}            ResNet-50 (bench/common.py, torch.manual_seed(0)), one image per execution
  resnet50_{onnx,torch}_batched    the same weights, max_batch_size 16 with dynamic batching
  resnet50_torch_frozen            resnet50_torch_batched with ENABLE_FREEZE_AND_OPTIMIZE
  ensemble_model, model1, model2   the data pipeline of examples/data_pipeline
One instance each unless named otherwise. The ResNet-50 weights are the ones the Flask app builds.
"""

import os
import sys

from common import ROOT

MIB_FP32 = (1 << 20) // 4
# name: (backend, elements, instances)
IDENTITIES = {"identity_onnx": ("onnxruntime", 16, 1), "identity_python": ("python", 16, 1),
              "identity_onnx_1m": ("onnxruntime", MIB_FP32, 1), "identity_python_1m": ("python", MIB_FP32, 1),
              "identity_python_x4": ("python", 16, 4)}
# name: (callee, elements)
BLS_MODELS = {"bls_python": ("identity_onnx", 16), "bls_python_1m": ("identity_onnx_1m", MIB_FP32)}
STUB_PIDS = "stub_pids"

IDENTITY_CONFIG = '''name: "{name}"
backend: "{backend}"
max_batch_size: 0
input [ {{ name: "INPUT0" data_type: TYPE_FP32 dims: [ {elements} ] }} ]
output [ {{ name: "OUTPUT0" data_type: TYPE_FP32 dims: [ {elements} ] }} ]
instance_group [ {{ count: {instances} kind: KIND_CPU }} ]
'''

IDENTITY_PY = '''import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("OUTPUT0", r.inputs()[0].as_numpy())])
                for r in requests]
'''

# A stub's /proc entry does not name its model, so each stub of this one leaves its pid
# in <model dir>/stub_pids/ for stub_memory.py.
IDENTITY_LEAVING_PID_PY = '''import os

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        folder = os.path.join(args["model_repository"], "{folder}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, str(os.getpid())), "w"):
            pass

    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("OUTPUT0", r.inputs()[0].as_numpy())])
                for r in requests]
'''.replace("{folder}", STUB_PIDS)

BLS_PY = '''import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            called = pb_utils.InferenceRequest(model_name="{callee}", inputs=[request.inputs()[0]],
                                               requested_output_names=["OUTPUT0"]).exec()
            if called.has_error():
                responses.append(pb_utils.InferenceResponse(error=called.error()))
            else:
                responses.append(pb_utils.InferenceResponse([called.output_tensors()[0]]))
        return responses
'''

RESNET_TENSORS = {"onnx": ("image", "logits"), "torch": ("input__0", "output__0")}
RESNET_PLATFORMS = {"onnx": ("onnxruntime_onnx", "model.onnx"), "torch": ("pytorch_libtorch", "model.pt")}

RESNET_SINGLE = '''name: "{name}"
platform: "{platform}"
max_batch_size: 0
input [ {{ name: "{input}" data_type: TYPE_FP32 dims: [ 1, 3, 224, 224 ] }} ]
output [ {{ name: "{output}" data_type: TYPE_FP32 dims: [ 1, 1000 ] }} ]
instance_group [ {{ count: 1 kind: KIND_CPU }} ]
'''

RESNET_BATCHED = '''name: "{name}"
platform: "{platform}"
max_batch_size: 16
input [ {{ name: "{input}" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] }} ]
output [ {{ name: "{output}" data_type: TYPE_FP32 dims: [ 1000 ] }} ]
instance_group [ {{ count: 1 kind: KIND_CPU }} ]
dynamic_batching {{ preferred_batch_size: [ 8, 16 ] max_queue_delay_microseconds: 2000 }}
'''

# The ResNet-50 models that run each request alone; every other one is batched.
RESNET_UNBATCHED = ("resnet50_onnx", "resnet50_torch")
# name: config lines added to its template
RESNET_EXTRA = {"resnet50_torch_frozen":
                'parameters { key: "ENABLE_FREEZE_AND_OPTIMIZE" value: { string_value: "true" } }\n'}

PIPELINE_MODELS = ("ensemble_model", "model1", "model2")


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def _identity_onnx(path, elements):
    import onnx
    os.makedirs(os.path.dirname(path), exist_ok=True)
    from onnx import TensorProto, helper
    graph = helper.make_graph([helper.make_node("Identity", ["INPUT0"], ["OUTPUT0"])], "identity",
                              [helper.make_tensor_value_info("INPUT0", TensorProto.FLOAT, [elements])],
                              [helper.make_tensor_value_info("OUTPUT0", TensorProto.FLOAT, [elements])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def _make_identity(repo, name):
    backend, elements, instances = IDENTITIES[name]
    _write(os.path.join(repo, name, "config.pbtxt"),
           IDENTITY_CONFIG.format(name=name, backend=backend, elements=elements, instances=instances))
    if backend == "onnxruntime":
        _identity_onnx(os.path.join(repo, name, "1", "model.onnx"), elements)
    else:
        _write(os.path.join(repo, name, "1", "model.py"), IDENTITY_PY if instances == 1 else IDENTITY_LEAVING_PID_PY)


def _make_bls(repo, name):
    callee, elements = BLS_MODELS[name]
    _write(os.path.join(repo, name, "config.pbtxt"),
           IDENTITY_CONFIG.format(name=name, backend="python", elements=elements, instances=1))
    _write(os.path.join(repo, name, "1", "model.py"), BLS_PY.format(callee=callee))


def _export_resnet(kind, path):
    import torch
    from common import resnet50
    torch.manual_seed(0)
    model = resnet50()
    example = torch.rand(1, 3, 224, 224)
    with torch.inference_mode():
        if kind == "onnx":
            torch.onnx.export(model, example, path, input_names=["image"], output_names=["logits"],
                              dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
        else:
            torch.jit.trace(model, example).save(path)


def _resnet_folder(repo, name, kind, template, extra_config=""):
    """Writes the config of ResNet-50 model `name`; returns the path its model file goes to."""
    platform, filename = RESNET_PLATFORMS[kind]
    tensor_in, tensor_out = RESNET_TENSORS[kind]
    _write(os.path.join(repo, name, "config.pbtxt"),
           template.format(name=name, platform=platform, input=tensor_in, output=tensor_out) + extra_config)
    target = os.path.join(repo, name, "1", filename)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    return target


def _make_resnet(repo, name, exported):
    kind = "onnx" if "_onnx" in name else "torch"
    template = RESNET_SINGLE if name in RESNET_UNBATCHED else RESNET_BATCHED
    target = _resnet_folder(repo, name, kind, template, RESNET_EXTRA.get(name, ""))
    if kind not in exported:
        _export_resnet(kind, target)
        exported[kind] = target
    else:
        os.link(exported[kind], target)


def make_torch_thread_variants(repo, source_model_pt, counts):
    """Writes `resnet50_torch_intra<N>` for each N of `counts`: the batched TorchScript
    ResNet-50 (hard link to `source_model_pt`) with INTRA_OP_THREAD_COUNT N. Its own
    repository: libtorch's thread counts are process-wide, fixed by the first model loaded."""
    names = []
    for count in counts:
        name = f"resnet50_torch_intra{count}"
        parameter = f'parameters {{ key: "INTRA_OP_THREAD_COUNT" value: {{ string_value: "{count}" }} }}\n'
        target = _resnet_folder(repo, name, "torch", RESNET_BATCHED, parameter)
        if not os.path.exists(target):
            os.link(source_model_pt, target)
        names.append(name)
    return names


def make(repo, names):
    """Writes the named models into repo."""
    exported = {}
    for name in sorted(set(names)):
        if name in IDENTITIES:
            _make_identity(repo, name)
        elif name in BLS_MODELS:
            _make_bls(repo, name)
        elif name.startswith("resnet50_"):
            _make_resnet(repo, name, exported)
        elif name in PIPELINE_MODELS:
            sys.path.insert(0, os.path.join(ROOT, "examples", "data_pipeline"))
            import make_repository
            make_repository.make(repo)
        else:
            raise KeyError(f"no model named {name}")
