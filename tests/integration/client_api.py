"""The small inference interface both protocol clients implement.

Tests that only care about inference results run once over HTTP and once over
gRPC with the same assertions, so both clients (kserve_http.HttpClient and
kserve_grpc.GrpcClient) offer the same call and the same result shape:

    client.infer(model, inputs, outputs=None, request_id=None, classification=None,
                 parameters=None, version=None, typed=False) -> result

* `inputs`: {input name: numpy array}, sent in that order; the KServe datatype
  follows the array's dtype (object/bytes/str arrays are BYTES).
* `outputs`: output names to request, or None for every model output.
* `classification`: K, asked for on every requested output.
* `parameters`: request parameters {key: bool | int | float | str}.
* `typed`: send tensors in the protocol's typed form instead of raw bytes:
  JSON `data` (inputs and outputs) over HTTP, `contents` over gRPC.

The result offers `model_name`, `model_version`, `id` ("" when none),
`parameters` (dict), `output_names` (response order), `datatype(name)`,
`shape(name)` (list of ints) and `as_numpy(name)`. A request the server
refuses raises InferError.
"""


class InferError(Exception):
    """The server refused an infer request: `code` is the HTTP status or the
    grpc.StatusCode, `message` the error text."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
