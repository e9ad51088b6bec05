/*
 * Runtime log mask and destination for `-d` / `-D` (see polyvm/log.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "polyvm/log.h"

unsigned log_mask;
static FILE *log_out;

static const struct {
    const char *name;
    const char *help;
} items[LOG_ITEM_COUNT] = {
#define X(id, name, help) [LOG_##id] = {name, help},
    LOG_ITEMS(X)
#undef X
};

FILE *log_file(void) { return log_out ? log_out : stderr; }

void log_print_items(FILE *out)
{
    fprintf(out, "Log items (-d item[,item...]):\n");
    for (unsigned i = 0; i < LOG_ITEM_COUNT; i++)
        fprintf(out, "  %-8s %s\n", items[i].name, items[i].help);
}

bool log_parse_mask(const char *list, unsigned *mask)
{
    unsigned m = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        bool found = false;
        for (unsigned i = 0; i < LOG_ITEM_COUNT; i++) {
            if (strlen(items[i].name) == len && strncmp(items[i].name, p, len) == 0) {
                m |= 1u << i;
                found = true;
            }
        }
        if (!found) {
            fprintf(stderr, "polyvm: unknown log item '%.*s' (try -d help)\n", (int)len, p);
            return false;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *mask = m;
    return true;
}

bool log_set_file(const char *path)
{
    FILE *f = fopen(path, "we");
    if (!f) {
        fprintf(stderr, "polyvm: cannot open log file '%s': %s\n", path, strerror(errno));
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    log_out = f;
    return true;
}

void log_printf(LogItem item, const char *fmt, ...)
{
    if (!log_enabled(item))
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file(), fmt, ap);
    va_end(ap);
}
