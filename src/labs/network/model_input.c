/* labs/network/model_input.c - the Network lab's catalogue of nets (assets/nets) and its input
 * (a test digit, the drawing, a picture file), see model.h. */
#include "labs/network/model.h"

#include "engine/assets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the nets to pick from ---------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

void netlab_catalog_scan(NetLabCatalog *cat)
{
    char dir[1024];
    assets_path(dir, sizeof dir, "assets/nets");
    cat->n = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL && cat->n < NETLAB_MAX_NETS) {
            size_t n = strlen(e->d_name);
            if (n > 4 && n < 60 && strcmp(e->d_name + n - 4, ".net") == 0) {
                memcpy(cat->names[cat->n], e->d_name, n - 4);
                cat->names[cat->n][n - 4] = '\0';
                cat->n++;
            }
        }
        closedir(d);
    }
    if (cat->n == 0) {
        snprintf(cat->names[0], sizeof cat->names[0], "lenet-tiny");
        cat->n = 1;
    }
    qsort(cat->names, (size_t)cat->n, sizeof cat->names[0], cmp_names);
}

int netlab_catalog_find(const NetLabCatalog *cat, const char *name)
{
    char base[64];
    snprintf(base, sizeof base, "%s", name);
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".net") == 0)
        base[n - 4] = '\0';
    for (int i = 0; i < cat->n; i++)
        if (strcmp(cat->names[i], base) == 0)
            return i;
    return -1;
}

void netlab_catalog_path(const NetLabCatalog *cat, int i, char *out, size_t size)
{
    char rel[256];
    snprintf(rel, sizeof rel, "assets/nets/%s.net", cat->names[i]);
    assets_path(out, size, rel);
}

void netlab_catalog_list(const NetLabCatalog *cat, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (int j = 0; j < cat->n && len + 70 < size; j++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", j ? ", " : "", cat->names[j]);
}

/* ---- the input ------------------------------------------------------------------------------ */

bool netlab_input_init(NetLabInput *in, char *err, size_t err_size)
{
    assets_path(in->digits_dir, sizeof in->digits_dir, "assets/digits");
    if (!dataset_load_part(&in->digits, in->digits_dir, DATASET_TEST, DATASET_WINDOW_LIMIT, err,
                           err_size))
        return false;
    if (in->digits.h != NETLAB_CANVAS || in->digits.w != NETLAB_CANVAS || in->digits.n < 1) {
        snprintf(err, err_size, "%s: digits are %dx%d, expected 28x28", in->digits.images_path,
                 in->digits.h, in->digits.w);
        dataset_free(&in->digits);
        return false;
    }
    /* the default input is test digit #0: the class menu names its class */
    in->src = NETLAB_SRC_DIGIT;
    in->digit_index = 0;
    in->class_sel = in->digits.labels[0];
    return true;
}

void netlab_input_free(NetLabInput *in)
{
    dataset_free(&in->digits);
    free(in->file_x);
    in->file_x = NULL;
}

void netlab_input_apply(const NetLabInput *in, NetLabModel *m)
{
    long n_in = shape_elems(m->net->spec.input);
    float pic[NETLAB_CANVAS * NETLAB_CANVAS];
    float *x = m->input;
    switch (in->src) {
    case NETLAB_SRC_DIGIT:
        dataset_image(&in->digits, in->digit_index, pic);
        netlab_model_fit_picture(m, pic, x);
        break;
    case NETLAB_SRC_CANVAS:
        netlab_model_fit_picture(m, in->canvas, x);
        break;
    case NETLAB_SRC_FILE:
        if (in->file_x)
            memcpy(x, in->file_x, sizeof(float) * (size_t)n_in);
        break;
    default:
        break;
    }
    netlab_model_set_input(m, x);
}

void netlab_input_pick_digit(NetLabInput *in, int index)
{
    int n = in->digits.n;
    in->digit_index = ((index % n) + n) % n;
    in->class_sel = in->digits.labels[in->digit_index];
    in->src = NETLAB_SRC_DIGIT;
}

bool netlab_input_pick_class(NetLabInput *in, int k)
{
    int n = in->digits.n;
    int start = in->src == NETLAB_SRC_DIGIT && in->digits.labels[in->digit_index] == k
                    ? in->digit_index + 1
                    : 0;
    for (int j = 0; j < n; j++) {
        int i = (start + j) % n;
        if (in->digits.labels[i] == k) {
            netlab_input_pick_digit(in, i);
            return true;
        }
    }
    return false;
}

void netlab_input_paint(NetLabInput *in, float fy, float fx, bool erase)
{
    for (int y = 0; y < NETLAB_CANVAS; y++)
        for (int x = 0; x < NETLAB_CANVAS; x++) {
            float dy = (float)y + 0.5f - fy, dx = (float)x + 0.5f - fx;
            float d2 = dx * dx + dy * dy;
            /* a soft round brush about two pixels wide, like a pen stroke in MNIST */
            float ink = d2 < 1.0f ? 1.0f : d2 < 2.6f ? 0.6f : 0.0f;
            float *c = &in->canvas[y * NETLAB_CANVAS + x];
            if (erase)
                *c = ink > 0.0f ? 0.0f : *c;
            else
                *c = ink > *c ? ink : *c;
        }
}

void netlab_input_set_file(NetLabInput *in, float *x, const char *path)
{
    free(in->file_x);
    in->file_x = x;
    const char *base = strrchr(path, '/');
    snprintf(in->file_name, sizeof in->file_name, "%s", base ? base + 1 : path);
    in->src = NETLAB_SRC_FILE;
}

void netlab_input_forget_file(NetLabInput *in)
{
    free(in->file_x);
    in->file_x = NULL;
    if (in->src == NETLAB_SRC_FILE)
        in->src = NETLAB_SRC_DIGIT;
}

const char *netlab_input_text(const NetLabInput *in, char *out, size_t size)
{
    if (in->src == NETLAB_SRC_DIGIT)
        snprintf(out, size, "test digit #%d (a %d)", in->digit_index,
                 in->digits.labels[in->digit_index]);
    else if (in->src == NETLAB_SRC_CANVAS)
        snprintf(out, size, "your drawing");
    else
        snprintf(out, size, "%.150s", in->file_x ? in->file_name : "no file yet");
    return out;
}
