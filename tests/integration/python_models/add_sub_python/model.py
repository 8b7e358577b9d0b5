"""Sum and difference of two [batch, 16] tensors, in the style of Triton's add_sub example."""

import json

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.model_config = json.loads(args["model_config"])
        self.max_batch_size = self.model_config["max_batch_size"]
        output0 = pb_utils.get_output_config_by_name(self.model_config, "OUTPUT0")
        output1 = pb_utils.get_output_config_by_name(self.model_config, "OUTPUT1")
        self.output0_dtype = pb_utils.triton_string_to_numpy(output0["data_type"])
        self.output1_dtype = pb_utils.triton_string_to_numpy(output1["data_type"])

    def execute(self, requests):
        responses = []
        for request in requests:
            in_0 = pb_utils.get_input_tensor_by_name(request, "INPUT0").as_numpy()
            in_1 = pb_utils.get_input_tensor_by_name(request, "INPUT1").as_numpy()
            if in_0.ndim != 2 or in_0.shape[0] > self.max_batch_size:
                raise pb_utils.TritonModelException(f"expected [batch, 16], got {list(in_0.shape)}")
            out_0 = pb_utils.Tensor("OUTPUT0", (in_0 + in_1).astype(self.output0_dtype))
            out_1 = pb_utils.Tensor("OUTPUT1", (in_0 - in_1).astype(self.output1_dtype))
            responses.append(pb_utils.InferenceResponse(output_tensors=[out_0, out_1]))
        return responses

    def finalize(self):
        print("add_sub_python: cleaning up", flush=True)
