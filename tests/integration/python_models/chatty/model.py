"""Prints its input and logs it at every level through pb_utils.Logger, then echoes it.
A thread it starts logs the input once more after execute() has returned."""

import threading
import time

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.logger = pb_utils.Logger
        self.logger.log_info(f"chatty initialized as {args['model_instance_name']}")

    def execute(self, requests):
        responses = []
        for request in requests:
            text = pb_utils.get_input_tensor_by_name(request, "TEXT")
            word = text.as_numpy()[0].decode()
            print(f"chatty print: {word}", flush=True)
            self.logger.log_info(f"chatty info: {word}")
            self.logger.log_warn(f"chatty warning: {word}")
            self.logger.log_error(f"chatty error: {word}")
            self.logger.log_verbose(f"chatty verbose: {word}")
            self.logger.log(f"chatty log: {word}", self.logger.WARNING)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("ECHO", text.as_numpy())]))
            threading.Thread(target=self.log_later, args=(word,)).start()
        return responses

    def log_later(self, word):
        time.sleep(0.05)
        self.logger.log_info(f"chatty later: {word}")
