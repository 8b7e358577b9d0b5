"""Answers every request with an error response. CODE names the TritonError code to use
("DEFAULT" for none); an output tensor is attached too, which must not reach the client."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            code = pb_utils.get_input_tensor_by_name(request, "CODE").as_numpy()[0].decode()
            if code == "DEFAULT":
                error = pb_utils.TritonError("refused without a code")
            else:
                error = pb_utils.TritonError(f"refused with {code}", getattr(pb_utils.TritonError, code))
            ignored = pb_utils.Tensor("OUTPUT", np.array([b"must not be sent"], dtype=np.object_))
            responses.append(pb_utils.InferenceResponse(output_tensors=[ignored], error=error))
        return responses
