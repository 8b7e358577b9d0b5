"""The ensemble examples (data, OCR and ViT pipelines) run end to end, as a user runs them.

Each test generates the example's repository with its make_repository.py, serves it,
and runs its client.py once over HTTP and once over gRPC. The client saves what it
sent and received (--save); the test checks that against what the same pipeline
gives when computed in this process (the ONNX parts with torch, from the same
seeded modules the ONNX files were exported from).
"""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

from client_api import InferError
import kserve_http as kh

torch = pytest.importorskip("torch", reason="python3-torch is needed (scripts/setup.sh)")
cv2 = pytest.importorskip("cv2", reason="python3-opencv is needed (scripts/setup.sh)")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")
PROTOCOLS = ("http", "grpc")


def load_example_module(example, module):
    """Import examples/<example>/<module>.py under a name of its own."""
    path = os.path.join(EXAMPLES, example, module + ".py")
    spec = importlib.util.spec_from_file_location(f"{example}_{module}", path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def generate(example, tmp_path):
    """Run the example's make_repository.py into a fresh folder; returns its path."""
    repo = str(tmp_path / f"{example}_repository")
    script = os.path.join(EXAMPLES, example, "make_repository.py")
    done = subprocess.run([sys.executable, script, repo], capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    return repo


def run_client(example, server, protocol, tmp_path, *args):
    """Run the example's client.py against `server`; returns (stdout, saved arrays)."""
    url = f"127.0.0.1:{server.http_port}" if protocol == "http" else server.grpc_target
    saved = tmp_path / f"{example}_{protocol}.npz"
    command = [sys.executable, os.path.join(EXAMPLES, example, "client.py"),
               f"--protocol={protocol}", f"--url={url}", f"--save={saved}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, (f"{example} client over {protocol} failed:\n{done.stdout}\n"
                                  f"{done.stderr}\nserver log:\n{server.log()[-6000:]}")
    with np.load(saved, allow_pickle=True) as arrays:
        return done.stdout, {name: arrays[name] for name in arrays.files}


# ------------------------------------------------------------------ data pipeline

DATA_KINDS = ["string", "UINT8_array", "INT8_array", "FP32_image", "bool"]


def test_data_pipeline_returns_what_it_was_sent(tmp_path, start_server, http):
    server = start_server([generate("data_pipeline", tmp_path)])
    config = http.get(f"{server.url}/v2/models/ensemble_model/config").json()
    assert [s["model_name"] for s in config["ensemble_scheduling"]["step"]] == ["model1",
                                                                             "model2"]
    for protocol in PROTOCOLS:
        stdout, saved = run_client("data_pipeline", server, protocol, tmp_path)
        for kind in DATA_KINDS:
            sent, received = saved[f"sent_{kind}"], saved[f"received_{kind}"]
            assert received.shape == sent.shape, (protocol, kind)
            if kind == "string":
                assert received.tolist() == [[b"This is a string"]], protocol
            else:
                assert received.dtype == sent.dtype, (protocol, kind)
                np.testing.assert_array_equal(received, sent, err_msg=f"{protocol} {kind}")
            assert f"{kind}: identical" in stdout
        assert "[[b'This is a string']]" in stdout
    log = server.log()
    assert log.count("Model 1 received") == 2 and log.count("Model 2 received") == 2, log[-4000:]


# ------------------------------------------------------------------- OCR pipeline

def ocr_in_process(encoded):
    """The OCR pipeline computed here: the same steps, torch instead of ONNX Runtime."""
    steps = load_example_module("ocr_pipeline", "ocr_steps")
    networks = load_example_module("ocr_pipeline", "ocr_networks")
    image = steps.preprocess(encoded)
    score, geometry = networks.run_detection(image)
    crops = steps.crop_boxes(image, steps.detect_boxes(score, geometry))
    return steps.ctc_greedy(networks.run_recognition(crops))


def test_ocr_pipeline_reads_like_the_in_process_chain(tmp_path, start_server):
    server = start_server([generate("ocr_pipeline", tmp_path)])
    page = tmp_path / "page.png"
    for protocol in PROTOCOLS:
        stdout, saved = run_client("ocr_pipeline", server, protocol, tmp_path,
                                   f"--write-image={page}")
        texts = saved["recognized_text"]
        assert texts.dtype == np.object_ and texts.ndim == 1 and 1 <= texts.size <= 6
        assert f"BYTES [{texts.size}]" in stdout
        assert [t.decode("utf-8") for t in texts] == ocr_in_process(saved["input_image"])
    assert page.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ocr_networks_served_match_torch(tmp_path, start_server, new_session):
    steps = load_example_module("ocr_pipeline", "ocr_steps")
    networks = load_example_module("ocr_pipeline", "ocr_networks")
    client_module = load_example_module("ocr_pipeline", "client")
    server = start_server([generate("ocr_pipeline", tmp_path)])
    client = kh.HttpClient(new_session(), server.url)
    image = steps.preprocess(client_module.encoded_page())
    result = client.infer("text_detection", {"input_images": image})
    expected = networks.run_detection(image)
    for name, value in zip([networks.SCORE_OUTPUT, networks.GEOMETRY_OUTPUT], expected):
        np.testing.assert_allclose(result.as_numpy(name), value, atol=1e-4, rtol=0, err_msg=name)
    crops = np.random.default_rng(7).standard_normal((3, 1, 32, 100)).astype(np.float32)
    result = client.infer("text_recognition", {"input.1": crops})
    assert result.shape("308") == [3, 26, 37]
    np.testing.assert_allclose(result.as_numpy("308"), networks.run_recognition(crops),
                               atol=1e-4, rtol=0)


def test_ocr_pipeline_passes_a_step_error_to_the_client(tmp_path, start_server,
                                                        new_session, make_grpc_client):
    server = start_server([generate("ocr_pipeline", tmp_path)])
    not_an_image = {"input_image": np.frombuffer(b"this is not a picture", dtype=np.uint8)}
    for client in (kh.HttpClient(new_session(), server.url), make_grpc_client(server)):
        with pytest.raises(InferError) as failure:
            client.infer("ocr_pipeline", not_an_image, outputs=["recognized_text"])
        assert "cannot decode an image from 21 bytes" in failure.value.message
        assert str(failure.value.code) in ("400", "StatusCode.INVALID_ARGUMENT")


# ------------------------------------------------------------------- ViT pipeline

def test_vit_pipeline_matches_torch(tmp_path, start_server, http):
    repo = generate("vit_pipeline", tmp_path)
    assert not os.path.exists(os.path.join(repo, "vit", "config.pbtxt"))
    server = start_server([repo])
    vit = http.get(f"{server.url}/v2/models/vit/config").json()
    assert vit["max_batch_size"] == 4
    assert [o["dims"] for o in vit["output"]] == [[65, 64], [10]]
    network = load_example_module("vit_pipeline", "vit_network")
    preprocess = load_example_module("vit_pipeline", "vit_preprocess").preprocess
    for protocol in PROTOCOLS:
        stdout, saved = run_client("vit_pipeline", server, protocol, tmp_path)
        hidden, logits = network.run(preprocess(saved["image"]))
        assert saved["last_hidden_state"].shape == (2, 65, 64)
        np.testing.assert_allclose(saved["last_hidden_state"], hidden, atol=1e-4, rtol=0)
        np.testing.assert_allclose(saved["logits"], logits, atol=1e-4, rtol=0)
        assert "last_hidden_state (2, 65, 64)" in stdout and "logits (2, 10)" in stdout
