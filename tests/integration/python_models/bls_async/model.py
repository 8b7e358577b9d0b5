"""async execute: asks add_sub_fp32 (ONNX) and add_sub_python concurrently with
async_exec(), returns the sum from the first and the difference from the second."""

import asyncio

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    async def execute(self, requests):
        responses = []
        for request in requests:
            inputs = [pb_utils.get_input_tensor_by_name(request, "INPUT0"),
                      pb_utils.get_input_tensor_by_name(request, "INPUT1")]
            calls = [pb_utils.InferenceRequest(model_name=name, requested_output_names=["OUTPUT0", "OUTPUT1"],
                                               inputs=inputs).async_exec()
                     for name in ("add_sub_fp32", "add_sub_python")]
            onnx_response, python_response = await asyncio.gather(*calls)
            for response in (onnx_response, python_response):
                if response.has_error():
                    raise pb_utils.TritonModelException(response.error().message())
            total = pb_utils.get_output_tensor_by_name(onnx_response, "OUTPUT0").as_numpy()
            difference = pb_utils.get_output_tensor_by_name(python_response, "OUTPUT1").as_numpy()
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("OUTPUT0", total),
                                                         pb_utils.Tensor("OUTPUT1", difference)]))
        return responses
