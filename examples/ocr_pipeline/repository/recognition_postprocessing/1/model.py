"""OCR step 5: turn the recogniser's scores into text.

recognition_postprocessing_input FP32 [n,26,37] -> recognition_postprocessing_output
STRING [n], decoded greedily (best symbol per step, repeats merged, blanks
dropped) by ocr_steps.ctc_greedy.
"""

import numpy as np

import ocr_steps
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    """Greedy CTC decoding over blank + 0-9 + a-z."""

    def execute(self, requests):
        """One string per crop, per request."""
        responses = []
        for request in requests:
            scores = pb_utils.get_input_tensor_by_name(
                request, "recognition_postprocessing_input").as_numpy()
            texts = np.array([t.encode("utf-8") for t in ocr_steps.ctc_greedy(scores)],
                             dtype=np.object_)
            output = pb_utils.Tensor("recognition_postprocessing_output", texts)
            responses.append(pb_utils.InferenceResponse(output_tensors=[output]))
        return responses
