/*
 * The JIT's code buffer: one region of host memory mapped twice, once
 * read+write (where emitters write and chains are patched) and once
 * read+execute (where the code runs), so no mapping is ever writable and
 * executable at once (W^X) and nothing flips permissions at run time.
 * Both views share one memfd; docs/jit.md explains the choice.
 *
 * Allocation is a bump pointer: blocks are emitted one after another and
 * the whole buffer is reset when it fills (the translated-block cache is
 * flushed with it). Use: code_buffer_init(), code_buffer_begin() to get a
 * JitBuf at the free space, emit, code_buffer_commit() with what was used.
 */
#ifndef POLYVM_CODE_BUFFER_H
#define POLYVM_CODE_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/jit/jit-buf.h"

typedef struct CodeBuffer {
    uint8_t *rw;          /* writable view */
    uint8_t *rx;          /* executable view */
    size_t size;
    size_t used;          /* bytes allocated from the start */
    size_t reserved;      /* bytes at the start kept across resets (entry code) */
} CodeBuffer;

/* Maps size bytes twice; 0 or a negative errno. */
int code_buffer_init(CodeBuffer *cb, size_t size);
void code_buffer_destroy(CodeBuffer *cb);
/* A JitBuf over the free space, aligned to 16 bytes. */
void code_buffer_begin(CodeBuffer *cb, JitBuf *b);
/* Takes the bytes b emitted; returns the executable address of the first. */
uintptr_t code_buffer_commit(CodeBuffer *cb, const JitBuf *b);
/* Frees everything after the reserved prefix. */
void code_buffer_reset(CodeBuffer *cb);
/* Marks what is allocated so far as the reserved prefix. */
static inline void code_buffer_reserve_prefix(CodeBuffer *cb) { cb->reserved = cb->used; }
static inline bool code_buffer_contains(const CodeBuffer *cb, uintptr_t exec_addr)
{
    return exec_addr - (uintptr_t)cb->rx < cb->used;
}
/* the writable alias of an executable address inside the buffer */
static inline uint8_t *code_buffer_rw(const CodeBuffer *cb, uintptr_t exec_addr)
{
    return cb->rw + (exec_addr - (uintptr_t)cb->rx);
}

#endif
