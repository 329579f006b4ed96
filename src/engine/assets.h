/* assets.h - where the bundled files (fonts, digits, nets, lessons) live.
 * Depends on: libc. Search order: $CONVSCOPE_ROOT, the current directory, then the source
 * tree the program was built from. */
#ifndef CONVSCOPE_ASSETS_H
#define CONVSCOPE_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

/* Writes into out the path of rel (e.g. "assets/nets/lenet-tiny.net") under the first root
 * where it exists; returns false (and the source-tree path) when none has it. */
bool assets_path(char *out, size_t out_size, const char *rel);

#endif
