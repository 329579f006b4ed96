/* kernels.c - the classic kernel presets and the notes' worked-example inputs. */
#include "engine/kernels.h"

#include <assert.h>
#include <ctype.h>
#include <stddef.h>

typedef struct PresetInfo {
    const char *name;
    const char *label;
    int kh, kw;         /* 0: takes the requested size */
    float scale;        /* the weights are table * scale */
    const float *table; /* (KH, KW) or NULL for identity/box */
} PresetInfo;

// clang-format off
/* The notes' Gaussian exactly as printed (lecture 001, "The Gaussian Filter"), including its
 * fourth row 1 3 5 3 1, which differs from the second row 1 3 4 3 1. Its entries sum to 56;
 * dividing by the sum keeps the image's brightness, as a smoothing filter should. */
static const float gaussian5[25] = {
    0, 1, 2, 1, 0, //
    1, 3, 4, 3, 1, //
    2, 5, 9, 5, 2, //
    1, 3, 5, 3, 1, //
    0, 1, 2, 1, 0,
};
static const float sharpen3[9] = {0, -1, 0, -1, 5, -1, 0, -1, 0};
/* Cross-correlation with [1 0 -1] rises where the image gets darker to the right: the
 * textbook Sobel Gx, which is written for a true (flipped) convolution. */
static const float sobel_x3[9] = {1, 0, -1, 2, 0, -2, 1, 0, -1};
static const float sobel_y3[9] = {1, 2, 1, 0, 0, 0, -1, -2, -1};
static const float laplacian3[9] = {0, 1, 0, 1, -4, 1, 0, 1, 0};
static const float emboss3[9] = {-2, -1, 0, -1, 1, 1, 0, 1, 2};

static const PresetInfo presets[KERNELS_PRESET_COUNT] = {
    [KERNELS_IDENTITY] = {"identity", "Identity", 0, 0, 1.0f, NULL},
    [KERNELS_BOX] = {"box", "Box 1/n", 0, 0, 1.0f, NULL},
    [KERNELS_GAUSSIAN] = {"gaussian", "Gaussian 5\xC3\x97" "5", 5, 5, 1.0f / 56.0f, gaussian5},
    [KERNELS_SHARPEN] = {"sharpen", "Sharpen", 3, 3, 1.0f, sharpen3},
    [KERNELS_SOBEL_X] = {"sobel-x", "Sobel x", 3, 3, 1.0f, sobel_x3},
    [KERNELS_SOBEL_Y] = {"sobel-y", "Sobel y", 3, 3, 1.0f, sobel_y3},
    [KERNELS_LAPLACIAN] = {"laplacian", "Laplacian", 3, 3, 1.0f, laplacian3},
    [KERNELS_EMBOSS] = {"emboss", "Emboss", 3, 3, 1.0f, emboss3},
};

// clang-format on

const char *kernels_preset_name(KernelsPreset p)
{
    assert(p >= 0 && p < KERNELS_PRESET_COUNT);
    return presets[p].name;
}

const char *kernels_preset_label(KernelsPreset p)
{
    assert(p >= 0 && p < KERNELS_PRESET_COUNT);
    return presets[p].label;
}

/* Case-insensitive compare that treats '_' and '-' alike, so "sobel_x" finds "sobel-x". */
static bool name_equal(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca == '_')
            ca = '-';
        if (cb == '_')
            cb = '-';
        if (ca != cb)
            return false;
        if (ca == 0)
            return true;
    }
}

bool kernels_preset_find(const char *name, KernelsPreset *p)
{
    for (int i = 0; i < KERNELS_PRESET_COUNT; i++) {
        if (name_equal(name, presets[i].name)) {
            *p = (KernelsPreset)i;
            return true;
        }
    }
    if (name_equal(name, "sobelx")) {
        *p = KERNELS_SOBEL_X;
        return true;
    }
    if (name_equal(name, "sobely")) {
        *p = KERNELS_SOBEL_Y;
        return true;
    }
    return false;
}

void kernels_preset_fill(KernelsPreset p, int want_kh, int want_kw, float *w, int *kh, int *kw)
{
    assert(p >= 0 && p < KERNELS_PRESET_COUNT);
    assert(want_kh >= 1 && want_kh <= KERNELS_MAX_SIDE && want_kw >= 1 &&
           want_kw <= KERNELS_MAX_SIDE);
    const PresetInfo *info = &presets[p];
    if (info->table) {
        *kh = info->kh;
        *kw = info->kw;
        for (int i = 0; i < info->kh * info->kw; i++)
            w[i] = info->table[i] * info->scale;
        return;
    }
    *kh = want_kh;
    *kw = want_kw;
    int n = want_kh * want_kw;
    for (int i = 0; i < n; i++)
        w[i] = p == KERNELS_BOX ? 1.0f / (float)n : 0.0f;
    if (p == KERNELS_IDENTITY) {
        /* An even side has no centre; the cell just above-left of it keeps the output
         * aligned with PyTorch's padding = (k-1)/2 convention. */
        w[((want_kh - 1) / 2) * want_kw + (want_kw - 1) / 2] = 1.0f;
    }
}

// clang-format off
/* Lecture 002, "Convolution Operation": the input 0..8 and the 2x2 kernel 0..3, stride 1. */
static const float grid3_x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
static const float grid3_k[4] = {0, 1, 2, 3};

/* Lecture 001, "Moving average in 2D": the 10x10 image of 90s with one dark hole and one
 * stray bright pixel, smoothed by the 3x3 box filter (the notes print the 8x8 result). */
static const float nineties_x[100] = {
    0, 0, 0,  0,  0,  0,  0,  0,  0, 0, //
    0, 0, 0,  0,  0,  0,  0,  0,  0, 0, //
    0, 0, 0,  90, 90, 90, 90, 90, 0, 0, //
    0, 0, 0,  90, 90, 90, 90, 90, 0, 0, //
    0, 0, 0,  90, 90, 90, 90, 90, 0, 0, //
    0, 0, 0,  90, 0,  90, 90, 90, 0, 0, //
    0, 0, 0,  90, 90, 90, 90, 90, 0, 0, //
    0, 0, 0,  0,  0,  0,  0,  0,  0, 0, //
    0, 0, 90, 0,  0,  0,  0,  0,  0, 0, //
    0, 0, 0,  0,  0,  0,  0,  0,  0, 0,
};
static const float box3_k[9] = {1.0f / 9.0f, 1.0f / 9.0f, 1.0f / 9.0f, 1.0f / 9.0f, 1.0f / 9.0f,
                                1.0f / 9.0f, 1.0f / 9.0f, 1.0f / 9.0f, 1.0f / 9.0f};

/* Lecture 002, "Pooling Layers": the 4x4 convolved feature, 2x2 windows, stride 2. */
static const float pool4_x[16] = {3, 2, 0, 0, 0, 7, 1, 3, 5, 2, 3, 0, 0, 9, 2, 3};

/* Lecture 000's RGB example: a 5x5x3 input, zero padding 1, two 3x3x3 filters W0 and W1 with
 * biases 1 and 0, stride 2, giving 3x3x2. The notes print only W0's first outputs (9, then 1
 * after the stride-2 move, then 3); the matrices themselves are in a picture. These numbers
 * are ours (inputs 0..2, weights -1..1), chosen so the first row of W0's map is 9 1 3. */
static const float rgb5_x[75] = {
    /* R */
    2, 1, 0, 0, 1, //
    1, 2, 0, 0, 0, //
    1, 0, 1, 0, 1, //
    1, 1, 0, 0, 0, //
    2, 1, 0, 0, 0, //
    /* G */
    2, 2, 2, 1, 0, //
    2, 0, 1, 1, 2, //
    0, 1, 0, 2, 1, //
    0, 2, 0, 1, 2, //
    2, 1, 0, 0, 1, //
    /* B */
    1, 2, 2, 1, 1, //
    0, 0, 1, 0, 2, //
    0, 0, 0, 0, 0, //
    1, 1, 0, 1, 0, //
    2, 2, 1, 0, 1,
};
static const float rgb5_k[54] = {
    /* W0: R, G, B planes */
    1, 1, -1, 1, 1, 1, 0, 1, 1,  //
    1, 0, -1, -1, 0, 1, 1, 0, 1, //
    1, -1, 1, -1, 0, 0, 0, 1, 0, //
    /* W1 */
    0, 0, 1, 1, 0, -1, -1, -1, 1,    //
    1, 1, 1, -1, -1, 1, -1, -1, -1, //
    0, 0, 1, 0, 1, 1, 1, -1, 1,
};
static const float rgb5_b[2] = {1, 0};

/* Lecture 000's 1-D layer: a signal S1..S8 and one neuron's 3 shared weights W1 W2 W3, so
 * S1*W1 + S2*W2 + S3*W3 = O1. The notes keep the numbers symbolic; these are ours. */
static const float signal_x[8] = {1, 3, 2, 5, 4, 1, 0, 2};
static const float signal_k[3] = {1, 2, -1};

static const KernelsExampleData examples[KERNELS_EXAMPLE_COUNT] = {
    [KERNELS_EX_GRID3] = {"grid3", "3\xC3\x97" "3 input 0..8, 2\xC3\x97" "2 kernel", 1, 3, 3,
                          grid3_x, 1, 2, 2, grid3_k, NULL, 1, 0},
    [KERNELS_EX_NINETIES] = {"nineties", "10\xC3\x97" "10 image of 90s, box 1/9", 1, 10, 10,
                             nineties_x, 1, 3, 3, box3_k, NULL, 1, 0},
    [KERNELS_EX_POOL4] = {"pool4", "4\xC3\x97" "4 feature map", 1, 4, 4, pool4_x, 0, 2, 2, NULL,
                          NULL, 2, 0},
    [KERNELS_EX_RGB5] = {"rgb5", "5\xC3\x97" "5\xC3\x97" "3 input, W0 and W1", 3, 5, 5, rgb5_x, 2,
                         3, 3, rgb5_k, rgb5_b, 2, 1},
    [KERNELS_EX_SIGNAL] = {"signal", "1-D signal, 3-tap filter", 1, 1, 8, signal_x, 1, 1, 3,
                           signal_k, NULL, 1, 0},
};

// clang-format on

const KernelsExampleData *kernels_example(KernelsExample e)
{
    assert(e >= 0 && e < KERNELS_EXAMPLE_COUNT);
    return &examples[e];
}

bool kernels_example_find(const char *name, KernelsExample *e)
{
    for (int i = 0; i < KERNELS_EXAMPLE_COUNT; i++) {
        if (name_equal(name, examples[i].name)) {
            *e = (KernelsExample)i;
            return true;
        }
    }
    return false;
}
