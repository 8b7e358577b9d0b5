"""A model whose initialize() fails: its weights file is missing."""

import os

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        weights = os.path.join(args["model_repository"], args["model_version"], "weights.bin")
        if not os.path.exists(weights):
            raise pb_utils.TritonModelException("weights file weights.bin is missing")

    def execute(self, requests):
        return [pb_utils.InferenceResponse([]) for _ in requests]
