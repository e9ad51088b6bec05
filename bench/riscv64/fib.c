/*
 * Call-heavy benchmark: naive recursive Fibonacci, freestanding (no libc)
 * so it runs under the minimal user-mode runner. Prints the result.
 */
static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static long sys_write(long fd, const void *buf, long len)
{
    register long a0 __asm__("a0") = fd;
    register long a1 __asm__("a1") = (long)buf;
    register long a2 __asm__("a2") = len;
    register long a7 __asm__("a7") = 64;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static void sys_exit(long code)
{
    register long a0 __asm__("a0") = code;
    register long a7 __asm__("a7") = 93;
    __asm__ volatile("ecall" : : "r"(a0), "r"(a7));
    __builtin_unreachable();
}

void _start(void)
{
    char buf[32];
    long v = fib(32);
    int n = 0;
    char tmp[24];
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n++] = '\n';
    sys_write(1, buf, n);
    sys_exit(0);
}
