"""inferd-perf, the load generator of bench/perf/, run against a real inferd.

Each run keeps its windows short; the tests check the shape of the results
(columns, counts > 0, ordered percentiles, server columns present) and the
error paths, never how fast anything was.
"""

import csv
import json
import os
import socket
import subprocess
import threading
import time

import pytest
import requests

import generate
from server_process import ServerProcess, binary_path, free_port

# Short windows, a short warm-up and few trials keep each level near a second.
FAST = ["-p", "300", "--warmup-interval", "200", "-r", "4"]

CSV_COLUMNS = ["Inferences/Second", "Client Send", "Network+Server Send/Recv", "Server Queue",
               "Server Compute Input", "Server Compute Infer", "Server Compute Output", "Client Recv",
               "p50 latency", "p90 latency", "p95 latency", "p99 latency", "Avg latency"]
JSON_KEYS = ["inferences_per_second", "client_send_us", "network_server_send_recv_us", "server_queue_us",
             "server_compute_input_us", "server_compute_infer_us", "server_compute_output_us", "client_recv_us",
             "p50_latency_us", "p90_latency_us", "p95_latency_us", "p99_latency_us", "avg_latency_us",
             "requests", "errors", "late_sends", "dropped_sends", "windows", "stable"]


def perf_binary():
    """build/inferd-perf next to the server binary under test."""
    path = os.environ.get("INFERD_PERF_BINARY",
                          os.path.join(os.path.dirname(binary_path()), "inferd-perf"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"inferd-perf not found at {path}: build it (cmake --build build) or set INFERD_PERF_BINARY")
    return path


def run_perf(*args, timeout=90):
    return subprocess.run([perf_binary(), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def perf_server(tmp_path_factory):
    """One inferd over add_sub_fp32 and string_identity for this module."""
    repo = tmp_path_factory.mktemp("perf_models")
    generate.make(str(repo), ["add_sub_fp32", "string_identity", "int8_identity"])
    log = tmp_path_factory.mktemp("perf_logs") / "server.log"
    srv = ServerProcess([str(repo)], str(log)).start()
    try:
        srv.wait_live()
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def address(srv, protocol):
    return f"127.0.0.1:{srv.grpc_port if protocol == 'grpc' else srv.http_port}"


def target(srv, protocol):
    return ["-i", protocol, "-u", address(srv, protocol)]


def assert_sane_result(row):
    """One level's numbers from the JSON report."""
    for key in JSON_KEYS:
        assert key in row, key
    assert row["requests"] > 0
    assert row["errors"] == 0
    assert row["inferences_per_second"] > 0
    assert row["avg_latency_us"] > 0
    assert 0 < row["p50_latency_us"] <= row["p90_latency_us"] <= row["p95_latency_us"] <= row["p99_latency_us"]
    assert row["client_send_us"] >= 0 and row["client_recv_us"] >= 0
    assert row["network_server_send_recv_us"] >= 0
    for key in ("server_queue_us", "server_compute_input_us", "server_compute_output_us"):
        assert row[key] is not None and row[key] >= 0, key
    assert row["server_compute_infer_us"] > 0
    assert 1 <= row["windows"] <= 4


def read_csv(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [dict(zip(header, line)) for line in reader]


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_concurrency_sweep_writes_csv_and_json(perf_server, protocol, tmp_path):
    csv_path, json_path = tmp_path / "out.csv", tmp_path / "out.json"
    result = run_perf("-m", "add_sub_fp32", *target(perf_server, protocol), "--concurrency-range", "1:4:x2",
                      *FAST, "-f", str(csv_path), "--json-output", str(json_path))
    assert result.returncode == 0, result.stderr

    header, rows = read_csv(csv_path)
    assert header == ["Concurrency"] + CSV_COLUMNS
    assert [row["Concurrency"] for row in rows] == ["1", "2", "4"]
    for row in rows:
        assert float(row["Inferences/Second"]) > 0
        values = {name: int(row[name]) for name in CSV_COLUMNS[1:]}
        assert all(v >= 0 for v in values.values())
        assert values["p50 latency"] <= values["p90 latency"] <= values["p95 latency"] <= values["p99 latency"]
        assert values["Avg latency"] > 0

    report = json.loads(json_path.read_text())
    assert report["model"] == "add_sub_fp32"
    assert report["protocol"] == protocol
    assert report["mode"] == "concurrency"
    assert report["error"] is None
    assert [r["concurrency"] for r in report["results"]] == [1, 2, 4]
    for row, csv_row in zip(report["results"], rows):
        assert_sane_result(row)
        assert round(row["p99_latency_us"]) == int(csv_row["p99 latency"])

    assert "Concurrency" in result.stdout and "p99" in result.stdout
    assert len(result.stdout.strip().splitlines()) >= 4  # header + three levels
    assert "concurrency 4: warm-up" in result.stderr
    assert "window 1:" in result.stderr


def test_additive_range_and_batch_over_json_tensors(perf_server, tmp_path):
    json_path = tmp_path / "out.json"
    result = run_perf("-m", "add_sub_fp32", *target(perf_server, "http"), "--json", "-b", "4",
                      "--concurrency-range", "1:3:2", *FAST, "--json-output", str(json_path))
    assert result.returncode == 0, result.stderr
    assert "JSON inputs" in result.stderr
    report = json.loads(json_path.read_text())
    assert report["batch_size"] == 4
    assert [r["concurrency"] for r in report["results"]] == [1, 3]
    for row in report["results"]:
        assert_sane_result(row)


@pytest.mark.parametrize("protocol,distribution", [("http", "constant"), ("grpc", "poisson")])
def test_request_rate_sweep(perf_server, protocol, distribution, tmp_path):
    csv_path, json_path = tmp_path / "out.csv", tmp_path / "out.json"
    result = run_perf("-m", "add_sub_fp32", *target(perf_server, protocol), "--request-rate-range", "50:100:50",
                      "--request-distribution", distribution, "--max-threads", "4", *FAST,
                      "-f", str(csv_path), "--json-output", str(json_path))
    assert result.returncode == 0, result.stderr
    header, rows = read_csv(csv_path)
    assert header == ["Request Rate"] + CSV_COLUMNS
    assert [row["Request Rate"] for row in rows] == ["50", "100"]
    report = json.loads(json_path.read_text())
    assert report["mode"] == "request_rate"
    assert [r["request_rate"] for r in report["results"]] == [50, 100]
    for row in report["results"]:
        assert_sane_result(row)
        assert row["late_sends"] >= 0 and row["dropped_sends"] >= 0
    assert "Request rate" in result.stdout and "Dropped" in result.stdout


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_string_input_data_file(perf_server, protocol, tmp_path):
    data = tmp_path / "strings.json"
    data.write_text(json.dumps({"data": [
        {"INPUT0": ["hello", "world"]},
        {"INPUT0": {"content": ["a", "b", "c"], "shape": [3]}},
    ]}))
    json_path = tmp_path / "out.json"
    extra = ["--json"] if protocol == "http" else []
    result = run_perf("-m", "string_identity", *target(perf_server, protocol), "--input-data", str(data),
                      *extra, *FAST, "--json-output", str(json_path))
    assert result.returncode == 0, result.stderr
    [row] = json.loads(json_path.read_text())["results"]
    assert_sane_result(row)


def test_numeric_input_data_file_batched(perf_server, tmp_path):
    data = tmp_path / "add_sub.json"
    data.write_text(json.dumps({"data": [
        {"INPUT0": list(range(16)), "INPUT1": {"content": [1.5] * 16, "shape": [16]}},
        {"INPUT0": [[0.5] * 8, [2] * 8], "INPUT1": [0] * 16},
        {"INPUT0": [1] * 16, "INPUT1": [2] * 16},
    ]}))
    json_path = tmp_path / "out.json"
    result = run_perf("-m", "add_sub_fp32", *target(perf_server, "grpc"), "--input-data", str(data), "-b", "2",
                      *FAST, "--json-output", str(json_path))
    assert result.returncode == 0, result.stderr
    [row] = json.loads(json_path.read_text())["results"]
    assert_sane_result(row)


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_large_tensors(perf_server, protocol, tmp_path):
    """2 MB in, 10 MB out: over gRPC, far beyond HTTP/2's first flow-control windows both ways."""
    json_path = tmp_path / "out.json"
    result = run_perf("-m", "int8_identity", *target(perf_server, protocol), "--shape", "INPUT0:2000000",
                      "--concurrency-range", "1:2", *FAST, "--json-output", str(json_path))
    assert result.returncode == 0, result.stderr
    for row in json.loads(json_path.read_text())["results"]:
        assert_sane_result(row)


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_busy_polling_client(perf_server, protocol, tmp_path):
    """--busy-poll-us: answers read by polling, small ones and ones that arrive in many pieces."""
    for model, extra in (("add_sub_fp32", []), ("int8_identity", ["--shape", "INPUT0:2000000"])):
        json_path = tmp_path / f"{model}.json"
        result = run_perf("-m", model, *target(perf_server, protocol), *extra, "--busy-poll-us", "200",
                          "--concurrency-range", "1:2", *FAST, "--json-output", str(json_path))
        assert result.returncode == 0, result.stderr
        rows = json.loads(json_path.read_text())["results"]
        assert [row["concurrency"] for row in rows] == [1, 2]
        for row in rows:
            assert_sane_result(row)


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_system_shared_memory(start_server, tmp_path, protocol):
    """--shared-memory system: tensors through registered regions, none left registered or in /dev/shm."""
    repo = tmp_path / "models"
    generate.make(str(repo), ["add_sub_fp32", "int8_identity"])
    srv = start_server([str(repo)], ["--allow-client-shm=true"])
    for model, extra in (("add_sub_fp32", []),
                         ("int8_identity", ["--shape", "INPUT0:100000", "--output-shared-memory-size", "400000"])):
        json_path = tmp_path / f"{model}.json"
        result = run_perf("-m", model, *target(srv, protocol), *extra, "--shared-memory", "system",
                          "--concurrency-range", "1:2", *FAST, "--json-output", str(json_path))
        assert result.returncode == 0, result.stderr
        assert "system shared memory inputs" in result.stderr
        for row in json.loads(json_path.read_text())["results"]:
            assert_sane_result(row)
    assert requests.get(srv.url + "/v2/systemsharedmemory/status", timeout=10).json() == []
    assert [name for name in os.listdir("/dev/shm") if name.startswith("inferd_perf_")] == []


def test_shared_memory_needs_a_server_that_allows_it(perf_server):
    result = run_perf("-m", "add_sub_fp32", *target(perf_server, "http"), "--shared-memory", "system", *FAST)
    assert result.returncode == 1
    assert "inferd-perf: error: --shared-memory system: cannot register shared memory region 'inferd_perf_" in \
        result.stderr
    assert "server replied 501: Client shared memory is disabled" in result.stderr
    output = run_perf("-m", "add_sub_fp32", *target(perf_server, "grpc"), "--shared-memory", "system", *FAST)
    assert output.returncode == 1
    assert "SystemSharedMemoryRegister failed: UNIMPLEMENTED: Client shared memory is disabled" in output.stderr


def test_grpc_to_an_http_port_is_a_clear_error(perf_server):
    result = run_perf("-m", "add_sub_fp32", "-i", "grpc", "-u", address(perf_server, "http"), "--timeout", "3000",
                      timeout=30)
    assert result.returncode == 1
    assert f"the server at 127.0.0.1:{perf_server.http_port} does not speak gRPC's HTTP/2 " \
           "(its answer is not HTTP/2); is it a gRPC port?" in result.stderr


def test_generated_strings_need_a_shape_for_variable_dims(perf_server):
    result = run_perf("-m", "string_identity", *target(perf_server, "http"), *FAST)
    assert result.returncode == 1
    assert "--shape INPUT0:" in result.stderr
    result = run_perf("-m", "string_identity", *target(perf_server, "http"), "--shape", "INPUT0:3",
                      "--string-length", "16", *FAST)
    assert result.returncode == 0, result.stderr


def test_bad_input_data_file_is_reported(perf_server, tmp_path):
    data = tmp_path / "short.json"
    data.write_text(json.dumps({"data": [{"INPUT0": [1, 2], "INPUT1": [0] * 16}]}))
    result = run_perf("-m", "add_sub_fp32", *target(perf_server, "http"), "--input-data", str(data), *FAST)
    assert result.returncode == 1
    assert "entry 0, input 'INPUT0'" in result.stderr
    assert "2 elements" in result.stderr


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_unknown_model_is_a_clear_error(perf_server, protocol):
    result = run_perf("-m", "no_such_model", *target(perf_server, protocol), *FAST)
    assert result.returncode == 1
    assert "inferd-perf: error:" in result.stderr
    assert "unknown model" in result.stderr and "no_such_model" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_no_server_fails_quickly(protocol):
    start = time.monotonic()
    result = run_perf("-m", "add_sub_fp32", "-i", protocol, "-u", f"127.0.0.1:{free_port()}", "--timeout", "3000",
                      timeout=30)
    assert result.returncode == 1
    assert "cannot connect to 127.0.0.1:" in result.stderr
    assert time.monotonic() - start < 20


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_silent_server_times_out(protocol):
    """A listener that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except socket.timeout:
                pass

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        start = time.monotonic()
        result = run_perf("-m", "add_sub_fp32", "-i", protocol, "-u", f"127.0.0.1:{listener.getsockname()[1]}",
                          "--timeout", "500", timeout=30)
        assert result.returncode == 1
        assert "500 ms" in result.stderr and "--timeout" in result.stderr
        assert time.monotonic() - start < 20
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_server_stopping_mid_run_is_reported(tmp_path, protocol):
    repo = tmp_path / "models"
    generate.make(str(repo), ["add_sub_fp32"])
    srv = ServerProcess([str(repo)], str(tmp_path / "server.log")).start()
    try:
        srv.wait_live()
        srv.wait_ready()
        json_path = tmp_path / "out.json"
        # A tiny stability percentage keeps the run going until the server stops.
        perf = subprocess.Popen([perf_binary(), "-m", "add_sub_fp32", *target(srv, protocol), "-p", "300",
                                 "--warmup-interval", "200", "-s", "0.0001", "-r", "30", "--timeout", "2000",
                                 "--json-output", str(json_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        srv.stop()
        _, stderr = perf.communicate(timeout=60)
        assert perf.returncode == 1
        assert "requests failed at concurrency 1" in stderr
        report = json.loads(json_path.read_text())
        assert "requests failed" in report["error"]
    finally:
        srv.stop()


@pytest.mark.parametrize("args,fragment", [
    (["-m", "m", "--no-such-flag"], "--no-such-flag"),
    ([], "--model-name is required"),
    (["-m", "m", "--concurrency-range", "4:1"], "invalid range '4:1'"),
    (["-m", "m", "--concurrency-range", "1:8:x"], "invalid range"),
    (["-m", "m", "--request-rate-range", "0"], "invalid range"),
    (["-m", "m", "--concurrency-range", "1", "--request-rate-range", "10"], "not both"),
    (["-m", "m", "-i", "grpc", "--json"], "only over HTTP"),
    (["-m", "m", "-i", "udp"], "--protocol"),
    (["-m", "m", "--shape", "INPUT0"], "--shape expects"),
    (["-m", "m", "--request-distribution", "bursty"], "--request-distribution"),
    (["-m", "m", "-u", "host:port"], "invalid address"),
    (["-m", "m", "--busy-poll-us", "-5"], "--busy-poll-us"),
    (["-m", "m", "--shared-memory", "cuda"], "--shared-memory cuda is not supported; use system"),
    (["-m", "m", "--shared-memory", "disk"], "--shared-memory must be none or system"),
    (["-m", "m", "--shared-memory", "system", "--json"], "not as JSON"),
])
def test_bad_flags_are_usage_errors(args, fragment):
    result = run_perf(*args, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith("inferd-perf: error: ")
    assert fragment in result.stderr
    assert result.stdout == ""


def test_help_lists_the_flags():
    result = run_perf("--help", timeout=30)
    assert result.returncode == 0
    for flag in ("--concurrency-range", "--request-rate-range", "--request-distribution", "--measurement-interval",
                 "--stability-percentage", "--max-trials", "--input-data", "--shape", "--json", "--json-output",
                 "--warmup-interval", "--timeout", "--busy-poll-us", "--shared-memory",
                 "--output-shared-memory-size", "-f"):
        assert flag in result.stdout
