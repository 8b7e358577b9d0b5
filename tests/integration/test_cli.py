"""Command line: tritonserver-style flags; a bad flag is a one-line error and exit code 1."""

import os
import re
import subprocess

import pytest

from server_process import binary_path


def run(*args):
    return subprocess.run([binary_path(), *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("args,fragment", [
    (["--model-repository=/tmp", "--no-such-flag=1"], "--no-such-flag"),
    (["--model-repository=/tmp", "--http-port=abc"], "--http-port"),
    (["--model-repository=/tmp", "--http-port=70000"], "--http-port"),
    (["--model-repository=/tmp", "--exit-on-error=maybe"], "--exit-on-error"),
    (["--model-repository=/tmp", "--model-control-mode=sometimes"], "--model-control-mode"),
    (["--model-repository=/tmp", "--backend-config=onnxruntime,novalue"],
     "--backend-config expects <backend>,<key>=<value>, got 'onnxruntime,novalue'"),
    (["--model-repository=/tmp", "--grpc-keepalive-time=soon"], "--grpc-keepalive-time"),
    (["--model-repository=/tmp", "--http-busy-poll-us=-1"], "--http-busy-poll-us"),
    (["--model-repository=/tmp", "--grpc-busy-poll-us=-1"], "--grpc-busy-poll-us"),
    (["--model-repository=/tmp", "--grpc-busy-poll-us=10001"], "--grpc-busy-poll-us"),
    (["--model-repository=/tmp", "--grpc-busy-poll-us=soon"], "--grpc-busy-poll-us"),
    (["--model-repository=/tmp", "--grpc-infer-thread-count=0"], "--grpc-infer-thread-count"),
    (["--model-repository=/tmp", "--grpc-infer-thread-count=129"], "--grpc-infer-thread-count"),
    (["--http-port=8000"], "--model-repository"),
    (["--model-repository=/tmp", "--cache-config=redis,host=localhost"],
     "--cache-config 'redis,host=localhost': unknown cache 'redis'; inferd has the 'local' cache only"),
    (["--model-repository=/tmp", "--cache-config=local,size=big"],
     "--cache-config 'local,size=big': size must be a number of bytes"),
])
def test_bad_flags_are_one_line_errors(args, fragment):
    result = run(*args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("inferd: error: ")
    assert fragment in lines[0]
    assert result.stdout == ""


def test_help_lists_tritonserver_flags():
    result = run("--help")
    assert result.returncode == 0
    for flag in ("--model-repository", "--http-port", "--grpc-port", "--metrics-port", "--exit-on-error",
                 "--strict-readiness", "--backend-config", "--disable-auto-complete-config", "--log-verbose",
                 "--allow-grpc", "--grpc-keepalive-time", "--grpc-infer-allocation-pool-size"):
        assert flag in result.stdout


def test_http_threads_default_to_one_per_usable_core_up_to_eight():
    result = run("--help")
    default = re.search(r"--http-thread-count [^\n]*=(\d+)", result.stdout)
    assert default, result.stdout
    assert int(default.group(1)) == min(len(os.sched_getaffinity(0)), 8)


def test_http_threads_follow_the_cpu_affinity():
    result = subprocess.run(["taskset", "-c", str(min(os.sched_getaffinity(0))), binary_path(), "--help"],
                            capture_output=True, text=True, timeout=30)
    assert re.search(r"--http-thread-count [^\n]*=1\b", result.stdout), result.stdout


def test_unreadable_repository_fails_start(tmp_path):
    result = run(f"--model-repository={tmp_path}/missing", "--http-port=0")
    assert result.returncode == 1
    assert f"unable to read model repository '{tmp_path}/missing'" in result.stderr


def test_log_file_and_iso8601_format(tmp_path, start_server, model_repo):
    """--log-file receives the log (appended to), in --log-format=ISO8601 lines."""
    log = tmp_path / "inferd.log"
    log.write_text("an earlier line\n")
    srv = start_server([model_repo], [f"--log-file={log}", "--log-format=ISO8601"])
    lines = log.read_text().splitlines()
    assert lines[0] == "an earlier line"
    started = [line for line in lines if "Started HTTPService at" in line]
    assert len(started) == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ I \d+ main\.cc:\d+\] Started HTTPService at .*", started[0])
    assert "Started HTTPService" not in srv.log()  # nothing of it on stderr


def test_default_log_format(start_server, model_repo):
    srv = start_server([model_repo], ["--log-format=default"])
    [started] = [line for line in srv.log().splitlines() if "Started HTTPService at" in line]
    assert re.fullmatch(r"I\d{4} \d\d:\d\d:\d\d\.\d{6} \d+ main\.cc:\d+\] Started HTTPService at .*", started)


@pytest.mark.parametrize("args,fragment", [
    (["--log-format=json"], "--log-format"),
    (["--log-file=/no/such/dir/inferd.log"], "cannot open --log-file '/no/such/dir/inferd.log': No such file or "
                                             "directory"),
])
def test_bad_log_flags(tmp_path, args, fragment):
    result = run(f"--model-repository={tmp_path}", "--http-port=0", "--grpc-port=0", "--metrics-port=0", *args)
    assert result.returncode == 1
    assert result.stderr.startswith("inferd: error: ") and fragment in result.stderr


def test_flags_accepted_for_compatibility_warn(start_server, model_repo):
    """Command lines written for tritonserver keep working; what inferd ignores is said."""
    srv = start_server([model_repo], ["--backend-directory=/opt/tritonserver/backends"])
    log = srv.log()
    assert "--backend-directory is ignored: inferd's backends (onnxruntime, pytorch, python) are built in" in log
