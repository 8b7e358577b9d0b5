"""Connect the example clients to a server over KServe v2 HTTP or gRPC.

tritonclient is not needed: HTTP goes through the small codec in
tests/integration/kserve_http.py and gRPC through tests/integration/kserve_grpc.py,
with Python stubs compiled from proto/ into a temporary folder by
tests/integration/grpc_stubs.py (needs protobuf-compiler-grpc and python3-grpcio).

Both clients offer the same call:

    with connect("grpc", "localhost:8001") as client:
        result = client.infer("model", {"INPUT": array}, outputs=["OUTPUT"])
        result.as_numpy("OUTPUT"), result.datatype("OUTPUT"), result.shape("OUTPUT")

A request the server refuses raises client_api.InferError (code and message).
"""

import contextlib
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

DEFAULT_URLS = {"http": "localhost:8000", "grpc": "localhost:8001"}


def add_arguments(parser):
    """Add --protocol and --url to an argparse parser."""
    parser.add_argument("--protocol", choices=sorted(DEFAULT_URLS), default="http",
                        help="KServe v2 protocol to use (default: http)")
    parser.add_argument("--url", help="server address; default localhost:8000 for http, "
                                      "localhost:8001 for grpc")


@contextlib.contextmanager
def connect(protocol, url=None):
    """Yield a connected client for `protocol` ("http" or "grpc") at `url`."""
    url = url or DEFAULT_URLS[protocol]
    if protocol == "http":
        import requests

        import kserve_http

        base = url if "://" in url else "http://" + url
        with requests.Session() as session:
            yield kserve_http.HttpClient(session, base)
        return
    if protocol != "grpc":
        raise ValueError(f"unknown protocol '{protocol}' (http or grpc)")
    import grpc_stubs
    import kserve_grpc

    target = url.split("://", 1)[-1]
    with tempfile.TemporaryDirectory(prefix="kserve_stubs_") as stub_dir:
        client = kserve_grpc.GrpcClient(grpc_stubs.generate(stub_dir), target)
        try:
            yield client.wait_ready(timeout=10)
        finally:
            client.close()
