/* test_cmd_train.c - `convscope train` on small slices of the bundled digits: the JSON
 * report, determinism, the saved model read back by eval with the same accuracy, and every
 * mistake reported with the file named and nothing written. */
#include "test.h"

#include "cli/cli.h"
#include "cmd_capture.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_json_and_determinism(void)
{
    char model[512];
    snprintf(model, sizeof model, "%s/m.cnn", tmpdir);
    Captured *c = capture_run(cmd_train_run, "train", "--limit", "300", "--epochs", "2", "--seed",
                              "3", "--threads", "2", "--save", model, "--json", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_STR_EQ("", c->err); /* not a terminal: no progress bar */
    char first[16384];
    snprintf(first, sizeof first, "%s", c->out);
    /* one JSON object on one line */
    CHECK(first[0] == '{');
    CHECK(strchr(first, '\n') == first + strlen(first) - 1);
    CHECK_CONTAINS(first, "lenet-tiny.net\"");
    CHECK_CONTAINS(first, "assets/digits\"");
    CHECK_INT_EQ(2, json_number(first, "epochs"));
    CHECK_INT_EQ(16, json_number(first, "batch"));
    CHECK_INT_EQ(2, json_number(first, "threads"));
    CHECK_INT_EQ(300, json_number(first, "train_images"));
    CHECK_INT_EQ(300, json_number(first, "test_images"));
    CHECK_INT_EQ(600, json_number(first, "images_seen"));
    CHECK_INT_EQ(2 * 19, json_number(first, "steps")); /* ceil(300 / 16) = 19 per epoch */
    CHECK_INT_EQ(208 + 3216 + 4010, json_number(first, "parameters"));
    double acc = json_number(first, "test_accuracy");
    double loss = json_number(first, "final_loss");
    double secs = json_number(first, "train_seconds");
    double ips = json_number(first, "images_per_sec");
    /* 300 digits, 2 epochs: far better than chance (measured 0.85), far from perfect */
    CHECK(acc > 0.6 && acc < 1.0);
    CHECK(loss > 0.0 && loss < 2.0);
    CHECK(secs > 0.0);
    CHECK_NEAR(600.0 / secs, ips, 0.05 * ips + 0.1);
    CHECK_CONTAINS(first, "\"optimizer\": \"adam\"");
    CHECK(exists(model));

    /* the same run again: the same numbers, and the thread count does not change them */
    c = capture_run(cmd_train_run, "train", "--limit", "300", "--epochs", "2", "--seed", "3",
                    "--threads", "1", "--json", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_NEAR(acc, json_number(c->out, "test_accuracy"), 0.0);
    CHECK_NEAR(loss, json_number(c->out, "final_loss"), 0.0);
    /* another seed: other numbers */
    c = capture_run(cmd_train_run, "train", "--limit", "300", "--epochs", "2", "--seed", "4",
                    "--json", NULL);
    CHECK(json_number(c->out, "final_loss") != loss);

    /* eval reads the saved model and finds the same accuracy on the same 300 images */
    c = capture_run(cmd_eval_run, "eval", "--model", model, "--limit", "300", "--json", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_NEAR(acc, json_number(c->out, "accuracy"), 1e-9);
    CHECK_INT_EQ(300, json_number(c->out, "test_images"));

    /* the plain report */
    c = capture_run(cmd_train_run, "train", "--limit", "100", "--epochs", "1", "--optimizer", "sgd",
                    NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_CONTAINS(c->out, "100 training and 100 test images, 1 epochs, batch 16, sgd lr 0.05");
    CHECK_CONTAINS(c->out, "epoch 1/1: mean training loss ");
    CHECK_CONTAINS(c->out, "test accuracy ");
}

static void test_mistakes(void)
{
    char model[512], dir[512], path[1024];
    snprintf(model, sizeof model, "%s/never.cnn", tmpdir);
    Captured *c = capture_run(cmd_train_run, "train", "--epochs", "zero", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "--epochs wants a whole number from 1 to 1000, got 'zero'");
    c = capture_run(cmd_train_run, "train", "--lr", "-1", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "--lr wants a number > 0");
    c = capture_run(cmd_train_run, "train", "--optimizer", "rmsprop", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "--optimizer wants sgd or adam, got 'rmsprop'");
    c = capture_run(cmd_train_run, "train", "--batch", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "--batch needs a value");
    c = capture_run(cmd_train_run, "train", "--frobnicate", "1", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "unknown option '--frobnicate'");

    /* a folder without the data: named, nothing saved */
    c = capture_run(cmd_train_run, "train", "--data", tmpdir, "--save", model, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, tmpdir);
    CHECK_CONTAINS(c->err, "no train-images-idx3-ubyte (or .gz) in this folder");
    CHECK(!exists(model));
    snprintf(dir, sizeof dir, "%s/nowhere", tmpdir);
    c = capture_run(cmd_train_run, "train", "--data", dir, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "nowhere: no such folder");

    /* a damaged labels file: the file and the byte */
    snprintf(dir, sizeof dir, "%s/bad", tmpdir);
    mkdir(dir, 0700);
    const char *names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    for (int k = 0; k < 4; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        FILE *f = fopen(path, "wb");
        bool images = k % 2 == 0;
        unsigned char head[16] = {0, 0, 8, images ? 3 : 1, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28};
        fwrite(head, 1, images ? 16 : 8, f);
        for (int i = 0; i < (images ? 2 * 784 : 2); i++)
            fputc(k == 1 && i == 1 ? 11 : 1, f); /* the second training label is 11 */
        fclose(f);
    }
    c = capture_run(cmd_train_run, "train", "--data", dir, "--save", model, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "train-labels-idx1-ubyte: byte 9: label 11 of image 1 is out of range");
    CHECK(!exists(model));

    /* a net file with a mistake: its file and line */
    snprintf(path, sizeof path, "%s/wrong.net", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("input 1 28 28\nconv 4 k=40\nflatten\ndense 10\nsoftmax\n", f);
    fclose(f);
    c = capture_run(cmd_train_run, "train", "--net", path, "--limit", "50", "--save", model, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "wrong.net:2:");
    CHECK(!exists(model));
    snprintf(path, sizeof path, "%s/absent.net", tmpdir);
    c = capture_run(cmd_train_run, "train", "--net", path, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "absent.net: cannot open");
    /* folders where files belong: the net, and an IDX file inside the data folder */
    c = capture_run(cmd_train_run, "train", "--net", tmpdir, NULL);
    CHECK_INT_EQ(1, c->status);
    snprintf(path, sizeof path, "convscope train: %s: is a folder, not a file\n", tmpdir);
    CHECK_STR_EQ(path, c->err);
    snprintf(path, sizeof path, "%s/%s", dir, names[1]);
    remove(path);
    CHECK(mkdir(path, 0700) == 0);
    c = capture_run(cmd_train_run, "train", "--data", dir, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "train-labels-idx1-ubyte: is a folder, not a file");

    /* divergence: said, non-zero, nothing saved */
    c = capture_run(cmd_train_run, "train", "--limit", "64", "--epochs", "1", "--optimizer", "sgd",
                    "--lr", "1e30", "--save", model, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "training diverged");
    CHECK(!exists(model));

    /* --save into a folder that does not exist: refused before training starts (a
     * regression: it trained completely, then failed to save) */
    snprintf(path, sizeof path, "%s/no/such/dir/m.cnn", tmpdir);
    c = capture_run(cmd_train_run, "train", "--limit", "32", "--epochs", "1", "--save", path, NULL);
    CHECK_INT_EQ(1, c->status);
    char want[1500];
    snprintf(want, sizeof want,
             "convscope train: %s: cannot save there: the folder %s/no/such/dir does not exist\n",
             path, tmpdir);
    CHECK_STR_EQ(want, c->err);
    CHECK_STR_EQ("", c->out); /* no "training ..." line, no epoch */
    /* under a file, and a folder as the file name */
    snprintf(path, sizeof path, "%s/wrong.net/m.cnn", tmpdir);
    c = capture_run(cmd_train_run, "train", "--save", path, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "wrong.net is not a folder");
    CHECK_STR_EQ("", c->out);
    c = capture_run(cmd_train_run, "train", "--save", tmpdir, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "is a folder; --save wants a file name");
    /* a folder where no file can be created: /proc is not writable even for root */
    c = capture_run(cmd_train_run, "train", "--save", "/proc/m.cnn", NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "/proc/m.cnn: cannot save there: cannot create a file in /proc: ");
    CHECK_STR_EQ("", c->out);
    /* the probe file is not left behind */
    snprintf(path, sizeof path, "%s/probe.cnn", tmpdir);
    c = capture_run(cmd_train_run, "train", "--limit", "16", "--epochs", "1", "--save", path,
                    "--data", dir, NULL);
    snprintf(want, sizeof want, "ls -A '%s' | grep -q convscope-save", tmpdir);
    CHECK(system(want) != 0);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/convscope-test-train-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_json_and_determinism();
    test_mistakes();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_summary();
}
