/* picture.c - a picture file as a lab's 28x28 input (see picture.h). */
#include "labs/common/picture.h"

#include "viz/imgfile.h"

#include <stdio.h>
#include <string.h>

bool lsu_picture_load(const char *path, float *img, char *name, size_t name_size, char *err,
                      size_t err_size)
{
    float pic[28 * 28];
    if (!imgfile_load_input(path, pic, 1, 28, 28, err, err_size))
        return false;
    memcpy(img, pic, sizeof pic);
    /* the name after the last '/' (a loop, not strrchr: GCC's sanitizer builds then see
     * that the argument is never NULL) */
    const char *base = path;
    for (const char *q = path; *q; q++)
        if (*q == '/')
            base = q + 1;
    snprintf(name, name_size, "%s", base);
    return true;
}
