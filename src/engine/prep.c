/* prep.c - see prep.h. Legend: H height, W width; (y, x) row-major. */
#include "engine/prep.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Below this contrast between the border and the brightest pixel there is nothing to see. */
#define PREP_MIN_CONTRAST 0.05f
/* After stretching, pixels at or below this are background noise, not ink. */
#define PREP_INK 0.1f

/* One axis of prep_resample: dst[i*dstep] from src[j*sstep], n_dst and n_src samples. */
static void resample_line(float *dst, int n_dst, long dstep, const float *src, int n_src,
                          long sstep)
{
    double ratio = (double)n_src / n_dst; /* source pixels per destination pixel */
    for (int i = 0; i < n_dst; i++) {
        double acc = 0.0;
        if (n_dst < n_src) {
            /* shrinking: average the source over [i*ratio, (i+1)*ratio) */
            double lo = i * ratio, hi = (i + 1) * ratio;
            int j0 = (int)floor(lo), j1 = (int)ceil(hi);
            if (j1 > n_src)
                j1 = n_src;
            for (int j = j0; j < j1; j++) {
                double a = lo > j ? lo : j, b = hi < j + 1 ? hi : j + 1;
                if (b > a)
                    acc += (b - a) * src[j * sstep];
            }
            acc /= ratio;
        } else {
            /* enlarging: interpolate between the two nearest source pixel centres */
            double x = (i + 0.5) * ratio - 0.5;
            if (x < 0.0)
                x = 0.0;
            if (x > n_src - 1)
                x = n_src - 1;
            int j0 = (int)floor(x);
            int j1 = j0 + 1 < n_src ? j0 + 1 : j0;
            double f = x - j0;
            acc = (1.0 - f) * src[j0 * sstep] + f * src[j1 * sstep];
        }
        dst[i * dstep] = (float)acc;
    }
}

void prep_resample(float *dst, int dh, int dw, const float *src, int sh, int sw)
{
    assert(dh >= 1 && dw >= 1 && sh >= 1 && sw >= 1);
    float *tmp = malloc((size_t)sh * (size_t)dw * sizeof *tmp); /* (SH, DW) */
    assert(tmp);
    /* rows first, then columns: the filter is separable */
    for (int y = 0; y < sh; y++)
        resample_line(tmp + (long)y * dw, dw, 1, src + (long)y * sw, sw, 1);
    for (int x = 0; x < dw; x++)
        resample_line(dst + x, dh, dw, tmp + x, sh, dw);
    free(tmp);
}

static float border_mean(const float *img, int h, int w)
{
    double sum = 0.0;
    long n = 0;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
                sum += img[(long)y * w + x];
                n++;
            }
        }
    }
    return (float)(sum / (double)n);
}

void prep_mnist(float *out, const float *img, int h, int w, PrepInfo *info)
{
    assert(h >= 1 && w >= 1);
    PrepInfo local;
    PrepInfo *pi = info ? info : &local;
    memset(pi, 0, sizeof *pi);
    memset(out, 0, sizeof(float) * PREP_SIZE * PREP_SIZE);

    pi->background = border_mean(img, h, w);
    pi->inverted = pi->background > 0.5f;
    float bg = pi->inverted ? 1.0f - pi->background : pi->background;

    long hw = (long)h * w;
    float *ink = malloc((size_t)hw * sizeof *ink); /* (H, W) ink in [0, 1] */
    assert(ink);
    float mx = 0.0f;
    for (long k = 0; k < hw; k++) {
        ink[k] = pi->inverted ? 1.0f - img[k] : img[k];
        mx = ink[k] > mx ? ink[k] : mx;
    }
    if (mx - bg < PREP_MIN_CONTRAST) {
        pi->empty = true;
        free(ink);
        return;
    }
    /* stretch: the paper becomes 0, the darkest stroke 1 */
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            float v = (ink[(long)y * w + x] - bg) / (mx - bg);
            v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
            ink[(long)y * w + x] = v;
            if (v > PREP_INK) {
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
            }
        }
    }
    if (x1 < 0) {
        pi->empty = true;
        free(ink);
        return;
    }
    int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    pi->box_x = x0;
    pi->box_y = y0;
    pi->box_w = bw;
    pi->box_h = bh;

    /* the longer side becomes 20, the shorter keeps the aspect ratio */
    int longer = bw > bh ? bw : bh;
    int fw = (int)lround((double)bw * PREP_BOX / longer);
    int fh = (int)lround((double)bh * PREP_BOX / longer);
    fw = fw < 1 ? 1 : fw;
    fh = fh < 1 ? 1 : fh;
    pi->fit_w = fw;
    pi->fit_h = fh;

    float *crop = malloc((size_t)bw * (size_t)bh * sizeof *crop); /* (BH, BW) */
    float fit[PREP_BOX * PREP_BOX];                               /* (FH, FW) */
    assert(crop);
    for (int y = 0; y < bh; y++)
        memcpy(crop + (long)y * bw, ink + (long)(y0 + y) * w + x0, (size_t)bw * sizeof *crop);
    prep_resample(fit, fh, fw, crop, bh, bw);
    free(crop);
    free(ink);

    /* centre of mass of the fitted ink in pixel indices; MNIST puts it at index (14, 14),
     * half a pixel right of and below the geometric centre 13.5 */
    double mass = 0.0, my = 0.0, mxc = 0.0;
    for (int y = 0; y < fh; y++) {
        for (int x = 0; x < fw; x++) {
            double v = fit[y * fw + x];
            mass += v;
            my += v * y;
            mxc += v * x;
        }
    }
    double cy = mass > 0.0 ? my / mass : (fh - 1) / 2.0;
    double cx = mass > 0.0 ? mxc / mass : (fw - 1) / 2.0;
    int oy = (int)lround(PREP_SIZE / 2 - cy);
    int ox = (int)lround(PREP_SIZE / 2 - cx);
    /* keep the whole box in the field, even when its mass is far off-centre */
    oy = oy < 0 ? 0 : oy > PREP_SIZE - fh ? PREP_SIZE - fh : oy;
    ox = ox < 0 ? 0 : ox > PREP_SIZE - fw ? PREP_SIZE - fw : ox;
    pi->off_x = ox;
    pi->off_y = oy;
    for (int y = 0; y < fh; y++)
        for (int x = 0; x < fw; x++)
            out[(oy + y) * PREP_SIZE + ox + x] = fit[y * fw + x];
}
