/* cmd_predict.c - `convscope predict`: the class and every class's probability for each
 * picture, made MNIST-like first (see engine/prep.h). All pictures are read before anything
 * is printed, so a bad file stops the command with its name and nothing half-written.
 *
 * Class names are Fashion-MNIST's when the model's path (or --data DIR's) contains "fashion",
 * the rule the data set folders follow; otherwise the digits. */
#include "cli/cli.h"
#include "cli/cmd_common.h"

#include "engine/idx.h"
#include "engine/model.h"
#include "engine/net.h"
#include "viz/imgfile.h"

#include <stdlib.h>
#include <string.h>

#define CMD "predict"

static void usage(FILE *f)
{
    fprintf(f, "usage: convscope predict --model F.cnn [--data DIR] [--json] IMAGE...\n");
}

int cmd_predict_run(int argc, char **argv, FILE *out, FILE *err)
{
    const char *model = NULL, *data = NULL;
    bool json = false;
    const char **images = calloc((size_t)argc, sizeof *images);
    int n_images = 0;
    if (!images)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = NULL;
        if (strcmp(o, "--json") == 0) {
            json = true;
        } else if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(out);
            free(images);
            return 0;
        } else if (strcmp(o, "--model") == 0 || strcmp(o, "--data") == 0) {
            if (!(v = cmd_value(err, CMD, argc, argv, &i))) {
                free(images);
                return 2;
            }
            if (strcmp(o, "--model") == 0)
                model = v;
            else
                data = v;
        } else if (strncmp(o, "--", 2) == 0) {
            fprintf(err, "convscope predict: unknown option '%s'\n", o);
            usage(err);
            free(images);
            return 2;
        } else {
            images[n_images++] = o;
        }
    }
    if (!model || n_images == 0) {
        fprintf(err, "convscope predict: %s\n",
                model ? "name at least one IMAGE" : "--model F.cnn is required");
        usage(err);
        free(images);
        return 2;
    }
    char msg[1024];
    Net *net = model_load(model, msg, sizeof msg);
    if (!net) {
        fprintf(err, "convscope predict: %s\n", msg);
        free(images);
        return 1;
    }
    const NetSpec *s = &net->spec;
    long in_elems = shape_elems(s->input);
    int k = (int)shape_elems(s->layers[s->n_layers - 1].out);
    bool fashion = dataset_path_is_fashion(model) || (data && dataset_path_is_fashion(data));
    float *x = malloc(sizeof(float) * (size_t)n_images * (size_t)in_elems); /* (n, C, H, W) */
    NetActs *acts = net_acts_create(net, n_images);
    int status = 1;
    if (!x || !acts) {
        fprintf(err, "convscope predict: out of memory for %d pictures\n", n_images);
        goto done;
    }
    int bad = 0;
    for (int i = 0; i < n_images; i++) {
        if (!imgfile_load_input(images[i], x + (long)i * in_elems, s->input.c, s->input.h,
                                s->input.w, msg, sizeof msg)) {
            fprintf(err, "convscope predict: %s\n", msg);
            bad++;
        }
    }
    if (bad) {
        fprintf(err, "convscope predict: %d of %d pictures could not be read; nothing predicted\n",
                bad, n_images);
        goto done;
    }
    net_forward(net, acts, x, n_images);
    /* with a final softmax the outputs are probabilities; otherwise (a sum-of-squares net)
     * they are the raw outputs, and are called that */
    const char *what = s->xent ? "probabilities" : "outputs";
    if (json)
        fprintf(out, "[");
    for (int i = 0; i < n_images; i++) {
        const float *p = net_output(net, acts, i);
        int best = net_predict_class(net, acts, i);
        char num[16];
        snprintf(num, sizeof num, "%d", best);
        const char *name = k == DATASET_CLASSES ? dataset_class_name_of(fashion, best) : num;
        if (json) {
            fprintf(out, "%s{\"image\": ", i ? ", " : "");
            cmd_json_string(out, images[i]);
            fprintf(out, ", \"class\": %d, \"name\": ", best);
            cmd_json_string(out, name);
            fprintf(out, ", \"%s\": [", what);
            for (int c = 0; c < k; c++)
                fprintf(out, "%s%.6f", c ? ", " : "", (double)p[c]);
            fprintf(out, "]}");
        } else {
            if (s->xent)
                fprintf(out, "%s: %s (class %d, %.2f%%)\n", images[i], name, best, 100.0 * p[best]);
            else
                fprintf(out, "%s: %s (class %d, output %.4f)\n", images[i], name, best,
                        (double)p[best]);
            fprintf(out, "  %s:", what);
            for (int c = 0; c < k; c++) {
                char cnum[16];
                snprintf(cnum, sizeof cnum, "%d", c);
                const char *cn = k == DATASET_CLASSES ? dataset_class_name_of(fashion, c) : cnum;
                fprintf(out, "%s %s=%.4f", c && c % 5 == 0 && fashion ? "\n   " : "", cn,
                        (double)p[c]);
            }
            fprintf(out, "\n");
        }
    }
    if (json)
        fprintf(out, "]\n");
    status = 0;
done:
    net_acts_destroy(acts);
    free(x);
    net_destroy(net);
    free(images);
    return status;
}

int cmd_predict(int argc, char **argv)
{
    return cmd_predict_run(argc, argv, stdout, stderr);
}
