/* labs/pool/model.h - the Pooling lab's scene without any drawing: the input (the notes' 4x4
 * map, a digit's three edge maps made by conv and ReLU, the digit, an editable matrix, a
 * picture), the window and stride, every output cell and its argmax asked of the engine
 * (pool_cell) on every channel, and the text the lab writes: the arithmetic of a cell, the
 * size formulas, the titles. Depends on: engine (pool, conv, act, sweep, kernels, idx). */
#ifndef CONVSCOPE_LAB_POOL_MODEL_H
#define CONVSCOPE_LAB_POOL_MODEL_H

#include "engine/idx.h"
#include "engine/pool.h"
#include "engine/sweep.h"

#include <stdbool.h>
#include <stddef.h>

#define POOLLAB_MAX_CH  3
#define POOLLAB_MAX_IN  28
#define POOLLAB_MAX_WIN 6

typedef enum PoolSource {
    POOL_SRC_NOTES,  /* the notes' 4x4 feature map */
    POOL_SRC_MAPS,   /* a digit's three edge maps: relu(Sobel x), relu(Sobel y), relu(Laplacian) */
    POOL_SRC_DIGIT,  /* the digit itself, one channel */
    POOL_SRC_MATRIX, /* a small matrix the user edits */
    POOL_SRC_FILE,   /* a picture from a file (typed path or dropped), made MNIST-like */
    POOL_SRC_COUNT
} PoolSource;

typedef struct PoolScene {
    PoolSource src;
    PoolKind kind;
    int nch, h, w;
    float x[POOLLAB_MAX_CH * POOLLAB_MAX_IN * POOLLAB_MAX_IN]; /* (C, H, W) */
    char ch_name[POOLLAB_MAX_CH][32];
    int msize;
    float matrix[POOLLAB_MAX_IN * POOLLAB_MAX_IN]; /* (msize, msize) the editable matrix */
    const Dataset *digits; /* borrowed; NULL when the bundled digits could not be read */
    int digit_index;
    float file_img[28 * 28]; /* (28, 28) the picture, MNIST-like */
    char file_name[256];
    bool have_file;
    int kh, kw, sh, sw;
    int force_ch, force_r, force_c; /* hover=out:C,R,C from the options; force_r < 0: none */

    /* derived by poolscene_rebuild when dirty */
    bool dirty;
    PoolGeom g;
    SweepAxis rows, cols;
    bool valid;
    char why[512];                                               /* why there is no output */
    float out[POOLLAB_MAX_CH * POOLLAB_MAX_IN * POOLLAB_MAX_IN]; /* (C, OH, OW) from pool_cell */
    int arg[POOLLAB_MAX_CH * POOLLAB_MAX_IN * POOLLAB_MAX_IN];   /* argmax per cell (max) */
} PoolScene;

/* The default scene: the notes' 4x4 map, max pooling 2x2 at stride 2; a 6x6 matrix of a fixed
 * pattern; digits (may be NULL) is borrowed. Call poolscene_rebuild after. */
void poolscene_init(PoolScene *sc, const Dataset *digits);
/* Loads the source (the edge maps computed by the engine), clamps window and stride to
 * 1..POOLLAB_MAX_WIN and recomputes every output cell and argmax. */
void poolscene_rebuild(PoolScene *sc);

/* The source an option names ("pool4", "maps", "digit", "matrix", "file"); false if none. */
bool poolscene_source_find(const char *name, PoolSource *src);
/* The kind an option names ("max", "avg" or "average", "l2"); false if none. */
bool poolscene_kind_find(const char *name, PoolKind *kind);
/* A picture img (28, 28) in [0, 1] becomes the one-channel input; name is its file's name. */
void poolscene_set_file(PoolScene *sc, const float *img, const char *name);
/* Parses the hover= option: "out:CHANNEL,ROW,COL" or "none"; false with a message (and the
 * hover unchanged) otherwise. */
bool poolscene_parse_hover(PoolScene *sc, const char *value, char *err, size_t err_size);
/* The forced hover when its cell exists: true with its channel, row and column. */
bool poolscene_forced_hover(const PoolScene *sc, int *ch, int *oy, int *ox);

/* The output cell computed at timeline position pos: cell pos-1; false (and -1, -1) at
 * position 0 or without output. */
bool poolscene_current(const PoolScene *sc, int pos, int *oy, int *ox);
/* The arithmetic of output (oy, ox) on channel c with the window's values: "max(3, 2, 0, 7) =
 * 7", "(3 + 2 + 0 + 7)/4 = 3", "√(3² + 2² + 0² + 7²) = 7.874", folded into lines of at most
 * width characters and max_lines lines; returns the lines. */
int poolscene_equation(const PoolScene *sc, int c, int oy, int ox, int width, int max_lines,
                       char *out, size_t cap);
/* The output grid's title: "max pool", "average pool" or "L2 pool". */
const char *poolscene_kind_title(PoolKind kind);
/* The size formulas filled in: "rows     OH = ⌊(4 − 2)/2⌋ + 1 = 2", "columns  OW = …". */
void poolscene_rows_line(const PoolScene *sc, char *out, size_t cap);
void poolscene_cols_line(const PoolScene *sc, char *out, size_t cap);
/* "(channels kept: 3 in, 3 out)". */
void poolscene_kept_text(const PoolScene *sc, char *out, size_t cap);

#endif
