"""Models that fail to load: reported, and --exit-on-error decides whether startup fails."""

import re

import numpy as np
import pytest

import kserve_http as kh

# Loose hints at the reason each model fails; the exact wording is the server's.
REASON_HINTS = {
    "bad_config": r"pars|syntax|config\.pbtxt|expected|invalid",
    "corrupt_onnx": r"protobuf|pars|invalid|corrupt|deserializ|fail",
    "missing_file": r"model\.onnx|not found|no such|missing|exist",
}


ERROR_LINE = re.compile(r"^E\d{4}|error|fail|unable|cannot|invalid", re.I)


def _explains(log, name):
    """True if an error line names `name` and (apart from the name) hints at the reason."""
    for line in log.splitlines():
        if name not in line or not ERROR_LINE.search(line):
            continue
        if re.search(REASON_HINTS[name], line.replace(name, ""), re.I):
            return True
    return False


@pytest.fixture
def tolerant_server(start_server, broken_repo):
    """Broken and good models together, with startup failures tolerated."""
    return start_server([broken_repo], ["--exit-on-error=false", "--strict-readiness=false"])


def test_good_models_serve_next_to_broken_ones(tolerant_server, http):
    url = tolerant_server.url
    assert http.get(url + "/v2/health/live").status_code == 200
    assert http.get(url + "/v2/health/ready").status_code == 200
    assert http.get(url + "/v2/models/add_sub_fp32/ready").status_code == 200
    a = np.arange(16, dtype=np.float32).reshape(1, 16)
    resp, result = kh.infer(http, url, "add_sub_fp32",
                            [kh.InferInput("INPUT0", a), kh.InferInput("INPUT1", a)])
    assert resp.status_code == 200, resp.text
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + a)
    strings = np.array([b"still", b"serving"], dtype=np.object_)
    resp, result = kh.infer(http, url, "string_identity",
                            [kh.InferInput("INPUT0", strings, datatype="BYTES")])
    assert resp.status_code == 200, resp.text
    assert list(result.as_numpy("OUTPUT0")) == [b"still", b"serving"]


@pytest.mark.parametrize("name", sorted(REASON_HINTS))
def test_broken_model_not_ready(tolerant_server, http, name):
    r = http.get(f"{tolerant_server.url}/v2/models/{name}/ready")
    assert r.status_code != 200
    a = np.zeros((1, 16), dtype=np.float32)
    resp, _ = kh.infer(http, tolerant_server.url, name, [kh.InferInput("INPUT0", a)])
    assert resp.status_code != 200
    assert "error" in resp.json()


def test_broken_models_logged(tolerant_server):
    log = tolerant_server.log()
    for name in REASON_HINTS:
        assert name in log, f"no log line names {name}; log:\n{log}"
        assert _explains(log, name), f"no reason given for {name}; log:\n{log}"


def test_strict_readiness_reports_not_ready(start_server, broken_repo, http):
    srv = start_server([broken_repo], ["--exit-on-error=false"], wait="live")
    assert http.get(srv.url + "/v2/health/ready").status_code != 200
    assert http.get(srv.url + "/v2/models/add_sub_fp32/ready").status_code == 200


def test_repository_index_shows_failure(tolerant_server, http):
    r = http.post(tolerant_server.url + "/v2/repository/index")
    assert r.status_code == 200
    entries = {e["name"]: e for e in r.json()}
    assert set(REASON_HINTS) | {"add_sub_fp32", "string_identity"} <= set(entries)
    assert entries["add_sub_fp32"]["state"] == "READY"
    for name in REASON_HINTS:
        assert entries[name].get("state") != "READY", entries[name]
        if name != "bad_config":  # an unparsable config may never get a version entry
            assert entries[name].get("reason"), entries[name]


@pytest.mark.parametrize("name", sorted(REASON_HINTS))
def test_exit_on_error_by_default(start_server, single_broken_repos, name):
    srv = start_server([single_broken_repos[name]], wait=None)
    code = srv.wait_exit(timeout=60)
    log = srv.log()
    assert code is not None, f"server still running with a broken model; log:\n{log}"
    assert code != 0, log
    assert name in log, f"log does not name {name}:\n{log}"
    assert _explains(log, name), f"no reason given for {name}; log:\n{log}"
