#!/usr/bin/env python3
"""Writes SIZE bytes of seeded, partly compressible data to stdout.

Test input for the compressors (tests/user/test-xz.sh, test-gzip.sh) and
the benchmarks: lines of words and numbers, with runs of repeated bytes and
stretches of random binary, so both match finding and literal coding get
work. The same SEED and SIZE always give the same bytes.
Usage: gen-data.py SEED SIZE
"""
import random
import sys

seed, size = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
words = [b'alpha', b'beta', b'gamma', b'delta', b'polyvm', b'riscv', b'qemu', b'lzma',
         b'sqlite', b'kernel', b'signal', b'thread', b'futex', b'mmap', b'vfork']
out = bytearray()
while len(out) < size:
    kind = rng.random()
    if kind < 0.80:
        line = b' '.join(rng.choice(words) for _ in range(rng.randint(3, 12)))
        out += line + b' %d\n' % rng.randint(0, 99999)
    elif kind < 0.90:
        out += bytes([rng.randint(0, 255)]) * rng.randint(10, 300)
    else:
        out += bytes(rng.getrandbits(8) for _ in range(rng.randint(16, 200)))
sys.stdout.buffer.write(bytes(out[:size]))
