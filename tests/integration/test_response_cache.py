"""Response cache: with --cache-config local,size=N, a model with `response_cache { enable:
true }` answers a request equal to an earlier one from the cache, without running. Hits and
misses show in the statistics and the metrics; failures are not cached; a model without the
setting, or a server without a cache, runs every request.

The recorder model (python_models/warmup_recorder) writes every execution it runs to
executions.jsonl in its model folder, so the tests see which requests ran."""

import os

import numpy as np
import pytest

import generate
import kserve_http as kh
import python_models as pm
import scrape
from python_models import serving

CACHED = "response_cache { enable: true }\n"
PIPELINE = """name: "pipeline"
platform: "ensemble"
max_batch_size: 8
input [ { name: "A" data_type: TYPE_FP32 dims: [ 16 ] }, { name: "B" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "SUM" data_type: TYPE_FP32 dims: [ 16 ] } ]
ensemble_scheduling { step [ { model_name: "cached" model_version: -1
  input_map { key: "INPUT0" value: "A" } input_map { key: "INPUT1" value: "B" }
  output_map { key: "OUTPUT0" value: "SUM" } } ] }
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = str(tmp_path_factory.mktemp("cache"))
    generate.make_add_sub(repo, "fp32", "cached", CACHED)
    generate.make_add_sub(repo, "fp32", "uncached")
    pm.deploy(repo, "warmup_recorder", "recorder", CACHED)
    pm.deploy(repo, "repeat_decoupled", "decoupled", CACHED)
    os.makedirs(os.path.join(repo, "pipeline", "1"))
    with open(os.path.join(repo, "pipeline", "config.pbtxt"), "w") as f:
        f.write(PIPELINE)
    return repo


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo], ["--cache-config=local,size=1048576",
                                                                "--exit-on-error=false", "--strict-readiness=false"])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def stats(srv, http, model):
    return http.get(f"{srv.url}/v2/models/{model}/stats").json()["model_stats"][0]


def counts(srv, http, model):
    """(cache hits, cache misses, successes, inferences, executions) so far."""
    s = stats(srv, http, model)
    inference = s["inference_stats"]
    return (inference["cache_hit"]["count"], inference["cache_miss"]["count"], inference["success"]["count"],
            s["inference_count"], s["execution_count"])


def add_sub(srv, http, model, a, b, request_id=None, order=("INPUT0", "INPUT1")):
    tensors = {"INPUT0": a, "INPUT1": b}
    resp, result = kh.infer(http, srv.url, model, [kh.InferInput(name, tensors[name]) for name in order],
                            request_id=request_id)
    assert resp.status_code == 200, resp.text
    return resp, result


def record(srv, http, values, text):
    inputs = [kh.InferInput("INPUT0", np.array([values], dtype=np.float32)),
              kh.InferInput("TEXT", np.array([text], dtype=np.object_), datatype="BYTES")]
    return kh.infer(http, srv.url, "recorder", inputs)


def executions(repo):
    path = os.path.join(repo, "recorder", "executions.jsonl")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return len(f.readlines())


def test_equal_request_is_answered_from_the_cache(srv, http):
    a = np.arange(16, dtype=np.float32).reshape(1, 16)
    b = np.full((1, 16), 3, dtype=np.float32)
    before = counts(srv, http, "cached")
    resp1, first = add_sub(srv, http, "cached", a, b, request_id="first")
    resp2, second = add_sub(srv, http, "cached", a, b, request_id="second")
    assert (resp1.json()["id"], resp2.json()["id"]) == ("first", "second")  # each answer names its own request
    for result in (first, second):
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
        np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)
    after = counts(srv, http, "cached")
    # One hit and one miss; two successes; the model ran once.
    assert tuple(x - y for x, y in zip(after, before)) == (1, 1, 2, 1, 1)


def test_key_covers_the_data_not_the_order_of_inputs(srv, http):
    a = np.full((1, 16), 7, dtype=np.float32)
    b = np.full((1, 16), 2, dtype=np.float32)
    before = counts(srv, http, "cached")
    add_sub(srv, http, "cached", a, b)
    add_sub(srv, http, "cached", a, b, order=("INPUT1", "INPUT0"))  # hit
    _, other = add_sub(srv, http, "cached", a, b + 1)  # miss: other data
    np.testing.assert_array_equal(other.as_numpy("OUTPUT0"), a + b + 1)
    after = counts(srv, http, "cached")
    assert tuple(x - y for x, y in zip(after, before)) == (1, 2, 3, 2, 2)


def test_ensemble_step_goes_through_the_cache(srv, http):
    a = np.full((1, 16), 5, dtype=np.float32)
    before = counts(srv, http, "cached")
    for _ in range(2):
        resp, result = kh.infer(http, srv.url, "pipeline", [kh.InferInput("A", a), kh.InferInput("B", a)])
        assert resp.status_code == 200, resp.text
        np.testing.assert_array_equal(result.as_numpy("SUM"), a + a)
    after = counts(srv, http, "cached")
    assert tuple(x - y for x, y in zip(after, before)) == (1, 1, 2, 1, 1)


def test_model_without_the_setting_runs_every_request(srv, http):
    a = np.ones((1, 16), dtype=np.float32)
    before = counts(srv, http, "uncached")
    add_sub(srv, http, "uncached", a, a)
    add_sub(srv, http, "uncached", a, a)
    after = counts(srv, http, "uncached")
    assert tuple(x - y for x, y in zip(after, before)) == (0, 0, 2, 2, 2)


def test_failures_are_not_cached(srv, repo, http):
    before = executions(repo)
    for _ in range(2):
        resp, _ = record(srv, http, [1, 2, 3, 4], [b"reject", b"x"])
        assert (resp.status_code, resp.json()) == (500, {"error": "warmup data rejected"})
    assert executions(repo) == before + 2
    for _ in range(2):
        resp, result = record(srv, http, [1, 2, 3, 4], [b"keep", b"x"])
        assert resp.status_code == 200, resp.text
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), [[1, 2, 3, 4]])
    assert executions(repo) == before + 3  # the second success came from the cache


def test_metrics_count_hits_and_misses_of_cached_models_only(srv, http):
    a = np.full((1, 16), 11, dtype=np.float32)
    add_sub(srv, http, "cached", a, a)
    add_sub(srv, http, "cached", a, a)
    hits, misses, _, _, _ = counts(srv, http, "cached")
    families = scrape.scrape(srv)
    assert scrape.value(families, "nv_cache_num_hits_per_model", model="cached", version="1") == hits
    assert scrape.value(families, "nv_cache_num_misses_per_model", model="cached", version="1") == misses
    assert scrape.value(families, "nv_cache_hit_duration_per_model", model="cached", version="1") >= 0
    assert scrape.value(families, "nv_cache_miss_duration_per_model", model="cached", version="1") > 0
    assert not scrape.samples(families, "nv_cache_num_hits_per_model", model="uncached")


def test_decoupled_model_cannot_enable_the_cache(srv, http):
    assert http.get(srv.url + "/v2/models/decoupled/ready").status_code != 200
    r = http.post(srv.url + "/v2/repository/index")
    entry = {e["name"]: e for e in r.json()}["decoupled"]
    assert entry["reason"].endswith(
        "response cache cannot be enabled for decoupled or sequence batching models"), entry


def test_server_without_a_cache_runs_every_request(start_server, repo, http):
    other = start_server([repo], ["--exit-on-error=false", "--strict-readiness=false"])
    a = np.ones((1, 16), dtype=np.float32)
    for _ in range(2):
        add_sub(other, http, "cached", a, a)
    assert counts(other, http, "cached") == (0, 0, 2, 2, 2)
    assert "nv_cache_num_hits_per_model" not in scrape.scrape(other)


def test_model_loaded_again_does_not_answer_from_before(start_server, tmp_path, http):
    repo = str(tmp_path / "repo")
    generate.make_add_sub(repo, "fp32", "cached", CACHED)
    srv = start_server([repo], ["--cache-config=local,size=1048576", "--model-control-mode=explicit",
                                "--load-model=cached"])
    a = np.full((1, 16), 9, dtype=np.float32)
    for _ in range(2):
        add_sub(srv, http, "cached", a, a)
    assert counts(srv, http, "cached") == (1, 1, 2, 1, 1)
    with open(os.path.join(repo, "cached", "config.pbtxt"), "a") as f:
        f.write("# changed\n")  # a changed model folder is loaded anew
    r = http.post(srv.url + "/v2/repository/models/cached/load")
    assert r.status_code == 200, r.text
    add_sub(srv, http, "cached", a, a)
    assert counts(srv, http, "cached") == (0, 1, 1, 1, 1)  # the new version ran the request
