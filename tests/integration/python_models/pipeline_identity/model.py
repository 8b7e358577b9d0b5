"""The first model of the data pipeline walkthrough: passes a string, a UINT8 and an INT8
array, an FP32 image and a bool array through unchanged."""

import triton_python_backend_utils as pb_utils

PAIRS = [
    ("model_1_input_string", "model_1_output_string"),
    ("model_1_input_UINT8_array", "model_1_output_UINT8_array"),
    ("model_1_input_INT8_array", "model_1_output_INT8_array"),
    ("model_1_input_FP32_image", "model_1_output_FP32_image"),
    ("model_1_input_bool", "model_1_output_bool"),
]


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            outputs = []
            for input_name, output_name in PAIRS:
                tensor = pb_utils.get_input_tensor_by_name(request, input_name)
                outputs.append(pb_utils.Tensor(output_name, tensor.as_numpy()))
            responses.append(pb_utils.InferenceResponse(output_tensors=outputs))
        return responses
