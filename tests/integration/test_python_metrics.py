"""Custom metrics of Python models (pb_utils.MetricFamily) on /metrics: the values a model
sets appear exactly, with its names, labels and help texts, shared by its instances; misuse
reaches model.py as TritonModelException with Triton's wording and changes nothing.

Models: python_models/custom_metrics (two instances) and python_models/metrics_misuse."""

import numpy as np
import pytest
import requests

import kserve_http as kh
import python_models as pm
from python_models import serving
from scrape import histogram, scrape, value


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_metrics"),
                              ["custom_metrics", "metrics_misuse"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


@pytest.fixture
def http_client(srv, new_session):
    return kh.HttpClient(new_session(), srv.url)


OWN = {"model": "custom_metrics", "version": "1"}
INF = float("inf")


def test_values_set_in_execute_appear_exactly(srv, http_client):
    inputs = [np.array([0.5], np.float32), np.array([1.0, 2.0, 3.0], np.float32),
              np.array([20.0, 30.0], np.float32), np.array([500.0], np.float32)]
    before = value(scrape(srv), "custom_requests", **OWN)
    seen = [http_client.infer("custom_metrics", {"X": x}).as_numpy("SEEN")[0] for x in inputs]
    # value() reads the server's series, which both instances add to.
    assert seen == [before + i for i in range(1, len(inputs) + 1)]

    families = scrape(srv)
    assert families["custom_requests"].type == "counter"
    assert families["custom_requests"].documentation == "Requests this model saw"
    assert value(families, "custom_requests", **OWN) == before + len(inputs)
    assert families["custom_last_size"].type == "gauge"
    assert families["custom_last_size"].documentation == "Elements of the last input"
    assert value(families, "custom_last_size", **OWN) == 1
    assert families["custom_input_sum"].type == "histogram"
    buckets, total, count = histogram(families, "custom_input_sum", **OWN)
    if before == 0:
        assert buckets == [(1, 1), (10, 2), (100, 3), (INF, 4)]
        assert total == 556.5 and count == 4
    assert [le for le, _ in buckets] == [1, 10, 100, INF]
    assert [c for _, c in buckets] == sorted(c for _, c in buckets)
    assert count == before + len(inputs)


def test_series_exist_from_initialize_and_misuse_changes_nothing(srv, http_client):
    for action in ("set_counter", "negative_increment", "observe_gauge", "increment_histogram"):
        http_client.infer("metrics_misuse", {"ACTION": np.array([action.encode()], np.object_)})
    families = scrape(srv)
    assert value(families, "misuse_counter", k="v") == 0
    assert value(families, "misuse_gauge") == 0
    buckets, total, count = histogram(families, "misuse_histogram")
    assert buckets == [(1, 0), (2, 0), (INF, 0)] and total == 0 and count == 0
    assert families["misuse_counter"].documentation == "A counter"


MISUSE = {
    "set_counter": "Failed to set metric value: a counter does not support set()",
    "negative_increment": "Failed to increment metric value: a counter can only be incremented "
                          "by non-negative values",
    "observe_counter": "Failed to observe metric value: a counter does not support observe()",
    "observe_gauge": "Failed to observe metric value: a gauge does not support observe()",
    "increment_histogram": "Failed to increment metric value: a histogram does not support "
                           "increment()",
    "value_histogram": "Failed to get metric value: a histogram does not support value()",
    "kind_conflict": "Error when creating MetricFamily: metric family 'misuse_counter' already "
                     "exists as a counter, not a gauge",
    "other_model_kind_conflict": "Error when creating MetricFamily: metric family "
                                 "'custom_requests' already exists as a counter, not a gauge",
    "reserved_name": "Error when creating MetricFamily: metric family name "
                     "'nv_inference_count' is taken by one of the server's own metrics",
    "bad_name": "Error when creating MetricFamily: invalid metric family name 'bad-name'",
    "bad_label": "Error when creating Metric: invalid label name 'bad-label'",
    "label_not_str": "metric labels must be a dict of str -> str",
    "no_buckets": "Error when creating Metric: a histogram metric needs buckets",
    "unsorted_buckets": "histogram buckets must be finite and strictly increasing",
    "buckets_on_gauge": "buckets are only allowed for histogram metrics",
}


@pytest.mark.parametrize("action", sorted(MISUSE))
def test_misuse_raises_triton_model_exception(srv, http_client, action):
    result = http_client.infer("metrics_misuse", {"ACTION": np.array([action.encode()], np.object_)})
    text = result.as_numpy("RESULT")[0].decode()
    assert text.startswith("TritonModelException: "), text
    assert MISUSE[action] in text, text


def test_same_name_and_kind_is_the_same_family(srv, http_client):
    result = http_client.infer("metrics_misuse",
                               {"ACTION": np.array([b"same_kind_again"], np.object_)})
    assert result.as_numpy("RESULT")[0] == b"ok"
    # The first help text stays, as in Triton.
    assert scrape(srv)["misuse_counter"].documentation == "A counter"


def test_unloading_a_model_removes_its_series(start_server, tmp_path):
    repo = pm.make_repository(tmp_path / "repo", ["custom_metrics"])
    srv = start_server([repo], ["--model-control-mode=explicit", "--load-model=custom_metrics"])
    families = scrape(srv)
    assert value(families, "nv_inference_count", **OWN) == 0
    custom = [name for name, family in families.items()
              if any(s.labels.get("model") == "custom_metrics" for s in family.samples)
              and not name.startswith(("nv_", "inferd_"))]
    assert custom, "the model's own families should be exported while it is loaded"

    assert requests.post(f"{srv.url}/v2/repository/models/custom_metrics/unload").status_code == 200
    families = scrape(srv)
    left = [(name, s.labels) for name, family in families.items() for s in family.samples
            if s.labels.get("model") == "custom_metrics"]
    assert left == []
