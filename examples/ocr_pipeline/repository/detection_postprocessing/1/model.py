"""OCR step 3: find text boxes in the detector's maps and crop them out of the image.

detection_postprocessing_input_1 FP32 [1,h,w,1] (score map),
detection_postprocessing_input_2 FP32 [1,h,w,5] (geometry) and
detection_postprocessing_input_3 FP32 [1,H,W,3] (the preprocessed image)
-> detection_postprocessing_output FP32 [n,1,32,100], one grey crop per box
(n >= 1). The work is done by ocr_steps.detect_boxes and ocr_steps.crop_boxes.
"""

import ocr_steps
import triton_python_backend_utils as pb_utils


def _input(request, index):
    return pb_utils.get_input_tensor_by_name(
        request, f"detection_postprocessing_input_{index}").as_numpy()


class TritonPythonModel:
    """Boxes from the score map (OpenCV connected regions), crops with a perspective warp."""

    def execute(self, requests):
        """The crops of every box found, per request."""
        responses = []
        for request in requests:
            score, geometry, image = _input(request, 1), _input(request, 2), _input(request, 3)
            boxes = ocr_steps.detect_boxes(score, geometry)
            crops = ocr_steps.crop_boxes(image, boxes)
            output = pb_utils.Tensor("detection_postprocessing_output", crops)
            responses.append(pb_utils.InferenceResponse(output_tensors=[output]))
        return responses
