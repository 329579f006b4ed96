/* fuzz_img.c - libFuzzer harness: bytes into imgfile_decode, the path of predict's and dump's
 * --input (and the labs' picture field) from memory: the header probe, then SDL2_image's PNG,
 * JPEG or BMP loader or our PGM/PPM parser, then the picture made a net's input as predict
 * does (one channel 28x28 through prep_mnist, or three channels resampled to 8x8). A picture
 * above the limits must be refused before it is decoded. */
#include "viz/imgfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Pictures above this many pixels are probed, not decoded: the product takes them (up to
 * IMG_MAX_PIXELS), but under ASan and coverage our per-pixel loops cost 1.5-3 us a pixel (a
 * 232x1544 JPEG took 0.4-0.6 s, over the 2 s timeout on a busy machine in the first 10-minute
 * run; 27 ms in a release build; a 144x1792 RLE BMP 0.8 s under the second limit, 256 kP),
 * so a 16 MP picture would take a minute here. 64 kP (256 x 256) keeps an input near 0.2 s. */
#define FUZZ_MAX_PIXELS (64L * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ImageFile img;
    char err[1024];
    ImageFormat format;
    long w = 0, h = 0;
    if (imgfile_probe(data, size, "fuzz.img", &format, &w, &h, err, sizeof err) &&
        w * h > FUZZ_MAX_PIXELS)
        return 0;
    memset(&img, 0xab, sizeof img);
    if (!imgfile_decode(data, size, "fuzz.img", &img, err, sizeof err)) {
        /* every refusal names the picture, and leaves nothing allocated */
        if (strncmp(err, "fuzz.img", 8) != 0 || img.gray || img.rgb)
            abort();
        return 0;
    }
    if (img.h < 1 || img.w < 1 || img.h > IMG_MAX_SIDE || img.w > IMG_MAX_SIDE ||
        (long)img.h * img.w > IMG_MAX_PIXELS)
        abort();
    /* every value is an intensity in [0, 1] */
    long hw = (long)img.h * img.w;
    for (long i = 0; i < hw; i++)
        if (!(img.gray[i] >= 0.0f && img.gray[i] <= 1.0f) ||
            !(img.rgb[i] >= 0.0f && img.rgb[2 * hw + i] <= 1.0f))
            abort();
    static float in[3 * 28 * 28];
    int c = size % 2 ? 3 : 1;
    if (!imgfile_to_input(&img, in, c, c == 1 ? 28 : 8, c == 1 ? 28 : 8, "fuzz.img", err,
                          sizeof err))
        abort();
    imgfile_free(&img);
    return 0;
}
