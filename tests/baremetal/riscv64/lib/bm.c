/*
 * C half of the bare-metal runtime: UART output, check bookkeeping, exit
 * through the SiFive test device, the M and S trap handlers called from
 * crt.S, and run_in(). See bm.h for the contract tests rely on.
 */
#include "bm.h"

volatile struct bm_trap bm_trap;
volatile struct bm_irq bm_irqs[BM_MAX_IRQS];
volatile int bm_nirqs;
void (*volatile bm_m_irq_hook)(u64 code, struct bm_frame *f);
void (*volatile bm_s_irq_hook)(u64 code, struct bm_frame *f);

static const char *test_name = "?";
static const char *group;
static u64 checks, failures;

/* run_in() state: the M-mode context to resume and the returned value. */
static u64 run_ctx[14];
static volatile long run_ret;
int bm_setjmp(u64 *ctx) __attribute__((returns_twice));
void bm_longjmp(u64 *ctx) __attribute__((noreturn));
void bm_enter(u64 mode, long (*fn)(long), long arg, void *stack) __attribute__((noreturn));

void bm_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
	while (!(uart[5] & 0x20))
		;
	uart[0] = (uint8_t)c;
}

void bm_puts(const char *s)
{
	while (*s)
		bm_putc(*s++);
}

void bm_put_hex(u64 v)
{
	int shift = 60;
	bm_puts("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		bm_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

void bm_put_dec(u64 v)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		bm_putc(buf[--n]);
}

void bm_exit(int code)
{
	/* Status 0 powers off cleanly; other statuses use the fail encoding. */
	MMIO32(TEST_DEV) = code ? ((u32)code << 16) | 0x3333 : 0x5555;
	for (;;)
		__asm__ volatile("wfi");
}

void bm_name(const char *name)
{
	test_name = name;
}

void bm_group(const char *name)
{
	group = name;
}

static void put_what(const char *what)
{
	if (group) {
		bm_puts(group);
		bm_puts(": ");
	}
	bm_puts(what);
}

int check(const char *what, u64 got, u64 want)
{
	checks++;
	if (got == want) {
		bm_puts("ok ");
		put_what(what);
		bm_putc('\n');
		return 1;
	}
	failures++;
	bm_puts("FAIL ");
	put_what(what);
	bm_puts(": got ");
	bm_put_hex(got);
	bm_puts(" want ");
	bm_put_hex(want);
	bm_putc('\n');
	return 0;
}

int bm_finish(void)
{
	if (failures) {
		bm_puts("FAIL ");
		bm_puts(test_name);
		bm_putc('\n');
		return 1;
	}
	bm_puts("PASS ");
	bm_puts(test_name);
	bm_puts(" (");
	bm_put_dec(checks);
	bm_puts(" checks)\n");
	return 0;
}

void bm_trap_reset(void)
{
	bm_trap.count = 0;
	bm_trap.cause = bm_trap.epc = bm_trap.tval = ~0ul;
	bm_trap.from = bm_trap.status = ~0ul;
	bm_trap.vec = -2;
	bm_trap.by = '-';
	bm_nirqs = 0;
}

long run_in(int mode, long (*fn)(long), long arg)
{
	void *stack = mode == MODE_U ? (void *)__u_stack_top : (void *)__s_stack_top;
	if (bm_setjmp(run_ctx) == 0)
		bm_enter((u64)mode, fn, arg, stack);
	return run_ret;
}

static void log_irq(u64 code, int vec, char by)
{
	if (bm_nirqs < BM_MAX_IRQS) {
		bm_irqs[bm_nirqs].code = code;
		bm_irqs[bm_nirqs].vec = vec;
		bm_irqs[bm_nirqs].by = by;
		bm_nirqs++;
	}
}

static void record(u64 cause, u64 epc, u64 tval, u64 from, u64 status, int vec, char by)
{
	bm_trap.count++;
	bm_trap.cause = cause;
	bm_trap.epc = epc;
	bm_trap.tval = tval;
	bm_trap.from = from;
	bm_trap.status = status;
	bm_trap.vec = vec;
	bm_trap.by = by;
}

/* Fetch faults cannot be skipped: resume at the return address instead. */
static int is_fetch_fault(u64 cause)
{
	return cause == 0 || cause == 1 || cause == 12;
}

void bm_m_trap(struct bm_frame *f, int vec)
{
	u64 cause = csr_read(mcause);
	u64 status = csr_read(mstatus);
	u64 epc = csr_read(mepc);

	if (cause & CAUSE_INTR) {
		u64 code = cause & ~CAUSE_INTR;
		log_irq(code, vec, 'M');
		if (bm_m_irq_hook) {
			bm_m_irq_hook(code, f);
			return;
		}
		/* Without a hook, silence the source so the handler returns. */
		switch (code) {
		case IRQ_MSI: MMIO32(CLINT_MSIP(0)) = 0; break;
		case IRQ_MTI: MMIO64(CLINT_MTIMECMP(0)) = ~0ul; break;
		default: csr_clear(mie, 1ul << code); break;
		}
		return;
	}
	if (cause == 8 || cause == 9 || cause == 11) {
		switch (f->x[17]) {
		case BM_MAGIC_RETURN:
			/* The abandoned trap frames leave the scratch registers
			 * pointing at the interrupted stacks: reset them. */
			run_ret = (long)f->x[10];
			csr_write(mscratch, __m_trap_stack_top);
			csr_write(sscratch, __s_trap_stack_top);
			bm_longjmp(run_ctx);
		case BM_MAGIC_CLEAR_STIP:
			csr_clear(mip, 1ul << IRQ_STI);
			csr_write(mepc, epc + 4);
			return;
		case BM_MAGIC_SET_STIP:
			csr_set(mip, 1ul << IRQ_STI);
			csr_write(mepc, epc + 4);
			return;
		}
	}
	record(cause, epc, csr_read(mtval), (status >> 11) & 3, status, vec, 'M');
	csr_write(mepc, is_fetch_fault(cause) ? f->x[1] : epc + 4);
}

void bm_s_trap(struct bm_frame *f, int vec)
{
	u64 cause = csr_read(scause);
	u64 status = csr_read(sstatus);
	u64 epc = csr_read(sepc);

	if (cause & CAUSE_INTR) {
		u64 code = cause & ~CAUSE_INTR;
		log_irq(code, vec, 'S');
		if (bm_s_irq_hook) {
			bm_s_irq_hook(code, f);
			return;
		}
		switch (code) {
		case IRQ_SSI: csr_clear(sip, 1ul << IRQ_SSI); break;
		case IRQ_STI: {
			/* S cannot clear STIP itself: ask M, as with SBI. */
			register u64 a7 __asm__("a7") = BM_MAGIC_CLEAR_STIP;
			__asm__ volatile(INSN4("ecall") :: "r"(a7) : "memory");
			break;
		}
		default: csr_clear(sie, 1ul << code); break;
		}
		return;
	}
	if (cause == 8 && f->x[17] == BM_MAGIC_RETURN) {
		/* A delegated U ecall ending run_in(): pass it on to M. */
		register u64 a0 __asm__("a0") = f->x[10];
		register u64 a7 __asm__("a7") = BM_MAGIC_RETURN;
		__asm__ volatile(INSN4("ecall") :: "r"(a0), "r"(a7) : "memory");
	}
	record(cause, epc, csr_read(stval), (status >> 8) & 1, status, vec, 'S');
	csr_write(sepc, is_fetch_fault(cause) ? f->x[1] : epc + 4);
}

/* Waits are bounded in mtime, not iterations: a loaded host may deliver
 * a due timer late, and that must not turn into a failure. */
#define WAIT_TICKS 10000000ul /* 1 s at the virt board's 10 MHz */

void bm_wait_irqs(int n)
{
	u64 end = mtime_now() + WAIT_TICKS;
	while (bm_nirqs < n && mtime_now() < end)
		;
}

int bm_wait_mip(u64 bits)
{
	u64 end = mtime_now() + WAIT_TICKS;
	do {
		if ((csr_read(mip) & bits) == bits)
			return 1;
	} while (mtime_now() < end);
	return 0;
}

long bm_spin(long n)
{
	for (long i = 0; i < n; i++)
		__asm__ volatile("nop");
	return 0;
}
