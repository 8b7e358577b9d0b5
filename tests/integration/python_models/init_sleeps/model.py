"""A model whose initialize() takes a minute (say, a slow download)."""

import time

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        time.sleep(60)

    def execute(self, requests):
        return [pb_utils.InferenceResponse([]) for _ in requests]
