#!/usr/bin/python3
"""Build the example model repository that `make run` serves.

Usage: make_example_repository.py REPO

Writes (only what is missing, so re-running is quick):
  densenet_onnx        ONNX classifier without config.pbtxt (auto-complete)
  labelled_classifier  ONNX classifier with config.pbtxt and labels.txt
  small_cnn            ONNX CNN with config.pbtxt (2 CPU instances, dynamic batching)
  string_identity      BYTES in, BYTES out
  add_sub_fp32         the classic two-input/two-output example
  ensemble_model       the data pipeline ensemble (examples/data_pipeline) and its
  model1, model2       two Python steps
The models come from tests/models/generate.py (fixed seeds, nothing downloaded)
and examples/data_pipeline/repository/.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "models"))

import generate  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "data_pipeline"))

import make_repository as data_pipeline  # noqa: E402

EXAMPLE_MODELS = ["densenet_onnx", "labelled_classifier", "small_cnn",
                  "string_identity", "add_sub_fp32"]


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    repo = argv[1]
    made = generate.ensure(repo, EXAMPLE_MODELS)
    for name in EXAMPLE_MODELS:
        state = "generated" if name in made else "present"
        print(f"{state:9s} {os.path.join(repo, name)}")
    for folder in data_pipeline.make(repo):
        print(f"{'copied':9s} {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
