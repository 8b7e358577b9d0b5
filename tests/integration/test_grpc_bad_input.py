"""Bad ModelInfer requests get the right status code and a clear message, and the
server keeps serving.

Request checks done by the core carry the same text as over HTTP
(test_bad_input.py); the rest concern gRPC's own fields: raw_input_contents,
typed `contents` and typed parameters (the KServe v2 gRPC protocol).
"""

import struct

import grpc
import numpy as np
import pytest

import kserve_grpc as kg
from kserve_grpc import rpc_error

INVALID = grpc.StatusCode.INVALID_ARGUMENT
INPUT = np.arange(16, dtype=np.float32).reshape(1, 16)


def good_request(client, **kwargs):
    """add_sub_fp32 with INPUT0 = INPUT1 = INPUT, raw contents."""
    return client.request("add_sub_fp32", {"INPUT0": INPUT, "INPUT1": INPUT}, **kwargs)


def assert_still_serving(client):
    result = kg.InferResult(client.stub.ModelInfer(good_request(client), timeout=30))
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), INPUT * 2)


def assert_refused(client, request, code, message):
    error = rpc_error(client.stub.ModelInfer, request, timeout=30)
    assert (error.code(), error.details()) == (code, message)
    assert_still_serving(client)


# --------------------------------------------------- checks shared with HTTP

def test_unknown_model(grpc_client):
    request = good_request(grpc_client)
    request.model_name = "no_such_model"
    assert_refused(grpc_client, request, grpc.StatusCode.NOT_FOUND,
                   "Request for unknown model: 'no_such_model' is not found")


def test_unknown_version(grpc_client):
    assert_refused(grpc_client, good_request(grpc_client, version=7), grpc.StatusCode.NOT_FOUND,
                   "Request for unknown model: 'add_sub_fp32' version 7 is not found")


def test_version_not_a_number(grpc_client):
    assert_refused(grpc_client, good_request(grpc_client, version="x1"), INVALID,
                   "failed to parse model version 'x1': a version is a non-negative decimal number")


def test_wrong_datatype(grpc_client):
    request = grpc_client.request("add_sub_fp32", {"INPUT0": INPUT.astype(np.int32), "INPUT1": INPUT})
    assert_refused(grpc_client, request, INVALID,
                   "inference input 'INPUT0' data-type is 'INT32', but model 'add_sub_fp32' expects 'FP32'")


def test_unknown_datatype(grpc_client):
    request = good_request(grpc_client)
    request.inputs[0].datatype = "FLOAT"
    assert_refused(grpc_client, request, INVALID, "input 'INPUT0' has unknown datatype 'FLOAT'")


@pytest.mark.parametrize("shape", [[1, 8], [2, 8]])
def test_shape_not_matching_config(grpc_client, shape):
    data = np.zeros(shape, dtype=np.float32)
    request = grpc_client.request("add_sub_fp32", {"INPUT0": data, "INPUT1": data})
    assert_refused(grpc_client, request, INVALID,
                   f"unexpected shape for input 'INPUT0' for model 'add_sub_fp32'. Expected [-1,16], "
                   f"got [{shape[0]},{shape[1]}]")


def test_negative_dimension(grpc_client):
    request = good_request(grpc_client)
    request.inputs[0].shape[1] = -16
    assert_refused(grpc_client, request, INVALID, "'shape' of input 'INPUT0' must hold non-negative integers")


def test_missing_input(grpc_client):
    request = grpc_client.request("add_sub_fp32", {"INPUT0": INPUT})
    assert_refused(grpc_client, request, INVALID,
                   "expected 2 inputs but got 1 inputs for model 'add_sub_fp32'. Got input(s) ['INPUT0'], but "
                   "missing required input(s) ['INPUT1']. Please provide all required input(s).")


def test_extra_input(grpc_client):
    request = grpc_client.request("add_sub_fp32", {"INPUT0": INPUT, "INPUT1": INPUT, "INPUT2": INPUT})
    assert_refused(grpc_client, request, INVALID, "unexpected inference input 'INPUT2' for model 'add_sub_fp32'")


def test_unknown_output(grpc_client):
    assert_refused(grpc_client, good_request(grpc_client, outputs=["OUTPUT9"]), INVALID,
                   "unexpected inference output 'OUTPUT9' for model 'add_sub_fp32'")


def test_batch_larger_than_max_batch_size(grpc_client):
    data = np.zeros((9, 16), dtype=np.float32)
    request = grpc_client.request("add_sub_fp32", {"INPUT0": data, "INPUT1": data})
    assert_refused(grpc_client, request, INVALID,
                   "inference request batch-size must be <= 8 for 'add_sub_fp32', got 9")


def test_raw_size_not_matching_shape(grpc_client):
    request = good_request(grpc_client)
    request.raw_input_contents[0] = INPUT.tobytes()[:32]
    assert_refused(grpc_client, request, INVALID,
                   "input byte size mismatch for input 'INPUT0' for model 'add_sub_fp32'. Expected 64, got 32")


def test_bytes_element_length_past_the_buffer(grpc_client):
    request = grpc_client.request("string_identity", {"INPUT0": np.array([b"x"], dtype=np.object_)})
    request.raw_input_contents[0] = struct.pack("<I", 1000) + b"abc"
    assert_refused(grpc_client, request, INVALID,
                   "BYTES element 0 of tensor 'INPUT0' declares 1000 bytes but only 3 remain")


def test_bytes_tensor_ending_inside_a_length_prefix(grpc_client):
    request = grpc_client.request("string_identity", {"INPUT0": np.array([b"x"], dtype=np.object_)})
    request.raw_input_contents[0] = b"\x01\x00"
    assert_refused(grpc_client, request, INVALID,
                   "BYTES tensor 'INPUT0' ends in the middle of an element length prefix")


def test_classification_of_bytes_output(grpc_client):
    request = grpc_client.request("string_identity", {"INPUT0": np.array([b"x"], dtype=np.object_)},
                                  outputs=["OUTPUT0"], classification=1)
    assert_refused(grpc_client, request, INVALID,
                   "class result not available for output 'OUTPUT0' due to unsupported type 'BYTES'")


# ------------------------------------------------------ gRPC's own fields

def test_raw_and_typed_contents_together(grpc_client):
    request = good_request(grpc_client)
    request.inputs[0].contents.fp32_contents.extend(INPUT.ravel().tolist())
    assert_refused(grpc_client, request, INVALID,
                   "contents field must not be specified when using raw_input_contents for input 'INPUT0'")


def test_fewer_raw_entries_than_inputs(grpc_client):
    request = good_request(grpc_client)
    del request.raw_input_contents[1]
    assert_refused(grpc_client, request, INVALID,
                   "unable to find data for input tensor 'INPUT1': the request has no raw_input_contents entry "
                   "left for it")


def test_more_raw_entries_than_inputs(grpc_client):
    request = good_request(grpc_client)
    request.raw_input_contents.append(INPUT.tobytes())
    assert_refused(grpc_client, request, INVALID,
                   "the request has 3 raw_input_contents entries but only 2 inputs take their data from them")


def test_contents_field_not_matching_datatype(grpc_client):
    request = good_request(grpc_client, typed=True)
    request.inputs[0].contents.Clear()
    request.inputs[0].contents.int_contents.extend(range(16))
    assert_refused(grpc_client, request, INVALID,
                   "input 'INPUT0' has datatype FP32, whose typed data belongs in 'fp32_contents'; other "
                   "contents fields are set")


def test_typed_element_count_not_matching_shape(grpc_client):
    request = good_request(grpc_client, typed=True)
    del request.inputs[0].contents.fp32_contents[15]
    assert_refused(grpc_client, request, INVALID,
                   "unexpected number of elements in 'fp32_contents' of input 'INPUT0': shape [1,16] needs 16, "
                   "got 15")


def test_fp16_has_no_typed_contents(grpc_client):
    request = grpc_client.request("fp16_identity", {"INPUT0": np.ones(2, dtype=np.float16)})
    del request.raw_input_contents[0]
    request.inputs[0].contents.fp32_contents.extend([1.0, 1.0])
    assert_refused(grpc_client, request, INVALID,
                   "input 'INPUT0' has datatype FP16, which has no typed contents field; send it in "
                   "raw_input_contents")


def test_reserved_request_parameter(grpc_client):
    assert_refused(grpc_client, good_request(grpc_client, parameters={"triton_foo": 1}), INVALID,
                   "parameter keys starting with 'triton_' are reserved for Triton usage and should not be "
                   "specified, got 'triton_foo'")


@pytest.mark.parametrize("key,choice,value,message", [
    ("custom", "uint64_param", 3,
     "custom request parameter 'custom' cannot be a uint64_param; use int64_param, bool_param, string_param or "
     "double_param"),
    ("sequence_id", "double_param", 3.0, "request parameter 'sequence_id' must be an int64_param or a string_param"),
    ("sequence_start", "int64_param", 1, "request parameter 'sequence_start' must be a bool_param"),
    ("timeout", "uint64_param", 1, "request parameter 'timeout' must be an int64_param"),
])
def test_parameter_of_the_wrong_type(grpc_client, key, choice, value, message):
    request = good_request(grpc_client)
    setattr(request.parameters[key], choice, value)
    assert_refused(grpc_client, request, INVALID, message)


def test_negative_priority(grpc_client):
    """Over gRPC, priority is an int64_param >= 0 (or a uint64_param)."""
    request = good_request(grpc_client)
    request.parameters["priority"].int64_param = -1
    error = rpc_error(grpc_client.stub.ModelInfer, request, timeout=30)
    assert error.code() == INVALID
    assert_still_serving(grpc_client)


@pytest.mark.parametrize("choice,value", [("bool_param", True), ("int64_param", 0)])
def test_classification_must_be_a_positive_int64(grpc_client, choice, value):
    request = good_request(grpc_client)
    setattr(request.outputs.add(name="OUTPUT0").parameters["classification"], choice, value)
    assert_refused(grpc_client, request, INVALID, "'classification' of output 'OUTPUT0' must be a positive int64_param")
