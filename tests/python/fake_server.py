"""Plays the server's side of the stub protocol (src/python_stub/PROTOCOL.md) in tests.

Starts a stub (python/inferd_stub.py under /usr/bin/python3, or the built
build/inferd_python_stub) on one end of a socketpair, owns the instance's input segment,
and offers helpers to send frames, place input tensors and read output tensors the way
the server does (mapping and unlinking stub-created segments at once).
"""

import json
import mmap
import os
import socket
import struct
import subprocess
import uuid

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_DIR = os.path.join(ROOT, "python")
STUB_SCRIPT = os.path.join(PYTHON_DIR, "inferd_stub.py")
STUB_BINARY = os.path.join(ROOT, os.environ.get("INFERD_BUILD_DIR", "build"),
                           "inferd_python_stub")
SHM_DIR = "/dev/shm"

_WIRE_DTYPES = {
    "BOOL": "|b1", "UINT8": "|u1", "UINT16": "<u2", "UINT32": "<u4", "UINT64": "<u8",
    "INT8": "|i1", "INT16": "<i2", "INT32": "<i4", "INT64": "<i8",
    "FP16": "<f2", "FP32": "<f4", "FP64": "<f8",
}
_NUMPY_TO_WIRE = {np.dtype(v).str: k for k, v in _WIRE_DTYPES.items()}


def encode_bytes(values):
    """KServe BYTES encoding of an iterable of bytes."""
    return b"".join(struct.pack("<I", len(v)) + v for v in values)


def decode_bytes(data):
    items, offset = [], 0
    while offset < len(data):
        (length,) = struct.unpack_from("<I", data, offset)
        items.append(bytes(data[offset + 4:offset + 4 + length]))
        offset += 4 + length
    return items


def leftover_segments(prefix):
    """Names of /dev/shm entries starting with `prefix` (without leading slash)."""
    return sorted(n for n in os.listdir(SHM_DIR) if n.startswith(prefix))


class FakeServer:
    def __init__(self, kind="python", input_size=1 << 20, timeout=20.0):
        self.prefix = f"inferd_test_{uuid.uuid4().hex[:12]}"
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        args = [f"--socket-fd={child.fileno()}", f"--python-dir={PYTHON_DIR}",
                f"--shm-prefix={self.prefix}"]
        if kind == "binary":
            command = [STUB_BINARY, *args]
        else:
            command = ["/usr/bin/python3", STUB_SCRIPT, *args]
        self.proc = subprocess.Popen(command, pass_fds=[child.fileno()])
        child.close()
        self.sock = parent
        self.sock.settimeout(timeout)
        self.input_segment = None
        self.input_size = 0
        self.next_offset = 0
        self._input_map = None
        self.new_input_segment(input_size)

    # --- input segment ----------------------------------------------------------------

    def new_input_segment(self, size):
        """Creates (and returns the name of) a fresh input segment, dropping the old one."""
        if self.input_segment:
            os.unlink(os.path.join(SHM_DIR, self.input_segment[1:]))
        name = f"/{self.prefix}in{uuid.uuid4().hex[:6]}"
        fd = os.open(os.path.join(SHM_DIR, name[1:]), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.ftruncate(fd, size)
        self._input_map = mmap.mmap(fd, size)
        os.close(fd)
        self.input_segment, self.input_size = name, size
        return name

    def place_inputs(self, tensors, offset=0):
        """Writes {name: ndarray} into the input segment from `offset` (the server starts
        each execute at 0; pass `self.next_offset` for a further request of the same
        batch); returns the tensor descriptors. Object arrays are sent as BYTES."""
        descs = []
        for name, array in tensors.items():
            array = np.asarray(array)
            if array.dtype == np.object_:
                data, datatype = encode_bytes(array.ravel().tolist()), "BYTES"
            else:
                array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
                data, datatype = array.tobytes(), _NUMPY_TO_WIRE[array.dtype.str]
            self._input_map[offset:offset + len(data)] = data
            descs.append({"name": name, "datatype": datatype, "shape": list(array.shape),
                          "data": {"shm": self.input_segment, "offset": offset,
                                   "size": len(data)}})
            offset += len(data)
        self.next_offset = offset
        return descs

    # --- frames -----------------------------------------------------------------------

    def send(self, header, blob=b""):
        raw = json.dumps(header).encode()
        self.sock.sendall(struct.pack("<II", len(raw), len(blob)) + raw + blob)

    def _read(self, size):
        chunks, remaining = [], size
        while remaining:
            chunk = self.sock.recv(remaining)
            if not chunk:
                raise EOFError("stub closed the socket")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def recv(self):
        header_size, blob_size = struct.unpack("<II", self._read(8))
        header = json.loads(self._read(header_size))
        return header, self._read(blob_size)

    def recv_skipping_logs(self, logs=None):
        """Next frame that is not a `log` message (those are appended to `logs`)."""
        while True:
            header, blob = self.recv()
            if header["type"] != "log":
                return header, blob
            if logs is not None:
                logs.append(header)

    # --- tensors from the stub ----------------------------------------------------------

    def tensor(self, desc, blob):
        """numpy array of an output tensor; stub segments are read and unlinked at once."""
        data = desc["data"]
        if "inline" in data:
            offset, size = data["inline"]
            raw = blob[offset:offset + size]
        else:
            path = os.path.join(SHM_DIR, data["shm"].lstrip("/"))
            assert data["shm"].startswith("/" + self.prefix + "_"), data["shm"]
            with open(path, "rb") as f:
                f.seek(data["offset"])
                raw = f.read(data["size"])
            os.unlink(path)
        if desc["datatype"] == "BYTES":
            return np.array(decode_bytes(raw), dtype=np.object_).reshape(desc["shape"])
        dtype = np.dtype(_WIRE_DTYPES[desc["datatype"]])
        return np.frombuffer(raw, dtype).reshape(desc["shape"])

    def outputs(self, response, blob):
        return {t["name"]: self.tensor(t, blob) for t in response["outputs"]}

    # --- lifecycle --------------------------------------------------------------------

    def init(self, model_path, args=None, decoupled=False):
        version_dir = os.path.dirname(model_path)
        model_dir = os.path.dirname(version_dir)
        full_args = {
            "model_config": json.dumps({"name": os.path.basename(model_dir)}),
            "model_instance_kind": "CPU",
            "model_instance_name": f"{os.path.basename(model_dir)}_0_0",
            "model_instance_device_id": "0",
            "model_repository": model_dir,
            "model_version": os.path.basename(version_dir),
            "model_name": os.path.basename(model_dir),
        }
        full_args.update(args or {})
        self.send({"type": "init", "model_path": model_path, "model_dir": model_dir,
                   "version_dir": version_dir, "args": full_args, "decoupled": decoupled,
                   "input_segment": self.input_segment,
                   "input_segment_size": self.input_size})
        return self.recv_skipping_logs()

    def finalize(self):
        self.send({"type": "finalize"})
        header, _ = self.recv_skipping_logs()
        assert header["type"] == "finalize_done", header
        assert self.proc.wait(timeout=20) == 0

    def close(self):
        """Stops the stub (if still running) and removes the input segment."""
        self.sock.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.input_segment:
            try:
                os.unlink(os.path.join(SHM_DIR, self.input_segment[1:]))
            except FileNotFoundError:
                pass
            self.input_segment = None


def write_model(root, name, source, version="1", filename="model.py"):
    """Writes `source` as <root>/<name>/<version>/<filename>; returns the file's path."""
    version_dir = os.path.join(str(root), name, version)
    os.makedirs(version_dir, exist_ok=True)
    path = os.path.join(version_dir, filename)
    with open(path, "w") as f:
        f.write(source)
    return path
