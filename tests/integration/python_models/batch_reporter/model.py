"""Reports how it was batched: every response carries the number of requests execute()
received together (REQUESTS), the number of that execute call (EXECUTION, from 1) and
the wall-clock time (time.time()) at which execute finished (FINISHED).
VALUE comes back unchanged; execute sleeps the largest SLEEP (seconds) of its batch once."""

import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.executions = 0

    def execute(self, requests):
        self.executions += 1
        sleep = max(float(pb_utils.get_input_tensor_by_name(r, "SLEEP").as_numpy().max()) for r in requests)
        time.sleep(sleep)
        finished = time.time()
        responses = []
        for request in requests:
            value = pb_utils.get_input_tensor_by_name(request, "VALUE").as_numpy()
            rows = value.shape[0]
            responses.append(pb_utils.InferenceResponse([
                pb_utils.Tensor("VALUE_OUT", value),
                pb_utils.Tensor("REQUESTS", np.full((rows, 1), len(requests), dtype=np.int32)),
                pb_utils.Tensor("EXECUTION", np.full((rows, 1), self.executions, dtype=np.int64)),
                pb_utils.Tensor("FINISHED", np.full((rows, 1), finished, dtype=np.float64)),
            ]))
        return responses
