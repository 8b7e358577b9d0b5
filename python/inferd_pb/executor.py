"""Runs TritonPythonModel.execute for one `execute` message and answers the server.

Default models answer with one `execute_done` carrying a response per request (spec
section 3): from execute's returned list, or from responses sent through the requests'
senders when execute returned None. Decoupled models answer with `response` messages sent
by the senders, then an `execute_done` without responses. `async def execute` runs on the
instance's event loop thread: awaited for default models, only scheduled for decoupled
ones (so the next batch can start while it runs).
"""

import asyncio
import inspect
import os
import threading
import traceback

from . import wire
from .batch import Batch
from .errors import TritonError
from .request import InferenceRequest, InferenceResponseSender
from .response import InferenceResponse

_OWN_DIR = os.path.dirname(os.path.abspath(__file__))


def describe_exception(error):
    """`Type: message` followed by the traceback lines of model code, innermost first."""
    text = f"{type(error).__name__}: {error}"
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.startswith(_OWN_DIR)]
    if frames:
        text += "\n\nAt:\n" + "".join(
            f"  {f.filename}({f.lineno}): {f.name}\n" for f in reversed(frames))
    return text


class _EventLoopThread:
    """An asyncio loop running in a daemon thread, created on first use."""

    def __init__(self):
        self._loop = None
        self._lock = threading.Lock()

    def loop(self):
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                thread = threading.Thread(target=self._loop.run_forever,
                                          name="inferd-asyncio", daemon=True)
                thread.start()
            return self._loop

    def submit(self, awaitable):
        """Schedules a coroutine (or other awaitable); returns a concurrent future."""
        async def run():
            return await awaitable
        return asyncio.run_coroutine_threadsafe(run(), self.loop())


class Executor:
    def __init__(self, rt, model, decoupled, instance_name):
        self._rt = rt
        self._model = model
        self._decoupled = decoupled
        self._prefix = (f"Failed to process the request(s) for model '{instance_name}', "
                        "message: ")
        self._loop = _EventLoopThread()

    # --- one execute message ----------------------------------------------------------

    def execute(self, header, blob):
        rt = self._rt
        segment = header.get("input_segment")
        if segment:
            rt.input_segment.use(segment, header.get("input_segment_size"))
        entries = header.get("requests") or []
        batch = Batch(rt, [e.get("handle", i) for i, e in enumerate(entries)], self._decoupled,
                      [set(e.get("requested_output_names") or ()) or None for e in entries])
        try:
            requests = self._decode_requests(entries, blob, batch)
        except Exception as error:  # malformed inputs: fail the batch, keep serving
            self._done(error=self._prefix + describe_exception(error))
            return
        try:
            result = self._model.execute(requests)
            if type(result) is not list and inspect.isawaitable(result):
                if self._decoupled:
                    self._schedule_decoupled(batch, result)
                    self._done()
                    return
                result = self._loop.submit(result).result()
        except Exception as error:
            batch.close_all()
            self._done(error=self._prefix + describe_exception(error))
            return
        if self._decoupled:
            if result is not None:
                batch.close_all()
                self._done(error=self._prefix + "a decoupled model's execute() must "
                           f"return None, got {type(result).__name__}")
            else:
                self._done()
        else:
            self._finish_default(batch, requests, result)

    def _decode_requests(self, entries, blob, batch):
        decode = wire.decode_tensor
        segment = self._rt.input_segment
        requests = []
        for index, entry in enumerate(entries):
            inputs = [decode(t, blob, segment) for t in entry.get("inputs") or ()]
            sender = InferenceResponseSender(batch, index)
            requests.append(InferenceRequest._from_server(entry, inputs, sender))
        return requests

    def _schedule_decoupled(self, batch, awaitable):
        """Runs a decoupled async execute in the background; failures end open requests."""
        def finished(future):
            error = future.exception()
            if error is not None:
                text = self._prefix + describe_exception(error)
            elif future.result() is not None:
                text = (self._prefix + "a decoupled model's execute() must return None, "
                        f"got {type(future.result()).__name__}")
            else:
                return
            batch.fail_open_requests(TritonError(text))
        self._loop.submit(awaitable).add_done_callback(finished)

    def _finish_default(self, batch, requests, result):
        """Default mode: checks execute's result and sends execute_done with responses."""
        count = len(requests)
        if result is None:
            missing = [i for i in range(count) if not batch.obtained[i]]
            if missing:
                self._done(error=self._prefix + "execute() returned None but did not "
                           f"use the response sender of request(s) {missing}")
                return
            batch.wait_all_final()
            result = [None] * count
        elif not isinstance(result, (list, tuple)):
            self._done(error=self._prefix + "execute() must return a list of "
                       f"InferenceResponse, got {type(result).__name__}")
            return
        elif len(result) != count:
            self._done(error=self._prefix + f"execute() returned {len(result)} "
                       f"response(s) for {count} request(s)")
            return
        responses = []
        for index, response in enumerate(result):
            response = batch.collected[index] or response
            if response is None:
                if requests[index].release_flags() & 2:  # RELEASE_RESCHEDULE
                    response = InferenceResponse._wrap([], TritonError(
                        self._prefix + "request rescheduling is not supported"), {})
                elif batch.obtained[index]:
                    response = InferenceResponse._wrap([], TritonError(
                        self._prefix + "the response sender sent no response"), {})
                else:
                    self._done(error=self._prefix + f"execute() returned None for "
                               f"request {index}")
                    return
            elif not isinstance(response, InferenceResponse):
                self._done(error=self._prefix + "execute() must return a list of "
                           f"InferenceResponse, found {type(response).__name__}")
                return
            responses.append(response)
        self._send_responses(batch, responses)

    def _send_responses(self, batch, responses):
        outgoing = wire.Outgoing(self._rt.output_segments)
        bodies = []
        for index, response in enumerate(responses):
            try:
                bodies.append(outgoing.response_fields(response, batch.requested[index]))
            except Exception as error:
                message = self._prefix + describe_exception(error)
                bodies.append(outgoing.response_fields(
                    InferenceResponse._wrap([], TritonError(message), {})))
        text = '{"type":"execute_done","responses":[%s]}' % ",".join(
            ["{" + body + "}" for body in bodies])
        try:
            self._rt.channel.send(text, outgoing.buffers)
        except BaseException:
            outgoing.discard()
            raise

    def _done(self, error=None):
        """execute_done without responses (decoupled) or with a batch-wide error."""
        message = {"type": "execute_done"}
        if error is not None:
            message["error"] = error
        self._rt.channel.send(message)

    # --- other hooks ------------------------------------------------------------------

    def is_ready(self):
        """Calls the optional is_ready hook (sync or async); errors count as not ready."""
        hook = getattr(self._model, "is_ready", None)
        if hook is None:
            return True
        try:
            result = hook()
            if inspect.isawaitable(result):
                result = self._loop.submit(result).result(timeout=5)
            return bool(result)
        except Exception:
            return False
