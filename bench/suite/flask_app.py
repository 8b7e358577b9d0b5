"""The "before" picture: a threaded Flask app running torch in its own process.

Serves two models with the KServe v2 HTTP calls the load generator makes
(server and model metadata, model config, infer with binary or JSON tensors),
so the same inferd-perf command drives it and inferd:
  identity   INPUT0 FP32 [16] -> OUTPUT0, returned as received
  resnet50   image FP32 [-1,3,224,224] -> logits [-1,1000], bench/common.py's
             ResNet-50 with torch.manual_seed(0), eager, inference mode
Flask's development server with a thread per connection, HTTP/1.1 keep-alive,
no request log and one torch thread per core: the best a plain Flask app gets
without a WSGI server.

    PYTHONPATH=bench /usr/bin/python3 -m suite.flask_app --port 8000
"""

import argparse
import json
import logging
import os

import numpy as np
import torch
from flask import Flask, Response, jsonify, request
from werkzeug.serving import WSGIRequestHandler

from common import resnet50

def _identity(x):
    return x


def _classifier():
    # Debian's torch starts with one intra-op thread, which makes ResNet-50 about
    # four times slower on two cores; a tuned app sets one per core.
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(0)
    model = resnet50()

    def run(x):
        with torch.inference_mode():
            return model(torch.from_numpy(x)).numpy()
    return run


def make_models():
    return {
        "identity": {"run": _identity, "max_batch_size": 0, "input": ("INPUT0", [16]),
                     "output": ("OUTPUT0", [16])},
        "resnet50": {"run": _classifier(), "max_batch_size": 16, "input": ("image", [-1, 3, 224, 224]),
                     "output": ("logits", [-1, 1000])},
    }


def _read_input(body, header_length, header):
    """The one FP32 input of a KServe v2 request, from JSON "data" or the binary part."""
    entry = header["inputs"][0]
    shape = entry["shape"]
    size = (entry.get("parameters") or {}).get("binary_data_size")
    if size is None:
        return np.asarray(entry["data"], dtype=np.float32).reshape(shape)
    return np.frombuffer(body, dtype=np.float32, count=size // 4, offset=header_length).reshape(shape).copy()


def _tensor(name, shape):
    return {"name": name, "datatype": "FP32", "shape": shape}


def _wants_binary(header):
    if (header.get("parameters") or {}).get("binary_data_output"):
        return True
    return any((o.get("parameters") or {}).get("binary_data") for o in header.get("outputs") or [])


def create_app(models):
    app = Flask(__name__)

    @app.get("/v2")
    def server_metadata():
        return jsonify(name="flask", version="0", extensions=[])

    @app.get("/v2/health/ready")
    def ready():
        return ""

    @app.get("/v2/models/<name>")
    def model_metadata(name):
        model = models[name]
        return jsonify(name=name, versions=["1"], platform="pytorch",
                       inputs=[_tensor(*model["input"])], outputs=[_tensor(*model["output"])])

    @app.get("/v2/models/<name>/config")
    def model_config(name):
        return jsonify(name=name, max_batch_size=models[name]["max_batch_size"])

    @app.post("/v2/models/<name>/infer")
    def infer(name):
        model = models[name]
        body = request.get_data()
        header_length = int(request.headers.get("Inference-Header-Content-Length", len(body)))
        header = json.loads(body[:header_length])
        result = np.ascontiguousarray(model["run"](_read_input(body, header_length, header)), dtype=np.float32)
        output = {"name": model["output"][0], "datatype": "FP32", "shape": list(result.shape)}
        if not _wants_binary(header):
            output["data"] = result.ravel().tolist()
            return jsonify(model_name=name, outputs=[output])
        output["parameters"] = {"binary_data_size": result.nbytes}
        head = json.dumps({"model_name": name, "outputs": [output]}).encode()
        return Response(head + result.tobytes(), content_type="application/octet-stream",
                        headers={"Inference-Header-Content-Length": str(len(head))})

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    WSGIRequestHandler.protocol_version = "HTTP/1.1"  # keep-alive; HTTP/1.0 would reconnect per request
    create_app(make_models()).run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    main()
