"""Python models that fail to load: initialize() raising (python_models/init_raises) and the
unsupported EXECUTION_ENV_PATH parameter. The model is not ready, the repository index and
the log give the reason, and the other models serve."""

import subprocess

import numpy as np
import pytest

import python_models as pm
from python_models import serving

ENV_PATH = ('parameters { key: "EXECUTION_ENV_PATH" '
            'value { string_value: "$$TRITON_MODEL_DIRECTORY/python3.11.tar.gz" } }\n')


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_load_failures"), [
        "init_raises",
        ("custom_env", "add_sub_python", ENV_PATH),
        "add_sub_python",
    ])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo], ["--exit-on-error=false", "--strict-readiness=false"])


@pytest.fixture
def tolerant(shared):
    yield from serving.checked(shared)


def index_entries(srv, http):
    r = http.post(srv.url + "/v2/repository/index")
    assert r.status_code == 200, r.text
    return {e["name"]: e for e in r.json()}


def test_initialize_raising_fails_the_load(tolerant, http):
    assert http.get(tolerant.url + "/v2/models/init_raises/ready").status_code != 200
    entry = index_entries(tolerant, http)["init_raises"]
    assert entry["state"] != "READY"
    assert "weights file weights.bin is missing" in entry["reason"], entry
    assert "init_raises" in tolerant.log()


def test_execution_env_path_is_refused(tolerant, http):
    assert http.get(tolerant.url + "/v2/models/custom_env/ready").status_code != 200
    reason = index_entries(tolerant, http)["custom_env"]["reason"]
    assert "EXECUTION_ENV_PATH" in reason and "not supported" in reason, reason


def test_other_models_serve(tolerant, make_client):
    a = np.ones((2, 16), dtype=np.float32)
    result = make_client(tolerant).infer("add_sub_python", {"INPUT0": a, "INPUT1": a})
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + a)


def test_failed_load_stops_startup_by_default(start_server, tmp_path):
    repo = pm.make_repository(tmp_path / "repo", ["init_raises"])
    srv = start_server([repo], wait=None)
    code = srv.wait_exit(timeout=60)
    log = srv.log()
    assert code not in (None, 0), log
    assert "weights file weights.bin is missing" in log, log


def test_no_segments_left_by_failed_loads(tolerant):
    segments = pm.shm_segments(tolerant.proc.pid)
    assert len(segments) == 1 and pm.is_input_segment(segments[0]), segments  # add_sub_python's


def test_failed_initialize_leaves_no_stub_behind(start_server, tmp_path):
    """The stub whose initialize failed is stopped; only the good model's stub runs."""
    repo = pm.make_repository(tmp_path / "repo", ["init_raises", "add_sub_python"])
    srv = start_server([repo], ["--exit-on-error=false", "--strict-readiness=false"], wait="live")
    stubs = subprocess.run(["ps", "-o", "args=", "--ppid", str(srv.proc.pid)], capture_output=True,
                           text=True).stdout.count("inferd_python_stub")
    assert stubs == 1


def test_slow_initialize_hits_the_stub_timeout(start_server, tmp_path):
    repo = pm.make_repository(tmp_path / "repo", ["init_sleeps"])
    srv = start_server([repo], ["--backend-config=python,stub-timeout-seconds=2"], wait=None)
    code = srv.wait_exit(timeout=30)
    log = srv.log()
    assert code not in (None, 0), log
    assert serving.wait_for_log(srv, "init_sleeps", "did not finish initialize within 2 s")
    assert pm.shm_segments(srv.proc.pid) == []
