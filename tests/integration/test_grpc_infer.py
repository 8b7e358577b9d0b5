"""What is particular to ModelInfer over gRPC (the KServe v2 gRPC protocol): typed `contents`
against `raw_input_contents`, the layout of the response (one raw entry per
output, by position), messages beyond gRPC's 4 MiB default and the request
parameters official clients send. Inference results themselves are checked for
both protocols in the protocol-parametrised tests."""

import grpc
import numpy as np
import pytest

import kserve_grpc as kg


def _bytes_array(elements):
    array = np.empty(len(elements), dtype=np.object_)
    array[:] = elements
    return array


A = np.arange(-16, 16, dtype=np.int64).reshape(2, 16) * 1000003
TYPED_CASES = {
    "bool_not": {"INPUT0": np.array([True, False, True])},
    "int8_identity": {"INPUT0": np.array([-128, -1, 0, 1, 127], dtype=np.int8)},
    "uint8_identity": {"INPUT0": np.array([0, 1, 128, 255], dtype=np.uint8)},
    "add_sub_int32": {"INPUT0": A.astype(np.int32), "INPUT1": (A // 7).astype(np.int32)},
    "add_sub_int64": {"INPUT0": A << 20, "INPUT1": A},
    "add_sub_fp32": {"INPUT0": (A / 3).astype(np.float32), "INPUT1": np.ones((2, 16), np.float32)},
    "add_sub_fp64": {"INPUT0": A / 3, "INPUT1": np.full((2, 16), 1e-300)},
    "string_identity": {"INPUT0": _bytes_array([b"a", b"", b"nul\x00inside", b"\xff\xfe not utf-8"])},
}


@pytest.mark.parametrize("model", sorted(TYPED_CASES))
def test_typed_contents_same_response_as_raw(grpc_client, model):
    """int_contents/uint_contents are narrowed to the element size, bytes_contents holds
    one element per entry; the response is byte for byte the one raw input gives."""
    raw = grpc_client.infer(model, TYPED_CASES[model]).response
    typed = grpc_client.infer(model, TYPED_CASES[model], typed=True).response
    assert typed == raw


def test_response_layout(grpc_client, stubs):
    """One raw_output_contents entry per output at the same index, in the order asked;
    no typed contents and no per-output parameters."""
    a = np.arange(16, dtype=np.float32).reshape(1, 16)
    b = np.full((1, 16), 0.25, dtype=np.float32)
    result = grpc_client.infer("add_sub_fp32", {"INPUT0": a, "INPUT1": b}, outputs=["OUTPUT1", "OUTPUT0"],
                               request_id="layout")
    response = result.response
    assert (response.model_name, response.model_version, response.id) == ("add_sub_fp32", "1", "layout")
    assert [o.name for o in response.outputs] == ["OUTPUT1", "OUTPUT0"]
    assert response.raw_output_contents[0] == (a - b).tobytes()
    assert response.raw_output_contents[1] == (a + b).tobytes()
    for output in response.outputs:
        assert (output.datatype, list(output.shape)) == ("FP32", [1, 16])
        assert not output.HasField("contents")
        assert len(output.parameters) == 0
    assert len(response.parameters) == 0


def test_raw_encodings(grpc_client):
    """BOOL is one byte per element, BYTES a uint32 little-endian length before each element."""
    result = grpc_client.infer("bool_not", {"INPUT0": np.array([True, False, True])})
    assert result.raw("OUTPUT0") == b"\x00\x01\x00"
    result = grpc_client.infer("string_identity", {"INPUT0": _bytes_array([b"ab", b""])})
    assert result.raw("OUTPUT0") == b"\x02\x00\x00\x00ab\x00\x00\x00\x00"


@pytest.mark.parametrize("model,datatype", [("string_identity", "BYTES"), ("bool_not", "BOOL")])
def test_zero_element_tensor_has_an_empty_raw_entry(grpc_client, model, datatype):
    empty = _bytes_array([]) if datatype == "BYTES" else np.zeros(0, dtype=bool)
    result = grpc_client.infer(model, {"INPUT0": empty})
    assert len(result.response.raw_output_contents) == len(result.response.outputs)
    assert result.shape("OUTPUT0") == [0]
    assert result.raw("OUTPUT0") == b""


def test_messages_beyond_four_mebibytes(grpc_client):
    """The server lifts gRPC's 4 MiB default both ways, as the official clients do."""
    element = bytes(range(256)) * (24 * 4096)  # 24 MiB
    result = grpc_client.infer("string_identity", {"INPUT0": _bytes_array([element])})
    assert result.as_numpy("OUTPUT0")[0] == element


@pytest.mark.parametrize("compression", [grpc.Compression.Gzip, grpc.Compression.Deflate])
def test_compressed_request(grpc_client, compression):
    """Standard gRPC message compression chosen by the client is accepted."""
    a = np.linspace(0, 1, 16 * 8, dtype=np.float32).reshape(8, 16)
    request = grpc_client.request("add_sub_fp32", {"INPUT0": a, "INPUT1": a})
    response = grpc_client.stub.ModelInfer(request, timeout=30, compression=compression)
    np.testing.assert_array_equal(kg.InferResult(response).as_numpy("OUTPUT0"), a + a)


def test_parameters_as_official_clients_send_them(grpc_client, stubs):
    """tritonclient.grpc: priority as uint64, timeout as int64, sequence flags as bool;
    the C++ client adds triton_enable_empty_final_response to every request."""
    a = np.ones((1, 16), dtype=np.float32)
    request = grpc_client.request("add_sub_fp32", {"INPUT0": a, "INPUT1": a})
    request.parameters["priority"].uint64_param = 1
    request.parameters["timeout"].int64_param = 5_000_000
    request.parameters["triton_enable_empty_final_response"].bool_param = True
    request.parameters["my_custom"].string_param = "value"
    result = kg.InferResult(grpc_client.stub.ModelInfer(request, timeout=30))
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + a)
