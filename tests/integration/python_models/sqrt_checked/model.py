"""Y = sqrt(X); refuses negative numbers by raising from execute."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            x = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
            if (x < 0).any():
                raise ValueError(f"X must not be negative, got {x.min()}")
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("Y", np.sqrt(x))]))
        return responses
