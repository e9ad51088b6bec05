# polyvm: the two set-up commands of README.md, plus developer targets.
#   make run    install what is missing, build, fetch guest material, then boot
#               the default guest (Debian's riscv64 kernel, the kit's initramfs,
#               virtio disk, net and rng): a shell on a terminal, else a short
#               script and power-off (scripts/demo.sh)
#   make demo-user  the user-mode demo: Debian riscv64 programs under polyvm user
#   make test   the same set-up, then the whole test suite in a plain (gcc) and
#               a sanitizer (clang, ASan+UBSan) build; ends with "N passed, N failed"
#   make bench  benchmarks: native vs qemu-riscv64 vs polyvm, best of
#               BENCH_RUNS, for each engine in BENCH_ENGINES (ratios printed;
#               never pass/fail on time), then the JIT's translation cost,
#               then the boot table of make bench-boot (BENCH_BOOT=0: without)
#   make bench-boot  boot the same kernel+initramfs under qemu-system-riscv64
#               and polyvm (each of BENCH_ENGINES), BENCH_RUNS interleaved
#               runs each: median init/ready/poweroff seconds and ratios
#   make soak   long randomized differential runs
BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_TEST  = meson test --print-errorlogs --num-processes 2
BENCH_ENGINES ?= jit,interp
BENCH_RUNS    ?= 3
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all deps guest-kit build build-asan run demo-user test bench bench-boot soak clean

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

demo-user: build guest-kit
	@bash scripts/demo.sh --user $(BUILD)/polyvm

test: build build-asan guest-kit
	@status=0; \
	$(MESON_TEST) -C $(BUILD) || status=1; \
	$(SANITIZER_ENV) $(MESON_TEST) -C $(ASAN_BUILD) --no-suite guest-oracle --no-suite user-oracle || status=1; \
	python3 scripts/test-summary.py $(BUILD) $(ASAN_BUILD); \
	exit $$status

bench: build guest-kit
	@bash bench/run.sh --engines $(BENCH_ENGINES) --runs $(BENCH_RUNS) $(BUILD)/polyvm

bench-boot: build guest-kit
	@python3 scripts/boot-time --compare $(BUILD)/polyvm --engines $(BENCH_ENGINES) --runs $(BENCH_RUNS) --quiet

soak: build
	$(BUILD)/tests/diff/rv64-unicorn-diff --count 1000000
	$(BUILD)/tests/diff/rv64-qemu-diff --all --count 1000000

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
