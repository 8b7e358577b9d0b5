"""The stub against a scripted server: every message kind of PROTOCOL.md, end to end.

Each test starts a real stub process (python/inferd_stub.py, and the built
build/inferd_python_stub when present), loads a small model.py written to a temporary
directory, plays the server's side of the socket and checks the stub's answers. No
inferd server is involved. After each test no shared memory segment with the test's
prefix may remain.
"""

import json
import os
import textwrap

import numpy as np
import pytest

from fake_server import STUB_BINARY, FakeServer, leftover_segments, write_model

KINDS = ["python"] + (["binary"] if os.path.exists(STUB_BINARY) else [])


@pytest.fixture(params=KINDS)
def server(request):
    fake = FakeServer(request.param)
    yield fake
    fake.close()
    assert leftover_segments(fake.prefix) == []


def model(tmp_path, source, name="m", **kwargs):
    return write_model(tmp_path, name, textwrap.dedent(source), **kwargs)


def request_entry(inputs, requested=(), parameters=None, request_id="r", handle=0):
    return {"handle": handle, "id": request_id, "parameters": json.dumps(parameters or {}),
            "correlation_id": 0, "flags": 0, "timeout": 0, "inputs": inputs,
            "requested_output_names": list(requested)}


def execute(server, *entries, **extra):
    server.send({"type": "execute", "requests": list(entries), **extra})


ADD_MODEL = """
    import json
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def initialize(self, args):
            self.name = args["model_instance_name"]

        def execute(self, requests):
            responses = []
            for request in requests:
                x = pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()
                if x.sum() < 0:
                    raise ValueError("negative input")
                params = json.loads(request.parameters())
                outputs = [pb_utils.Tensor("OUT", x + 1),
                           pb_utils.Tensor("EXTRA", np.zeros(2, np.int32))]
                if params.get("big"):
                    outputs.append(pb_utils.Tensor("BIG", np.arange(params["big"],
                                                                    dtype=np.float64)))
                if params.get("error"):
                    responses.append(pb_utils.InferenceResponse(
                        error=pb_utils.TritonError("refused", pb_utils.TritonError.INVALID_ARG)))
                    continue
                responses.append(pb_utils.InferenceResponse(
                    outputs, parameters={"id": request.request_id(), "n": int(x.size)}))
            if requests[0].parameters() == '{"bad_return": 1}':
                return {"not": "a list"}
            if requests[0].parameters() == '{"short_return": 1}':
                return responses[:-1]
            return responses
"""


def test_execute_returns_outputs_inline(server, tmp_path):
    assert server.init(model(tmp_path, ADD_MODEL))[0] == {"type": "init_done", "has_is_ready": False}
    x = np.arange(16, dtype=np.float32)
    execute(server, request_entry(server.place_inputs({"IN": x}), ["OUT"], request_id="a"),
            request_entry(server.place_inputs({"IN": x * 2}, server.next_offset),
                          request_id="b"))
    header, blob = server.recv()
    assert header["type"] == "execute_done" and "error" not in header
    first, second = header["responses"]
    assert first["error"] is None and first["parameters"] == {"id": "a", "n": 16}
    assert [t["name"] for t in first["outputs"]] == ["OUT"]  # EXTRA was not requested
    assert "inline" in first["outputs"][0]["data"]
    np.testing.assert_array_equal(server.outputs(first, blob)["OUT"], x + 1)
    # Nothing requested: every output comes back.
    outputs = server.outputs(second, blob)
    assert sorted(outputs) == ["EXTRA", "OUT"]
    np.testing.assert_array_equal(outputs["OUT"], x * 2 + 1)
    assert outputs["EXTRA"].dtype == np.int32
    server.finalize()


def test_large_output_travels_in_a_stub_segment(server, tmp_path):
    server.init(model(tmp_path, ADD_MODEL))
    x = np.ones(4, np.float32)
    execute(server, request_entry(server.place_inputs({"IN": x}), ["OUT", "BIG"],
                                  parameters={"big": 20000}))
    header, blob = server.recv()
    big = next(t for t in header["responses"][0]["outputs"] if t["name"] == "BIG")
    assert big["data"]["shm"].startswith(f"/{server.prefix}_")
    assert big["data"]["size"] == 20000 * 8
    np.testing.assert_array_equal(server.outputs(header["responses"][0], blob)["BIG"],
                                  np.arange(20000, dtype=np.float64))
    server.finalize()


def test_exception_fails_the_batch_and_the_stub_keeps_serving(server, tmp_path):
    server.init(model(tmp_path, ADD_MODEL))
    execute(server, request_entry(server.place_inputs({"IN": -np.ones(3, np.float32)})))
    header, _ = server.recv()
    assert header["type"] == "execute_done" and "responses" not in header
    assert header["error"].startswith(
        "Failed to process the request(s) for model 'm_0_0', message: "
        "ValueError: negative input")
    execute(server, request_entry(server.place_inputs({"IN": np.ones(3, np.float32)})))
    header, blob = server.recv()
    np.testing.assert_array_equal(server.outputs(header["responses"][0], blob)["OUT"],
                                  np.full(3, 2, np.float32))
    server.finalize()


def test_wrong_return_value_fails_the_batch(server, tmp_path):
    server.init(model(tmp_path, ADD_MODEL))
    inputs = server.place_inputs({"IN": np.ones(2, np.float32)})
    execute(server, request_entry(inputs, parameters={"bad_return": 1}))
    header, _ = server.recv()
    assert "must return a list" in header["error"]
    execute(server, request_entry(inputs, parameters={"short_return": 1}),
            request_entry(inputs))  # both requests may share the same input bytes
    header, _ = server.recv()
    assert header["error"].startswith("Failed to process the request(s) for model 'm_0_0'")
    assert "1 response(s) for 2 request(s)" in header["error"]
    server.finalize()


def test_error_response_keeps_its_code(server, tmp_path):
    server.init(model(tmp_path, ADD_MODEL))
    execute(server, request_entry(server.place_inputs({"IN": np.ones(2, np.float32)}),
                                  parameters={"error": True}))
    header, _ = server.recv()
    response = header["responses"][0]
    assert response["error"] == {"message": "refused", "code": "INVALID_ARG"}
    assert response["outputs"] == []
    server.finalize()


def test_execute_may_name_a_new_input_segment(server, tmp_path):
    server.init(model(tmp_path, ADD_MODEL))
    segment = server.new_input_segment(4 << 20)
    x = np.arange(300000, dtype=np.float32)
    execute(server, request_entry(server.place_inputs({"IN": x}), ["OUT"]),
            input_segment=segment, input_segment_size=4 << 20)
    header, blob = server.recv()
    np.testing.assert_array_equal(server.outputs(header["responses"][0], blob)["OUT"], x + 1)
    server.finalize()


BYTES_MODEL = """
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def execute(self, requests):
            responses = []
            for request in requests:
                text = request.inputs()[0].as_numpy()
                assert text.dtype == np.object_ and isinstance(text.flat[0], bytes)
                upper = np.array([t.decode().upper() for t in text.flat], dtype=np.object_)
                responses.append(pb_utils.InferenceResponse([
                    pb_utils.Tensor("UPPER", upper.reshape(text.shape)),
                    pb_utils.Tensor("RAW", text.astype(np.bytes_))]))
            return responses
"""


def test_bytes_tensors_round_trip(server, tmp_path):
    server.init(model(tmp_path, BYTES_MODEL))
    text = np.array([[b"ab", b""], [b"h\xc3\xa9", b"xyz"]], dtype=np.object_)
    execute(server, request_entry(server.place_inputs({"TEXT": text})))
    header, blob = server.recv()
    response = header["responses"][0]
    assert [t["datatype"] for t in response["outputs"]] == ["BYTES", "BYTES"]
    outputs = server.outputs(response, blob)
    assert outputs["UPPER"].tolist() == [[b"AB", b""], ["hé".upper().encode(), b"XYZ"]]
    assert outputs["RAW"].tolist() == text.tolist()
    server.finalize()


DECOUPLED_MODEL = """
    import threading
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def execute(self, requests):
            for request in requests:
                n = int(request.inputs()[0].as_numpy()[0])
                sender = request.get_response_sender()
                for i in range(n):
                    sender.send(pb_utils.InferenceResponse(
                        [pb_utils.Tensor("OUT", np.array([i], np.int32))]))
                # The end comes later, from another thread.
                threading.Thread(target=self.finish, args=(sender,)).start()
            return None

        def finish(self, sender):
            sender.send(flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
            try:
                sender.send(flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
            except pb_utils.TritonModelException:
                pb_utils.Logger.log_info("second final refused")
"""


def test_decoupled_responses_and_flags_only_final(server, tmp_path):
    server.init(model(tmp_path, DECOUPLED_MODEL), decoupled=True)
    execute(server, request_entry(server.place_inputs({"N": np.array([3], np.int32)}),
                                  handle=10),
            request_entry(server.place_inputs({"N": np.array([1], np.int32)},
                                              server.next_offset), handle=11))
    seen, finals, logs, done = {10: [], 11: []}, set(), [], False
    while not (done and len(finals) == 2 and len(logs) == 2):
        header, blob = server.recv()
        if header["type"] == "log":
            logs.append(header)
            continue
        if header["type"] == "execute_done":
            assert header == {"type": "execute_done"}
            done = True
            continue
        assert header["type"] == "response"
        assert header["request"] not in finals  # responses name requests by handle
        if header["final"]:
            assert header == {"type": "response", "request": header["request"], "final": True}
            finals.add(header["request"])
        else:
            seen[header["request"]].append(int(server.outputs(header, blob)["OUT"][0]))
    assert seen == {10: [0, 1, 2], 11: [0]}
    assert [log["message"] for log in logs] == ["second final refused"] * 2
    assert logs[0]["level"] == "INFO" and logs[0]["file"].endswith("model.py")
    server.finalize()


ASYNC_DECOUPLED_MODEL = """
    import asyncio
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        async def execute(self, requests):
            for request in requests:
                sender = request.get_response_sender()
                await asyncio.sleep(0.01)
                if request.request_id() == "boom":
                    raise RuntimeError("async failure")
                sender.send(pb_utils.InferenceResponse(
                    [pb_utils.Tensor("OUT", np.array([1.5], np.float32))]),
                    flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
"""


def test_async_decoupled_execute_runs_in_the_background(server, tmp_path):
    server.init(model(tmp_path, ASYNC_DECOUPLED_MODEL), decoupled=True)
    inputs = server.place_inputs({"X": np.zeros(1, np.float32)})
    execute(server, request_entry(inputs, request_id="ok", handle=5))
    header, _ = server.recv()
    assert header == {"type": "execute_done"}  # answered before the coroutine finished
    header, blob = server.recv()
    assert header["type"] == "response" and header["final"] is True
    assert header["request"] == 5
    assert server.outputs(header, blob)["OUT"].tolist() == [1.5]
    # A coroutine that raises ends its open requests with an error response.
    execute(server, request_entry(inputs, request_id="boom"))
    assert server.recv()[0] == {"type": "execute_done"}
    header, _ = server.recv()
    assert header["type"] == "response" and header["final"] is True
    assert "RuntimeError: async failure" in header["error"]["message"]
    server.finalize()


SENDER_DEFAULT_MODEL = """
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def execute(self, requests):
            for request in requests:
                request.get_response_sender().send(
                    pb_utils.InferenceResponse([pb_utils.Tensor("OUT", np.ones(2, np.int8))]),
                    flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
            return None
"""


def test_default_model_may_answer_through_the_sender(server, tmp_path):
    server.init(model(tmp_path, SENDER_DEFAULT_MODEL))
    execute(server, request_entry(server.place_inputs({"X": np.zeros(1, np.float32)})))
    header, blob = server.recv()
    assert header["type"] == "execute_done"
    assert server.outputs(header["responses"][0], blob)["OUT"].tolist() == [1, 1]
    server.finalize()


BLS_MODEL = """
    import json
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def execute(self, requests):
            responses = []
            for request in requests:
                x = request.inputs()[0]
                bls = pb_utils.InferenceRequest(
                    model_name="doubler", inputs=[pb_utils.Tensor("X", x.as_numpy())],
                    requested_output_names=["Y"], parameters={"k": "v", "n": 2})
                if request.request_id() == "stream":
                    parts = [r for r in bls.exec(decoupled=True)]
                    total = sum(float(pb_utils.get_output_tensor_by_name(r, "Y").as_numpy()[0])
                                for r in parts if r.output_tensors())
                    out = np.array([total, len(parts)], np.float32)
                else:
                    result = bls.exec()
                    if result.has_error():
                        responses.append(pb_utils.InferenceResponse(error=pb_utils.TritonError(
                            "bls said: " + result.error().message(), result.error().code())))
                        continue
                    y = pb_utils.get_output_tensor_by_name(result, "Y").as_numpy()
                    y *= 10  # BLS outputs are writable arrays
                    out = y
                responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("OUT", out)]))
            return responses
"""


def bls_result(server, bls_id, outputs=(), error=None, final=True):
    """Sends a bls_result whose outputs are (name, float32 array) pairs, inline."""
    blob, tensors = b"", []
    for name, array in outputs:
        data = np.asarray(array, np.float32).tobytes()
        tensors.append({"name": name, "datatype": "FP32", "shape": list(np.shape(array)),
                        "data": {"inline": [len(blob), len(data)]}})
        blob += data
    server.send({"type": "bls_result", "bls_id": bls_id, "final": final,
                 "response": {"outputs": tensors, "parameters": {}, "error": error}}, blob)


def test_bls_exec_round_trip(server, tmp_path):
    server.init(model(tmp_path, BLS_MODEL))
    x = np.array([1, 2, 3], np.float32)
    execute(server, request_entry(server.place_inputs({"IN": x})))
    header, blob = server.recv()
    assert header["type"] == "bls" and header["decoupled"] is False
    request = header["request"]
    assert request["model_name"] == "doubler" and request["model_version"] == -1
    assert request["requested_output_names"] == ["Y"]
    assert request["parameters"] == {"k": "v", "n": 2}
    sent = server.tensor(request["inputs"][0], blob)
    np.testing.assert_array_equal(sent, x)
    bls_result(server, header["bls_id"], [("Y", sent * 2)])
    header, blob = server.recv()
    assert header["type"] == "execute_done"
    np.testing.assert_array_equal(server.outputs(header["responses"][0], blob)["OUT"],
                                  x * 20)
    # An error from the called model comes back through has_error().
    execute(server, request_entry(server.place_inputs({"IN": x})))
    header, _ = server.recv()
    bls_result(server, header["bls_id"], error={"message": "no such model",
                                                "code": "NOT_FOUND"})
    header, _ = server.recv()
    assert header["responses"][0]["error"] == {"message": "bls said: no such model",
                                               "code": "NOT_FOUND"}
    server.finalize()


BLS_FIELDS_MODEL = """
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def execute(self, requests):
            correlation = "seq-\u00e9\\"7" if requests[0].request_id() == "str" else 12
            bls = pb_utils.InferenceRequest(
                model_name="m\u00fcnchen \\"q\\"", model_version=3,
                request_id="id \\"quoted\\" \u2603", correlation_id=correlation,
                flags=1, timeout=250,
                inputs=[pb_utils.Tensor("X \u00e9", np.arange(6, dtype=np.int16).reshape(2, 3)),
                        pb_utils.Tensor("EMPTY", np.zeros((0, 4), np.float32))],
                requested_output_names=["Y", "Z \u00e9"])
            result = bls.exec()
            return [pb_utils.InferenceResponse(error=result.error())]
"""


@pytest.mark.parametrize("kind", ["str", "int"])
def test_bls_request_carries_every_field(server, tmp_path, kind):
    server.init(model(tmp_path, BLS_FIELDS_MODEL))
    execute(server, request_entry([], request_id=kind))
    header, blob = server.recv()
    assert header["type"] == "bls" and header["decoupled"] is False
    request = header["request"]
    assert request["model_name"] == 'm\u00fcnchen "q"'
    assert request["model_version"] == 3
    assert request["id"] == 'id "quoted" \u2603'
    assert request["correlation_id"] == ('seq-\u00e9"7' if kind == "str" else 12)
    assert (request["flags"], request["timeout"]) == (1, 250)
    assert request["requested_output_names"] == ["Y", "Z \u00e9"]
    assert request["parameters"] == {}
    x, empty = request["inputs"]
    assert (x["name"], x["datatype"], x["shape"]) == ("X \u00e9", "INT16", [2, 3])
    np.testing.assert_array_equal(server.tensor(x, blob).reshape(2, 3),
                                  np.arange(6, dtype=np.int16).reshape(2, 3))
    assert (empty["name"], empty["shape"], empty["data"]["inline"][1]) == ("EMPTY", [0, 4], 0)
    bls_result(server, header["bls_id"], error={"message": "m", "code": "UNAVAILABLE"})
    header, _ = server.recv()
    assert header["responses"][0]["error"] == {"message": "m", "code": "UNAVAILABLE"}
    server.finalize()


def test_bls_decoupled_iterator(server, tmp_path):
    server.init(model(tmp_path, BLS_MODEL))
    execute(server, request_entry(server.place_inputs({"IN": np.ones(1, np.float32)}),
                                  request_id="stream"))
    header, _ = server.recv()
    assert header["type"] == "bls" and header["decoupled"] is True
    for value in (1.0, 2.0, 4.0):
        bls_result(server, header["bls_id"], [("Y", [value])], final=False)
    bls_result(server, header["bls_id"], final=True)  # flags-only end
    header, blob = server.recv()
    assert server.outputs(header["responses"][0], blob)["OUT"].tolist() == [7.0, 4.0]
    server.finalize()


ASYNC_BLS_MODEL = """
    import asyncio
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        async def execute(self, requests):
            x = requests[0].inputs()[0].as_numpy()
            calls = [pb_utils.InferenceRequest(
                         model_name=name, inputs=[pb_utils.Tensor("X", x)],
                         requested_output_names=["Y"]).async_exec()
                     for name in ("first", "second")]
            results = await asyncio.gather(*calls)
            total = sum(r.output_tensors()[0].as_numpy() for r in results)
            return [pb_utils.InferenceResponse([pb_utils.Tensor("OUT", total)])]
"""


def test_async_execute_with_concurrent_bls(server, tmp_path):
    server.init(model(tmp_path, ASYNC_BLS_MODEL))
    execute(server, request_entry(server.place_inputs({"IN": np.ones(2, np.float32)})))
    calls = [server.recv()[0], server.recv()[0]]
    assert sorted(c["request"]["model_name"] for c in calls) == ["first", "second"]
    for call in reversed(calls):  # answer out of order
        factor = 1.0 if call["request"]["model_name"] == "first" else 100.0
        bls_result(server, call["bls_id"], [("Y", np.full(2, factor))])
    header, blob = server.recv()
    assert server.outputs(header["responses"][0], blob)["OUT"].tolist() == [101.0, 101.0]
    server.finalize()


CONTROL_MODEL = """
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def execute(self, requests):
            ready = pb_utils.is_model_ready("other", "2")
            try:
                pb_utils.load_model("other", config='{"backend": "python"}',
                                    files={"file:1/model.py": b"pass"})
                loaded = "ok"
            except pb_utils.TritonModelException as error:
                loaded = str(error)
            pb_utils.Logger.log_warn("control done")
            out = np.array([str(ready).encode(), loaded.encode()], dtype=np.object_)
            return [pb_utils.InferenceResponse([pb_utils.Tensor("OUT", out)])
                    for _ in requests]
"""


def test_model_control_messages(server, tmp_path):
    server.init(model(tmp_path, CONTROL_MODEL))
    execute(server, request_entry([]))
    header, _ = server.recv()
    assert header["type"] == "control" and header["action"] == "is_model_ready"
    assert header["model_name"] == "other" and header["model_version"] == "2"
    server.send({"type": "control_result", "control_id": header["control_id"], "ok": True,
                 "ready": True, "message": ""})
    header, _ = server.recv()
    assert header["action"] == "load_model" and header["config"] == '{"backend": "python"}'
    assert header["files"] == {"file:1/model.py": "cGFzcw=="}  # base64 of b"pass"
    server.send({"type": "control_result", "control_id": header["control_id"], "ok": False,
                 "ready": False, "message": "explicit model control is off"})
    header, _ = server.recv()
    assert header["type"] == "log" and header["level"] == "WARNING"
    header, blob = server.recv()
    assert server.outputs(header["responses"][0], blob)["OUT"].tolist() == [
        b"True", b"explicit model control is off"]
    server.finalize()


METRICS_MODEL = """
    import numpy as np
    import triton_python_backend_utils as pb_utils

    # Module code runs in the auto_complete_config stub too, where metrics stay local.
    IMPORTS = pb_utils.MetricFamily("imports", "", pb_utils.MetricFamily.COUNTER).Metric()
    IMPORTS.increment(1)

    class TritonPythonModel:
        def initialize(self, args):
            family = pb_utils.MetricFamily("hits", "Hits", pb_utils.MetricFamily.COUNTER)
            self.hits = family.Metric(labels={"route": "a"})
            self.again = family.Metric(labels={"route": "a"})  # known: no second create

        def execute(self, requests):
            self.hits.increment(2)
            self.again.increment(float("inf"))
            out = np.array([self.hits.value()], dtype=np.float64)
            return [pb_utils.InferenceResponse([pb_utils.Tensor("OUT", out)])]
"""


def test_metric_messages(server, tmp_path):
    path = model(tmp_path, METRICS_MODEL)
    version_dir = os.path.dirname(path)
    server.send({"type": "init", "model_path": path, "model_dir": os.path.dirname(version_dir),
                 "version_dir": version_dir, "args": {}, "decoupled": False,
                 "input_segment": server.input_segment, "input_segment_size": server.input_size})
    header, _ = server.recv()
    assert header["op"] == "family" and header["name"] == "imports"
    server.send({"type": "metric_result", "request_id": header["request_id"], "ok": True,
                 "message": ""})
    header, _ = server.recv()
    assert header["op"] == "create"
    server.send({"type": "metric_result", "request_id": header["request_id"], "ok": True,
                 "message": ""})
    header, _ = server.recv()
    assert header["op"] == "increment" and header["value"] == 1.0
    header, _ = server.recv()
    assert header == {"type": "metric", "op": "family", "name": "hits", "description": "Hits",
                      "kind": "COUNTER", "request_id": header["request_id"]}
    server.send({"type": "metric_result", "request_id": header["request_id"], "ok": True,
                 "message": ""})
    header, _ = server.recv()
    assert header["op"] == "create" and header["family"] == "hits"
    assert header["labels"] == {"route": "a"} and "buckets" not in header
    metric_id = header["metric_id"]
    server.send({"type": "metric_result", "request_id": header["request_id"], "ok": True,
                 "message": ""})
    assert server.recv()[0] == {"type": "init_done", "has_is_ready": False}

    execute(server, request_entry([]))
    assert server.recv()[0] == {"type": "metric", "op": "increment", "metric_id": metric_id,
                                "value": 2.0}
    assert server.recv()[0] == {"type": "metric", "op": "increment", "metric_id": metric_id,
                                "value": "+Inf"}
    header, _ = server.recv()
    assert header["op"] == "value" and header["metric_id"] == metric_id
    server.send({"type": "metric_result", "request_id": header["request_id"], "ok": True,
                 "message": "", "value": 12.5})
    header, blob = server.recv()
    assert server.outputs(header["responses"][0], blob)["OUT"].tolist() == [12.5]
    server.finalize()


def test_metrics_stay_local_in_the_auto_complete_stub(server, tmp_path):
    path = model(tmp_path, METRICS_MODEL, name="ac_metrics")
    server.send({"type": "auto_complete", "model_path": path,
                 "model_dir": os.path.dirname(os.path.dirname(path)),
                 "version_dir": os.path.dirname(path),
                 "config": json.dumps({"name": "ac_metrics"})})
    header, _ = server.recv()
    assert header["type"] == "auto_complete_done"  # no metric message came first
    server.finalize()


def test_metric_errors_from_the_server_raise(server, tmp_path):
    source = """
        import triton_python_backend_utils as pb_utils

        class TritonPythonModel:
            def initialize(self, args):
                pb_utils.MetricFamily("taken", "", pb_utils.MetricFamily.GAUGE)

            def execute(self, requests):
                return []
    """
    path = model(tmp_path, source)
    version_dir = os.path.dirname(path)
    server.send({"type": "init", "model_path": path, "model_dir": os.path.dirname(version_dir),
                 "version_dir": version_dir, "args": {}, "decoupled": False,
                 "input_segment": server.input_segment, "input_segment_size": server.input_size})
    header, _ = server.recv()
    server.send({"type": "metric_result", "request_id": header["request_id"], "ok": False,
                 "message": "metric family 'taken' already exists as a counter, not a gauge"})
    header, _ = server.recv_skipping_logs()
    assert header["type"] == "error"
    assert ("Error when creating MetricFamily: metric family 'taken' already exists as a "
            "counter, not a gauge") in header["message"]


IMPORT_MODEL = """
    import helper
    from . import helper as relative_helper
    import numpy as np
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        def initialize(self, args):
            if args["model_name"] == "fail_init":
                raise RuntimeError("cannot start")
            self.args = args

        def execute(self, requests):
            facts = [__name__, pb_utils.get_model_dir(), str(helper.VALUE),
                     str(relative_helper is helper), self.args["model_instance_kind"]]
            out = np.array([f.encode() for f in facts], dtype=np.object_)
            return [pb_utils.InferenceResponse([pb_utils.Tensor("OUT", out)])]

        def finalize(self):
            with open(self.args["model_repository"] + "/finalized", "w") as f:
                f.write("yes")
"""


def test_import_rules_and_finalize(server, tmp_path):
    path = model(tmp_path, IMPORT_MODEL, name="imports")
    write_model(tmp_path, "imports", "VALUE = 42\n", filename="helper.py")
    assert server.init(path)[0]["type"] == "init_done"
    execute(server, request_entry([]))
    header, blob = server.recv()
    facts = server.outputs(header["responses"][0], blob)["OUT"].tolist()
    version_dir = os.path.dirname(path)
    assert facts == [b"1.model", version_dir.encode(), b"42", b"False", b"CPU"]
    server.finalize()
    with open(os.path.join(os.path.dirname(version_dir), "finalized")) as f:
        assert f.read() == "yes"


def test_initialize_error_is_reported(server, tmp_path):
    path = model(tmp_path, IMPORT_MODEL, name="fail_init")
    write_model(tmp_path, "fail_init", "VALUE = 1\n", filename="helper.py")
    header, _ = server.init(path, args={"model_name": "fail_init"})
    assert header["type"] == "error"
    assert header["message"].startswith("RuntimeError: cannot start")


def test_is_ready_hook(server, tmp_path):
    assert server.init(model(tmp_path, """
        class TritonPythonModel:
            def execute(self, requests):
                return []
            async def is_ready(self):
                return True
    """))[0] == {"type": "init_done", "has_is_ready": True}
    server.send({"type": "is_ready"})
    assert server.recv()[0] == {"type": "is_ready_done", "ready": True}
    server.finalize()


AUTO_COMPLETE_MODEL = """
    import triton_python_backend_utils as pb_utils

    class TritonPythonModel:
        @staticmethod
        def auto_complete_config(config):
            if config.as_dict()["name"] == "broken":
                return {"not": "a ModelConfig"}
            config.add_input({"name": "IN", "data_type": "TYPE_FP32", "dims": [4]})
            config.add_output({"name": "OUT", "data_type": "TYPE_FP32", "dims": [4]})
            config.set_max_batch_size(8)
            config.set_dynamic_batching()
            config.set_model_transaction_policy({"decoupled": False})
            return config

        def execute(self, requests):
            return []
"""


def test_auto_complete(server, tmp_path):
    path = model(tmp_path, AUTO_COMPLETE_MODEL, name="ac")
    base = {"name": "ac", "max_batch_size": 0, "input": [], "output": []}
    server.send({"type": "auto_complete", "model_path": path,
                 "model_dir": os.path.dirname(os.path.dirname(path)),
                 "version_dir": os.path.dirname(path), "config": json.dumps(base)})
    header, _ = server.recv()
    assert header["type"] == "auto_complete_done"
    config = json.loads(header["config"])
    assert config["input"] == [{"name": "IN", "data_type": "TYPE_FP32", "dims": [4]}]
    assert config["output"][0]["name"] == "OUT" and config["max_batch_size"] == 8
    assert config["dynamic_batching"] == {}
    assert config["model_transaction_policy"] == {"decoupled": False}
    # A hook returning something else is an error, and the stub stays usable.
    server.send({"type": "auto_complete", "model_path": path,
                 "config": json.dumps(dict(base, name="broken"))})
    header, _ = server.recv()
    assert header["type"] == "error" and "must return a pb_utils.ModelConfig" in \
        header["message"]
    server.finalize()


def test_stub_exits_when_the_server_goes_away(server, tmp_path):
    server.init(model(tmp_path, ADD_MODEL))
    server.sock.close()
    assert server.proc.wait(timeout=20) == 0


def test_bls_is_refused_during_initialize(server, tmp_path):
    server.init(model(tmp_path, """
        import numpy as np
        import triton_python_backend_utils as pb_utils

        class TritonPythonModel:
            def initialize(self, args):
                try:
                    pb_utils.InferenceRequest(model_name="x", inputs=[],
                                              requested_output_names=[]).exec()
                    self.outcome = "allowed"
                except pb_utils.TritonModelException as error:
                    self.outcome = str(error)

            def execute(self, requests):
                out = np.array([self.outcome.encode()], dtype=np.object_)
                return [pb_utils.InferenceResponse([pb_utils.Tensor("OUT", out)])]
    """))
    execute(server, request_entry([]))
    header, blob = server.recv()
    outcome = server.outputs(header["responses"][0], blob)["OUT"][0]
    assert b"not in initialize()" in outcome
    server.finalize()
