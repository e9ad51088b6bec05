/*
 * JitBuf: the byte cursor host-code emitters write through.
 *
 * A JitBuf points into the writable view of the code buffer (see
 * code-buffer.h); the bytes land at `p`, and the code later runs from the
 * executable view at the same offset. Running past `end` sets `overflow`
 * and drops further bytes, so an emitter never checks room per instruction:
 * the caller checks once per block and retries in a fresh buffer.
 */
#ifndef POLYVM_JIT_BUF_H
#define POLYVM_JIT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct JitBuf {
    uint8_t *start;     /* first byte of this emission (writable view) */
    uint8_t *p;         /* next byte */
    uint8_t *end;       /* one past the last writable byte */
    uintptr_t exec_delta; /* executable address = writable address + delta */
    bool overflow;
} JitBuf;

static inline void jit_buf_init(JitBuf *b, uint8_t *start, size_t size, uintptr_t exec_delta)
{
    b->start = b->p = start;
    b->end = start + size;
    b->exec_delta = exec_delta;
    b->overflow = false;
}

static inline size_t jit_buf_offset(const JitBuf *b) { return (size_t)(b->p - b->start); }

/* The address the byte at writable pointer w will have when executed. */
static inline uintptr_t jit_buf_exec_addr(const JitBuf *b, const uint8_t *w)
{
    return (uintptr_t)w + b->exec_delta;
}

static inline void jit_emit_bytes(JitBuf *b, const void *src, size_t n)
{
    if ((size_t)(b->end - b->p) < n) {
        b->overflow = true;
        b->p = b->end;
        return;
    }
    memcpy(b->p, src, n);
    b->p += n;
}

static inline void jit_emit8(JitBuf *b, uint8_t v) { jit_emit_bytes(b, &v, 1); }
static inline void jit_emit32(JitBuf *b, uint32_t v) { jit_emit_bytes(b, &v, 4); }
static inline void jit_emit64(JitBuf *b, uint64_t v) { jit_emit_bytes(b, &v, 8); }

#endif
