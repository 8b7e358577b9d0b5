"""Health, server metadata, model metadata and /config (the KServe v2 HTTP protocol)."""

# The extensions this version implements: a subset of Triton's list
# (the KServe v2 HTTP protocol). An extension is advertised only once it is served, so a
# client such as perf_analyzer never calls an endpoint that is missing.
IMPLEMENTED_EXTENSIONS = ["classification", "model_configuration", "system_shared_memory", "binary_tensor_data",
                          "parameters", "statistics", "model_repository", "model_repository(unload_dependents)",
                          "logging", "trace"]


def test_health_live_and_ready(server, http):
    for path in ("/v2/health/live", "/v2/health/ready"):
        r = http.get(server.url + path)
        assert r.status_code == 200, path
        assert r.content == b"", path


def test_model_ready(server, http):
    for name in ("small_cnn", "densenet_onnx", "string_identity", "labelled_classifier"):
        assert http.get(f"{server.url}/v2/models/{name}/ready").status_code == 200, name
        assert http.get(f"{server.url}/v2/models/{name}/versions/1/ready").status_code == 200


def test_unknown_model_is_404(server, http):
    r = http.get(server.url + "/v2/models/no_such_model")
    assert r.status_code == 404
    assert "error" in r.json()


def test_server_metadata(server, http):
    r = http.get(server.url + "/v2")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    meta = r.json()
    assert meta["name"] == "triton"
    assert isinstance(meta["version"], str) and meta["version"]
    assert meta["extensions"] == IMPLEMENTED_EXTENSIONS


def test_small_cnn_metadata(server, http):
    meta = http.get(server.url + "/v2/models/small_cnn").json()
    assert meta["name"] == "small_cnn"
    assert meta["versions"] == ["1"]
    assert meta["platform"] == "onnxruntime_onnx"
    assert meta["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, 3, 16, 16]}]
    assert meta["outputs"] == [{"name": "logits", "datatype": "FP32", "shape": [-1, 10]}]


def test_versioned_metadata_and_non_batching_shape(server, http):
    meta = http.get(server.url + "/v2/models/string_identity/versions/1").json()
    assert meta["versions"] == ["1"]
    assert meta["inputs"] == [{"name": "INPUT0", "datatype": "BYTES", "shape": [-1]}]
    assert meta["outputs"] == [{"name": "OUTPUT0", "datatype": "BYTES", "shape": [-1]}]


def test_densenet_metadata_from_autocomplete(server, http):
    meta = http.get(server.url + "/v2/models/densenet_onnx").json()
    assert meta["platform"] == "onnxruntime_onnx"
    assert meta["inputs"] == [{"name": "data_0", "datatype": "FP32",
                               "shape": [-1, 3, 224, 224]}]
    assert meta["outputs"] == [{"name": "fc6_1", "datatype": "FP32",
                                "shape": [-1, 1000, 1, 1]}]


def test_densenet_autocompleted_config(server, http):
    r = http.get(server.url + "/v2/models/densenet_onnx/config")
    assert r.status_code == 200
    cfg = r.json()
    assert cfg["name"] == "densenet_onnx"
    assert cfg["platform"] == "onnxruntime_onnx"
    assert cfg["backend"] == "onnxruntime"
    assert cfg["max_batch_size"] == 4
    assert len(cfg["input"]) == 1 and len(cfg["output"]) == 1
    inp, out = cfg["input"][0], cfg["output"][0]
    assert (inp["name"], inp["data_type"], inp["dims"]) == ("data_0", "TYPE_FP32", [3, 224, 224])
    assert (out["name"], out["data_type"], out["dims"]) == ("fc6_1", "TYPE_FP32", [1000, 1, 1])
    # Defaults are printed (scalars, repeated fields) ...
    assert inp["format"] == "FORMAT_NONE"
    assert inp["optional"] is False and inp["is_shape_tensor"] is False
    assert out["label_filename"] == ""
    # ... a scheduler was added because the backend chose max_batch_size ...
    assert "dynamic_batching" in cfg
    assert cfg["dynamic_batching"]["preferred_batch_size"] == [4]
    # ... and unset oneof members stay absent.
    assert "sequence_batching" not in cfg
    assert "ensemble_scheduling" not in cfg
    assert cfg["version_policy"] == {"latest": {"num_versions": 1}}
    assert cfg["default_model_filename"] == "model.onnx"
    groups = cfg["instance_group"]
    assert len(groups) == 1
    assert groups[0]["name"] == "densenet_onnx"
    assert groups[0]["kind"] == "KIND_CPU"
    assert groups[0]["count"] == 2


def test_small_cnn_config(server, http):
    cfg = http.get(server.url + "/v2/models/small_cnn/config").json()
    assert cfg["name"] == "small_cnn"
    assert cfg["platform"] == "onnxruntime_onnx"
    assert cfg["backend"] == "onnxruntime"
    assert cfg["max_batch_size"] == 8
    assert [(i["name"], i["data_type"], i["dims"]) for i in cfg["input"]] == \
        [("input", "TYPE_FP32", [3, 16, 16])]
    assert [(o["name"], o["data_type"], o["dims"]) for o in cfg["output"]] == \
        [("logits", "TYPE_FP32", [10])]
    groups = cfg["instance_group"]
    assert len(groups) == 1
    assert groups[0]["name"] == "small_cnn_0"
    assert groups[0]["kind"] == "KIND_CPU"
    assert groups[0]["count"] == 2
    batching = cfg["dynamic_batching"]
    # 64-bit integers are JSON numbers, not strings.
    assert batching["max_queue_delay_microseconds"] == 100
    assert batching["preferred_batch_size"] == [8]
    assert cfg["optimization"]["input_pinned_memory"] == {"enable": True}
    assert cfg["optimization"]["output_pinned_memory"] == {"enable": True}
    assert "sequence_batching" not in cfg


def test_labelled_classifier_config_keeps_label_file(server, http):
    cfg = http.get(server.url + "/v2/models/labelled_classifier/config").json()
    assert cfg["platform"] == "onnxruntime_onnx"
    assert cfg["output"][0]["label_filename"] == "labels.txt"
