#!/usr/bin/env bash
# Runs one of the repo's self-checking riscv64 C programs (tests/user/c)
# and requires exit status 0 and its "PASS NAME" line, so a runner that
# lost the exit status or the output cannot pass by accident.
#   RUNNER polyvm   under 'polyvm user' (suite user)
#   RUNNER qemu     under qemu-riscv64, the oracle (suite user-oracle): it
#                   cannot execve riscv64 programs by itself (no binfmt_misc
#                   here), so the programs exec through it
#                   (PVTEST_EXEC_VIA), and checks of Linux behaviour that
#                   qemu-riscv64 7.2 gets wrong are skipped (PVTEST_QEMU_ORACLE)
# --dynamic: the program is dynamically linked; run it with -L and the
# guest kit's sysroot (skip when the kit is missing).
# Usage: test-c.sh RUNNER PATH-TO-POLYVM PROGRAM NAME [--dynamic]
set -u
. "$(dirname "$0")/lib.sh"
runner=$1
uk_init "$2"
prog=$(realpath -- "$3")
name=$4
opts=()
if [ "${5:-}" = --dynamic ]; then
    uk_need_kit POLYVM_RV64_SYSROOT
    opts=(-L "$POLYVM_RV64_SYSROOT")
fi
if [ "$runner" = qemu ]; then
    uk_need_qemu
    UK_ENV=(PVTEST_QEMU_ORACLE=1 "PVTEST_EXEC_VIA=$QEMU")
fi
UK_ENV+=("TMPDIR=${TMPDIR:-/tmp}")

uk_run "$runner" "${opts[@]}" "$prog" >"$TMP/out" 2>"$TMP/err" </dev/null
status=$?
cat "$TMP/out"
sed 's/^/stderr: /' "$TMP/err"
uk_eq "$name under $runner: exit status" 0 "$status"
if grep -qx "PASS $name ([0-9]* checks)" "$TMP/out"; then
    uk_pass
else
    uk_fail "$name under $runner: no 'PASS $name' line"
fi
uk_done
