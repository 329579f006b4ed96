/* idx.h - the IDX file format (MNIST's) and a labelled image data set read from a folder.
 * Depends on: libc, zlib.
 *
 * Legend: N images, H height, W width.
 *
 * An IDX file is a big-endian header: two zero bytes, a type byte (0x08 uint8, 0x0D float32),
 * a dimension count D, then D uint32 sizes, then the data in C order. Files may be gzipped;
 * idx_read reads both (zlib's gzread passes plain files through). Every size is checked against
 * the file before a large buffer is allocated, and errors read `FILE: byte N: what is wrong`.
 *
 * Limits: an array holds at most IDX_MAX_BYTES of data (its header is refused above that,
 * before anything is read). A plain file must be exactly as long as its header says. A gzip
 * stream is inflated only as far as needed: up to the header's promise (plus one byte, to
 * refuse a stream that inflates past it: a gzip bomb behind a small header costs what the
 * header promises), or only the first max_items items when a limit is given; the buffer grows
 * with the data actually inflated, so a header that lies costs no more than the stream holds.
 *
 * A data set folder holds the four standard MNIST files, each plain or gzipped:
 *   train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte t10k-labels-idx1-ubyte
 * (the spelling with a dot, train-images.idx3-ubyte, is accepted too). The class names are the
 * digits 0-9, or the ten Fashion-MNIST garments when the folder's path contains "fashion"
 * (case-insensitive), as Debian's dataset-fashion-mnist installs it in
 * /usr/share/datasets/fashion-mnist. */
#ifndef CONVSCOPE_IDX_H
#define CONVSCOPE_IDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDX_MAX_DIMS    4
#define IDX_MAX_BYTES   (2L * 1024 * 1024 * 1024) /* 2 GiB of data in one array */
#define DATASET_CLASSES 10

typedef enum IdxType {
    IDX_UBYTE = 0x08,
    IDX_FLOAT = 0x0D, /* big-endian IEEE float32 */
} IdxType;

typedef struct IdxArray {
    IdxType type;
    int ndims;
    int dims[IDX_MAX_DIMS];
    long count;     /* product of dims */
    void *data;     /* count elements: uint8_t, or float converted to host byte order */
    long file_dim0; /* dims[0] as the header says (dims[0] is less when a limit cut it) */
} IdxArray;

/* Reads the IDX file at path (plain or gzip). On failure returns false, leaves *out empty and
 * writes `path: byte N: what is wrong` into err. Free with idx_free. */
bool idx_read(const char *path, IdxArray *out, char *err, size_t err_size);
/* The same, reading only the first max_items items along dimension 0 when max_items > 0 (a
 * gzip stream is not inflated further; a plain file's length is still checked). */
bool idx_read_part(const char *path, long max_items, IdxArray *out, char *err, size_t err_size);
void idx_free(IdxArray *a);

typedef enum DatasetSplit {
    DATASET_TRAIN,
    DATASET_TEST,
} DatasetSplit;

typedef struct Dataset {
    int n, h, w;           /* N images of H x W */
    uint8_t *pixels;       /* (N, H, W) 0..255, or NULL when the file holds floats */
    float *fpixels;        /* (N, H, W) as stored, when the file holds floats */
    uint8_t *labels;       /* (N) each < DATASET_CLASSES */
    bool fashion;          /* class names are Fashion-MNIST's */
    char images_path[512]; /* the files it came from, for messages */
    char labels_path[512];
} Dataset;

/* Finds "<prefix>-<kind>-idx<d>-ubyte" (or with a dot, or with .gz) in dir; prefix is
 * "train" or "t10k", kind "images" or "labels". Returns false with a message when absent. */
bool dataset_find_file(char *out, size_t out_size, const char *dir, const char *prefix,
                       const char *kind, char *err, size_t err_size);

/* Loads one split of the data set in dir: images (N, H, W) uint8 or float, labels (N) in
 * 0..9, matching counts. Returns false with `FILE: byte N: ...` (or `DIR: ...`) in err. */
bool dataset_load(Dataset *ds, const char *dir, DatasetSplit split, char *err, size_t err_size);
/* The same, keeping only the first limit images (limit <= 0: all): the rest of a gzip file is
 * never inflated. The image and label files must still promise the same count. */
bool dataset_load_part(Dataset *ds, const char *dir, DatasetSplit split, long limit, char *err,
                       size_t err_size);
void dataset_free(Dataset *ds);
/* The limit every load in the window passes to dataset_load_part (the labs' digits and data
 * folders): the window never reads a whole unbounded file. MNIST's 60,000 training images fit;
 * a bigger split shows its first 60,000 (47 MB as bytes). */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define DATASET_WINDOW_LIMIT 256L /* fuzz_check starts labs for every scene: a few digits do */
#else
#define DATASET_WINDOW_LIMIT 60000L
#endif

/* Keeps only the first n images (n < ds->n); the memory is kept. */
void dataset_truncate(Dataset *ds, int n);

/* Writes image i scaled to [0, 1] into out (H, W): byte / 255, or the stored float. */
void dataset_image(const Dataset *ds, int i, float *out);

/* True when the path names Fashion-MNIST: it contains "fashion", any case. */
bool dataset_path_is_fashion(const char *dir);

/* The name of class k (0..9): "0".."9", or "T-shirt/top" .. "Ankle boot". */
const char *dataset_class_name(const Dataset *ds, int k);
/* The same by flag, for callers without a Dataset (a model file's predictions). */
const char *dataset_class_name_of(bool fashion, int k);

#endif
