/* labs/channels/model.c - the Channels lab's scene (see model.h). */
#include "labs/channels/model.h"

#include "engine/kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const plane_names[CHANLAB_C] = {"R", "G", "B"};

void chanscene_load_notes(ChanScene *sc)
{
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_RGB5);
    memcpy(sc->x, ex->x, sizeof sc->x);
    memcpy(sc->w, ex->k, sizeof sc->w);
    memcpy(sc->b, ex->b, sizeof sc->b);
    sc->stride = ex->stride;
    sc->pad = ex->pad;
    sc->dirty = true;
}

void chanscene_init(ChanScene *sc)
{
    memset(sc, 0, sizeof *sc);
    chanscene_load_notes(sc);
    sc->force_r = -1;
}

void chanscene_rebuild(ChanScene *sc)
{
    ConvGeom g = {0};
    g.n = 1;
    g.c = CHANLAB_C;
    g.h = g.w = CHANLAB_N;
    g.o = CHANLAB_O;
    g.kh = g.kw = CHANLAB_K;
    g.sh = g.sw = sc->stride;
    g.pt = g.pb = g.pl = g.pr = sc->pad;
    g.dh = g.dw = 1;
    sweep_init(&sc->sweep, &g, sc->why, sizeof sc->why);
    if (sc->sweep.valid) {
        for (int s = 0; s < sc->sweep.steps; s++) {
            int o, oy, ox;
            sweep_step_cell(&sc->sweep, s, &o, &oy, &ox);
            sc->out[s] = conv_cell(&sc->sweep.g, sc->x, sc->w, sc->b, o, oy, ox, NULL, 0, NULL);
        }
    }
    sc->dirty = false;
}

/* Comma-separated floats into v[n]; false with a message when the count or a number is off. */
bool chanscene_parse_floats(const char *key, const char *value, float *v, int n, char *err,
                            size_t err_size)
{
    const char *p = value;
    int i = 0;
    while (*p && i < n) {
        char *end = NULL;
        float f = strtof(p, &end);
        if (end == p)
            break;
        v[i++] = f;
        p = *end == ',' ? end + 1 : end;
    }
    if (i != n || *p) {
        snprintf(err, err_size, "%s=%s: expected %d comma-separated numbers", key, value, n);
        return false;
    }
    return true;
}

bool chanscene_parse_hover(ChanScene *sc, const char *value, char *err, size_t err_size)
{
    int v[3];
    if (strcmp(value, "none") == 0) {
        sc->force_r = -1;
        return true;
    }
    if (sscanf(value, "out:%d,%d,%d", &v[0], &v[1], &v[2]) != 3 || v[0] < 0 || v[0] >= CHANLAB_O) {
        snprintf(err, err_size, "hover=%s: expected out:FILTER,ROW,COL (filter 0 or 1)", value);
        return false;
    }
    sc->force_o = v[0];
    sc->force_r = v[1];
    sc->force_c = v[2];
    return true;
}

bool chanscene_forced_hover(const ChanScene *sc, int *o, int *oy, int *ox)
{
    int oh = sc->sweep.valid ? sc->sweep.g.oh : 0, ow = sc->sweep.valid ? sc->sweep.g.ow : 0;
    if (sc->force_r >= 0 && sc->sweep.valid && sc->force_r < oh && sc->force_c < ow) {
        *o = sc->force_o;
        *oy = sc->force_r;
        *ox = sc->force_c;
        return true;
    }
    return false;
}

bool chanscene_current(const ChanScene *sc, int pos, int *o, int *oy, int *ox)
{
    *o = *oy = *ox = -1;
    if (!sc->sweep.valid || pos <= 0)
        return false;
    sweep_step_cell(&sc->sweep, pos - 1, o, oy, ox);
    return true;
}

const char *chanscene_plane_name(int c)
{
    return plane_names[c];
}

void chanscene_input_name(int i, char *out, size_t cap)
{
    int c = i / (CHANLAB_N * CHANLAB_N), rest = i % (CHANLAB_N * CHANLAB_N);
    snprintf(out, cap, "%s[%d,%d]", plane_names[c], rest / CHANLAB_N, rest % CHANLAB_N);
}

void chanscene_weight_name(int i, char *out, size_t cap)
{
    int o = i / (CHANLAB_C * CHANLAB_K * CHANLAB_K), c = (i / (CHANLAB_K * CHANLAB_K)) % CHANLAB_C,
        t = i % (CHANLAB_K * CHANLAB_K);
    snprintf(out, cap, "W%d%s[%d,%d]", o, plane_names[c], t / CHANLAB_K, t % CHANLAB_K);
}

float chanscene_partial_line(const ChanScene *sc, int o, int c, int oy, int ox, int width,
                             char *out, size_t cap)
{
    ConvTerm terms[CHANLAB_K * CHANLAB_K];
    int n = 0;
    float part = sweep_plane_partial(&sc->sweep, sc->x, sc->w, o, c, oy, ox, terms,
                                     CHANLAB_K * CHANLAB_K, &n);
    char eq[1024];
    sweep_format_equation(terms, n, false, 0.0f, part, width, 1, eq, sizeof eq);
    snprintf(out, cap, "%s\xC2\xB7W%d%s:  %s", plane_names[c], o, plane_names[c], eq);
    return part;
}

void chanscene_sum_line(const ChanScene *sc, const float *parts, int o, int oy, int ox,
                        bool with_names, char *out, size_t cap)
{
    float total = conv_cell(&sc->sweep.g, sc->x, sc->w, sc->b, o, oy, ox, NULL, 0, NULL);
    char sum[512];
    sweep_format_sum(NULL, parts, CHANLAB_C, true, sc->b[o], total, 200, 1, sum, sizeof sum);
    if (with_names)
        snprintf(out, cap, "out%d[%d,%d] = R + G + B + b%d = %s", o, oy, ox, o, sum);
    else
        snprintf(out, cap, "out%d[%d,%d] = %s", o, oy, ox, sum);
}

void chanscene_bias_label(const ChanScene *sc, int o, char *out, size_t cap)
{
    char bv[24];
    sweep_format_value(sc->b[o], bv, sizeof bv);
    snprintf(out, cap, "+ b%d = %s", o, bv);
}

void chanscene_params_line(char *out, size_t cap)
{
    int per = CHANLAB_K * CHANLAB_K * CHANLAB_C + 1;
    snprintf(out, cap, "parameters per filter %d\xC2\xB7%d\xC2\xB7%d + 1 = %d, two filters %d",
             CHANLAB_K, CHANLAB_K, CHANLAB_C, per, CHANLAB_O * per);
}

void chanscene_size_line(const ChanScene *sc, bool with_params, char *out, size_t cap)
{
    char f_size[256], params[160];
    sweep_axis_formula(&sc->sweep.rows, f_size, sizeof f_size);
    chanscene_params_line(params, sizeof params);
    if (with_params)
        snprintf(out, cap, "size %s;  %s", f_size, params);
    else
        snprintf(out, cap, "size %s", f_size);
}
