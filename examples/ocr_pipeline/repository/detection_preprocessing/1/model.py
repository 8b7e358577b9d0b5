"""OCR step 1: decode the JPEG/PNG bytes a client sent and prepare them for the detector.

detection_preprocessing_input UINT8 [bytes] -> detection_preprocessing_output FP32
[1,320,320,3] (RGB minus the channel means). Bytes that are not an image fail the
request with INVALID_ARG. The work is done by ocr_steps.preprocess (ocr_steps.py
lies next to this file).
"""

import ocr_steps
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    """Image decoding, resizing and normalisation with OpenCV."""

    def execute(self, requests):
        """One preprocessed image per request, or an INVALID_ARG error."""
        responses = []
        for request in requests:
            encoded = pb_utils.get_input_tensor_by_name(request, "detection_preprocessing_input")
            try:
                image = ocr_steps.preprocess(encoded.as_numpy())
            except ValueError as e:
                error = pb_utils.TritonError(str(e), pb_utils.TritonError.INVALID_ARG)
                responses.append(pb_utils.InferenceResponse(error=error))
                continue
            output = pb_utils.Tensor("detection_preprocessing_output", image)
            responses.append(pb_utils.InferenceResponse(output_tensors=[output]))
        return responses
