/* imgfile.h - pictures from files into float buffers: PNG, JPEG and BMP through SDL2_image,
 * and the Netpbm formats PGM/PPM (P2, P3, P5, P6) by our own parser, so their mistakes can
 * be reported to the byte. Depends on: engine (prep), SDL2, SDL2_image.
 *
 * Legend: H height, W width. Values are intensities in [0, 1]; colour becomes luminance
 * Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601); a transparent pixel counts as white paper,
 * as it shows in a browser. */
#ifndef CONVSCOPE_IMGFILE_H
#define CONVSCOPE_IMGFILE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ImageFile {
    int h, w;
    float *gray; /* (H, W) luminance */
    float *rgb;  /* (3, H, W) the colour planes (equal to gray for a grey picture) */
} ImageFile;

/* Decodes the file at path. On failure returns false, leaves *out empty and writes
 * `path: byte N: what is wrong` (PGM/PPM) or `path: why` (other formats) into err.
 * libpng's own "libpng error/warning" lines are kept off stderr while SDL_image decodes
 * (fd 2 is pointed at a temporary file for that time, one caller at a time): an error's text
 * ends err, "... (libpng error: IDAT: CRC error)"; other lines written meanwhile are passed
 * on to stderr afterwards. */
bool imgfile_load(const char *path, ImageFile *out, char *err, size_t err_size);

/* Parses a PGM/PPM held in memory (n bytes); name is used in messages. */
bool imgfile_parse_pnm(const unsigned char *data, size_t n, const char *name, ImageFile *out,
                       char *err, size_t err_size);

void imgfile_free(ImageFile *img);

/* Fills in (C, H, W), a net's input, from the file at path: for one channel the picture is
 * made MNIST-like by prep_mnist (28x28, then resampled when the net wants another size); for
 * three channels the colour planes are resampled to H x W. Returns false with a message when
 * the file cannot be read or c is not 1 or 3. */
bool imgfile_load_input(const char *path, float *in, int c, int h, int w, char *err,
                        size_t err_size);

#endif
