/*
 * Constants shared by crt.S and the C runtime (bm.h): trap frame size and
 * the a7 values of the runtime's own ecalls, chosen so no test ecall
 * (which sets a7 = 0) can be mistaken for them.
 */
#ifndef BM_ASM_H
#define BM_ASM_H

#define BM_FRAME_SIZE 256
/* ecall a7 = this, a0 = value: leave the mode run_in() entered. */
#define BM_MAGIC_RETURN 0x7e7
/* ecall from S: M clears mip.STIP (what an SBI set_timer call does). */
#define BM_MAGIC_CLEAR_STIP 0x7e8
/* ecall from S: M sets mip.STIP. */
#define BM_MAGIC_SET_STIP 0x7e9

#endif
