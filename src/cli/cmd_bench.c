/* cmd_bench.c - `convscope bench [--net F] [--seconds S] [--json]`: the performance figures.
 *
 * Trains a net (the default assets/nets/lenet-tiny.net, or --net F; seed 1) with batch 32
 * and SGD (lr 0.01, momentum 0.9) on the first 1024 bundled training digits (synthetic random
 * images and labels when the net does not take 28x28 digits with 10 classes or more, or the
 * digits cannot be read, and it says so): the fast path on 1 and 2 threads and the reference
 * ops, each for a fixed time after a warm-up, in images per second (the median of WINDOWS
 * consecutive windows, so a burst of other work on a shared machine moves it less;
 * tests/bench/torch_bench.py measures PyTorch the same way); the latency of classifying one
 * image (median of many); the arithmetic rate these mean, also as a fraction of a one-thread
 * sgemm's rate timed in windows between the 1-thread training windows; and the
 * application's frame times through cli_frame_bench(). About 20 s in all with the default
 * --seconds 3. */
#include "cli/cli.h"
#include "engine/assets.h"
#include "engine/gemm.h"
#include "engine/idx.h"
#include "engine/net.h"
#include "engine/optim.h"
#include "engine/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH    32
#define N_IMAGES 1024 /* 32 batches, cycled */
#define LR       0.01f
#define MOMENTUM 0.9f
#define ERR_SIZE 1024
#define WINDOWS  6 /* timing windows of one training measurement */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The images every measurement uses: x (N_IMAGES, input), labels (N_IMAGES). */
typedef struct BenchData {
    float *x;
    int labels[N_IMAGES];
    char what[160];
} BenchData;

/* The digits when the net takes them (in_elems 28x28, k >= 10 classes), else random images
 * in [0, 1) with random labels in [0, k) from a fixed seed. */
static bool data_load(BenchData *d, long in_elems, int k)
{
    d->x = malloc((size_t)N_IMAGES * (size_t)in_elems * sizeof(float));
    if (!d->x)
        return false;
    char dir[1024], err[ERR_SIZE];
    Dataset ds;
    memset(&ds, 0, sizeof ds);
    if (in_elems == 28 * 28 && k >= 10 && assets_path(dir, sizeof dir, "assets/digits") &&
        dataset_load_part(&ds, dir, DATASET_TRAIN, N_IMAGES, err, sizeof err) && ds.n >= N_IMAGES &&
        ds.h == 28 && ds.w == 28) {
        for (int i = 0; i < N_IMAGES; i++) {
            dataset_image(&ds, i, d->x + (long)i * in_elems);
            d->labels[i] = ds.labels[i];
        }
        snprintf(d->what, sizeof d->what, "bundled digits (the first %d training images)",
                 N_IMAGES);
        dataset_free(&ds);
        return true;
    }
    dataset_free(&ds);
    /* no digits: random images in [0, 1) with random labels, from a fixed seed */
    Rng rng;
    rng_seed(&rng, 1);
    for (long i = 0; i < (long)N_IMAGES * in_elems; i++)
        d->x[i] = rng_uniform(&rng);
    for (int i = 0; i < N_IMAGES; i++)
        d->labels[i] = (int)rng_below(&rng, (uint32_t)k);
    snprintf(d->what, sizeof d->what, "synthetic random images and labels%s",
             in_elems == 28 * 28 && k >= 10 ? " (the bundled digits were not found)" : "");
    return true;
}

/* Multiply-adds of one example's forward through the conv and dense layers first..last. */
static double forward_macs(const NetSpec *sp, int first, int last)
{
    double macs = 0.0;
    for (int i = first; i <= last; i++) {
        const Layer *l = &sp->layers[i];
        if (l->kind == LAYER_CONV || l->kind == LAYER_DECONV)
            macs += (double)l->n_w * (l->kind == LAYER_CONV ? (double)l->out.h * l->out.w
                                                            : (double)l->in.h * l->in.w);
        else if (l->kind == LAYER_DENSE)
            macs += (double)l->n_w;
    }
    return macs;
}

/* The yardstick: a one-thread sgemm on 256x256x256 matrices, timed in windows interleaved
 * with the one-thread training windows, so that both meet the same moments of a shared
 * machine and their ratio compares like with like. */
#define SGEMM_N 256

typedef struct SgemmBench {
    float *a, *b, *c; /* (N, N) each */
    double window_gflops[WINDOWS];
    int windows;
    double best_seconds; /* the fastest single product */
} SgemmBench;

static bool sgemm_init(SgemmBench *s)
{
    const size_t nn = (size_t)SGEMM_N * SGEMM_N;
    memset(s, 0, sizeof *s);
    s->a = malloc(nn * sizeof(float));
    s->b = malloc(nn * sizeof(float));
    s->c = malloc(nn * sizeof(float));
    if (!s->a || !s->b || !s->c)
        return false;
    Rng rng;
    rng_seed(&rng, 2);
    for (size_t i = 0; i < nn; i++) {
        s->a[i] = rng_uniform(&rng);
        s->b[i] = rng_uniform(&rng);
    }
    s->best_seconds = 1e9;
    for (int r = 0; r < 3; r++) /* warm-up */
        gemm_sgemm(false, false, SGEMM_N, SGEMM_N, SGEMM_N, 1.0f, s->a, SGEMM_N, s->b, SGEMM_N,
                   0.0f, s->c, SGEMM_N);
    return true;
}

static void sgemm_free(SgemmBench *s)
{
    free(s->a);
    free(s->b);
    free(s->c);
}

/* Products for about `seconds`: one more window's GFLOP/s. */
static void sgemm_window(SgemmBench *s, double seconds)
{
    const double flop = 2.0 * SGEMM_N * SGEMM_N * SGEMM_N;
    long products = 0;
    double w0 = now_seconds(), t = w0;
    while (t - w0 < seconds || products == 0) {
        double t0 = now_seconds();
        gemm_sgemm(false, false, SGEMM_N, SGEMM_N, SGEMM_N, 1.0f, s->a, SGEMM_N, s->b, SGEMM_N,
                   0.0f, s->c, SGEMM_N);
        t = now_seconds();
        s->best_seconds = t - t0 < s->best_seconds ? t - t0 : s->best_seconds;
        products++;
    }
    if (s->windows < WINDOWS)
        s->window_gflops[s->windows++] = products * flop / (t - w0) / 1e9;
}

/* The median window's GFLOP/s (0 before any window) and the best single product's. */
static double sgemm_gflops(const SgemmBench *s, double *best)
{
    double sorted[WINDOWS];
    memcpy(sorted, s->window_gflops, sizeof sorted);
    qsort(sorted, (size_t)s->windows, sizeof sorted[0], cmp_double);
    *best = 2.0 * SGEMM_N * SGEMM_N * SGEMM_N / s->best_seconds / 1e9;
    return s->windows ? (sorted[(s->windows - 1) / 2] + sorted[s->windows / 2]) / 2.0 : 0.0;
}

typedef struct TrainResult {
    double img_per_s; /* the median window's rate */
    double window_img_per_s[WINDOWS];
    float loss_first, loss_last;
    long steps;
} TrainResult;

/* Trains a fresh net (seed 1) on threads (0: the reference ops) for about `seconds` after
 * `warmup` steps, timed in WINDOWS windows of seconds / WINDOWS; after each window, when sg is
 * not NULL, an sgemm window a third as long. False with err when the net cannot be built. */
static bool bench_train(const char *net_path, const BenchData *d, int threads, double seconds,
                        int warmup, SgemmBench *sg, TrainResult *r, char *err, size_t err_size)
{
    Net *net = net_load(net_path, 1, err, err_size);
    if (!net)
        return false;
    NetActs *a = net_acts_create(net, BATCH);
    Optim *opt = optim_create_sgd(net->n_params, LR, MOMENTUM);
    if (!a || !opt || !net_set_threads(net, threads)) {
        snprintf(err, err_size, "out of memory or threads for %d threads", threads);
        net_acts_destroy(a);
        optim_destroy(opt);
        net_destroy(net);
        return false;
    }
    /* as the trainer: no gradient with respect to the images */
    a->skip_dx = true;
    long in_elems = shape_elems(net->spec.input);
    long step = 0, window_first = warmup;
    int window = 0;
    double t0 = 0.0;
    for (;; step++) {
        if (step == warmup)
            t0 = now_seconds();
        int first = (int)(step % (N_IMAGES / BATCH)) * BATCH;
        float loss =
            net_train_step(net, a, d->x + (long)first * in_elems, d->labels + first, BATCH);
        optim_step(opt, net->params, net->grads);
        if (step == 0)
            r->loss_first = loss;
        r->loss_last = loss;
        if (step < warmup + 1)
            continue;
        double t = now_seconds();
        if (t - t0 >= seconds / WINDOWS) {
            r->window_img_per_s[window++] = (double)(step + 1 - window_first) * BATCH / (t - t0);
            if (sg)
                sgemm_window(sg, seconds / WINDOWS / 3.0);
            window_first = step + 1;
            t0 = now_seconds();
            if (window == WINDOWS)
                break;
        }
    }
    r->steps = step + 1 - warmup;
    double sorted[WINDOWS];
    memcpy(sorted, r->window_img_per_s, sizeof sorted);
    qsort(sorted, WINDOWS, sizeof sorted[0], cmp_double);
    r->img_per_s = (sorted[(WINDOWS - 1) / 2] + sorted[WINDOWS / 2]) / 2.0;
    net_acts_destroy(a);
    optim_destroy(opt);
    net_destroy(net);
    return true;
}

/* Median milliseconds of net_forward on one image over `runs` runs. */
static bool bench_infer(const char *net_path, const BenchData *d, int threads, int runs, double *ms,
                        char *err, size_t err_size)
{
    Net *net = net_load(net_path, 1, err, err_size);
    if (!net)
        return false;
    NetActs *a = net_acts_create(net, 1);
    double *t = malloc((size_t)runs * sizeof *t);
    if (!a || !t || !net_set_threads(net, threads)) {
        snprintf(err, err_size, "out of memory");
        free(t);
        net_acts_destroy(a);
        net_destroy(net);
        return false;
    }
    long in_elems = shape_elems(net->spec.input);
    volatile int sink = 0; /* the answer is used, so nothing is optimised away */
    for (int i = -runs / 10 - 1; i < runs; i++) {
        const float *x = d->x + (long)((i + runs) % N_IMAGES) * in_elems;
        double t0 = now_seconds();
        net_forward(net, a, x, 1);
        sink += net_predict_class(net, a, 0);
        if (i >= 0)
            t[i] = (now_seconds() - t0) * 1e3;
    }
    (void)sink;
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    *ms = t[runs / 2];
    free(t);
    net_acts_destroy(a);
    net_destroy(net);
    return true;
}

static void cpu_name(char *out, size_t size)
{
    snprintf(out, size, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *v = strchr(line, ':');
        if (v) {
            v++;
            while (*v == ' ')
                v++;
            snprintf(out, size, "%s", v);
            out[strcspn(out, "\n")] = '\0';
        }
        break;
    }
    fclose(f);
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(out, "\\u%04x", *s);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

/* The net's name: the file name without its folder and its ".net". */
static void net_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base) < size - 1 ? strlen(base) : size - 1;
    memcpy(out, base, len);
    out[len] = '\0';
    if (len > 4 && strcmp(out + len - 4, ".net") == 0)
        out[len - 4] = '\0';
}

static int usage(FILE *err, const char *what, const char *arg)
{
    fprintf(err,
            "convscope bench: %s '%s'\nusage: convscope bench [--net F] [--seconds S] "
            "[--json]\n",
            what, arg);
    return 2;
}

int cmd_bench_run(int argc, char **argv, FILE *out, FILE *err)
{
    bool json = false;
    const char *net_arg = NULL;
    double train_seconds = 3.0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--net") == 0 && i + 1 < argc) {
            net_arg = argv[++i];
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            char *end = NULL;
            train_seconds = strtod(argv[++i], &end);
            if (end == argv[i] || *end != '\0' || !(train_seconds > 0.0 && train_seconds <= 3600.0))
                return usage(err, "--seconds needs a number of seconds in (0, 3600], not", argv[i]);
        } else {
            return usage(err, "unknown option or missing value:", argv[i]);
        }
    }
    char net_path[1024], err_text[ERR_SIZE], name[256];
    if (net_arg) {
        snprintf(net_path, sizeof net_path, "%s", net_arg);
    } else if (!assets_path(net_path, sizeof net_path, "assets/nets/lenet-tiny.net")) {
        fprintf(err, "convscope bench: %s: not found\n", net_path);
        return 1;
    }
    net_name(net_path, name, sizeof name);
    Net *probe = net_load(net_path, 1, err_text, sizeof err_text);
    if (!probe) {
        fprintf(err, "convscope bench: %s\n", err_text);
        return 1;
    }
    /* forward, dW and dx each cost the forward's multiply-adds, except the first layer's dx,
     * which training does not compute (NetActs.skip_dx) */
    const NetSpec *sp = &probe->spec;
    double mflop =
        2.0 * (3.0 * forward_macs(sp, 0, sp->n_layers - 1) - forward_macs(sp, 0, 0)) / 1e6;
    long in_elems = shape_elems(sp->input);
    int k = (int)shape_elems(sp->layers[sp->n_layers - 1].out);
    net_destroy(probe);
    BenchData d;
    if (!data_load(&d, in_elems, k)) {
        fprintf(err, "convscope bench: out of memory\n");
        return 1;
    }
    char cpu[256];
    cpu_name(cpu, sizeof cpu);
    if (!json) {
        fprintf(out, "convscope bench: %s, sgemm kernel %s\n", cpu,
                gemm_kernel_name(gemm_kernel_best()));
        fprintf(out, "net %s, batch %d, SGD lr %g momentum %g; data: %s\n", name, BATCH, (double)LR,
                (double)MOMENTUM, d.what);
        fprintf(out,
                "a training image costs %.3g MFLOP (conv and dense: forward, weight gradients, "
                "and input gradients but the first layer's)\n\n",
                mflop);
        fflush(out);
    }

    SgemmBench sg;
    if (!sgemm_init(&sg)) {
        sgemm_free(&sg);
        free(d.x);
        fprintf(err, "convscope bench: out of memory\n");
        return 1;
    }
    /* threads of each training run: fast 1, fast 2, reference (0) */
    const int configs[3] = {1, 2, 0};
    const double seconds[3] = {train_seconds, train_seconds, train_seconds * 2.0 / 3.0};
    const int warmups[3] = {20, 20, 1};
    TrainResult tr[3];
    memset(tr, 0, sizeof tr);
    for (int c = 0; c < 3; c++)
        if (!bench_train(net_path, &d, configs[c], seconds[c], warmups[c], c == 0 ? &sg : NULL,
                         &tr[c], err_text, sizeof err_text)) {
            fprintf(err, "convscope bench: %s\n", err_text);
            sgemm_free(&sg);
            free(d.x);
            return 1;
        }
    double sgemm_best = 0.0, sgemm = sgemm_gflops(&sg, &sgemm_best);
    sgemm_free(&sg);
    double infer_fast = 0.0, infer_ref = 0.0;
    if (!bench_infer(net_path, &d, 1, 5000, &infer_fast, err_text, sizeof err_text) ||
        !bench_infer(net_path, &d, 0, 40, &infer_ref, err_text, sizeof err_text)) {
        fprintf(err, "convscope bench: %s\n", err_text);
        free(d.x);
        return 1;
    }
    CliFrameBench frames = net_arg ? NULL : cli_frame_bench();
    /* training GFLOP/s, and per thread as a fraction of the one-thread sgemm */
    double gflops[3], frac[3];
    for (int c = 0; c < 3; c++) {
        gflops[c] = tr[c].img_per_s * mflop / 1e3;
        frac[c] = sgemm > 0.0 ? gflops[c] / (sgemm * (configs[c] > 1 ? configs[c] : 1)) : 0.0;
    }

    if (json) {
        fprintf(out, "{\"cpu\": ");
        json_string(out, cpu);
        fprintf(out, ", \"sgemm_kernel\": \"%s\", \"net\": ", gemm_kernel_name(gemm_kernel_best()));
        json_string(out, name);
        fprintf(out, ", \"net_file\": ");
        json_string(out, net_path);
        fprintf(out,
                ", \"batch\": %d, \"optimizer\": \"sgd\", \"lr\": %g, \"momentum\": %g, "
                "\"data\": ",
                BATCH, (double)LR, (double)MOMENTUM);
        json_string(out, d.what);
        fprintf(out, ", \"mflop_per_train_image\": %.4f", mflop);
        fprintf(out,
                ", \"train_img_per_s\": {\"fast_1_thread\": %.1f, \"fast_2_threads\": %.1f, "
                "\"reference\": %.1f}",
                tr[0].img_per_s, tr[1].img_per_s, tr[2].img_per_s);
        const char *keys[3] = {"fast_1_thread", "fast_2_threads", "reference"};
        fprintf(out, ", \"train_img_per_s_windows\": {");
        for (int c = 0; c < 3; c++) {
            fprintf(out, "%s\"%s\": [", c ? ", " : "", keys[c]);
            for (int i = 0; i < WINDOWS; i++)
                fprintf(out, "%s%.1f", i ? ", " : "", tr[c].window_img_per_s[i]);
            fprintf(out, "]");
        }
        fprintf(out, "}");
        fprintf(out,
                ", \"train_gflops\": {\"fast_1_thread\": %.3f, \"fast_2_threads\": %.3f, "
                "\"reference\": %.4f}",
                gflops[0], gflops[1], gflops[2]);
        fprintf(out,
                ", \"train_sgemm_fraction\": {\"fast_1_thread\": %.4f, \"fast_2_threads\": %.4f, "
                "\"reference\": %.5f}",
                frac[0], frac[1], frac[2]);
        fprintf(out, ", \"train_loss\": {\"first\": %.4f, \"last_fast_1_thread\": %.4f}",
                (double)tr[0].loss_first, (double)tr[0].loss_last);
        fprintf(out, ", \"infer_one_image_ms\": {\"fast\": %.5f, \"reference\": %.4f}", infer_fast,
                infer_ref);
        fprintf(out, ", \"sgemm_256_gflops\": %.2f, \"sgemm_256_best_gflops\": %.2f", sgemm,
                sgemm_best);
        if (frames) {
            fprintf(out, ", ");
            fflush(out);
            frames(out, true);
        } else {
            fprintf(out, ", \"frames\": null");
        }
        fprintf(out, "}\n");
    } else {
        fprintf(out,
                "sgemm 256x256x256, 1 thread  %.1f GFLOP/s (the median of %d windows between the "
                "1-thread training windows; the best single product %.1f)\n",
                sgemm, WINDOWS, sgemm_best);
        fprintf(out,
                "training (images/s, the median of %d windows; GFLOP/s per thread as a "
                "fraction of that sgemm)\n",
                WINDOWS);
        fprintf(out, "                                 img/s   GFLOP/s  of sgemm  vs reference\n");
        const char *names[3] = {"fast path, 1 thread ", "fast path, 2 threads",
                                "reference ops       "};
        for (int c = 0; c < 3; c++)
            fprintf(out, "  %s   %10.0f  %8.2f  %7.1f%%  %11.1fx\n", names[c], tr[c].img_per_s,
                    gflops[c], 100.0 * frac[c], tr[c].img_per_s / tr[2].img_per_s);
        fprintf(out, "  (loss %.3f at the first step, %.3f after %ld timed steps on 1 thread)\n",
                (double)tr[0].loss_first, (double)tr[0].loss_last, tr[0].steps);
        fprintf(out, "inference of one image (median)\n");
        fprintf(out, "  fast path              %9.4f ms\n", infer_fast);
        fprintf(out, "  reference ops          %9.4f ms\n", infer_ref);
        if (!net_arg) {
            fprintf(out, "application frame times\n");
            fflush(out);
            if (frames)
                frames(out, false);
            else
                fprintf(out, "  not measured: this program was built without the application\n");
        }
    }
    fflush(out);
    free(d.x);
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    return cmd_bench_run(argc, argv, stdout, stderr);
}
