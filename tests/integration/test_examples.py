"""The examples run end to end against the real server, as a user runs them."""

import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUICK_DEPLOY = os.path.join(ROOT, "examples", "quick_deploy_onnx")


def test_quick_deploy_onnx(tmp_path, start_server):
    repo = str(tmp_path / "model_repository")
    subprocess.run([sys.executable, os.path.join(QUICK_DEPLOY, "make_model.py"), repo], check=True, timeout=120)
    assert os.listdir(repo) == ["densenet_onnx"]
    assert not os.path.exists(os.path.join(repo, "densenet_onnx", "config.pbtxt"))
    server = start_server([repo])
    result = subprocess.run([sys.executable, os.path.join(QUICK_DEPLOY, "client.py"),
                             f"--url=127.0.0.1:{server.http_port}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    top5 = re.findall(r"'(-?\d+\.\d{6}):(\d+)'", result.stdout)
    assert len(top5) == 5, result.stdout
    scores = [float(score) for score, _ in top5]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= int(index) < 1000 for _, index in top5)


def test_example_repository_serves(tmp_path, start_server, http):
    repo = str(tmp_path / "example_models")
    subprocess.run([sys.executable, os.path.join(ROOT, "examples", "make_example_repository.py"), repo],
                   check=True, timeout=300)
    server = start_server([repo])
    entries = http.post(server.url + "/v2/repository/index").json()
    assert {e["name"] for e in entries} >= {"densenet_onnx", "labelled_classifier"}
    assert all(e["state"] == "READY" for e in entries)
