"""Returns, as JSON text, the `args` its initialize() received."""

import json

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.args = {key: args[key] for key in args}
        self.types = {key: type(value).__name__ for key, value in args.items()}

    def execute(self, requests):
        text = json.dumps({"args": self.args, "types": self.types})
        return [pb_utils.InferenceResponse(
                    output_tensors=[pb_utils.Tensor("ARGS", np.array([text], dtype=np.object_))])
                for _ in requests]
