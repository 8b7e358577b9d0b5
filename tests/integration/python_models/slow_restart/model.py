"""Returns its process id. Each initialize() creates the file `initializing` in the model's
folder when it starts and `initialized` when it ends; once the file `slow_start` exists
there, it takes 3 s in between, so a restarted stub is slow to come back."""

import os
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        folder = args["model_repository"]
        open(os.path.join(folder, "initializing"), "w").close()
        if os.path.exists(os.path.join(folder, "slow_start")):
            time.sleep(3)
        open(os.path.join(folder, "initialized"), "w").close()

    def execute(self, requests):
        pid = np.array([os.getpid()], dtype=np.int64)
        return [pb_utils.InferenceResponse([pb_utils.Tensor("PID", pid)]) for _ in requests]
