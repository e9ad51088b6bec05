/*
 * SiFive test finisher (see sifive-test.h). The low 16 bits of a write pick
 * the action and the high 16 carry a failure code; narrower writes than 16
 * bits cannot hold a command and are ignored.
 */
#include <stdlib.h>

#include "devices/misc/sifive-test.h"
#include "polyvm/log.h"

struct SifiveTest {
    SifiveTestHandler *handler;
    void *opaque;
};

static uint64_t test_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return 0;
}

static void test_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    SifiveTest *t = opaque;
    if (offset != 0 || size < 2) {
        log_printf(LOG_UNIMP, "sifive-test: write of offset 0x%llx size %u\n",
                   (unsigned long long)offset, size);
        return;
    }
    uint32_t command = (uint32_t)value & 0xffff;
    uint32_t code = size >= 4 ? (uint32_t)(value >> 16) & 0xffff : 0;
    switch (command) {
#define X(name, val, help) case SIFIVE_TEST_##name:
        SIFIVE_TEST_EVENTS(X)
#undef X
        if (t->handler)
            t->handler(t->opaque, (SifiveTestEvent)command, command == SIFIVE_TEST_FAIL ? code : 0);
        break;
    default:
        log_printf(LOG_UNIMP, "sifive-test: unknown command 0x%x\n", (unsigned)value);
        break;
    }
}

const DeviceMmioOps sifive_test_mmio_ops = {
    .read = test_read,
    .write = test_write,
};

SifiveTest *sifive_test_new(SifiveTestHandler *handler, void *opaque)
{
    SifiveTest *t = calloc(1, sizeof(*t));
    if (t) {
        t->handler = handler;
        t->opaque = opaque;
    }
    return t;
}

void sifive_test_free(SifiveTest *t)
{
    free(t);
}
