"""Graceful shutdown: on SIGTERM/SIGINT readiness goes false and new requests are
refused at once, requests in flight finish, every model unloads (Python finalize runs)
and the server exits 0; past --exit-timeout-secs it exits at once (code 1), leaving no
stub process or shared memory behind."""

import os
import signal
import threading
import time

import numpy as np
import pytest
import requests

import python_models as pm
from client_api import InferError

SLEEPER = '''
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            seconds = float(pb_utils.get_input_tensor_by_name(request, "SLEEP").as_numpy()[0])
            time.sleep(seconds)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("SLEPT", np.array([seconds], np.float32))]))
        return responses

    def finalize(self):
        print("sleeper finalize ran", flush=True)
'''

CONFIG = '''name: "sleeper"
backend: "python"
instance_group [ { count: 3 kind: KIND_CPU } ]
input [ { name: "SLEEP" data_type: TYPE_FP32 dims: [ 1 ] } ]
output [ { name: "SLEPT" data_type: TYPE_FP32 dims: [ 1 ] } ]
'''


@pytest.fixture
def repo(tmp_path):
    version = tmp_path / "repo" / "sleeper" / "1"
    version.mkdir(parents=True)
    (version / "model.py").write_text(SLEEPER)
    (version.parent / "config.pbtxt").write_text(CONFIG)
    return str(tmp_path / "repo")


def started(start_server, repositories, args=()):
    """A ready server that the test itself stops (the fixture expects no exit otherwise)."""
    srv = start_server(repositories, args, wait=None)
    srv.wait_live()
    srv.wait_ready()
    return srv


def sleep_request(srv, make_client, seconds, results, key):
    client = make_client(srv)

    def run():
        try:
            results[key] = client.infer("sleeper", {"SLEEP": np.array([seconds], np.float32)})
        except Exception as e:  # noqa: BLE001 - a refusal, or a connection the server closed
            results[key] = e

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for_log(srv, text, timeout=30):
    deadline = time.monotonic() + timeout
    while text not in srv.log():
        if time.monotonic() > deadline:
            raise AssertionError(f"'{text}' never appeared in the log:\n{srv.log()[-4000:]}")
        time.sleep(0.05)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_requests_in_flight_finish_and_new_ones_are_refused(start_server, repo, make_client, signal_number):
    srv = started(start_server, [repo])
    results = {}
    threads = [sleep_request(srv, make_client, 1.5, results, i) for i in range(3)]
    time.sleep(0.5)  # the three requests are executing
    srv.proc.send_signal(signal_number)
    wait_for_log(srv, "shutting down")
    # Readiness is false and new requests are refused while the others finish.
    assert requests.get(srv.url + "/v2/health/ready", timeout=5).status_code != 200
    with pytest.raises(InferError) as refused:
        make_client(srv).infer("sleeper", {"SLEEP": np.array([0], np.float32)})
    assert refused.value.message == "Server is exiting"
    for thread in threads:
        thread.join(30)
    for i in range(3):
        assert not isinstance(results[i], Exception), results[i]
        assert results[i].as_numpy("SLEPT").tolist() == [1.5]
    assert srv.wait_exit(30) == 0
    log = srv.log()
    assert log.count("sleeper finalize ran") == 3
    assert "inferd stopped" in log
    assert pm.shm_segments(srv.proc.pid) == []


def test_exit_timeout_stops_the_server_with_requests_in_flight(start_server, repo, make_client):
    srv = started(start_server, [repo], ["--exit-timeout-secs=1"])
    results = {}
    thread = sleep_request(srv, make_client, 30, results, "stuck")
    time.sleep(0.5)
    stub_pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent_of(int(p)) == srv.proc.pid]
    assert stub_pids, "the Python stubs should be children of the server"
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.wait_exit(20) == 1
    assert "Exit timeout expired. Exiting immediately with 1 requests still in flight." in srv.log()
    thread.join(30)
    assert isinstance(results["stuck"], Exception)  # the connection closed without an answer
    assert pm.shm_segments(srv.proc.pid) == []
    assert not [p for p in stub_pids if os.path.exists(f"/proc/{p}")]


def _parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_stubs_do_not_share_the_servers_process_group(start_server, repo):
    # Ctrl-C in a terminal signals the whole foreground process group; the stubs must
    # not die before the server has drained and run finalize.
    srv = start_server([repo])
    stubs = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent_of(int(p)) == srv.proc.pid]
    assert len(stubs) == 3
    assert all(os.getpgid(stub) != os.getpgid(srv.proc.pid) for stub in stubs)
