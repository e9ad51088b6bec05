#!/usr/bin/env bash
# Runs one busybox sh script (tests/user/sh/NAME.sh) under qemu-riscv64 and
# under polyvm, each in a fresh empty directory with the same small
# environment, and requires the same stdout, stderr and exit status. The
# qemu run must itself exit 0 and print the script's last line "END", so a
# script broken under both runners fails instead of passing vacuously.
#
# busybox sh runs most applets by execve("/proc/self/exe"). qemu-riscv64
# cannot execute a riscv64 program without binfmt_misc, and busybox then
# falls back to a PATH search, which would find the host's own tools. So
# qemu's PATH holds one host wrapper per applet that runs the applet under
# a new qemu-riscv64; polyvm's PATH is an empty directory, so an execve that
# polyvm gets wrong fails visibly instead of reaching a host tool.
# Usage: test-busybox.sh PATH-TO-POLYVM SCRIPT
set -u
. "$(dirname "$0")/lib.sh"
uk_init "$1"
script=$(realpath "$2")
uk_need_qemu
uk_need_kit POLYVM_RV64_BUSYBOX

mkdir "$TMP/qemu-bin" "$TMP/polyvm-bin"
printf '#!/bin/sh\nexec %q -0 "${0##*/}" %q "$@"\n' "$QEMU" "$POLYVM_RV64_BUSYBOX" >"$TMP/qemu-bin/.applet"
chmod +x "$TMP/qemu-bin/.applet"
for applet in $("$QEMU" "$POLYVM_RV64_BUSYBOX" --list); do
    ln -s .applet "$TMP/qemu-bin/$applet"
done

for runner in qemu polyvm; do
    mkdir "$TMP/$runner"
    UK_ENV=("PATH=$TMP/$runner-bin")
    (cd "$TMP/$runner" && uk_run "$runner" "$POLYVM_RV64_BUSYBOX" sh "$script" \
        >"$TMP/$runner.out" 2>"$TMP/$runner.err" </dev/null)
    echo "exit status $?" >>"$TMP/$runner.out"
done

if [ "$(tail -n 2 "$TMP/qemu.out")" != "END"$'\n'"exit status 0" ]; then
    uk_fail "the script does not work under qemu-riscv64 (must end with END, status 0):"
    tail -n 5 "$TMP/qemu.out" "$TMP/qemu.err" | sed 's/^/    /'
fi
uk_same "stdout + status of $(basename "$script")" "$TMP/qemu.out" "$TMP/polyvm.out" "$TMP/polyvm.err"
uk_same "stderr of $(basename "$script")" "$TMP/qemu.err" "$TMP/polyvm.err"
uk_done
