"""The logging extension (GET/POST /v2/logging, gRPC LogSettings): the current log settings,
changed while the server runs; what cannot change is refused and nothing of a refused change
is applied."""

import re

import grpc
import pytest

from kserve_grpc import rpc_error

# As the tests start servers: --log-verbose=1 (server_process.py), nothing else set.
DEFAULTS = {"log_file": "", "log_info": True, "log_warning": True, "log_error": True, "log_verbose_level": 1,
            "log_format": "default"}
ISO8601_LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ I \d+ \S+:\d+\] ")


@pytest.fixture
def srv(start_server, model_repo):
    return start_server([model_repo], ["--model-control-mode=explicit", "--load-model=add_sub_fp32"])


def test_http_read_and_change(srv, http):
    url = srv.url + "/v2/logging"
    assert http.get(url).json() == DEFAULTS
    r = http.post(url, json={"log_format": "ISO8601", "log_verbose_level": 0, "log_warning": None})
    assert r.status_code == 200
    assert r.json() == dict(DEFAULTS, log_format="ISO8601", log_verbose_level=0)
    assert http.get(url).json() == r.json()
    # Lines written from now on take the new format.
    assert http.post(srv.url + "/v2/repository/models/add_sub_fp64/load").status_code == 200
    lines = [line for line in srv.log().splitlines() if "add_sub_fp64" in line]
    assert lines and all(ISO8601_LINE.match(line) for line in lines), lines


@pytest.mark.parametrize("body,status,message", [
    ({"log_file": "/tmp/other.log"}, 501, "'log_file' cannot be changed while the server runs; start it with --log-file"),
    ({"log_info": False, "log_format": "json"}, 503, "invalid 'log_format' 'json': it must be \"default\" or \"ISO8601\""),
    ({"log_info": "no"}, 400, "'log_info' must be a boolean"),
    ({"log_verbose_level": -1}, 400, "'log_verbose_level' must be a non-negative integer"),
    ({"log_errors": False}, 400, "unknown log setting 'log_errors'"),
])
def test_http_refusals_change_nothing(srv, http, body, status, message):
    r = http.post(srv.url + "/v2/logging", json=body)
    assert (r.status_code, r.json()) == (status, {"error": message})
    assert http.get(srv.url + "/v2/logging").json() == DEFAULTS


def test_grpc_read_and_change(srv, make_grpc_client, stubs):
    client = make_grpc_client(srv)
    m = stubs.messages

    def settings(response):
        return {key: getattr(value, value.WhichOneof("parameter_choice")) for key, value in response.settings.items()}

    assert settings(client.stub.LogSettings(m.LogSettingsRequest())) == DEFAULTS
    request = m.LogSettingsRequest()
    request.settings["log_info"].bool_param = False
    request.settings["log_verbose_level"].uint32_param = 2
    assert settings(client.stub.LogSettings(request)) == dict(DEFAULTS, log_info=False, log_verbose_level=2)

    for key, field, value, code, message in [
        ("log_file", "string_param", "x.log", grpc.StatusCode.UNIMPLEMENTED,
         "'log_file' cannot be changed while the server runs; start it with --log-file"),
        ("log_format", "string_param", "xml", grpc.StatusCode.UNAVAILABLE,
         "invalid 'log_format' 'xml': it must be \"default\" or \"ISO8601\""),
        ("log_error", "uint32_param", 1, grpc.StatusCode.INVALID_ARGUMENT, "'log_error' must be a bool_param"),
    ]:
        bad = m.LogSettingsRequest()
        setattr(bad.settings[key], field, value)
        error = rpc_error(client.stub.LogSettings, bad)
        assert (error.code(), error.details()) == (code, message)
    assert settings(client.stub.LogSettings(m.LogSettingsRequest()))["log_info"] is False
