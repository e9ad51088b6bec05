# polyvm: the two set-up commands of README.md, plus developer targets.
#   make run    install what is missing, build, fetch guest material, run the demo
#   make test   the same set-up, then the whole test suite in a plain (gcc) and
#               a sanitizer (clang, ASan+UBSan) build; ends with "N passed, N failed"
#   make bench  benchmarks: native vs qemu-riscv64 vs polyvm, best of
#               BENCH_RUNS, for each engine in BENCH_ENGINES (ratios printed;
#               never pass/fail on time), then the JIT's translation cost
#   make soak   long randomized differential runs
BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_TEST  = meson test --print-errorlogs --num-processes 2
BENCH_ENGINES ?= jit,interp
BENCH_RUNS    ?= 3
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all deps guest-kit build build-asan run test bench soak clean

all: build

deps:
	@bash scripts/deps.sh

guest-kit: deps
	@bash scripts/guest-kit riscv64

$(BUILD)/build.ninja:
	meson setup $(BUILD) >/dev/null

$(ASAN_BUILD)/build.ninja:
	CC=clang meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

run: build guest-kit
	@bash scripts/demo.sh $(BUILD)/polyvm

test: build build-asan guest-kit
	@status=0; \
	$(MESON_TEST) -C $(BUILD) || status=1; \
	$(SANITIZER_ENV) $(MESON_TEST) -C $(ASAN_BUILD) --no-suite guest-oracle --no-suite user-oracle || status=1; \
	python3 scripts/test-summary.py $(BUILD) $(ASAN_BUILD); \
	exit $$status

bench: build guest-kit
	@bash bench/run.sh --engines $(BENCH_ENGINES) --runs $(BENCH_RUNS) $(BUILD)/polyvm

soak: build
	$(BUILD)/tests/diff/rv64-unicorn-diff --count 1000000
	$(BUILD)/tests/diff/rv64-qemu-diff --all --count 1000000

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
