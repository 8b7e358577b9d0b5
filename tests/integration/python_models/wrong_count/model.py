"""Returns a wrong answer from execute, chosen by HOW: "empty" (an empty list), "two" (two
responses for one request), "bare" (a response not in a list), "none" (None), "text"
(a string); "right" answers correctly."""

import numpy as np
import triton_python_backend_utils as pb_utils


def response(value):
    return pb_utils.InferenceResponse([pb_utils.Tensor("OUTPUT", np.array([value], dtype=np.int32))])


class TritonPythonModel:
    def execute(self, requests):
        how = pb_utils.get_input_tensor_by_name(requests[0], "HOW").as_numpy()[0].decode()
        if how == "empty":
            return []
        if how == "two":
            return [response(1), response(2)]
        if how == "bare":
            return response(1)
        if how == "none":
            return None
        if how == "text":
            return "not a list of responses"
        return [response(7) for _ in requests]
