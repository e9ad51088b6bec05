#!/usr/bin/env bash
# Debian's riscv64 gzip (dynamic, from the guest kit's sysroot) under
# polyvm on seeded generated input (seed printed; PVTEST_SEED changes it).
# Oracles: qemu-riscv64 running the same binary (bytes, messages, statuses,
# file modes and times), the host's gzip (same bytes for -n when it agrees
# with qemu-riscv64; decompresses polyvm's output) and sha256sum.
# Usage: test-gzip.sh PATH-TO-POLYVM
set -u
. "$(dirname "$0")/lib.sh"
uk_init "$1"
uk_need_qemu
uk_need_kit POLYVM_RV64_SYSROOT POLYVM_RV64_GZIP
sysroot=$POLYVM_RV64_SYSROOT
gz=$POLYVM_RV64_GZIP
uk_seeded_input 200000
host_gzip=$(command -v gzip || true)

for level in 1 6 9; do
    for runner in qemu polyvm; do
        uk_run "$runner" -L "$sysroot" "$gz" -n "-$level" -c <"$TMP/in" >"$TMP/$runner.$level.gz" 2>"$TMP/$runner.err"
        echo "status $?" >>"$TMP/$runner.err"
    done
    uk_same "gzip -n -$level status" "$TMP/qemu.err" "$TMP/polyvm.err"
    uk_same "gzip -n -$level bytes" "$TMP/qemu.$level.gz" "$TMP/polyvm.$level.gz" "$TMP/polyvm.err"
    if [ -n "$host_gzip" ]; then
        "$host_gzip" -n "-$level" -c <"$TMP/in" >"$TMP/host.$level.gz"
        if cmp -s "$TMP/host.$level.gz" "$TMP/qemu.$level.gz"; then
            uk_same "gzip -n -$level bytes equal the host's amd64 gzip" "$TMP/host.$level.gz" "$TMP/polyvm.$level.gz"
        else
            echo "note: the host's gzip -$level encodes differently; compared with qemu-riscv64 only"
        fi
        uk_eq "host gunzip of polyvm's -$level output" "$want" "$("$host_gzip" -d 2>/dev/null <"$TMP/polyvm.$level.gz" | sha256sum)"
    fi
done

for runner in qemu polyvm; do
    uk_run "$runner" -L "$sysroot" "$gz" -d -c <"$TMP/qemu.9.gz" >"$TMP/$runner.dec" 2>/dev/null
    uk_eq "$runner: gzip -d restores the input (sha256)" "$want" "$(sha256sum <"$TMP/$runner.dec")"
done

# Files: gzip keeps the mode and modification time on the .gz file and
# restores them on gunzip; -l lists sizes.
for runner in qemu polyvm; do
    mkdir "$TMP/$runner-dir"
    cp "$TMP/in" "$TMP/$runner-dir/data"
    chmod 640 "$TMP/$runner-dir/data"
    touch -d '2022-03-04 05:06:07' "$TMP/$runner-dir/data"
    (cd "$TMP/$runner-dir" &&
        uk_run "$runner" -L "$sysroot" "$gz" -6 data &&
        stat -c '%n %a %Y' data.gz &&
        uk_run "$runner" -L "$sysroot" "$gz" -l data.gz &&
        uk_run "$runner" -L "$sysroot" "$gz" -d data.gz &&
        stat -c '%n %a %Y %s' data &&
        ls) >"$TMP/$runner.files" 2>&1
    echo "status $?" >>"$TMP/$runner.files"
done
uk_same "gzip / gzip -l / gunzip on files" "$TMP/qemu.files" "$TMP/polyvm.files"
uk_eq "gunzip restored the file" "$want" "$(sha256sum 2>/dev/null <"$TMP/polyvm-dir/data")"

# A truncated stream: both must fail the same way.
head -c 5000 "$TMP/qemu.6.gz" >"$TMP/cut.gz"
for runner in qemu polyvm; do
    uk_run "$runner" -L "$sysroot" "$gz" -t "$TMP/cut.gz" >"$TMP/$runner.bad" 2>&1 </dev/null
    echo "status $?" >>"$TMP/$runner.bad"
done
uk_same "gzip -t of a truncated file" "$TMP/qemu.bad" "$TMP/polyvm.bad"
uk_eq "qemu-riscv64 rejects the truncated file" "status 1" "$(tail -n 1 "$TMP/qemu.bad")"
uk_done
