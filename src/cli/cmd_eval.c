/* cmd_eval.c - `convscope eval`: a model's accuracy on the test split of a data set folder
 * and its confusion matrix (rows: the true class, columns: the predicted class). */
#include "cli/cli.h"
#include "cli/cmd_common.h"

#include "engine/idx.h"
#include "engine/model.h"
#include "engine/net.h"
#include "engine/trainer.h"

#include <stdlib.h>
#include <string.h>

#define CMD "eval"

static void usage(FILE *f)
{
    fprintf(f, "usage: convscope eval --model F.cnn [--data DIR] [--limit N] [--threads T] "
               "[--json]\n");
}

static void print_matrix(FILE *out, const Dataset *ds, const long *cm, int k)
{
    /* fixed-width columns: the counts are at most 5 digits for the data sets we read */
    fprintf(out, "confusion matrix (rows: true class, columns: predicted class)\n");
    fprintf(out, "%-14s", "");
    for (int p = 0; p < k; p++)
        fprintf(out, " %6d", p);
    fprintf(out, "   accuracy\n");
    for (int t = 0; t < k; t++) {
        char name[32];
        snprintf(name, sizeof name, "%d %s", t, ds->fashion ? dataset_class_name(ds, t) : "");
        fprintf(out, "%-14s", name);
        long row = 0;
        for (int p = 0; p < k; p++) {
            fprintf(out, " %6ld", cm[t * k + p]);
            row += cm[t * k + p];
        }
        if (row > 0)
            fprintf(out, "   %6.2f%%\n", 100.0 * (double)cm[t * k + t] / (double)row);
        else
            fprintf(out, "   %7s\n", "-");
    }
}

int cmd_eval_run(int argc, char **argv, FILE *out, FILE *err)
{
    const char *model = NULL;
    char data[1024];
    cmd_default_path(data, sizeof data, "assets/digits");
    bool json = false;
    long limit = 0, threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = NULL;
        if (strcmp(o, "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(out);
            return 0;
        }
        if (strncmp(o, "--", 2) != 0) {
            fprintf(err, "convscope eval: unexpected argument '%s'\n", o);
            usage(err);
            return 2;
        }
        if (!(v = cmd_value(err, CMD, argc, argv, &i)))
            return 2;
        if (strcmp(o, "--model") == 0) {
            model = v;
        } else if (strcmp(o, "--data") == 0) {
            snprintf(data, sizeof data, "%s", v);
        } else if (strcmp(o, "--limit") == 0) {
            if (!cmd_parse_int(err, CMD, o, v, 1, 2000000000L, &limit))
                return 2;
        } else if (strcmp(o, "--threads") == 0) {
            if (!cmd_parse_int(err, CMD, o, v, 0, 64, &threads))
                return 2;
        } else {
            fprintf(err, "convscope eval: unknown option '%s'\n", o);
            usage(err);
            return 2;
        }
    }
    if (!model) {
        fprintf(err, "convscope eval: --model F.cnn is required\n");
        usage(err);
        return 2;
    }
    char msg[1024];
    Net *net = model_load(model, msg, sizeof msg);
    if (!net) {
        fprintf(err, "convscope eval: %s\n", msg);
        return 1;
    }
    Dataset test;
    if (!dataset_load_part(&test, data, DATASET_TEST, limit, msg, sizeof msg)) {
        fprintf(err, "convscope eval: %s\n", msg);
        net_destroy(net);
        return 1;
    }
    int status = 1;
    const NetSpec *s = &net->spec;
    int k = (int)shape_elems(s->layers[s->n_layers - 1].out);
    char shape[64];
    if (s->input.c != 1 || s->input.h != test.h || s->input.w != test.w) {
        fprintf(err, "convscope eval: %s: the net wants %s inputs, but %s holds 1x%dx%d images\n",
                model, shape_format(s->input, shape, sizeof shape), test.images_path, test.h,
                test.w);
        goto done;
    }
    if (k != DATASET_CLASSES) {
        fprintf(err, "convscope eval: %s: the net has %d outputs; the data set has %d classes\n",
                model, k, DATASET_CLASSES);
        goto done;
    }
    long cm[DATASET_CLASSES * DATASET_CLASSES];
    if (!net_set_threads(net, (int)threads)) {
        fprintf(err, "convscope eval: cannot start %ld threads\n", threads);
        goto done;
    }
    float acc = trainer_evaluate(net, &test, 0, cm);
    long correct = 0;
    for (int t = 0; t < k; t++)
        correct += cm[t * k + t];
    if (json) {
        fprintf(out, "{\"model\": ");
        cmd_json_string(out, model);
        fprintf(out, ", \"data\": ");
        cmd_json_string(out, data);
        fprintf(out, ", \"test_images\": %d, \"correct\": %ld, \"accuracy\": %.4f, \"classes\": [",
                test.n, correct, (double)acc);
        for (int t = 0; t < k; t++) {
            fprintf(out, "%s", t ? ", " : "");
            cmd_json_string(out, dataset_class_name(&test, t));
        }
        fprintf(out, "], \"confusion\": [");
        for (int t = 0; t < k; t++) {
            fprintf(out, "%s[", t ? ", " : "");
            for (int p = 0; p < k; p++)
                fprintf(out, "%s%ld", p ? ", " : "", cm[t * k + p]);
            fprintf(out, "]");
        }
        fprintf(out, "]}\n");
    } else {
        fprintf(out, "%s on %s: accuracy %.2f%% (%ld of %d test images)\n", model, data,
                100.0 * acc, correct, test.n);
        print_matrix(out, &test, cm, k);
    }
    status = 0;
done:
    dataset_free(&test);
    net_destroy(net);
    return status;
}

int cmd_eval(int argc, char **argv)
{
    return cmd_eval_run(argc, argv, stdout, stderr);
}
