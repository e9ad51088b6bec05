/*
 * sig_regs_probe(xout, fout, pid, tid, sig): fills every general register
 * it may (all but zero, sp, gp, tp) and every FP register with a known
 * pattern, sets the FP rounding mode to RTZ, then sends itself SIG with a
 * raw tgkill ecall. The handler runs when the ecall returns and clobbers
 * registers on purpose; after rt_sigreturn every register must hold its
 * pattern again (a0 holds the syscall result, 0). The values seen after the
 * ecall are stored to xout[32] (by register number) and fout[32] (raw
 * bits), and fcsr to xout[0]; signals.c checks them.
 */
    .text
    .globl sig_regs_probe
    .type sig_regs_probe, @function
sig_regs_probe:
    addi sp, sp, -128
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    sd s4, 40(sp)
    sd s5, 48(sp)
    sd s6, 56(sp)
    sd s7, 64(sp)
    sd s8, 72(sp)
    sd s9, 80(sp)
    sd s10, 88(sp)
    sd s11, 96(sp)
    sd a0, 104(sp)              /* xout */
    sd a1, 112(sp)              /* fout */
    fsd fs0, 120(sp)            /* fs0..fs11 are callee-saved; fs1..fs11 go to fpsave */

    /* FP register i gets the bits 0x4000000000000000 + i * 0x0001000000000001
     * (sig_regs_fpattern). */
    la t0, fpsave
    fsd fs1, 0(t0)
    fsd fs2, 8(t0)
    fsd fs3, 16(t0)
    fsd fs4, 24(t0)
    fsd fs5, 32(t0)
    fsd fs6, 40(t0)
    fsd fs7, 48(t0)
    fsd fs8, 56(t0)
    fsd fs9, 64(t0)
    fsd fs10, 72(t0)
    fsd fs11, 80(t0)
    la t0, fpattern
    fld f0, 0(t0)
    fld f1, 8(t0)
    fld f2, 16(t0)
    fld f3, 24(t0)
    fld f4, 32(t0)
    fld f5, 40(t0)
    fld f6, 48(t0)
    fld f7, 56(t0)
    fld f8, 64(t0)
    fld f9, 72(t0)
    fld f10, 80(t0)
    fld f11, 88(t0)
    fld f12, 96(t0)
    fld f13, 104(t0)
    fld f14, 112(t0)
    fld f15, 120(t0)
    fld f16, 128(t0)
    fld f17, 136(t0)
    fld f18, 144(t0)
    fld f19, 152(t0)
    fld f20, 160(t0)
    fld f21, 168(t0)
    fld f22, 176(t0)
    fld f23, 184(t0)
    fld f24, 192(t0)
    fld f25, 200(t0)
    fld f26, 208(t0)
    fld f27, 216(t0)
    fld f28, 224(t0)
    fld f29, 232(t0)
    fld f30, 240(t0)
    fld f31, 248(t0)
    fsrmi 1                     /* RTZ */
    csrwi fflags, 0

    /* a0..a2 and a7 are the tgkill arguments; the rest get patterns. */
    mv t0, a2                   /* pid */
    mv t1, a3                   /* tid */
    mv t2, a4                   /* sig */
    mv a0, t0
    mv a1, t1
    mv a2, t2
    li ra, 0x0101010101010101
    li t0, 0x0505050505050505
    li t1, 0x0606060606060606
    li t2, 0x0707070707070707
    li s0, 0x0808080808080808
    li s1, 0x0909090909090909
    li a3, 0x0d0d0d0d0d0d0d0d
    li a4, 0x0e0e0e0e0e0e0e0e
    li a5, 0x0f0f0f0f0f0f0f0f
    li a6, 0x1010101010101010
    li a7, 131                  /* tgkill */
    li s2, 0x1212121212121212
    li s3, 0x1313131313131313
    li s4, 0x1414141414141414
    li s5, 0x1515151515151515
    li s6, 0x1616161616161616
    li s7, 0x1717171717171717
    li s8, 0x1818181818181818
    li s9, 0x1919191919191919
    li s10, 0x1a1a1a1a1a1a1a1a
    li s11, 0x1b1b1b1b1b1b1b1b
    li t3, 0x1c1c1c1c1c1c1c1c
    li t4, 0x1d1d1d1d1d1d1d1d
    li t5, 0x1e1e1e1e1e1e1e1e
    li t6, 0x1f1f1f1f1f1f1f1f
    ecall

    /* Store what came back. t6 is stored first, then used as the base. */
    addi sp, sp, -8
    sd t6, 0(sp)
    ld t6, 112(sp)              /* xout (saved at 104 before the push) */
    sd ra, 8(t6)
    sd t0, 40(t6)
    sd t1, 48(t6)
    sd t2, 56(t6)
    sd s0, 64(t6)
    sd s1, 72(t6)
    sd a0, 80(t6)
    sd a1, 88(t6)
    sd a2, 96(t6)
    sd a3, 104(t6)
    sd a4, 112(t6)
    sd a5, 120(t6)
    sd a6, 128(t6)
    sd a7, 136(t6)
    sd s2, 144(t6)
    sd s3, 152(t6)
    sd s4, 160(t6)
    sd s5, 168(t6)
    sd s6, 176(t6)
    sd s7, 184(t6)
    sd s8, 192(t6)
    sd s9, 200(t6)
    sd s10, 208(t6)
    sd s11, 216(t6)
    sd t3, 224(t6)
    sd t4, 232(t6)
    sd t5, 240(t6)
    ld t5, 0(sp)
    sd t5, 248(t6)
    frcsr t5
    sd t5, 0(t6)
    addi sp, sp, 8
    ld t6, 112(sp)              /* fout */
    fsd f0, 0(t6)
    fsd f1, 8(t6)
    fsd f2, 16(t6)
    fsd f3, 24(t6)
    fsd f4, 32(t6)
    fsd f5, 40(t6)
    fsd f6, 48(t6)
    fsd f7, 56(t6)
    fsd f8, 64(t6)
    fsd f9, 72(t6)
    fsd f10, 80(t6)
    fsd f11, 88(t6)
    fsd f12, 96(t6)
    fsd f13, 104(t6)
    fsd f14, 112(t6)
    fsd f15, 120(t6)
    fsd f16, 128(t6)
    fsd f17, 136(t6)
    fsd f18, 144(t6)
    fsd f19, 152(t6)
    fsd f20, 160(t6)
    fsd f21, 168(t6)
    fsd f22, 176(t6)
    fsd f23, 184(t6)
    fsd f24, 192(t6)
    fsd f25, 200(t6)
    fsd f26, 208(t6)
    fsd f27, 216(t6)
    fsd f28, 224(t6)
    fsd f29, 232(t6)
    fsd f30, 240(t6)
    fsd f31, 248(t6)

    fsrmi 0
    la t0, fpsave
    fld fs1, 0(t0)
    fld fs2, 8(t0)
    fld fs3, 16(t0)
    fld fs4, 24(t0)
    fld fs5, 32(t0)
    fld fs6, 40(t0)
    fld fs7, 48(t0)
    fld fs8, 56(t0)
    fld fs9, 64(t0)
    fld fs10, 72(t0)
    fld fs11, 80(t0)
    fld fs0, 120(sp)
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    ld s4, 40(sp)
    ld s5, 48(sp)
    ld s6, 56(sp)
    ld s7, 64(sp)
    ld s8, 72(sp)
    ld s9, 80(sp)
    ld s10, 88(sp)
    ld s11, 96(sp)
    addi sp, sp, 128
    ret
    .size sig_regs_probe, . - sig_regs_probe

/*
 * sig_loop_fault(words): a tight loop that sums 32-bit words from `words`
 * until a load faults; it never returns (the SIGSEGV handler siglongjmps).
 * At the fault t0 counts the loads that succeeded, t1 holds 0x1234 plus
 * their sum and a0 the faulting address: signals.c reads them from the
 * handler's ucontext. The loop is one block that jumps to itself, the
 * case where a JIT keeps guest registers in host registers for the whole
 * loop, so this checks they reach the signal frame.
 */
    .text
    .globl sig_loop_fault
    .type sig_loop_fault, @function
sig_loop_fault:
    li t0, 0
    li t1, 0x1234
    .globl sig_loop_fault_load
sig_loop_fault_load:
    lw t2, 0(a0)
    addi t0, t0, 1
    add t1, t1, t2
    addi a0, a0, 4
    j sig_loop_fault_load
    .size sig_loop_fault, . - sig_loop_fault

    .section .rodata
    .balign 8
    .globl sig_regs_fpattern
sig_regs_fpattern:
fpattern:
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .8byte 0x4000000000000000 + \i * 0x0001000000000001
    .endr

    .bss
    .balign 8
fpsave:
    .zero 88

    .section .note.GNU-stack, "", @progbits
