"""pb_utils.InferenceRequest: the requests `execute` receives, and BLS requests.

One class serves both roles, as in Triton. The stub builds server-side requests with
`_from_server` (no validation on the hot path); model code builds BLS requests with the
constructor and runs them with `exec()` / `async_exec()`, which send a `bls` message and
wait for `bls_result` messages (see channel.py for how the wait reads the socket).
"""

import asyncio
import functools
import json

from . import runtime, wire
from .channel import ChannelClosed
from .constants import TRITONSERVER_MEMORY_CPU, TRITONSERVER_RESPONSE_COMPLETE_FINAL
from .errors import TritonError, TritonModelException
from .response import InferenceResponse, check_parameters
from .tensor import Tensor

_REQUIRED = object()  # marks a constructor argument that has no default
_NO_PARAMETERS = "{}"  # the parameters() text of a request without parameters


class PreferredMemory:
    """Where BLS outputs should land. On this CPU-only server they always land in CPU memory."""

    def __init__(self, preferred_memory_type=TRITONSERVER_MEMORY_CPU, preferred_device_id=0):
        self.preferred_memory_type = preferred_memory_type
        self.preferred_device_id = preferred_device_id


class InferenceTrace:
    """Trace handle of a request; this server does not propagate trace contexts."""

    def __init__(self, context=None):
        self._context = context

    def get_context(self):
        return self._context


class InferenceResponseSender:
    """Sends the responses of one request (`request.get_response_sender()`).

    The open/closed state lives in the request's Batch, so a batch that failed as a whole
    closes its senders too.
    """

    __slots__ = ("_batch", "_index")

    def __init__(self, batch, index):
        self._batch = batch
        self._index = index

    def send(self, response=None, flags=0):
        """Sends `response` and/or the FINAL flag. After FINAL every send raises."""
        if response is not None and not isinstance(response, InferenceResponse):
            raise TritonModelException(
                f"send() expects an InferenceResponse, got {type(response).__name__}")
        final = bool(flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL)
        if response is None and not final:
            raise TritonModelException(
                "send() needs a response, the TRITONSERVER_RESPONSE_COMPLETE_FINAL flag, "
                "or both")
        with self._batch.lock:
            self._batch.deliver(self._index, response, final)

    def is_cancelled(self):
        """Always False: the protocol has no cancellation message yet."""
        return False


class InferenceRequest:
    """A request. BLS constructor arguments follow Triton's (keywords recommended)."""

    __slots__ = ("_inputs", "_requested", "_request_id", "_correlation_id", "_flags",
                 "_timeout", "_parameters", "_sender", "_release_flags", "_model_name",
                 "_model_version", "_preferred_memory", "_trace")

    def __init__(self, request_id="", correlation_id=0, inputs=_REQUIRED,
                 requested_output_names=_REQUIRED, model_name=_REQUIRED, model_version=-1,
                 flags=0, timeout=0, preferred_memory=None, trace=None, parameters=None):
        if (inputs is _REQUIRED or requested_output_names is _REQUIRED
                or model_name is _REQUIRED):
            for name, value in (("inputs", inputs), ("requested_output_names",
                                requested_output_names), ("model_name", model_name)):
                if value is _REQUIRED:
                    raise TypeError(f"InferenceRequest() missing required argument '{name}'")
        if not isinstance(model_name, str) or not model_name:
            raise TritonModelException("InferenceRequest model_name must be a non-empty str")
        for tensor in inputs:
            if not isinstance(tensor, Tensor):
                raise TritonModelException("InferenceRequest inputs must be a list of Tensor")
        for name in requested_output_names:
            if not isinstance(name, str):
                raise TritonModelException(
                    "InferenceRequest requested_output_names must be a list of str")
        if not isinstance(correlation_id, (int, str)):
            raise TritonModelException("InferenceRequest correlation_id must be int or str")
        self._inputs = list(inputs)
        self._requested = list(requested_output_names)
        self._request_id = str(request_id)
        self._correlation_id = correlation_id
        self._flags = int(flags)
        self._timeout = int(timeout)
        # Kept as JSON text: what parameters() returns and what exec() sends.
        checked = check_parameters(parameters, "InferenceRequest")
        self._parameters = json.dumps(checked) if checked else _NO_PARAMETERS
        self._sender = None
        self._release_flags = 0
        self._model_name = model_name
        self._model_version = int(model_version)
        self._preferred_memory = preferred_memory
        self._trace = trace

    @classmethod
    def _from_server(cls, obj, inputs, sender):
        """A request from an `execute` message entry (already decoded inputs)."""
        request = cls.__new__(cls)
        request._inputs = inputs
        request._requested = obj.get("requested_output_names") or []
        request._request_id = obj.get("id") or ""
        request._correlation_id = obj.get("correlation_id", 0)
        request._flags = obj.get("flags", 0)
        request._timeout = obj.get("timeout", 0)
        request._parameters = obj.get("parameters") or "{}"
        request._sender = sender
        request._release_flags = 0
        request._model_name = ""
        request._model_version = -1
        request._preferred_memory = None
        request._trace = None
        return request

    # --- accessors --------------------------------------------------------------------

    def inputs(self):
        return list(self._inputs)

    def requested_output_names(self):
        return list(self._requested)

    def request_id(self):
        return self._request_id

    def correlation_id(self):
        return self._correlation_id

    def flags(self):
        return self._flags

    def timeout(self):
        return self._timeout

    def parameters(self):
        """The request's custom parameters as a JSON string."""
        return self._parameters

    def model_name(self):
        return self._model_name

    def model_version(self):
        return self._model_version

    def trace(self):
        return self._trace or InferenceTrace()

    def is_cancelled(self):
        """Always False: the protocol has no cancellation message yet."""
        return False

    def get_response_sender(self):
        sender = self._sender
        if sender is None:
            raise TritonModelException(
                "get_response_sender() is only available on requests passed to execute()")
        sender._batch.obtained[sender._index] = True
        return sender

    def set_release_flags(self, flags):
        """Records release flags. Rescheduling is not supported by this server yet: a
        request returned as None after TRITONSERVER_REQUEST_RELEASE_RESCHEDULE fails."""
        self._release_flags = int(flags)

    def release_flags(self):
        return self._release_flags

    # --- BLS --------------------------------------------------------------------------

    def exec(self, decoupled=False):
        """Runs this request on model `model_name` and waits for the result.

        Returns one InferenceResponse (errors via has_error()), or with decoupled=True a
        ResponseIterator over every response.
        """
        rt = runtime.current("InferenceRequest.exec()")
        if not rt.bls_allowed:
            raise TritonModelException(
                "BLS requests can only be made while the model serves requests (from "
                "execute() or threads it starts), not in initialize(), "
                "auto_complete_config() or finalize()")
        bls_id = rt.next_id()
        outgoing = wire.Outgoing(rt.output_segments)
        try:
            correlation_id = self._correlation_id
            header = (
                '{"type":"bls","bls_id":%d,"decoupled":%s,"request":{"model_name":%s,'
                '"model_version":%d,"id":%s,"inputs":[%s],"requested_output_names":%s,'
                '"parameters":%s,"correlation_id":%s,"flags":%d,"timeout":%d}}' % (
                    bls_id, "true" if decoupled else "false", wire.json_string(self._model_name),
                    self._model_version, wire.json_string(self._request_id),
                    ",".join(map(outgoing.tensor, self._inputs)),
                    wire.json_string_list(self._requested), self._parameters,
                    wire.json_string(correlation_id) if isinstance(correlation_id, str)
                    else "%d" % correlation_id,
                    self._flags, self._timeout))
            rt.channel.expect("bls_result", bls_id)
            try:
                rt.channel.send(header, outgoing.buffers)
            except OSError:
                rt.channel.forget("bls_result", bls_id)
                raise
        except OSError as error:
            outgoing.discard()
            iterator = ResponseIterator(None, bls_id)
            iterator._pending_error = f"failed to send the BLS request: {error}"
            return iterator if decoupled else iterator._single()
        except BaseException:
            outgoing.discard()
            raise
        iterator = ResponseIterator(rt, bls_id)
        return iterator if decoupled else iterator._single()

    async def async_exec(self, decoupled=False):
        """Awaitable exec(): runs it in the event loop's default executor."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(self.exec, decoupled))

    def __repr__(self):
        return (f"InferenceRequest(id={self._request_id!r}, "
                f"inputs={[t.name() for t in self._inputs]})")


class ResponseIterator:
    """Iterates over the responses of a decoupled BLS call; the last one has final set."""

    def __init__(self, rt, bls_id):
        self._rt = rt
        self._bls_id = bls_id
        self._done = False
        self._pending_error = None

    def __iter__(self):
        return self

    def __next__(self):
        if self._pending_error is not None:
            message, self._pending_error = self._pending_error, None
            self._done = True
            return _error_response(message)
        if self._done:
            raise StopIteration
        channel = self._rt.channel
        try:
            header, blob = channel.next_reply("bls_result", self._bls_id)
        except ChannelClosed:
            self._finish()
            return _error_response("the server closed the connection during a BLS call")
        if header.get("final", True):
            self._finish()
        return wire.decode_response(header.get("response") or {}, blob)

    def cancel(self):
        """Stops the iteration here; responses still arriving are dropped.

        The server is not told (the protocol has no BLS cancellation message).
        """
        self._finish()

    def _finish(self):
        if not self._done:
            self._done = True
            if self._rt is not None:
                self._rt.channel.forget("bls_result", self._bls_id)

    def _single(self):
        """The one response of a non-decoupled call: the first with outputs or an error."""
        chosen = None
        while not self._done:
            response = self.__next__()
            if chosen is None or (not chosen._outputs and chosen._error is None):
                chosen = response
        return chosen or _error_response("the BLS call returned no response")


def _error_response(message):
    return InferenceResponse._wrap([], TritonError(message, TritonError.INTERNAL), {})
