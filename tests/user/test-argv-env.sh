#!/usr/bin/env bash
# Command line and environment of a guest program: argv[0] (-0, and
# busybox choosing its applet by argv[0]), arguments with spaces and empty
# ones, many arguments, -E and -U on the environment, stdin passed through,
# and the exit status (plain and by signal). Each case runs under
# qemu-riscv64 and polyvm; the results must match each other and the value
# written here.
# Usage: test-argv-env.sh PATH-TO-POLYVM
set -u
. "$(dirname "$0")/lib.sh"
uk_init "$1"
uk_need_qemu
uk_need_kit POLYVM_RV64_BUSYBOX
bb=$POLYVM_RV64_BUSYBOX

# case_out NAME EXPECTED-OUTPUT -- GUEST-ARGS...: stdout and exit status.
# FILTER (a host command, default cat) is applied to the raw output first.
FILTER="cat"
case_out() {
    local name=$1 want=$2
    shift 3
    local runner status
    for runner in qemu polyvm; do
        uk_run "$runner" "$@" >"$TMP/$runner.raw" 2>"$TMP/$runner.err" </dev/null
        status=$?
        $FILTER <"$TMP/$runner.raw" >"$TMP/$runner.out"
        echo "status $status" >>"$TMP/$runner.out"
    done
    printf '%s\n' "$want" >"$TMP/want"
    uk_same "$name (qemu-riscv64 vs the expected output)" "$TMP/want" "$TMP/qemu.out"
    uk_same "$name (polyvm vs qemu-riscv64)" "$TMP/qemu.out" "$TMP/polyvm.out" "$TMP/polyvm.err"
}

FILTER="tr \\0 ,"
case_out "argv[0] by default, in /proc/self/cmdline" "$bb,cat,/proc/self/cmdline,status 0" -- \
    "$bb" cat /proc/self/cmdline
FILTER="cat"
case_out "-0 with a path" "/bin/sh"$'\n'"status 0" -- -0 /bin/sh "$bb" -c 'echo "$0"'
case_out "-0 picks the busybox applet" "zero|one"$'\n'"status 0" -- -0 sh "$bb" -c 'echo "$0|$1"' zero one
case_out "-0 echo" "hello there"$'\n'"status 0" -- -0 echo "$bb" hello there
case_out "arguments with spaces and empty ones" \
    "[a b]"$'\n'"[]"$'\n'"[  c  ]"$'\n'"[*]"$'\n'"status 0" -- \
    "$bb" sh -c 'for a; do echo "[$a]"; done' _ "a b" "" "  c  " "*"
# Shell built-ins only: an applet run by execve would, under qemu-riscv64,
# fall back to a host tool (see test-busybox.sh).
case_out "5000 arguments" "5000 12502500 4321"$'\n'"status 0" -- \
    "$bb" sh -c 's=0; for a; do s=$((s + a)); done; echo "$# $s ${4321}"' _ $(seq 1 5000)
long=$(printf 'x%.0s' $(seq 1 100000))
case_out "a 100000-byte argument" "100000"$'\n'"status 0" -- "$bb" sh -c 'echo ${#1}' _ "$long"

UK_ENV=(KEEP=kept DROP=dropped)
# Environment order is not part of the contract (qemu-riscv64 reverses it).
FILTER="sort"
case_out "environment with -E and -U" \
    "ADDED=new value"$'\n'"HOME=/nonexistent"$'\n'"KEEP=kept"$'\n'"LC_ALL=C"$'\n'"PATH=/usr/bin:/bin"$'\n'"TZ=UTC"$'\n'"status 0" -- \
    -E "ADDED=new value" -U DROP "$bb" env
FILTER="cat"
case_out "-E overrides" "replaced"$'\n'"status 0" -- -E KEEP=replaced "$bb" sh -c 'echo "$KEEP"'
UK_ENV=()

case_out "exit status 42" "status 42" -- "$bb" sh -c 'exit 42'
case_out "death by SIGTERM" "status 143" -- "$bb" sh -c 'kill -TERM $$'
case_out "death by SIGKILL" "status 137" -- "$bb" sh -c 'kill -KILL $$'
case_out "death by SIGSEGV (default action)" "status 139" -- "$bb" sh -c 'kill -SEGV $$'

for runner in qemu polyvm; do
    printf 'line one\nline two\n' | uk_run "$runner" "$bb" wc -l >"$TMP/$runner.out" 2>&1
done
uk_eq "stdin reaches qemu-riscv64's guest" 2 "$(tr -d ' ' <"$TMP/qemu.out")"
uk_eq "stdin reaches polyvm's guest" 2 "$(tr -d ' ' <"$TMP/polyvm.out")"
uk_done
