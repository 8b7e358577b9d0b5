"""Sleeps SLEEP seconds, then says which process and instance answered."""

import os
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.instance_name = args["model_instance_name"]

    def execute(self, requests):
        responses = []
        for request in requests:
            time.sleep(float(pb_utils.get_input_tensor_by_name(request, "SLEEP").as_numpy()[0]))
            responses.append(pb_utils.InferenceResponse([
                pb_utils.Tensor("PID", np.array([os.getpid()], dtype=np.int64)),
                pb_utils.Tensor("INSTANCE", np.array([self.instance_name], dtype=np.object_)),
            ]))
        return responses
