/* fastgroup.c - see fastgroup.h. Legend: N batch, C/O channels, G groups, CG = C/G, OG = O/G,
 * KCG = CG*KH*KW, P = OH*OW.
 *
 * Group gi of one example is a plain convolution of its own: input channels gi*CG .. (in
 * (C, H, W) a contiguous block of CG planes), kernels w[gi*OG ..] (OG, CG, KH, KW), outputs
 * gi*OG .. (a contiguous block of OG maps). So each (example, group) is one fastconv call on
 * the ungrouped geometry of one group, with no copying. */
#include "engine/fastgroup.h"

#include "engine/fastconv.h"

#include <stddef.h>

/* The plain convolution of one group of one example. */
static ConvGeom one_group(const ConvGeom *g)
{
    ConvGeom s = *g;
    s.n = 1;
    s.c = g->c / conv_groups(g);
    s.o = g->o / conv_groups(g);
    s.groups = 1;
    return s;
}

bool fastgroup_supported(const ConvGeom *g)
{
    if (conv_groups(g) < 2 || g->c % conv_groups(g) != 0 || g->o % conv_groups(g) != 0)
        return false;
    ConvGeom s = one_group(g);
    return fastconv_supported(&s);
}

long fastgroup_scratch_floats(const ConvGeom *g)
{
    ConvGeom s = one_group(g);
    /* fastconv's own, then one example's kernel and bias gradients of one group */
    return fastconv_scratch_floats(&s) + (long)s.o * s.c * s.kh * s.kw + s.o;
}

void fastgroup_forward_on(float *scratch, float *out, const float *x, const float *w,
                          const float *b, const ConvGeom *g)
{
    const ConvGeom s = one_group(g);
    const int groups = conv_groups(g);
    const long xg = (long)s.c * g->h * g->w, og = (long)s.o * g->oh * g->ow; /* one group's */
    const long wg = (long)s.o * s.c * s.kh * s.kw;
    for (int n = 0; n < g->n; n++)
        for (int gi = 0; gi < groups; gi++) {
            const long at = (long)n * groups + gi; /* (example, group) block */
            fastconv_forward_on(scratch, out + at * og, x + at * xg, w + gi * wg, NULL,
                                b ? b + (long)gi * s.o : NULL, &s);
        }
}

void fastgroup_backward_on(float *scratch, float *dx, float *pw, float *pb, const float *dout,
                           const float *x, const float *w, const ConvGeom *g)
{
    const ConvGeom s = one_group(g);
    const int groups = conv_groups(g);
    const long xg = (long)s.c * g->h * g->w, og = (long)s.o * g->oh * g->ow;
    const long kcg = (long)s.c * s.kh * s.kw, wg = (long)s.o * kcg;
    float *tw = scratch + fastconv_scratch_floats(&s); /* (OG, KCG) or (KCG, OG) */
    float *tb = tw + wg;                               /* (OG) */
    const bool transposed = fastconv_dw_transposed(&s);
    for (int n = 0; n < g->n; n++)
        for (int gi = 0; gi < groups; gi++) {
            const long at = (long)n * groups + gi;
            fastconv_backward_on(scratch, dx ? dx + at * xg : NULL, pw ? tw : NULL, pb ? tb : NULL,
                                 dout + at * og, x + at * xg, w + gi * wg, &s);
            /* this example's gradients into the group's slice, in example order */
            if (pw) {
                float *pg = pw + gi * wg; /* (OG, KCG) */
                for (int o = 0; o < s.o; o++)
                    for (long k = 0; k < kcg; k++) {
                        float v = transposed ? tw[k * s.o + o] : tw[o * kcg + k];
                        pg[o * kcg + k] = n == 0 ? v : pg[o * kcg + k] + v;
                    }
            }
            if (pb)
                for (int o = 0; o < s.o; o++)
                    pb[gi * s.o + o] = n == 0 ? tb[o] : pb[gi * s.o + o] + tb[o];
        }
}
