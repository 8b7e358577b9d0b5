"""Business logic scripting: Python models calling other models from execute with
pb_utils.InferenceRequest (python_models/bls_caller, bls_async). Calls reach ONNX and Python
models, blocking (exec), awaited (async_exec) and decoupled (exec(decoupled=True)); a call
to an unknown model comes back as a response with an error, not an exception."""

import concurrent.futures

import numpy as np
import pytest

import generate
import python_models as pm
from python_models import serving


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = pm.make_repository(tmp_path_factory.mktemp("python_bls"),
                              ["bls_caller", "bls_async", "add_sub_python", "repeat_decoupled", "pipeline_identity"])
    generate.make(repo, ["add_sub_fp32"])
    return repo


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def operands(batch, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((batch, 16)).astype(np.float32),
            rng.standard_normal((batch, 16)).astype(np.float32))


def call(client, mode, batch=2, seed=0):
    a, b = operands(batch, seed)
    inputs = {"MODE": np.array([mode.encode()], dtype=np.object_), "INPUT0": a, "INPUT1": b}
    return client.infer("bls_caller", inputs), a, b


@pytest.mark.parametrize("mode", ["onnx", "python"])
def test_exec_into_another_model(srv, make_client, mode):
    client = make_client(srv)
    for batch in (1, 5):
        result, a, b = call(client, mode, batch, seed=batch)
        assert result.as_numpy("MESSAGE").tolist() == [b"ok"]
        np.testing.assert_allclose(result.as_numpy("OUTPUT0"), a + b, rtol=1e-6)
        np.testing.assert_allclose(result.as_numpy("OUTPUT1"), a - b, rtol=1e-6)


def test_exec_decoupled_iterates_the_responses(srv, make_client):
    result, _, _ = call(make_client(srv), "decoupled")
    assert result.as_numpy("MESSAGE").tolist() == [b"0", b"1", b"2"]


def test_large_tensors_both_ways(srv, make_client):
    result, _, _ = call(make_client(srv), "large")
    assert [m.decode() for m in result.as_numpy("MESSAGE").tolist()] == [
        "string equal", "UINT8_array equal", "INT8_array equal", "FP32_image equal", "bool equal"]


def test_unknown_model_is_an_error_response(srv, make_client):
    result, _, _ = call(make_client(srv), "unknown")
    message, code = result.as_numpy("MESSAGE").tolist()
    assert message.decode() == "Request for unknown model: 'no_such_model' is not found"
    assert code == b"NOT_FOUND"


def test_model_control_from_a_model(srv, make_client):
    result, _, _ = call(make_client(srv), "control")
    ready, missing, load = [m.decode() for m in result.as_numpy("MESSAGE").tolist()]
    assert (ready, missing) == ("True", "False")
    assert load == "explicit model load / unload is not allowed if polling is enabled"


def test_async_execute_awaits_two_calls(srv, make_client):
    client = make_client(srv)
    a, b = operands(3, seed=7)
    result = client.infer("bls_async", {"INPUT0": a, "INPUT1": b})
    np.testing.assert_allclose(result.as_numpy("OUTPUT0"), a + b, rtol=1e-6)
    np.testing.assert_allclose(result.as_numpy("OUTPUT1"), a - b, rtol=1e-6)


def test_calls_from_concurrent_requests(srv, make_client):
    def run(seed):
        client = make_client(srv)
        mode = ["onnx", "python", "decoupled"][seed % 3]
        result, a, b = call(client, mode, 2, seed)
        if mode == "decoupled":
            assert result.as_numpy("MESSAGE").tolist() == [b"0", b"1", b"2"]
        else:
            np.testing.assert_allclose(result.as_numpy("OUTPUT0"), a + b, rtol=1e-6)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(run, seed) for seed in range(12)]:
            future.result(timeout=60)
