"""One inferd server shared by the tests of a module (conftest's `server`, per module).

Tests that do not disturb the server share one; tests that crash stubs or need other
flags use conftest's `start_server`. Use as:

    @pytest.fixture(scope="module")
    def shared(tmp_path_factory, repo):
        yield from serving.shared_server(tmp_path_factory, [repo])

    @pytest.fixture
    def srv(shared):
        yield from serving.checked(shared)
"""

import time

import pytest

from server_process import ServerProcess


def shared_server(tmp_path_factory, repositories, args=()):
    """Generator for a module fixture: a ready server, stopped afterwards."""
    log = tmp_path_factory.mktemp("logs") / "server.log"
    srv = ServerProcess(repositories, str(log), extra_args=args).start()
    try:
        srv.wait_live()
        srv.wait_ready()
    except Exception:
        srv.stop()
        raise
    yield srv
    srv.stop()


def checked(srv):
    """Generator for a test fixture: `srv`, failing the test with the log if it died."""
    if not srv.alive():
        pytest.fail(f"inferd died earlier (code {srv.proc.returncode}); log:\n{srv.log()[-8000:]}")
    yield srv
    if not srv.alive():
        pytest.fail(f"inferd died during the test (code {srv.proc.returncode}); log:\n{srv.log()[-8000:]}")


def wait_for_log(srv, *texts, timeout=10):
    """Wait until one line of the server log contains every text; returns that line."""
    deadline = time.monotonic() + timeout
    while True:
        for line in srv.log().splitlines():
            if all(t in line for t in texts):
                return line
        if time.monotonic() > deadline:
            raise AssertionError(f"no log line with {texts!r} after {timeout}s; log:\n{srv.log()[-6000:]}")
        time.sleep(0.05)
