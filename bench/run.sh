#!/usr/bin/env bash
# Benchmarks: CPU-bound programs run natively (the host build of the same
# C source), under Debian's qemu-riscv64 and under polyvm with each engine
# asked for, best of N wall-clock runs each. Programs: the repo's own
# bench/programs (integer, pointer chasing, branchy, floating point) and
# Debian's xz from the guest kit (riscv64 xz vs the host's xz) on a fixed
# generated input. Every runner must print the same result (or the same
# compressed bytes), else the row is marked MISMATCH and the script fails;
# the times themselves never fail anything. A last line gives the
# interpreter's guest instructions per second on a known loop.
#
# Usage: bench/run.sh [--engines LIST] [--runs N] PATH-TO-POLYVM
#   --engines interp[,jit,...]  polyvm engines to time (default: interp,
#                               or $BENCH_ENGINES); one that polyvm does not
#                               have prints n/a
#   --runs N                    best of N runs (default 3, or $BENCH_RUNS)
set -uo pipefail

engines=${BENCH_ENGINES:-interp}
runs=${BENCH_RUNS:-3}
while [ $# -gt 1 ]; do
    case $1 in
        --engines) engines=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
polyvm=${1:?usage: bench/run.sh [--engines LIST] [--runs N] PATH-TO-POLYVM}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(dirname "$polyvm")/bench
qemu=$(command -v qemu-riscv64 || true)
IFS=, read -r -a engine_list <<<"$engines"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/polyvm-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
kit="${POLYVM_CACHE:-$HOME/.cache/polyvm}/riscv64/kit.env"
# shellcheck disable=SC1090
[ -f "$kit" ] && . "$kit"

# best_of CMD...: the shortest wall time in seconds of $runs runs; stdout of
# the last run goes to $tmp/out. Prints "fail" if a run fails.
best_of() {
    local best="" t0 t1 i
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s.%N)
        "$@" >"$tmp/out" 2>"$tmp/err" || { echo fail; return; }
        t1=$(date +%s.%N)
        best=$(awk -v a="$t0" -v b="$t1" -v best="$best" 'BEGIN { t = b - a; if (best == "" || t < best) best = t; printf "%.4f", best }')
    done
    echo "$best"
}

# Sizes: each program takes a few seconds under polyvm's interpreter.
# name: command-line arguments
programs=(
    "crc 400"
    "list 100000 600"
    "sort 200000 10"
    "nbody 200000"
)

header="program native_s qemu_s"
for e in "${engine_list[@]}"; do header+=" ${e}_s ${e}/native ${e}/qemu"; done
rows=()
mismatch=0

# run_row NAME NATIVE-CMD... -- QEMU-CMD... -- POLYVM-ARGS... : one table row.
# POLYVM-ARGS follow 'polyvm --engine E user'. Results are compared via
# the sha256 of each runner's output.
run_row() {
    local name=$1
    shift
    local -a native=() emu=() guest=()
    while [ "$1" != -- ]; do native+=("$1"); shift; done
    shift
    while [ "$1" != -- ]; do emu+=("$1"); shift; done
    shift
    guest=("$@")
    local row="$name" ref="" sum t tn tq
    tn=$(best_of "${native[@]}")
    ref=$(sha256sum <"$tmp/out")
    [ "$tn" = fail ] && ref=""
    row+=" $tn"
    tq=n/a
    if [ -n "$qemu" ]; then
        tq=$(best_of "$qemu" "${emu[@]}")
        sum=$(sha256sum <"$tmp/out")
        if [ "$tq" != fail ] && [ -n "$ref" ] && [ "$sum" != "$ref" ]; then
            echo "MISMATCH: $name under qemu-riscv64 prints $(head -c 200 "$tmp/out")" >&2
            mismatch=1
        fi
    fi
    row+=" $tq"
    local e
    for e in "${engine_list[@]}"; do
        if [[ $("$polyvm" --engine "$e" user /nonexistent 2>&1) == *"not available"* ]]; then
            row+=" n/a n/a n/a"
            continue
        fi
        t=$(best_of "$polyvm" --engine "$e" user "${guest[@]}")
        sum=$(sha256sum <"$tmp/out")
        if [ "$t" = fail ] || { [ -n "$ref" ] && [ "$sum" != "$ref" ]; }; then
            echo "MISMATCH: $name under polyvm --engine $e: $(head -c 200 "$tmp/out" "$tmp/err")" >&2
            mismatch=1
            row+=" fail n/a n/a"
            continue
        fi
        row+=" $t $(awk -v a="$t" -v b="$tn" 'BEGIN { printf (b > 0 ? "%.1f" : "n/a"), a / b }')"
        row+=" $(awk -v a="$t" -v b="$tq" 'BEGIN { printf (b + 0 > 0 ? "%.2f" : "n/a"), a / b }')"
    done
    rows+=("$row")
    printf '  %s done\n' "$name" >&2
}

echo "best of $runs runs; engines: ${engine_list[*]}" >&2
for spec in "${programs[@]}"; do
    read -r name args <<<"$spec"
    read -r -a argv <<<"$args"
    if [ ! -x "$dir/native-$name" ] || [ ! -x "$dir/rv64-$name" ]; then
        echo "bench: $dir/rv64-$name or native-$name missing (riscv64-linux-gnu-gcc not found at configure time?)" >&2
        continue
    fi
    run_row "$name" "$dir/native-$name" "${argv[@]}" -- "$dir/rv64-$name" "${argv[@]}" -- \
        "$dir/rv64-$name" "${argv[@]}"
done

# Debian's xz -6 on 128 KiB of generated data: riscv64 xz from the guest kit
# under qemu and polyvm, the host's xz natively. Same bytes out.
if [ -n "${POLYVM_RV64_XZ:-}" ] && [ -x "$POLYVM_RV64_XZ" ] && command -v xz >/dev/null; then
    python3 "$here/../tests/user/gen-data.py" 7 131072 >"$tmp/xz-in"
    run_row "xz-6" xz -T1 -6 -c "$tmp/xz-in" -- -L "$POLYVM_RV64_SYSROOT" "$POLYVM_RV64_XZ" -T1 -6 -c "$tmp/xz-in" -- \
        -L "$POLYVM_RV64_SYSROOT" "$POLYVM_RV64_XZ" -T1 -6 -c "$tmp/xz-in"
else
    echo "bench: xz row skipped (run scripts/guest-kit for the riscv64 xz; the host needs xz)" >&2
fi

# The table, then geometric means of the ratio columns.
{
    echo "$header"
    printf '%s\n' "${rows[@]}"
} | awk '
    NR == 1 { ncol = NF; for (i = 1; i <= NF; i++) head[i] = $i; print; next }
    {
        print
        for (i = 4; i <= NF; i++) {
            if (head[i] ~ /\// && $i + 0 > 0) { logsum[i] += log($i); count[i]++ }
        }
    }
    END {
        line = "geomean - -"
        for (i = 4; i <= ncol; i++) {
            if (head[i] ~ /\//) line = line " " (count[i] ? sprintf("%.2f", exp(logsum[i] / count[i])) : "n/a")
            else line = line " -"
        }
        print line
    }' | awk '{ printf "%-8s", $1; for (i = 2; i <= NF; i++) printf " %13s", $i; print "" }'
echo "(times in seconds, best of $runs; E/native and E/qemu: polyvm time over the other's, lower is better)"

# Guest instructions per second on the loop probe (8 instructions a turn).
loop_iters=${BENCH_LOOP_ITERS:-20000000}
if [ -x "$dir/rv64-loop" ]; then
    for e in "${engine_list[@]}"; do
        t=$(best_of "$polyvm" --engine "$e" user "$dir/rv64-loop" "$loop_iters")
        [ "$t" = fail ] && { echo "loop probe: engine $e not available"; continue; }
        awk -v n="$((loop_iters * 8))" -v t="$t" -v e="$e" \
            'BEGIN { printf "loop probe: %d guest instructions in %.3f s, polyvm-%s %.1f M guest insns/s\n", n, t, e, n / t / 1e6 }'
    done
fi
exit "$mismatch"
