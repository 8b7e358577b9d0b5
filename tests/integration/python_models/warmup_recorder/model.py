"""Writes each execution it runs as one JSON line to executions.jsonl in its model folder:
a list with, for every request, its INPUT0 values and TEXT strings. Answers OUTPUT0 = INPUT0;
a request whose TEXT holds "reject" gets an error response instead."""

import json
import os

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.record = os.path.join(args["model_repository"], "executions.jsonl")

    def execute(self, requests):
        seen, responses = [], []
        for request in requests:
            values = pb_utils.get_input_tensor_by_name(request, "INPUT0").as_numpy()
            text = [s.decode() for s in pb_utils.get_input_tensor_by_name(request, "TEXT").as_numpy().reshape(-1)]
            seen.append({"INPUT0": values.reshape(-1).tolist(), "TEXT": text})
            if "reject" in text:
                responses.append(pb_utils.InferenceResponse(error=pb_utils.TritonError("warmup data rejected")))
            else:
                responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("OUTPUT0", values)]))
        with open(self.record, "a") as f:
            f.write(json.dumps(seen) + "\n")
        return responses
