/*
 * Integer benchmark: CRC-32 (table driven) and a 64-bit multiply-xorshift
 * hash over a 64 KiB buffer that is rewritten between rounds, so every
 * round depends on the last. Built for riscv64 and for the host by
 * bench/meson.build; bench/run.sh runs it under polyvm, qemu-riscv64 and
 * natively and checks that all three print the same result.
 * Usage: crc ROUNDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { BUF = 64 * 1024 };

static uint32_t table[256];
static uint8_t buf[BUF];

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static uint64_t mix_hash(const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w |= (uint64_t)p[i + k] << (8 * k);
        h ^= w;
        h *= 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    return h;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    make_table();
    uint64_t state = 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < BUF; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        buf[i] = (uint8_t)state;
    }
    uint32_t crc = 0;
    uint64_t h = 0;
    for (int r = 0; r < rounds; r++) {
        crc = crc32(buf, BUF);
        h = mix_hash(buf, BUF, h + crc);
        buf[r % BUF] ^= (uint8_t)h;
    }
    printf("crc %08x hash %016llx\n", crc, (unsigned long long)h);
    return 0;
}
