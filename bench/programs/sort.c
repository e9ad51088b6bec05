/*
 * Branchy benchmark: a sieve of Eratosthenes and a hand-written quicksort
 * (median of three, insertion sort for short ranges) of pseudo-random
 * integers, repeated ROUNDS times with fresh data; data-dependent branches
 * dominate. Built and run like crc.c (bench/run.sh).
 * Usage: sort COUNT ROUNDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void insertion(int32_t *a, long lo, long hi)
{
    for (long i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(int32_t *a, long lo, long hi)
{
    while (hi - lo > 16) {
        long mid = lo + (hi - lo) / 2;
        int32_t x = a[lo], y = a[mid], z = a[hi];
        int32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                int32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion(a, lo, hi);
}

static long sieve(uint8_t *composite, long n)
{
    memset(composite, 0, (size_t)n + 1);
    long count = 0;
    for (long i = 2; i <= n; i++) {
        if (composite[i])
            continue;
        count++;
        for (long j = i * i; j <= n; j += i)
            composite[j] = 1;
    }
    return count;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    int32_t *a = malloc((size_t)n * sizeof *a);
    uint8_t *composite = malloc((size_t)n * 4 + 1);
    if (!a || !composite)
        return 1;
    uint32_t state = 2463534242u;
    uint64_t check = 0;
    long primes = 0;
    for (int r = 0; r < rounds; r++) {
        for (long i = 0; i < n; i++) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            a[i] = (int32_t)(state % 1000003) - 500000;
        }
        quicksort(a, 0, n - 1);
        for (long i = 1; i < n; i++)
            if (a[i - 1] > a[i])
                return 2;   /* not sorted: a wrong result must not time well */
        check = check * 31 + (uint64_t)(uint32_t)a[n / 2] + (uint64_t)(uint32_t)a[n / 7];
        primes = sieve(composite, n * 4);
    }
    printf("sort check %016llx primes %ld\n", (unsigned long long)check, primes);
    free(a);
    free(composite);
    return 0;
}
