"""Decoupled: answers each request with COUNT responses OUT = 0, 1, ..., COUNT-1.

MODE "execute": sends them from execute, then a flags-only final;
MODE "thread":  sends them from a thread after execute has returned, then a flags-only final;
MODE "last":    sends them from execute, the last one carrying the final flag;
MODE "crash":   sends them from execute, then the process exits with code 5.
"""

import os

import threading
import time

import numpy as np
import triton_python_backend_utils as pb_utils


def numbered(i):
    return pb_utils.InferenceResponse(output_tensors=[pb_utils.Tensor("OUT", np.array([i], dtype=np.int32))])


class TritonPythonModel:
    def initialize(self, args):
        self.threads = []

    def execute(self, requests):
        for request in requests:
            count = int(pb_utils.get_input_tensor_by_name(request, "COUNT").as_numpy()[0])
            mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            sender = request.get_response_sender()
            if mode == "thread":
                thread = threading.Thread(target=self.send_later, args=(sender, count))
                thread.start()
                self.threads.append(thread)
            elif mode == "last" and count > 0:
                for i in range(count - 1):
                    sender.send(numbered(i))
                sender.send(numbered(count - 1), flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
            else:
                for i in range(count):
                    sender.send(numbered(i))
                if mode == "crash":
                    os._exit(5)
                sender.send(flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)
        return None

    @staticmethod
    def send_later(sender, count):
        time.sleep(0.1)  # execute has returned by now
        for i in range(count):
            sender.send(numbered(i))
        sender.send(flags=pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL)

    def finalize(self):
        for thread in self.threads:
            thread.join()
