"""Start and stop a real inferd process for integration tests.

The binary comes from $INFERD_BINARY (default <repo>/build/inferd). Each server
gets free loopback ports (found by binding port 0) for HTTP, gRPC and metrics,
writes stdout+stderr to a log file, and is killed at teardown.
"""

import os
import socket
import subprocess
import time

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def binary_path():
    """Path of the server binary under test."""
    return os.environ.get("INFERD_BINARY", os.path.join(ROOT, "build", "inferd"))


def free_port():
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One inferd process: start(), wait_live()/wait_ready(), stop(), log()."""

    def __init__(self, repositories, log_path, extra_args=()):
        self.repositories = list(repositories)
        self.log_path = log_path
        self.extra_args = list(extra_args)
        self.http_port = free_port()
        self.grpc_port = free_port()
        self.metrics_port = free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.grpc_target = f"127.0.0.1:{self.grpc_port}"
        self.metrics_url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        self.proc = None
        self._log_file = None

    def command(self):
        cmd = [binary_path()]
        cmd += [f"--model-repository={r}" for r in self.repositories]
        cmd += [f"--http-port={self.http_port}", f"--grpc-port={self.grpc_port}",
                f"--metrics-port={self.metrics_port}", "--http-address=127.0.0.1",
                "--grpc-address=127.0.0.1", "--log-verbose=1"]
        return cmd + self.extra_args

    def start(self):
        binary = binary_path()
        if not os.access(binary, os.X_OK):
            raise FileNotFoundError(
                f"inferd binary not found at {binary}: run `make build` or set INFERD_BINARY")
        self._log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), stdout=self._log_file,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        """Everything the process has written so far."""
        if self._log_file:
            self._log_file.flush()
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _wait_for(self, path, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(
                    f"inferd exited with code {self.proc.returncode} before {path} "
                    f"answered 200; log:\n{self.log()}")
            try:
                r = requests.get(self.url + path, timeout=2)
                if r.status_code == 200:
                    return
                last = f"status {r.status_code}"
            except requests.RequestException as e:
                last = repr(e)
            time.sleep(0.1)
        raise TimeoutError(f"{path} not 200 after {timeout}s (last: {last}); log:\n{self.log()}")

    def wait_live(self, timeout=60):
        self._wait_for("/v2/health/live", timeout)
        return self

    def wait_ready(self, timeout=60):
        self._wait_for("/v2/health/ready", timeout)
        return self

    def wait_exit(self, timeout=60):
        """Wait for the process to exit by itself; returns its exit code (None on timeout)."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=15):
        """Terminate (SIGTERM, then SIGKILL); returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        return self.proc.returncode
