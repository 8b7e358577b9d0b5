"""Minimal KServe v2 HTTP codec with Triton's binary tensor extension (numpy only).

Shared by the integration tests and the quick-deploy example client, because
tritonclient cannot be installed here. It builds request bodies (JSON header,
optionally followed by raw tensor blobs announced by Inference-Header-Content-Length)
and decodes response bodies back into numpy arrays. BYTES elements travel as a
4-byte little-endian length followed by the raw bytes.
"""

import json
import struct

import numpy as np

from client_api import InferError

HEADER_LENGTH = "Inference-Header-Content-Length"

_NP_BY_DATATYPE = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32,
    "UINT64": np.uint64, "INT8": np.int8, "INT16": np.int16, "INT32": np.int32,
    "INT64": np.int64, "FP16": np.float16, "FP32": np.float32, "FP64": np.float64,
    "BYTES": np.object_,
}


def datatype_of(array):
    """KServe datatype string of a numpy array (object/bytes/str arrays are BYTES)."""
    array = np.asarray(array)
    if array.dtype.kind in "OSU":
        return "BYTES"
    for name, np_type in _NP_BY_DATATYPE.items():
        if name != "BYTES" and array.dtype == np.dtype(np_type):
            return name
    raise ValueError(f"no KServe datatype for numpy dtype {array.dtype}")


def numpy_dtype(datatype):
    """numpy dtype for a KServe datatype string."""
    return np.dtype(_NP_BY_DATATYPE[datatype])


def _as_bytes(element):
    if isinstance(element, bytes):
        return element
    if isinstance(element, str):
        return element.encode("utf-8")
    return str(element).encode("utf-8")


def serialize_bytes(array):
    """BYTES tensor -> concatenated (uint32 LE length, raw bytes) elements, row-major."""
    parts = []
    for element in np.asarray(array, dtype=np.object_).ravel(order="C"):
        raw = _as_bytes(element)
        parts.append(struct.pack("<I", len(raw)))
        parts.append(raw)
    return b"".join(parts)


def deserialize_bytes(buffer, shape=None):
    """Inverse of serialize_bytes: an object array of `bytes` (reshaped if shape given)."""
    items = []
    offset = 0
    view = memoryview(buffer)
    while offset < len(view):
        if offset + 4 > len(view):
            raise ValueError("truncated BYTES length prefix")
        (length,) = struct.unpack_from("<I", view, offset)
        offset += 4
        if offset + length > len(view):
            raise ValueError("truncated BYTES element")
        items.append(bytes(view[offset:offset + length]))
        offset += length
    result = np.empty(len(items), dtype=np.object_)
    result[:] = items
    return result.reshape(shape) if shape is not None else result


def tensor_to_raw(array, datatype):
    """Raw little-endian bytes of a tensor as the binary extension sends it."""
    if datatype == "BYTES":
        return serialize_bytes(array)
    array = np.ascontiguousarray(array, dtype=numpy_dtype(datatype))
    return array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()


def raw_to_tensor(raw, datatype, shape):
    """numpy array from the raw bytes of one binary output."""
    if datatype == "BYTES":
        return deserialize_bytes(raw, shape)
    dtype = numpy_dtype(datatype).newbyteorder("<")
    return np.frombuffer(raw, dtype=dtype).reshape(shape)


def tensor_to_json(array, datatype):
    """Flat JSON `data` list for a tensor (BYTES elements decoded as UTF-8)."""
    flat = np.asarray(array).ravel(order="C")
    if datatype == "BYTES":
        return [_as_bytes(e).decode("utf-8") for e in flat]
    if datatype == "BOOL":
        return [bool(v) for v in flat]
    if datatype in ("FP32", "FP64", "FP16"):
        return [float(v) for v in flat]
    return [int(v) for v in flat]


def json_to_tensor(data, datatype, shape):
    """numpy array from a response output's JSON `data` list."""
    if datatype == "BYTES":
        flat = np.empty(len(data), dtype=np.object_)
        flat[:] = [d.encode("utf-8") if isinstance(d, str) else d for d in data]
        return flat.reshape(shape)
    return np.asarray(data, dtype=numpy_dtype(datatype)).reshape(shape)


class InferInput:
    """One request input: numpy data plus whether it travels as binary or JSON."""

    def __init__(self, name, data, datatype=None, binary=True, parameters=None):
        self.name = name
        self.datatype = datatype or datatype_of(data)
        if self.datatype == "BYTES":
            self.data = np.asarray(data, dtype=np.object_)
        else:
            self.data = np.asarray(data, dtype=numpy_dtype(self.datatype))
        self.binary = binary
        self.parameters = dict(parameters or {})


def build_request(inputs, outputs=None, request_id=None, parameters=None,
                  force_header=False):
    """Encode an infer request; returns (body bytes, headers dict).

    `outputs` is a list of output names or of dicts passed through verbatim
    (e.g. {"name": "fc6_1", "parameters": {"classification": 5}}).
    The header-length header is set when any input is binary (or force_header).
    """
    header = {}
    if request_id is not None:
        header["id"] = request_id
    if parameters:
        header["parameters"] = dict(parameters)
    header["inputs"] = []
    blobs = []
    for item in inputs:
        entry = {"name": item.name, "shape": list(item.data.shape),
                 "datatype": item.datatype}
        params = dict(item.parameters)
        if item.binary:
            raw = tensor_to_raw(item.data, item.datatype)
            params["binary_data_size"] = len(raw)
            blobs.append(raw)
        else:
            entry["data"] = tensor_to_json(item.data, item.datatype)
        if params:
            entry["parameters"] = params
        header["inputs"].append(entry)
    if outputs is not None:
        header["outputs"] = [o if isinstance(o, dict) else {"name": o} for o in outputs]
    json_part = json.dumps(header).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if blobs or force_header:
        headers[HEADER_LENGTH] = str(len(json_part))
        headers["Content-Type"] = "application/octet-stream"
    return json_part + b"".join(blobs), headers


class InferResult:
    """A decoded infer response: the JSON header and outputs as numpy arrays."""

    def __init__(self, header, arrays, binary_outputs):
        self.header = header
        self.arrays = arrays
        self.binary_outputs = binary_outputs

    def as_numpy(self, name):
        return self.arrays[name]

    @property
    def model_name(self):
        return self.header["model_name"]

    @property
    def model_version(self):
        return self.header["model_version"]

    @property
    def id(self):
        return self.header.get("id", "")

    @property
    def parameters(self):
        return self.header.get("parameters", {})

    @property
    def output_names(self):
        return [entry["name"] for entry in self.header.get("outputs", [])]

    def datatype(self, name):
        return self.output(name)["datatype"]

    def shape(self, name):
        return list(self.output(name)["shape"])

    def output(self, name):
        """The JSON entry of output `name`."""
        for entry in self.header.get("outputs", []):
            if entry["name"] == name:
                return entry
        raise KeyError(name)


def parse_response(body, headers):
    """Decode an (already decompressed) infer response body.

    `headers` is any mapping with case-insensitive lookup (requests' headers)
    or a plain dict; binary outputs are sliced in `outputs` order.
    """
    length = _header(headers, HEADER_LENGTH)
    if length is None:
        json_len = len(body)
    else:
        json_len = int(length)
    header = json.loads(body[:json_len].decode("utf-8"))
    offset = json_len
    arrays = {}
    binary = set()
    for entry in header.get("outputs", []):
        size = entry.get("parameters", {}).get("binary_data_size")
        if size is not None:
            raw = body[offset:offset + size]
            if len(raw) != size:
                raise ValueError(f"output {entry['name']}: body too short for binary data")
            offset += size
            arrays[entry["name"]] = raw_to_tensor(raw, entry["datatype"], entry["shape"])
            binary.add(entry["name"])
        elif "data" in entry:
            arrays[entry["name"]] = json_to_tensor(entry["data"], entry["datatype"],
                                                   entry["shape"])
    if offset != len(body):
        raise ValueError(f"{len(body) - offset} unexpected trailing bytes in response")
    return InferResult(header, arrays, binary)


def _header(headers, name):
    if headers is None:
        return None
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        for key, v in headers.items():
            if key.lower() == name.lower():
                return v
    return value


def infer(session, base_url, model, inputs, outputs=None, request_id=None,
          parameters=None, version=None, extra_headers=None, timeout=30):
    """POST one infer request with `session` (a requests.Session); returns
    (requests.Response, InferResult or None when the status is not 200)."""
    body, headers = build_request(inputs, outputs, request_id, parameters)
    if extra_headers:
        headers.update(extra_headers)
    path = f"/v2/models/{model}"
    if version is not None:
        path += f"/versions/{version}"
    resp = session.post(base_url + path + "/infer", data=body, headers=headers,
                        timeout=timeout)
    if resp.status_code != 200:
        return resp, None
    return resp, parse_response(resp.content, resp.headers)


class HttpClient:
    """The client interface of client_api over HTTP: binary tensors by default
    (as tritonclient.http sends them), JSON `data` both ways when typed=True."""

    def __init__(self, session, base_url):
        self.session = session
        self.base_url = base_url

    def infer(self, model, inputs, outputs=None, request_id=None, classification=None,
              parameters=None, version=None, typed=False, timeout=60):
        items = [InferInput(name, data, binary=not typed) for name, data in inputs.items()]
        parameters = dict(parameters or {})
        if outputs is None:
            if classification is not None:
                raise ValueError("classification needs the outputs named")
            if not typed:
                parameters["binary_data_output"] = True
            requested = None
        else:
            output_parameters = {"binary_data": not typed}
            if classification is not None:
                output_parameters["classification"] = classification
            requested = [{"name": n, "parameters": dict(output_parameters)} for n in outputs]
        resp, result = infer(self.session, self.base_url, model, items, outputs=requested,
                             request_id=request_id, parameters=parameters or None,
                             version=version, timeout=timeout)
        if result is None:
            try:
                message = resp.json()["error"]
            except ValueError:
                message = resp.text
            raise InferError(resp.status_code, message)
        return result
