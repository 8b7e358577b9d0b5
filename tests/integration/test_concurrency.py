"""Many concurrent clients, each on its own connection, each checking its own results;
over HTTP the connections must also be kept alive and reused."""

import threading

import numpy as np
import pytest

import generate
import kserve_http as kh

THREADS = 32
REQUESTS_PER_THREAD = 20


def run_clients(clients):
    """Every client sends REQUESTS_PER_THREAD small_cnn requests from its own thread
    (alternating raw and typed tensors); returns the list of failures."""
    rng = np.random.default_rng(1234)
    inputs = [rng.standard_normal((1 + t % 3, 3, 16, 16)).astype(np.float32)
              for t in range(len(clients))]
    expected = [generate.reference_output("small_cnn", {"input": x})["logits"] for x in inputs]
    failures = []
    done = [0] * len(clients)

    def worker(t):
        try:
            for i in range(REQUESTS_PER_THREAD):
                result = clients[t].infer("small_cnn", {"input": inputs[t]},
                                          request_id=f"{t}-{i}", typed=(t + i) % 2 == 1)
                if result.id != f"{t}-{i}":
                    failures.append(f"thread {t} request {i}: id {result.id!r}")
                    return
                if not np.allclose(result.as_numpy("logits"), expected[t], atol=1e-4, rtol=0):
                    failures.append(f"thread {t} request {i}: wrong logits")
                    return
                done[t] += 1
        except Exception as e:  # noqa: BLE001 - reported below with context
            failures.append(f"thread {t} request {done[t]}: {e!r}")

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(len(clients))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads), "clients still running after 120 s"
    assert failures == []
    assert sum(done) == len(clients) * REQUESTS_PER_THREAD


def test_concurrent_clients(server, make_client):
    run_clients([make_client(server) for _ in range(THREADS)])


def test_http_connections_kept_alive(server, new_session):
    """Each HTTP client opened exactly one TCP connection and reused it."""
    sessions = [new_session() for _ in range(THREADS)]
    run_clients([kh.HttpClient(s, server.url) for s in sessions])
    for session in sessions:
        pool = session.get_adapter(server.url).poolmanager.connection_from_url(server.url)
        assert pool.num_connections == 1


@pytest.mark.parametrize("args", [
    ["--http-busy-poll-us=0"],                         # every HTTP thread sleeps as soon as it is idle
    ["--http-thread-count=1"],                         # every connection on one event loop
    ["--http-thread-count=2", "--http-busy-poll-us=10000"],  # a poller that rarely sleeps
])
def test_http_threading_settings(model_repo, start_server, new_session, args):
    """Results stay exact and every connection is answered whatever the HTTP threading."""
    srv = start_server([model_repo], args)
    run_clients([kh.HttpClient(new_session(), srv.url) for _ in range(THREADS)])


@pytest.mark.parametrize("args", [
    ["--grpc-busy-poll-us=0"],                                  # the queue thread sleeps when idle
    ["--grpc-busy-poll-us=10000"],                              # a poller that rarely sleeps
    ["--grpc-infer-thread-count=4"],                            # more queues than cores
])
def test_grpc_threading_settings(model_repo, start_server, make_grpc_client, args):
    """Results stay exact and every call is answered whatever the gRPC threading."""
    srv = start_server([model_repo], args)
    run_clients([make_grpc_client(srv) for _ in range(THREADS)])


def test_http_and_grpc_clients_at_once(model_repo, start_server, make_grpc_client, new_session):
    """Both frontends share one polling policy; neither starves the other."""
    srv = start_server([model_repo], ["--http-busy-poll-us=10000", "--grpc-busy-poll-us=10000"])
    clients = [make_grpc_client(srv) if i % 2 else kh.HttpClient(new_session(), srv.url) for i in range(THREADS)]
    run_clients(clients)
