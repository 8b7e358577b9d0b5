"""The OCR pipeline's pre- and post-processing, as plain numpy/OpenCV functions.

The three Python models of the pipeline (detection_preprocessing,
detection_postprocessing, recognition_postprocessing) call these functions; a copy
of this file sits next to each model.py. The same functions run the pipeline
in-process for comparison.

  preprocess(encoded)             JPEG/PNG bytes (uint8 [B]) -> [1,320,320,3] FP32, RGB
                                  minus the ImageNet channel means (EAST's input)
  detect_boxes(score, geometry)   rotated boxes ((cx, cy), (w, h), degrees), one per
                                  region of the score map above the threshold
  crop_boxes(image, boxes)        [n,1,32,100] FP32 grey crops for the recogniser
  ctc_greedy(scores)              text per crop from [n,26,37] recogniser scores
"""

import cv2
import numpy as np

INPUT_SIZE = 320                       # EAST input: width and height, multiples of 32
CHANNEL_MEANS = np.array([123.68, 116.78, 103.94], dtype=np.float32)  # R, G, B
MAP_STRIDE = 4                         # score map cell = 4x4 input pixels
SCORE_THRESHOLD = 0.5
MIN_CELLS = 4                          # smaller regions of the score map are noise
MAX_BOXES = 6
CROP_HEIGHT, CROP_WIDTH = 32, 100
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"  # index 0 of the scores is the CTC blank


def preprocess(encoded):
    """Decode an encoded image, resize to 320x320, BGR->RGB, subtract the channel means."""
    buffer = np.frombuffer(np.asarray(encoded, dtype=np.uint8).tobytes(), dtype=np.uint8)
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot decode an image from {buffer.size} bytes")
    image = cv2.resize(image, (INPUT_SIZE, INPUT_SIZE), interpolation=cv2.INTER_LINEAR)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB).astype(np.float32)
    return (rgb - CHANNEL_MEANS)[np.newaxis]


def _region_box(geometry, scores, rows, columns):
    """One rotated box around a region of cells, from the EAST geometry of its cells.

    The region's bounding rectangle (in input pixels) is pushed out by the
    score-weighted mean distances its cells predict to the top, right, bottom
    and left edges, then turned by their mean angle.
    """
    weights = scores[rows, columns].astype(np.float64)
    top, right, bottom, left, angle = (
        float(np.average(geometry[rows, columns, k], weights=weights)) for k in range(5))
    x0, x1 = columns.min() * MAP_STRIDE - left, columns.max() * MAP_STRIDE + right
    y0, y1 = rows.min() * MAP_STRIDE - top, rows.max() * MAP_STRIDE + bottom
    return (((x0 + x1) / 2, (y0 + y1) / 2), (x1 - x0, y1 - y0), -float(np.degrees(angle)))


def detect_boxes(score, geometry):
    """Boxes from one image's maps ([1,h,w,1] and [1,h,w,5]), largest region first.

    Cells scoring above SCORE_THRESHOLD form connected regions; each region of
    at least MIN_CELLS cells gives one box (at most MAX_BOXES). When no region
    qualifies, the best cell alone gives the box, so there is always one.
    """
    scores = score[0, :, :, 0]
    mask = (scores > SCORE_THRESHOLD).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    regions = [k for k in range(1, count) if stats[k, cv2.CC_STAT_AREA] >= MIN_CELLS]
    regions.sort(key=lambda k: (-stats[k, cv2.CC_STAT_AREA], k))
    boxes = []
    for k in regions[:MAX_BOXES]:
        rows, columns = np.nonzero(labels == k)
        boxes.append(_region_box(geometry[0], scores, rows, columns))
    if not boxes:
        row, column = np.unravel_index(np.argmax(scores), scores.shape)
        boxes.append(_region_box(geometry[0], scores, np.array([row]), np.array([column])))
    return boxes


def _ordered_corners(box):
    """The four corners of a box as top-left, top-right, bottom-right, bottom-left.

    cv2.boxPoints gives them as bottom-left, top-left, top-right, bottom-right in
    the box's own frame, so the box's width always maps to the crop's width.
    """
    bottom_left, top_left, top_right, bottom_right = cv2.boxPoints(box)
    return np.array([top_left, top_right, bottom_right, bottom_left], dtype=np.float32)


def crop_boxes(image, boxes):
    """Grey crops of the preprocessed image ([1,H,W,3]) inside each box, scaled to ~[-1,1]."""
    grey = (image[0] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)) / 128.0
    target = np.array([[0, 0], [CROP_WIDTH - 1, 0], [CROP_WIDTH - 1, CROP_HEIGHT - 1],
                       [0, CROP_HEIGHT - 1]], dtype=np.float32)
    crops = np.zeros((len(boxes), 1, CROP_HEIGHT, CROP_WIDTH), dtype=np.float32)
    for i, box in enumerate(boxes):
        transform = cv2.getPerspectiveTransform(_ordered_corners(box), target)
        crops[i, 0] = cv2.warpPerspective(grey, transform, (CROP_WIDTH, CROP_HEIGHT),
                                          flags=cv2.INTER_LINEAR,
                                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return crops


def ctc_greedy(scores):
    """Greedy CTC: best symbol per step, repeats merged, blanks dropped; one str per crop."""
    texts = []
    for best in np.argmax(scores, axis=-1):
        symbols, previous = [], 0
        for index in best:
            if index != 0 and index != previous:
                symbols.append(ALPHABET[index - 1])
            previous = index
        texts.append("".join(symbols))
    return texts
