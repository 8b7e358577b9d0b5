"""Facts about the machine and software a report was measured with."""

import os
import platform
import subprocess
from importlib.metadata import version

from common import ROOT
from suite.nginx_server import NGINX


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0


def _command_output(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=ROOT)
        return (result.stdout + result.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def load_average():
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def facts():
    """[(what, value)] for the report's header."""
    import torch
    with open(os.path.join(ROOT, "scripts", "onnxruntime.version")) as f:
        ort = f.read().strip()
    return [("CPU", f"{os.cpu_count()} cores, {_cpu_model()}"),
            ("memory", f"{_memory_gib():.0f} GiB"),
            ("kernel", platform.release()),
            ("load average at start", load_average()),
            ("commit", _command_output(["git", "describe", "--always", "--dirty"])),
            ("software", f"ONNX Runtime {ort}, torch {torch.__version__}, Flask {version('flask')}, "
                         f"{_command_output([NGINX, '-v']).replace('nginx version: ', '')}, "
                         f"Python {platform.python_version()}")]
