/* assets.c - see assets.h. */
#include "engine/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static bool try_root(char *out, size_t out_size, const char *root, const char *rel)
{
    if (!root || !root[0])
        return false;
    snprintf(out, out_size, "%s/%s", root, rel);
    return access(out, F_OK) == 0;
}

bool assets_path(char *out, size_t out_size, const char *rel)
{
    if (try_root(out, out_size, getenv("CONVSCOPE_ROOT"), rel))
        return true;
    if (access(rel, F_OK) == 0) {
        snprintf(out, out_size, "%s", rel);
        return true;
    }
    return try_root(out, out_size, CONVSCOPE_SOURCE_ROOT, rel);
}
