"""A stub that dies or hangs (python_models/fragile): the request fails with a message naming
the model and the cause, other models keep serving, the next request to the model is
answered by a new stub, and no shared memory segment is left behind, not even after the
server stops."""

import concurrent.futures
import os
import signal
import time

import grpc
import numpy as np
import pytest
import requests

import kserve_grpc as kg
import python_models as pm
from client_api import InferError
from python_models import serving

CAUSES = {"exit": "exit code 3", "segv": "signal 11"}
UNAVAILABLE = {"http": 503, "grpc": grpc.StatusCode.UNAVAILABLE}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_crash"),
                              ["fragile", "add_sub_python", "repeat_decoupled"])


def action(name):
    return {"ACTION": np.array([name.encode()], dtype=np.object_)}


def stub_pid(client):
    return int(client.infer("fragile", action("ok"), timeout=30).as_numpy("PID")[0])


def assert_others_serve(client):
    a = np.arange(16, dtype=np.float32).reshape(1, 16)
    np.testing.assert_array_equal(client.infer("add_sub_python", {"INPUT0": a, "INPUT1": a}).as_numpy("OUTPUT0"),
                                  2 * a)


def assert_only_input_segments(srv, count):
    segments = pm.shm_segments(srv.proc.pid)
    assert all(pm.is_input_segment(s) for s in segments), segments
    assert len(segments) == count, segments


@pytest.mark.parametrize("how", sorted(CAUSES))
def test_crash_fails_the_request_and_the_stub_restarts(start_server, repo, make_client, protocol, how):
    srv = start_server([repo])
    client = make_client(srv)
    first = stub_pid(client)
    assert_only_input_segments(srv, 3)

    with pytest.raises(InferError) as caught:
        client.infer("fragile", action(how), timeout=30)
    message = caught.value.message
    assert "fragile" in message and CAUSES[how] in message, message
    assert caught.value.code == UNAVAILABLE[protocol]
    serving.wait_for_log(srv, "fragile", CAUSES[how])

    assert_others_serve(client)
    assert all(pm.is_input_segment(s) for s in pm.shm_segments(srv.proc.pid))
    assert requests.get(srv.url + "/v2/models/fragile/ready", timeout=10).status_code == 200

    second = stub_pid(client)
    assert second != first
    assert stub_pid(client) == second
    assert_only_input_segments(srv, 3)


def test_requests_queued_behind_a_crash_are_served(start_server, repo, make_client):
    srv = start_server([repo])
    client, other = make_client(srv), make_client(srv)
    first = stub_pid(client)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        crash = pool.submit(client.infer, "fragile", action("exit"), timeout=30)
        time.sleep(0.2)
        queued = pool.submit(stub_pid, other)
        with pytest.raises(InferError):
            crash.result()
        assert queued.result() not in (first, None)


def test_hung_execute_times_out_and_the_stub_restarts(start_server, repo, make_client, protocol):
    srv = start_server([repo], ["--backend-config=python,execute-timeout-seconds=2"])
    client = make_client(srv)
    first = stub_pid(client)
    with pytest.raises(InferError) as caught:
        client.infer("fragile", action("hang"), timeout=30)
    message = caught.value.message
    assert "fragile" in message and "within 2 s" in message, message
    assert caught.value.code == UNAVAILABLE[protocol]
    assert_others_serve(client)
    assert stub_pid(client) != first
    assert_only_input_segments(srv, 3)


def test_a_restarting_stub_holds_up_no_other_request(start_server, tmp_path, make_client):
    """The first request after a stub died starts a new one and waits for its initialize (3 s
    here). It must not wait on the frontend thread: with one HTTP and one gRPC thread, a request
    to another model sent meanwhile is answered before the restart ends."""
    repo = pm.make_repository(tmp_path / "repo", ["slow_restart", "add_sub_python"])
    folder = os.path.join(repo, "slow_restart")
    srv = start_server([repo], ["--http-thread-count=1", "--grpc-infer-thread-count=1"])
    client, other = make_client(srv), make_client(srv)

    def pid():
        return int(client.infer("slow_restart", action("ok"), timeout=30).as_numpy("PID")[0])

    for _ in range(100):  # short executions: the model comes to run on the frontend thread
        first = pid()
    open(os.path.join(folder, "slow_start"), "w").close()
    for marker in ("initializing", "initialized"):
        os.remove(os.path.join(folder, marker))
    os.kill(first, signal.SIGKILL)
    serving.wait_for_log(srv, "slow_restart", "signal 9")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        restart = pool.submit(pid)
        deadline = time.monotonic() + 30
        while not os.path.exists(os.path.join(folder, "initializing")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert os.path.exists(os.path.join(folder, "initializing")), srv.log()
        assert_others_serve(other)
        assert not os.path.exists(os.path.join(folder, "initialized"))  # answered during the restart
        assert restart.result() != first


def test_no_segments_after_the_server_stops(start_server, repo, make_client):
    srv = start_server([repo], wait=None).wait_ready()  # the test stops it
    client = make_client(srv)
    stub_pid(client)
    with pytest.raises(InferError):
        client.infer("fragile", action("segv"), timeout=30)
    stub_pid(client)
    assert pm.shm_segments(srv.proc.pid)
    assert srv.stop() == 0, srv.log()
    assert pm.shm_segments(srv.proc.pid) == []


def test_segments_of_a_killed_server_are_removed_by_the_next(start_server, repo, make_client):
    """A server killed with SIGKILL cannot clean /dev/shm; the next server's Python backend does,
    leaving alone names that carry the pid of a process that still runs."""
    killed = start_server([repo], wait=None).wait_ready()
    stub_pid(make_client(killed))
    killed.proc.kill()
    killed.proc.wait(timeout=30)
    left = pm.shm_segments(killed.proc.pid)  # the instances' input segments, at least
    assert left
    alive = os.path.join(pm.SHM_DIR, f"inferd_{os.getpid()}_py0_in0")  # this test's own pid: it runs
    open(alive, "wb").close()
    try:
        srv = start_server([repo])
        stub_pid(make_client(srv))
        assert pm.shm_segments(killed.proc.pid) == []
        assert os.path.exists(alive)
        assert (f"removed {len(left)} shared memory segment(s) left in /dev/shm by inferd processes that no "
                "longer run") in srv.log()
    finally:
        os.unlink(alive)


def test_decoupled_crash_ends_the_open_request_with_an_error(start_server, repo, make_grpc_client):
    srv = start_server([repo])
    client = make_grpc_client(srv)

    def ask(mode):
        inputs = {"COUNT": np.array([2], dtype=np.int32), "MODE": np.array([mode.encode()], dtype=np.object_)}
        request = client.request("repeat_decoupled", inputs, request_id=mode)
        return list(client.stub.ModelStreamInfer(iter([request]), timeout=30))

    crashed = ask("crash")
    assert [r.error_message for r in crashed[:2]] == ["", ""]
    assert [int(kg.InferResult(r.infer_response).as_numpy("OUT")[0]) for r in crashed[:2]] == [0, 1]
    assert len(crashed) == 3
    message = crashed[2].error_message
    assert "repeat_decoupled" in message and "exit code 5" in message, message
    recovered = ask("execute")
    assert [int(kg.InferResult(r.infer_response).as_numpy("OUT")[0]) for r in recovered] == [0, 1]
    assert_only_input_segments(srv, 3)
