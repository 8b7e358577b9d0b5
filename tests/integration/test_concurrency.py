"""Many concurrent keep-alive connections, each checking its own results."""

import threading

import numpy as np

import generate
import kserve_http as kh

THREADS = 32
REQUESTS_PER_THREAD = 20


def test_concurrent_keep_alive_clients(server, new_session):
    rng = np.random.default_rng(1234)
    inputs = [rng.standard_normal((1 + t % 3, 3, 16, 16)).astype(np.float32)
              for t in range(THREADS)]
    expected = [generate.reference_output("small_cnn", {"input": x})["logits"]
                for x in inputs]
    sessions = [new_session() for _ in range(THREADS)]
    failures = []
    done = [0] * THREADS

    def worker(t):
        try:
            for i in range(REQUESTS_PER_THREAD):
                binary = (t + i) % 2 == 0
                resp, result = kh.infer(
                    sessions[t], server.url, "small_cnn",
                    [kh.InferInput("input", inputs[t], binary=binary)],
                    outputs=[{"name": "logits", "parameters": {"binary_data": binary}}],
                    request_id=f"{t}-{i}")
                if resp.status_code != 200:
                    failures.append(f"thread {t} request {i}: {resp.status_code} {resp.text}")
                    return
                if resp.headers.get("Connection", "").lower() == "close":
                    failures.append(f"thread {t} request {i}: server closed keep-alive")
                    return
                if result.header.get("id") != f"{t}-{i}":
                    failures.append(f"thread {t} request {i}: id {result.header.get('id')}")
                    return
                if not np.allclose(result.as_numpy("logits"), expected[t], atol=1e-4, rtol=0):
                    failures.append(f"thread {t} request {i}: wrong logits")
                    return
                done[t] += 1
        except Exception as e:  # noqa: BLE001 - reported below with context
            failures.append(f"thread {t}: {e!r}")

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads), "clients still running after 120 s"
    assert failures == []
    assert sum(done) == THREADS * REQUESTS_PER_THREAD
    # Each client opened exactly one TCP connection and reused it.
    for session in sessions:
        pool = session.get_adapter(server.url).poolmanager.connection_from_url(server.url)
        assert pool.num_connections == 1
