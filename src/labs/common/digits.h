/* labs/common/digits.h - the bundled test digits (assets/digits) shared by the labs: loaded
 * once on first use, released with the last user, and the n-th digit of a class.
 * Depends on: engine (idx, assets). No SDL. */
#ifndef CONVSCOPE_LABS_COMMON_DIGITS_H
#define CONVSCOPE_LABS_COMMON_DIGITS_H

#include "engine/idx.h"

#include <stddef.h>

/* The bundled test digits (assets/digits, 2,000 images), loaded on first use and shared by
 * the labs; NULL with a message when they cannot be read. lsu_digits_release when done. */
const Dataset *lsu_digits_acquire(char *err, size_t err_size);
void lsu_digits_release(void);
/* The index of the n-th digit (n >= 0, wrapping) of class k in ds, or -1 if none. */
int lsu_digit_of_class(const Dataset *ds, int k, int n);

#endif
