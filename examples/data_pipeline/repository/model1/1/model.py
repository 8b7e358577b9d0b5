"""model1 of the data pipeline: prints the five tensors it receives and returns them as they are.

Inputs model_1_input_{string,UINT8_array,INT8_array,FP32_image,bool}; each comes
back unchanged as the output of the same kind, model_1_output_<kind>.
"""

import triton_python_backend_utils as pb_utils

KINDS = ["string", "UINT8_array", "INT8_array", "FP32_image", "bool"]


class TritonPythonModel:
    """Identity over five tensors of different datatypes."""

    def execute(self, requests):
        """Print every input of every request and answer with the same arrays."""
        responses = []
        for request in requests:
            print("Model 1 received", flush=True)
            outputs = []
            for kind in KINDS:
                name = f"model_1_input_{kind}"
                array = pb_utils.get_input_tensor_by_name(request, name).as_numpy()
                print(array, flush=True)
                outputs.append(pb_utils.Tensor(f"model_1_output_{kind}", array))
            responses.append(pb_utils.InferenceResponse(output_tensors=outputs))
        return responses
