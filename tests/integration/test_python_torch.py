"""A Python model that uses torch (python_models/torch_ops): the results equal what torch
computes in the test process."""

import numpy as np
import pytest

import python_models as pm
from python_models import serving

torch = pytest.importorskip("torch")
F = torch.nn.functional


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_torch"), ["torch_ops"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


@pytest.mark.parametrize("shape", [(1, 5), (4, 33)])
def test_torch_ops_match_torch(srv, make_client, shape):
    x = np.random.default_rng(shape[1]).standard_normal(shape).astype(np.float32) * 3
    result = make_client(srv).infer("torch_ops", {"X": x}, timeout=120)
    t = torch.from_numpy(x)
    expected = {"SOFTMAX": F.softmax(t, dim=-1), "GELU": F.gelu(t), "LAYER_NORM": F.layer_norm(t, t.shape[-1:])}
    for name, value in expected.items():
        assert result.datatype(name) == "FP32"
        np.testing.assert_allclose(result.as_numpy(name), value.numpy(), rtol=1e-6, atol=1e-7, err_msg=name)
