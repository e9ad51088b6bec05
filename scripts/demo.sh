#!/usr/bin/env bash
# The `make run` demo until system mode lands: riscv64 Linux programs
# running under polyvm's user mode on this x86-64 host. It shows a guest
# program's output, its translation statistics, and one block of guest code
# with its IR as polyvm logs it (-d in_asm,ir_opt).
# Usage: scripts/demo.sh PATH-TO-POLYVM
set -euo pipefail
polyvm=$1
build=$(dirname "$polyvm")
fib=$build/bench/rv64-fib
loop=$build/bench/rv64-loop
if [ ! -x "$fib" ]; then
    echo "demo: $fib is missing (the riscv64 cross compiler was not found at configure time)" >&2
    exit 1
fi
echo "== polyvm user $fib   (riscv64 program: recursive fib(32))"
"$polyvm" --stats user "$fib"
echo
echo "== the first block of $loop, as guest code and optimized IR"
"$polyvm" -d in_asm,ir_opt user "$loop" 1 2>&1 | awk '/^IN:/ { n++ } n == 1'
echo
for prog in "$build"/tests/guest/riscv64/*; do
    [ -f "$prog" ] && [ -x "$prog" ] || continue
    echo "== polyvm user $(basename "$prog")   (self-checking riscv64 test program)"
    "$polyvm" user "$prog" | tail -n 3
done
