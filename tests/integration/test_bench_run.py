"""bench/run, the benchmark suite: a quick run of its cheapest row family writes a
report and a plot and leaves no process or temporary file behind, also when
interrupted. No timing is checked.

A process bench/run started is found by a marker variable in its environment,
which every child inherits, or (for nginx, which overwrites that memory with its
process titles) by a file it holds open under the run's TMPDIR.
"""

import os
import signal
import subprocess
import time
import uuid

from server_process import ROOT

RUN = os.path.join(ROOT, "bench", "run")


def _holds_file_under(pid, folder):
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith(folder) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def processes_of(run):
    """Pids of live processes started by the run (marker, temp folder)."""
    marker, temp = run
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                started = marker.encode() in f.read()
        except OSError:
            continue
        if started or _holds_file_under(pid, str(temp)):
            found.append(int(pid))
    return found


def bench_env(tmp_path):
    """Environment for bench/run, and what identifies its processes."""
    token = uuid.uuid4().hex
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp), BENCH_RUN_TEST=token)
    return env, (f"BENCH_RUN_TEST={token}", temp)


def wait_gone(run, timeout=10):
    deadline = time.monotonic() + timeout
    while processes_of(run) and time.monotonic() < deadline:
        time.sleep(0.2)
    return processes_of(run)


def test_quick_tiny_run_writes_report_and_plot_and_cleans_up(tmp_path):
    env, run = bench_env(tmp_path)
    results = tmp_path / "results"
    done = subprocess.run([RUN, "--quick", "--only", "tiny", "--results-dir", str(results)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    reports = list(results.glob("*.md"))
    assert [r.name for r in reports] == [reports[0].name] and reports[0].name.endswith("-tiny-quick.md")
    text = reports[0].read_text()
    for expected in ("inferd HTTP binary", "inferd gRPC", "nginx static", "in-process call", "## Targets",
                     "cores", "bench/run --quick --only tiny", "| inferd HTTP binary, client polling | 1 |",
                     "| inferd gRPC, client polling | 1 |", "(client polling; +"):
        assert expected in text
    assert "PASS" in text or "MISS" in text
    plots = list(results.glob("*-tiny.png"))
    assert len(plots) == 1 and plots[0].read_bytes().startswith(b"\x89PNG")
    assert plots[0].name in text
    assert wait_gone(run) == []
    assert list(run[1].iterdir()) == []


def test_interrupted_run_stops_its_servers(tmp_path):
    env, run = bench_env(tmp_path)
    proc = subprocess.Popen([RUN, "--quick", "--only", "tiny", "--results-dir", str(tmp_path / "results")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        # Wait until a load generator runs: inferd and nginx are both up by then.
        while time.monotonic() < deadline and proc.poll() is None:
            names = []
            for pid in processes_of(run):
                try:
                    with open(f"/proc/{pid}/comm") as f:
                        names.append(f.read().strip())
                except OSError:
                    pass
            if "inferd-perf" in names and "nginx" in names:
                break
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read()[-4000:]
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr[-4000:]
    assert wait_gone(run) == []
    assert list(run[1].iterdir()) == []
    assert not (tmp_path / "results").exists()
