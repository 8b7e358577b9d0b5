"""The requests of one `execute` message and where their responses go.

Decoupled models: every response sent through a request's sender becomes a `response`
message at once (from whatever thread sends it). Default models: the responses are kept
here and travel together in `execute_done`; `wait_all_final` lets the executor wait for
responses a model sends through its senders instead of returning them.
"""

import threading

from . import wire
from .errors import TritonModelException


class Batch:
    def __init__(self, rt, handles, decoupled, requested):
        count = len(handles)
        self._rt = rt
        self.handles = handles  # per request: what `response` messages name it by
        self.decoupled = decoupled
        self.requested = requested  # per request: a set of output names, or None for all
        self.lock = threading.Lock()
        self._all_final = None  # Condition on self.lock, created only if someone waits
        self.final = [False] * count
        self.obtained = [False] * count  # get_response_sender() was called
        self.collected = [None] * count  # default mode: the response sent via the sender

    # Called by InferenceResponseSender.send with self.lock held.
    def deliver(self, index, response, final):
        if self.final[index]:
            raise TritonModelException(
                "Unable to send the response: the response sender is closed "
                "(TRITONSERVER_RESPONSE_COMPLETE_FINAL was already sent)")
        if self.decoupled:
            self.send_response(index, response, final)
        elif response is not None:
            if self.collected[index] is not None:
                raise TritonModelException(
                    "a model that is not decoupled may send only one response per request")
            self.collected[index] = response
        if final:
            self.final[index] = True
            if self._all_final is not None:
                self._all_final.notify_all()

    def send_response(self, index, response, final):
        """Sends one `response` message (decoupled mode)."""
        outgoing = wire.Outgoing(self._rt.output_segments)
        try:
            text = '{"type":"response","request":%d,"final":%s' % (
                self.handles[index], "true" if final else "false")
            if response is not None:  # the flags-only final has no outputs key at all
                text += "," + outgoing.response_fields(response, self.requested[index])
            self._rt.channel.send(text + "}", outgoing.buffers)
        except BaseException:
            outgoing.discard()
            raise

    def fail_open_requests(self, error):
        """Decoupled: ends every request still open with an error response."""
        with self.lock:
            for index, done in enumerate(self.final):
                if not done:
                    self.final[index] = True
                    message = {"type": "response", "request": self.handles[index],
                               "final": True, "outputs": [], "parameters": None,
                               "error": error.to_wire()}
                    try:
                        self._rt.channel.send(message)
                    except OSError:
                        return

    def close_all(self):
        """Marks every request final so later sends raise (the batch failed as a whole)."""
        with self.lock:
            self.final = [True] * len(self.final)
            if self._all_final is not None:
                self._all_final.notify_all()

    def wait_all_final(self):
        """Default mode: blocks until every request got its FINAL flag."""
        with self.lock:
            if self._all_final is None:
                self._all_final = threading.Condition(self.lock)
            self._all_final.wait_for(lambda: all(self.final))
