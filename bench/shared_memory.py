#!/usr/bin/python3
"""Tensors through system shared memory against tensors in the request and response, for a
client on the same machine, over HTTP and gRPC.

One inferd (--allow-client-shm=true) serves `identity_fp32`, ONNX Runtime's Identity on one
FP32 input of any length. For each size, a Python client sends the same tensor in a loop:
  * in the message: HTTP with binary tensors (requests), gRPC with raw_input_contents (grpcio);
  * through shared memory: the input is written once into a POSIX shared memory object the
    client registered, the request names it, and the output comes back into the same object.
Latencies are the client's, one request at a time, after a warm-up; they include the Python
client's own work on the message, which is part of what a user of tritonclient sees.
Writes bench/results/shared_memory-<date>.md.

    /usr/bin/python3 bench/shared_memory.py [--seconds S]
"""

import argparse
import datetime
import mmap
import os
import statistics
import tempfile
import uuid

import numpy as np
import requests
from onnx import TensorProto, helper, save

from common import percentile, timed_loop, write_report

import kserve_grpc  # noqa: E402
import kserve_http as kh  # noqa: E402
import grpc_stubs  # noqa: E402
from server_process import ServerProcess  # noqa: E402

SIZES = {"64 KiB": 1 << 14, "1 MiB": 1 << 18, "4 MiB": 1 << 20}  # FP32 elements
MODEL = "identity_fp32"


def make_repository(repo):
    folder = os.path.join(repo, MODEL)
    os.makedirs(os.path.join(folder, "1"))
    graph = helper.make_graph([helper.make_node("Identity", ["INPUT0"], ["OUTPUT0"])], MODEL,
                              [helper.make_tensor_value_info("INPUT0", TensorProto.FLOAT, ["n"])],
                              [helper.make_tensor_value_info("OUTPUT0", TensorProto.FLOAT, ["n"])])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(folder, "1", "model.onnx"))
    with open(os.path.join(folder, "config.pbtxt"), "w") as f:
        f.write(f'name: "{MODEL}"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 0\n'
                'input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]\n'
                'output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]\n')


class Region:
    """A POSIX shared memory object for one input and one output of `nbytes` each."""

    def __init__(self, nbytes):
        self.key = f"/inferd_bench_{uuid.uuid4().hex[:12]}"
        self.nbytes = nbytes
        fd = os.open("/dev/shm" + self.key, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        os.ftruncate(fd, 2 * nbytes)
        self.map = mmap.mmap(fd, 2 * nbytes)
        os.close(fd)

    def close(self):
        self.map.close()
        os.unlink("/dev/shm" + self.key)


def http_calls(url, x, region, name):
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    body, headers = kh.build_request([kh.InferInput("INPUT0", x)],
                                     outputs=[{"name": "OUTPUT0", "parameters": {"binary_data": True}}])
    infer = f"{url}/v2/models/{MODEL}/infer"

    def in_message():
        r = session.post(infer, data=body, headers=headers)
        assert r.status_code == 200, r.text
        kh.parse_response(r.content, r.headers).as_numpy("OUTPUT0")

    shm = {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [x.size],
                       "parameters": {"shared_memory_region": name, "shared_memory_byte_size": x.nbytes}}],
           "outputs": [{"name": "OUTPUT0", "parameters": {"shared_memory_region": name,
                                                          "shared_memory_offset": x.nbytes,
                                                          "shared_memory_byte_size": x.nbytes}}]}

    def through_shm():
        r = session.post(infer, json=shm)
        assert r.status_code == 200, r.text
        np.frombuffer(region.map, np.float32, x.size, x.nbytes)

    return in_message, through_shm


def grpc_calls(client, stubs, x, region, name):
    plain = client.request(MODEL, {"INPUT0": x})
    shm = stubs.messages.ModelInferRequest(model_name=MODEL)
    tensor = shm.inputs.add(name="INPUT0", datatype="FP32", shape=[x.size])
    output = shm.outputs.add(name="OUTPUT0")
    for params, offset in ((tensor.parameters, 0), (output.parameters, x.nbytes)):
        params["shared_memory_region"].string_param = name
        params["shared_memory_offset"].int64_param = offset
        params["shared_memory_byte_size"].int64_param = x.nbytes

    def in_message():
        kserve_grpc.InferResult(client.stub.ModelInfer(plain, timeout=60)).as_numpy("OUTPUT0")

    def through_shm():
        client.stub.ModelInfer(shm, timeout=60)
        np.frombuffer(region.map, np.float32, x.size, x.nbytes)

    return in_message, through_shm


def measure(call, seconds):
    for _ in range(5):
        call()
    times = timed_loop(call, seconds)
    return statistics.median(times) * 1e3, percentile(times, 0.99) * 1e3, len(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "models")
        make_repository(repo)
        stubs = grpc_stubs.generate(os.path.join(tmp, "stubs"))
        server = ServerProcess([repo], os.path.join(tmp, "server.log"), extra_args=["--allow-client-shm=true"]).start()
        try:
            server.wait_live()
            server.wait_ready()
            client = kserve_grpc.GrpcClient(stubs, server.grpc_target).wait_ready()
            for label, elements in SIZES.items():
                x = np.random.default_rng(0).standard_normal(elements).astype(np.float32)
                region = Region(x.nbytes)
                name = f"bench_{elements}"
                try:
                    region.map[:x.nbytes] = x.tobytes()
                    r = requests.post(f"{server.url}/v2/systemsharedmemory/region/{name}/register",
                                      json={"key": region.key, "byte_size": 2 * x.nbytes})
                    assert r.status_code == 200, r.text
                    for protocol, calls in (("HTTP", http_calls(server.url, x, region, name)),
                                            ("gRPC", grpc_calls(client, stubs, x, region, name))):
                        message, shm = (measure(call, args.seconds) for call in calls)
                        rows.append((label, protocol, message, shm))
                    requests.post(f"{server.url}/v2/systemsharedmemory/region/{name}/unregister")
                finally:
                    region.close()
            client.close()
        finally:
            server.stop()

    date = datetime.date.today().isoformat()
    lines = [f"# System shared memory against tensors in the message ({date})", "",
             f"`/usr/bin/python3 bench/shared_memory.py --seconds {args.seconds:g}`: `{MODEL}` (ONNX Runtime's "
             "Identity, FP32) through one inferd, one Python client on the same machine sending one request at a "
             "time (requests for HTTP with binary tensors, grpcio for gRPC), the same tensor in and out. Median and "
             "p99 of the client's latency in ms; the shared memory path writes the input once before the loop and "
             "reads the output as a numpy view of the object.", "",
             "| tensor | protocol | in the message p50 | p99 | through shared memory p50 | p99 | requests (message, shm) |",
             "|---|---|---|---|---|---|---|"]
    for label, protocol, message, shm in rows:
        lines.append(f"| {label} | {protocol} | {message[0]:.2f} | {message[1]:.2f} | {shm[0]:.2f} | {shm[1]:.2f} "
                     f"| {message[2]}, {shm[2]} |")
    write_report("shared_memory", date, lines)


if __name__ == "__main__":
    main()
