#!/usr/bin/python3
"""Round-trip cost of the Python backend, measured against the ONNX backend.

Starts build/inferd on a generated repository holding the same identity model
three ways (ONNX Runtime, a Python model.py, and a Python model that forwards
to the ONNX identity with BLS), sends the same requests to each over HTTP with
binary tensors, one at a time on one keep-alive connection, and writes a
Markdown report to bench/results/python_overhead-<date>.md. It also records
the resident memory of a Python model with four instances (four stubs).

Differences between rows of one run are what this measures; the absolute
times include the Python client's own cost.

    /usr/bin/python3 bench/python_overhead.py [--requests N]
"""

import argparse
import datetime
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import requests

from common import write_report

from server_process import ServerProcess  # noqa: E402

IDENTITY_PY = '''
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        return [pb_utils.InferenceResponse([pb_utils.Tensor("OUTPUT0", r.inputs()[0].as_numpy())])
                for r in requests]
'''

BLS_PY = '''
import triton_python_backend_utils as pb_utils

class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for r in requests:
            result = pb_utils.InferenceRequest(model_name="identity_onnx", inputs=[r.inputs()[0]],
                                               requested_output_names=["OUTPUT0"]).exec()
            responses.append(pb_utils.InferenceResponse([result.output_tensors()[0]]))
        return responses
'''

CONFIG = '''
{backend}
max_batch_size: 0
input [ {{ name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] }} ]
output [ {{ name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] }} ]
instance_group [ {{ count: {count} kind: KIND_CPU }} ]
'''


def write_model(repo, name, backend, count=1, model_py=None):
    os.makedirs(os.path.join(repo, name, "1"))
    with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
        f.write(CONFIG.format(backend=backend, count=count))
    if model_py:
        with open(os.path.join(repo, name, "1", "model.py"), "w") as f:
            f.write(model_py)


def write_identity_onnx(path):
    import onnx
    from onnx import TensorProto, helper
    graph = helper.make_graph([helper.make_node("Identity", ["INPUT0"], ["OUTPUT0"])], "identity",
                              [helper.make_tensor_value_info("INPUT0", TensorProto.FLOAT, [-1])],
                              [helper.make_tensor_value_info("OUTPUT0", TensorProto.FLOAT, [-1])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def make_repository(repo):
    write_model(repo, "identity_onnx", 'backend: "onnxruntime"', count=1)
    write_identity_onnx(os.path.join(repo, "identity_onnx", "1", "model.onnx"))
    write_model(repo, "identity_python", 'backend: "python"', model_py=IDENTITY_PY)
    write_model(repo, "bls_python", 'backend: "python"', model_py=BLS_PY)
    write_model(repo, "identity_python_x4", 'backend: "python"', count=4, model_py=IDENTITY_PY)


def infer_once(session, url, data):
    header = ('{"inputs":[{"name":"INPUT0","datatype":"FP32","shape":[%d],'
              '"parameters":{"binary_data_size":%d}}],'
              '"outputs":[{"name":"OUTPUT0","parameters":{"binary_data":true}}]}' % (data.size, data.nbytes)).encode()
    start = time.perf_counter()
    r = session.post(url, data=header + data.tobytes(),
                     headers={"Inference-Header-Content-Length": str(len(header))})
    elapsed = time.perf_counter() - start
    if r.status_code != 200:
        raise RuntimeError(f"{url}: {r.status_code} {r.text}")
    return elapsed


def measure(session, base, model, data, count):
    url = f"{base}/v2/models/{model}/infer"
    for _ in range(max(10, count // 10)):
        infer_once(session, url, data)
    times = sorted(infer_once(session, url, data) for _ in range(count))
    return statistics.mean(times) * 1e6, times[len(times) // 2] * 1e6, times[int(len(times) * 0.99)] * 1e6


def stub_memory_kib(server_pid):
    """Resident memory (KiB) of each Python stub the server runs."""
    children = subprocess.run(["ps", "-o", "pid=,rss=,args=", "--ppid", str(server_pid)],
                              capture_output=True, text=True).stdout.splitlines()
    return [int(line.split()[1]) for line in children if "inferd_python_stub" in line]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "models")
        make_repository(repo)
        server = ServerProcess([repo], os.path.join(tmp, "server.log")).start()
        try:
            server.wait_live()
            server.wait_ready()
            session = requests.Session()
            rows = []
            for label, data in (("16 FP32", np.arange(16, dtype=np.float32)),
                                ("1 MiB FP32", np.arange(262144, dtype=np.float32))):
                count = args.requests if data.size == 16 else max(200, args.requests // 10)
                results = {m: measure(session, server.url, m, data, count)
                           for m in ("identity_onnx", "identity_python", "bls_python")}
                rows.append((label, results))
            memory = stub_memory_kib(server.proc.pid)
        finally:
            server.stop()

    date = datetime.date.today().isoformat()
    lines = [f"# Python backend overhead ({date})", "",
             f"`/usr/bin/python3 bench/python_overhead.py --requests {args.requests}`: HTTP, binary tensors, one "
             "request at a time on one keep-alive connection; times in µs (client included).", "",
             "| tensor | model | mean | p50 | p99 | over ONNX identity (mean) |", "|---|---|---|---|---|---|"]
    for label, results in rows:
        base = results["identity_onnx"][0]
        for model, (mean, p50, p99) in results.items():
            lines.append(f"| {label} | {model} | {mean:.0f} | {p50:.0f} | {p99:.0f} | {mean - base:+.0f} |")
    lines += ["", "Targets: the Python path adds under 50 µs at 16 elements; a BLS call adds under 50 µs over "
              "the callee's own time.", "",
              f"Resident memory: {len(memory)} stubs (one per Python instance; `identity_python_x4` has four) "
              f"use {statistics.mean(memory) / 1024 if memory else 0:.1f} MiB each on average, so a model with "
              f"`count: 4` holds about {4 * statistics.mean(memory) / 1024 if memory else 0:.0f} MiB in stubs "
              "(each stub is one CPython interpreter with numpy)."]
    write_report("python_overhead", date, lines)


if __name__ == "__main__":
    main()
