#!/usr/bin/env bash
# Benchmarks: each guest program under polyvm and under Debian's
# qemu-riscv64, side by side in one run, with the ratio. The loop probe also
# reports guest instructions per second (its dynamic count is known).
# Timing here informs; it never decides a test.
# Usage: bench/run.sh PATH-TO-POLYVM
set -euo pipefail
polyvm=$1
dir=$(dirname "$polyvm")/bench
qemu=$(command -v qemu-riscv64 || true)
loop_iters=${BENCH_LOOP_ITERS:-20000000}

seconds() {  # seconds CMD...: wall time of one run, output discarded
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }'
}

printf '%-12s %12s %12s %10s\n' benchmark polyvm-interp qemu-riscv64 ratio
for b in loop fib; do
    args=()
    [ "$b" = loop ] && args=("$loop_iters")
    tp=$(seconds "$polyvm" user "$dir/rv64-$b" "${args[@]}")
    tq=nan ratio=n/a
    if [ -n "$qemu" ]; then
        tq=$(seconds "$qemu" "$dir/rv64-$b" "${args[@]}")
        ratio=$(awk -v a="$tp" -v b="$tq" 'BEGIN { printf "%.2fx", a / b }')
    fi
    printf '%-12s %11.3fs %11.3fs %10s\n' "$b" "$tp" "$tq" "$ratio"
    if [ "$b" = loop ]; then
        insns=$((loop_iters * 8))
        printf '  loop: %d guest instructions; polyvm-interp %.1f M guest insns/s\n' \
            "$insns" "$(awk -v n="$insns" -v t="$tp" 'BEGIN { print n / t / 1e6 }')"
    fi
done
echo "(ratio = polyvm time / qemu time; below 1 means polyvm is faster)"
