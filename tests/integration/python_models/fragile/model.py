"""Returns its process id, or misbehaves when ACTION asks: "exit" leaves with os._exit(3),
"segv" dies of SIGSEGV, "hang" sleeps for a minute before answering."""

import os
import signal
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            action = pb_utils.get_input_tensor_by_name(request, "ACTION").as_numpy()[0].decode()
            if action == "exit":
                os._exit(3)
            elif action == "segv":
                os.kill(os.getpid(), signal.SIGSEGV)
            elif action == "hang":
                time.sleep(60)
            pid = pb_utils.Tensor("PID", np.array([os.getpid()], dtype=np.int64))
            responses.append(pb_utils.InferenceResponse([pid]))
        return responses
