"""The pure-Python parts of triton_python_backend_utils, without a server or a stub.

Datatype maps, the BYTES codec, Tensor construction rules, responses, errors,
ModelConfig's setter rules (Triton's Python backend API) and the local metrics.
"""

import json
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "python"))

import triton_python_backend_utils as pb_utils  # noqa: E402

# --- datatype maps ----------------------------------------------------------------------

NUMBERED = [(1, np.bool_), (2, np.uint8), (3, np.uint16), (4, np.uint32), (5, np.uint64),
            (6, np.int8), (7, np.int16), (8, np.int32), (9, np.int64), (10, np.float16),
            (11, np.float32), (12, np.float64), (13, np.object_)]


@pytest.mark.parametrize("number,np_type", NUMBERED)
def test_enum_and_numpy_map_both_ways(number, np_type):
    assert pb_utils.triton_to_numpy_type(number) is np_type
    assert pb_utils.numpy_to_triton_type(np_type) == number
    assert pb_utils.numpy_to_triton_type(np.dtype(np_type)) == number


def test_bytes_types_and_unknowns():
    assert pb_utils.numpy_to_triton_type(np.bytes_) == 13
    assert pb_utils.numpy_to_triton_type(np.dtype("S7")) == 13
    assert pb_utils.numpy_to_triton_type(np.str_) is None
    assert pb_utils.numpy_to_triton_type(np.complex64) is None
    assert pb_utils.triton_to_numpy_type(14) is None  # BF16 has no numpy type
    assert pb_utils.triton_to_numpy_type(0) is None


def test_triton_string_to_numpy():
    assert pb_utils.triton_string_to_numpy("TYPE_FP32") is np.float32
    assert pb_utils.triton_string_to_numpy("TYPE_STRING") is np.object_
    assert pb_utils.triton_string_to_numpy("TYPE_BOOL") is np.bool_
    with pytest.raises(KeyError):
        pb_utils.triton_string_to_numpy("TYPE_BF16")


# --- BYTES codec ------------------------------------------------------------------------

def test_serialize_byte_tensor_layout():
    array = np.array([[b"ab", "é"], [3, b""]], dtype=np.object_)
    encoded = pb_utils.serialize_byte_tensor(array)
    assert encoded.dtype == np.object_ and encoded.shape == ()
    assert encoded.item() == (b"\x02\x00\x00\x00ab" + b"\x02\x00\x00\x00\xc3\xa9"
                              + b"\x01\x00\x00\x003" + b"\x00\x00\x00\x00")


def test_serialize_then_deserialize():
    array = np.array([b"x", b"\x00\xff", b"hello"], dtype=np.bytes_)
    decoded = pb_utils.deserialize_bytes_tensor(pb_utils.serialize_byte_tensor(array))
    assert decoded.dtype == np.object_
    assert decoded.tolist() == [b"x", b"\x00\xff", b"hello"]
    raw = pb_utils.serialize_byte_tensor(array).item()
    assert pb_utils.deserialize_bytes_tensor(raw).tolist() == decoded.tolist()


def test_serialize_rejects_numbers_and_handles_empty():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.serialize_byte_tensor(np.zeros(3, np.float32))
    assert pb_utils.serialize_byte_tensor(np.array([], dtype=np.object_)).size == 0


def test_deserialize_rejects_truncated_data():
    with pytest.raises(ValueError):
        pb_utils.deserialize_bytes_tensor(b"\x05\x00\x00\x00abc")


# --- Tensor ---------------------------------------------------------------------------

def test_tensor_keeps_a_view_of_contiguous_arrays():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    tensor = pb_utils.Tensor("OUT", array)
    assert tensor.name() == "OUT" and tensor.shape() == [2, 3]
    assert tensor.triton_dtype() == 11 and tensor.is_cpu()
    assert tensor.as_numpy() is array


def test_tensor_copies_non_contiguous_and_big_endian_arrays():
    array = np.arange(6, dtype=np.int64).reshape(2, 3).T
    tensor = pb_utils.Tensor("T", array)
    assert tensor.as_numpy().flags.c_contiguous
    np.testing.assert_array_equal(tensor.as_numpy(), array)
    swapped = pb_utils.Tensor("B", np.arange(3, dtype=">i4"))
    assert swapped.as_numpy().dtype.isnative and swapped.as_numpy().tolist() == [0, 1, 2]


@pytest.mark.parametrize("array", [np.array(["a", "b"]), np.zeros(2, np.complex64),
                                   np.array(["2020-01-01"], dtype="datetime64[D]")])
def test_tensor_rejects_unsupported_dtypes(array):
    with pytest.raises(pb_utils.TritonModelException, match="NumPy dtype is not supported."):
        pb_utils.Tensor("X", array)


def test_tensor_needs_a_name():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.Tensor("", np.zeros(1))


def test_bytes_tensors():
    objects = pb_utils.Tensor("S", np.array([b"a", "b"], dtype=np.object_))
    assert objects.triton_dtype() == 13
    fixed = pb_utils.Tensor("S", np.array([b"a", b"bc"], dtype=np.bytes_))
    assert fixed.triton_dtype() == 13
    assert fixed.as_numpy().dtype == np.object_ and fixed.as_numpy().tolist() == [b"a", b"bc"]


def test_fp16_and_bool_round_trip_through_as_numpy():
    assert pb_utils.Tensor("H", np.ones(2, np.float16)).as_numpy().dtype == np.float16
    assert pb_utils.Tensor("B", np.array([True])).triton_dtype() == 1


def test_dlpack_round_trip_without_copy():
    array = np.arange(4, dtype=np.float32)
    tensor = pb_utils.Tensor("D", array)
    again = pb_utils.Tensor.from_dlpack("E", tensor.to_dlpack())
    assert again.name() == "E"
    assert np.shares_memory(again.as_numpy(), array)  # no copy
    via_protocol = pb_utils.Tensor.from_dlpack("F", tensor)
    assert via_protocol.as_numpy().tolist() == array.tolist()
    assert tensor.__dlpack_device__() == (1, 0)


def test_bytes_tensor_cannot_go_through_dlpack():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.Tensor("S", np.array([b"a"], dtype=np.object_)).to_dlpack()


# --- responses, requests, errors ---------------------------------------------------------

def test_inference_response():
    out = pb_utils.Tensor("OUT", np.zeros(1))
    response = pb_utils.InferenceResponse([out], parameters={"a": 1, "b": True, "c": "x"})
    assert response.output_tensors()[0] is out and not response.has_error()
    assert json.loads(response.parameters()) == {"a": 1, "b": True, "c": "x"}
    assert pb_utils.get_output_tensor_by_name(response, "OUT") is out
    assert pb_utils.get_output_tensor_by_name(response, "NOPE") is None
    failed = pb_utils.InferenceResponse(error=pb_utils.TritonError("bad"))
    assert failed.has_error() and failed.error().message() == "bad"
    assert failed.error().code() == pb_utils.TritonError.INTERNAL


def test_parameters_must_be_bool_int_or_str():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.InferenceResponse([], parameters={"f": 1.5})
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.InferenceRequest(model_name="m", inputs=[], requested_output_names=[],
                                  parameters={"list": [1]})


def test_response_rejects_non_tensors():
    with pytest.raises(pb_utils.TritonModelException):
        pb_utils.InferenceResponse([np.zeros(1)])


def test_error_codes():
    names = ["UNKNOWN", "INTERNAL", "NOT_FOUND", "INVALID_ARG", "UNAVAILABLE", "UNSUPPORTED",
             "ALREADY_EXISTS", "CANCELLED"]
    for name in names:
        error = pb_utils.TritonError("m", getattr(pb_utils.TritonError, name))
        assert error.code().name == name


def test_bls_request_accessors():
    x = pb_utils.Tensor("X", np.zeros(2))
    request = pb_utils.InferenceRequest(
        model_name="other", inputs=[x], requested_output_names=["Y"], request_id="7",
        correlation_id="seq", flags=pb_utils.TRITONSERVER_REQUEST_FLAG_SEQUENCE_START,
        parameters={"k": "v"},
        preferred_memory=pb_utils.PreferredMemory(pb_utils.TRITONSERVER_MEMORY_CPU, 0))
    assert request.inputs() == [x] and request.requested_output_names() == ["Y"]
    assert request.request_id() == "7" and request.correlation_id() == "seq"
    assert request.flags() == 1 and json.loads(request.parameters()) == {"k": "v"}
    assert pb_utils.get_input_tensor_by_name(request, "X") is x
    assert request.trace().get_context() is None


def test_bls_outside_a_stub_raises_clearly():
    request = pb_utils.InferenceRequest(model_name="m", inputs=[], requested_output_names=[])
    with pytest.raises(pb_utils.TritonModelException, match="only available inside"):
        request.exec()


def test_config_helpers():
    config = {"input": [{"name": "A"}], "output": [{"name": "B"}],
              "model_transaction_policy": {"decoupled": True}}
    assert pb_utils.get_input_config_by_name(config, "A") == {"name": "A"}
    assert pb_utils.get_input_config_by_name(config, "B") is None
    assert pb_utils.get_output_config_by_name(config, "B") == {"name": "B"}
    assert pb_utils.using_decoupled_model_transaction_policy(config) is True
    assert pb_utils.using_decoupled_model_transaction_policy({}) is False


def test_constants():
    assert pb_utils.TRITONSERVER_REQUEST_FLAG_SEQUENCE_START == 1
    assert pb_utils.TRITONSERVER_REQUEST_FLAG_SEQUENCE_END == 2
    assert pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL == 1
    assert pb_utils.TRITONSERVER_REQUEST_RELEASE_ALL == 1
    assert pb_utils.TRITONSERVER_REQUEST_RELEASE_RESCHEDULE == 2
    assert pb_utils.TRITONSERVER_MEMORY_CPU != pb_utils.TRITONSERVER_MEMORY_GPU


# --- ModelConfig ----------------------------------------------------------------------

def make_config(**extra):
    base = {"name": "m", "max_batch_size": 0, "input": [], "output": []}
    base.update(extra)
    return pb_utils.ModelConfig(json.dumps(base))


def test_max_batch_size_may_only_grow():
    config = make_config(max_batch_size=4)
    config.set_max_batch_size(8)
    assert config.as_dict()["max_batch_size"] == 8
    with pytest.raises(ValueError, match="max_batch_size"):
        config.set_max_batch_size(2)


def test_dynamic_batching_only_without_another_scheduler():
    config = make_config()
    config.set_dynamic_batching()
    config.set_dynamic_batching()
    assert config.as_dict()["dynamic_batching"] == {}
    kept = make_config(dynamic_batching={"max_queue_delay_microseconds": 5})
    kept.set_dynamic_batching()
    assert kept.as_dict()["dynamic_batching"] == {"max_queue_delay_microseconds": 5}
    for other in ("sequence_batching", "ensemble_scheduling"):
        with pytest.raises(ValueError, match=other):
            make_config(**{other: {}}).set_dynamic_batching()


def test_add_input_appends_and_completes():
    config = make_config(input=[{"name": "A", "data_type": "TYPE_INVALID", "dims": [],
                                 "optional": False}])
    config.add_input({"name": "A", "data_type": "TYPE_FP32", "dims": [3]})
    config.add_input({"name": "B", "data_type": "TYPE_INT64", "dims": [-1], "optional": True})
    assert config.as_dict()["input"] == [
        {"name": "A", "data_type": "TYPE_FP32", "dims": [3], "optional": False},
        {"name": "B", "data_type": "TYPE_INT64", "dims": [-1], "optional": True}]
    # Same values again: accepted.
    config.add_input({"name": "A", "data_type": "TYPE_FP32", "dims": [3]})


@pytest.mark.parametrize("entry", [
    {"name": "A", "data_type": "TYPE_INT32", "dims": [3]},            # type conflict
    {"name": "A", "data_type": "TYPE_FP32", "dims": [4]},             # dims conflict
    {"name": "A", "data_type": "TYPE_FP32", "dims": [3], "optional": True},  # optional
    {"name": "A", "data_type": "TYPE_FP32", "dims": [3], "format": "x"},     # unknown key
    {"data_type": "TYPE_FP32", "dims": [3]},                           # no name
    {"name": "A", "dims": [3]},                                        # no data_type
    {"name": "A", "data_type": "TYPE_FP32"},                           # no dims
])
def test_add_input_rejections(entry):
    config = make_config(input=[{"name": "A", "data_type": "TYPE_FP32", "dims": [3],
                                 "optional": False}])
    with pytest.raises(ValueError):
        config.add_input(entry)


def test_add_output_rules():
    config = make_config(output=[{"name": "O", "data_type": "TYPE_FP32", "dims": []}])
    config.add_output({"name": "O", "data_type": "TYPE_FP32", "dims": [2]})
    assert config.as_dict()["output"][0]["dims"] == [2]
    with pytest.raises(ValueError):
        config.add_output({"name": "P", "data_type": "TYPE_FP32", "dims": [1],
                           "optional": True})
    with pytest.raises(ValueError):
        config.add_output({"name": "O", "data_type": "TYPE_INT8", "dims": [2]})


def test_transaction_policy_rules():
    config = make_config()
    config.set_model_transaction_policy({"decoupled": True})
    config.set_model_transaction_policy({"decoupled": True})
    assert config.as_dict()["model_transaction_policy"] == {"decoupled": True}
    with pytest.raises(ValueError, match="decoupled"):
        config.set_model_transaction_policy({"decoupled": False})
    with pytest.raises(ValueError):
        make_config().set_model_transaction_policy({"other": 1})


# --- Logger and metrics outside a stub -----------------------------------------------------

def test_logger_outside_a_stub_writes_to_stderr(capsys):
    pb_utils.Logger.log_info("hello")
    pb_utils.Logger.log("careful", pb_utils.Logger.WARNING)
    err = capsys.readouterr().err
    assert "hello" in err and "careful" in err and "test_pb_utils.py" in err


def test_metrics_are_kept_locally_outside_a_stub():
    counter = pb_utils.MetricFamily("local_c", "a counter", pb_utils.MetricFamily.COUNTER).Metric(
        labels={"k": "v"})
    counter.increment(2)
    counter.increment(np.float32(3))
    assert counter.value() == 5
    same = pb_utils.MetricFamily("local_c", "other text", pb_utils.MetricFamily.COUNTER).Metric(
        labels={"k": "v"})
    same.increment(1)
    assert counter.value() == 6  # same family and labels: one series, as on the server
    gauge = pb_utils.MetricFamily("local_g", "a gauge", pb_utils.MetricFamily.GAUGE).Metric()
    gauge.set(7)
    gauge.increment(-2)
    assert gauge.value() == 5
    histogram = pb_utils.MetricFamily(
        "local_h", "a histogram", pb_utils.MetricFamily.HISTOGRAM).Metric(buckets=[1.0, 10.0])
    histogram.observe(0.5)
    histogram.observe(5)


def _raises(call, *texts):
    with pytest.raises(pb_utils.TritonModelException) as caught:
        call()
    for text in texts:
        assert text in str(caught.value), str(caught.value)


def test_metric_misuse_raises_like_triton():
    family = pb_utils.MetricFamily
    counter = family("misuse_c", "", family.COUNTER).Metric()
    gauge = family("misuse_g", "", family.GAUGE).Metric()
    histogram_family = family("misuse_h", "", family.HISTOGRAM)
    histogram = histogram_family.Metric(buckets=[1, 2])
    _raises(lambda: counter.increment(-1), "Failed to increment metric value", "non-negative")
    _raises(lambda: counter.set(1), "Failed to set metric value", "counter")
    _raises(lambda: counter.observe(1), "Failed to observe metric value", "counter")
    _raises(lambda: gauge.observe(1), "Failed to observe metric value", "gauge")
    _raises(lambda: histogram.increment(1), "Failed to increment metric value", "histogram")
    _raises(lambda: histogram.set(1), "Failed to set metric value", "histogram")
    _raises(lambda: histogram.value(), "Failed to get metric value", "histogram")
    _raises(lambda: counter.increment("1"), "expects a number")
    _raises(lambda: histogram_family.Metric(), "needs buckets")
    _raises(lambda: histogram_family.Metric(buckets=[2, 1]), "strictly increasing")
    _raises(lambda: family("misuse_c2", "", family.COUNTER).Metric(buckets=[1]),
            "only allowed for histogram")
    _raises(lambda: family("misuse_g", "", family.COUNTER), "already exists as a gauge")
    _raises(lambda: family("misuse_x", "", 7), "kind must be")
    _raises(lambda: family("", "", family.GAUGE), "non-empty str")
    _raises(lambda: gauge_family_metric_with_bad_labels(), "dict of str -> str")


def gauge_family_metric_with_bad_labels():
    return pb_utils.MetricFamily("misuse_l", "", pb_utils.MetricFamily.GAUGE).Metric(
        labels={"k": 1})
