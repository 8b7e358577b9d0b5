"""The Python backend stub: runs one instance of a model.py and serves the server's requests.

Started by the `inferd_python_stub` executable (which embeds this interpreter) as
`inferd_stub.main(socket_fd, shm_prefix)`, or directly for tests:

    python3 inferd_stub.py --socket-fd=N --shm-prefix=PREFIX

The loop reads server requests one at a time (init, auto_complete, execute, is_ready,
finalize; PROTOCOL.md) and answers each. Replies to the stub's own requests (bls_result,
control_result) are picked up by whichever thread waits for them (inferd_pb/channel.py).
"""

import json
import os
import signal
import socket
import sys
import traceback

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import triton_python_backend_utils as pb_utils  # noqa: E402  (needs _HERE on sys.path)
from inferd_pb import metrics, model_loader, runtime  # noqa: E402
from inferd_pb.channel import Channel, ChannelClosed  # noqa: E402
from inferd_pb.executor import Executor, describe_exception  # noqa: E402
from inferd_pb.model_config import ModelConfig  # noqa: E402


class Stub:
    def __init__(self, rt):
        self._rt = rt
        self._channel = rt.channel
        self._model = None
        self._executor = None

    def run(self):
        """Serves requests until `finalize` (returns 0) or until the server goes away."""
        handlers = {
            "execute": self._execute,
            "init": self._init,
            "auto_complete": self._auto_complete,
            "is_ready": self._is_ready,
            "finalize": self._finalize,
        }
        while True:
            try:
                header, blob = self._channel.next_request()
            except ChannelClosed:
                return None
            handler = handlers.get(header.get("type"))
            if handler is None:
                print(f"inferd_python_stub: ignoring unknown message type "
                      f"{header.get('type')!r}", file=sys.stderr)
                continue
            if handler(header, blob) is False:
                return 0

    # --- handlers (return False to stop the loop) -------------------------------------

    def _execute(self, header, blob):
        if self._executor is None:
            self._channel.send({"type": "execute_done",
                                "error": "the model instance is not initialized"})
            return
        self._executor.execute(header, blob)

    def _init(self, header, _blob):
        rt = self._rt
        try:
            rt.version_dir = header.get("version_dir") or os.path.dirname(header["model_path"])
            rt.model_dir = header.get("model_dir") or os.path.dirname(rt.version_dir)
            rt.input_segment.use(header.get("input_segment"), header.get("input_segment_size"))
            rt.metrics_store = metrics.server_store(rt)
            model_class = model_loader.load_model_class(
                header["model_path"], rt.model_dir, rt.version_dir)
            model = model_class()
            args = header.get("args") or {}
            if hasattr(model, "initialize"):
                model.initialize(args)
            if not hasattr(model, "execute"):
                raise AttributeError("TritonPythonModel has no execute() method")
        except Exception as error:
            self._report_error(error)
            return
        self._model = model
        decoupled = bool(header.get("decoupled"))
        instance = (header.get("args") or {}).get("model_instance_name", "")
        self._executor = Executor(rt, model, decoupled, instance)
        rt.bls_allowed = True
        self._channel.send({"type": "init_done", "has_is_ready": hasattr(model, "is_ready")})

    def _auto_complete(self, header, _blob):
        rt = self._rt
        try:
            rt.version_dir = header.get("version_dir") or os.path.dirname(header["model_path"])
            rt.model_dir = header.get("model_dir") or os.path.dirname(rt.version_dir)
            model_class = model_loader.load_model_class(
                header["model_path"], rt.model_dir, rt.version_dir)
            config = ModelConfig(header.get("config") or "{}")
            hook = getattr(model_class, "auto_complete_config", None)
            if hook is not None:
                config = hook(config)
                if not isinstance(config, ModelConfig):
                    raise pb_utils.TritonModelException(
                        "auto_complete_config must return a pb_utils.ModelConfig, got "
                        f"{type(config).__name__}")
            text = json.dumps(config.as_dict())
        except Exception as error:
            self._report_error(error)
            return
        self._channel.send({"type": "auto_complete_done", "config": text})

    def _is_ready(self, _header, _blob):
        ready = self._executor.is_ready() if self._executor else False
        self._channel.send({"type": "is_ready_done", "ready": ready})

    def _finalize(self, _header, _blob):
        self._rt.bls_allowed = False
        if self._model is not None and hasattr(self._model, "finalize"):
            try:
                self._model.finalize()
            except Exception:
                traceback.print_exc(file=sys.stderr)
        self._channel.send({"type": "finalize_done"})
        return False

    def _report_error(self, error):
        """Answers a failed init/auto_complete; the traceback also goes to stderr."""
        traceback.print_exception(error, file=sys.stderr)
        self._channel.send({"type": "error", "message": describe_exception(error)})


def main(socket_fd, shm_prefix, ring_fds=None):
    """Runs the stub on an already connected socket, and the server's shared memory ring
    when `ring_fds` (memory, to-stub wake, to-server wake) are given; returns the process
    exit code."""
    # Ctrl-C in the server's terminal reaches the whole process group: the server
    # decides when this instance finalizes, so the stub ignores SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.modules.setdefault("c_python_backend_utils", pb_utils)
    sock = socket.socket(fileno=socket_fd)
    ring = None
    if ring_fds:
        import _inferd_ring  # embedded in inferd_python_stub
        ring = _inferd_ring.Ring(*ring_fds, socket_fd)
    channel = Channel(sock, ring)
    rt = runtime.Runtime(channel, shm_prefix)
    runtime.install(rt)
    code = Stub(rt).run()
    if code is None:
        # The server went away without finalize: leave at once, without waiting for
        # threads the model may have left running.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    channel.close()
    return code


def _parse_args(argv):
    options = {}
    for arg in argv:
        key, _, value = arg.partition("=")
        options[key.lstrip("-")] = value
    return int(options["socket-fd"]), options["shm-prefix"]


if __name__ == "__main__":
    sys.exit(main(*_parse_args(sys.argv[1:])))
