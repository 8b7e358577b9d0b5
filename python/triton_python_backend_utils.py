"""triton_python_backend_utils: the API a Triton model.py imports as `pb_utils`.

The classes live in the `inferd_pb` package and are re-exported here together with the
module-level helpers and constants, so `import triton_python_backend_utils as pb_utils`
sees the same names as under Triton (Triton's Python backend API).

Differences from Triton on this CPU-only server:
  * tensors are always in CPU memory (`is_cpu()` is True, GPU preferred memory is ignored);
  * request cancellation is not reported (`is_cancelled()` is always False) and
    ResponseIterator.cancel() only stops the local iteration;
  * request rescheduling (TRITONSERVER_REQUEST_RELEASE_RESCHEDULE) is not supported;
  * custom metrics stay on /metrics until the model instance ends, also when the
    MetricFamily or Metric object is deleted earlier (see inferd_pb.metrics).
"""

import numpy as np

from inferd_pb import bytes_codec, dtypes
from inferd_pb.constants import (
    TRITONSERVER_MEMORY_CPU,
    TRITONSERVER_MEMORY_CPU_PINNED,
    TRITONSERVER_MEMORY_GPU,
    TRITONSERVER_REQUEST_FLAG_SEQUENCE_END,
    TRITONSERVER_REQUEST_FLAG_SEQUENCE_START,
    TRITONSERVER_REQUEST_RELEASE_ALL,
    TRITONSERVER_REQUEST_RELEASE_RESCHEDULE,
    TRITONSERVER_RESPONSE_COMPLETE_FINAL,
)
from inferd_pb.control import (
    get_model_dir,
    is_model_ready,
    load_model,
    unload_model,
)
from inferd_pb.dtypes import TRITON_STRING_TO_NUMPY
from inferd_pb.errors import TritonError, TritonModelException
from inferd_pb.logger import Logger
from inferd_pb.metrics import Metric, MetricFamily
from inferd_pb.model_config import ModelConfig
from inferd_pb.request import (
    InferenceRequest,
    InferenceResponseSender,
    InferenceTrace,
    PreferredMemory,
    ResponseIterator,
)
from inferd_pb.response import InferenceResponse
from inferd_pb.tensor import Tensor

__all__ = [
    "Tensor", "InferenceRequest", "InferenceResponse", "InferenceResponseSender",
    "ResponseIterator", "InferenceTrace", "PreferredMemory", "TritonError",
    "TritonModelException", "Logger", "MetricFamily", "Metric", "ModelConfig",
    "load_model", "unload_model", "is_model_ready", "get_model_dir",
    "get_input_tensor_by_name", "get_output_tensor_by_name", "get_input_config_by_name",
    "get_output_config_by_name", "using_decoupled_model_transaction_policy",
    "triton_to_numpy_type", "numpy_to_triton_type", "triton_string_to_numpy",
    "serialize_byte_tensor", "deserialize_bytes_tensor", "TRITON_STRING_TO_NUMPY",
    "TRITONSERVER_REQUEST_FLAG_SEQUENCE_START", "TRITONSERVER_REQUEST_FLAG_SEQUENCE_END",
    "TRITONSERVER_RESPONSE_COMPLETE_FINAL", "TRITONSERVER_REQUEST_RELEASE_ALL",
    "TRITONSERVER_REQUEST_RELEASE_RESCHEDULE", "TRITONSERVER_MEMORY_CPU",
    "TRITONSERVER_MEMORY_CPU_PINNED", "TRITONSERVER_MEMORY_GPU",
]


def get_input_tensor_by_name(inference_request, name):
    """The first input of `inference_request` named `name`, or None."""
    for tensor in inference_request.inputs():
        if tensor.name() == name:
            return tensor
    return None


def get_output_tensor_by_name(inference_response, name):
    """The first output tensor of `inference_response` named `name`, or None."""
    for tensor in inference_response.output_tensors():
        if tensor.name() == name:
            return tensor
    return None


def get_input_config_by_name(model_config, name):
    """The entry of `model_config["input"]` named `name` (config as a dict), or None."""
    for entry in model_config.get("input", ()):
        if entry.get("name") == name:
            return entry
    return None


def get_output_config_by_name(model_config, name):
    """The entry of `model_config["output"]` named `name` (config as a dict), or None."""
    for entry in model_config.get("output", ()):
        if entry.get("name") == name:
            return entry
    return None


def using_decoupled_model_transaction_policy(model_config):
    """True when the config dict says `model_transaction_policy { decoupled: true }`."""
    policy = model_config.get("model_transaction_policy")
    if policy is None:
        return False
    return bool(policy.get("decoupled", False))


def triton_to_numpy_type(data_type):
    """numpy type for a TYPE_* enum number (1-13), else None."""
    return dtypes.numpy_for_enum(data_type)


def numpy_to_triton_type(data_type):
    """TYPE_* enum number for a numpy type or dtype (object_ and bytes_ -> 13), else None."""
    return dtypes.enum_for_numpy(data_type)


def triton_string_to_numpy(triton_type_string):
    """numpy type for a config string such as "TYPE_FP32" (KeyError if unknown)."""
    return TRITON_STRING_TO_NUMPY[triton_type_string]


def serialize_byte_tensor(input_tensor):
    """Encodes an object/bytes_ array as BYTES tensor data (u32 LE length + bytes each).

    Returns, as Triton does, a 0-d object array holding the encoded bytes (an empty 1-D
    object array for an empty input). Raises TritonModelException for other dtypes.
    """
    if input_tensor.size == 0:
        return np.empty([0], dtype=np.object_)
    if input_tensor.dtype.kind not in ("O", "S"):
        raise TritonModelException("cannot serialize bytes tensor: invalid datatype")
    encoded = np.empty((), dtype=np.object_)
    encoded[()] = bytes_codec.encode(input_tensor)
    return encoded


def deserialize_bytes_tensor(encoded_tensor):
    """Decodes BYTES tensor data into a 1-D object array of bytes.

    Accepts bytes-like data, or the 0-d object array serialize_byte_tensor returns.
    """
    if isinstance(encoded_tensor, np.ndarray):
        if encoded_tensor.size == 0:
            return np.empty([0], dtype=np.object_)
        encoded_tensor = encoded_tensor.item() if encoded_tensor.dtype == np.object_ \
            else encoded_tensor.tobytes()
    return bytes_codec.object_array(bytes_codec.decode(encoded_tensor))
