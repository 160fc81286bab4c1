# SPDX-License-Identifier: Apache-2.0
# Thin front door over CMake. Every target installs missing Debian packages first.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CC := clang
export CC

.PHONY: all deps run test asan fuzz bench clean install

all: deps
	@echo "==> configure ($(BUILD))"
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@echo "==> build"
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/deps.sh build

run: all
	@echo "==> starting ward agent with the default rules (Ctrl-C to stop)"
	$(BUILD)/ward agent $(ARGS)

test: CMAKE_FLAGS += -DWARD_TESTS=ON
test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all CMAKE_FLAGS="$(CMAKE_FLAGS)"
	@echo "==> tests"
	@cd $(BUILD) && ctest --output-on-failure -j 2 $(CTEST_ARGS)

asan:
	@scripts/deps.sh test
	@echo "==> configure ($(ASAN_BUILD), ASan+UBSan)"
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWARD_TESTS=ON -DWARD_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@echo "==> tests under ASan+UBSan"
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j 2 $(CTEST_ARGS)

fuzz:
	@scripts/deps.sh test
	@echo "==> configure ($(FUZZ_BUILD), libFuzzer)"
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWARD_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: all
	@scripts/deps.sh bench
	@bench/run.sh $(BUILD)

install: all
	install -m 0755 $(BUILD)/ward /usr/local/bin/ward
	install -d /etc/ward /usr/local/share/ward/rules
	cp -r rules/. /usr/local/share/ward/rules/

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
