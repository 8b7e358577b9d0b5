"""ModelStreamInfer with non-decoupled models (the KServe v2 gRPC protocol): one response per
request, in request order, each marked final; a bad request yields an error
response and the stream goes on; concurrent streams keep their own order."""

import threading

import grpc
import numpy as np
import pytest

import generate
import kserve_grpc as kg


def _bytes_array(elements):
    array = np.empty(len(elements), dtype=np.object_)
    array[:] = elements
    return array


def make_case(client, i):
    """Request number i of a stream that mixes models (slow densenet next to fast
    add_sub), and a check of its response."""
    rng = np.random.default_rng(i)
    kind = i % 4
    if kind == 0:
        x = rng.standard_normal((1 + i % 2, 3, 224, 224)).astype(np.float32)
        expected = generate.reference_output("densenet_onnx", {"data_0": x})["fc6_1"]
        request = client.request("densenet_onnx", {"data_0": x}, request_id=f"r{i}")
        check = lambda r: np.testing.assert_allclose(r.as_numpy("fc6_1"), expected, rtol=1e-4, atol=1e-3)
    elif kind == 1:
        a = rng.integers(-1000, 1000, (1 + i % 8, 16)).astype(np.int32)
        request = client.request("add_sub_int32", {"INPUT0": a, "INPUT1": a // 2}, request_id=f"r{i}")
        check = lambda r: np.testing.assert_array_equal(r.as_numpy("OUTPUT1"), a - a // 2)
    elif kind == 2:
        texts = _bytes_array([f"stream {i}".encode(), b"", b"\x00\xff"])
        request = client.request("string_identity", {"INPUT0": texts}, request_id=f"r{i}", typed=i % 8 == 2)
        check = lambda r: np.testing.assert_array_equal(r.as_numpy("OUTPUT0"), texts)
    else:
        x = rng.standard_normal((1, 3, 16, 16)).astype(np.float32)
        expected = generate.reference_output("small_cnn", {"input": x})["logits"]
        request = client.request("small_cnn", {"input": x}, request_id=f"r{i}")
        check = lambda r: np.testing.assert_allclose(r.as_numpy("logits"), expected, atol=1e-4, rtol=0)
    return request, check


def assert_final(response):
    final = response.infer_response.parameters["triton_final_response"]
    assert final.WhichOneof("parameter_choice") == "bool_param" and final.bool_param is True


def test_one_stream_many_models_in_order(grpc_client):
    cases = [make_case(grpc_client, i) for i in range(24)]
    responses = list(grpc_client.stub.ModelStreamInfer(iter([r for r, _ in cases]), timeout=120))
    assert [r.infer_response.id for r in responses] == [f"r{i}" for i in range(24)]
    for response, (request, check) in zip(responses, cases):
        assert response.error_message == ""
        assert response.infer_response.model_name == request.model_name
        assert response.infer_response.model_version == "1"
        assert_final(response)
        check(kg.InferResult(response.infer_response))


def _bad_requests(client):
    """(request, expected error_message) pairs for requests that must fail."""
    unknown = client.request("no_such_model", {"INPUT0": np.zeros((1, 16), np.float32)}, request_id="bad-model")
    a = np.zeros((1, 8), dtype=np.float32)
    wrong_shape = client.request("add_sub_fp32", {"INPUT0": a, "INPUT1": a}, request_id="bad-shape")
    return [(unknown, "Request for unknown model: 'no_such_model' is not found"),
            (wrong_shape, "unexpected shape for input 'INPUT0' for model 'add_sub_fp32'. Expected [-1,16], "
                          "got [1,8]")]


def test_bad_request_in_the_middle_does_not_end_the_stream(grpc_client):
    good = [make_case(grpc_client, i) for i in range(6)]
    bad = _bad_requests(grpc_client)
    requests = [good[0][0], good[1][0], bad[0][0], good[2][0], bad[1][0], good[3][0], good[4][0], good[5][0]]
    responses = list(grpc_client.stub.ModelStreamInfer(iter(requests), timeout=120))
    assert [r.infer_response.id for r in responses] == [r.id for r in requests]
    by_id = {r.infer_response.id: r for r in responses}
    for request, message in bad:
        response = by_id[request.id]
        assert response.error_message == message
        assert len(response.infer_response.outputs) == 0
        assert len(response.infer_response.raw_output_contents) == 0
    for request, check in good:
        response = by_id[request.id]
        assert response.error_message == ""
        assert_final(response)
        check(kg.InferResult(response.infer_response))


def test_grpc_error_mode_ends_the_stream_with_a_status(grpc_client):
    """With `triton_grpc_error: true` metadata the first error ends the stream with its status."""
    good = make_case(grpc_client, 1)[0]
    bad, message = _bad_requests(grpc_client)[0]
    stream = grpc_client.stub.ModelStreamInfer(iter([good, bad, good]), timeout=60,
                                               metadata=(("triton_grpc_error", "true"),))
    first = next(stream)
    assert first.error_message == "" and first.infer_response.id == good.id
    with pytest.raises(grpc.RpcError) as caught:
        next(stream)
    assert (caught.value.code(), caught.value.details()) == (grpc.StatusCode.NOT_FOUND, message)


def test_empty_stream(grpc_client):
    assert list(grpc_client.stub.ModelStreamInfer(iter([]), timeout=30)) == []


def test_concurrent_streams_keep_their_order(server, make_grpc_client):
    streams, per_stream = 8, 16
    failures = []

    def run(t):
        try:
            client = make_grpc_client(server)
            cases = [make_case(client, t * per_stream + i) for i in range(per_stream)]
            responses = list(client.stub.ModelStreamInfer(iter([r for r, _ in cases]), timeout=300))
            ids = [r.infer_response.id for r in responses]
            if ids != [r.id for r, _ in cases]:
                failures.append(f"stream {t}: ids {ids}")
                return
            for response, (_, check) in zip(responses, cases):
                assert response.error_message == "", response.error_message
                check(kg.InferResult(response.infer_response))
        except Exception as e:  # noqa: BLE001 - reported below with context
            failures.append(f"stream {t}: {e!r}")

    threads = [threading.Thread(target=run, args=(t,)) for t in range(streams)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not any(th.is_alive() for th in threads)
    assert failures == []
