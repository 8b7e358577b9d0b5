"""System shared memory (the shared memory extension) over HTTP and gRPC: regions a client
creates with shm_open and registers; inputs read from them and outputs written to them; every
misuse answered with a clear error while the server keeps serving."""

import mmap
import os
import uuid

import grpc
import numpy as np
import pytest

import kserve_grpc
from kserve_grpc import rpc_error

DISABLED = "Client shared memory is disabled. Start the server with '--allow-client-shm=true' to enable."
X = np.arange(16, dtype=np.float32).reshape(1, 16)
Y = np.full((1, 16), 0.5, dtype=np.float32)


class PosixRegion:
    """A POSIX shared memory object the test owns, as tritonclient's shared_memory module makes them."""

    def __init__(self, size):
        self.key = f"/inferd_test_{uuid.uuid4().hex[:12]}"
        fd = os.open("/dev/shm" + self.key, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        os.ftruncate(fd, size)
        self.map = mmap.mmap(fd, size)
        os.close(fd)

    def write(self, offset, array):
        data = array.tobytes()
        self.map[offset:offset + len(data)] = data

    def read(self, offset, like):
        return np.frombuffer(self.map[offset:offset + like.nbytes], dtype=like.dtype).reshape(like.shape)

    def close(self):
        self.map.close()
        os.unlink("/dev/shm" + self.key)


@pytest.fixture
def region():
    made = PosixRegion(4096)
    yield made
    made.close()


@pytest.fixture
def shm_server(start_server, model_repo):
    return start_server([model_repo], ["--allow-client-shm=true"])


def shm_input(name, region, offset, size=64):
    return {"name": name, "datatype": "FP32", "shape": [1, 16],
            "parameters": {"shared_memory_region": region, "shared_memory_offset": offset,
                           "shared_memory_byte_size": size}}


def shm_output(name, region, offset, size=64):
    return {"name": name, "parameters": {"shared_memory_region": region, "shared_memory_offset": offset,
                                         "shared_memory_byte_size": size}}


def test_disabled_by_default(server, http, grpc_client, stubs):
    url = server.url + "/v2/systemsharedmemory"
    r = http.post(url + "/region/r/register", json={"key": "/k", "byte_size": 16})
    assert r.status_code == 501 and r.json() == {"error": DISABLED}
    assert http.post(url + "/unregister").status_code == 501
    assert http.get(url + "/status").json() == []  # status still answers
    m = stubs.messages
    error = rpc_error(grpc_client.stub.SystemSharedMemoryRegister,
                      m.SystemSharedMemoryRegisterRequest(name="r", key="/k", byte_size=16))
    assert (error.code(), error.details()) == (grpc.StatusCode.UNIMPLEMENTED, DISABLED)
    assert grpc_client.stub.SystemSharedMemoryStatus(m.SystemSharedMemoryStatusRequest()).regions == {}


def test_http_register_status_unregister(shm_server, http, region):
    url = shm_server.url + "/v2/systemsharedmemory"
    assert http.post(url + "/region/r1/register", json={"key": region.key, "byte_size": 1024}).status_code == 200
    assert http.post(url + "/region/r2/register",
                     json={"key": region.key, "offset": 1024, "byte_size": 3072}).status_code == 200
    assert sorted(http.get(url + "/status").json(), key=lambda e: e["name"]) == [
        {"name": "r1", "key": region.key, "offset": 0, "byte_size": 1024},
        {"name": "r2", "key": region.key, "offset": 1024, "byte_size": 3072}]
    assert http.post(url + "/region/r2/status").json() == [
        {"name": "r2", "key": region.key, "offset": 1024, "byte_size": 3072}]

    r = http.post(url + "/region/r1/register", json={"key": region.key, "byte_size": 8})
    assert (r.status_code, r.json()) == (400, {"error": "shared memory region 'r1' already in manager"})
    r = http.post(url + "/region/r3/register", json={"key": region.key, "offset": 4000, "byte_size": 100})
    assert r.status_code == 400
    assert r.json()["error"] == (f"failed to register shared memory region 'r3': invalid args: offset 4000 + "
                                 f"byte_size 100 exceeds the 4096 bytes of '{region.key}'")
    r = http.post(url + "/region/r3/register", json={"key": "/inferd_no_such_object", "byte_size": 8})
    assert r.status_code == 400
    assert r.json()["error"].startswith("Unable to open shared memory region: '/inferd_no_such_object'")
    r = http.post(url + "/region/r3/register", json={"key": "/triton_python_backend_shm_region_1", "byte_size": 8})
    assert r.status_code == 400 and "reserved for the Python backend" in r.json()["error"]
    r = http.post(url + "/register", json={"key": region.key, "byte_size": 8})
    assert r.status_code == 400 and "needs its name in the path" in r.json()["error"]
    r = http.post(url + "/region/r3/register", json={"key": region.key})
    assert r.status_code == 400 and "'byte_size'" in r.json()["error"]
    r = http.get(url + "/region/nope/status")
    assert (r.status_code, r.json()) == (404, {"error": "Unable to find system shared memory region: 'nope'"})

    assert http.post(url + "/region/nope/unregister").status_code == 200  # unknown: nothing to do
    assert http.post(url + "/region/r1/unregister").status_code == 200
    assert [e["name"] for e in http.get(url + "/status").json()] == ["r2"]
    assert http.post(url + "/unregister").status_code == 200
    assert http.get(url + "/status").json() == []


def test_http_inference_through_shared_memory(shm_server, http, region):
    url = shm_server.url
    assert http.post(url + "/v2/systemsharedmemory/region/io/register",
                     json={"key": region.key, "offset": 256, "byte_size": 512}).status_code == 200
    region.write(256, X)
    region.write(256 + 64, Y)
    request = {"inputs": [shm_input("INPUT0", "io", 0), shm_input("INPUT1", "io", 64)],
               "outputs": [shm_output("OUTPUT0", "io", 128), {"name": "OUTPUT1", "parameters": {"binary_data": False}}]}
    r = http.post(url + "/v2/models/add_sub_fp32/infer", json=request)
    assert r.status_code == 200, r.text
    sum_entry, difference = r.json()["outputs"]
    # The output written to shared memory carries neither data nor parameters.
    assert sum_entry == {"name": "OUTPUT0", "datatype": "FP32", "shape": [1, 16]}
    np.testing.assert_array_equal(region.read(256 + 128, X), X + Y)
    np.testing.assert_array_equal(np.array(difference["data"], np.float32).reshape(1, 16), X - Y)


@pytest.mark.parametrize("change,status,message", [
    (lambda q: q["inputs"][0]["parameters"].update(shared_memory_offset=480), 400,
     "input 'INPUT0' uses 64 bytes at offset 480 of shared memory region 'io', which has 512 bytes"),
    (lambda q: q["inputs"][0]["parameters"].update(shared_memory_region="nope"), 400,
     "Unable to find shared memory region: 'nope'"),
    (lambda q: q["inputs"][0]["parameters"].pop("shared_memory_byte_size"), 400,
     "'shared_memory_byte_size' of input 'INPUT0' must be given as a non-negative integer with "
     "'shared_memory_region'"),
    (lambda q: q["outputs"][0]["parameters"].update(shared_memory_byte_size=32), 500,
     "shared memory size specified with the request for output 'OUTPUT0' (32 bytes) should be at least 64 bytes "
     "to hold the results"),
    (lambda q: q["outputs"][0]["parameters"].update(classification=2), 400,
     "output 'OUTPUT0' cannot use both shared memory and the classification extension"),
])
def test_http_shared_memory_misuse(shm_server, http, region, change, status, message):
    url = shm_server.url
    assert http.post(url + "/v2/systemsharedmemory/region/io/register",
                     json={"key": region.key, "byte_size": 512}).status_code == 200
    request = {"inputs": [shm_input("INPUT0", "io", 0), shm_input("INPUT1", "io", 64)],
               "outputs": [shm_output("OUTPUT0", "io", 128)]}
    change(request)
    r = http.post(url + "/v2/models/add_sub_fp32/infer", json=request)
    assert (r.status_code, r.json()) == (status, {"error": message})
    # The server keeps serving.
    good = {"inputs": [shm_input("INPUT0", "io", 0), shm_input("INPUT1", "io", 64)]}
    assert http.post(url + "/v2/models/add_sub_fp32/infer", json=good).status_code == 200


def test_input_size_must_match_its_shape(shm_server, http, region):
    url = shm_server.url
    http.post(url + "/v2/systemsharedmemory/region/io/register", json={"key": region.key, "byte_size": 512})
    request = {"inputs": [shm_input("INPUT0", "io", 0, size=60), shm_input("INPUT1", "io", 64)]}
    r = http.post(url + "/v2/models/add_sub_fp32/infer", json=request)
    assert (r.status_code, r.json()) == (400, {"error": "input byte size mismatch for input 'INPUT0' for model "
                                                        "'add_sub_fp32'. Expected 64, got 60"})


def test_grpc_register_infer_unregister(shm_server, make_grpc_client, stubs, region):
    client = make_grpc_client(shm_server)
    m = stubs.messages
    client.stub.SystemSharedMemoryRegister(m.SystemSharedMemoryRegisterRequest(
        name="g", key=region.key, offset=0, byte_size=2048))
    status = client.stub.SystemSharedMemoryStatus(m.SystemSharedMemoryStatusRequest(name="g"))
    entry = status.regions["g"]
    assert (entry.name, entry.key, entry.offset, entry.byte_size) == ("g", region.key, 0, 2048)
    error = rpc_error(client.stub.SystemSharedMemoryRegister,
                      m.SystemSharedMemoryRegisterRequest(name="g", key=region.key, byte_size=8))
    assert (error.code(), error.details()) == (grpc.StatusCode.ALREADY_EXISTS,
                                               "shared memory region 'g' already in manager")
    error = rpc_error(client.stub.SystemSharedMemoryStatus, m.SystemSharedMemoryStatusRequest(name="nope"))
    assert (error.code(), error.details()) == (grpc.StatusCode.NOT_FOUND,
                                               "Unable to find system shared memory region: 'nope'")

    region.write(0, X)
    request = m.ModelInferRequest(model_name="add_sub_fp32")
    for name, offset in (("INPUT0", 0), ("INPUT1", 64)):
        tensor = request.inputs.add(name=name, datatype="FP32", shape=[1, 16])
        tensor.parameters["shared_memory_region"].string_param = "g"
        tensor.parameters["shared_memory_offset"].int64_param = offset
        tensor.parameters["shared_memory_byte_size"].int64_param = 64
    region.write(64, Y)
    shm_out = request.outputs.add(name="OUTPUT1")
    shm_out.parameters["shared_memory_region"].string_param = "g"
    shm_out.parameters["shared_memory_offset"].int64_param = 1024
    shm_out.parameters["shared_memory_byte_size"].int64_param = 64
    request.outputs.add(name="OUTPUT0")
    response = client.stub.ModelInfer(request, timeout=30)
    assert [o.name for o in response.outputs] == ["OUTPUT1", "OUTPUT0"]
    # One raw entry per output, empty for the one in shared memory.
    assert response.raw_output_contents[0] == b""
    np.testing.assert_array_equal(np.frombuffer(response.raw_output_contents[1], np.float32).reshape(1, 16), X + Y)
    np.testing.assert_array_equal(region.read(1024, X), X - Y)

    shm_out.parameters["shared_memory_byte_size"].int64_param = 8
    error = rpc_error(client.stub.ModelInfer, request, timeout=30)
    assert error.code() == grpc.StatusCode.INTERNAL and "should be at least 64 bytes" in error.details()

    client.stub.SystemSharedMemoryUnregister(m.SystemSharedMemoryUnregisterRequest(name="g"))
    assert client.stub.SystemSharedMemoryStatus(m.SystemSharedMemoryStatusRequest()).regions == {}
    error = rpc_error(client.stub.ModelInfer, request, timeout=30)
    assert (error.code(), error.details()) == (grpc.StatusCode.INVALID_ARGUMENT,
                                               "Unable to find shared memory region: 'g'")
    assert kserve_grpc.InferResult(client.stub.ModelInfer(
        client.request("add_sub_fp32", {"INPUT0": X, "INPUT1": Y}), timeout=30)).as_numpy("OUTPUT0").shape == (1, 16)
