"""The statistics extension: GET /v2/models[/<m>[/versions/<v>]]/stats and gRPC
ModelStatistics, with real counts and durations (spec/metrics.md §3)."""

import time

import grpc
import numpy as np
import pytest
from google.protobuf import json_format

import generate
from kserve_grpc import rpc_error
from python_models import serving

DURATION_KEYS = ["success", "fail", "queue", "compute_input", "compute_infer", "compute_output",
                 "cache_hit", "cache_miss"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("statistics")
    generate.make(str(path), ["add_sub_fp32", "string_identity", "twice"])
    return str(path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def stats(http, srv, model, version=None):
    path = f"/v2/models/{model}" + (f"/versions/{version}" if version else "") + "/stats"
    resp = http.get(srv.url + path)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert len(body["model_stats"]) == 1
    return body["model_stats"][0]


def add_sub(http, srv, rows, model="add_sub_fp32"):
    a = np.ones((rows, 16), dtype=np.float32)
    body = {"inputs": [{"name": n, "datatype": "FP32", "shape": [rows, 16], "data": a.ravel().tolist()}
                       for n in ("INPUT0", "INPUT1")]}
    return http.post(f"{srv.url}/v2/models/{model}/infer", json=body)


def delta(after, before, *keys):
    for key in keys:
        after, before = after[key], before[key]
    return after - before


def test_every_key_is_present_before_any_request(srv, http):
    s = stats(http, srv, "string_identity")
    assert s["name"] == "string_identity"
    assert s["version"] == "1"
    assert s["last_inference"] == 0
    assert s["inference_count"] == 0
    assert s["execution_count"] == 0
    assert sorted(s["inference_stats"]) == sorted(DURATION_KEYS)
    assert all(s["inference_stats"][k] == {"count": 0, "ns": 0} for k in DURATION_KEYS)
    assert s["batch_stats"] == []
    assert s["response_stats"] == {}
    assert s["memory_usage"] == []


def test_successful_requests_count_inferences_executions_and_durations(srv, http):
    before = stats(http, srv, "add_sub_fp32")
    for rows in (1, 2, 3):
        assert add_sub(http, srv, rows).status_code == 200
    after = stats(http, srv, "add_sub_fp32")
    assert delta(after, before, "inference_count") == 6
    assert delta(after, before, "execution_count") == 3
    for key in ("success", "queue", "compute_input", "compute_infer", "compute_output"):
        assert delta(after, before, "inference_stats", key, "count") == 3, key
    assert delta(after, before, "inference_stats", "success", "ns") > 0
    assert delta(after, before, "inference_stats", "compute_infer", "ns") > 0
    # A request's time in the server covers its time in the queue and in the model.
    assert after["inference_stats"]["success"]["ns"] >= after["inference_stats"]["compute_infer"]["ns"]
    sizes = {b["batch_size"]: b for b in after["batch_stats"]}
    for rows in (1, 2, 3):
        assert sizes[rows]["compute_infer"]["count"] >= 1
        assert sizes[rows]["compute_input"]["count"] == sizes[rows]["compute_infer"]["count"]
    assert abs(after["last_inference"] - time.time() * 1000) < 60_000


def test_a_refused_request_counts_as_a_failure(srv, http):
    before = stats(http, srv, "add_sub_fp32")
    body = {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]},
                       {"name": "INPUT1", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]}]}
    assert http.post(f"{srv.url}/v2/models/add_sub_fp32/infer", json=body).status_code == 400
    after = stats(http, srv, "add_sub_fp32")
    assert delta(after, before, "inference_stats", "fail", "count") == 1
    assert delta(after, before, "inference_stats", "success", "count") == 0
    assert delta(after, before, "execution_count") == 0


def test_ensemble_steps_count_their_own_executions(srv, http):
    before_step, before_ensemble = stats(http, srv, "add_sub_fp32"), stats(http, srv, "twice")
    a = np.arange(16, dtype=np.float32).reshape(1, 16)
    body = {"inputs": [{"name": n, "datatype": "FP32", "shape": [1, 16], "data": a.ravel().tolist()}
                       for n in ("A", "B")]}
    resp = http.post(f"{srv.url}/v2/models/twice/infer", json=body)
    assert resp.status_code == 200, resp.text
    assert resp.json()["outputs"][0]["data"] == (2 * a).ravel().tolist()
    after_step, after_ensemble = stats(http, srv, "add_sub_fp32"), stats(http, srv, "twice")
    assert delta(after_step, before_step, "execution_count") == 2
    assert delta(after_step, before_step, "inference_stats", "success", "count") == 2
    assert delta(after_ensemble, before_ensemble, "inference_stats", "success", "count") == 1
    assert delta(after_ensemble, before_ensemble, "inference_count") == 1


def test_all_models_and_version_scopes(srv, http):
    body = http.get(srv.url + "/v2/models/stats").json()
    assert sorted(s["name"] for s in body["model_stats"]) == ["add_sub_fp32", "string_identity", "twice"]
    assert stats(http, srv, "add_sub_fp32", version=1)["version"] == "1"


@pytest.mark.parametrize("path, message", [
    ("/v2/models/nope/stats", "requested model 'nope' is not available"),
    ("/v2/models/add_sub_fp32/versions/7/stats", "requested model version is not available for model 'add_sub_fp32'"),
])
def test_stats_of_a_model_that_is_not_ready(srv, http, path, message):
    resp = http.get(srv.url + path)
    assert (resp.status_code, resp.json()) == (400, {"error": message})


def test_stats_only_answer_get(srv, http):
    resp = http.post(srv.url + "/v2/models/add_sub_fp32/stats", json={})
    assert resp.status_code == 405


def test_server_metadata_lists_the_extension(srv, http):
    assert "statistics" in http.get(srv.url + "/v2").json()["extensions"]


def test_grpc_model_statistics_matches_http(srv, http, make_grpc_client, stubs):
    assert add_sub(http, srv, 2).status_code == 200
    client = make_grpc_client(srv)
    reply = client.stub.ModelStatistics(stubs.messages.ModelStatisticsRequest(name="add_sub_fp32"))
    got = json_format.MessageToDict(reply, preserving_proto_field_name=True)["model_stats"][0]
    expected = stats(http, srv, "add_sub_fp32")
    assert got["name"] == "add_sub_fp32" and got["version"] == "1"
    # Protobuf's JSON writes 64-bit integers as strings.
    assert int(got["inference_count"]) == expected["inference_count"]
    assert int(got["execution_count"]) == expected["execution_count"]
    for key in ("success", "fail", "queue", "compute_infer"):
        assert int(got["inference_stats"][key].get("count", 0)) == expected["inference_stats"][key]["count"]
        assert int(got["inference_stats"][key].get("ns", 0)) == expected["inference_stats"][key]["ns"]
    assert [int(b["batch_size"]) for b in got["batch_stats"]] == [b["batch_size"] for b in expected["batch_stats"]]
    everything = client.stub.ModelStatistics(stubs.messages.ModelStatisticsRequest())
    assert sorted(m.name for m in everything.model_stats) == ["add_sub_fp32", "string_identity", "twice"]


@pytest.mark.parametrize("name, version, message", [
    ("nope", "", "requested model 'nope' is not available"),
    ("add_sub_fp32", "7", "requested model version is not available for model 'add_sub_fp32'"),
])
def test_grpc_statistics_of_a_model_that_is_not_ready(srv, make_grpc_client, stubs, name, version, message):
    client = make_grpc_client(srv)
    error = rpc_error(client.stub.ModelStatistics, stubs.messages.ModelStatisticsRequest(name=name, version=version))
    assert (error.code(), error.details()) == (grpc.StatusCode.INVALID_ARGUMENT, message)
