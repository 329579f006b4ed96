/* fuzz_pnm.c - libFuzzer harness: bytes into imgfile_parse_pnm (PGM/PPM, the image input of
 * `convscope dump`). The parser belongs to engineer "data"; this harness only reports. */
#include "viz/imgfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ImageFile img;
    char err[512];
    if (!imgfile_parse_pnm(data, size, "fuzz.pgm", &img, err, sizeof err)) {
        if (strncmp(err, "fuzz.pgm", 8) != 0)
            abort();
        return 0;
    }
    if (img.h < 1 || img.w < 1)
        abort();
    /* touch every value so that a short buffer shows up under ASan */
    volatile float sum = 0.0f;
    for (long i = 0; i < (long)img.h * img.w; i++)
        sum += img.gray[i] + img.rgb[i] + img.rgb[2L * img.h * img.w + i];
    imgfile_free(&img);
    return 0;
}
