#!/usr/bin/python3
"""Write Triton-style model folders used by the integration tests and examples.

Every model is built locally from a fixed seed (nothing is downloaded), so the
same weights come out of every run. Torch-built models can be rebuilt in the
test process with `torch_module(name)` to compute reference outputs.

Library use:
    import generate
    generate.make_all("/tmp/repo")           # every good model
    generate.make_broken_models("/tmp/bad")   # models that must fail to load
    generate.reference_output("small_cnn", {"input": x})

Command line:
    generate.py REPO [--only name,...] [--broken]
"""

import argparse
import functools
import os
import sys

import numpy as np

SEED = 20240601
OPSET = 13


# ---------------------------------------------------------------- file helpers

def _model_dir(repo_dir, name, version=1):
    """Create and return <repo>/<name>/<version>/."""
    path = os.path.join(repo_dir, name, str(version))
    os.makedirs(path, exist_ok=True)
    return path


def _write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _write_config(repo_dir, name, text):
    _write_text(os.path.join(repo_dir, name, "config.pbtxt"), text.lstrip())


def _remove_config(repo_dir, name):
    """A model that relies on auto-complete must not carry a stale config."""
    path = os.path.join(repo_dir, name, "config.pbtxt")
    if os.path.exists(path):
        os.remove(path)


def _save_onnx(model, repo_dir, name):
    import onnx

    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(_model_dir(repo_dir, name), "model.onnx"))


# --------------------------------------------------------------- torch models

def _torch_classes():
    """Torch module classes, defined lazily so importing this file stays cheap."""
    import torch
    from torch import nn

    class SmallCnn(nn.Module):
        """conv+relu+pool twice, then a linear layer: [N,3,16,16] -> [N,10]."""

        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
            self.fc = nn.Linear(16 * 4 * 4, 10)

        def forward(self, x):
            return self.fc(torch.flatten(self.features(x), 1))

    class DenseLayer(nn.Module):
        """BN-ReLU-Conv producing `growth` channels appended to its input."""

        def __init__(self, channels, growth):
            super().__init__()
            self.body = nn.Sequential(
                nn.BatchNorm2d(channels), nn.ReLU(),
                nn.Conv2d(channels, growth, 3, padding=1, bias=False))

        def forward(self, x):
            return torch.cat([x, self.body(x)], 1)

    class TinyDenseNet(nn.Module):
        """A few-layer densenet: [N,3,224,224] -> [N,1000,1,1] like densenet121's fc6."""

        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(
                nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False),
                nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
                DenseLayer(16, 8), DenseLayer(24, 8),
                nn.BatchNorm2d(32), nn.ReLU(), nn.Conv2d(32, 16, 1, bias=False),
                nn.AvgPool2d(2),
                DenseLayer(16, 8), DenseLayer(24, 8),
                nn.BatchNorm2d(32), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                nn.Conv2d(32, 1000, 1))

        def forward(self, x):
            return self.net(x)

    class LabelledClassifier(nn.Module):
        """MLP over 8 features giving softmax probabilities of 5 classes."""

        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 5), nn.Softmax(dim=1))

        def forward(self, x):
            return self.net(x)

    return {"small_cnn": SmallCnn, "densenet_onnx": TinyDenseNet,
            "labelled_classifier": LabelledClassifier}


def _randomise_batchnorm(module, generator):
    """Give BatchNorm layers non-trivial statistics so they matter numerically."""
    import torch

    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(n, generator=generator) * 0.1)


@functools.lru_cache(maxsize=None)
def torch_module(name):
    """Rebuild the torch module behind model `name` with its fixed seed (eval mode)."""
    import torch

    classes = _torch_classes()
    if name not in classes:
        raise KeyError(f"{name} is not a torch-built model")
    torch.manual_seed(SEED)
    module = classes[name]()
    _randomise_batchnorm(module, torch.Generator().manual_seed(SEED + 1))
    if name == "densenet_onnx":
        # Spread the 1000 scores (like a trained classifier's logits) so that
        # the top-k ranking is unambiguous at the 6 decimals of "%f".
        with torch.no_grad():
            module.net[-1].weight.mul_(40.0)
    module.eval()
    return module


def reference_output(name, inputs):
    """Torch's own output for a torch-built model: {output_name: np.ndarray}."""
    import torch

    spec = TORCH_MODELS[name]
    module = torch_module(name)
    x = torch.from_numpy(np.array(inputs[spec["input"]], dtype=np.float32, order="C"))
    with torch.no_grad():
        y = module(x)
    return {spec["output"]: y.numpy()}


TORCH_MODELS = {
    "small_cnn": {"input": "input", "output": "logits", "example": (1, 3, 16, 16)},
    "densenet_onnx": {"input": "data_0", "output": "fc6_1", "example": (1, 3, 224, 224)},
    "labelled_classifier": {"input": "features", "output": "probabilities",
                            "example": (1, 8)},
}


def _export_torch(repo_dir, name):
    """torch.onnx.export with a dynamic batch dimension on input and output."""
    import torch

    spec = TORCH_MODELS[name]
    module = torch_module(name)
    example = torch.zeros(spec["example"], dtype=torch.float32)
    path = os.path.join(_model_dir(repo_dir, name), "model.onnx")
    torch.onnx.export(
        module, example, path, opset_version=OPSET,
        input_names=[spec["input"]], output_names=[spec["output"]],
        dynamic_axes={spec["input"]: {0: "batch"}, spec["output"]: {0: "batch"}},
        do_constant_folding=True)


def make_small_cnn(repo_dir):
    """small_cnn: FP32 [-1,3,16,16] -> [-1,10], two CPU instances, dynamic batching."""
    _export_torch(repo_dir, "small_cnn")
    _write_config(repo_dir, "small_cnn", """
name: "small_cnn"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [
  {
    name: "input"
    data_type: TYPE_FP32
    dims: [ 3, 16, 16 ]
  }
]
output [
  {
    name: "logits"
    data_type: TYPE_FP32
    dims: [ 10 ]
  }
]
instance_group [ { count: 2, kind: KIND_CPU } ]
dynamic_batching { max_queue_delay_microseconds: 100 }
""")


def make_densenet_onnx(repo_dir):
    """densenet_onnx: quick-deploy case, data_0 -> fc6_1, NO config.pbtxt."""
    _export_torch(repo_dir, "densenet_onnx")
    _remove_config(repo_dir, "densenet_onnx")


LABELS = ["cat", "dog", "bird", "fish", "horse"]


def make_labelled_classifier(repo_dir):
    """labelled_classifier: features [-1,8] -> probabilities [-1,5] with labels.txt."""
    _export_torch(repo_dir, "labelled_classifier")
    _write_text(os.path.join(repo_dir, "labelled_classifier", "labels.txt"),
                "\n".join(LABELS) + "\n")
    _write_config(repo_dir, "labelled_classifier", """
name: "labelled_classifier"
backend: "onnxruntime"
max_batch_size: 4
input [
  {
    name: "features"
    data_type: TYPE_FP32
    dims: [ 8 ]
  }
]
output [
  {
    name: "probabilities"
    data_type: TYPE_FP32
    dims: [ 5 ]
    label_filename: "labels.txt"
  }
]
""")


# ------------------------------------------------------- onnx.helper models

def _graph_model(name, nodes, inputs, outputs):
    """Assemble an ONNX model from helper-made nodes and value infos."""
    from onnx import helper

    graph = helper.make_graph(nodes, name, inputs, outputs)
    model = helper.make_model(graph, producer_name="inferd-tests",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    return model


def _vinfo(name, elem_type, shape):
    from onnx import helper

    return helper.make_tensor_value_info(name, elem_type, shape)


def make_string_identity(repo_dir):
    """string_identity: TYPE_STRING [-1] -> same, via ONNX Identity; no batching."""
    from onnx import TensorProto, helper

    model = _graph_model(
        "string_identity",
        [helper.make_node("Identity", ["INPUT0"], ["OUTPUT0"])],
        [_vinfo("INPUT0", TensorProto.STRING, ["N"])],
        [_vinfo("OUTPUT0", TensorProto.STRING, ["N"])])
    _save_onnx(model, repo_dir, "string_identity")
    _write_config(repo_dir, "string_identity", """
name: "string_identity"
platform: "onnxruntime_onnx"
max_batch_size: 0
input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
""")


# name -> (onnx elem type name, config type, op for OUTPUT0, wide onnx type, wide config type)
TYPED_MODELS = {
    "bool_not": ("BOOL", "TYPE_BOOL", "Not", "INT32", "TYPE_INT32"),
    "int8_identity": ("INT8", "TYPE_INT8", "Identity", "INT32", "TYPE_INT32"),
    "uint8_identity": ("UINT8", "TYPE_UINT8", "Identity", "FLOAT", "TYPE_FP32"),
    "fp16_identity": ("FLOAT16", "TYPE_FP16", "Identity", "FLOAT", "TYPE_FP32"),
}


def make_typed_model(repo_dir, name):
    """One small-dtype model: OUTPUT0 = op(INPUT0) in the same type, OUTPUT1 = Cast(INPUT0).

    Inputs are [-1] with max_batch_size 0; the cast output lets tests check
    the values the model really saw, in a type JSON can carry.
    """
    from onnx import TensorProto, helper

    onnx_type, cfg_type, op, wide_onnx, wide_cfg = TYPED_MODELS[name]
    t = getattr(TensorProto, onnx_type)
    wide = getattr(TensorProto, wide_onnx)
    model = _graph_model(
        name,
        [helper.make_node(op, ["INPUT0"], ["OUTPUT0"]),
         helper.make_node("Cast", ["INPUT0"], ["OUTPUT1"], to=wide)],
        [_vinfo("INPUT0", t, ["N"])],
        [_vinfo("OUTPUT0", t, ["N"]), _vinfo("OUTPUT1", wide, ["N"])])
    _save_onnx(model, repo_dir, name)
    _write_config(repo_dir, name, f"""
name: "{name}"
platform: "onnxruntime_onnx"
max_batch_size: 0
input [ {{ name: "INPUT0" data_type: {cfg_type} dims: [ -1 ] }} ]
output [
  {{ name: "OUTPUT0" data_type: {cfg_type} dims: [ -1 ] }},
  {{ name: "OUTPUT1" data_type: {wide_cfg} dims: [ -1 ] }}
]
""")


def make_typed_models(repo_dir):
    """BOOL, INT8, UINT8 and FP16 models (see make_typed_model)."""
    for name in TYPED_MODELS:
        make_typed_model(repo_dir, name)


# suffix -> (onnx type name, config type)
ADD_SUB_TYPES = {
    "fp32": ("FLOAT", "TYPE_FP32"),
    "fp64": ("DOUBLE", "TYPE_FP64"),
    "int32": ("INT32", "TYPE_INT32"),
    "int64": ("INT64", "TYPE_INT64"),
}


def _add_sub_onnx(suffix, name):
    """ONNX graph: OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1, [batch,16]."""
    from onnx import TensorProto, helper

    t = getattr(TensorProto, ADD_SUB_TYPES[suffix][0])
    return _graph_model(
        name,
        [helper.make_node("Add", ["INPUT0", "INPUT1"], ["OUTPUT0"]),
         helper.make_node("Sub", ["INPUT0", "INPUT1"], ["OUTPUT1"])],
        [_vinfo("INPUT0", t, ["batch", 16]), _vinfo("INPUT1", t, ["batch", 16])],
        [_vinfo("OUTPUT0", t, ["batch", 16]), _vinfo("OUTPUT1", t, ["batch", 16])])


def make_add_sub(repo_dir, suffix, name=None, extra_config=""):
    """add_sub_<suffix> (or `name`): sum and difference of two [16] tensors, max_batch_size 8;
    `extra_config` is appended to its config.pbtxt."""
    cfg_type = ADD_SUB_TYPES[suffix][1]
    name = name or f"add_sub_{suffix}"
    _save_onnx(_add_sub_onnx(suffix, name), repo_dir, name)
    _write_config(repo_dir, name, f"""
name: "{name}"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [
  {{ name: "INPUT0" data_type: {cfg_type} dims: [ 16 ] }},
  {{ name: "INPUT1" data_type: {cfg_type} dims: [ 16 ] }}
]
output [
  {{ name: "OUTPUT0" data_type: {cfg_type} dims: [ 16 ] }},
  {{ name: "OUTPUT1" data_type: {cfg_type} dims: [ 16 ] }}
]
""" + extra_config)


def make_add_subs(repo_dir):
    """add_sub_fp32, add_sub_fp64, add_sub_int32, add_sub_int64."""
    for suffix in ADD_SUB_TYPES:
        make_add_sub(repo_dir, suffix)


# --------------------------------------------------------------- broken models

def make_bad_config(repo_dir):
    """bad_config: a valid ONNX file, but config.pbtxt has a text-format syntax error."""
    _save_onnx(_add_sub_onnx("fp32", "bad_config"), repo_dir, "bad_config")
    _write_config(repo_dir, "bad_config", """
name: "bad_config"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] }
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 }
""")


def make_corrupt_onnx(repo_dir):
    """corrupt_onnx: a plausible config, but 1/model.onnx is random garbage."""
    rng = np.random.default_rng(SEED)
    path = os.path.join(_model_dir(repo_dir, "corrupt_onnx"), "model.onnx")
    with open(path, "wb") as f:
        f.write(b"this is not an onnx model\x00\xff" + rng.bytes(512))
    _write_config(repo_dir, "corrupt_onnx", """
name: "corrupt_onnx"
platform: "onnxruntime_onnx"
max_batch_size: 0
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
""")


def make_missing_file(repo_dir):
    """missing_file: config for onnxruntime and a version folder, but no model.onnx."""
    os.makedirs(os.path.join(repo_dir, "missing_file", "1"), exist_ok=True)
    stale = os.path.join(repo_dir, "missing_file", "1", "model.onnx")
    if os.path.exists(stale):
        os.remove(stale)
    _write_config(repo_dir, "missing_file", """
name: "missing_file"
backend: "onnxruntime"
max_batch_size: 0
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]
""")


TWICE_ENSEMBLE = """
name: "twice"
platform: "ensemble"
max_batch_size: 8
input [
  { name: "A" data_type: TYPE_FP32 dims: [ 16 ] },
  { name: "B" data_type: TYPE_FP32 dims: [ 16 ] }
]
output [ { name: "DOUBLE_A" data_type: TYPE_FP32 dims: [ 16 ] } ]
ensemble_scheduling {
  step [
    { model_name: "add_sub_fp32" model_version: -1
      input_map { key: "INPUT0" value: "A" } input_map { key: "INPUT1" value: "B" }
      output_map { key: "OUTPUT0" value: "SUM" } output_map { key: "OUTPUT1" value: "DIFFERENCE" } },
    { model_name: "add_sub_fp32" model_version: -1
      input_map { key: "INPUT0" value: "SUM" } input_map { key: "INPUT1" value: "DIFFERENCE" }
      output_map { key: "OUTPUT0" value: "DOUBLE_A" } }
  ]
}
"""


def make_twice(repo_dir):
    """twice: an ensemble running add_sub_fp32 twice, DOUBLE_A = (A + B) + (A - B). Needs add_sub_fp32."""
    _model_dir(repo_dir, "twice")
    _write_config(repo_dir, "twice", TWICE_ENSEMBLE)


# --------------------------------------------------------------------- registry

GOOD_MODELS = {
    "small_cnn": make_small_cnn,
    "string_identity": make_string_identity,
    "densenet_onnx": make_densenet_onnx,
    "labelled_classifier": make_labelled_classifier,
    **{name: functools.partial(make_typed_model, name=name) for name in TYPED_MODELS},
    **{f"add_sub_{s}": functools.partial(make_add_sub, suffix=s) for s in ADD_SUB_TYPES},
}

BROKEN_MODELS = {
    "bad_config": make_bad_config,
    "corrupt_onnx": make_corrupt_onnx,
    "missing_file": make_missing_file,
}

# Not in the test repository (make_all): models other tests count.
ENSEMBLE_MODELS = {"twice": make_twice}

ALL_MODELS = {**GOOD_MODELS, **BROKEN_MODELS, **ENSEMBLE_MODELS}


def make(repo_dir, names):
    """Generate the named models (good or broken) into repo_dir."""
    os.makedirs(repo_dir, exist_ok=True)
    for name in names:
        if name not in ALL_MODELS:
            raise KeyError(f"unknown model '{name}'; known: {', '.join(ALL_MODELS)}")
        ALL_MODELS[name](repo_dir)


def make_all(repo_dir):
    """Every good model (the test repository)."""
    make(repo_dir, GOOD_MODELS)


def make_broken_models(repo_dir):
    """The three models that must fail to load."""
    make(repo_dir, BROKEN_MODELS)


def is_generated(repo_dir, name):
    """True if `name` already has its model file (and config when it uses one)."""
    model_dir = os.path.join(repo_dir, name)
    if not os.path.isfile(os.path.join(model_dir, "1", "model.onnx")):
        return False
    needs_config = name != "densenet_onnx"
    return os.path.isfile(os.path.join(model_dir, "config.pbtxt")) == needs_config


def ensure(repo_dir, names):
    """Generate only those of `names` that are not already present; returns them."""
    missing = [n for n in names if not is_generated(repo_dir, n)]
    make(repo_dir, missing)
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", help="model repository directory to write into")
    parser.add_argument("--only", help="comma-separated model names")
    parser.add_argument("--broken", action="store_true",
                        help="also write the models that fail to load")
    args = parser.parse_args(argv)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
    else:
        names = list(GOOD_MODELS) + (list(BROKEN_MODELS) if args.broken else [])
    make(args.repo, names)
    for name in names:
        print(os.path.join(args.repo, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
