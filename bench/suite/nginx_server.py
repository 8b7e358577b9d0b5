"""nginx answering one model's KServe v2 calls with static copies of inferd's answers.

The loopback HTTP ceiling: the same load generator, the same request bytes,
and a response of the same size as inferd's, but no inference and no
per-request work beyond HTTP. The answers are captured from the running
inferd (server metadata without the statistics extension, the model's
metadata and config, one binary inference response). POSTs to a static file
get 405 from nginx; `error_page 405 =200 $uri` turns them into the file.
"""

import json
import os
import shutil

import numpy as np
import requests

from suite.endpoint import Endpoint
from suite.processes import Service, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONFIG = '''daemon off;
{user}
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  server_tokens off;
  etag off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  server {{
    listen 127.0.0.1:{port};
    default_type application/json;
    location = /v2 {{ alias {prefix}/www/server.json; }}
    location = /v2/health/ready {{ return 200; }}
    location = /v2/models/{model} {{ alias {prefix}/www/metadata.json; }}
    location = /v2/models/{model}/config {{ alias {prefix}/www/config.json; }}
    location = /v2/models/{model}/infer {{
      alias {prefix}/www/infer.bin;
      default_type {content_type};
      add_header Inference-Header-Content-Length {header_length};
      error_page 405 =200 $uri;
    }}
  }}
}}
'''


def capture(inferd_url, model, tensor_name, elements):
    """{file name: bytes} of inferd's answers, and the infer response's headers."""
    base = f"http://{inferd_url}"
    server = requests.get(base + "/v2", timeout=10).json()
    server["extensions"] = [e for e in server.get("extensions", []) if e != "statistics"]
    header = json.dumps({"inputs": [{"name": tensor_name, "datatype": "FP32", "shape": [elements],
                                     "parameters": {"binary_data_size": elements * 4}}],
                         "parameters": {"binary_data_output": True}}, separators=(",", ":")).encode()
    data = np.random.default_rng(0).random(elements, dtype=np.float32).tobytes()
    reply = requests.post(f"{base}/v2/models/{model}/infer", data=header + data, timeout=10,
                          headers={"Inference-Header-Content-Length": str(len(header)),
                                   "Content-Type": "application/octet-stream"})
    reply.raise_for_status()
    files = {"server.json": json.dumps(server).encode(),
             "metadata.json": requests.get(f"{base}/v2/models/{model}", timeout=10).content,
             "config.json": requests.get(f"{base}/v2/models/{model}/config", timeout=10).content,
             "infer.bin": reply.content}
    return files, reply.headers


def start(inferd_url, model, tensor_name, elements, work_dir):
    """Starts nginx serving `model` as inferd does; returns (Service, Endpoint)."""
    prefix = os.path.join(work_dir, "nginx")
    os.makedirs(os.path.join(prefix, "www"))
    files, headers = capture(inferd_url, model, tensor_name, elements)
    for name, content in files.items():
        with open(os.path.join(prefix, "www", name), "wb") as f:
            f.write(content)
    port = free_port()
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        # Run as root, nginx would switch its workers to nobody, who cannot read a private temp dir.
        user = "user root;" if os.geteuid() == 0 else ""
        f.write(CONFIG.format(user=user, prefix=prefix, port=port, model=model,
                              content_type=headers.get("Content-Type", "application/octet-stream"),
                              header_length=headers["Inference-Header-Content-Length"]))
    command = [NGINX, "-p", prefix, "-c", os.path.join(prefix, "nginx.conf"), "-e", os.path.join(prefix, "error.log")]
    service = Service("nginx", command, os.path.join(work_dir, "nginx.log"))
    service.start_ready([(f"http://127.0.0.1:{port}/v2", 30)])
    return service, Endpoint("nginx", f"127.0.0.1:{port}")
