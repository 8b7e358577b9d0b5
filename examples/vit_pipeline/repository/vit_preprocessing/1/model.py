"""ViT pre-processing: a batch of RGB images -> pixel values for the vit model.

image UINT8 [N,H,W,3] -> pixel_values FP32 [N,3,64,64], computed by
vit_preprocess.preprocess (vit_preprocess.py lies next to this file).
"""

import triton_python_backend_utils as pb_utils
import vit_preprocess


class TritonPythonModel:
    """Resize, scale and normalise with OpenCV and numpy, like ViT's feature extractor."""

    def execute(self, requests):
        """One pixel_values tensor per request, with the request's batch size."""
        responses = []
        for request in requests:
            images = pb_utils.get_input_tensor_by_name(request, "image").as_numpy()
            pixels = vit_preprocess.preprocess(images)
            output = pb_utils.Tensor("pixel_values", pixels)
            responses.append(pb_utils.InferenceResponse(output_tensors=[output]))
        return responses
