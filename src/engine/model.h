/* model.h - model files (.cnn): a net's text, its trained weights and its running statistics,
 * with a version and CRC-32 checksums, written atomically. Depends on: net, zlib, POSIX
 * (fsync, rename).
 *
 * Layout (all integers little-endian), version 2:
 *   0  8 bytes  magic "CNNSCOPE"
 *   8  u32      format version (MODEL_VERSION)
 *  12  u32      T, bytes of net text
 *  16  u64      P, number of float32 parameters
 *  24  u32      S, number of float32 running statistics (Net.state; 0 without batchnorm)
 *  28  u32      CRC-32 (zlib crc32) of bytes 0..27, so a damaged length is named as such
 *  32  T bytes  the net text (as net_create reads it)
 *      P*4      the parameters, float32 little-endian, in Net.params order
 *      S*4      the running statistics, float32 little-endian, in Net.state order (each
 *               batchnorm layer's running mean (C), then its running variance (C))
 *      u32      CRC-32 of every byte before it
 * Version 1 (before batchnorm) is the same with bytes 24..27 reserved (0) and no statistics;
 * it is still read, unless its net text has a batchnorm (whose statistics it cannot hold).
 * Any other version is refused with the reason. */
#ifndef CONVSCOPE_MODEL_H
#define CONVSCOPE_MODEL_H

#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>

#define MODEL_VERSION     2 /* what model_save writes */
#define MODEL_VERSION_MIN 1 /* the oldest model_load reads */
#define MODEL_HEADER_SIZE 32

/* Writes net (text, params and running statistics) to path atomically: a temporary file in the same
 * directory, fflush + fsync, then rename over path. false with "PATH: why" in err. */
bool model_save(const Net *net, const char *path, char *err, size_t err_size);

/* Reads a model file into a new Net (gradients 0, evaluation mode). A damaged or truncated file
 * is refused with the reason: "PATH: checksum mismatch ...", "PATH: truncated at byte N ...",
 * an unknown version, a weight that is not finite, a negative running variance ... Free with
 * net_destroy. */
Net *model_load(const char *path, char *err, size_t err_size);

#endif
