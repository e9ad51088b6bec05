#!/usr/bin/env bash
# Bad input from a user must give one clear message and a non-zero exit,
# never a crash (a crash shows as status >= 128 or a sanitizer report).
# Usage: test-cli-errors.sh PATH-TO-POLYVM
set -u
polyvm=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect STATUS PATTERN -- ARGS...: exit status and a stderr line matching PATTERN
expect() {
    local want=$1 pattern=$2
    shift 3
    local out status
    out=$("$polyvm" "$@" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out" && ! grep -q "Sanitizer" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: polyvm $* -> status $status (want $want), stderr:"
        sed 's/^/    /' <<<"$out"
    fi
}

expect 2 "unknown option '--frobnicate'" -- --frobnicate
expect 2 "unknown command 'frob'" -- frob
expect 2 "unknown option '-Q' for 'user'" -- user -Q x
expect 2 "needs a PROGRAM" -- user
expect 2 "option '-d' needs an argument" -- -d
expect 2 "unknown log item 'nonsense'" -- -d nonsense user x
expect 2 "engine 'warp' is not available" -- --engine warp user x
expect 1 "$tmp/missing: cannot open: No such file" -- user "$tmp/missing"
printf 'hello, not an ELF\n' >"$tmp/text"
expect 1 "$tmp/text: not an ELF file" -- user "$tmp/text"
: >"$tmp/empty"
expect 1 "$tmp/empty: not an ELF file" -- user "$tmp/empty"
expect 1 "not a regular file" -- user "$tmp"
expect 1 "ELF for x86-64, expected riscv64" -- user /bin/true

# A riscv64 ELF header with program headers pointing past the end of the file.
python3 - "$tmp/trunc" <<'PY'
import struct, sys
eh = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8)
eh += struct.pack('<HHIQQQIHHHHHH', 2, 243, 1, 0x10000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
ph = struct.pack('<IIQQQQQQ', 1, 5, 0, 0x10000, 0x10000, 0x100000, 0x100000, 0x1000)
open(sys.argv[1], 'wb').write(eh + ph)
PY
expect 1 "truncated: segment 0 ends past the end of the file" -- user "$tmp/trunc"
# Header only: the program headers themselves are cut off.
head -c 80 "$tmp/trunc" >"$tmp/trunc-ph"
expect 1 "truncated or missing program headers" -- user "$tmp/trunc-ph"
# A segment that does not fit the guest address space.
python3 - "$tmp/huge" <<'PY'
import struct, sys
eh = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8)
eh += struct.pack('<HHIQQQIHHHHHH', 2, 243, 1, 0x10000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
ph = struct.pack('<IIQQQQQQ', 1, 5, 0, 0xfffffffffff00000, 0, 0x78, 0x200000, 0x1000)
open(sys.argv[1], 'wb').write(eh + ph)
PY
expect 1 "does not fit the guest address space" -- user "$tmp/huge"
# A valid tiny program whose entry executes an illegal instruction (all zero).
python3 - "$tmp/illegal" <<'PY'
import struct, sys
eh = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8)
eh += struct.pack('<HHIQQQIHHHHHH', 2, 243, 1, 0x10078, 64, 0, 0, 64, 56, 1, 64, 0, 0)
ph = struct.pack('<IIQQQQQQ', 1, 5, 0, 0x10000, 0x10000, 0x80, 0x80, 0x1000)
open(sys.argv[1], 'wb').write(eh + ph + bytes(8))
PY
expect 132 "illegal instruction at pc 0x10078" -- user "$tmp/illegal"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
