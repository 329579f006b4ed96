#!/usr/bin/env bash
# sweep.sh - issue 8's acceptance figure by hand (not part of meson test, ~2 min on 1 core):
# lenet-tiny, lenet-bn and four learners' 3-conv batchnorm variants (u1-u4 here), 3 epochs on
# the bundled digits, seeds 1-3, at the given `convscope train` options (default: its own
# defaults, which the Train lab shares). Prints the test accuracy after epochs 1, 2 and 3.
# usage: tests/labs/train/ownnets/sweep.sh [BUILD_DIR] ["--lr 0.003 --lr-decay 1"]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
bin=${1:-$root/build}/convscope
args=${2:-}
cd "$root"
for net in assets/nets/lenet-tiny.net assets/nets/lenet-bn.net "$here"/u[1-4].net; do
    for s in 1 2 3; do
        # shellcheck disable=SC2086
        e=$("$bin" train --net "$net" --epochs 3 --threads 1 --seed "$s" $args 2>&1 |
            grep -o 'test accuracy [0-9.]*%' | head -3 | grep -o '[0-9.]*' | tr '\n' ' ')
        echo "$(basename "$net") seed $s: $e"
    done
done
