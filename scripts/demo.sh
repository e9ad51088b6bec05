#!/usr/bin/env bash
# The `make run` demo until system mode lands: Debian's own riscv64
# programs running under polyvm's Linux user mode on this x86-64 host.
# busybox runs a shell pipeline (fork, execve, pipes); Debian's dynamically
# linked xz and sqlite3 load through the guest kit's sysroot (-L); then one
# translated block is shown as guest code and optimized IR, with --stats.
# Usage: scripts/demo.sh PATH-TO-POLYVM
set -euo pipefail
polyvm=$1
build=$(dirname "$polyvm")
kit=${POLYVM_CACHE:-$HOME/.cache/polyvm}/riscv64/kit.env
if [ ! -f "$kit" ]; then
    echo "demo: $kit is missing: run scripts/guest-kit riscv64 first" >&2
    exit 1
fi
# shellcheck source=/dev/null
source "$kit"
sysroot=$POLYVM_RV64_SYSROOT
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== busybox sh (riscv64, Debian busybox-static): a pipeline with a subshell"
"$polyvm" user "$POLYVM_RV64_BUSYBOX" sh -c \
    'uname -m; seq 1 100000 | awk "{s+=\$1} END {print \"sum\", s}"; echo "nested: $(echo a b c | wc -w) words"'
echo
echo "== Debian's xz (riscv64, dynamically linked): compress and check a round trip"
seq 1 200000 > "$work/data"
"$polyvm" user -L "$sysroot" "$POLYVM_RV64_XZ" -6 -k "$work/data"
"$polyvm" user -L "$sysroot" "$POLYVM_RV64_XZ" -d -c "$work/data.xz" | cmp - "$work/data" &&
    echo "xz: $(stat -c %s "$work/data") bytes -> $(stat -c %s "$work/data.xz") bytes, round trip identical"
echo
echo "== Debian's sqlite3 (riscv64): create, insert, query"
"$polyvm" user -L "$sysroot" "$POLYVM_RV64_SQLITE3" "$work/demo.db" \
    "create table t(n integer); with recursive c(x) as (select 1 union all select x+1 from c where x<1000)
     insert into t select x from c; select count(*), sum(n), avg(n) from t;"
echo
loop=$build/bench/rv64-loop
if [ -x "$loop" ]; then
    echo "== the first block of $loop, as guest code, optimized IR and x86-64 code from the JIT"
    "$polyvm" -d in_asm,ir_opt,out_asm user "$loop" 1 2>&1 | awk '/^IN:/ { n++ } n == 1'
    echo
fi
echo "== translation statistics of the xz run (--stats)"
"$polyvm" --stats user -L "$sysroot" "$POLYVM_RV64_XZ" -t "$work/data.xz"
