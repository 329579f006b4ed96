/* imgfile.h - pictures from files into float buffers: PNG, JPEG and BMP through SDL2_image,
 * and the Netpbm formats PGM/PPM (P2, P3, P5, P6) by our own parser, so their mistakes can
 * be reported to the byte. Depends on: engine (prep), SDL2, SDL2_image.
 *
 * Legend: H height, W width. Values are intensities in [0, 1]; colour becomes luminance
 * Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601); a transparent pixel counts as white paper,
 * as it shows in a browser.
 *
 * Limits, checked BEFORE anything is decoded: the file at most IMG_MAX_FILE bytes; the size
 * the picture's header states (PNG's IHDR, JPEG's frame header SOFn, BMP's info header, the
 * PGM/PPM header) at most IMG_MAX_SIDE pixels a side and IMG_MAX_PIXELS in all. Decoding then
 * takes about 24 bytes a pixel at its peak (SDL's surface, its RGBA copy and our float planes),
 * so about 400 MB at the limit. Only PNG, JPEG and BMP reach SDL2_image (recognised by their
 * magic bytes, each by its own loader); every other format it could read is refused, so no
 * picture is decoded whose size was not read first. */
#ifndef CONVSCOPE_IMGFILE_H
#define CONVSCOPE_IMGFILE_H

#include <stdbool.h>
#include <stddef.h>

#define IMG_MAX_SIDE   16384
#define IMG_MAX_PIXELS (4096L * 4096) /* 16.8 megapixels: a 12 MP phone photo fits */
#define IMG_MAX_FILE   (256L * 1024 * 1024)

typedef enum ImageFormat {
    IMG_FORMAT_PNG,
    IMG_FORMAT_JPEG,
    IMG_FORMAT_BMP,
    IMG_FORMAT_PNM,
} ImageFormat;

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

/* Decodes a picture held in memory (n bytes): the format by its magic bytes, the size from its
 * header checked against the limits, then the decode. name is used in messages. */
bool imgfile_decode(const unsigned char *data, size_t n, const char *name, ImageFile *out,
                    char *err, size_t err_size);

/* Reads a PNG, JPEG, BMP or PGM/PPM header (n bytes) without decoding: its format, width and
 * height, within the limits. false with `name: byte N: what is wrong` (the byte of the size
 * field for a picture too large) or `name: not a picture we can read ...`. */
bool imgfile_probe(const unsigned char *data, size_t n, const char *name, ImageFormat *format,
                   long *w, long *h, char *err, size_t err_size);

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
/* The same from a picture already decoded; name is used in messages. */
bool imgfile_to_input(const ImageFile *img, float *in, int c, int h, int w, const char *name,
                      char *err, size_t err_size);

#endif
