/* test_cmd_bench.c - `convscope bench`: with --net it measures that net (the MFLOP of a
 * training image counted by hand for backprop-tiny), the JSON figures agree with each other
 * (GFLOP/s = images/s x MFLOP, the sgemm fraction = GFLOP/s per thread / the sgemm rate),
 * the sgemm's median window no faster than its best product, the default is lenet-tiny in
 * the text form, and mistakes are refused with their reason. */
#include "test.h"

#include "cli/cli.h"
#include "cmd_capture.h"

#include <math.h>
#include <unistd.h>

/* The number after "key": inside the JSON object that follows "\"obj\": {" (NAN if absent). */
static double json_member(const char *json, const char *obj, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": {", obj);
    const char *p = strstr(json, pat);
    return p ? json_number(p, key) : (double)NAN;
}

int main(void)
{
    char net[1024];
    snprintf(net, sizeof net, "%s/assets/nets/backprop-tiny.net", CONVSCOPE_SOURCE_ROOT);
    Captured *c =
        capture_run(cmd_bench_run, "bench", "--net", net, "--seconds", "0.06", "--json", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_CONTAINS(c->out, "\"net\": \"backprop-tiny\"");
    CHECK_CONTAINS(c->out, "\"data\": \"synthetic random images and labels\"");
    /* conv 2 k=3 on 8x8: 18 weights x 36 positions = 648 multiply-adds; dense 10x18 = 180;
     * training: 2 x (3 x 828 - 648, the first layer's input gradient) = 3672 FLOP */
    CHECK_NEAR(0.0037, json_number(c->out, "mflop_per_train_image"), 1e-9);
    const char *kinds[3] = {"fast_1_thread", "fast_2_threads", "reference"};
    double sgemm = json_number(c->out, "sgemm_256_gflops");
    CHECK(sgemm > 1.0);
    /* a window's rate cannot pass the best single product's */
    CHECK(json_number(c->out, "sgemm_256_best_gflops") >= sgemm);
    for (int k = 0; k < 3; k++) {
        double rate = json_member(c->out, "train_img_per_s", kinds[k]);
        double gf = json_member(c->out, "train_gflops", kinds[k]);
        double frac = json_member(c->out, "train_sgemm_fraction", kinds[k]);
        CHECK(rate > 0.0);
        CHECK_NEAR(rate * 3672e-9, gf, 1e-3 + 1e-2 * gf);
        CHECK_NEAR(rate * 3672e-9 / (sgemm * (k == 1 ? 2 : 1)), frac, 1e-4 + 1e-2 * frac);
    }
    CHECK(isfinite(json_member(c->out, "train_loss", "first")));
    CHECK(json_member(c->out, "infer_one_image_ms", "fast") > 0.0);
    CHECK_CONTAINS(c->out, "\"frames\": null");

    /* the default net, as text: its name, its cost, the sgemm and the fractions */
    c = capture_run(cmd_bench_run, "bench", "--seconds", "0.06", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_CONTAINS(c->out, "net lenet-tiny, batch 32, SGD lr 0.01 momentum 0.9");
    CHECK_CONTAINS(c->out, "a training image costs 2.57 MFLOP");
    CHECK_CONTAINS(c->out, "sgemm 256x256x256, 1 thread");
    CHECK_CONTAINS(c->out, "img/s   GFLOP/s  of sgemm  vs reference");
    CHECK_CONTAINS(c->out, "fast path, 2 threads");
    CHECK_CONTAINS(c->out, "application frame times");

    /* mistakes */
    c = capture_run(cmd_bench_run, "bench", "--net", "/nonexistent/x.net", NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "/nonexistent/x.net: cannot open");
    char bad[] = "/tmp/convscope-test-bench-XXXXXX";
    int fd = mkstemp(bad);
    CHECK(fd >= 0);
    if (fd >= 0) {
        const char text[] = "input 1 8 8\nconv 2 k=9\n";
        CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
        close(fd);
        c = capture_run(cmd_bench_run, "bench", "--net", bad, NULL);
        CHECK_INT_EQ(1, c->status);
        char want[128];
        snprintf(want, sizeof want, "%s:2: conv k=9 on input 1x8x8", bad);
        CHECK_CONTAINS(c->err, want);
        unlink(bad);
    }
    c = capture_run(cmd_bench_run, "bench", "--seconds", "0", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "--seconds needs a number of seconds");
    c = capture_run(cmd_bench_run, "bench", "--net", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "usage: convscope bench [--net F] [--seconds S] [--json]");
    c = capture_run(cmd_bench_run, "bench", "--fast", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "unknown option or missing value: '--fast'");
    return test_summary();
}
