"""Business logic scripting: calls other models from execute, chosen by MODE.

"onnx":      add_sub_fp32 (ONNX) on INPUT0/INPUT1 -> OUTPUT0/OUTPUT1
"python":    add_sub_python (a Python model), the same way
"decoupled": repeat_decoupled with COUNT 3 in thread mode; MESSAGE lists the OUT values received
"unknown":   a model that does not exist; MESSAGE is [error message, error code name]
"control":   MESSAGE is [is_model_ready of add_sub_fp32, of no_such_model, what load_model raised]
"large":     sends a 1 MB image and 100 KB of strings through pipeline_identity; MESSAGE says
             whether they came back equal
"""

import numpy as np
import triton_python_backend_utils as pb_utils

TARGETS = {"onnx": "add_sub_fp32", "python": "add_sub_python", "unknown": "no_such_model"}
CODE_NAMES = ["UNKNOWN", "INTERNAL", "NOT_FOUND", "INVALID_ARG", "UNAVAILABLE", "UNSUPPORTED",
              "ALREADY_EXISTS", "CANCELLED"]


def strings(values):
    return np.array(values, dtype=np.object_)


def code_name(error):
    for name in CODE_NAMES:
        if error.code() == getattr(pb_utils.TritonError, name):
            return name
    return str(error.code())


class TritonPythonModel:
    def execute(self, requests):
        return [self.handle(request) for request in requests]

    def handle(self, request):
        mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
        if mode == "decoupled":
            return self.call_decoupled()
        if mode == "control":
            return self.model_control()
        if mode == "large":
            return self.call_with_large_tensors()
        in_0 = pb_utils.get_input_tensor_by_name(request, "INPUT0")
        in_1 = pb_utils.get_input_tensor_by_name(request, "INPUT1")
        bls_request = pb_utils.InferenceRequest(
            model_name=TARGETS[mode],
            requested_output_names=["OUTPUT0", "OUTPUT1"],
            inputs=[in_0, in_1])
        bls_response = bls_request.exec()
        if bls_response.has_error():
            error = bls_response.error()
            message = strings([error.message(), code_name(error)])
            return pb_utils.InferenceResponse([pb_utils.Tensor("MESSAGE", message)])
        out_0 = pb_utils.get_output_tensor_by_name(bls_response, "OUTPUT0")
        out_1 = pb_utils.get_output_tensor_by_name(bls_response, "OUTPUT1")
        return pb_utils.InferenceResponse([
            pb_utils.Tensor("OUTPUT0", out_0.as_numpy()),
            pb_utils.Tensor("OUTPUT1", out_1.as_numpy()),
            pb_utils.Tensor("MESSAGE", strings(["ok"])),
        ])

    def call_decoupled(self):
        bls_request = pb_utils.InferenceRequest(
            model_name="repeat_decoupled",
            requested_output_names=["OUT"],
            inputs=[pb_utils.Tensor("COUNT", np.array([3], dtype=np.int32)),
                    pb_utils.Tensor("MODE", strings(["thread"]))])
        received = []
        for bls_response in bls_request.exec(decoupled=True):
            if bls_response.has_error():
                raise pb_utils.TritonModelException(bls_response.error().message())
            out = pb_utils.get_output_tensor_by_name(bls_response, "OUT")
            if out is not None:  # the last response may be an empty final marker
                received.append(str(int(out.as_numpy()[0])))
        return pb_utils.InferenceResponse([pb_utils.Tensor("MESSAGE", strings(received))])

    def model_control(self):
        try:
            pb_utils.load_model("add_sub_fp32")
            load = "loaded"
        except pb_utils.TritonModelException as error:
            load = str(error)
        ready = [str(pb_utils.is_model_ready(name)) for name in ("add_sub_fp32", "no_such_model")]
        return pb_utils.InferenceResponse([pb_utils.Tensor("MESSAGE", strings(ready + [load]))])

    def call_with_large_tensors(self):
        image = (np.arange(3 * 300 * 300, dtype=np.float32) / 7).reshape(3, 300, 300)
        texts = strings([bytes([i]) * 1000 for i in range(100)])
        values = {"string": texts, "UINT8_array": np.arange(256, dtype=np.uint8),
                  "INT8_array": np.arange(-128, 128, dtype=np.int8), "FP32_image": image,
                  "bool": np.array([True, False])}
        bls_request = pb_utils.InferenceRequest(
            model_name="pipeline_identity",
            requested_output_names=[f"model_1_output_{name}" for name in values],
            inputs=[pb_utils.Tensor(f"model_1_input_{name}", value) for name, value in values.items()])
        bls_response = bls_request.exec()
        if bls_response.has_error():
            raise pb_utils.TritonModelException(bls_response.error().message())
        verdicts = []
        for name, value in values.items():
            got = pb_utils.get_output_tensor_by_name(bls_response, f"model_1_output_{name}").as_numpy()
            same = got.dtype == value.dtype and got.shape == value.shape and (got == value).all()
            verdicts.append(f"{name} {'equal' if same else 'different'}")
        return pb_utils.InferenceResponse([pb_utils.Tensor("MESSAGE", strings(verdicts))])
