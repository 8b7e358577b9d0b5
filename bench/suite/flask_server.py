"""The Flask app of flask_app.py as a server process on a free loopback port."""

import os
import sys

from suite.endpoint import Endpoint
from suite.processes import Service, free_port

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(work_dir):
    """Starts the app and waits until it answers; returns (Service, Endpoint)."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=BENCH)
    service = Service("flask", [sys.executable, "-m", "suite.flask_app", f"--port={port}"],
                      os.path.join(work_dir, "flask.log"), env=env)
    service.start_ready([(f"http://127.0.0.1:{port}/v2/health/ready", 120)])
    return service, Endpoint("flask", f"127.0.0.1:{port}")
