/* npz.h - NumPy .npz archives of float32 arrays, as numpy.savez writes them: a zip of .npy
 * files (npy.h), each entry stored uncompressed with its CRC-32. numpy.load(path)[name] reads
 * an array back. Depends on: npy, zlib (crc32), libc.
 *
 *     NpzWriter *z = npz_create("weights.npz", err, sizeof err);
 *     ok = npz_add(z, "L00.weight", w, shape, 4, err, sizeof err) && ...;  // entry L00.weight.npy
 *     ok = ok ? npz_close(z, err, sizeof err) : (npz_discard(z), false);
 *
 * No zip64: an archive is refused beyond 4 GiB or 65535 arrays (a net holds far less). The
 * entries carry a fixed date (1980-01-01), so the same arrays give the same bytes. */
#ifndef CONVSCOPE_NPZ_H
#define CONVSCOPE_NPZ_H

#include <stdbool.h>
#include <stddef.h>

#define NPZ_NAME_MAX 200 /* bytes of an array's name (without ".npy") */

typedef struct NpzWriter NpzWriter;

/* Creates the archive file at path; NULL with "PATH: why" in err. */
NpzWriter *npz_create(const char *path, char *err, size_t err_size);

/* Appends data (the product of shape[0..ndim) floats, C order) as the entry name + ".npy", a
 * '<f4' array (ndim 0: a scalar). false with "PATH: why" in err (a write error, a name that is
 * empty or too long, the zip limits); then only npz_discard remains to call. */
bool npz_add(NpzWriter *z, const char *name, const float *data, const long *shape, int ndim,
             char *err, size_t err_size);

/* Writes the zip's central directory, closes the file and frees z. false with "PATH: why" in
 * err when a write failed (the file is then removed). */
bool npz_close(NpzWriter *z, char *err, size_t err_size);

/* Closes and removes the file, frees z (after a failure). NULL is allowed. */
void npz_discard(NpzWriter *z);

#endif
