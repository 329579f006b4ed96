/* prep.h - turn an arbitrary grayscale picture into an MNIST-like input, the way the MNIST
 * digits themselves were made (LeCun et al.): ink bright on a dark background, the ink's
 * bounding box fitted into 20x20 keeping its aspect ratio, then placed in a 28x28 field so
 * that its centre of mass sits at the centre. Depends on: libc, libm.
 *
 * Legend: H height, W width of the source picture; values are intensities in [0, 1]. */
#ifndef CONVSCOPE_PREP_H
#define CONVSCOPE_PREP_H

#include <stdbool.h>

#define PREP_SIZE 28 /* the output field */
#define PREP_BOX  20 /* the box the ink is fitted into */

typedef struct PrepInfo {
    bool inverted;    /* the border was light, so the picture was inverted */
    bool empty;       /* no ink found: the output is all zeros */
    float background; /* mean of the border before inversion */
    int box_x, box_y; /* the ink's bounding box in the source (after inversion) */
    int box_w, box_h;
    int fit_w, fit_h; /* its size once fitted into 20x20 */
    int off_x, off_y; /* where the fitted box was placed in the 28x28 field */
} PrepInfo;

/* out (28, 28) = the MNIST-like version of img (H, W), values in [0, 1]:
 *  1. invert when the mean of the one-pixel border is above 0.5 (dark ink on light paper);
 *  2. stretch so the border level becomes 0 and the brightest pixel 1;
 *  3. crop to the bounding box of the pixels above 0.1 (faint noise is not ink);
 *  4. resample it so its longer side is 20 (area average when shrinking, bilinear when
 *     enlarging), keeping the aspect ratio;
 *  5. place it in 28x28 with its centre of mass (in pixel indices) at row 14, column 14, as
 *     in MNIST, rounded to whole pixels and kept inside the field.
 * info may be NULL. An image without ink gives zeros and info->empty. h, w >= 1. */
void prep_mnist(float *out, const float *img, int h, int w, PrepInfo *info);

/* dst (DH, DW) = src (SH, SW) resampled over the same extent: each destination pixel is the
 * average of the source area it covers when shrinking, bilinear interpolation between pixel
 * centres when enlarging (per axis). */
void prep_resample(float *dst, int dh, int dw, const float *src, int sh, int sw);

#endif
