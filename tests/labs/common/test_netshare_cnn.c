/* test_netshare_cnn.c - a .cnn with batchnorm opened in the window keeps its running
 * statistics: lenet-bn trained a few steps (its running means and variances moved) and saved,
 * then dropped on the Network lab; the share, the Network lab's net and the Backprop lab's
 * "yours" hold the file's statistics, and the Network lab's net scores in evaluation mode what
 * `convscope eval` scores on the file (the same trainer_evaluate of the loaded model). */
#include "app/app.h"
#include "engine/assets.h"
#include "engine/idx.h"
#include "engine/model.h"
#include "engine/trainer.h"
#include "labs/app_harness.h"
#include "labs/common/netshare.h"
#include "labs/network/model.h"
#include "labs/network/view.h"
#include "test.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool read_asset(const char *rel, char *buf, size_t cap)
{
    char path[1024];
    assets_path(path, sizeof path, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n > 0;
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    char err[600] = "", dir[1024], text[NET_MAX_TEXT + 1];
    Dataset train, test;
    assets_path(dir, sizeof dir, "assets/digits");
    CHECK(dataset_load(&train, dir, DATASET_TRAIN, err, sizeof err));
    CHECK(dataset_load(&test, dir, DATASET_TEST, err, sizeof err));
    CHECK(read_asset("assets/nets/lenet-bn.net", text, sizeof text));
    /* a lenet-bn .cnn whose running statistics moved: 40 steps */
    TrainConfig cfg = trainer_default_config();
    cfg.test_every = 0;
    Trainer *tr = trainer_create(text, "lenet-bn.net", &train, &test, &cfg, err, sizeof err);
    CHECK(tr != NULL);
    if (!tr)
        return test_summary();
    for (int i = 0; i < 40; i++)
        CHECK(trainer_step_now(tr));
    char path[256];
    snprintf(path, sizeof path, "/tmp/convscope-bn-%d.cnn", (int)getpid());
    CHECK(model_save(trainer_net(tr), path, err, sizeof err));
    trainer_destroy(tr);
    Net *file = model_load(path, err, sizeof err);
    CHECK(file != NULL && file->n_state == 64);
    if (!file)
        return test_summary();
    long S = file->n_state;
    int moved = 0;
    for (long i = 0; i < S; i++)
        moved += file->state[i] != (i % 64 < 32 ? 0.0f : 1.0f);
    CHECK(moved > 32);
    float eval_acc = trainer_evaluate(file, &test, 0, NULL); /* what `convscope eval` prints */

    netshare_reset();
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    int idx = -1;
    const LabDef *lab = lab_find("network", &idx);
    CHECK(lab && app_open_lab(h.app, idx));
    void *st = app_lab_state(h.app);
    harness_frame(&h, false, 0.0);
    CHECK(app_drop_file(h.app, path));
    harness_frame(&h, false, 0.0);
    const NetShare *sh = netshare_get();
    CHECK(sh->weights && sh->n_weights == file->n_params);
    CHECK(sh->state && sh->n_state == S);
    if (sh->state && sh->n_state == S)
        CHECK(memcmp(sh->state, file->state, sizeof(float) * (size_t)S) == 0);
    const NetLabModel *m = lab_network_model(st);
    CHECK(m->net && m->net->n_state == S);
    if (m->net && m->net->n_state == S) {
        CHECK(memcmp(m->net->state, file->state, sizeof(float) * (size_t)S) == 0);
        CHECK(!m->net->training);
        float lab_acc = trainer_evaluate(m->net, &test, 0, NULL);
        printf("lenet-bn .cnn after 40 steps: convscope eval %.2f %%, the Network lab's net "
               "%.2f %%\n",
               100.0 * eval_acc, 100.0 * lab_acc);
        CHECK_NEAR(eval_acc, lab_acc, 0.0);
    }
    /* a net published without statistics starts them afresh (mean 0, variance 1) */
    CHECK(netshare_set_weights(file->params, file->n_params, "test"));
    CHECK(sh->state == NULL && sh->n_state == 0);
    /* statistics of the wrong count are refused, nothing changes */
    unsigned wg = sh->weights_gen;
    CHECK(!netshare_set_model(file->params, file->n_params, file->state, S - 1, "short"));
    CHECK_INT_EQ((int)wg, (int)sh->weights_gen);
    harness_close(&h);
    netshare_reset();
    net_destroy(file);
    unlink(path);
    dataset_free(&train);
    dataset_free(&test);
    SDL_Quit();
    return test_summary();
}
