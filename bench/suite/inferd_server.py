"""build/inferd on free loopback ports, over the run's repository."""

import os

import requests

from common import ROOT
from suite.endpoint import Endpoint
from suite.processes import Service, free_port


def start(repo, models, work_dir):
    """Starts inferd and waits until each of `models` is ready; returns (Service, Endpoint).
    The caller stops the service."""
    http, grpc, metrics = free_port(), free_port(), free_port()
    command = [os.path.join(ROOT, "build", "inferd"), f"--model-repository={repo}",
               "--http-address=127.0.0.1", f"--http-port={http}",
               "--grpc-address=127.0.0.1", f"--grpc-port={grpc}",
               "--metrics-address=127.0.0.1", f"--metrics-port={metrics}", "--exit-on-error=true"]
    base = f"http://127.0.0.1:{http}"
    service = Service("inferd", command, os.path.join(work_dir, "inferd.log"))
    service.start_ready([(base + "/v2/health/live", 120), (base + "/v2/health/ready", 300)] +
                        [(f"{base}/v2/models/{model}/ready", 60) for model in models])
    return service, Endpoint("inferd", f"127.0.0.1:{http}", f"127.0.0.1:{grpc}")


def batch_sizes(endpoint, model):
    """From inferd's statistics: (inferences, executions, {batch size: executions}) so far."""
    stats = requests.get(f"http://{endpoint.http}/v2/models/{model}/stats", timeout=10).json()["model_stats"][0]
    sizes = {b["batch_size"]: b["compute_infer"]["count"] for b in stats.get("batch_stats", [])}
    return stats["inference_count"], stats["execution_count"], dict(sorted(sizes.items()))
