"""The dynamic batcher: requests combined into executions, preferred sizes, shapes that
cannot be joined, queue limits, timeouts, priorities and preserved order.

Batching is observed twice: by the Python model python_models/batch_reporter, which
answers with the number of requests its execute() received together and the number of
that execute call, and by the model's statistics (execution_count < inference_count).
Tests that need a request to be waiting while another runs hold the single instance
with a request that sleeps (SLEEP seconds) and send the next ones while it runs.
"""

import concurrent.futures
import threading
import time

import grpc
import numpy as np
import pytest

import generate
import python_models as pm
from client_api import InferError
from python_models import serving

# A long wait: a batch that can still grow waits this long for more requests, so the
# requests a test sends together always meet in one batch.
LONG_DELAY_US = 5_000_000
HOLD_SECONDS = 2.0  # how long a "holding" request keeps the only instance busy


def reporter(name, batching):
    return (name, "batch_reporter", f"dynamic_batching {{ {batching} }}\n")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("dynamic_batching")
    pm.make_repository(path, [
        reporter("batch_of_eight", f"preferred_batch_size: [ 8 ] max_queue_delay_microseconds: {LONG_DELAY_US}"),
        reporter("waits_long", f"preferred_batch_size: [ 2 ] max_queue_delay_microseconds: {LONG_DELAY_US}"),
        reporter("queue_of_one", "default_queue_policy { max_queue_size: 1 }"),
        reporter("rejects_late", "default_queue_policy { timeout_action: REJECT default_timeout_microseconds: 100000 }"),
        reporter("delays_late", "default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 100000 }"),
        reporter("timeout_override", "default_queue_policy { allow_timeout_override: true }"),
        reporter("prioritized", "priority_levels: 2 default_priority_level: 2"),
        ("ordered", "batch_reporter",
         "dynamic_batching { preserve_ordering: true }\ninstance_group [ { count: 1 kind: KIND_CPU } ]\n"),
    ])
    generate.make(str(path), ["add_sub_fp32"])
    with open(path / "add_sub_fp32" / "config.pbtxt", "a", encoding="utf-8") as f:
        f.write(f"dynamic_batching {{ preferred_batch_size: [ 8 ] max_queue_delay_microseconds: {LONG_DELAY_US} }}\n")
    return str(path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def inputs(values, sleep=0.0):
    """batch_reporter inputs: VALUE is `values` (2-D: rows x length), SLEEP per row."""
    values = np.asarray(values, dtype=np.float32)
    return {"VALUE": values, "SLEEP": np.full((values.shape[0], 1), sleep, dtype=np.float32)}


def stats(http, srv, model):
    body = http.get(f"{srv.url}/v2/models/{model}/stats").json()
    return body["model_stats"][0]


def run_together(make_client, srv, calls):
    """Runs every (model, inputs, parameters) of `calls` at once, each on its own
    connection; returns the results (or InferError) in call order."""
    clients = [make_client(srv) for _ in calls]

    def one(i):
        model, tensors, parameters = calls[i]
        try:
            return clients[i].infer(model, tensors, parameters=parameters)
        except InferError as e:
            return e

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(one, range(len(calls))))


class Background:
    """Sends requests from threads and keeps their results (or InferError) and the
    wall-clock time each came back."""

    def __init__(self, make_client, srv):
        self.make_client, self.srv = make_client, srv
        self.threads, self.results, self.received = [], {}, {}
        self.lock = threading.Lock()

    def send(self, key, model, tensors, parameters=None):
        client = self.make_client(self.srv)

        def run():
            try:
                result = client.infer(model, tensors, parameters=parameters)
            except InferError as e:
                result = e
            with self.lock:
                self.results[key] = result
                self.received[key] = time.time()

        thread = threading.Thread(target=run)
        thread.start()
        self.threads.append(thread)

    def wait(self):
        for thread in self.threads:
            thread.join(60)
        return self.results


def test_eight_concurrent_requests_run_as_one_execution(srv, make_client, http):
    before = stats(http, srv, "batch_of_eight")
    calls = [("batch_of_eight", inputs([[i, i + 1]]), None) for i in range(8)]
    results = run_together(make_client, srv, calls)
    for i, result in enumerate(results):
        assert not isinstance(result, InferError), result
        np.testing.assert_array_equal(result.as_numpy("VALUE_OUT"), [[i, i + 1]])
        assert result.as_numpy("REQUESTS").tolist() == [[8]]
    assert len({int(r.as_numpy("EXECUTION")[0, 0]) for r in results}) == 1
    after = stats(http, srv, "batch_of_eight")
    assert after["inference_count"] - before["inference_count"] == 8
    assert after["execution_count"] - before["execution_count"] == 1
    assert {b["batch_size"]: b["compute_infer"]["count"] for b in after["batch_stats"]}[8] >= 1


def test_requests_of_different_batch_sizes_share_an_execution(srv, make_client):
    rows = [1, 2, 3, 2]
    calls = [("batch_of_eight", inputs(np.arange(r * 2).reshape(r, 2) + 10 * i), None) for i, r in enumerate(rows)]
    results = run_together(make_client, srv, calls)
    for i, (result, r) in enumerate(zip(results, rows)):
        assert not isinstance(result, InferError), result
        np.testing.assert_array_equal(result.as_numpy("VALUE_OUT"), np.arange(r * 2).reshape(r, 2) + 10 * i)
        assert result.as_numpy("REQUESTS").tolist() == [[4]] * r


def test_onnx_model_batches_and_each_request_gets_its_own_rows(srv, make_client, http):
    before = stats(http, srv, "add_sub_fp32")
    rng = np.random.default_rng(7)
    rows = [1, 2, 3, 2]
    pairs = [(rng.standard_normal((r, 16)).astype(np.float32), rng.standard_normal((r, 16)).astype(np.float32))
             for r in rows]
    calls = [("add_sub_fp32", {"INPUT0": a, "INPUT1": b}, None) for a, b in pairs]
    results = run_together(make_client, srv, calls)
    for result, (a, b) in zip(results, pairs):
        assert not isinstance(result, InferError), result
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
        np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)
    after = stats(http, srv, "add_sub_fp32")
    assert after["inference_count"] - before["inference_count"] == 8
    assert after["execution_count"] - before["execution_count"] == 1
    assert after["inference_stats"]["success"]["count"] - before["inference_stats"]["success"]["count"] == 4


def test_requests_whose_shapes_differ_are_not_batched(srv, make_client, http):
    # VALUE has a variable dimension: lengths 3 and 5 cannot be joined into one tensor.
    before = stats(http, srv, "waits_long")
    calls = [("waits_long", inputs([[1, 2, 3]]), None), ("waits_long", inputs([[1, 2, 3, 4, 5]]), None)]
    results = run_together(make_client, srv, calls)
    for result, expected in zip(results, ([[1, 2, 3]], [[1, 2, 3, 4, 5]])):
        assert not isinstance(result, InferError), result
        np.testing.assert_array_equal(result.as_numpy("VALUE_OUT"), expected)
        assert result.as_numpy("REQUESTS").tolist() == [[1]]
    after = stats(http, srv, "waits_long")
    assert after["execution_count"] - before["execution_count"] == 2


def test_full_queue_rejects_with_unavailable(srv, make_client, protocol, http):
    before = stats(http, srv, "queue_of_one")
    background = Background(make_client, srv)
    background.send("holding", "queue_of_one", inputs([[1]], sleep=HOLD_SECONDS))
    time.sleep(0.5)  # the instance takes the holding request
    background.send("queued", "queue_of_one", inputs([[2]]))
    time.sleep(0.5)  # the second request waits in the queue of one
    with pytest.raises(InferError) as caught:
        make_client(srv).infer("queue_of_one", inputs([[3]]))
    assert caught.value.message == "Exceeds maximum queue size"
    assert caught.value.code == (503 if protocol == "http" else grpc.StatusCode.UNAVAILABLE)
    results = background.wait()
    assert results["holding"].as_numpy("VALUE_OUT").tolist() == [[1]]
    assert results["queued"].as_numpy("VALUE_OUT").tolist() == [[2]]
    after = stats(http, srv, "queue_of_one")
    assert after["inference_stats"]["fail"]["count"] - before["inference_stats"]["fail"]["count"] == 1
    assert after["inference_stats"]["success"]["count"] - before["inference_stats"]["success"]["count"] == 2


def test_queue_timeout_rejects_a_waiting_request(srv, make_client):
    background = Background(make_client, srv)
    background.send("holding", "rejects_late", inputs([[1]], sleep=HOLD_SECONDS))
    time.sleep(0.5)
    with pytest.raises(InferError) as caught:
        make_client(srv).infer("rejects_late", inputs([[2]]))
    assert caught.value.message == "Request timeout expired"
    assert background.wait()["holding"].as_numpy("VALUE_OUT").tolist() == [[1]]
    # With the instance free again, a request runs well inside its timeout.
    assert make_client(srv).infer("rejects_late", inputs([[3]])).as_numpy("VALUE_OUT").tolist() == [[3]]


def test_queue_timeout_with_delay_runs_the_request_later(srv, make_client):
    background = Background(make_client, srv)
    background.send("holding", "delays_late", inputs([[1]], sleep=HOLD_SECONDS))
    time.sleep(0.5)
    result = make_client(srv).infer("delays_late", inputs([[2]]))
    assert result.as_numpy("VALUE_OUT").tolist() == [[2]]
    background.wait()


def test_request_timeout_parameter_overrides_the_policy(srv, make_client):
    background = Background(make_client, srv)
    background.send("holding", "timeout_override", inputs([[1]], sleep=HOLD_SECONDS))
    time.sleep(0.5)
    background.send("patient", "timeout_override", inputs([[2]]))
    with pytest.raises(InferError) as caught:
        make_client(srv).infer("timeout_override", inputs([[3]]), parameters={"timeout": 100000})
    assert caught.value.message == "Request timeout expired"
    results = background.wait()
    assert results["patient"].as_numpy("VALUE_OUT").tolist() == [[2]]


def test_higher_priority_runs_first(srv, make_client):
    background = Background(make_client, srv)
    background.send("holding", "prioritized", inputs([[1]], sleep=HOLD_SECONDS))
    time.sleep(0.5)
    # Different VALUE lengths keep the two waiting requests out of one batch.
    background.send("default_level", "prioritized", inputs([[2, 2]]))
    time.sleep(0.3)
    background.send("level_one", "prioritized", inputs([[3, 3, 3]]), parameters={"priority": 1})
    results = background.wait()
    executions = {key: int(r.as_numpy("EXECUTION")[0, 0]) for key, r in results.items()}
    assert executions["holding"] < executions["level_one"] < executions["default_level"]


def test_preserve_ordering_returns_responses_in_arrival_order(srv, make_client):
    # Two instances: the second request finishes first on the idle instance, but its
    # answer is held until the first one's execution has finished.
    background = Background(make_client, srv)
    background.send("slow", "ordered", inputs([[1]], sleep=1.5))
    time.sleep(0.3)
    background.send("fast", "ordered", inputs([[2, 2]]))
    results = background.wait()
    assert results["slow"].as_numpy("VALUE_OUT").tolist() == [[1]]
    assert results["fast"].as_numpy("VALUE_OUT").tolist() == [[2, 2]]
    slow_finished = float(results["slow"].as_numpy("FINISHED")[0, 0])
    assert float(results["fast"].as_numpy("FINISHED")[0, 0]) < slow_finished
    assert background.received["fast"] >= slow_finished


def test_config_shows_the_normalized_batcher(srv, http):
    config = http.get(f"{srv.url}/v2/models/prioritized/config").json()
    assert config["dynamic_batching"]["priority_levels"] == 2
    assert config["dynamic_batching"]["default_priority_level"] == 2
    assert config["dynamic_batching"]["preferred_batch_size"] == [8]
