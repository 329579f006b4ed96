/* labs/common/options.h - the labs' option values parsed from text (render --KEY VALUE, a
 * lesson's set commands): integer lists, numbers and on/off, each failing with a message that
 * names the key and the value. Depends on: libc. No SDL, no engine: models could use it. */
#ifndef CONVSCOPE_LABS_COMMON_OPTIONS_H
#define CONVSCOPE_LABS_COMMON_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* Parses 1..max comma-separated integers ("3", "3,5", "1,1,2,2") into v, each in [lo, hi].
 * Returns how many, or 0 with a message naming key and value in err. */
int lsu_parse_ints(const char *key, const char *value, int *v, int max, int lo, int hi, char *err,
                   size_t err_size);
/* Parses a float; false with a message naming key and value. */
bool lsu_parse_float(const char *key, const char *value, float *v, char *err, size_t err_size);
/* "on"/"off"/"1"/"0"/"true"/"false"/"yes"/"no"; false with a message when none of these. */
bool lsu_parse_bool(const char *key, const char *value, bool *v, char *err, size_t err_size);

#endif
