/*
 * Freestanding C guest test doing "real work" the way compiled programs do:
 * quicksort with recursion and a checksum, CRC-32 and SHA-256 with known
 * answers, recursive and iterative Fibonacci, __int128 arithmetic (the
 * division comes from libgcc), a dense switch compiled to a jump table,
 * calls through function pointers, struct copies, string building, and
 * the bit-manipulation builtins (Zbb instructions at -march=..._zbb).
 *
 * No libc: the shared runtime (lib/runtime.S) provides _start, checks and
 * exit; lib/minilib.c the memory routines GCC may call.
 * Expected values were computed independently on the host (Python).
 */
#include "pvtest.h"

const char pv_test_name[] = "rv64-c-algo";

/* ---- deterministic pseudo-random numbers (xorshift64*) ---- */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* ---- sorting ---- */
#define SORT_N 500
static int64_t sort_buf[SORT_N];

static void quicksort(int64_t *v, long lo, long hi)
{
	while (lo < hi) {
		int64_t pivot = v[lo + (hi - lo) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				int64_t t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		}
		/* Recurse into the smaller half, loop on the larger. */
		if (j - lo < hi - i) {
			quicksort(v, lo, j);
			lo = i;
		} else {
			quicksort(v, i, hi);
			hi = j;
		}
	}
}

static void test_sort(void)
{
	GROUP("sort");
	rng_state = 0x123456789abcdefULL;
	for (int i = 0; i < SORT_N; i++)
		sort_buf[i] = (int64_t)rng_next() >> 20;
	quicksort(sort_buf, 0, SORT_N - 1);

	int sorted = 1;
	uint64_t h = 0;
	for (int i = 0; i < SORT_N; i++) {
		if (i > 0 && sort_buf[i - 1] > sort_buf[i])
			sorted = 0;
		h = h * 31 + (uint64_t)sort_buf[i];
	}
	CHECK(sorted, 1);
	CHECK(h, 0x8982cd82e88d7012ULL);
	CHECK(sort_buf[0], -8741575573763LL);
	CHECK(sort_buf[SORT_N - 1], 8789966757385LL);
}

/* ---- CRC-32 (IEEE, reflected) ---- */
static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* ---- SHA-256 ---- */
static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t st[8], const uint8_t *blk)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)blk[4 * i] << 24 | (uint32_t)blk[4 * i + 1] << 16 |
		       (uint32_t)blk[4 * i + 2] << 8 | blk[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
	uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
			      ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d;
	st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

static void sha256(const uint8_t *msg, size_t n, uint32_t out[8])
{
	static const uint32_t init[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	uint8_t blk[64];
	size_t done = 0;
	memcpy(out, init, sizeof(init));
	while (n - done >= 64) {
		sha256_block(out, msg + done);
		done += 64;
	}
	size_t rest = n - done;
	memset(blk, 0, sizeof(blk));
	memcpy(blk, msg + done, rest);
	blk[rest] = 0x80;
	if (rest >= 56) {
		sha256_block(out, blk);
		memset(blk, 0, sizeof(blk));
	}
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		blk[63 - i] = (uint8_t)(bits >> (8 * i));
	sha256_block(out, blk);
}

static uint8_t pattern[1000];

static void test_hashes(void)
{
	static const uint8_t digits[] = "123456789";
	static const uint8_t abc[] = "abc";
	uint32_t d[8];

	GROUP("crc32");
	CHECK(crc32(digits, 9), 0xcbf43926u);
	for (int i = 0; i < 1000; i++)
		pattern[i] = (uint8_t)(i * 7 + (i >> 3));
	CHECK(crc32(pattern, sizeof(pattern)), 0xd37f8ec0u);

	GROUP("sha256");
	sha256(abc, 3, d);
	CHECK(d[0], 0xba7816bfu);
	CHECK(d[1], 0x8f01cfeau);
	CHECK(d[2], 0x414140deu);
	CHECK(d[3], 0x5dae2223u);
	CHECK(d[4], 0xb00361a3u);
	CHECK(d[5], 0x96177a9cu);
	CHECK(d[6], 0xb410ff61u);
	CHECK(d[7], 0xf20015adu);
	sha256(pattern, sizeof(pattern), d);
	CHECK(d[0], 0x8904ff7au);
	CHECK(d[7], 0x2ebdec45u);
	sha256(pattern, 56, d);		/* padding spills into a second block */
	CHECK(d[0], 0x0c8247c9u);
}

/* ---- recursion ---- */
static uint64_t fib_rec(unsigned n)
{
	return n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2);
}

static uint64_t fib_iter(unsigned n)
{
	uint64_t a = 0, b = 1;
	while (n--) {
		uint64_t t = a + b;
		a = b;
		b = t;
	}
	return a;
}

static unsigned ackermann(unsigned m, unsigned n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static void test_recursion(void)
{
	GROUP("recursion");
	CHECK(fib_rec(PV_OPAQUE(24u)), 46368);
	CHECK(fib_iter(PV_OPAQUE(90u)), 2880067194370816120ULL);
	CHECK(ackermann(2, PV_OPAQUE(3u)), 9);
	CHECK(ackermann(3, PV_OPAQUE(4u)), 125);
}

/* ---- 128-bit integers ---- */
typedef unsigned __int128 u128;
typedef __int128 s128;

static void test_int128(void)
{
	GROUP("int128");
	u128 m = (u128)PV_OPAQUE(0xffffffffffffffffULL) * PV_OPAQUE(0xffffffffffffffffULL);
	CHECK((uint64_t)(m >> 64), 0xfffffffffffffffeULL);
	CHECK((uint64_t)m, 1);

	u128 f = 1;
	for (unsigned i = 2; i <= PV_OPAQUE(30u); i++)
		f *= i;
	/* 30! = 265252859812191058636308480000000 */
	CHECK((uint64_t)(f >> 64), 0xd13f6370f96ULL);
	CHECK((uint64_t)f, 0x865df5dd54000000ULL);

	u128 q = f / PV_OPAQUE(1000000000000000ULL);
	u128 r = f % PV_OPAQUE(999999937ULL);
	CHECK((uint64_t)q, 0x03ae5e1214c31b52ULL);
	CHECK((uint64_t)(q >> 64), 0);
	CHECK((uint64_t)r, 0x59fd0ccULL);

	s128 neg = -(s128)f;
	s128 sq = neg / PV_OPAQUE((s128)-7);
	CHECK((uint64_t)sq, 0x80e8d9fb0c000000ULL);
	CHECK((uint64_t)(sq >> 64), 0x1de47beb915ULL);
	s128 shifted = neg >> 100;
	CHECK((uint64_t)shifted, 0xffffffffffffff2eULL);
	CHECK((uint64_t)(shifted >> 64), 0xffffffffffffffffULL);
	CHECK((uint64_t)(neg % PV_OPAQUE((s128)1000003)), (uint64_t)-(int64_t)0x160cd);
}

/* ---- dense switch: a jump table ---- */
static __attribute__((noinline)) uint64_t dispatch(unsigned op, uint64_t x)
{
	switch (op) {
	case 0: return x + 1;
	case 1: return x * 3;
	case 2: return x ^ 0x55;
	case 3: return x << 7;
	case 4: return x >> 3;
	case 5: return ~x;
	case 6: return x - 1000;
	case 7: return x * x;
	case 8: return x | 0xf0f0;
	case 9: return x & 0xff00ff;
	case 10: return x / 7;
	case 11: return x % 13;
	case 12: return (x << 32) | (x >> 32);
	case 13: return x + (x >> 1);
	default: return 0xdead;
	}
}

/* ---- function pointers ---- */
static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t op_sub(uint64_t a, uint64_t b) { return a - b; }
static uint64_t op_mul(uint64_t a, uint64_t b) { return a * b; }
static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ b; }

static uint64_t (*const ops[4])(uint64_t, uint64_t) = { op_add, op_sub, op_mul, op_xor };

static void test_indirect(void)
{
	GROUP("switch");
	uint64_t acc = 0x123456789ULL;
	for (unsigned i = 0; i < 30; i++)
		acc = dispatch(i % 16, acc) + i;
	CHECK(acc, 0x2e80000047ULL);
	CHECK(dispatch(PV_OPAQUE(15u), 1), 0xdead);

	GROUP("function-pointers");
	uint64_t v = 7;
	for (unsigned i = 0; i < 20; i++)
		v = ops[PV_OPAQUE(i) & 3](v, i + 3);
	CHECK(v, 0xde9b4);
}

/* ---- structs and strings ---- */
struct record {
	char name[16];
	uint32_t id;
	int16_t delta;
	uint8_t flags;
	uint64_t total;
};

static __attribute__((noinline)) struct record make_record(uint32_t id)
{
	struct record r = { "record", id, -5, 0x81, (uint64_t)id * 1000 };
	return r;
}

static size_t str_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* Decimal text of v into buf; returns its length. */
static size_t u64_to_dec(uint64_t v, char *buf)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
	return n;
}

static int64_t parse_dec(const char *s)
{
	int neg = *s == '-';
	int64_t v = 0;
	if (neg)
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

static void test_structs_strings(void)
{
	GROUP("structs");
	struct record a = make_record(PV_OPAQUE(42u));
	struct record b = a;
	b.id++;
	CHECK(a.id, 42);
	CHECK(b.id, 43);
	CHECK(b.delta, (uint64_t)-5);
	CHECK(b.flags, 0x81);
	CHECK(b.total, 42000);
	CHECK(memcmp(a.name, "record", 7), 0);

	GROUP("strings");
	char buf[32];
	CHECK(u64_to_dec(PV_OPAQUE(18446744073709551615ULL), buf), 20);
	CHECK(memcmp(buf, "18446744073709551615", 21), 0);
	CHECK(str_len(buf), 20);
	CHECK(parse_dec("-9223372036854775807"), (uint64_t)-9223372036854775807LL);
	CHECK(parse_dec("12345x"), 12345);
	memmove(buf + 2, buf, 10);	/* overlapping, forwards */
	CHECK(memcmp(buf, "181844674407", 12), 0);
	memmove(buf, buf + 4, 8);	/* overlapping, backwards */
	CHECK(memcmp(buf, "44674407", 8), 0);
}

/* ---- integer details the compiler maps to M and Zbb ---- */
static void test_bits(void)
{
	GROUP("bits");
	uint64_t x = PV_OPAQUE(0x00f0000000001000ULL);
	CHECK(__builtin_popcountll(x), 5);
	CHECK(__builtin_clzll(x), 8);
	CHECK(__builtin_ctzll(x), 12);
	CHECK(__builtin_bswap64(PV_OPAQUE(0x0123456789abcdefULL)), 0xefcdab8967452301ULL);
	CHECK(__builtin_bswap32(PV_OPAQUE(0x12345678u)), 0x78563412u);
	uint64_t y = PV_OPAQUE(0x8000000000000001ULL);
	CHECK((y << 5) | (y >> 59), 0x30);
	int32_t w = PV_OPAQUE(0x7fffffff);
	CHECK((int64_t)(int32_t)((uint32_t)w + 1u), (uint64_t)-2147483648LL);
	int64_t sn = PV_OPAQUE(-7LL);
	CHECK(sn / 2, (uint64_t)-3);
	CHECK(sn % 2, (uint64_t)-1);
	CHECK((uint64_t)sn / 2, 0x7ffffffffffffffcULL);
	CHECK(sn >> 1, (uint64_t)-4);
	int64_t mn = PV_OPAQUE(-9223372036854775807LL - 1);
	CHECK(mn < PV_OPAQUE(0LL), 1);
	CHECK(__builtin_mul_overflow_p(mn, (int64_t)2, (int64_t)0), 1);
	uint32_t u = PV_OPAQUE(0xffffffffu);
	CHECK((uint64_t)u * u, 0xfffffffe00000001ULL);
}

void test_main(void)
{
	test_sort();
	test_hashes();
	test_recursion();
	test_int128();
	test_indirect();
	test_structs_strings();
	test_bits();
}
