"""The Prometheus endpoint: routes, every family and label set, values that agree with the
statistics extension, the latency histograms, the CPU and memory gauges, and the flags
(--allow-metrics, --allow-cpu-metrics, --metrics-config)."""

import os
import shutil

import numpy as np
import pytest
import requests

import generate
import kserve_http as kh
import python_models as pm
from client_api import InferError
from python_models import serving
from scrape import histogram, samples, scrape, value

COUNT_FAMILIES = ["nv_inference_request_success", "nv_inference_count", "nv_inference_exec_count"]
DURATION_FAMILIES = ["nv_inference_request_duration_us", "nv_inference_queue_duration_us",
                     "nv_inference_compute_input_duration_us",
                     "nv_inference_compute_infer_duration_us",
                     "nv_inference_compute_output_duration_us"]
HISTOGRAM_FAMILIES = ["inferd_inference_request_duration_us",
                      "inferd_inference_queue_duration_us",
                      "inferd_inference_compute_infer_duration_us"]
GAUGE_FAMILIES = ["nv_inference_pending_request_count", "nv_model_load_duration_secs"]
CPU_FAMILIES = ["nv_cpu_utilization", "nv_cpu_memory_total_bytes", "nv_cpu_memory_used_bytes"]
REASONS = ["REJECTED", "CANCELED", "BACKEND", "OTHER"]
MODELS = ["add_sub_fp32", "tagged", "sqrt_checked"]


def make_repo(root):
    """add_sub_fp32 (ONNX), `tagged` (the same model with metric_tags, never inferred) and
    sqrt_checked (Python, fails requests with negative inputs)."""
    generate.make(str(root), ["add_sub_fp32"])
    tagged = os.path.join(str(root), "tagged")
    shutil.copytree(os.path.join(str(root), "add_sub_fp32"), tagged)
    config = os.path.join(tagged, "config.pbtxt")
    with open(config) as f:
        text = f.read().replace('name: "add_sub_fp32"', 'name: "tagged"')
    with open(config, "w") as f:
        f.write(text + 'metric_tags { key: "team" value: "vision" }\n'
                       'metric_tags { key: "tier" value: "gold" }\n')
    pm.deploy(str(root), "sqrt_checked")
    return str(root)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("metrics_repo"))


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


@pytest.fixture
def http_client(srv, new_session):
    return kh.HttpClient(new_session(), srv.url)


def add_sub_inputs(batch=1):
    x = np.arange(16 * batch, dtype=np.float32).reshape(batch, 16)
    return {"INPUT0": x, "INPUT1": np.ones_like(x)}


def model_stats(srv, model):
    response = requests.get(f"{srv.url}/v2/models/{model}/stats", timeout=10)
    assert response.status_code == 200, response.text
    (stats,) = response.json()["model_stats"]
    return stats


def labels(model, **extra):
    return {"model": model, "version": "1", **extra}


# --- routes -----------------------------------------------------------------------------

def test_get_metrics_answers_text_with_every_family(srv):
    families = scrape(srv)
    expected = {name: "counter" for name in COUNT_FAMILIES + DURATION_FAMILIES}
    expected["nv_inference_request_failure"] = "counter"
    expected.update({name: "gauge" for name in GAUGE_FAMILIES + CPU_FAMILIES})
    expected.update({name: "histogram" for name in HISTOGRAM_FAMILIES})
    for name, kind in expected.items():
        assert name in families, f"{name} missing"
        assert families[name].type == kind, name
        assert families[name].documentation, f"{name} has no HELP text"


def test_trailing_slash_is_the_same_endpoint(srv):
    response = requests.get(srv.metrics_url + "/", timeout=10)
    assert response.status_code == 200
    assert "# TYPE nv_inference_count counter" in response.text


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_405(srv, method):
    response = requests.request(method, srv.metrics_url, timeout=10)
    assert response.status_code == 405
    assert response.json() == {"error": "Method Not Allowed"}


def test_other_paths_answer_200_empty(srv):
    response = requests.get(srv.metrics_url.replace("/metrics", "/v2/health/ready"), timeout=10)
    assert response.status_code == 200
    assert response.content == b""


def test_metrics_listen_on_the_http_address_by_default(srv):
    assert f"Started Metrics Service at 127.0.0.1:{srv.metrics_port}" in srv.log()


# --- per-model series -------------------------------------------------------------------

def test_every_model_has_its_series_from_load(srv):
    families = scrape(srv)
    for model in MODELS:
        want = labels(model)
        if model == "tagged":
            want.update({"_team": "vision", "_tier": "gold"})
        for name in COUNT_FAMILIES + DURATION_FAMILIES + GAUGE_FAMILIES:
            assert samples(families, name, **want), f"{name} has no series for {model}"
        reasons = {s.labels["reason"] for s in samples(families, "nv_inference_request_failure",
                                                       **want)}
        assert reasons == set(REASONS), model
        for name in HISTOGRAM_FAMILIES:
            buckets, _, _ = histogram(families, name, **want)
            assert buckets and buckets[-1][0] == float("inf"), f"{name} has no buckets for {model}"


def test_an_idle_model_reads_zero_and_carries_its_tags(srv):
    families = scrape(srv)
    tags = labels("tagged", _team="vision", _tier="gold")
    for name in COUNT_FAMILIES + DURATION_FAMILIES + ["nv_inference_pending_request_count"]:
        assert value(families, name, **tags) == 0, name
    for reason in REASONS:
        assert value(families, "nv_inference_request_failure", reason=reason, **tags) == 0
    for name in HISTOGRAM_FAMILIES:
        buckets, total, count = histogram(families, name, **tags)
        assert count == 0 and total == 0 and all(c == 0 for _, c in buckets)
    assert value(families, "nv_model_load_duration_secs", **tags) > 0


def test_values_agree_with_the_statistics(srv, http_client):
    for batch in (1, 2, 1):
        http_client.infer("add_sub_fp32", add_sub_inputs(batch))
    for _ in range(2):
        with pytest.raises(InferError):  # wrong shape: refused before it is queued
            http_client.infer("add_sub_fp32", {"INPUT0": np.zeros((1, 3), np.float32),
                                               "INPUT1": np.zeros((1, 3), np.float32)})
    stats = model_stats(srv, "add_sub_fp32")
    families = scrape(srv)
    own = labels("add_sub_fp32")
    inference = stats["inference_stats"]
    assert inference["success"]["count"] >= 3
    assert value(families, "nv_inference_request_success", **own) == inference["success"]["count"]
    assert value(families, "nv_inference_count", **own) == stats["inference_count"]
    assert value(families, "nv_inference_exec_count", **own) == stats["execution_count"]
    failures = {r: value(families, "nv_inference_request_failure", reason=r, **own)
                for r in REASONS}
    assert sum(failures.values()) == inference["fail"]["count"]
    assert failures["OTHER"] >= 2
    durations = {"nv_inference_request_duration_us": "success",
                 "nv_inference_queue_duration_us": "queue",
                 "nv_inference_compute_input_duration_us": "compute_input",
                 "nv_inference_compute_infer_duration_us": "compute_infer",
                 "nv_inference_compute_output_duration_us": "compute_output"}
    for name, key in durations.items():
        assert value(families, name, **own) == inference[key]["ns"] // 1000, name
    assert value(families, "nv_inference_pending_request_count", **own) == 0


def test_histograms_count_the_successes_in_cumulative_buckets(srv, http_client):
    http_client.infer("add_sub_fp32", add_sub_inputs())
    stats = model_stats(srv, "add_sub_fp32")
    families = scrape(srv)
    successes = stats["inference_stats"]["success"]["count"]
    for name in HISTOGRAM_FAMILIES:
        buckets, total, count = histogram(families, name, **labels("add_sub_fp32"))
        assert count == successes, name
        bounds = [le for le, _ in buckets]
        counts = [c for _, c in buckets]
        assert bounds == sorted(bounds) and bounds[-1] == float("inf"), name
        assert counts == sorted(counts), f"{name} buckets are not cumulative: {counts}"
        assert counts[-1] == count, name
        assert total >= 0
    request_sum = histogram(families, "inferd_inference_request_duration_us",
                            **labels("add_sub_fp32"))[1]
    # Sum of the same durations, kept in fractional microseconds.
    assert abs(request_sum - stats["inference_stats"]["success"]["ns"] / 1000) < 1


def test_a_failing_execution_counts_as_backend_failure(srv, http_client):
    own = labels("sqrt_checked")
    before = scrape(srv)
    with pytest.raises(InferError):
        http_client.infer("sqrt_checked", {"X": np.array([-1.0], dtype=np.float32)})
    http_client.infer("sqrt_checked", {"X": np.array([4.0], dtype=np.float32)})
    after = scrape(srv)
    assert value(after, "nv_inference_request_failure", reason="BACKEND", **own) == \
        value(before, "nv_inference_request_failure", reason="BACKEND", **own) + 1
    assert value(after, "nv_inference_request_success", **own) == \
        value(before, "nv_inference_request_success", **own) + 1
    stats = model_stats(srv, "sqrt_checked")
    assert value(after, "nv_inference_request_success", **own) == \
        stats["inference_stats"]["success"]["count"]
    assert sum(value(after, "nv_inference_request_failure", reason=r, **own) for r in REASONS) == \
        stats["inference_stats"]["fail"]["count"]


def test_numbers_are_plain_decimals(srv):
    text = requests.get(srv.metrics_url, timeout=10).text
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        number = line.rsplit(" ", 1)[1]
        assert "e" not in number.lower(), line


def test_cpu_and_memory_gauges_are_sane(srv):
    families = scrape(srv)
    utilization = value(families, "nv_cpu_utilization")
    total = value(families, "nv_cpu_memory_total_bytes")
    used = value(families, "nv_cpu_memory_used_bytes")
    assert 0 <= utilization <= 1
    assert total > 0 and 0 < used <= total


# --- flags ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("metrics_small")
    generate.make(str(root), ["add_sub_fp32"])
    return str(root)


def test_counter_latencies_false_removes_the_duration_counters(start_server, small_repo,
                                                                new_session):
    srv = start_server([small_repo], ["--metrics-config=counter_latencies=false",
                                      "--metrics-interval-ms=100"])
    kh.HttpClient(new_session(), srv.url).infer("add_sub_fp32", add_sub_inputs())
    families = scrape(srv)
    for name in DURATION_FAMILIES:
        assert name not in families, name
    own = labels("add_sub_fp32")
    assert value(families, "nv_inference_request_success", **own) == 1
    assert histogram(families, "inferd_inference_request_duration_us", **own)[2] == 1


def test_allow_metrics_false_serves_no_metrics(start_server, small_repo):
    srv = start_server([small_repo], ["--allow-metrics=false"])
    with pytest.raises(requests.ConnectionError):
        requests.get(srv.metrics_url, timeout=5)
    assert requests.get(srv.url + "/v2/health/ready", timeout=5).status_code == 200


def test_allow_cpu_metrics_false_drops_the_cpu_gauges(start_server, small_repo):
    srv = start_server([small_repo], ["--allow-cpu-metrics=false", "--allow-gpu-metrics=false"])
    families = scrape(srv)
    for name in CPU_FAMILIES:
        assert name not in families
    assert "nv_inference_count" in families


def test_metrics_address_and_port_flags(start_server, small_repo):
    srv = start_server([small_repo], ["--metrics-address=127.0.0.1"])
    assert scrape(srv)["nv_inference_count"]


@pytest.mark.parametrize("setting,message", [
    ("summary_latencies=true", "unknown or unsupported key 'summary_latencies'"),
    ("bogus", "unknown or unsupported key 'bogus'"),
    ("counter_latencies=maybe", "counter_latencies expects true or false"),
])
def test_bad_metrics_config_stops_start_up(start_server, small_repo, setting, message):
    srv = start_server([small_repo], [f"--metrics-config={setting}"], wait=None)
    assert srv.wait_exit(30) == 1
    assert message in srv.log()


def test_taken_metrics_port_stops_start_up(start_server, small_repo):
    first = start_server([small_repo])
    second = start_server([small_repo], [f"--metrics-port={first.metrics_port}"], wait=None)
    assert second.wait_exit(60) == 1
    assert f"unable to listen for metrics on 127.0.0.1:{first.metrics_port}" in second.log()
