/* export.h - a net with its weights as a PyTorch module a student can read: the folder
 * `convscope export` writes, and the Network lab's Export button. Depends on: net, npz, libc
 * (POSIX folders: mkdtemp, rename).
 *
 * export_pytorch writes three files into out_dir:
 *   model.py     a plain torch.nn.Module: one line per layer in the net's order, each module
 *                named L00, L01, ... (the names of `convscope dump`) with the net-file line and
 *                the output shape as a comment, and load() / load_weights() for weights.npz;
 *   weights.npz  the parameters (and each batchnorm's running statistics) in PyTorch's
 *                layouts, named as model.py's state_dict names them (L00.weight, L00.bias, ...);
 *   check.py     runs the test digits through model.py and prints the accuracy and confusion
 *                matrix exactly as `convscope eval` prints them, so the two can be compared.
 *
 * Every file is written into a staging folder first. A new (or empty) out_dir appears whole or
 * not at all: the staging folder is made beside it and renamed onto it. A folder that holds
 * other files is refused unless force, which replaces just those three files in it (each moved
 * in once all three are written), leaving the rest alone; so is an empty folder that cannot be
 * renamed onto (".", or a link to a folder). Missing parents of out_dir are created. */
#ifndef CONVSCOPE_EXPORT_H
#define CONVSCOPE_EXPORT_H

#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>

/* Writes model.py, weights.npz and check.py for net into out_dir (see above). model_name names
 * the net in model.py's comments, in check.py's MODEL (eval's first line) and in errors about
 * its layers: a model file's path, or a name. digits_dir is check.py's default --data folder.
 * false with "PATH: what is wrong" in err (nothing written, or with force the folder's other
 * files as they were). Pure: no output, no exit. */
bool export_pytorch(const Net *net, const char *model_name, const char *digits_dir,
                    const char *out_dir, bool force, char *err, size_t err_size);

/* True when export has a PyTorch form for layer kind (a LayerKind). */
bool export_supports(int kind);

#endif
