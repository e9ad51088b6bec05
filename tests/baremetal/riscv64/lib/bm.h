/*
 * Runtime of the bare-metal RISC-V64 test programs (QEMU virt board).
 *
 * A test's main() runs in M-mode. It reports each check with check() (one
 * "ok <group>: <what>" or "FAIL <group>: <what>: got X want Y" line on the
 * 16550 UART; bm_group() sets the group) and
 * ends with `return bm_finish();`, which prints "PASS <name> (N checks)" or
 * "FAIL <name>" and powers off through the SiFive test device with the
 * matching status. Only values the ISA fixes may be printed: the output is
 * compared byte for byte between QEMU and polyvm.
 *
 * run_in(mode, fn, arg) calls fn(arg) in M, S or U mode and returns its
 * result in M-mode. Functions meant for U-mode under paging go in the user
 * region with USER_FN and must not touch kernel data.
 *
 * Traps: the M handler (and the S handler, for what a test delegates)
 * records each exception in bm_trap and resumes after the faulting
 * instruction (4 bytes: faulting instructions must be written with
 * .option norvc, see INSN4) or, for instruction fetch faults, at the
 * caller's return address. Interrupts are appended to bm_irqs and their
 * source is cleared (see bm.c), unless a test installs bm_m_irq_hook /
 * bm_s_irq_hook.
 */
#ifndef BM_H
#define BM_H

#include <stdint.h>
#include "bm-asm.h"

typedef uint64_t u64;
typedef uint32_t u32;

#define MODE_U 0
#define MODE_S 1
#define MODE_M 3

#define STR_(x) #x
#define STR(x) STR_(x)
#define csr_read(csr) ({ u64 v_; __asm__ volatile("csrr %0, " STR(csr) : "=r"(v_) :: "memory"); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " STR(csr) ", %0" :: "r"((u64)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " STR(csr) ", %0" :: "r"((u64)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " STR(csr) ", %0" :: "r"((u64)(val)) : "memory")

/* Wraps one instruction so it is exactly 4 bytes long (the handler skips 4). */
#define INSN4(insn) ".option push\n.option norvc\n" insn "\n.option pop\n"

#define USER_FN __attribute__((section(".utext"), noinline))
#define USER_DATA __attribute__((section(".udata")))

/* mstatus / sstatus fields. */
#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_MIE (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP (1ul << 8)
#define MSTATUS_MPP (3ul << 11)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM (1ul << 18)
#define MSTATUS_MXR (1ul << 19)

/* Interrupt numbers (mip/mie bits, mcause codes). */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define CAUSE_INTR (1ul << 63)

/* virt board devices. */
#define UART_BASE 0x10000000ul
#define TEST_DEV 0x100000ul
#define CLINT_MSIP(h) (0x2000000ul + 4 * (h))
#define CLINT_MTIMECMP(h) (0x2004000ul + 8 * (h))
#define CLINT_MTIME 0x200bff8ul
#define BM_SCRATCH 0x80400000ul

#define MMIO64(a) (*(volatile u64 *)(a))
#define MMIO32(a) (*(volatile u32 *)(a))

struct bm_frame {
	u64 x[32]; /* x[2] is the interrupted sp; x[0] is unused */
};

struct bm_trap {
	u64 count;  /* exceptions recorded since bm_trap_reset() */
	u64 cause, epc, tval;
	u64 from;   /* previous privilege mode (MPP or SPP) */
	u64 status; /* mstatus/sstatus as seen by the handler */
	int vec;    /* vector slot, -1 for a direct vector */
	char by;    /* 'M' or 'S' */
};
extern volatile struct bm_trap bm_trap;

#define BM_MAX_IRQS 16
struct bm_irq {
	u64 code; /* interrupt number */
	int vec;
	char by;
};
extern volatile struct bm_irq bm_irqs[BM_MAX_IRQS];
extern volatile int bm_nirqs;

/* Interrupt hooks: clear the source themselves. */
extern void (*volatile bm_m_irq_hook)(u64 code, struct bm_frame *f);
extern void (*volatile bm_s_irq_hook)(u64 code, struct bm_frame *f);

/* Trap vector entries (crt.S), for tests that switch mtvec/stvec. */
extern char bm_m_trap_direct[], bm_s_trap_direct[], bm_m_vectors[], bm_s_vectors[];
extern char __user_start[], __user_end[], __u_stack_top[], __s_stack_top[];
extern char __m_trap_stack_top[], __s_trap_stack_top[];

void bm_putc(char c);
void bm_puts(const char *s);
void bm_put_hex(u64 v);
void bm_put_dec(u64 v);
void bm_exit(int code) __attribute__((noreturn));

void bm_name(const char *name);
/* Prefixes the following check lines with "<name>: ". */
void bm_group(const char *name);
int check(const char *what, u64 got, u64 want);
int bm_finish(void);

void bm_trap_reset(void);
long run_in(int mode, long (*fn)(long), long arg);

/* Bounded polls, so a missing interrupt fails a check instead of hanging. */
void bm_wait_irqs(int n);      /* until n interrupts are logged */
int bm_wait_mip(u64 bits);     /* until all bits are pending; 1 if they are */
long bm_spin(long n);          /* n nops (run_in-compatible); returns 0 */

static inline u64 mtime_now(void) { return MMIO64(CLINT_MTIME); }

#endif
