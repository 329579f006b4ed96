/* labs/common/picture.h - a picture file as a lab's input: read (PNG, JPEG, BMP, PGM/PPM) and
 * made MNIST-like at 28x28, with the file's name for titles. Depends on: viz (imgfile). */
#ifndef CONVSCOPE_LABS_COMMON_PICTURE_H
#define CONVSCOPE_LABS_COMMON_PICTURE_H

#include <stdbool.h>
#include <stddef.h>

/* Reads the picture at path into img (28, 28) in [0, 1] and its name after the last '/' into
 * name; false with a message naming the file (img and name untouched). */
bool lsu_picture_load(const char *path, float *img /* (28, 28) */, char *name, size_t name_size,
                      char *err, size_t err_size);

#endif
