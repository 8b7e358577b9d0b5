"""The data pipeline walkthrough's tensors through a Python model (python_models/pipeline_identity):
a STRING, a UINT8 and an INT8 array, an FP32 image and a BOOL array come back exactly as
sent, over HTTP and gRPC, as raw bytes and in the typed forms, small or larger than the
shared memory segments' first size."""

import numpy as np
import pytest

import python_models as pm
from python_models import serving

NAMES = ["string", "UINT8_array", "INT8_array", "FP32_image", "bool"]
DATATYPES = {"string": "BYTES", "UINT8_array": "UINT8", "INT8_array": "INT8", "FP32_image": "FP32",
             "bool": "BOOL"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return pm.make_repository(tmp_path_factory.mktemp("python_datatypes"), ["pipeline_identity"])


@pytest.fixture(scope="module")
def shared(tmp_path_factory, repo):
    yield from serving.shared_server(tmp_path_factory, [repo])


@pytest.fixture
def srv(shared):
    yield from serving.checked(shared)


def walkthrough_inputs(image_shape, utf8_only=False, seed=0):
    """{input name: array} for the five walkthrough inputs."""
    texts = ["hello", "", "naïve café ☃", "spaces and\nnew lines"]
    strings = np.array([t.encode("utf-8") for t in texts] + ([] if utf8_only else [b"\x00\xff raw"]),
                       dtype=np.object_)
    rng = np.random.default_rng(seed)
    values = {
        "string": strings,
        "UINT8_array": np.arange(256, dtype=np.uint8),
        "INT8_array": np.arange(-128, 128, dtype=np.int8),
        "FP32_image": rng.standard_normal(image_shape).astype(np.float32),
        "bool": np.array([True, False, False, True, True]),
    }
    return {f"model_1_input_{name}": values[name] for name in NAMES}


def assert_echoed(result, inputs):
    for name in NAMES:
        sent = inputs[f"model_1_input_{name}"]
        output = f"model_1_output_{name}"
        assert result.datatype(output) == DATATYPES[name], output
        assert result.shape(output) == list(sent.shape), output
        got = result.as_numpy(output)
        assert got.dtype == sent.dtype, output
        np.testing.assert_array_equal(got, sent, err_msg=output)


@pytest.mark.parametrize("typed", [False, True], ids=["raw", "typed"])
def test_every_walkthrough_type_comes_back_exactly(srv, make_client, typed):
    client = make_client(srv)
    inputs = walkthrough_inputs((3, 5, 7), utf8_only=typed)
    result = client.infer("pipeline_identity", inputs, typed=typed)
    assert result.model_name == "pipeline_identity"
    assert result.model_version == "1"
    assert sorted(result.output_names) == sorted(f"model_1_output_{n}" for n in NAMES)
    assert_echoed(result, inputs)


def test_images_larger_than_the_first_segment(srv, make_client):
    """1.2 MB images exceed the 1 MiB input segment and the 64 KiB inline limit for outputs."""
    client = make_client(srv)
    for seed, shape in enumerate([(3, 8, 8), (3, 320, 320), (1, 4, 4), (3, 400, 400), (3, 320, 320)]):
        inputs = walkthrough_inputs(shape, seed=seed)
        assert_echoed(client.infer("pipeline_identity", inputs), inputs)


def test_only_requested_outputs_are_returned(srv, make_client):
    client = make_client(srv)
    inputs = walkthrough_inputs((1, 2, 2))
    result = client.infer("pipeline_identity", inputs, outputs=["model_1_output_bool", "model_1_output_string"])
    assert sorted(result.output_names) == ["model_1_output_bool", "model_1_output_string"]
    np.testing.assert_array_equal(result.as_numpy("model_1_output_bool"), inputs["model_1_input_bool"])
    np.testing.assert_array_equal(result.as_numpy("model_1_output_string"), inputs["model_1_input_string"])


def test_no_segments_pile_up(srv, make_client):
    """After large requests only the instance's input segment remains in /dev/shm."""
    client = make_client(srv)
    for seed in range(3):
        inputs = walkthrough_inputs((3, 300, 300), seed=seed)
        assert_echoed(client.infer("pipeline_identity", inputs), inputs)
    segments = pm.shm_segments(srv.proc.pid)
    assert len(segments) == 1 and pm.is_input_segment(segments[0]), segments


def test_strings_larger_than_the_inline_limit(srv, make_client):
    """BYTES data over 64 KiB (outputs) and over 1 MiB (inputs) keep every element intact."""
    client = make_client(srv)
    inputs = walkthrough_inputs((1, 1, 1))
    for count, size in [(100, 1000), (3, 700_000)]:
        elements = [bytes([i % 256]) * size + f"#{i}".encode() for i in range(count)]
        inputs["model_1_input_string"] = np.array(elements, dtype=np.object_)
        assert_echoed(client.infer("pipeline_identity", inputs), inputs)


def test_empty_tensors(srv, make_client):
    client = make_client(srv)
    inputs = {
        "model_1_input_string": np.array([], dtype=np.object_),
        "model_1_input_UINT8_array": np.array([], dtype=np.uint8),
        "model_1_input_INT8_array": np.array([], dtype=np.int8),
        "model_1_input_FP32_image": np.zeros((3, 0, 4), dtype=np.float32),
        "model_1_input_bool": np.array([], dtype=np.bool_),
    }
    assert_echoed(client.infer("pipeline_identity", inputs), inputs)
