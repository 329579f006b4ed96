#!/bin/sh
# build.sh - builds the libFuzzer harnesses with clang, AddressSanitizer and UBSan into OUT
# (default /work/build-fuzz, or the first argument). Not part of `meson test`.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/work/build-fuzz}
mkdir -p "$out"
cc=${CC:-clang}
flags="-std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fno-omit-frame-pointer
 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$root/src"
engine="net.c conv.c pool.c act.c dense.c batchnorm.c rng.c workers.c fastconv.c fastgroup.c gemm.c
 model.c npy.c idx.c"
srcs=""
for f in $engine; do srcs="$srcs $root/src/engine/$f"; done
for h in net model npy idx; do
    $cc $flags -o "$out/fuzz_$h" "$root/tests/fuzz/fuzz_$h.c" $srcs -lz -lm -lpthread
done
# the net editor's document (netedit): edit sequences and their invariants; presets from the tree
$cc $flags -DCONVSCOPE_SOURCE_ROOT="\"$root\"" -o "$out/fuzz_netedit" \
    "$root/tests/fuzz/fuzz_netedit.c" $srcs "$root/src/engine/netedit.c" \
    "$root/src/engine/receptive.c" "$root/src/engine/assets.c" -lz -lm -lpthread
# the PGM/PPM parser of viz/imgfile (needs SDL2_image for the rest of that file)
$cc $flags -o "$out/fuzz_pnm" "$root/tests/fuzz/fuzz_pnm.c" "$root/src/viz/imgfile.c" \
    "$root/src/engine/prep.c" $(pkg-config --cflags --libs sdl2 SDL2_image) -lm
echo "built $out/fuzz_pnm $out/fuzz_netedit; $out/fuzz_net $out/fuzz_model $out/fuzz_npy $out/fuzz_idx"
