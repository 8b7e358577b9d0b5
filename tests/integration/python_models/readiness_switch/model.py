"""is_ready() answers from a mode each request sets: "ready", "not_ready", "raise" or
"hang" (never returns in time).
Served also with an async is_ready (parameter ASYNC_HOOK "yes")."""

import json
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.mode = "ready"
        parameters = json.loads(args["model_config"]).get("parameters", {})
        if parameters.get("ASYNC_HOOK", {}).get("string_value") == "yes":
            self.is_ready = self._is_ready_async

    def is_ready(self):
        if self.mode == "raise":
            raise RuntimeError("the readiness check failed")
        if self.mode == "hang":
            time.sleep(60)
        return self.mode == "ready"

    async def _is_ready_async(self):
        return TritonPythonModel.is_ready(self)

    def execute(self, requests):
        responses = []
        for request in requests:
            was = self.mode
            self.mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            responses.append(pb_utils.InferenceResponse(
                [pb_utils.Tensor("MODE_WAS", np.array([was.encode()], dtype=np.object_))]))
        return responses
