/* cmd_bench.c - `convscope bench [--json]`: the performance figures.
 *
 * Trains the default net (assets/nets/lenet-tiny.net, seed 1) with batch 32 and SGD
 * (lr 0.01, momentum 0.9) on the first 1024 bundled training digits (synthetic random images
 * when the digits cannot be read, and it says so): the fast path on 1 and 2 threads and the
 * reference ops, each for a fixed time after a warm-up, in images per second (the median of
 * WINDOWS consecutive windows, so a burst of other work on a shared machine moves it less;
 * tests/bench/torch_bench.py measures PyTorch the same way); the latency of classifying one
 * image (median of many); the arithmetic rate these mean; one sgemm rate; and the
 * application's frame times through cli_frame_bench(). About 20 s in all. */
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

/* The images every measurement uses: x (N_IMAGES, 1, 28, 28), labels (N_IMAGES). */
typedef struct BenchData {
    float *x;
    int labels[N_IMAGES];
    char what[160];
} BenchData;

static bool data_load(BenchData *d, long in_elems)
{
    d->x = malloc((size_t)N_IMAGES * (size_t)in_elems * sizeof(float));
    if (!d->x)
        return false;
    char dir[1024], err[ERR_SIZE];
    Dataset ds;
    memset(&ds, 0, sizeof ds);
    if (in_elems == 28 * 28 && assets_path(dir, sizeof dir, "assets/digits") &&
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
        d->labels[i] = (int)rng_below(&rng, 10);
    snprintf(d->what, sizeof d->what,
             "synthetic random images (the bundled digits were not found)");
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

typedef struct TrainResult {
    double img_per_s; /* the median window's rate */
    double window_img_per_s[WINDOWS];
    float loss_first, loss_last;
    long steps;
} TrainResult;

/* Trains a fresh net (seed 1) on threads (0: the reference ops) for about `seconds` after
 * `warmup` steps, timed in WINDOWS windows of seconds / WINDOWS. False with err when the net
 * cannot be built. */
static bool bench_train(const char *net_path, const BenchData *d, int threads, double seconds,
                        int warmup, TrainResult *r, char *err, size_t err_size)
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
            window_first = step + 1;
            t0 = t;
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

/* GFLOP/s of one-thread sgemm on 256x256x256, best of a few runs. */
static double bench_sgemm(void)
{
    const int n = 256;
    float *a = malloc((size_t)n * n * sizeof *a), *b = malloc((size_t)n * n * sizeof *b);
    float *c = malloc((size_t)n * n * sizeof *c);
    if (!a || !b || !c) {
        free(a);
        free(b);
        free(c);
        return 0.0;
    }
    Rng rng;
    rng_seed(&rng, 2);
    for (long i = 0; i < (long)n * n; i++) {
        a[i] = rng_uniform(&rng);
        b[i] = rng_uniform(&rng);
    }
    double best = 1e9;
    for (int r = 0; r < 20; r++) {
        double t0 = now_seconds();
        gemm_sgemm(false, false, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        double dt = now_seconds() - t0;
        best = dt < best ? dt : best;
    }
    free(a);
    free(b);
    free(c);
    return 2.0 * n * n * n / best / 1e9;
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

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

int cmd_bench(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else {
            fprintf(stderr,
                    "convscope bench: unknown option '%s'\nusage: convscope bench "
                    "[--json]\n",
                    argv[i]);
            return 2;
        }
    }
    char net_path[1024], err[ERR_SIZE];
    if (!assets_path(net_path, sizeof net_path, "assets/nets/lenet-tiny.net")) {
        fprintf(stderr, "convscope bench: %s: not found\n", net_path);
        return 1;
    }
    Net *probe = net_load(net_path, 1, err, sizeof err);
    if (!probe) {
        fprintf(stderr, "convscope bench: %s\n", err);
        return 1;
    }
    /* forward, dW and dx each cost the forward's multiply-adds, except the first layer's dx,
     * which training does not compute (NetActs.skip_dx) */
    const NetSpec *sp = &probe->spec;
    double mflop =
        2.0 * (3.0 * forward_macs(sp, 0, sp->n_layers - 1) - forward_macs(sp, 0, 0)) / 1e6;
    long in_elems = shape_elems(probe->spec.input);
    net_destroy(probe);
    BenchData d;
    if (!data_load(&d, in_elems)) {
        fprintf(stderr, "convscope bench: out of memory\n");
        return 1;
    }
    char cpu[256];
    cpu_name(cpu, sizeof cpu);
    if (!json) {
        printf("convscope bench: %s, sgemm kernel %s\n", cpu, gemm_kernel_name(gemm_kernel_best()));
        printf("net lenet-tiny, batch %d, SGD lr %g momentum %g; data: %s\n", BATCH, (double)LR,
               (double)MOMENTUM, d.what);
        printf("a training image costs %.2f MFLOP (conv and dense: forward, weight gradients, and "
               "input gradients but the first layer's)\n\n",
               mflop);
        fflush(stdout);
    }

    /* threads of each training run: fast 1, fast 2, reference (0) */
    const int configs[3] = {1, 2, 0};
    const double seconds[3] = {3.0, 3.0, 2.0};
    const int warmups[3] = {20, 20, 1};
    TrainResult tr[3];
    memset(tr, 0, sizeof tr);
    for (int k = 0; k < 3; k++)
        if (!bench_train(net_path, &d, configs[k], seconds[k], warmups[k], &tr[k], err,
                         sizeof err)) {
            fprintf(stderr, "convscope bench: %s\n", err);
            free(d.x);
            return 1;
        }
    double infer_fast = 0.0, infer_ref = 0.0;
    if (!bench_infer(net_path, &d, 1, 5000, &infer_fast, err, sizeof err) ||
        !bench_infer(net_path, &d, 0, 40, &infer_ref, err, sizeof err)) {
        fprintf(stderr, "convscope bench: %s\n", err);
        free(d.x);
        return 1;
    }
    double sgemm = bench_sgemm();
    CliFrameBench frames = cli_frame_bench();

    if (json) {
        printf("{\"cpu\": ");
        json_string(cpu);
        printf(", \"sgemm_kernel\": \"%s\", \"net\": \"lenet-tiny\", \"batch\": %d, "
               "\"optimizer\": \"sgd\", \"lr\": %g, \"momentum\": %g, \"data\": ",
               gemm_kernel_name(gemm_kernel_best()), BATCH, (double)LR, (double)MOMENTUM);
        json_string(d.what);
        printf(", \"mflop_per_train_image\": %.4f", mflop);
        printf(", \"train_img_per_s\": {\"fast_1_thread\": %.1f, \"fast_2_threads\": %.1f, "
               "\"reference\": %.1f}",
               tr[0].img_per_s, tr[1].img_per_s, tr[2].img_per_s);
        const char *keys[3] = {"fast_1_thread", "fast_2_threads", "reference"};
        printf(", \"train_img_per_s_windows\": {");
        for (int k = 0; k < 3; k++) {
            printf("%s\"%s\": [", k ? ", " : "", keys[k]);
            for (int i = 0; i < WINDOWS; i++)
                printf("%s%.1f", i ? ", " : "", tr[k].window_img_per_s[i]);
            printf("]");
        }
        printf("}");
        printf(", \"train_gflops\": {\"fast_1_thread\": %.3f, \"fast_2_threads\": %.3f, "
               "\"reference\": %.4f}",
               tr[0].img_per_s * mflop / 1e3, tr[1].img_per_s * mflop / 1e3,
               tr[2].img_per_s * mflop / 1e3);
        printf(", \"train_loss\": {\"first\": %.4f, \"last_fast_1_thread\": %.4f}",
               (double)tr[0].loss_first, (double)tr[0].loss_last);
        printf(", \"infer_one_image_ms\": {\"fast\": %.5f, \"reference\": %.4f}", infer_fast,
               infer_ref);
        printf(", \"sgemm_256_gflops\": %.2f", sgemm);
        if (frames) {
            printf(", ");
            fflush(stdout);
            frames(stdout, true);
        } else {
            printf(", \"frames\": null");
        }
        printf("}\n");
    } else {
        printf("training (images/s, the median of %d windows)\n", WINDOWS);
        printf("                                 img/s   GFLOP/s  vs reference\n");
        const char *names[3] = {"fast path, 1 thread ", "fast path, 2 threads",
                                "reference ops       "};
        for (int k = 0; k < 3; k++)
            printf("  %s   %10.0f  %8.2f  %9.1fx\n", names[k], tr[k].img_per_s,
                   tr[k].img_per_s * mflop / 1e3, tr[k].img_per_s / tr[2].img_per_s);
        printf("  (loss %.3f at the first step, %.3f after %ld timed steps on 1 thread)\n",
               (double)tr[0].loss_first, (double)tr[0].loss_last, tr[0].steps);
        printf("inference of one image (median)\n");
        printf("  fast path              %9.4f ms\n", infer_fast);
        printf("  reference ops          %9.4f ms\n", infer_ref);
        printf("sgemm 256x256x256, 1 thread  %.1f GFLOP/s\n", sgemm);
        printf("application frame times\n");
        fflush(stdout);
        if (frames)
            frames(stdout, false);
        else
            printf("  not measured: this program was built without the application\n");
    }
    fflush(stdout);
    free(d.x);
    return 0;
}
