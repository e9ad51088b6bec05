/*
 * Raw image block backend: a plain file (or host block device) whose bytes
 * are the disk's bytes. Synchronous: preadv/pwritev with short-I/O loops,
 * flush = fdatasync, discard = hole punching, write-zeroes = fallocate.
 * The file gets an advisory OFD lock (shared when read-only, exclusive when
 * read-write), so two polyvm instances cannot write one image at once.
 *
 * Use: char err[256]; BlockBackend *be;
 *      if (block_raw_open("disk.img", false, &be, err, sizeof err) < 0)
 *          fprintf(stderr, "%s\n", err);      // "disk.img: cannot open: No such file or directory"
 *      ... block_backend_close(be);
 */
#ifndef POLYVM_BLOCK_RAW_H
#define POLYVM_BLOCK_RAW_H

#include <stdbool.h>
#include <stddef.h>

#include "block-backend.h"

/* 0 and *out, or a negative errno with err naming the file and the cause. */
int block_raw_open(const char *path, bool read_only, BlockBackend **out, char *err, size_t errlen);

#endif
