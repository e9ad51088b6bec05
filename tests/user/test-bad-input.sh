#!/usr/bin/env bash
# Programs polyvm cannot run must give one clear message and exit status 1,
# never a crash: a dynamic riscv64 program whose ELF interpreter is missing
# (no sysroot, an empty one) or is not a riscv64 ELF; an x86-64 program; a
# corrupt ELF (truncated copy, broken header fields, each program header
# field made impossible, the whole table inverted); and seeded random byte
# flips in the program headers, where loading may also succeed (then the
# guest runs 'true') but polyvm itself must not crash or hang.
# Usage: test-bad-input.sh PATH-TO-POLYVM DYNAMIC-RV64-PROG STATIC-RV64-PROG
set -u
. "$(dirname "$0")/lib.sh"
uk_init "$1"
dyn=$(realpath -- "$2")
static=$(realpath -- "$3")
UK_TIMEOUT=20

# expect NAME PATTERN -- POLYVM-USER-ARGS...: status 1, PATTERN on stderr
expect() {
    local name=$1 pattern=$2
    shift 3
    local out status
    out=$(uk_run polyvm "$@" 2>&1 >/dev/null </dev/null)
    status=$?
    if [ "$status" -eq 1 ] && grep -qE -- "$pattern" <<<"$out" && ! grep -q Sanitizer <<<"$out"; then
        uk_pass
    else
        uk_fail "$name: status $status (want 1), stderr (want /$pattern/):"
        head -n 8 <<<"$out" | sed 's/^/    /'
    fi
}

interp=$(readelf -l "$dyn" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interp" ] || interp=/lib/ld-linux-riscv64-lp64d.so.1
mkdir "$TMP/empty"
expect "dynamic program, no sysroot" "ELF interpreter $interp.*(no sysroot|-L)" -- "$dyn"
expect "dynamic program, empty sysroot" "ELF interpreter $interp.*$TMP/empty" -- -L "$TMP/empty" "$dyn"
mkdir -p "$TMP/text-interp$(dirname "$interp")" "$TMP/x86-interp$(dirname "$interp")"
echo "not an ELF" >"$TMP/text-interp$interp"
expect "interpreter is a text file" "ELF interpreter $interp.*not an ELF" -- -L "$TMP/text-interp" "$dyn"
cp /bin/true "$TMP/x86-interp$interp"
expect "interpreter is an x86-64 ELF" "ELF interpreter $interp.*ELF for x86-64, expected riscv64" -- \
    -L "$TMP/x86-interp" "$dyn"
expect "x86-64 program" "ELF for x86-64, expected riscv64" -- /bin/true

# Corruptions of a static program: busybox from the guest kit when there,
# else the repo's own static test program.
victim=${POLYVM_RV64_BUSYBOX:-$static}
[ -f "$victim" ] || victim=$static
echo "corrupting copies of $victim"
cp "$victim" "$TMP/good"
head -c 3000 "$TMP/good" >"$TMP/cut3000"
expect "truncated to 3000 bytes" "cut3000: truncated" -- "$TMP/cut3000"

# patch OUT FIELD VALUE: one header field set to VALUE (python: struct).
patch() {
    python3 - "$TMP/good" "$TMP/$1" "$2" "$3" <<'PY'
import struct, sys
src, out, field, value = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 0)
data = bytearray(open(src, 'rb').read())
phoff, = struct.unpack_from('<Q', data, 32)
phentsize, phnum = struct.unpack_from('<HH', data, 54)
first_load = next(i for i in range(phnum) if struct.unpack_from('<I', data, phoff + i * phentsize)[0] == 1)
ph = phoff + first_load * phentsize
fields = {  # name: (offset, format)
    'e_phoff': (32, '<Q'), 'e_phnum': (56, '<H'), 'e_phentsize': (54, '<H'), 'e_machine': (18, '<H'),
    'p_offset': (ph + 8, '<Q'), 'p_vaddr': (ph + 16, '<Q'), 'p_filesz': (ph + 32, '<Q'), 'p_memsz': (ph + 40, '<Q'),
}
if field == 'invert':
    for i in range(phoff, phoff + phnum * phentsize):
        data[i] ^= 0xff
else:
    off, fmt = fields[field]
    struct.pack_into(fmt, data, off, value)
open(out, 'wb').write(data)
PY
}
size=$(stat -c %s "$TMP/good")
patch phoff-past-end e_phoff $((size + 100))
expect "e_phoff past the end" "truncated or missing program headers" -- "$TMP/phoff-past-end"
patch no-phdrs e_phnum 0
expect "no program headers" "no-phdrs: .*program headers" -- "$TMP/no-phdrs"
patch phentsize e_phentsize 20
expect "wrong e_phentsize" "phentsize: " -- "$TMP/phentsize"
patch offset-huge p_offset 0x7fffffffffff0000
expect "p_offset far past the end" "offset-huge: truncated" -- "$TMP/offset-huge"
patch filesz-huge p_filesz 0x100000000
expect "p_filesz past the end" "filesz-huge: truncated" -- "$TMP/filesz-huge"
patch memsz-small p_memsz 16
expect "p_filesz larger than p_memsz" "memsz-small: " -- "$TMP/memsz-small"
patch vaddr-top p_vaddr 0xffffffffffff0000
expect "p_vaddr at the top of the address space" "vaddr-top: .*(does not fit|address space)" -- "$TMP/vaddr-top"
patch arm64 e_machine 183
expect "an AArch64 ELF" "ELF for aarch64, expected riscv64" -- "$TMP/arm64"
patch inverted invert 0
expect "program header table inverted" "inverted: " -- "$TMP/inverted"

# Random single-byte changes in the program header table.
seed=${PVTEST_SEED:-1}
echo "random program header flips: seed=$seed (set PVTEST_SEED to change)"
python3 - "$TMP/good" "$TMP/flip" "$seed" <<'PY'
import random, struct, sys
src, prefix, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
phoff, = struct.unpack_from('<Q', data, 32)
phentsize, phnum = struct.unpack_from('<HH', data, 54)
rng = random.Random(seed)
for n in range(24):
    copy = bytearray(data)
    at = rng.randrange(phoff, phoff + phentsize * phnum)
    copy[at] ^= rng.randrange(1, 256)
    open('%s-%02d-at-%d' % (prefix, n, at), 'wb').write(copy)
PY
for f in "$TMP"/flip-*; do
    out=$(uk_run polyvm "$f" true 2>&1 </dev/null)
    status=$?
    # Refused with a message (1), or loaded and then the guest ran or
    # failed in its own way (below 128: e.g. glibc rejecting a broken TLS
    # header), or the guest died of a signal that polyvm reported. Never a
    # timeout (124) or a polyvm crash (a signal status without a message).
    if { { [ "$status" -lt 128 ] && [ "$status" -ne 124 ]; } ||
         { [ "$status" -gt 128 ] && grep -q '^polyvm: ' <<<"$out"; }; } &&
       ! grep -q Sanitizer <<<"$out"; then
        uk_pass
    else
        uk_fail "$(basename "$f"): status $status, stderr:"
        head -n 8 <<<"$out" | sed 's/^/    /'
    fi
done
uk_done
