"""Minimal KServe v2 gRPC client over the stubs generated from proto/ (numpy only).

Builds ModelInferRequest messages the way the official clients do (one
`raw_input_contents` entry per input, in input order) or, on request, with the
typed `contents` fields; decodes ModelInferResponse outputs from
`raw_output_contents[i]` by output position. Raw tensors use the same encoding
as HTTP's binary extension (little-endian, row-major, BYTES length-prefixed),
so the codec of kserve_http is reused. `stubs` is the namespace returned by
grpc_stubs.generate().
"""

import grpc
import numpy as np

import kserve_http as kh
from client_api import InferError

# Official clients lift gRPC's 4 MiB default to INT32_MAX both ways.
MAX_MESSAGE_LENGTH = 2147483647
CHANNEL_OPTIONS = [("grpc.max_send_message_length", MAX_MESSAGE_LENGTH),
                   ("grpc.max_receive_message_length", MAX_MESSAGE_LENGTH)]

# KServe datatype -> InferTensorContents field (the KServe v2 gRPC protocol). FP16 and BF16
# have none: they travel raw only.
CONTENTS_FIELD = {
    "BOOL": "bool_contents",
    "INT8": "int_contents", "INT16": "int_contents", "INT32": "int_contents",
    "INT64": "int64_contents",
    "UINT8": "uint_contents", "UINT16": "uint_contents", "UINT32": "uint_contents",
    "UINT64": "uint64_contents",
    "FP32": "fp32_contents", "FP64": "fp64_contents",
    "BYTES": "bytes_contents",
}


def make_parameter(stubs, value):
    """InferParameter for a python value, typed like tritonclient does
    (bool -> bool_param, int -> int64_param, float -> double_param, str -> string_param)."""
    param = stubs.messages.InferParameter()
    if isinstance(value, bool):
        param.bool_param = value
    elif isinstance(value, int):
        param.int64_param = value
    elif isinstance(value, float):
        param.double_param = value
    elif isinstance(value, str):
        param.string_param = value
    else:
        raise TypeError(f"no InferParameter for {type(value).__name__}")
    return param


def parameter_value(param):
    """The python value held by an InferParameter (None when unset)."""
    which = param.WhichOneof("parameter_choice")
    return getattr(param, which) if which else None


def _bytes_elements(array):
    return [e if isinstance(e, bytes) else str(e).encode("utf-8")
            for e in np.asarray(array, dtype=np.object_).ravel(order="C")]


def set_contents(tensor, array, datatype):
    """Fill tensor.contents with `array` in the field matching `datatype`."""
    if datatype not in CONTENTS_FIELD:
        raise ValueError(f"{datatype} cannot travel in typed contents")
    field = getattr(tensor.contents, CONTENTS_FIELD[datatype])
    if datatype == "BYTES":
        field.extend(_bytes_elements(array))
    elif datatype == "BOOL":
        field.extend(bool(v) for v in np.asarray(array).ravel(order="C"))
    else:
        field.extend(np.asarray(array).ravel(order="C").tolist())


def build_request(stubs, model, inputs, outputs=None, request_id=None, classification=None,
                  parameters=None, version=None, typed=False):
    """ModelInferRequest for `inputs` ({name: numpy array}); arguments as in client_api."""
    request = stubs.messages.ModelInferRequest(model_name=model)
    if version is not None:
        request.model_version = str(version)
    if request_id is not None:
        request.id = request_id
    for key, value in (parameters or {}).items():
        request.parameters[key].CopyFrom(make_parameter(stubs, value))
    for name, data in inputs.items():
        datatype = kh.datatype_of(data)
        tensor = request.inputs.add(name=name, datatype=datatype, shape=list(np.shape(data)))
        if typed:
            set_contents(tensor, data, datatype)
        else:
            request.raw_input_contents.append(kh.tensor_to_raw(data, datatype))
    if classification is not None and outputs is None:
        raise ValueError("classification needs the outputs named")
    for name in outputs or ():
        output = request.outputs.add(name=name)
        if classification is not None:
            output.parameters["classification"].int64_param = classification
    return request


class InferResult:
    """A decoded ModelInferResponse (the message itself stays in `response`)."""

    def __init__(self, response):
        self.response = response
        if len(response.raw_output_contents) != len(response.outputs):
            raise ValueError(f"{len(response.outputs)} outputs but "
                             f"{len(response.raw_output_contents)} raw_output_contents entries")
        self._outputs = {o.name: (i, o) for i, o in enumerate(response.outputs)}

    model_name = property(lambda self: self.response.model_name)
    model_version = property(lambda self: self.response.model_version)
    id = property(lambda self: self.response.id)

    @property
    def parameters(self):
        return {k: parameter_value(v) for k, v in self.response.parameters.items()}

    @property
    def output_names(self):
        return [o.name for o in self.response.outputs]

    def datatype(self, name):
        return self._outputs[name][1].datatype

    def shape(self, name):
        return list(self._outputs[name][1].shape)

    def raw(self, name):
        """The raw_output_contents entry of output `name`."""
        return self.response.raw_output_contents[self._outputs[name][0]]

    def as_numpy(self, name):
        index, output = self._outputs[name]
        return kh.raw_to_tensor(self.response.raw_output_contents[index], output.datatype,
                                list(output.shape))


class GrpcClient:
    """The client interface of client_api over one gRPC channel; `stub` gives
    direct access to every RPC."""

    def __init__(self, stubs, target):
        self.stubs = stubs
        self.target = target
        self.channel = grpc.insecure_channel(target, options=CHANNEL_OPTIONS)
        self.stub = stubs.services.GRPCInferenceServiceStub(self.channel)

    def wait_ready(self, timeout=30):
        """Block until the channel is connected (the server listens on gRPC)."""
        grpc.channel_ready_future(self.channel).result(timeout=timeout)
        return self

    def request(self, model, inputs, **kwargs):
        """build_request with this client's stubs."""
        return build_request(self.stubs, model, inputs, **kwargs)

    def infer(self, model, inputs, outputs=None, request_id=None, classification=None,
              parameters=None, version=None, typed=False, timeout=60):
        request = self.request(model, inputs, outputs=outputs, request_id=request_id,
                               classification=classification, parameters=parameters,
                               version=version, typed=typed)
        try:
            return InferResult(self.stub.ModelInfer(request, timeout=timeout))
        except grpc.RpcError as e:
            raise InferError(e.code(), e.details()) from None

    def close(self):
        self.channel.close()


def rpc_error(method, request, **kwargs):
    """Call `method` expecting it to fail; returns the grpc.RpcError (code(), details())."""
    try:
        response = method(request, **kwargs)
    except grpc.RpcError as e:
        return e
    raise AssertionError(f"expected an error status, got a {type(response).__name__}")
