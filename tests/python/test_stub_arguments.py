"""The stub binary's command line: bad values are refused with a clear message."""

import os
import socket
import subprocess

import pytest

from fake_server import PYTHON_DIR, STUB_BINARY

pytestmark = pytest.mark.skipif(not os.path.exists(STUB_BINARY), reason="the stub binary is not built")


def run_stub(*args, pass_fds=()):
    return subprocess.run([STUB_BINARY, *args], capture_output=True, text=True, timeout=60, pass_fds=pass_fds)


@pytest.mark.parametrize("value", ["1,2", "a,b,c", "3,,4", "1,2,3,4", ""])
def test_a_malformed_ring_fds_value_is_refused(value):
    result = run_stub("--socket-fd=3", f"--ring-fds={value}", f"--python-dir={PYTHON_DIR}", "--shm-prefix=p")
    assert result.returncode == 2
    assert result.stderr == f"inferd_python_stub: bad --ring-fds value '{value}'\n"


def test_missing_arguments_print_the_usage():
    result = run_stub("--ring-fds=3,4,5")
    assert result.returncode == 2
    assert result.stderr == ("usage: inferd_python_stub --socket-fd=N [--ring-fds=M,A,B] --python-dir=DIR "
                             "--shm-prefix=PREFIX\n")


def test_descriptors_that_hold_no_ring_stop_the_stub(tmp_path):
    stub_end, server_end = socket.socketpair()
    not_a_ring = os.open(tmp_path / "empty", os.O_RDWR | os.O_CREAT)
    fds = (stub_end.fileno(), not_a_ring)
    try:
        result = run_stub(f"--socket-fd={stub_end.fileno()}", f"--ring-fds={not_a_ring},{not_a_ring},{not_a_ring}",
                          f"--python-dir={PYTHON_DIR}", "--shm-prefix=p", pass_fds=fds)
    finally:
        os.close(not_a_ring)
        stub_end.close()
        server_end.close()
    assert result.returncode == 1
    assert "RuntimeError: the shared memory of the Python stub is missing or too small" in result.stderr
