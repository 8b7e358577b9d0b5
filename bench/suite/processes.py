"""Child processes that cannot outlive the run.

Every server and load generator starts in a session of its own, so stopping it
signals its whole process group (nginx's workers, inferd's Python stubs) and a
Ctrl-C at the terminal reaches only this process, which then stops them in
order. Children also get SIGKILL from the kernel if this process dies first.
"""

import ctypes
import os
import signal
import socket
import subprocess
import time

import requests

_PR_SET_PDEATHSIG = 1
# Looked up here, not in the child: after fork only async-signal-safe work is wise.
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def free_port():
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))


def _popen(command, **kwargs):
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=_die_with_parent, **kwargs)


def _stop_group(proc, grace):
    """SIGTERM to the group, then SIGKILL to whatever is left of it."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; its group may still hold children (stubs, workers).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return


def raise_on_termination():
    """Turn SIGTERM and SIGHUP into KeyboardInterrupt so cleanup runs as for Ctrl-C."""
    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)


def run_bounded(command, timeout, log_path):
    """Runs a command to completion (at most `timeout` seconds, then it is
    killed); its output goes to log_path. Returns the exit code."""
    with open(log_path, "ab") as log:
        proc = _popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"{command[0]} did not finish within {timeout:.0f} s; see {log_path}") from None
        finally:
            _stop_group(proc, grace=2)


def run_output(command, timeout, log_path):
    """Like run_bounded, but returns the command's stdout (stderr goes to log_path)."""
    with open(log_path, "ab") as log:
        proc = _popen(command, stdout=subprocess.PIPE, stderr=log)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"{command[0]} did not finish within {timeout:.0f} s; see {log_path}") from None
        finally:
            _stop_group(proc, grace=2)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {proc.returncode}; see {log_path}")
    return out.decode()


class Service:
    """A long-running server process: start(), wait_http(), stop().
    Use as a context manager so it is stopped however the block ends."""

    def __init__(self, name, command, log_path, env=None):
        self.name = name
        self.command = command
        self.log_path = log_path
        self.env = env
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = _popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        return self

    def log_tail(self, chars=3000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_http(self, url, timeout=120):
        """Waits until GET url answers 200 (the process must stay alive)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; log:\n{self.log_tail()}")
            try:
                reply = requests.get(url, timeout=2)
                if reply.status_code == 200:
                    return self
                last = f"status {reply.status_code}"
            except requests.RequestException as e:
                last = type(e).__name__
            time.sleep(0.1)
        raise TimeoutError(f"{self.name}: {url} not 200 after {timeout} s ({last}); log:\n{self.log_tail()}")

    def start_ready(self, checks):
        """start(), then wait_http(url, timeout) for each (url, timeout) of `checks`;
        stops the process if any of that fails."""
        self.start()
        try:
            for url, timeout in checks:
                self.wait_http(url, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        if self.proc is not None:
            _stop_group(self.proc, grace=15)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
