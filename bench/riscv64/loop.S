/*
 * Interpreter/JIT speed probe: a counted loop of integer ALU work with a
 * known dynamic instruction count, so the harness can print guest
 * instructions per second. Iterations come from argv[1] (default 100M).
 * Each iteration executes exactly 8 instructions.
 */
    .globl _start
    .text
_start:
    ld      a0, 0(sp)            /* argc */
    li      t0, 100000000
    li      t6, 2
    blt     a0, t6, 2f
    ld      a1, 16(sp)           /* argv[1]: parse decimal */
    li      t0, 0
1:  lbu     t1, 0(a1)
    beqz    t1, 2f
    addi    t1, t1, -48
    li      t2, 10
    mul     t0, t0, t2
    add     t0, t0, t1
    addi    a1, a1, 1
    j       1b
2:  li      a2, 0
    li      a3, 1
3:  add     a2, a2, a3           /* 8 instructions per iteration */
    xor     a3, a3, a2
    slli    a4, a2, 3
    srli    a5, a3, 5
    or      a4, a4, a5
    add     a3, a3, a4
    addi    t0, t0, -1
    bnez    t0, 3b
    andi    a0, a2, 0            /* exit status 0; a2 keeps the work alive */
    li      a7, 93
    ecall
