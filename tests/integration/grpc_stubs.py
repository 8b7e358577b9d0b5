"""Python gRPC stubs for inferd's own protos, generated when the tests run.

The tests must speak exactly the wire format described by proto/, not a copy
that could drift from it, so the stubs are compiled from proto/ with Debian's
protoc and grpc_python_plugin into a scratch directory and imported from there.
"""

import importlib
import os
import subprocess
import sys
import types

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_DIR = os.path.join(ROOT, "proto")
PROTOS = ("model_config.proto", "grpc_service.proto")
PROTOC = "/usr/bin/protoc"
GRPC_PLUGIN = "/usr/bin/grpc_python_plugin"

SETUP_HINT = "install python3-grpcio, python3-protobuf and protobuf-compiler-grpc (scripts/setup.sh)"


def generate(out_dir):
    """Compile proto/ into `out_dir`, import it and return the modules.

    Returns a namespace with `messages` (grpc_service_pb2), `services`
    (grpc_service_pb2_grpc) and `model_config` (model_config_pb2).
    """
    try:
        import grpc  # noqa: F401 - the generated service module needs it
    except ImportError as e:
        raise RuntimeError(f"python gRPC is missing ({e}); {SETUP_HINT}") from e
    for tool in (PROTOC, GRPC_PLUGIN):
        if not os.access(tool, os.X_OK):
            raise RuntimeError(f"{tool} not found; {SETUP_HINT}")
    os.makedirs(out_dir, exist_ok=True)
    command = [PROTOC, "-I", "proto", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
               f"--plugin=protoc-gen-grpc_python={GRPC_PLUGIN}"]
    command += [os.path.join("proto", p) for p in PROTOS]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"protoc failed ({result.returncode}):\n{result.stderr}")
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    return types.SimpleNamespace(
        messages=importlib.import_module("grpc_service_pb2"),
        services=importlib.import_module("grpc_service_pb2_grpc"),
        model_config=importlib.import_module("model_config_pb2"))
