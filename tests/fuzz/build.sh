#!/usr/bin/env bash
# build.sh - builds the libFuzzer harnesses with clang, AddressSanitizer and UBSan into OUT
# (default /work/build-fuzz, or the first argument). Not part of `meson test`; .ci/run calls
# it, then tests/fuzz/run.sh runs each target on its corpus. Every source is compiled once
# (JOBS at a time, default 2) and the harnesses are linked against those objects.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/work/build-fuzz}
jobs=${JOBS:-2}
cc=${CC:-clang}
mkdir -p "$out/obj"
san=(-fno-sanitize-recover=undefined)
read -r -a sdl_cflags <<<"$(pkg-config --cflags sdl2 SDL2_image SDL2_ttf)"
read -r -a sdl_libs <<<"$(pkg-config --libs sdl2 SDL2_image)"
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (libFuzzer's convention): a lesson's `set steps`
# trains at most 1 step and the labs load 256 digits, so fuzz_check's inputs (every scene
# starts its lab afresh) stay well under the 2 s limit
flags=(-std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fno-omit-frame-pointer
    -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    "-I$root/src" "-DCONVSCOPE_SOURCE_ROOT=\"$root\"" '-DCONVSCOPE_VERSION="fuzz"'
    "${sdl_cflags[@]}")

running=0
status=0
# Runs "$@" in the background, at most $jobs at a time; a failure is remembered.
spawn() {
    if ((running >= jobs)); then
        wait -n || status=1
        running=$((running - 1))
    fi
    "$@" &
    running=$((running + 1))
}
drain() {
    while ((running > 0)); do
        wait -n || status=1
        running=$((running - 1))
    done
    if ((status != 0)); then
        echo "build.sh: a compile failed" >&2
        exit 1
    fi
}

# the whole engine (pure C11: whatever files it grows, they all go in), the picture reader
# and its preprocessing, the lesson parser: each compiled once
engine=()
for f in "$root"/src/engine/*.c "$root/src/viz/imgfile.c" "$root/src/lesson/lesson.c"; do
    o="$out/obj/$(basename "$f" .c).o"
    case $f in */src/engine/*) engine+=("$o") ;; esac
    spawn "$cc" "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined "${san[@]}" \
        -c "$f" -o "$o"
done
# the rest of the application (viz, ui, labs, app, cli; not main.c), for fuzz_check's real labs;
# named by their path (every lab has a model.c and a view.c)
app=()
while IFS= read -r f; do
    rel=${f#"$root"/src/}
    o="$out/obj/app_${rel//\//_}"
    o=${o%.c}.o
    app+=("$o")
    spawn "$cc" "${flags[@]}" -fsanitize=fuzzer-no-link,address,undefined "${san[@]}" \
        -c "$f" -o "$o"
done < <(find "$root/src/viz" "$root/src/ui" "$root/src/labs" "$root/src/app" "$root/src/cli" \
    -name '*.c' ! -name main.c ! -name imgfile.c | sort)
drain

targets=(net model npy idx idx_gz pnm img lesson netedit check)
for t in "${targets[@]}"; do
    rm -f "$out/fuzz_$t"
    case $t in
    pnm | img) objs=("$out/obj/imgfile.o" "$out/obj/prep.o") libs=("${sdl_libs[@]}" -lm) ;;
    lesson) objs=("$out/obj/lesson.o") libs=(-lm) ;;
    check)
        objs=("${engine[@]}" "$out/obj/imgfile.o" "$out/obj/lesson.o" "${app[@]}")
        read -r -a libs <<<"$(pkg-config --libs sdl2 SDL2_image SDL2_ttf) -lz -lm -lpthread"
        ;;
    *) objs=("${engine[@]}") libs=(-lz -lm -lpthread) ;;
    esac
    spawn "$cc" "${flags[@]}" -fsanitize=fuzzer,address,undefined "${san[@]}" \
        -o "$out/fuzz_$t" "$root/tests/fuzz/fuzz_$t.c" "${objs[@]}" "${libs[@]}"
done
drain
echo "built ${targets[*]/#/fuzz_} in $out"
