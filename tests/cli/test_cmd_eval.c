/* test_cmd_eval.c - `convscope eval`: accuracy and confusion matrix of a freshly trained
 * model, the JSON form agreeing with the text form, and damaged or missing inputs refused. */
#include "test.h"

#include "cli/cli.h"
#include "cmd_capture.h"

#include <math.h>
#include <unistd.h>

static char tmpdir[256];

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/convscope-test-eval-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    char model[512];
    snprintf(model, sizeof model, "%s/m.cnn", tmpdir);
    Captured *c = capture_run(cmd_train_run, "train", "--limit", "200", "--epochs", "1", "--save",
                              model, "--json", NULL);
    CHECK_INT_EQ(0, c->status);
    double train_acc = json_number(c->out, "test_accuracy");

    c = capture_run(cmd_eval_run, "eval", "--model", model, "--limit", "200", "--json", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_NEAR(train_acc, json_number(c->out, "accuracy"), 1e-9);
    long correct = (long)json_number(c->out, "correct");
    CHECK_NEAR(train_acc * 200.0, (double)correct, 0.5);
    CHECK_CONTAINS(c->out, "\"classes\": [\"0\", \"1\", \"2\"");
    /* the matrix: 10 rows of 10 counts adding up to 200, its diagonal to `correct` */
    const char *p = strstr(c->out, "\"confusion\": [");
    CHECK(p != NULL);
    long total = 0, diag = 0, cells = 0;
    if (p) {
        p += strlen("\"confusion\": [");
        for (int t = 0; t < 10; t++) {
            p = strchr(p, '[');
            if (!p)
                break;
            p++;
            for (int q = 0; q < 10; q++) {
                char *end;
                long v = strtol(p, &end, 10);
                total += v;
                diag += t == q ? v : 0;
                cells++;
                p = end + (*end == ',' ? 1 : 0);
            }
        }
    }
    CHECK_INT_EQ(100, cells);
    CHECK_INT_EQ(200, total);
    CHECK_INT_EQ(correct, diag);

    /* the text form says the same */
    c = capture_run(cmd_eval_run, "eval", "--model", model, "--limit", "200", NULL);
    CHECK_INT_EQ(0, c->status);
    char want[128];
    snprintf(want, sizeof want, "accuracy %.2f%% (%ld of 200 test images)", 100.0 * train_acc,
             correct);
    CHECK_CONTAINS(c->out, want);
    CHECK_CONTAINS(c->out, "confusion matrix (rows: true class, columns: predicted class)");

    /* mistakes */
    c = capture_run(cmd_eval_run, "eval", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "--model F.cnn is required");
    char bad[600];
    snprintf(bad, sizeof bad, "%s/bad.cnn", tmpdir);
    FILE *f = fopen(bad, "wb");
    fputs("not a model at all", f);
    fclose(f);
    c = capture_run(cmd_eval_run, "eval", "--model", bad, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "bad.cnn");
    CHECK_STR_EQ("", c->out);
    c = capture_run(cmd_eval_run, "eval", "--model", model, "--data", tmpdir, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "no t10k-images-idx3-ubyte (or .gz) in this folder");
    CHECK_STR_EQ("", c->out);
    /* a folder as the model (it used to say "truncated at byte 0") */
    c = capture_run(cmd_eval_run, "eval", "--model", "/tmp", NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_STR_EQ("convscope eval: /tmp: is a folder, not a file\n", c->err);
    /* a file as the data folder */
    c = capture_run(cmd_eval_run, "eval", "--model", model, "--data", model, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "not a folder (--data wants a folder");

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_summary();
}
