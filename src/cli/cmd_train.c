/* cmd_train.c - `convscope train`: train a net on a data set folder, report the test accuracy,
 * optionally save the model. A progress bar on a terminal; --json prints one object at the end.
 *
 * --limit N keeps the first N training images and the first N test images (the bundled
 * files interleave the classes, so a prefix is a fair sample); the rest of the files is not
 * read (a gzip file is inflated only that far). final_loss is the mean training
 * loss over the last epoch's steps; images_per_sec counts training images over the seconds
 * spent inside training steps (forward, backward, update), not data loading or evaluation. */
#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "cli/progress.h"

#include "engine/idx.h"
#include "engine/model.h"
#include "engine/net.h"
#include "engine/trainer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "train"

typedef struct TrainArgs {
    char net[1024];
    char data[1024];
    const char *save;
    long epochs;
    long limit; /* 0: everything */
    TrainConfig cfg;
    bool lr_given;
    bool json;
} TrainArgs;

static void usage(FILE *err)
{
    fprintf(err,
            "usage: convscope train [--net F] [--data DIR] [--epochs N] [--batch B] [--lr X]\n"
            "                       [--lr-decay D] [--momentum M] [--optimizer sgd|adam]\n"
            "                       [--threads T] [--seed S] [--limit N] [--save F.cnn] [--json]\n"
            "  --threads 0 runs the reference ops; T >= 1 the fast path on T threads (default:\n"
            "  the cores, up to 4). --limit N keeps the first N training and N test images.\n");
}

/* Returns 0 when parsed, else the exit status. */
static int parse_args(TrainArgs *a, int argc, char **argv, FILE *out, FILE *err)
{
    memset(a, 0, sizeof *a);
    cmd_default_path(a->net, sizeof a->net, "assets/nets/lenet-tiny.net");
    cmd_default_path(a->data, sizeof a->data, "assets/digits");
    a->epochs = 3;
    a->cfg = trainer_default_config();
    a->cfg.test_every = 0; /* the command line evaluates once per epoch, on the whole test set */
    /* the fast path on every core (up to 4); its results do not depend on the thread count */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    a->cfg.threads = cores < 1 ? 1 : cores > 4 ? 4 : (int)cores;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = NULL;
        long n = 0;
        if (strcmp(o, "--json") == 0) {
            a->json = true;
            continue;
        }
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(out);
            return -1;
        }
        if (strncmp(o, "--", 2) != 0 || !(v = cmd_value(err, CMD, argc, argv, &i))) {
            if (strncmp(o, "--", 2) != 0)
                fprintf(err, "convscope train: unexpected argument '%s'\n", o);
            usage(err);
            return 2;
        }
        if (strcmp(o, "--net") == 0) {
            snprintf(a->net, sizeof a->net, "%s", v);
        } else if (strcmp(o, "--data") == 0) {
            snprintf(a->data, sizeof a->data, "%s", v);
        } else if (strcmp(o, "--save") == 0) {
            a->save = v;
        } else if (strcmp(o, "--epochs") == 0) {
            if (!cmd_parse_int(err, CMD, o, v, 1, 1000, &a->epochs))
                return 2;
        } else if (strcmp(o, "--batch") == 0) {
            if (!cmd_parse_int(err, CMD, o, v, 1, TRAINER_MAX_BATCH, &n))
                return 2;
            a->cfg.batch = (int)n;
        } else if (strcmp(o, "--threads") == 0) {
            if (!cmd_parse_int(err, CMD, o, v, 0, 64, &n))
                return 2;
            a->cfg.threads = (int)n;
        } else if (strcmp(o, "--limit") == 0) {
            if (!cmd_parse_int(err, CMD, o, v, 1, 2000000000L, &a->limit))
                return 2;
        } else if (strcmp(o, "--lr") == 0) {
            if (!cmd_parse_float(err, CMD, o, v, 0.0, true, 1e38, &a->cfg.lr))
                return 2;
            a->lr_given = true;
        } else if (strcmp(o, "--lr-decay") == 0) {
            if (!cmd_parse_float(err, CMD, o, v, 0.0, true, 1.0, &a->cfg.lr_decay))
                return 2;
        } else if (strcmp(o, "--momentum") == 0) {
            if (!cmd_parse_float(err, CMD, o, v, 0.0, false, 0.999, &a->cfg.momentum))
                return 2;
        } else if (strcmp(o, "--seed") == 0) {
            if (!cmd_parse_u64(err, CMD, o, v, &a->cfg.seed))
                return 2;
        } else if (strcmp(o, "--optimizer") == 0) {
            if (strcmp(v, "sgd") == 0) {
                a->cfg.optim = OPTIM_SGD;
            } else if (strcmp(v, "adam") == 0) {
                a->cfg.optim = OPTIM_ADAM;
            } else {
                fprintf(err, "convscope train: --optimizer wants sgd or adam, got '%s'\n", v);
                return 2;
            }
        } else {
            fprintf(err, "convscope train: unknown option '%s'\n", o);
            usage(err);
            return 2;
        }
    }
    /* SGD with momentum wants a larger step than Adam */
    if (a->cfg.optim == OPTIM_SGD && !a->lr_given)
        a->cfg.lr = 0.05f;
    return 0;
}

static void print_json(FILE *out, const TrainArgs *a, const Trainer *tr, const Dataset *train,
                       const Dataset *test, const float *acc_epoch, float final_loss)
{
    double secs = trainer_train_seconds(tr);
    long seen = trainer_images_seen(tr);
    fprintf(out, "{\"net\": ");
    cmd_json_string(out, a->net);
    fprintf(out, ", \"data\": ");
    cmd_json_string(out, a->data);
    fprintf(out,
            ", \"epochs\": %ld, \"batch\": %d, \"optimizer\": \"%s\", \"lr\": %g, "
            "\"lr_decay\": %g, \"momentum\": %g, \"threads\": %d, \"seed\": %llu, "
            "\"train_images\": %d, \"test_images\": %d, \"parameters\": %ld, "
            "\"test_accuracy\": %.4f, \"test_accuracy_per_epoch\": [",
            a->epochs, a->cfg.batch, optim_name(a->cfg.optim), (double)a->cfg.lr,
            (double)a->cfg.lr_decay, (double)a->cfg.momentum, a->cfg.threads,
            (unsigned long long)a->cfg.seed, train->n, test->n, trainer_net(tr)->n_params,
            (double)acc_epoch[a->epochs - 1]);
    for (long e = 0; e < a->epochs; e++)
        fprintf(out, "%s%.4f", e ? ", " : "", (double)acc_epoch[e]);
    fprintf(out,
            "], \"final_loss\": %.6f, \"steps\": %ld, \"images_seen\": %ld, "
            "\"train_seconds\": %.3f, \"images_per_sec\": %.1f",
            (double)final_loss, (long)(a->epochs * trainer_steps_per_epoch(tr)), seen, secs,
            secs > 0.0 ? (double)seen / secs : 0.0);
    if (a->save) {
        fprintf(out, ", \"saved\": ");
        cmd_json_string(out, a->save);
    }
    fprintf(out, "}\n");
}

/* Checks before training that a model can be saved at path: its folder exists and a file
 * can be created in it (tried for real, as model_save's temporary file beside it, since
 * access(W_OK) says yes to root on a read-only mount... and no about ACLs it cannot read).
 * False with "PATH: why" in msg. Minutes of training must not end in "cannot write". */
static bool save_path_usable(const char *path, char *msg, size_t size)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(msg, size,
                 "%.400s: is a folder; --save wants a file name such as %.400s/model.cnn", path,
                 path);
        return false;
    }
    char dir[1024];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (stat(dir, &st) != 0) {
        snprintf(msg, size, "%.400s: cannot save there: the folder %.400s does not exist", path,
                 dir);
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(msg, size, "%.400s: cannot save there: %.400s is not a folder", path, dir);
        return false;
    }
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/.convscope-save-XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0) {
        snprintf(msg, size, "%.400s: cannot save there: cannot create a file in %.400s: %s", path,
                 dir, strerror(errno));
        return false;
    }
    close(fd);
    unlink(probe);
    return true;
}

int cmd_train_run(int argc, char **argv, FILE *out, FILE *err)
{
    TrainArgs a;
    int st = parse_args(&a, argc, argv, out, err);
    if (st)
        return st < 0 ? 0 : st;

    char msg[1024];
    if (a.save && !save_path_usable(a.save, msg, sizeof msg)) {
        fprintf(err, "convscope train: %s\n", msg);
        return 1;
    }
    char *text = cmd_read_text(a.net, "net file", NET_MAX_TEXT, msg, sizeof msg);
    if (!text) {
        fprintf(err, "convscope train: %s\n", msg);
        return 1;
    }
    Dataset train, test;
    if (!dataset_load_part(&train, a.data, DATASET_TRAIN, a.limit, msg, sizeof msg)) {
        fprintf(err, "convscope train: %s\n", msg);
        free(text);
        return 1;
    }
    if (!dataset_load_part(&test, a.data, DATASET_TEST, a.limit, msg, sizeof msg)) {
        fprintf(err, "convscope train: %s\n", msg);
        dataset_free(&train);
        free(text);
        return 1;
    }
    int status = 1;
    float *acc_epoch = calloc((size_t)a.epochs, sizeof(float));
    Trainer *tr = trainer_create(text, a.net, &train, &test, &a.cfg, msg, sizeof msg);
    if (!tr || !acc_epoch) {
        fprintf(err, "convscope train: %s\n", tr ? "out of memory" : msg);
        goto done;
    }
    if (!a.json)
        fprintf(out,
                "training %s on %s: %d training and %d test images, %ld epochs, batch %d, "
                "%s lr %g (x%g per epoch), seed %llu\n",
                a.net, a.data, train.n, test.n, a.epochs, a.cfg.batch, optim_name(a.cfg.optim),
                (double)a.cfg.lr, (double)a.cfg.lr_decay, (unsigned long long)a.cfg.seed);
    int spe = trainer_steps_per_epoch(tr);
    Progress bar;
    progress_begin(&bar, err, (long)spe * a.epochs);
    float final_loss = 0.0f;
    for (long e = 0; e < a.epochs; e++) {
        double loss_sum = 0.0, shown_loss = 0.0, shown_acc = 0.0;
        for (int s = 0; s < spe; s++) {
            if (!trainer_step_now(tr)) {
                progress_end(&bar);
                TrainerSnapshot snap;
                memset(&snap, 0, sizeof snap);
                trainer_snapshot(tr, &snap);
                fprintf(err, "convscope train: %s\n", snap.message);
                trainer_snapshot_free(&snap);
                goto done;
            }
            float loss = trainer_last_loss(tr);
            loss_sum += loss;
            /* smoothed over about 50 steps, so the bar reads steadily */
            double k = s == 0 && e == 0 ? 1.0 : 0.02;
            shown_loss += k * (loss - shown_loss);
            shown_acc += k * (trainer_last_accuracy(tr) - shown_acc);
            if (bar.enabled) {
                double secs = trainer_train_seconds(tr);
                char text[160];
                snprintf(text, sizeof text,
                         "epoch %ld/%ld  %ld/%d images  loss %.4f  accuracy %.1f%%  %.0f images/s",
                         e + 1, a.epochs,
                         (long)(s + 1) * a.cfg.batch < train.n ? (long)(s + 1) * a.cfg.batch
                                                               : (long)train.n,
                         train.n, shown_loss, 100.0 * shown_acc,
                         secs > 0.0 ? (double)trainer_images_seen(tr) / secs : 0.0);
                progress_update(&bar, e * spe + s + 1, text);
            }
        }
        final_loss = (float)(loss_sum / spe);
        acc_epoch[e] = trainer_evaluate(trainer_net(tr), &test, 0, NULL);
        if (!a.json) {
            progress_end(&bar);
            fprintf(out, "epoch %ld/%ld: mean training loss %.4f, test accuracy %.2f%%\n", e + 1,
                    a.epochs, (double)final_loss, 100.0 * acc_epoch[e]);
            fflush(out);
        }
    }
    progress_end(&bar);
    if (a.save && !model_save(trainer_net(tr), a.save, msg, sizeof msg)) {
        fprintf(err, "convscope train: %s\n", msg);
        goto done;
    }
    if (a.json) {
        print_json(out, &a, tr, &train, &test, acc_epoch, final_loss);
    } else {
        double secs = trainer_train_seconds(tr);
        fprintf(out,
                "test accuracy %.2f%% on %d images; %ld training images in %.1f s of "
                "training steps (%.0f images/s)\n",
                100.0 * acc_epoch[a.epochs - 1], test.n, trainer_images_seen(tr), secs,
                secs > 0.0 ? (double)trainer_images_seen(tr) / secs : 0.0);
        if (a.save)
            fprintf(out, "saved %s\n", a.save);
    }
    status = 0;
done:
    trainer_destroy(tr);
    free(acc_epoch);
    dataset_free(&train);
    dataset_free(&test);
    free(text);
    return status;
}

int cmd_train(int argc, char **argv)
{
    return cmd_train_run(argc, argv, stdout, stderr);
}
