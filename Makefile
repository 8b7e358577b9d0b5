# inferd: the README's commands.
#   make setup  install dependencies (Debian packages, ONNX Runtime from npm)
#   make build  build the server at build/inferd
#   make run    set up, build, generate the example model repository and serve it
#   make test   set up, build and run every test (unit + integration)
#   make bench  set up, build and run the benchmark suite (bench/run $(ARGS), e.g. ARGS=--quick)

BUILD_DIR ?= build
JOBS ?= 2
PYTHON ?= /usr/bin/python3
EXAMPLE_REPO ?= $(BUILD_DIR)/example_models
ARGS ?=

.PHONY: setup build run test unit-test integration-test example-models bench clean

setup:
	@./scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

example-models: setup
	$(PYTHON) examples/make_example_repository.py $(EXAMPLE_REPO)

run: build example-models
	./$(BUILD_DIR)/inferd --model-repository=$(EXAMPLE_REPO) $(ARGS)

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

integration-test: build
	INFERD_BINARY=$(abspath $(BUILD_DIR)/inferd) $(PYTHON) -m pytest -q tests/integration
	INFERD_BUILD_DIR=$(BUILD_DIR) $(PYTHON) -m pytest -q tests/python

test: unit-test integration-test

bench: build
	bench/run $(ARGS)

clean:
	rm -rf $(BUILD_DIR)
