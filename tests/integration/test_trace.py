"""The trace extension: trace settings over HTTP (/v2[/models/<m>]/trace/setting) and gRPC
(TraceSetting), global and per model, and the trace files they produce (Triton's JSON trace
format: one object naming the request, then its timestamps and tensors)."""

import json
import subprocess
import time

import grpc
import numpy as np
import pytest

import generate
import kserve_http as kh
import python_models
from kserve_grpc import rpc_error
from server_process import binary_path

DEFAULTS = {"trace_level": ["OFF"], "trace_rate": "1000", "trace_count": "-1", "log_frequency": "0",
            "trace_mode": "triton"}
# In the order a request passes them; INFER_RESPONSE_COMPLETE comes between COMPUTE_END and REQUEST_END.
CORE_TIMESTAMPS = ["REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END", "COMPUTE_OUTPUT_START",
                   "COMPUTE_END", "REQUEST_END"]
FRONTEND_TIMESTAMPS = {"http": (["HTTP_RECV_START", "HTTP_RECV_END"], ["HTTP_SEND_START", "HTTP_SEND_END"]),
                       "grpc": (["GRPC_WAITREAD_START", "GRPC_WAITREAD_END"], ["GRPC_SEND_START", "GRPC_SEND_END"])}


def assert_timestamps_in_order(stamps, protocol):
    received, sent = FRONTEND_TIMESTAMPS[protocol]
    names = received + CORE_TIMESTAMPS + sent
    assert sorted(stamps) == sorted(names + ["INFER_RESPONSE_COMPLETE"])
    in_order = [stamps[name] for name in names]
    assert in_order == sorted(in_order), stamps
    assert stamps["COMPUTE_END"] <= stamps["INFER_RESPONSE_COMPLETE"] <= stamps["REQUEST_END"]


@pytest.fixture
def trace_file(tmp_path):
    return tmp_path / "trace.json"


@pytest.fixture
def srv(start_server, model_repo, trace_file):
    # Tests stop it themselves to read the traces written at shutdown.
    return start_server([model_repo], [f"--trace-config=triton,file={trace_file}"], wait=None).wait_ready()


def infer_add_sub(srv, http, count, request_id=None):
    a = np.arange(16, dtype=np.int32).reshape(1, 16)
    b = np.full((1, 16), 2, dtype=np.int32)
    client = kh.HttpClient(http, srv.url)
    for _ in range(count):
        result = client.infer("add_sub_int32", {"INPUT0": a, "INPUT1": b}, request_id=request_id)
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)


def traces_by_id(entries):
    """{id: {"about": first object, "timestamps": {name: ns}, "tensors": [(activity, tensor)]}}.
    A request's stamps are unique by name, except those of each response."""
    traces = {}
    for entry in entries:
        trace = traces.setdefault(entry["id"], {"about": None, "timestamps": {}, "tensors": []})
        if "model_name" in entry:
            trace["about"] = entry
        for stamp in entry.get("timestamps", []):
            if stamp["name"] not in ("INFER_RESPONSE_COMPLETE", "GRPC_SEND_START", "GRPC_SEND_END"):
                assert stamp["name"] not in trace["timestamps"], f"{stamp['name']} twice in trace {entry['id']}"
            trace["timestamps"][stamp["name"]] = stamp["ns"]
        if "tensor" in entry:
            trace["tensors"].append((entry["activity"], entry["tensor"]))
    return traces


def test_settings_start_from_the_command_line(srv, http, trace_file):
    expected = dict(DEFAULTS, trace_file=str(trace_file))
    assert http.get(srv.url + "/v2/trace/setting").json() == expected
    assert http.get(srv.url + "/v2/models/add_sub_int32/trace/setting").json() == expected
    assert "trace" in http.get(srv.url + "/v2").json()["extensions"]


def test_timestamps_of_every_request_at_rate_1(srv, http, trace_file):
    r = http.post(srv.url + "/v2/trace/setting", json={"trace_level": ["TIMESTAMPS"], "trace_rate": "1"})
    assert r.status_code == 200
    assert r.json() == dict(DEFAULTS, trace_level=["TIMESTAMPS"], trace_rate="1", trace_file=str(trace_file))
    infer_add_sub(srv, http, 3, request_id="req-7")
    assert srv.stop() == 0
    traces = traces_by_id(json.loads(trace_file.read_text()))
    assert len(traces) == 3
    for trace in traces.values():
        assert trace["about"]["model_name"] == "add_sub_int32"
        assert trace["about"]["model_version"] == 1
        assert trace["about"]["request_id"] == "req-7"
        assert_timestamps_in_order(trace["timestamps"], "http")
        assert trace["tensors"] == []


def test_grpc_requests_have_grpc_timestamps(srv, make_grpc_client, http, trace_file):
    http.post(srv.url + "/v2/trace/setting", json={"trace_level": ["TIMESTAMPS"], "trace_rate": "1"})
    client = make_grpc_client(srv)
    a = np.arange(16, dtype=np.int32).reshape(1, 16)
    for _ in range(2):
        result = client.infer("add_sub_int32", {"INPUT0": a, "INPUT1": a})
        np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), 2 * a)
    assert srv.stop() == 0
    traces = traces_by_id(json.loads(trace_file.read_text()))
    assert len(traces) == 2
    for trace in traces.values():
        assert_timestamps_in_order(trace["timestamps"], "grpc")


def test_stream_requests_have_grpc_timestamps(srv, make_grpc_client, http, trace_file):
    http.post(srv.url + "/v2/trace/setting", json={"trace_level": ["TIMESTAMPS"], "trace_rate": "1"})
    client = make_grpc_client(srv)
    a = np.arange(16, dtype=np.int32).reshape(1, 16)
    requests = [client.request("add_sub_int32", {"INPUT0": a, "INPUT1": a}, request_id=f"s{i}") for i in range(3)]
    responses = list(client.stub.ModelStreamInfer(iter(requests), timeout=60))
    assert [(r.error_message, r.infer_response.id) for r in responses] == [("", "s0"), ("", "s1"), ("", "s2")]
    assert srv.stop() == 0
    traces = traces_by_id(json.loads(trace_file.read_text()))
    assert sorted(trace["about"]["request_id"] for trace in traces.values()) == ["s0", "s1", "s2"]
    for trace in traces.values():
        assert_timestamps_in_order(trace["timestamps"], "grpc")


def test_each_streamed_response_of_a_decoupled_model_has_its_send_stamps(start_server, tmp_path, make_grpc_client,
                                                                       trace_file):
    repo = python_models.make_repository(tmp_path / "repo", ["repeat_decoupled"])
    srv = start_server([str(repo)], [f"--trace-config=triton,file={trace_file}", "--trace-config=level=TIMESTAMPS",
                                     "--trace-config=rate=1"],
                       wait=None).wait_ready()
    client = make_grpc_client(srv)
    inputs = {"COUNT": np.array([3], dtype=np.int32), "MODE": np.array([b"execute"], dtype=np.object_)}
    responses = list(client.stub.ModelStreamInfer(iter([client.request("repeat_decoupled", inputs,
                                                                       request_id="d")]), timeout=60))
    assert [r.error_message for r in responses] == ["", "", ""]
    assert srv.stop() == 0
    [trace_id] = {entry["id"] for entry in json.loads(trace_file.read_text())}
    names = [stamp["name"] for entry in json.loads(trace_file.read_text()) if entry["id"] == trace_id
             for stamp in entry.get("timestamps", [])]
    assert [names.count(name) for name in ("GRPC_WAITREAD_START", "GRPC_WAITREAD_END", "INFER_RESPONSE_COMPLETE",
                                           "GRPC_SEND_START", "GRPC_SEND_END", "REQUEST_END")] == [1, 1, 3, 3, 3, 1]


def test_tensors_level_records_inputs_and_outputs(srv, http, trace_file):
    http.post(srv.url + "/v2/trace/setting", json={"trace_level": ["TENSORS"], "trace_rate": "1"})
    infer_add_sub(srv, http, 1)
    assert srv.stop() == 0
    [trace] = traces_by_id(json.loads(trace_file.read_text())).values()
    assert trace["timestamps"] == {}
    tensors = {(activity, t["name"]): t for activity, t in trace["tensors"]}
    assert tensors[("TENSOR_QUEUE_INPUT", "INPUT0")] == {
        "name": "INPUT0", "data": ",".join(str(i) for i in range(16)), "shape": "1,16", "dtype": "INT32"}
    assert tensors[("TENSOR_QUEUE_INPUT", "INPUT1")]["data"] == ",".join(["2"] * 16)
    assert tensors[("TENSOR_BACKEND_OUTPUT", "OUTPUT0")]["data"] == ",".join(str(i + 2) for i in range(16))
    assert tensors[("TENSOR_BACKEND_OUTPUT", "OUTPUT1")]["data"] == ",".join(str(i - 2) for i in range(16))


def test_rate_count_and_log_frequency(srv, http, trace_file):
    r = http.post(srv.url + "/v2/trace/setting", json={
        "trace_level": ["TIMESTAMPS"], "trace_rate": "2", "trace_count": "3", "log_frequency": "2"})
    assert r.status_code == 200
    infer_add_sub(srv, http, 10)
    # Requests 2, 4 and 6 were traced; the first two finished traces go to <file>.0 while the
    # server runs (written on a thread of their own, renamed into place when complete).
    first_file = trace_file.with_name("trace.json.0")
    deadline = time.monotonic() + 30
    while not first_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    first = traces_by_id(json.loads(first_file.read_text()))
    assert len(first) == 2
    assert http.get(srv.url + "/v2/trace/setting").json()["trace_count"] == "0"
    assert srv.stop() == 0
    rest = traces_by_id(json.loads(trace_file.with_name("trace.json.1").read_text()))
    assert len(rest) == 1 and not set(rest) & set(first)
    assert not trace_file.exists()
    assert not list(trace_file.parent.glob("*.writing"))


def test_model_settings_override_and_clear(srv, http, trace_file):
    model_url = srv.url + "/v2/models/add_sub_int32/trace/setting"
    r = http.post(model_url, json={"trace_level": ["TIMESTAMPS", "TENSORS"], "trace_rate": "1"})
    assert r.json() == dict(DEFAULTS, trace_level=["TIMESTAMPS", "TENSORS"], trace_rate="1",
                            trace_file=str(trace_file))
    assert http.get(srv.url + "/v2/trace/setting").json()["trace_level"] == ["OFF"]
    # A global change shows through where the model sets nothing of its own.
    http.post(srv.url + "/v2/trace/setting", json={"trace_count": "5"})
    assert http.get(model_url).json()["trace_count"] == "5"
    infer_add_sub(srv, http, 2)
    a = np.ones((1, 16), dtype=np.float32)
    kh.HttpClient(http, srv.url).infer("add_sub_fp32", {"INPUT0": a, "INPUT1": a})  # OFF globally: not traced
    # null clears one setting, an empty body all of them.
    assert http.post(model_url, json={"trace_rate": None}).json()["trace_rate"] == "1000"
    assert http.post(model_url, data="").json()["trace_level"] == ["OFF"]
    assert http.get(srv.url + "/v2/trace/setting").json()["trace_count"] == "3"
    assert srv.stop() == 0
    traces = traces_by_id(json.loads(trace_file.read_text()))
    assert [t["about"]["model_name"] for t in traces.values()] == ["add_sub_int32"] * 2


@pytest.mark.parametrize("body,status,message", [
    ({"trace_level": ["VERBOSE"]}, 400, "'trace_level' value 'VERBOSE' is not one of OFF, TIMESTAMPS, TENSORS"),
    ({"trace_level": ["OFF", "TIMESTAMPS"]}, 400, "'trace_level' OFF cannot be given with other levels"),
    ({"trace_level": "TIMESTAMPS"}, 400, "'trace_level' must be an array of strings"),
    ({"trace_level": []}, 400, "'trace_level' needs at least one level"),
    ({"trace_rate": 5}, 400, "'trace_rate' must be a string"),
    ({"trace_rate": "0"}, 400, "'trace_rate' must be a positive integer, got '0'"),
    ({"trace_level": ["TIMESTAMPS"], "trace_count": "-2"}, 400,
     "'trace_count' must be an integer of -1 (no limit) or more, got '-2'"),
    ({"log_frequency": "often"}, 400, "'log_frequency' must be an integer of 0 (at shutdown) or more, got 'often'"),
    ({"trace_file": "/tmp/elsewhere.json"}, 501,
     "'trace_file' cannot be changed while the server runs; start it with --trace-config triton,file=<path>"),
    ({"trace_mode": "opentelemetry"}, 501, "'trace_mode' cannot be changed: inferd traces in mode 'triton'"),
    ({"trace_levels": ["TIMESTAMPS"]}, 400, "unknown trace setting 'trace_levels'"),
    ([1, 2], 400, "the trace settings must be a JSON object"),
])
def test_refusals_change_nothing(srv, http, trace_file, body, status, message):
    r = http.post(srv.url + "/v2/trace/setting", json=body)
    assert (r.status_code, r.json()) == (status, {"error": message})
    assert http.get(srv.url + "/v2/trace/setting").json() == dict(DEFAULTS, trace_file=str(trace_file))


def test_model_paths_name_a_ready_model(start_server, model_repo, http):
    srv = start_server([model_repo], ["--model-control-mode=explicit", "--load-model=add_sub_fp32"])
    unknown = http.get(srv.url + "/v2/models/nope/trace/setting")
    assert (unknown.status_code, unknown.json()) == (404, {"error": "Request for unknown model: 'nope' is not found"})
    not_loaded = http.post(srv.url + "/v2/models/add_sub_int32/trace/setting", json={"trace_rate": "1"})
    assert (not_loaded.status_code, not_loaded.json()) == (400, {"error": "Request for unknown model : add_sub_int32"})
    versioned = http.get(srv.url + "/v2/models/add_sub_fp32/versions/1/trace/setting")
    assert (versioned.status_code, versioned.json()) == (404, {"error": "Not Found"})
    assert http.put(srv.url + "/v2/trace/setting").status_code == 405
    assert http.get(srv.url + "/v2/models/add_sub_fp32/trace/setting").status_code == 200


def test_grpc_trace_setting(srv, make_grpc_client, stubs, trace_file):
    client = make_grpc_client(srv)
    m = stubs.messages

    def settings(response):
        return {key: list(value.value) for key, value in response.settings.items()}

    expected = {key: value if isinstance(value, list) else [value] for key, value in DEFAULTS.items()}
    expected["trace_file"] = [str(trace_file)]
    assert settings(client.stub.TraceSetting(m.TraceSettingRequest())) == expected

    request = m.TraceSettingRequest(model_name="add_sub_int32")
    request.settings["trace_level"].value.extend(["TIMESTAMPS"])
    request.settings["trace_rate"].value.append("1")
    assert settings(client.stub.TraceSetting(request)) == dict(expected, trace_level=["TIMESTAMPS"],
                                                                trace_rate=["1"])
    # An empty list clears a model's setting.
    clear = m.TraceSettingRequest(model_name="add_sub_int32")
    clear.settings["trace_rate"].SetInParent()
    assert settings(client.stub.TraceSetting(clear))["trace_rate"] == ["1000"]

    for model, key, values, code, message in [
        ("", "trace_rate", ["1", "2"], grpc.StatusCode.INVALID_ARGUMENT, "'trace_rate' takes one value, got 2"),
        ("", "trace_file", ["x.json"], grpc.StatusCode.UNIMPLEMENTED,
         "'trace_file' cannot be changed while the server runs; start it with --trace-config triton,file=<path>"),
        ("nope", "trace_rate", ["1"], grpc.StatusCode.NOT_FOUND, "Request for unknown model: 'nope' is not found"),
    ]:
        bad = m.TraceSettingRequest(model_name=model)
        bad.settings[key].value.extend(values)
        error = rpc_error(client.stub.TraceSetting, bad)
        assert (error.code(), error.details()) == (code, message)
    assert settings(client.stub.TraceSetting(m.TraceSettingRequest()))["trace_rate"] == ["1000"]


def test_older_trace_flags(start_server, model_repo, http, trace_file):
    srv = start_server([model_repo], [f"--trace-file={trace_file}", "--trace-level=TIMESTAMPS",
                                      "--trace-level=TENSORS", "--trace-rate=10", "--trace-count=4",
                                      "--trace-log-frequency=2", "--trace-config=rate=20"])
    assert http.get(srv.url + "/v2/trace/setting").json() == {
        "trace_level": ["TIMESTAMPS", "TENSORS"], "trace_rate": "20", "trace_count": "4", "log_frequency": "2",
        "trace_file": str(trace_file), "trace_mode": "triton"}


@pytest.mark.parametrize("flag,message", [
    ("--trace-config=mode=opentelemetry",
     "--trace-config 'mode=opentelemetry': the opentelemetry trace mode is not supported; inferd traces in mode "
     "'triton'"),
    ("--trace-config=rate=0", "--trace-config 'rate=0': 'rate' must be a positive integer, got '0'"),
    ("--trace-config=triton,url=x", "--trace-config 'triton,url=x': unknown setting 'url' (triton settings: file, "
                                    "log-frequency)"),
    ("--trace-config=level=ALL", "--trace-config level: 'trace_level' value 'ALL' is not one of OFF, TIMESTAMPS, "
                                 "TENSORS"),
])
def test_bad_trace_flags(model_repo, flag, message):
    done = subprocess.run([binary_path(), f"--model-repository={model_repo}", flag], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert f"inferd: error: {message}" in done.stderr


def test_restricted_trace_endpoints(start_server, model_repo, http, make_grpc_client, stubs):
    srv = start_server([model_repo], ["--http-restricted-api=trace:trace-key=t",
                                      "--grpc-restricted-protocol=trace:trace-key=t"])
    for path in ("/v2/trace/setting", "/v2/models/add_sub_fp32/trace/setting"):
        refused = http.get(srv.url + path)
        assert (refused.status_code, refused.json()) == (
            403, {"error": "This API is restricted, expecting header 'trace-key'"})
        assert http.get(srv.url + path, headers={"trace-key": "t"}).status_code == 200
    client = make_grpc_client(srv)
    error = rpc_error(client.stub.TraceSetting, stubs.messages.TraceSettingRequest())
    assert (error.code(), error.details()) == (grpc.StatusCode.UNAVAILABLE,
                                               "This protocol is restricted, expecting header 'trace-key'")
    allowed = client.stub.TraceSetting(stubs.messages.TraceSettingRequest(), metadata=[("trace-key", "t")])
    assert list(allowed.settings["trace_level"].value) == ["OFF"]


def test_ensemble_steps_are_traced_as_children(start_server, tmp_path, http, trace_file):
    repo = tmp_path / "repo"
    generate.make(str(repo), ["add_sub_fp32", "twice"])
    srv = start_server([str(repo)], [f"--trace-config=triton,file={trace_file}"], wait=None).wait_ready()
    r = http.post(srv.url + "/v2/models/twice/trace/setting",
                  json={"trace_level": ["TIMESTAMPS"], "trace_rate": "1"})
    assert r.status_code == 200
    a = np.arange(16, dtype=np.float32).reshape(1, 16)
    result = kh.HttpClient(http, srv.url).infer("twice", {"A": a, "B": np.ones_like(a)})
    np.testing.assert_array_equal(result.as_numpy("DOUBLE_A"), 2 * a)
    kh.HttpClient(http, srv.url).infer("add_sub_fp32", {"INPUT0": a, "INPUT1": a})  # not traced on its own
    assert srv.stop() == 0
    traces = traces_by_id(json.loads(trace_file.read_text()))
    [parent] = [t for t in traces.values() if t["about"]["model_name"] == "twice"]
    children = [t for t in traces.values() if t["about"]["model_name"] == "add_sub_fp32"]
    assert len(children) == 2
    assert "parent_id" not in parent["about"]
    for child in children:
        assert child["about"]["parent_id"] == parent["about"]["id"]
        assert "COMPUTE_START" in child["timestamps"]
        assert parent["timestamps"]["REQUEST_START"] <= child["timestamps"]["REQUEST_START"]
        assert child["timestamps"]["REQUEST_END"] <= parent["timestamps"]["REQUEST_END"]
