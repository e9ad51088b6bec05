#!/usr/bin/env bash
# Debian's riscv64 xz (dynamic: ld.so, libc, liblzma from the guest kit's
# sysroot) under polyvm, on seeded generated input (the seed is printed;
# PVTEST_SEED changes it). Oracles: qemu-riscv64 running the same binary
# (compressed bytes, listings, error messages and statuses must be equal),
# and the host's own xz and sha256sum (round trips restore the input
# exactly; compressed bytes equal the host's when the host's xz agrees with
# qemu-riscv64's, i.e. when the encoder versions match in output).
# Covers single- and multi-threaded compression, pipes, in-place files
# (-k, -d -f) and a corrupt file.
# Usage: test-xz.sh PATH-TO-POLYVM
set -u
. "$(dirname "$0")/lib.sh"
uk_init "$1"
uk_need_qemu
uk_need_kit POLYVM_RV64_SYSROOT POLYVM_RV64_XZ
sysroot=$POLYVM_RV64_SYSROOT
xz=$POLYVM_RV64_XZ
uk_seeded_input 65536
host_xz=$(command -v xz || true)

# xz_both NAME XZ-ARGS...: run under both, stdout to $TMP/RUNNER.NAME,
# stderr+status to $TMP/RUNNER.NAME.st; stdin from $TMP/in.
xz_both() {
    local name=$1 runner
    shift
    for runner in qemu polyvm; do
        uk_run "$runner" -L "$sysroot" "$xz" "$@" <"$TMP/in" >"$TMP/$runner.$name" 2>"$TMP/$runner.$name.st"
        echo "status $?" >>"$TMP/$runner.$name.st"
    done
    uk_same "xz $* status and messages" "$TMP/qemu.$name.st" "$TMP/polyvm.$name.st"
    uk_same "xz $* output bytes" "$TMP/qemu.$name" "$TMP/polyvm.$name" "$TMP/polyvm.$name.st"
}

# Single-threaded -6, the packaged default preset.
xz_both t1 -T1 -6 -c
if [ -n "$host_xz" ]; then
    "$host_xz" -T1 -6 -c <"$TMP/in" >"$TMP/host.t1"
    if cmp -s "$TMP/host.t1" "$TMP/qemu.t1"; then
        uk_same "xz -T1 -6 bytes equal the host's amd64 xz" "$TMP/host.t1" "$TMP/polyvm.t1"
    else
        echo "note: the host's xz ($("$host_xz" --version | head -n 1)) encodes differently; compared with qemu-riscv64 only"
    fi
    uk_eq "host xz -d of polyvm's output restores the input" "$want" "$("$host_xz" -d 2>/dev/null <"$TMP/polyvm.t1" | sha256sum)"
fi

# Decompression by the guest xz of the host's (or qemu's) stream.
cp "$TMP/qemu.t1" "$TMP/stream.xz"
for runner in qemu polyvm; do
    uk_run "$runner" -L "$sysroot" "$xz" -d -c "$TMP/stream.xz" >"$TMP/$runner.dec" 2>"$TMP/$runner.dec.err"
    uk_eq "$runner: xz -d restores the input (sha256)" "$want" "$(sha256sum <"$TMP/$runner.dec")"
done

# Multi-threaded: four blocks of 16 KiB compressed by two encoder threads.
# The stream does not depend on the thread count, so the bytes must match.
xz_both mt -T2 --block-size=16KiB -3 -c
for runner in qemu polyvm; do
    uk_run "$runner" -L "$sysroot" "$xz" --robot -l "$TMP/qemu.mt" 2>&1 </dev/null |
        grep -v '^name' >"$TMP/$runner.list"
done
uk_same "xz --robot -l listing" "$TMP/qemu.list" "$TMP/polyvm.list"
uk_eq "multi-threaded stream has 4 blocks" "4" "$(awk '$1 == "totals" { print $3 }' "$TMP/qemu.list")"
if [ -n "$host_xz" ]; then
    uk_eq "host xz -d of polyvm's multi-threaded output" "$want" "$("$host_xz" -d 2>/dev/null <"$TMP/polyvm.mt" | sha256sum)"
fi

# Files in place: -k keeps the input, -d -f restores it over a copy.
for runner in qemu polyvm; do
    mkdir "$TMP/$runner-dir"
    cp "$TMP/in" "$TMP/$runner-dir/data"
    (cd "$TMP/$runner-dir" &&
        uk_run "$runner" -L "$sysroot" "$xz" -T1 -1 -k data &&
        mv data data.orig &&
        uk_run "$runner" -L "$sysroot" "$xz" -d -f data.xz &&
        ls) >"$TMP/$runner.files" 2>&1
    echo "status $?" >>"$TMP/$runner.files"
done
uk_same "xz -k / xz -d -f on files" "$TMP/qemu.files" "$TMP/polyvm.files"
uk_eq "xz -d -f restored the file" "$want" "$(sha256sum 2>/dev/null <"$TMP/polyvm-dir/data")"

# A corrupt stream: a flipped byte in the middle of the compressed data.
python3 - "$TMP/qemu.t1" "$TMP/bad.xz" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
data[len(data) // 2] ^= 0x55
open(sys.argv[2], 'wb').write(data)
PY
for runner in qemu polyvm; do
    uk_run "$runner" -L "$sysroot" "$xz" -t "$TMP/bad.xz" >"$TMP/$runner.bad" 2>&1 </dev/null
    echo "status $?" >>"$TMP/$runner.bad"
done
uk_same "xz -t of a corrupt file" "$TMP/qemu.bad" "$TMP/polyvm.bad"
uk_eq "qemu-riscv64 rejects the corrupt file" "status 1" "$(tail -n 1 "$TMP/qemu.bad")"
uk_done
