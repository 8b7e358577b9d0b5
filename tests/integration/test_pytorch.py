"""The pytorch backend (TorchScript on libtorch): models traced or scripted here with
torch, results compared with torch's own output over HTTP and gRPC; the quick-deploy
case with classification; an ensemble mixing TorchScript and ONNX steps; bad models
and bad requests; the freeze-and-optimise option."""

import os
import re

import numpy as np
import pytest

import generate
from client_api import InferError
from python_models import serving
from test_ensembles import ensemble, step

torch = pytest.importorskip("torch")


def _write(repo, name, module, config, file_name="model.pt"):
    os.makedirs(os.path.join(repo, name, "1"), exist_ok=True)
    if module is not None:
        module.save(os.path.join(repo, name, "1", file_name))
    with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
        f.write(config)


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.fc = torch.nn.Linear(4 * 8 * 8, 10)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).flatten(1))


class TwoInTwoOut(torch.nn.Module):
    def forward(self, a, b):
        return a + b, a * b


class BoolInt(torch.nn.Module):
    def forward(self, flags, counts):
        return torch.logical_not(flags), counts * 2 + 1


class TinyResNetShape(torch.nn.Module):
    """Input [3, 224, 224], output [1000], like ResNet-50, but small."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 7, stride=8)
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(8, 1000)

    def forward(self, x):
        return self.fc(self.pool(torch.relu(self.conv(x))).flatten(1))


class Checked(torch.nn.Module):
    def forward(self, x):
        if bool((x < 0).any()):
            raise ValueError("x must not be negative")
        return x * 2


class Identity(torch.nn.Module):
    def forward(self, x):
        return x


IDENTITY_TYPES = {"FP16": np.float16, "FP64": np.float64, "INT8": np.int8, "INT16": np.int16,
                  "INT32": np.int32, "UINT8": np.uint8}


def _traced(module, *examples):
    torch.manual_seed(0)
    return torch.jit.trace(module.eval(), examples)


CNN_CONFIG = '''platform: "pytorch_libtorch"
max_batch_size: 4
input [ { name: "INPUT__0" data_type: TYPE_FP32 dims: [ 3, 8, 8 ] } ]
output [ { name: "OUTPUT__0" data_type: TYPE_FP32 dims: [ 10 ] } ]
'''

RESNET_CONFIG = '''name: "resnet50"
platform: "pytorch_libtorch"
max_batch_size: 0
input [ { name: "input__0" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] reshape { shape: [ 1, 3, 224, 224 ] } } ]
output [ { name: "output__0" data_type: TYPE_FP32 dims: [ 1, 1000, 1, 1 ] reshape { shape: [ 1, 1000 ] } } ]
'''


def _cnn():
    torch.manual_seed(0)
    return _traced(SmallCnn(), torch.zeros(1, 3, 8, 8))


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = str(tmp_path_factory.mktemp("pytorch"))
    torch.manual_seed(0)
    _write(repo, "small_cnn", _cnn(), CNN_CONFIG + 'instance_group [ { count: 2 kind: KIND_CPU } ]\n')
    _write(repo, "small_cnn_frozen", _cnn(),
           CNN_CONFIG + 'parameters { key: "ENABLE_FREEZE_AND_OPTIMIZE" value: { string_value: "true" } }\n')
    _write(repo, "two_io", torch.jit.script(TwoInTwoOut()), '''backend: "pytorch"
input [ { name: "a" data_type: TYPE_FP32 dims: [ -1 ] }, { name: "b" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "SUM__0" data_type: TYPE_FP32 dims: [ -1 ] }, { name: "PRODUCT__1" data_type: TYPE_FP32 dims: [ -1 ] } ]
parameters { key: "INFERENCE_MODE" value: { string_value: "false" } }
parameters { key: "DISABLE_OPTIMIZED_EXECUTION" value: { string_value: "true" } }
''')
    _write(repo, "bool_int", torch.jit.script(BoolInt()), '''backend: "pytorch"
max_batch_size: 8
input [ { name: "INPUT__0" data_type: TYPE_BOOL dims: [ 4 ] }, { name: "INPUT__1" data_type: TYPE_INT64 dims: [ 4 ] } ]
output [ { name: "OUTPUT__0" data_type: TYPE_BOOL dims: [ 4 ] }, { name: "OUTPUT__1" data_type: TYPE_INT64 dims: [ 4 ] } ]
''')
    torch.manual_seed(0)
    _write(repo, "resnet50", _traced(TinyResNetShape(), torch.zeros(1, 3, 224, 224)), RESNET_CONFIG)
    _write(repo, "checked", torch.jit.script(Checked()), '''backend: "pytorch"
input [ { name: "INPUT__0" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUTPUT__0" data_type: TYPE_FP32 dims: [ -1 ] } ]
''')
    # forward returns its input: the output aliases the request's bytes.
    for kserve_type in IDENTITY_TYPES:
        _write(repo, f"identity_{kserve_type.lower()}", torch.jit.script(Identity()), f'''backend: "pytorch"
max_batch_size: 4
input [ {{ name: "INPUT__0" data_type: TYPE_{kserve_type} dims: [ -1 ] }} ]
output [ {{ name: "OUTPUT__0" data_type: TYPE_{kserve_type} dims: [ -1 ] }} ]
''')
    # Ensemble: ONNX add_sub_fp32, then the TorchScript small model on the sum.
    generate.make(repo, ["add_sub_fp32"])
    _write(repo, "scale_ts", torch.jit.script(Checked()), '''backend: "pytorch"
max_batch_size: 8
input [ { name: "INPUT__0" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "OUTPUT__0" data_type: TYPE_FP32 dims: [ 16 ] } ]
''')
    ensemble(repo, "onnx_then_torch", '''
max_batch_size: 8
input [ { name: "A" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "B" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "SUM_DOUBLED" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "DIFF" data_type: TYPE_FP32 dims: [ 16 ] } ]''',
             "\n".join([step("add_sub_fp32", {"INPUT0": "A", "INPUT1": "B"}, {"OUTPUT0": "SUM", "OUTPUT1": "DIFF"}),
                        step("scale_ts", {"INPUT__0": "SUM"}, {"OUTPUT__0": "SUM_DOUBLED"})]))
    return repo


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def test_forward_threads_cover_the_largest_instance_count(srv):
    # Two instances of small_cnn run two forwards at once, beyond what fits on
    # the cores (cores / 2 intra-op threads) on a small machine.
    expected = max(2, len(os.sched_getaffinity(0)) // 2)
    counts = [int(n) for n in re.findall(r"pytorch backend: forwards run on (\d+) thread", srv.log())]
    assert counts and counts[-1] == expected, srv.log()


def test_small_cnn_matches_torch(srv, make_client):
    x = np.random.default_rng(1).standard_normal((3, 3, 8, 8)).astype(np.float32)
    expected = _cnn()(torch.from_numpy(x)).detach().numpy()
    result = make_client(srv).infer("small_cnn", {"INPUT__0": x})
    assert result.datatype("OUTPUT__0") == "FP32"
    assert result.shape("OUTPUT__0") == [3, 10]
    np.testing.assert_allclose(result.as_numpy("OUTPUT__0"), expected, rtol=1e-5, atol=1e-5)


def test_freeze_option_keeps_outputs(srv, make_client):
    x = np.random.default_rng(2).standard_normal((2, 3, 8, 8)).astype(np.float32)
    client = make_client(srv)
    plain = client.infer("small_cnn", {"INPUT__0": x}).as_numpy("OUTPUT__0")
    frozen = client.infer("small_cnn_frozen", {"INPUT__0": x}).as_numpy("OUTPUT__0")
    np.testing.assert_allclose(frozen, plain, rtol=1e-5, atol=1e-5)


def test_two_inputs_tuple_output_by_argument_names(srv, make_client):
    a = np.array([1, 2, 3], dtype=np.float32)
    b = np.array([4, 5, 6], dtype=np.float32)
    result = make_client(srv).infer("two_io", {"a": a, "b": b})
    np.testing.assert_array_equal(result.as_numpy("SUM__0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("PRODUCT__1"), a * b)
    only = make_client(srv).infer("two_io", {"a": a, "b": b}, outputs=["PRODUCT__1"])
    assert only.output_names == ["PRODUCT__1"]


def test_bool_and_int64(srv, make_client):
    flags = np.array([[True, False, True, False], [False, False, True, True]])
    counts = np.array([[1, -2, 3, 1 << 40], [0, 5, 6, 7]], dtype=np.int64)
    result = make_client(srv).infer("bool_int", {"INPUT__0": flags, "INPUT__1": counts})
    assert result.datatype("OUTPUT__0") == "BOOL"
    assert result.datatype("OUTPUT__1") == "INT64"
    np.testing.assert_array_equal(result.as_numpy("OUTPUT__0"), ~flags)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT__1"), counts * 2 + 1)


@pytest.mark.parametrize("kserve_type", sorted(IDENTITY_TYPES))
def test_identity_datatypes(srv, make_client, kserve_type):
    x = (np.arange(10) - 3).reshape(2, 5).astype(IDENTITY_TYPES[kserve_type])
    result = make_client(srv).infer(f"identity_{kserve_type.lower()}", {"INPUT__0": x})
    assert result.datatype("OUTPUT__0") == kserve_type
    np.testing.assert_array_equal(result.as_numpy("OUTPUT__0"), x)


def test_resnet_shaped_top5(srv, make_client):
    torch.manual_seed(0)
    model = _traced(TinyResNetShape(), torch.zeros(1, 3, 224, 224))
    x = np.random.default_rng(3).random((3, 224, 224)).astype(np.float32)
    raw = model(torch.from_numpy(x)[None]).detach().numpy().reshape(-1)
    result = make_client(srv).infer("resnet50", {"input__0": x}, outputs=["output__0"], classification=5)
    assert result.datatype("output__0") == "BYTES"
    entries = [e.decode().split(":") for e in result.as_numpy("output__0").reshape(-1)]
    assert [int(e[1]) for e in entries] == np.argsort(-raw, kind="stable")[:5].tolist()
    for score, index in entries:
        assert float(score) == pytest.approx(float(raw[int(index)]), abs=1e-4)


def test_ensemble_onnx_then_torchscript(srv, make_client):
    a = np.arange(32, dtype=np.float32).reshape(2, 16)
    b = np.ones((2, 16), dtype=np.float32)
    result = make_client(srv).infer("onnx_then_torch", {"A": a, "B": b})
    np.testing.assert_array_equal(result.as_numpy("SUM_DOUBLED"), 2 * (a + b))
    np.testing.assert_array_equal(result.as_numpy("DIFF"), a - b)


def test_exception_in_forward(srv, make_client):
    client = make_client(srv)
    with pytest.raises(InferError) as caught:
        client.infer("checked", {"INPUT__0": np.array([-1], dtype=np.float32)})
    assert "x must not be negative" in caught.value.message
    result = client.infer("checked", {"INPUT__0": np.array([1, 2], dtype=np.float32)})
    np.testing.assert_array_equal(result.as_numpy("OUTPUT__0"), [2, 4])


def test_wrong_dtype_and_shape_rejected(srv, make_client):
    client = make_client(srv)
    with pytest.raises(InferError):
        client.infer("small_cnn", {"INPUT__0": np.zeros((1, 3, 8, 8), dtype=np.float64)})
    with pytest.raises(InferError):
        client.infer("small_cnn", {"INPUT__0": np.zeros((1, 3, 8, 9), dtype=np.float32)})
    result = client.infer("small_cnn", {"INPUT__0": np.zeros((1, 3, 8, 8), dtype=np.float32)})
    assert result.shape("OUTPUT__0") == [1, 10]


# --------------------------------------------------------------- broken models

def _broken_repo(tmp_path):
    repo = str(tmp_path / "broken")
    os.makedirs(os.path.join(repo, "corrupt", "1"))
    with open(os.path.join(repo, "corrupt", "1", "model.pt"), "wb") as f:
        f.write(b"this is not a TorchScript archive")
    with open(os.path.join(repo, "corrupt", "config.pbtxt"), "w") as f:
        f.write(CNN_CONFIG)
    _write(repo, "misnamed", torch.jit.script(TwoInTwoOut()), '''backend: "pytorch"
input [ { name: "a" data_type: TYPE_FP32 dims: [ -1 ] }, { name: "c" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUTPUT__0" data_type: TYPE_FP32 dims: [ -1 ] } ]
''')
    _write(repo, "no_io", torch.jit.script(Checked()), 'backend: "pytorch"\n')
    _write(repo, "gpu", torch.jit.script(Checked()), '''backend: "pytorch"
input [ { name: "INPUT__0" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUTPUT__0" data_type: TYPE_FP32 dims: [ -1 ] } ]
instance_group [ { kind: KIND_GPU } ]
''')
    _write(repo, "fine", torch.jit.script(Checked()), '''backend: "pytorch"
input [ { name: "INPUT__0" data_type: TYPE_FP32 dims: [ -1 ] } ]
output [ { name: "OUTPUT__0" data_type: TYPE_FP32 dims: [ -1 ] } ]
''')
    return repo


def test_broken_models_reasons(start_server, tmp_path, http):
    srv = start_server([_broken_repo(tmp_path)], ["--exit-on-error=false"], wait="live")
    serving.wait_for_log(srv, "fine", timeout=60)
    r = http.post(srv.url + "/v2/repository/index")
    assert r.status_code == 200
    entries = {e["name"]: e for e in r.json()}
    reasons = {name: entries[name].get("reason", "") for name in ("corrupt", "misnamed", "no_io", "gpu")}
    assert "cannot load TorchScript file" in reasons["corrupt"], reasons
    assert "'c'" in reasons["misnamed"] and "a, b" in reasons["misnamed"], reasons
    assert "INPUT__0" in reasons["no_io"], reasons
    assert "KIND_GPU" in reasons["gpu"], reasons
    assert entries["fine"]["state"] == "READY"
    resp = http.post(srv.url + "/v2/models/fine/infer", json={
        "inputs": [{"name": "INPUT__0", "datatype": "FP32", "shape": [2], "data": [1, 2]}]})
    assert resp.status_code == 200, resp.text
    assert resp.json()["outputs"][0]["data"] == [2, 4]


# --------------------------------------------------------------- the example

def test_quick_deploy_pytorch_example(tmp_path, start_server):
    import re
    import subprocess
    import sys
    example = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "quick_deploy_pytorch")
    repo = str(tmp_path / "model_repository")
    subprocess.run([sys.executable, os.path.join(example, "make_model.py"), repo], check=True, timeout=120)
    server = start_server([repo])
    result = subprocess.run([sys.executable, os.path.join(example, "client.py"),
                             f"--url=127.0.0.1:{server.http_port}"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    top5 = re.findall(r"'(-?\d+\.\d{6}):(\d+)'", result.stdout)
    assert len(top5) == 5, result.stdout
    scores = [float(score) for score, _ in top5]
    assert scores == sorted(scores, reverse=True)
