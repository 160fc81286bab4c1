# SPDX-License-Identifier: Apache-2.0
# Thin front door over CMake. Every target installs missing Debian packages first.
BUILD ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
TSAN_BUILD ?= build-tsan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CC := clang
export CC

.PHONY: all deps run test asan tsan fuzz bench clean install uninstall

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

# The suite always runs under AddressSanitizer and UBSan (as CI does), in its own build dir,
# so `make run` keeps an optimized binary.
test:
	@scripts/deps.sh test
	@echo "==> configure ($(TEST_BUILD): tests, ASan+UBSan, torture hooks)"
	@cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWARD_TESTS=ON -DWARD_SANITIZE=ON -DWARD_TORTURE=ON >/dev/null
	@echo "==> build"
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@echo "==> tests (unit, fuzz corpora, integration); root and eBPF tests say why they skip"
	@cd $(TEST_BUILD) && ctest --output-on-failure -j 2 $(CTEST_ARGS)

asan: test

# ThreadSanitizer cannot share a build with ASan: its own dir, only the binaries of the tests
# labelled "threads" (CMakeLists.txt WARD_THREADED_TESTS), and only those tests.
tsan:
	@scripts/deps.sh test
	@echo "==> configure ($(TSAN_BUILD): threaded tests, TSan)"
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWARD_TESTS=ON -DWARD_TSAN=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target ward_threaded_tests
	@echo "==> tests labelled threads under TSan; any race report fails"
	@scripts/tsan.sh $(TSAN_BUILD) $(CTEST_ARGS)

fuzz:
	@scripts/deps.sh test
	@echo "==> configure ($(FUZZ_BUILD), libFuzzer)"
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DWARD_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: all
	@scripts/deps.sh bench
	@bench/run.sh $(BUILD)

# PREFIX (default /usr/local) and DESTDIR as usual; the systemd unit goes to
# $(PREFIX)/lib/systemd/system
install: all
	@scripts/install.sh $(BUILD)

uninstall:
	@scripts/install.sh $(BUILD) uninstall

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)
