/*
 * C-side interface to the shared guest test runtime (runtime.S) for the
 * freestanding RISC-V64 C test programs. A program defines
 *
 *     const char pv_test_name[] = "name";
 *     void test_main(void) { GROUP("part"); CHECK(f(x), 42); ... }
 *
 * and links with runtime.S and minilib.c; the runtime prints the PASS/FAIL
 * summary and exits after test_main returns. No libc is involved.
 */
#ifndef PV_TEST_H
#define PV_TEST_H

#include <stddef.h>
#include <stdint.h>

void pv_check(uint64_t actual, uint64_t expected, uint64_t line);
void pv_group(const char *name);
void pv_puts(const char *s);
void pv_put_hex(uint64_t v);
void pv_put_dec(uint64_t v);
void pv_finish(void) __attribute__((noreturn));
void test_main(void);

#define GROUP(name) pv_group(name)
#define CHECK(actual, expected) \
	pv_check((uint64_t)(actual), (uint64_t)(expected), __LINE__)

/* The bit pattern of a double, for bit-exact comparisons. */
static inline uint64_t pv_bits(double d)
{
	union { double d; uint64_t u; } v = { .d = d };
	return v.u;
}

/* Keeps the compiler from folding a value known at compile time. */
#define PV_OPAQUE(x) ({ __typeof__(x) pv_v_ = (x); __asm__ volatile("" : "+r"(pv_v_)); pv_v_; })
#define PV_OPAQUE_F(x) ({ __typeof__(x) pv_v_ = (x); __asm__ volatile("" : "+f"(pv_v_)); pv_v_; })

/* Provided by minilib.c; the compiler may emit calls to these. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
