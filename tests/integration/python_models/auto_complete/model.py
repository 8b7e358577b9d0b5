"""A model without config.pbtxt: auto_complete_config declares its inputs, outputs and
batching. OUTPUT0 = 3 * INPUT0, LENGTH = number of characters of each TEXT element."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    @staticmethod
    def auto_complete_config(auto_complete_model_config):
        inputs = [
            {"name": "INPUT0", "data_type": "TYPE_FP32", "dims": [4]},
            {"name": "TEXT", "data_type": "TYPE_STRING", "dims": [1]},
        ]
        outputs = [
            {"name": "OUTPUT0", "data_type": "TYPE_FP32", "dims": [4]},
            {"name": "LENGTH", "data_type": "TYPE_INT32", "dims": [1]},
        ]
        config = auto_complete_model_config.as_dict()
        input_names = [i["name"] for i in config["input"]]
        output_names = [o["name"] for o in config["output"]]
        for entry in inputs:
            if entry["name"] not in input_names:
                auto_complete_model_config.add_input(entry)
        for entry in outputs:
            if entry["name"] not in output_names:
                auto_complete_model_config.add_output(entry)
        auto_complete_model_config.set_max_batch_size(4)
        auto_complete_model_config.set_dynamic_batching()
        return auto_complete_model_config

    def execute(self, requests):
        responses = []
        for request in requests:
            x = pb_utils.get_input_tensor_by_name(request, "INPUT0").as_numpy()
            text = pb_utils.get_input_tensor_by_name(request, "TEXT").as_numpy()
            lengths = np.array([[len(t.decode("utf-8"))] for t in text.reshape(-1)], dtype=np.int32)
            responses.append(pb_utils.InferenceResponse(output_tensors=[
                pb_utils.Tensor("OUTPUT0", 3 * x),
                pb_utils.Tensor("LENGTH", lengths),
            ]))
        return responses
