# The two commands of the README:
#   make demo  -- install what is missing, build, run the main job on a generated shop
#   make test  -- install what is missing, build, run the test suite with ctest
# Everything builds in build/ (Release). `make help` lists the rest.
BUILD ?= build
JOBS ?= 2
KAIROS := $(BUILD)/kairos
DEMO ?= out/demo
CMAKE_FLAGS ?=

.PHONY: all setup configure build demo test test-all test-data format format-check bench clean help

all: build

setup:
	scripts/setup

configure:
	@test -f $(BUILD)/build.ninja || cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: setup build
	scripts/demo $(KAIROS) $(DEMO)

# Default suite: everything except tests labelled "slow" (benchmarks cover those).
test: setup build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE slow

test-all: setup build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

format-check:
	git ls-files '*.h' '*.cc' | xargs clang-format --dry-run -Werror

bench: build
	$(KAIROS) bench prepare

clean:
	rm -rf $(BUILD) out

help:
	@echo "make demo | test | test-all | format | format-check | bench | clean"
