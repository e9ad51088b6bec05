#!/usr/bin/env bash
# Benchmarks: CPU-bound programs run natively on the host, under Debian's
# qemu-riscv64 and under polyvm with each engine asked for, best of N
# wall-clock runs each, in one table with ratios and geometric means.
#
# Programs: the repo's own bench/programs (crc integer hashing, list
# pointer chasing, sort branchy, nbody floating point; the native runner is
# the host build of the same C source) and real Debian riscv64 programs
# from the guest kit, each against the host's own build of the same tool:
#   xz-6     xz -6 on 128 KiB of generated data
#   sha256   coreutils sha256sum of a 16 MiB generated file, 6 times over
#   sqlite3  sqlite3 on a generated SQL script in an in-memory database:
#            tables, inserts in one transaction, indexes, aggregates, joins,
#            subqueries, an update and a delete (integer results only)
# Every runner must print the same output, else the row is marked MISMATCH
# and the script fails; the times themselves never fail anything.
#
# After the times, a translation-cost table from one more polyvm run per
# row with --engine jit --stats: blocks translated, mean microseconds per
# translated block, host code bytes per guest instruction, chained jumps
# and jump-cache hit rate, read from the "polyvm stats:" line by key name
# (a key polyvm does not print shows n/a). A last line per engine gives
# guest instructions per second on a known loop.
#
# Last, the boot table of scripts/boot-time --compare: the guest kit's
# Debian kernel and initramfs with a virtio disk, network and rng, booted
# to /init's first line, to "ready" and to power-off under
# qemu-system-riscv64 and under polyvm system with each engine, the runs
# interleaved, medians and polyvm/qemu ratios (also alone: make bench-boot).
#
# Usage: bench/run.sh [--engines LIST] [--runs N] PATH-TO-POLYVM
#   --engines jit[,interp,...]  polyvm engines to time (default: jit,interp,
#                               or $BENCH_ENGINES); one that polyvm does not
#                               have prints n/a
#   --runs N                    best of N runs (default 3, or $BENCH_RUNS);
#                               a runner whose run takes over 10 s is not
#                               run again, as noise is small against that;
#                               the boot table takes the median of N boots
#   --no-boot                   leave out the boot table (also $BENCH_BOOT=0)
#   -h, --help                  this text
# Environment: BENCH_STATS_ENGINE (default jit) is the engine of the
# translation-cost runs; BENCH_LOOP_ITERS the loop probe's turns. The bench
# programs are taken from the bench/ directory next to PATH-TO-POLYVM (the
# build directory); the Debian programs from the guest kit's kit.env.
set -uo pipefail

usage() { sed -n '/^# Usage:/,/^# build directory/s/^# \{0,1\}//p' "$0"; }

engines=${BENCH_ENGINES:-jit,interp}
runs=${BENCH_RUNS:-3}
stats_engine=${BENCH_STATS_ENGINE:-jit}
boot=${BENCH_BOOT:-1}
while [ $# -gt 0 ]; do
    case $1 in
        --engines) engines=${2:?--engines needs a list}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --no-boot) boot=0; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "bench/run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
polyvm=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(dirname "$polyvm")/bench
qemu=$(command -v qemu-riscv64 || true)
IFS=, read -r -a engine_list <<<"$engines"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/polyvm-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
kit="${POLYVM_CACHE:-$HOME/.cache/polyvm}/riscv64/kit.env"
# shellcheck disable=SC1090
[ -f "$kit" ] && . "$kit"

# A run this long is not repeated: best-of-N would only add minutes.
long_run_s=10

# best_of CMD...: the shortest wall time in seconds of $runs runs; stdout of
# the last run goes to $tmp/out, stderr to $tmp/err. Prints "fail" if a run
# fails.
best_of() {
    local best="" t0 t1 i
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s.%N)
        "$@" >"$tmp/out" 2>"$tmp/err" || { echo fail; return; }
        t1=$(date +%s.%N)
        best=$(awk -v a="$t0" -v b="$t1" -v best="$best" 'BEGIN { t = b - a; if (best == "" || t < best) best = t; printf "%.4f", best }')
        awk -v t="$best" -v l="$long_run_s" 'BEGIN { exit !(t > l) }' && break
    done
    echo "$best"
}

# ratio A B [DIGITS]: A / B, or n/a when either is not a positive number.
ratio() {
    awk -v a="$1" -v b="$2" -v d="${3:-2}" \
        'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.*f", d, a / b; else printf "n/a" }'
}

# engine_available E: does polyvm have engine E? Asked once per engine.
declare -A have_engine=()
engine_available() {
    if [ -z "${have_engine[$1]:-}" ]; then
        have_engine[$1]=yes
        [[ $("$polyvm" --engine "$1" user /nonexistent 2>&1) == *"not available"* ]] && have_engine[$1]=no
    fi
    [ "${have_engine[$1]}" = yes ]
}

# output_matches NAME RUNNER REF: compare $tmp/out with the native output's
# sha256 REF (empty: nothing to compare with); report a mismatch.
output_matches() {
    local sum
    sum=$(sha256sum <"$tmp/out")
    [ -z "$3" ] || [ "$sum" = "$3" ] && return 0
    echo "MISMATCH: $1 under $2: $(head -c 200 "$tmp/out" "$tmp/err")" >&2
    mismatch=1
    return 1
}

# stats_columns NAME < STDERR: the translation-cost row from the last
# "polyvm stats:" line ("key value" pairs separated by commas; found by key
# name, so extra keys are ignored and missing ones print n/a).
stats_columns() {
    awk -v name="$1" '
        /^polyvm stats:/ { line = $0 }
        function get(k) { return (k in s) ? s[k] : "n/a" }
        function div(a, b, digits) {
            return (a in s && b in s && s[b] > 0) ? sprintf("%.*f", digits, s[a] / s[b]) : "n/a"
        }
        END {
            sub(/^polyvm stats: */, "", line)
            n = split(line, pair, / *, */)
            for (i = 1; i <= n; i++) {
                if (!match(pair[i], / [0-9]+$/)) continue
                s[substr(pair[i], 1, RSTART - 1)] = substr(pair[i], RSTART + 1) + 0
            }
            hit = "n/a"
            if ("jump cache hits" in s && s["jump cache lookups"] > 0)
                hit = sprintf("%.1f", 100 * s["jump cache hits"] / s["jump cache lookups"])
            print name, get("blocks translated"), div("translation us", "blocks translated", 2),
                div("host code bytes", "guest insns translated", 1), get("chained jumps"), hit
        }'
}

time_cols="program native_s qemu_s qemu/native"
for e in "${engine_list[@]}"; do time_cols+=" ${e}_s ${e}/native ${e}/qemu"; done
time_rows=()
stats_cols="program blocks us/block bytes/insn chained cache_hit%"
stats_rows=()
mismatch=0

# run_row NAME NATIVE-CMD... -- QEMU-ARGS... -- POLYVM-ARGS... : times one
# row and, if the stats engine is there, adds its translation-cost row.
# QEMU-ARGS follow 'qemu-riscv64', POLYVM-ARGS 'polyvm --engine E user'.
run_row() {
    local name=$1
    shift
    local -a native=() emu=() guest=()
    while [ "$1" != -- ]; do native+=("$1"); shift; done
    shift
    while [ "$1" != -- ]; do emu+=("$1"); shift; done
    shift
    guest=("$@")
    local row="$name" ref="" t tn tq=n/a e
    tn=$(best_of "${native[@]}")
    [ "$tn" != fail ] && ref=$(sha256sum <"$tmp/out")
    if [ -n "$qemu" ]; then
        tq=$(best_of "$qemu" "${emu[@]}")
        [ "$tq" != fail ] && output_matches "$name" qemu-riscv64 "$ref"
    fi
    row+=" $tn $tq $(ratio "$tq" "$tn" 1)"
    for e in "${engine_list[@]}"; do
        if ! engine_available "$e"; then
            row+=" n/a n/a n/a"
            continue
        fi
        t=$(best_of "$polyvm" --engine "$e" user "${guest[@]}")
        if [ "$t" = fail ] || ! output_matches "$name" "polyvm --engine $e" "$ref"; then
            [ "$t" = fail ] && echo "FAILED: $name under polyvm --engine $e: $(tail -c 200 "$tmp/err")" >&2
            mismatch=1
            row+=" fail n/a n/a"
            continue
        fi
        row+=" $t $(ratio "$t" "$tn" 1) $(ratio "$t" "$tq")"
    done
    time_rows+=("$row")
    if engine_available "$stats_engine" &&
        "$polyvm" --engine "$stats_engine" --stats user "${guest[@]}" >"$tmp/out" 2>"$tmp/err" &&
        output_matches "$name" "polyvm --engine $stats_engine --stats" "$ref"; then
        stats_rows+=("$(stats_columns "$name" <"$tmp/err")")
    elif engine_available "$stats_engine"; then
        stats_rows+=("$name fail n/a n/a n/a n/a")
    fi
    printf '  %s done\n' "$name" >&2
}

# The repo's programs. Sizes: each takes a few seconds under polyvm's
# interpreter.  name: command-line arguments
programs=(
    "crc 400"
    "list 100000 600"
    "sort 200000 10"
    "nbody 200000"
)

own_rows() {
    local spec name args
    local -a argv
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
}

# debian_row NAME HOST-TOOL KIT-PROGRAM ARGS...: one Debian program, the
# riscv64 build from the guest kit under qemu and polyvm, the host's build
# natively, all with the same arguments.
debian_row() {
    local name=$1 tool=$2 prog=$3
    shift 3
    if [ -z "$prog" ] || [ ! -x "$prog" ] || ! command -v "$tool" >/dev/null; then
        echo "bench: $name row skipped (needs the riscv64 $tool from scripts/guest-kit and the host's $tool)" >&2
        return
    fi
    local -a guest=(-L "$POLYVM_RV64_SYSROOT" "$prog" "$@")
    run_row "$name" "$tool" "$@" -- "${guest[@]}" -- "${guest[@]}"
}

# sql_workload ORDERS: the sqlite3 script. Data come from a fixed LCG, so
# the script and every result are the same on each run; only integer
# results, as float formatting differs between sqlite3 versions.
sql_workload() {
    awk -v n="$1" '
        # A 32-bit LCG, high bits only (its low bits repeat quickly).
        function rnd(m) { seed = (seed * 69069 + 1) % 4294967296; return int(seed / 256) % m }
        BEGIN {
            q = "\047"
            seed = 1
            customers = int(n / 20) + 1
            print "CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, region INTEGER);"
            print "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, item TEXT, qty INTEGER, cents INTEGER);"
            print "BEGIN;"
            for (i = 1; i <= customers; i++)
                printf "INSERT INTO customer VALUES(%d, %scustomer-%d%s, %d);\n", i, q, rnd(100000), q, i % 13
            for (i = 1; i <= n; i++)
                printf "INSERT INTO orders(customer, item, qty, cents) VALUES(%d, %sitem%02d%s, %d, %d);\n",
                    1 + rnd(customers), q, rnd(40), q, 1 + rnd(9), rnd(100000)
            print "COMMIT;"
            print "CREATE INDEX orders_customer ON orders(customer);"
            print "CREATE INDEX orders_item_cents ON orders(item, cents);"
            print "SELECT c.region, count(*), sum(o.qty), sum(o.cents) FROM orders o JOIN customer c ON c.id = o.customer GROUP BY c.region ORDER BY c.region;"
            print "SELECT item, count(*), min(cents), max(cents), sum(qty * cents) FROM orders GROUP BY item ORDER BY item;"
            print "SELECT c.id, c.name, sum(o.cents) AS total FROM customer c JOIN orders o ON o.customer = c.id GROUP BY c.id ORDER BY total DESC, c.id LIMIT 10;"
            print "SELECT count(*) FROM orders WHERE cents > (SELECT sum(cents) / count(*) FROM orders);"
            print "SELECT count(*) FROM customer c WHERE (SELECT count(*) FROM orders o WHERE o.customer = c.id) > 20;"
            print "SELECT id, cents FROM orders WHERE item = " q "item07" q " ORDER BY cents DESC, id LIMIT 5;"
            print "SELECT count(*), sum(length(name)) FROM customer WHERE name LIKE " q "%77%" q ";"
            print "UPDATE orders SET qty = qty + 1 WHERE customer % 7 = 0;"
            print "DELETE FROM orders WHERE qty > 8;"
            print "SELECT count(*), sum(qty), sum(cents) FROM orders;"
            print "SELECT a.item, b.item, count(*) FROM orders a JOIN orders b ON a.customer = b.customer AND a.id < b.id WHERE a.item < " q "item03" q " AND b.item < " q "item03" q " GROUP BY a.item, b.item ORDER BY 1, 2;"
        }'
}

# Debian's programs. Sizes: each takes 0.1 to 2 s under qemu-riscv64.
debian_rows() {
    python3 "$here/../tests/user/gen-data.py" 7 131072 >"$tmp/xz-in"
    debian_row xz-6 xz "${POLYVM_RV64_XZ:-}" -T1 -6 -c "$tmp/xz-in"
    python3 "$here/../tests/user/gen-data.py" 11 16777216 >"$tmp/sha-in"
    debian_row sha256 sha256sum "${POLYVM_RV64_SHA256SUM:-}" "$tmp"/sha-in{,,,,,}
    rm -f "$tmp/sha-in"
    sql_workload 40000 >"$tmp/workload.sql"
    debian_row sqlite3 sqlite3 "${POLYVM_RV64_SQLITE3:-}" -batch -init /dev/null :memory: ".read $tmp/workload.sql"
}

# print_table: whitespace-separated rows on stdin, columns aligned to their
# widest cell (the first left-aligned, the rest right-aligned).
print_table() {
    awk '
        { line[NR] = $0; for (i = 1; i <= NF; i++) if (length($i) > w[i]) w[i] = length($i) }
        END {
            for (r = 1; r <= NR; r++) {
                n = split(line[r], f, " ")
                out = sprintf("%-*s", w[1], f[1])
                for (i = 2; i <= n; i++) out = out sprintf("  %*s", w[i], f[i])
                print out
            }
        }'
}

# times_table: the rows, then the geometric mean of each ratio column.
times_table() {
    {
        echo "$time_cols"
        [ ${#time_rows[@]} -eq 0 ] || printf '%s\n' "${time_rows[@]}"
    } | awk '
        NR == 1 { ncol = NF; for (i = 1; i <= NF; i++) head[i] = $i; print; next }
        {
            print
            for (i = 2; i <= NF; i++)
                if (head[i] ~ /\// && $i + 0 > 0) { logsum[i] += log($i); count[i]++ }
        }
        END {
            line = "geomean"
            for (i = 2; i <= ncol; i++) {
                if (head[i] ~ /\//) line = line " " (count[i] ? sprintf("%.2f", exp(logsum[i] / count[i])) : "n/a")
                else line = line " -"
            }
            print line
        }' | print_table
    echo "(times in seconds, best of $runs; A/B: A's time over B's, lower is better for polyvm)"
}

# stats_table: the translation-cost rows, then each column's mean over the
# rows that have it (printed with the precision of its rows).
stats_table() {
    if ! engine_available "$stats_engine"; then
        echo "translation cost: polyvm has no engine $stats_engine; skipped"
        return
    fi
    echo "translation cost (polyvm --engine $stats_engine --stats, one run per row):"
    {
        echo "$stats_cols"
        [ ${#stats_rows[@]} -eq 0 ] || printf '%s\n' "${stats_rows[@]}"
    } | awk '
        BEGIN { split("- %.0f %.2f %.1f %.0f %.1f", fmt, " ") }
        NR == 1 { ncol = NF; print; next }
        {
            print
            for (i = 2; i <= NF; i++) if ($i ~ /^[0-9.]+$/) { sum[i] += $i; count[i]++ }
        }
        END {
            line = "mean"
            for (i = 2; i <= ncol; i++) line = line " " (count[i] ? sprintf(fmt[i], sum[i] / count[i]) : "n/a")
            print line
        }' | print_table
    echo "(us/block: translation microseconds per block; bytes/insn: host code bytes per guest instruction)"
}

# Guest instructions per second on the loop probe (8 instructions a turn).
loop_probe() {
    local iters=${BENCH_LOOP_ITERS:-20000000} e t
    [ -x "$dir/rv64-loop" ] || return 0
    for e in "${engine_list[@]}"; do
        engine_available "$e" || { echo "loop probe: engine $e not available"; continue; }
        t=$(best_of "$polyvm" --engine "$e" user "$dir/rv64-loop" "$iters")
        [ "$t" = fail ] && { echo "loop probe: engine $e failed"; mismatch=1; continue; }
        awk -v n="$((iters * 8))" -v t="$t" -v e="$e" \
            'BEGIN { printf "loop probe: %d guest instructions in %.3f s, polyvm-%s %.1f M guest insns/s\n", n, t, e, n / t / 1e6 }'
    done
}

# The boot table; a boot that fails counts like a mismatch, its times never
# do. Engines polyvm lacks are left out here (their rows above say n/a).
boot_table() {
    local e available=()
    if [ "$boot" = 0 ]; then
        return 0
    fi
    if [ -z "${POLYVM_RV64_KERNEL:-}" ] || [ -z "${POLYVM_RV64_INITRD:-}" ]; then
        echo "boot table skipped: no kernel or initramfs in the guest kit (scripts/guest-kit riscv64)"
        return 0
    fi
    for e in "${engine_list[@]}"; do engine_available "$e" && available+=("$e"); done
    local IFS=,
    echo "  booting (${available[*]}; $runs runs each)" >&2
    python3 "$here/../scripts/boot-time" --compare "$polyvm" --engines "${available[*]}" \
        --runs "$runs" --quiet || mismatch=1
}

echo "best of $runs runs; engines: ${engine_list[*]}; translation cost from engine $stats_engine" >&2
own_rows
debian_rows
times_table
echo
stats_table
echo
loop_probe
echo
boot_table
exit "$mismatch"
