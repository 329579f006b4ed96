/* cmd_export.c - `convscope export`: a model file as a PyTorch module a student can read.
 *
 *   convscope export --model F.cnn --out DIR [--force]
 *
 * The command line around export_pytorch (engine/export.h, which says what the three files
 * hold and how they are moved into place): its options, the model file, the messages. */
#include "cli/cli.h"
#include "cli/cmd_common.h"

#include "engine/export.h"
#include "engine/model.h"
#include "engine/net.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD       "export"
#define PATH_SIZE 4096
#define ERR_SIZE  1200

static void usage(FILE *f)
{
    fprintf(f, "usage: convscope export --model F.cnn --out DIR [--force]\n"
               "  writes DIR/model.py (the net as a torch.nn.Module), DIR/weights.npz (its\n"
               "  parameters) and DIR/check.py (prints the PyTorch model's accuracy on the test\n"
               "  digits as `convscope eval` prints it). DIR must be new or empty; --force\n"
               "  replaces those three files in a DIR that holds others.\n");
}

int cmd_export_run(int argc, char **argv, FILE *out, FILE *err)
{
    const char *model = NULL, *dir = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(out);
            return 0;
        }
        if (strcmp(o, "--force") == 0) {
            force = true;
            continue;
        }
        const char **slot = strcmp(o, "--model") == 0 ? &model
                            : strcmp(o, "--out") == 0 ? &dir
                                                      : NULL;
        if (!slot) {
            fprintf(err, "convscope export: %s '%s'\n",
                    strncmp(o, "--", 2) == 0 ? "unknown option" : "unexpected argument", o);
            usage(err);
            return 2;
        }
        const char *v = cmd_value(err, CMD, argc, argv, &i);
        if (!v)
            return 2;
        if (*slot) {
            fprintf(err, "convscope export: %s given twice\n", o);
            return 2;
        }
        *slot = v;
    }
    if (!model || !dir) {
        fprintf(err, "convscope export: %s is required\n", !model ? "--model F.cnn" : "--out DIR");
        usage(err);
        return 2;
    }

    char msg[ERR_SIZE];
    Net *net = model_load(model, msg, sizeof msg);
    if (!net) {
        fprintf(err, "%s\n", msg);
        return 1;
    }
    /* check.py's default data: this checkout's digits, as an absolute path */
    char data[PATH_SIZE], data_abs[PATH_MAX];
    cmd_default_path(data, sizeof data, "assets/digits");
    if (realpath(data, data_abs))
        snprintf(data, sizeof data, "%s", data_abs);
    if (!export_pytorch(net, model, data, dir, force, msg, sizeof msg)) {
        fprintf(err, "%s\n", msg);
        net_destroy(net);
        return 1;
    }
    /* DIR as the messages name it: without trailing slashes */
    int len = (int)strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    fprintf(out,
            "%s: %d layers, %ld parameters; wrote %.*s/model.py, %.*s/weights.npz, "
            "%.*s/check.py\n"
            "compare `convscope eval --model %s` with `python3 %.*s/check.py`\n",
            model, net->spec.n_layers, net->n_params, len, dir, len, dir, len, dir, model, len,
            dir);
    net_destroy(net);
    return 0;
}

int cmd_export(int argc, char **argv)
{
    return cmd_export_run(argc, argv, stdout, stderr);
}

bool cmd_export_supports(int kind)
{
    return export_supports(kind);
}
