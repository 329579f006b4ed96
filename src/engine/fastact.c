/* fastact.c - the pointwise layers of fastconv.h: exp, log and the activations in single
 * precision with the same bits in AVX-512 and plain C, the activations in chunks on the pool,
 * local response normalisation and softmax. Depends on: fastconv_int.h, act, workers (libc).
 *
 * Legend: N batch, C channels, H/W height/width, K classes. */
#include "engine/fastconv.h"

#include "engine/fastconv_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Elements of pointwise work per task: large enough to hide the dispatch. */
#define ACT_CHUNK 32768L

/* softplus is the identity where beta x passes this (PyTorch's threshold, as act.c) */
#define SOFTPLUS_LINEAR 20.0f

/* ---- elementwise math. exp and log as the Cephes library computes them in single precision
 * (a range reduction and a polynomial, within 2 ulp), from +, -, *, / and bit moves only, so
 * the AVX-512 loops and the plain C below compute the same bits on every element and every
 * CPU; libm's expf, log1pf and powf, which the reference ops call, round differently in the
 * last bits. ---- */

/* Where exp saturates: e^88.376 is near the largest float, e^-87.337 near the smallest
 * normal one (exp returns that instead of a subnormal or 0). */
#define EXP_HI     88.3762626647949f
#define EXP_LO     -87.3365447504f
#define LOG2E      1.44269504088896341f
#define LN2_HI     0.693359375f /* ln 2 = LN2_HI + LN2_LO, LN2_HI exact in a few bits */
#define LN2_LO     -2.12194440e-4f
#define SQRT_HALF  0.707106781186547524f
#define TANH_SMALL 0.625f /* below: tanh's own odd polynomial, above: from exp */

static inline float float_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t bits_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* The polynomials' coefficients, highest power first (Cephes expf, logf, tanhf). */
static const float EXP_POLY[6] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                                  4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
static const float LOG_POLY[9] = {7.0376836292e-2f,  -1.1514610310e-1f, 1.1676998740e-1f,
                                  -1.2420140846e-1f, 1.4249322787e-1f,  -1.6668057665e-1f,
                                  2.0000714765e-1f,  -2.4999993993e-1f, 3.3333331174e-1f};
static const float TANH_POLY[5] = {-5.70498872745e-3f, 2.06390887954e-2f, -5.37397155531e-2f,
                                   1.33314422036e-1f, -3.33332819422e-1f};

/* c[0] x^(n-1) + ... + c[n-1] by Horner's rule: a multiply, then an add, per coefficient */
static inline float horner_ss(float x, const float *c, int n)
{
    float y = c[0];
    for (int i = 1; i < n; i++)
        y = y * x + c[i];
    return y;
}

/* e^x */
static inline float exp_ss(float x)
{
    x = x > EXP_HI ? EXP_HI : x;
    x = x < EXP_LO ? EXP_LO : x;
    /* x = n ln 2 + r, |r| <= ln2 / 2 */
    const float fx = floorf(x * LOG2E + 0.5f);
    x = x - fx * LN2_HI;
    x = x - fx * LN2_LO;
    const float z = x * x;
    const float y = horner_ss(x, EXP_POLY, 6) * z + x + 1.0f;
    /* times 2^n, built in the exponent bits */
    return y * float_bits((uint32_t)((int)fx + 127) << 23);
}

/* ln x for a positive normal x */
static inline float log_ss(float x)
{
    const uint32_t u = bits_float(x);
    /* x = m 2^e with m in [0.5, 1), then m in [sqrt(1/2), sqrt(2)) - 1 */
    int e = (int)(u >> 23) - 126;
    float m = float_bits((u & 0x007fffffu) | 0x3f000000u);
    if (m < SQRT_HALF) {
        e = e - 1;
        m = m + m - 1.0f;
    } else {
        m = m - 1.0f;
    }
    const float z = m * m;
    float y = horner_ss(m, LOG_POLY, 9) * m * z;
    const float fe = (float)e;
    y = y + fe * LN2_LO;
    y = y - 0.5f * z;
    return m + y + fe * LN2_HI;
}

/* 1 / (1 + e^-x) from e^-|x|, without overflow */
static inline float sigmoid_ss(float x)
{
    const float e = exp_ss(-fabsf(x)), d = 1.0f + e;
    return x >= 0.0f ? 1.0f / d : e / d;
}

static inline float tanh_ss(float x)
{
    const float ax = fabsf(x);
    if (ax < TANH_SMALL) {
        const float z = x * x;
        return horner_ss(z, TANH_POLY, 5) * z * x + x;
    }
    const float t = 1.0f - 2.0f / (exp_ss(ax + ax) + 1.0f);
    return x < 0.0f ? -t : t;
}

/* ln(1 + u) for u >= 0: ln w * u / (w - 1) with w = 1 + u rounded, which cancels w's rounding */
static inline float log1p_ss(float u)
{
    const float w = 1.0f + u;
    return w == 1.0f ? u : log_ss(w) * u / (w - 1.0f);
}

/* The activations of act.h: f(x) and f'(x); the piecewise linear ones are act.c's own. */
static inline float act_f_ss(ActKind kind, float param, float x)
{
    switch (kind) {
    case ACT_SIGMOID:
        return sigmoid_ss(x);
    case ACT_TANH:
        return tanh_ss(x);
    case ACT_SOFTPLUS:
        /* PyTorch's threshold: the identity where beta x > 20 */
        return param * x > SOFTPLUS_LINEAR ? x : log1p_ss(exp_ss(param * x)) / param;
    default:
        return act_value(kind, param, x);
    }
}

static inline float act_d_ss(ActKind kind, float param, float x)
{
    switch (kind) {
    case ACT_SIGMOID: {
        const float s = sigmoid_ss(x);
        return s * (1.0f - s);
    }
    case ACT_TANH: {
        const float t = tanh_ss(x);
        return 1.0f - t * t;
    }
    case ACT_SOFTPLUS:
        return param * x > SOFTPLUS_LINEAR ? 1.0f : sigmoid_ss(param * x);
    default:
        return act_deriv(kind, param, x);
    }
}

#if FAST_X86
/* The same on 16 lanes, operation for operation. */
__attribute__((target("avx512f"), always_inline)) static inline __m512
horner_ps(__m512 x, const float *c, int n)
{
    __m512 y = _mm512_set1_ps(c[0]);
    for (int i = 1; i < n; i++)
        y = _mm512_add_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(c[i]));
    return y;
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 exp_ps(__m512 x)
{
    x = _mm512_min_ps(x, _mm512_set1_ps(EXP_HI));
    x = _mm512_max_ps(x, _mm512_set1_ps(EXP_LO));
    const __m512 fx = _mm512_roundscale_ps(
        _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(LOG2E)), _mm512_set1_ps(0.5f)),
        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    x = _mm512_sub_ps(x, _mm512_mul_ps(fx, _mm512_set1_ps(LN2_HI)));
    x = _mm512_sub_ps(x, _mm512_mul_ps(fx, _mm512_set1_ps(LN2_LO)));
    const __m512 z = _mm512_mul_ps(x, x);
    const __m512 y = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(horner_ps(x, EXP_POLY, 6), z), x),
                                   _mm512_set1_ps(1.0f));
    const __m512i n = _mm512_cvttps_epi32(fx);
    const __m512 p2 =
        _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(y, p2);
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 log_ps(__m512 x)
{
    const __m512i u = _mm512_castps_si512(x);
    __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(u, 23), _mm512_set1_epi32(126));
    __m512 m = _mm512_castsi512_ps(_mm512_or_si512(
        _mm512_and_si512(u, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x3f000000)));
    const __mmask16 lo = _mm512_cmp_ps_mask(m, _mm512_set1_ps(SQRT_HALF), _CMP_LT_OQ);
    e = _mm512_mask_sub_epi32(e, lo, e, _mm512_set1_epi32(1));
    m = _mm512_mask_add_ps(m, lo, m, m);
    m = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
    const __m512 z = _mm512_mul_ps(m, m);
    __m512 y = _mm512_mul_ps(_mm512_mul_ps(horner_ps(m, LOG_POLY, 9), m), z);
    const __m512 fe = _mm512_cvtepi32_ps(e);
    y = _mm512_add_ps(y, _mm512_mul_ps(fe, _mm512_set1_ps(LN2_LO)));
    y = _mm512_sub_ps(y, _mm512_mul_ps(_mm512_set1_ps(0.5f), z));
    return _mm512_add_ps(_mm512_add_ps(m, y), _mm512_mul_ps(fe, _mm512_set1_ps(LN2_HI)));
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 abs_ps(__m512 x)
{
    return _mm512_castsi512_ps(
        _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff)));
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 sigmoid_ps(__m512 x)
{
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), abs_ps(x)));
    const __m512 d = _mm512_add_ps(_mm512_set1_ps(1.0f), e);
    const __mmask16 pos = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    return _mm512_mask_div_ps(_mm512_div_ps(e, d), pos, _mm512_set1_ps(1.0f), d);
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 tanh_ps(__m512 x)
{
    const __m512 ax = abs_ps(x), z = _mm512_mul_ps(x, x);
    const __m512 small =
        _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(horner_ps(z, TANH_POLY, 5), z), x), x);
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 t = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f),
                                                _mm512_add_ps(exp_ps(_mm512_add_ps(ax, ax)), one)));
    t = _mm512_mask_sub_ps(t, _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ),
                           _mm512_setzero_ps(), t);
    return _mm512_mask_mov_ps(t, _mm512_cmp_ps_mask(ax, _mm512_set1_ps(TANH_SMALL), _CMP_LT_OQ),
                              small);
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 log1p_ps(__m512 u)
{
    const __m512 one = _mm512_set1_ps(1.0f), w = _mm512_add_ps(one, u);
    const __m512 r = _mm512_div_ps(_mm512_mul_ps(log_ps(w), u), _mm512_sub_ps(w, one));
    return _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(w, one, _CMP_EQ_OQ), u);
}

/* f(x) and f'(x) of one kind on 16 lanes (kind is a constant where these are inlined) */
__attribute__((target("avx512f"), always_inline)) static inline __m512 act_f_ps(ActKind kind,
                                                                                __m512 p, __m512 x)
{
    const __m512 zero = _mm512_setzero_ps();
    const __mmask16 pos = _mm512_cmp_ps_mask(x, zero, _CMP_GT_OQ);
    switch (kind) {
    case ACT_RELU:
        return _mm512_maskz_mov_ps(pos, x);
    case ACT_LEAKY:
        return _mm512_mask_mov_ps(_mm512_mul_ps(p, x), pos, x);
    case ACT_SIGMOID:
        return sigmoid_ps(x);
    case ACT_TANH:
        return tanh_ps(x);
    case ACT_ABS:
        return abs_ps(x);
    case ACT_SOFTPLUS: {
        const __m512 z = _mm512_mul_ps(p, x);
        const __m512 y = _mm512_div_ps(log1p_ps(exp_ps(z)), p);
        return _mm512_mask_mov_ps(
            y, _mm512_cmp_ps_mask(z, _mm512_set1_ps(SOFTPLUS_LINEAR), _CMP_GT_OQ), x);
    }
    }
    return zero;
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 act_d_ps(ActKind kind,
                                                                                __m512 p, __m512 x)
{
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __mmask16 pos = _mm512_cmp_ps_mask(x, zero, _CMP_GT_OQ);
    switch (kind) {
    case ACT_RELU:
        return _mm512_maskz_mov_ps(pos, one);
    case ACT_LEAKY:
        return _mm512_mask_mov_ps(p, pos, one);
    case ACT_SIGMOID: {
        const __m512 s = sigmoid_ps(x);
        return _mm512_mul_ps(s, _mm512_sub_ps(one, s));
    }
    case ACT_TANH: {
        const __m512 t = tanh_ps(x);
        return _mm512_sub_ps(one, _mm512_mul_ps(t, t));
    }
    case ACT_ABS: {
        const __mmask16 neg = _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ);
        return _mm512_mask_mov_ps(_mm512_maskz_mov_ps(pos, one), neg, _mm512_set1_ps(-1.0f));
    }
    case ACT_SOFTPLUS: {
        const __m512 z = _mm512_mul_ps(p, x);
        return _mm512_mask_mov_ps(
            sigmoid_ps(z), _mm512_cmp_ps_mask(z, _mm512_set1_ps(SOFTPLUS_LINEAR), _CMP_GT_OQ), one);
    }
    }
    return zero;
}

/* y = f(x), or dx (=|+=) dy * f'(x), over n elements by 16 lanes, the last vector masked (so
 * every element goes through the same instructions wherever it lies) */
#define ACT_LOOPS(K)                                                                               \
    case K:                                                                                        \
        for (long i = 0; i < n; i += 16) {                                                         \
            const __mmask16 m = lanes(0, n - i < 16 ? (int)(n - i) : 16);                          \
            const __m512 v = _mm512_maskz_loadu_ps(m, x + i);                                      \
            if (!dy) {                                                                             \
                _mm512_mask_storeu_ps(y + i, m, act_f_ps(K, p, v));                                \
                continue;                                                                          \
            }                                                                                      \
            __m512 d = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, dy + i), act_d_ps(K, p, v));         \
            if (!set)                                                                              \
                d = _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), d);                             \
            _mm512_mask_storeu_ps(y + i, m, d);                                                    \
        }                                                                                          \
        break;

__attribute__((target("avx512f"))) static void
act_avx512(float *y, const float *dy, const float *x, long n, ActKind kind, float param, bool set)
{
    const __m512 p = _mm512_set1_ps(param);
    switch (kind) {
        ACT_LOOPS(ACT_RELU)
        ACT_LOOPS(ACT_LEAKY)
        ACT_LOOPS(ACT_SIGMOID)
        ACT_LOOPS(ACT_TANH)
        ACT_LOOPS(ACT_ABS)
        ACT_LOOPS(ACT_SOFTPLUS)
    }
}
#undef ACT_LOOPS
#endif

/* ---- activations: in chunks on the pool ---- */

typedef struct ActJob {
    float *y;        /* forward: (n) output; backward: dx (n) */
    const float *x;  /* (n) */
    const float *dy; /* (n), backward only (NULL: the forward) */
    long n;
    ActKind kind;
    float param;
    bool set; /* backward: write dx rather than add to it */
} ActJob;

/* The job's elements i0 .. i1-1. */
static void act_range(const ActJob *job, long i0, long i1)
{
    float *y = job->y + i0;
    const float *x = job->x + i0, *dy = job->dy ? job->dy + i0 : NULL;
    const long n = i1 - i0;
#if FAST_X86
    if (fc_use_avx512()) {
        act_avx512(y, dy, x, n, job->kind, job->param, job->set);
        return;
    }
#endif
    for (long i = 0; i < n; i++) {
        if (!dy)
            y[i] = act_f_ss(job->kind, job->param, x[i]);
        else if (job->set)
            y[i] = dy[i] * act_d_ss(job->kind, job->param, x[i]);
        else
            y[i] = y[i] + dy[i] * act_d_ss(job->kind, job->param, x[i]);
    }
}

static void act_task(void *ctx, int t, int thread)
{
    (void)thread;
    const ActJob *job = ctx;
    long i0 = (long)t * ACT_CHUNK, i1 = i0 + ACT_CHUNK < job->n ? i0 + ACT_CHUNK : job->n;
    act_range(job, i0, i1);
}

void fastconv_act_forward(Workers *wk, float *y, const float *x, long n, ActKind kind, float param)
{
    ActJob job = {.y = y, .x = x, .n = n, .kind = kind, .param = param};
    workers_run(wk, (int)((n + ACT_CHUNK - 1) / ACT_CHUNK), act_task, &job);
}

void fastconv_act_backward(Workers *wk, float *dx, const float *dy, const float *x, long n,
                           ActKind kind, float param)
{
    ActJob job = {.y = dx, .x = x, .dy = dy, .n = n, .kind = kind, .param = param};
    workers_run(wk, (int)((n + ACT_CHUNK - 1) / ACT_CHUNK), act_task, &job);
}

void fastconv_act_backward_set(float *dx, const float *dy, const float *x, long n, ActKind kind,
                               float param)
{
    ActJob job = {.y = dx, .x = x, .dy = dy, .n = n, .kind = kind, .param = param, .set = true};
    act_range(&job, 0, n);
}

/* ---- local response normalisation: 16 pixels at a time (the channels of a pixel are a
 * plane apart, the pixels of a channel side by side), the scale of each channel worked out
 * once, and the power s^-beta = e^(-beta ln s) from exp and log above ---- */

/* The channel window of channel c: [c - size/2, c + (size-1)/2] clipped to [0, C) (act.h). */
static void lrn_window(int c, int channels, int size, int *lo, int *hi)
{
    *lo = c - size / 2 < 0 ? 0 : c - size / 2;
    *hi = c + (size - 1) / 2 >= channels ? channels - 1 : c + (size - 1) / 2;
}

long fastconv_lrn_scratch_floats(int c)
{
    /* s^-beta and the backward's terms, for 16 pixels of every channel */
    return 2L * c * 16;
}

typedef struct LrnGeom {
    int c;
    long plane;
    int size;
    float alpha, beta, k;
} LrnGeom;

/* s_c = k + alpha/size * sum of x^2 over the window of c, at `lanes` pixels from xp (channel
 * 0; channels a plane apart): the sum in the window's order, as act.c's lrn_scale */
static void lrn_scale_ss(float *s, const float *xp, int c, int lanes_n, const LrnGeom *lg)
{
    int lo, hi;
    lrn_window(c, lg->c, lg->size, &lo, &hi);
    for (int l = 0; l < lanes_n; l++) {
        float sum = 0.0f;
        for (int j = lo; j <= hi; j++) {
            const float v = xp[(long)j * lg->plane + l];
            sum += v * v;
        }
        s[l] = lg->k + lg->alpha * sum / (float)lg->size;
    }
}

#if FAST_X86
__attribute__((target("avx512f"), always_inline)) static inline __m512
lrn_scale_ps(const float *xp, int c, __mmask16 m, const LrnGeom *lg)
{
    int lo, hi;
    lrn_window(c, lg->c, lg->size, &lo, &hi);
    __m512 sum = _mm512_setzero_ps();
    for (int j = lo; j <= hi; j++) {
        const __m512 v = _mm512_maskz_loadu_ps(m, xp + (long)j * lg->plane);
        sum = _mm512_add_ps(sum, _mm512_mul_ps(v, v));
    }
    return _mm512_add_ps(_mm512_set1_ps(lg->k),
                         _mm512_div_ps(_mm512_mul_ps(_mm512_set1_ps(lg->alpha), sum),
                                       _mm512_set1_ps((float)lg->size)));
}

/* s^-beta */
__attribute__((target("avx512f"), always_inline)) static inline __m512 lrn_pow_ps(__m512 s,
                                                                                  float beta)
{
    return exp_ps(_mm512_mul_ps(_mm512_set1_ps(-beta), log_ps(s)));
}

/* y = x * s^-beta for the 16 pixels at p of one example (x, y at channel 0) */
__attribute__((target("avx512f"))) static void lrn_forward_avx512(float *y, const float *x, long p,
                                                                  __mmask16 m, const LrnGeom *lg)
{
    for (int c = 0; c < lg->c; c++) {
        const __m512 s = lrn_scale_ps(x + p, c, m, lg);
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + (long)c * lg->plane + p);
        _mm512_mask_storeu_ps(y + (long)c * lg->plane + p, m,
                              _mm512_mul_ps(xv, lrn_pow_ps(s, lg->beta)));
    }
}

/* the backward at the 16 pixels at p: pw (C, 16) and q (C, 16) scratch */
__attribute__((target("avx512f"))) static void lrn_backward_avx512(float *dx, const float *dy,
                                                                   const float *x, long p,
                                                                   __mmask16 m, const LrnGeom *lg,
                                                                   float *pw, float *q)
{
    const long pl = lg->plane;
    for (int j = 0; j < lg->c; j++) {
        const __m512 s = lrn_scale_ps(x + p, j, m, lg), pj = lrn_pow_ps(s, lg->beta);
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + (long)j * pl + p);
        const __m512 dv = _mm512_maskz_loadu_ps(m, dy + (long)j * pl + p);
        _mm512_storeu_ps(pw + 16L * j, pj);
        /* dy_j x_j s_j^(-beta-1) */
        _mm512_storeu_ps(q + 16L * j, _mm512_div_ps(_mm512_mul_ps(_mm512_mul_ps(dv, xv), pj), s));
    }
    const __m512 coef = _mm512_set1_ps(2.0f * lg->alpha * lg->beta / (float)lg->size);
    for (int i = 0; i < lg->c; i++) {
        /* the channels j whose window holds i: [i - (size-1)/2, i + size/2] */
        const int lo = i - (lg->size - 1) / 2 < 0 ? 0 : i - (lg->size - 1) / 2;
        const int hi = i + lg->size / 2 >= lg->c ? lg->c - 1 : i + lg->size / 2;
        __m512 cross = _mm512_setzero_ps();
        for (int j = lo; j <= hi; j++)
            cross = _mm512_add_ps(cross, _mm512_loadu_ps(q + 16L * j));
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + (long)i * pl + p);
        const __m512 dv = _mm512_maskz_loadu_ps(m, dy + (long)i * pl + p);
        float *d = dx + (long)i * pl + p;
        const __m512 g = _mm512_sub_ps(_mm512_mul_ps(dv, _mm512_loadu_ps(pw + 16L * i)),
                                       _mm512_mul_ps(_mm512_mul_ps(coef, xv), cross));
        _mm512_mask_storeu_ps(d, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, d), g));
    }
}
#endif

/* The 16 pixels at p of one example (x, dy and out at channel 0): y = x * s^-beta into out
 * (dy NULL), or the backward added into out (pw and q (C, 16) scratch), as the AVX-512 ones */
static void lrn_pixels_ss(float *out, const float *dy, const float *x, long p, int nl,
                          const LrnGeom *lg, float *pw, float *q)
{
    const long pl = lg->plane;
    for (int j = 0; j < lg->c; j++) {
        float s[16];
        lrn_scale_ss(s, x + p, j, nl, lg);
        for (int l = 0; l < nl; l++) {
            const long i = (long)j * pl + p + l;
            const float pj = exp_ss(-lg->beta * log_ss(s[l]));
            if (!dy) {
                out[i] = x[i] * pj;
                continue;
            }
            pw[16L * j + l] = pj;
            q[16L * j + l] = dy[i] * x[i] * pj / s[l];
        }
    }
    const float coef = 2.0f * lg->alpha * lg->beta / (float)lg->size;
    for (int i = 0; dy && i < lg->c; i++) {
        const int lo = i - (lg->size - 1) / 2 < 0 ? 0 : i - (lg->size - 1) / 2;
        const int hi = i + lg->size / 2 >= lg->c ? lg->c - 1 : i + lg->size / 2;
        for (int l = 0; l < nl; l++) {
            float cross = 0.0f;
            for (int j = lo; j <= hi; j++)
                cross += q[16L * j + l];
            const long e = (long)i * pl + p + l;
            out[e] += dy[e] * pw[16L * i + l] - coef * x[e] * cross;
        }
    }
}

/* The forward (dy NULL: out = y) or the backward (out = dx, added to) of n examples, 16
 * pixels at a time. */
static void lrn_run(float *scratch, float *out, const float *dy, const float *x, int n,
                    const LrnGeom *lg)
{
    float *pw = scratch, *q = scratch ? scratch + 16L * lg->c : NULL; /* (C, 16) each */
    for (int b = 0; b < n; b++) {
        const long off = (long)b * lg->c * lg->plane; /* example b (C, H, W) */
        for (long p = 0; p < lg->plane; p += 16) {
            const int nl = lg->plane - p < 16 ? (int)(lg->plane - p) : 16;
#if FAST_X86
            if (fc_use_avx512() && dy) {
                lrn_backward_avx512(out + off, dy + off, x + off, p, lanes(0, nl), lg, pw, q);
                continue;
            }
            if (fc_use_avx512()) {
                lrn_forward_avx512(out + off, x + off, p, lanes(0, nl), lg);
                continue;
            }
#endif
            lrn_pixels_ss(out + off, dy ? dy + off : NULL, x + off, p, nl, lg, pw, q);
        }
    }
}

void fastconv_lrn_forward(float *y, const float *x, int n, int c, int h, int w, int size,
                          float alpha, float beta, float k)
{
    const LrnGeom lg = {c, (long)h * w, size, alpha, beta, k};
    lrn_run(NULL, y, NULL, x, n, &lg);
}

void fastconv_lrn_backward(float *scratch, float *dx, const float *dy, const float *x, int n, int c,
                           int h, int w, int size, float alpha, float beta, float k)
{
    /* Differentiates y_j = x_j * s_j^-beta (act.c's lrn_backward):
     *   dx_i += dy_i * s_i^-beta - 2 alpha beta / size * x_i * sum_{j : i in win(j)} q_j,
     *   q_j = dy_j x_j s_j^(-beta-1) */
    const LrnGeom lg = {c, (long)h * w, size, alpha, beta, k};
    lrn_run(scratch, dx, dy, x, n, &lg);
}

/* ---- softmax: p = e^(z - max) / sum, by 16 classes at a time ---- */

void fastconv_softmax_forward(float *p, const float *z, int n, int k)
{
    for (int s = 0; s < n; s++) {
        const float *zs = z + (long)s * k; /* (K) */
        float *ps = p + (long)s * k;       /* (K) */
        float m = zs[0];
        for (int j = 1; j < k; j++)
            m = zs[j] > m ? zs[j] : m;
        /* the sum in 16 running lanes, then a fixed tree (sum_lanes) */
        for (int j = 0; j < k; j++)
            ps[j] = exp_ss(zs[j] - m);
        const float sum = fc_sum_lanes(ps, k);
        for (int j = 0; j < k; j++)
            ps[j] = ps[j] / sum;
    }
}
