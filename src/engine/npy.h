/* npy.h - NumPy .npy files: a writer (format 1.0, little-endian float32 '<f4', C order) and a
 * reader that validates the header and reports byte offsets. Depends on: libc. */
#ifndef CONVSCOPE_NPY_H
#define CONVSCOPE_NPY_H

#include <stdbool.h>
#include <stddef.h>

#define NPY_MAX_DIMS  8
#define NPY_MAX_ELEMS 268435456L /* 1 GiB of float32: larger arrays are refused */

/* The longest header npy_header writes (magic, version, length and the padded dict). */
#define NPY_HEADER_MAX 640

/* The .npy v1.0 header of a '<f4' array of shape[0..ndim), as npy_write starts the file: magic,
 * version, header length and the dict padded to a multiple of 64 bytes, into buf (at least
 * NPY_HEADER_MAX bytes). Returns its length; the array's bytes follow it. */
size_t npy_header(unsigned char *buf, const long *shape, int ndim);
/* out[0..4n) = data[0..n) as little-endian float32, whatever the host's byte order. */
void npy_pack_f32(unsigned char *out, const float *data, size_t n);

/* Writes data (the product of shape[0..ndim) floats, C order) to path as .npy v1.0 '<f4'.
 * ndim 0 writes a scalar. false with "PATH: why" in err. */
bool npy_write(const char *path, const float *data, const long *shape, int ndim, char *err,
               size_t err_size);

/* Reads a .npy file (v1.0, 2.0 or 3.0) of '<f4', '<f8', '|u1', '<i4' or '<i8', as float,
 * C order only. Returns malloc'd data (free()); *ndim and shape[0..*ndim) receive the shape.
 * NULL with "PATH: byte N: what is wrong" in err. */
float *npy_read(const char *path, long *shape, int *ndim, char *err, size_t err_size);

#endif
