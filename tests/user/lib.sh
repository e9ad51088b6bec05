# shellcheck shell=bash
# Shared helpers for the user-mode test scripts (tests/user/test-*.sh);
# sourced, never run. Each test compares polyvm with an oracle nobody here
# wrote: Debian's qemu-riscv64 running the same guest binary, or the host's
# own tools for data. Missing material is a skip (exit 77), not a failure.
#
#   . lib.sh; uk_init "$@"        POLYVM, QEMU, TMP (removed at exit unless
#                                 PVTEST_KEEP is set), kit vars
#   uk_need_kit / uk_need_qemu    skip unless the guest kit / qemu is there
#   uk_run qemu|polyvm ARGS...    the same guest command line under either,
#                                 in a clean environment, with a time limit
#   uk_same NAME FILE-A FILE-B    count a pass, or a failure with a diff
#   uk_done                       summary line; exit status

uk_passed=0
uk_failed=0

uk_skip() {
    echo "SKIP: $*"
    exit 77
}

uk_init() {
    # meson passes paths relative to the build directory; tests change
    # directory, so make them absolute.
    POLYVM=$(realpath -- "${1:?usage: $0 PATH-TO-POLYVM ...}")
    [ -x "$POLYVM" ] || { echo "FAIL: $POLYVM is not executable"; exit 1; }
    QEMU=$(command -v qemu-riscv64 || true)
    local kit="${POLYVM_CACHE:-$HOME/.cache/polyvm}/riscv64/kit.env"
    if [ -f "$kit" ]; then
        # shellcheck disable=SC1090
        . "$kit"
    fi
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/pvtest-user.XXXXXX")
    if [ -n "${PVTEST_KEEP:-}" ]; then
        echo "keeping the work directory $TMP (PVTEST_KEEP)"
    else
        trap 'rm -rf "$TMP"' EXIT
    fi
    # Neither runner may pick up a sysroot or options from the caller.
    unset QEMU_LD_PREFIX QEMU_CPU QEMU_STRACE QEMU_LOG QEMU_GUEST_BASE QEMU_STACK_SIZE
}

uk_need_qemu() {
    [ -n "$QEMU" ] || uk_skip "qemu-riscv64 not found (scripts/deps.sh installs qemu-user)"
}

uk_need_kit() {
    [ -n "${POLYVM_RV64_SYSROOT:-}" ] && [ -d "$POLYVM_RV64_SYSROOT" ] ||
        uk_skip "riscv64 guest kit missing: run scripts/guest-kit (or make guest-kit)"
    for v in "$@"; do
        local path
        eval "path=\${$v:-}"
        [ -n "$path" ] && [ -e "$path" ] || uk_skip "$v not in the guest kit: run scripts/guest-kit"
    done
}

# uk_seeded_input BYTES: writes gen-data.py output for PVTEST_SEED (default
# 1) to $TMP/in, prints the seed, and sets want to the input's sha256sum line.
uk_seeded_input() {
    local seed=${PVTEST_SEED:-1}
    echo "input: gen-data.py seed=$seed (set PVTEST_SEED to change)"
    "$(dirname "${BASH_SOURCE[0]}")/gen-data.py" "$seed" "$1" >"$TMP/in"
    want=$(sha256sum <"$TMP/in")
}

# uk_run RUNNER [-L DIR] [-E VAR=VAL] [-U VAR] [-0 ARGV0] PROGRAM ARGS...
# qemu-riscv64 and 'polyvm user' take the same options in the same order.
# The guest gets a fixed, small environment (both runners pass theirs on)
# plus UK_ENV entries; a hang ends after UK_TIMEOUT seconds (status 124).
# POLYVM_ENGINE (meson sets it per engine) reaches polyvm as --engine, not
# through the environment, which the guest would see and which a guest
# execve would not keep.
UK_ENV=()
UK_TIMEOUT=60
uk_run() {
    local runner=$1
    shift
    local -a cmd
    case $runner in
        qemu) cmd=("$QEMU") ;;
        polyvm) cmd=("$POLYVM" ${POLYVM_ENGINE:+--engine "$POLYVM_ENGINE"} user) ;;
        *) echo "uk_run: unknown runner $runner" >&2; return 2 ;;
    esac
    timeout -k 5 "$UK_TIMEOUT" env -i PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL=C TZ=UTC \
        "${UK_ENV[@]}" "${cmd[@]}" "$@"
}

uk_pass() { uk_passed=$((uk_passed + 1)); }

uk_fail() {
    uk_failed=$((uk_failed + 1))
    echo "FAIL: $*"
}

# uk_same NAME EXPECTED ACTUAL [STDERR-FILE]: files equal, else fail with a
# short diff (and the start of STDERR-FILE, which often says why).
uk_same() {
    if cmp -s "$2" "$3"; then
        uk_pass
    else
        uk_fail "$1: output differs (--- $2, +++ $3)"
        diff -u "$2" "$3" | head -n 40 | sed 's/^/    /'
        if [ -n "${4:-}" ] && [ -s "$4" ]; then
            echo "    stderr:"
            head -n 10 "$4" | sed 's/^/      /'
        fi
    fi
}

# uk_eq NAME WANT GOT: two strings equal.
uk_eq() {
    if [ "$2" = "$3" ]; then
        uk_pass
    else
        uk_fail "$1: want '$2', got '$3'"
    fi
}

uk_done() {
    echo "$uk_passed passed, $uk_failed failed"
    [ "$uk_failed" -eq 0 ] && [ "$uk_passed" -gt 0 ]
}
