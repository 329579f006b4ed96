/* kernels.h - the classic kernel presets and the lecture notes' worked-example inputs that the
 * Convolution, Pooling and Channels labs start from. Depends on: libc. No SDL; in the engine
 * so that the labs' models (which see the engine only) start from it.
 *
 * Every example here is data, never a result: the outputs the labs show come from the engine,
 * and tests compare those outputs with the numbers printed in the notes. */
#ifndef CONVSCOPE_KERNELS_H
#define CONVSCOPE_KERNELS_H

#include <stdbool.h>

/* The largest kernel side the labs allow (kernel size 1-11). */
#define KERNELS_MAX_SIDE 11

typedef enum KernelsPreset {
    KERNELS_IDENTITY,  /* 1 at the centre: the output copies the input */
    KERNELS_BOX,       /* the notes' box filter: every weight 1/(KH*KW), 1/9 at 3x3 */
    KERNELS_GAUSSIAN,  /* the notes' 5x5 integer Gaussian, divided by its sum 56 */
    KERNELS_SHARPEN,   /* [0 -1 0; -1 5 -1; 0 -1 0] */
    KERNELS_SOBEL_X,   /* [1 0 -1; 2 0 -2; 1 0 -1]: vertical edges */
    KERNELS_SOBEL_Y,   /* [1 2 1; 0 0 0; -1 -2 -1]: horizontal edges */
    KERNELS_LAPLACIAN, /* [0 1 0; 1 -4 1; 0 1 0] */
    KERNELS_EMBOSS,    /* [-2 -1 0; -1 1 1; 0 1 2] */
    KERNELS_PRESET_COUNT
} KernelsPreset;

/* The preset's short name ("identity", "box", "gaussian", "sharpen", "sobel-x", "sobel-y",
 * "laplacian", "emboss"), as lessons and `render --lab ... preset=` spell it. */
const char *kernels_preset_name(KernelsPreset p);
/* The preset's label for a button ("Sobel x", "Box 1/9", ...). */
const char *kernels_preset_label(KernelsPreset p);
/* Looks a preset up by its short name (case-insensitive, '_' or '-' alike); false if none. */
bool kernels_preset_find(const char *name, KernelsPreset *p);

/* Writes the preset into w (KH, KW) and its size into *kh, *kw. Identity and box take the
 * requested size (want_kh, want_kw, each 1..KERNELS_MAX_SIDE); the others have a fixed size
 * (the Gaussian 5x5, the rest 3x3), which they return whatever was asked. */
void kernels_preset_fill(KernelsPreset p, int want_kh, int want_kw, float *w, int *kh, int *kw);

/* The notes' worked examples, each an input (and, where the notes give one, its kernel). */
typedef enum KernelsExample {
    KERNELS_EX_GRID3,    /* 3x3 input 0..8 with the 2x2 kernel [0 1; 2 3] -> 19 25 37 43 */
    KERNELS_EX_NINETIES, /* the 10x10 image of 90s smoothed by the 3x3 box filter */
    KERNELS_EX_POOL4,    /* the 4x4 map pooled 2x2, stride 2 -> max [7 3; 9 3], avg [3 1; 4 2] */
    KERNELS_EX_RGB5,     /* the 5x5x3 input, two 3x3x3 filters, pad 1, stride 2 -> 3x3x2 */
    KERNELS_EX_SIGNAL,   /* a 1-D signal S1..S8 and a 3-tap filter W1 W2 W3 */
    KERNELS_EXAMPLE_COUNT
} KernelsExample;

typedef struct KernelsExampleData {
    const char *name;  /* short name: "grid3", "nineties", "pool4", "rgb5", "signal" */
    const char *label; /* what a button says */
    int c, h, w;       /* input shape */
    const float *x;    /* (C, H, W), static storage */
    int o, kh, kw;     /* kernel shape (o = 0 when the example has no kernel) */
    const float *k;    /* (O, C, KH, KW) or NULL */
    const float *b;    /* (O) or NULL */
    int stride, pad;   /* the example's stride and (symmetric) padding */
} KernelsExampleData;

/* The example's data (static storage, never NULL for a valid id). */
const KernelsExampleData *kernels_example(KernelsExample e);
/* Looks an example up by its short name; false if none. */
bool kernels_example_find(const char *name, KernelsExample *e);

#endif
