/* cmd_common.h - small helpers shared by the train, eval and predict subcommands: option
 * values parsed strictly, whole text files read, JSON strings escaped, the bundled defaults
 * found. Depends on: engine (assets), libc. Every parser prints its own message to err. */
#ifndef CONVSCOPE_CMD_COMMON_H
#define CONVSCOPE_CMD_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* argv[*i] is an option that needs a value: returns argv[*i + 1] and advances *i, or prints
 * "convscope CMD: OPTION needs a value" and returns NULL. */
const char *cmd_value(FILE *err, const char *cmd, int argc, char **argv, int *i);
/* The whole decimal number s in [lo, hi] into *out; otherwise a message naming the option. */
bool cmd_parse_int(FILE *err, const char *cmd, const char *opt, const char *s, long lo, long hi,
                   long *out);
bool cmd_parse_u64(FILE *err, const char *cmd, const char *opt, const char *s, uint64_t *out);
/* A finite number s with lo <= value <= hi (lo_open: lo itself is refused). */
bool cmd_parse_float(FILE *err, const char *cmd, const char *opt, const char *s, double lo,
                     bool lo_open, double hi, float *out);

/* Reads the whole text file at path (NUL-terminated, at most max_bytes, no NUL inside); NULL
 * with "PATH: byte N: why" (or "PATH: why") in err_buf; what names the kind of file ("net
 * file") in messages. The caller frees. */
char *cmd_read_text(const char *path, const char *what, long max_bytes, char *err_buf,
                    size_t err_size);

/* Writes s to out as a JSON string, quotes included. */
void cmd_json_string(FILE *out, const char *s);

/* The bundled default: the path of rel under the asset roots (assets_path), written to out. */
void cmd_default_path(char *out, size_t size, const char *rel);

#endif
