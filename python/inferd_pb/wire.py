"""Tensors and responses to and from their protocol form (PROTOCOL.md, "Tensors").

Incoming tensors become numpy views of the buffer they arrived in (shared memory or the
frame's blob): no copy for fixed-size types; BYTES are decoded into object arrays.
Outgoing tensors are collected per message by `Outgoing`: up to INLINE_LIMIT bytes they
go into the frame's blob as views of the model's arrays (copied only by the socket
write); larger ones get their own new shared memory segment.

`Outgoing` writes its JSON as text from templates: for these small fixed-shape objects
that is about four times faster than json's encoder, which pays a generic dispatch per
dict and list (see channel.Channel.send, which takes such text as is).
"""

import json
import math

import numpy as np

from . import bytes_codec, dtypes, shm
from .channel import encode_json
from .errors import TritonError
from .response import InferenceResponse
from .tensor import Tensor

INLINE_LIMIT = 64 * 1024

json_string = json.encoder.encode_basestring_ascii  # a str as JSON text, quotes included


def json_int_list(values):
    """A sequence of ints as JSON text."""
    return "[" + ",".join(map(str, values)) + "]"


def json_string_list(values):
    """A sequence of str as JSON text."""
    return "[" + ",".join(map(json_string, values)) + "]"


def decode_tensor(desc, blob, input_segment=None):
    """A Tensor from its protocol description; data in `blob` or a shm segment."""
    name = desc["name"]
    datatype = desc["datatype"]
    shape = desc["shape"]
    data = desc["data"]
    inline = data.get("inline")
    if inline is not None:
        buffer = blob
        offset, size = inline
    else:
        segment = data["shm"]
        buffer = input_segment.view(segment) if input_segment else shm.map_segment(segment)
        offset = data.get("offset", 0)
        size = data["size"]
    count = math.prod(shape)
    if datatype == "BYTES":
        items = bytes_codec.decode(buffer, offset, size, count)
        return Tensor._wrap(name, bytes_codec.object_array(items, shape), dtypes.TYPE_STRING)
    dtype = dtypes.KSERVE_TO_WIRE_DTYPE.get(datatype)
    if dtype is None:
        raise ValueError(f"tensor '{name}' has unknown datatype '{datatype}'")
    if count * dtype.itemsize != size:
        raise ValueError(
            f"tensor '{name}' ({datatype}, shape {shape}) needs "
            f"{count * dtype.itemsize} bytes but {size} were sent")
    if count == 0:
        array = np.empty(shape, dtype)
    else:
        array = np.frombuffer(buffer, dtype, count, offset).reshape(shape)
    return Tensor._wrap(name, array, dtypes.KSERVE_TO_ENUM[datatype])


def decode_response(obj, blob, input_segment=None):
    """An InferenceResponse from its protocol form (used for BLS results)."""
    outputs = [decode_tensor(t, blob, input_segment) for t in obj.get("outputs") or ()]
    error = obj.get("error")
    return InferenceResponse._wrap(
        outputs,
        TritonError.from_wire(error) if error else None,
        obj.get("parameters") or {},
    )


class Outgoing:
    """The data of one outgoing message: inline blob pieces and the segments it created."""

    __slots__ = ("buffers", "size", "created", "_segments")

    def __init__(self, segments):
        self.buffers = []
        self.size = 0
        self.created = []
        self._segments = segments

    def tensor(self, tensor):
        """JSON text describing `tensor`, its data placed inline or in a new segment."""
        array = tensor._array
        if tensor._dtype == dtypes.TYPE_STRING:
            data = bytes_codec.encode(array)
        else:
            data = memoryview(array.reshape(-1).view(np.uint8))
        size = len(data)
        if size > INLINE_LIMIT:
            segment = self._segments.create(data)
            self.created.append(segment)
            where = '{"shm":%s,"offset":0,"size":%d}' % (json_string(segment), size)
        else:
            where = '{"inline":[%d,%d]}' % (self.size, size)
            if size:
                self.buffers.append(data)
                self.size += size
        return '{"name":%s,"datatype":"%s","shape":%s,"data":%s}' % (
            json_string(tensor._name), dtypes.ENUM_TO_KSERVE[tensor._dtype],
            json_int_list(array.shape), where)

    def response_fields(self, response, requested=None):
        """The fields of an InferenceResponse's protocol form as JSON text, without the
        enclosing braces (`"outputs":[...],"parameters":...,"error":...`). With
        `requested` (a set of names) other outputs are dropped; an error response carries
        no outputs."""
        parameters = encode_json(response._parameters) if response._parameters else "null"
        error = response._error
        if error is not None:
            return '"outputs":[],"parameters":%s,"error":%s' % (
                parameters, encode_json(error.to_wire()))
        outputs = response._outputs
        if requested:
            outputs = [t for t in outputs if t._name in requested]
        created, buffers, size = len(self.created), len(self.buffers), self.size
        try:
            return '"outputs":[%s],"parameters":%s,"error":null' % (
                ",".join(map(self.tensor, outputs)), parameters)
        except BaseException:
            # Nothing of a response that cannot be sent stays in the message: its
            # segments would have no reader to remove them.
            for segment in self.created[created:]:
                shm.unlink(segment)
            del self.created[created:], self.buffers[buffers:]
            self.size = size
            raise

    def discard(self):
        """Removes the segments created so far (the message will not be sent)."""
        for segment in self.created:
            shm.unlink(segment)
        self.created.clear()
