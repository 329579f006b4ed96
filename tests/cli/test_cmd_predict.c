/* test_cmd_predict.c - `convscope predict`: bundled test digits written out as pictures
 * (PGM, dark on light and enlarged, and PNG) are classified as the model classifies the
 * digits themselves; probabilities add up to 1; a bad picture stops everything, named. */
#include "test.h"

#include "cli/cli.h"
#include "cmd_capture.h"
#include "engine/assets.h"
#include "engine/idx.h"
#include "engine/model.h"
#include "engine/net.h"

#include <SDL.h>
#include <SDL_image.h>
#include <math.h>
#include <unistd.h>

static char tmpdir[256];

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/convscope-test-predict-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    char model[512];
    snprintf(model, sizeof model, "%s/m.cnn", tmpdir);
    Captured *c = capture_run(cmd_train_run, "train", "--limit", "500", "--epochs", "1", "--save",
                              model, "--json", NULL);
    CHECK_INT_EQ(0, c->status);

    /* the model's own answers on the first 3 test digits */
    char dir[512], err[256];
    CHECK(assets_path(dir, sizeof dir, "assets/digits"));
    Dataset ds;
    CHECK(dataset_load(&ds, dir, DATASET_TEST, err, sizeof err));
    Net *net = model_load(model, err, sizeof err);
    CHECK(net != NULL);
    if (!net || !ds.pixels)
        return test_summary();
    NetActs *a = net_acts_create(net, 3);
    float x[3 * 784];
    for (int i = 0; i < 3; i++)
        dataset_image(&ds, i, x + i * 784);
    net_forward(net, a, x, 3);

    /* as pictures: 0 and 1 as PGM, dark ink on white, 2x larger; 2 as a PNG as it is */
    char paths[3][600];
    for (int i = 0; i < 3; i++) {
        const unsigned char *px = ds.pixels + i * 784;
        if (i < 2) {
            snprintf(paths[i], sizeof paths[i], "%s/d%d.pgm", tmpdir, i);
            FILE *f = fopen(paths[i], "wb");
            fprintf(f, "P5\n56 56\n255\n");
            for (int y = 0; y < 56; y++)
                for (int xx = 0; xx < 56; xx++)
                    fputc(255 - px[(y / 2) * 28 + xx / 2], f);
            fclose(f);
        } else {
            snprintf(paths[i], sizeof paths[i], "%s/d%d.png", tmpdir, i);
            SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 28, 28, 32, SDL_PIXELFORMAT_RGBA32);
            for (int y = 0; y < 28; y++)
                for (int xx = 0; xx < 28; xx++) {
                    Uint8 v = px[y * 28 + xx];
                    ((Uint32 *)s->pixels)[y * (s->pitch / 4) + xx] =
                        SDL_MapRGBA(s->format, v, v, v, 255);
                }
            CHECK_INT_EQ(0, IMG_SavePNG(s, paths[i]));
            SDL_FreeSurface(s);
        }
    }
    c = capture_run(cmd_predict_run, "predict", "--model", model, paths[0], paths[1], paths[2],
                    "--json", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_STR_EQ("", c->err);
    const char *p = c->out;
    for (int i = 0; i < 3; i++) {
        p = strstr(p, "\"class\": ");
        CHECK(p != NULL);
        if (!p)
            break;
        int cls = atoi(p + strlen("\"class\": "));
        /* MNIST digits are already MNIST-like, so preprocessing gives back the same input
         * (test_prep measures it) and the same answer */
        CHECK_INT_EQ(net_predict_class(net, a, i), cls);
        const char *q = strstr(p, "\"probabilities\": [");
        CHECK(q != NULL);
        if (!q)
            break;
        q += strlen("\"probabilities\": [");
        double sum = 0.0;
        for (int k = 0; k < 10; k++) {
            char *end;
            double v = strtod(q, &end);
            sum += v;
            if (k == cls)
                CHECK_NEAR(net_output(net, a, i)[k], v, 0.02);
            q = end + 1;
        }
        CHECK_NEAR(1.0, sum, 1e-4);
        p = q;
    }

    /* the text form: name, class, percentage, then every class */
    c = capture_run(cmd_predict_run, "predict", "--model", model, paths[2], NULL);
    CHECK_INT_EQ(0, c->status);
    char want[700];
    int k2 = net_predict_class(net, a, 2);
    snprintf(want, sizeof want, "%s: %d (class %d, ", paths[2], k2, k2);
    CHECK_CONTAINS(c->out, want);
    CHECK_CONTAINS(c->out, "probabilities: 0=");
    CHECK_CONTAINS(c->out, " 9=");

    /* a model whose path says fashion speaks of garments */
    char fmodel[600];
    snprintf(fmodel, sizeof fmodel, "%s/fashion.cnn", tmpdir);
    CHECK(model_save(net, fmodel, err, sizeof err));
    c = capture_run(cmd_predict_run, "predict", "--model", fmodel, paths[0], NULL);
    CHECK_CONTAINS(c->out, "T-shirt/top=");
    CHECK_CONTAINS(c->out, "Ankle boot=");

    /* one bad picture: every bad one named, nothing predicted */
    char bad[600], missing[600];
    snprintf(bad, sizeof bad, "%s/bad.pgm", tmpdir);
    snprintf(missing, sizeof missing, "%s/missing.png", tmpdir);
    FILE *f = fopen(bad, "wb");
    fputs("P5 28 28 255\n\x01\x02", f);
    fclose(f);
    c = capture_run(cmd_predict_run, "predict", "--model", model, paths[0], bad, missing, NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_STR_EQ("", c->out);
    CHECK_CONTAINS(c->err, "bad.pgm: byte 15: truncated");
    CHECK_CONTAINS(c->err, "missing.png: cannot open");
    CHECK_CONTAINS(c->err, "2 of 3 pictures could not be read; nothing predicted");
    c = capture_run(cmd_predict_run, "predict", "--model", model, NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "name at least one IMAGE");
    c = capture_run(cmd_predict_run, "predict", "--model", bad, paths[0], NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "bad.pgm");
    /* folders for the model or a picture (the picture used to be "larger than 512 MB") */
    c = capture_run(cmd_predict_run, "predict", "--model", "/tmp", paths[0], NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_STR_EQ("convscope predict: /tmp: is a folder, not a file\n", c->err);
    c = capture_run(cmd_predict_run, "predict", "--model", model, "/tmp", NULL);
    CHECK_INT_EQ(1, c->status);
    CHECK_CONTAINS(c->err, "convscope predict: /tmp: is a folder, not a file\n");
    CHECK_STR_EQ("", c->out);

    net_acts_destroy(a);
    net_destroy(net);
    dataset_free(&ds);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_summary();
}
