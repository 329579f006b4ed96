/* net_int.h - what net.c, netparse.c and netrun.c share and nobody else sees (not part of
 * net.h). Depends on: nothing (libc). */
#ifndef CONVSCOPE_NET_INT_H
#define CONVSCOPE_NET_INT_H

#include <stddef.h>

/* Appends printf output to buf at *len (truncating safely). */
void net_append(char *buf, size_t size, size_t *len, const char *fmt, ...);

#endif
