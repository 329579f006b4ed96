/* options.c - option values parsed from text (see options.h). */
#include "labs/common/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

int lsu_parse_ints(const char *key, const char *value, int *v, int max, int lo, int hi, char *err,
                   size_t err_size)
{
    int n = 0;
    const char *p = value;
    while (*p) {
        char *end = NULL;
        errno = 0;
        long x = strtol(p, &end, 10);
        if (end == p || errno != 0 || n >= max || x < lo || x > hi) {
            snprintf(err, err_size, "%s=%s: expected %s%d integer%s in %d..%d", key, value,
                     max > 1 ? "1 to " : "", max, max > 1 ? "s (comma-separated)" : "", lo, hi);
            return 0;
        }
        v[n++] = (int)x;
        p = end;
        if (*p == ',')
            p++;
        else if (*p) {
            snprintf(err, err_size, "%s=%s: unexpected '%c'", key, value, *p);
            return 0;
        }
    }
    if (n == 0)
        snprintf(err, err_size, "%s: missing value", key);
    return n;
}

bool lsu_parse_float(const char *key, const char *value, float *v, char *err, size_t err_size)
{
    char *end = NULL;
    errno = 0;
    float x = strtof(value, &end);
    if (end == value || *end || errno != 0 || x != x) {
        snprintf(err, err_size, "%s=%s: expected a number", key, value);
        return false;
    }
    *v = x;
    return true;
}

bool lsu_parse_bool(const char *key, const char *value, bool *v, char *err, size_t err_size)
{
    static const char *const yes[] = {"on", "1", "true", "yes"};
    static const char *const no[] = {"off", "0", "false", "no"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *v = true;
            return true;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *v = false;
            return true;
        }
    }
    snprintf(err, err_size, "%s=%s: expected on or off", key, value);
    return false;
}
