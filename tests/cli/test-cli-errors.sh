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

# make_elf FILE ENTRY VADDR FILESZ MEMSZ CODE-BYTES [HEX]: a riscv64 ELF with
# one PT_LOAD segment (R+X) at file offset 0, followed by CODE-BYTES bytes of
# code: HEX (little-endian instruction bytes) padded with zeros.
make_elf() {
    python3 - "$@" <<'PY'
import struct, sys
path, entry, vaddr, filesz, memsz, code = sys.argv[1], *(int(a, 0) for a in sys.argv[2:7])
insns = bytes.fromhex(sys.argv[7]) if len(sys.argv) > 7 else b''

eh = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8)
eh += struct.pack('<HHIQQQIHHHHHH', 2, 243, 1, entry, 64, 0, 0, 64, 56, 1, 64, 0, 0)
ph = struct.pack('<IIQQQQQQ', 1, 5, 0, vaddr, vaddr, filesz, memsz, 0x1000)
open(path, 'wb').write(eh + ph + (insns + bytes(code))[:code])
PY
}

# Program headers pointing past the end of the file.
make_elf "$tmp/trunc" 0x10000 0x10000 0x100000 0x100000 0
expect 1 "truncated: segment 0 ends past the end of the file" -- user "$tmp/trunc"
# Header only: the program headers themselves are cut off.
head -c 80 "$tmp/trunc" >"$tmp/trunc-ph"
expect 1 "truncated or missing program headers" -- user "$tmp/trunc-ph"
# A segment that does not fit the guest address space.
make_elf "$tmp/huge" 0x10000 0xfffffffffff00000 0x78 0x200000 0
expect 1 "does not fit the guest address space" -- user "$tmp/huge"
# A valid tiny program whose entry executes an illegal instruction (all zero).
make_elf "$tmp/illegal" 0x10078 0x10000 0x80 0x80 8
expect 132 "illegal instruction at pc 0x10078" -- user "$tmp/illegal"
# Its entry moved outside every segment.
make_elf "$tmp/noentry" 0x90000 0x10000 0x80 0x80 8
# Logging options act: -d in_asm,ir -D FILE writes the block's guest code and
# IR to FILE; --stats reports counters on stderr.
"$polyvm" -d in_asm,ir -D "$tmp/log" user "$tmp/illegal" 2>/dev/null
if grep -q '^IN: 0x10078' "$tmp/log" && grep -q 'raise' "$tmp/log"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL: -d in_asm,ir -D did not log the block"
fi
expect 132 "polyvm stats: engine jit, blocks translated 1," -- --stats user "$tmp/illegal"
# -d out_asm logs the JIT's host code, disassembled.
"$polyvm" -d out_asm -D "$tmp/log" user "$tmp/illegal" 2>/dev/null
if grep -q '^OUT: \[guest 0x10078' "$tmp/log" && grep -q 'jmp' "$tmp/log"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL: -d out_asm did not log the block's host code"
fi
expect 2 "engine 'fast' is not available" -- --engine fast user "$tmp/illegal"
POLYVM_ENGINE=fast expect 2 "POLYVM_ENGINE names no engine: 'fast'" -- user "$tmp/illegal"
# ld a0, 0(x0): a guest load from an unmapped page dies of SIGSEGV (128+11),
# in the JIT through the host fault its inline access takes.
make_elf "$tmp/segv" 0x10078 0x10000 0x80 0x80 8 03350000
for engine in jit interp; do
    expect 139 "load fault at pc 0x10078 \\(0x0\\): Segmentation fault" -- --engine $engine user "$tmp/segv"
    expect 132 "illegal instruction at pc 0x10078" -- --engine $engine user "$tmp/illegal"
done
expect 1 "entry point 0x90000 is not in an executable segment" -- user "$tmp/noentry"

# expect_one STATUS PATTERN -- ARGS...: as expect, and stderr is exactly one
# line, starting with "polyvm" ("polyvm:" or "polyvm system:").
expect_one() {
    local want=$1 pattern=$2
    shift 3
    local out
    out=$("$polyvm" "$@" 2>&1 >/dev/null </dev/null)
    if [ "$(wc -l <<<"$out")" -eq 1 ] && grep -qE '^polyvm( [a-z]+)?: ' <<<"$out"; then
        expect "$want" "$pattern" -- "$@"
    else
        failed=$((failed + 1))
        echo "FAIL: polyvm $* -> stderr is not one 'polyvm...:' line:"
        sed 's/^/    /' <<<"$out"
    fi
}

# system mode: a bad command line exits 2 before anything is loaded.
expect_one 2 "unknown machine 'foo'" -- system -M foo
expect_one 2 "-m 12Q: expected a RAM size" -- system -m 12Q
expect_one 2 "-smp: '0' is not a hart count" -- system -smp 0
expect_one 2 "-initrd needs -kernel" -- system -initrd x
expect_one 2 "format=qcow2 is not supported, only raw images" -- system -drive file=x,format=qcow2
expect_one 2 "-device virtio-gpu is not supported" -- system -device virtio-gpu
expect_one 2 "-netdev tap is not supported" -- system -netdev tap,id=n
expect_one 2 "invalid hostfwd 'tcp::abc-:22': port must be a number" -- system -netdev user,id=n,hostfwd=tcp::abc-:22
expect_one 2 "unexpected argument 'foo.img'" -- system foo.img
# ...and a machine that cannot be built exits 1. -bios none keeps these
# independent of the OpenSBI firmware being installed.
expect_one 1 "$tmp/missing: cannot open: No such file" -- system -bios none -kernel "$tmp/missing"
expect_one 1 "/bin/true: ELF for x86-64, expected riscv64" -- system -bios none -kernel /bin/true
expect_one 1 "$tmp: not a regular file" -- system -bios none -kernel "$tmp"
expect_one 1 "$tmp/missing.img: cannot open" -- system -bios none -kernel "$tmp/text" -drive file="$tmp/missing.img",format=raw
expect_one 1 "RAM of 1 MiB is too small" -- system -m 1M -bios none -kernel "$tmp/text"
# a FIFO must not hang the loaders or the disk backend
mkfifo "$tmp/fifo"
expect_one 1 "$tmp/fifo: not a regular file" -- system -bios none -kernel "$tmp/fifo"
expect_one 1 "$tmp/fifo: not a regular file or block device" -- system -bios none -kernel "$tmp/text" -drive file="$tmp/fifo",format=raw
# a known foreign kernel is refused, not loaded as raw bytes; a qcow2 image is named even without format=
python3 -c "d = bytearray(0x300); d[0x202:0x206] = b'HdrS'; open('$tmp/bzimage', 'wb').write(d)"
expect_one 1 "an x86 bzImage, expected a riscv64 kernel" -- system -bios none -kernel "$tmp/bzimage"
printf 'QFI\373xxxx' >"$tmp/disk.qcow2"
expect_one 1 "qcow2 image; only raw images are supported" -- system -bios none -kernel "$tmp/text" -drive file="$tmp/disk.qcow2"
# with firmware the kernel goes at 0x80200000, past the end of 1 MiB of RAM
printf x >"$tmp/fw"
expect_one 1 "RAM too small: the kernel goes at 0x80200000" -- system -m 1M -bios "$tmp/fw" -kernel "$tmp/text"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
