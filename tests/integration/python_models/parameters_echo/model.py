"""Returns the request's parameters (as the JSON text request.parameters() gives), its id and
its correlation id, flags and timeout, and answers with response parameters of each
supported type."""

import json

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            parameters = json.loads(request.parameters())
            scheduling = {"correlation_id": request.correlation_id(), "flags": request.flags(),
                          "timeout": request.timeout()}
            outputs = [
                pb_utils.Tensor("PARAMETERS", np.array([request.parameters()], dtype=np.object_)),
                pb_utils.Tensor("REQUEST_ID", np.array([request.request_id()], dtype=np.object_)),
                pb_utils.Tensor("SCHEDULING", np.array([json.dumps(scheduling)], dtype=np.object_)),
            ]
            answer = {"echoed": True, "parameter_count": len(parameters), "answered_by": "parameters_echo"}
            responses.append(pb_utils.InferenceResponse(output_tensors=outputs, parameters=answer))
        return responses
