/* imgfile.c - see imgfile.h. Legend: H height, W width. */
#include "viz/imgfile.h"

#include "engine/prep.h"

#include <SDL.h>
#include <SDL_image.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Refuse pictures above 64 megapixels (or files above 512 MB): a damaged header must not
 * make us allocate gigabytes, and nobody feeds a 28x28 classifier a bigger photo. */
#define IMG_MAX_PIXELS (64L * 1024 * 1024)
#define IMG_MAX_FILE   (512L * 1024 * 1024)

static void set_err(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || err_size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

static float luma(float r, float g, float b)
{
    return 0.299f * r + 0.587f * g + 0.114f * b;
}

static bool alloc_image(ImageFile *out, int h, int w)
{
    size_t hw = (size_t)h * (size_t)w;
    out->h = h;
    out->w = w;
    out->gray = malloc(hw * sizeof(float));
    out->rgb = malloc(3 * hw * sizeof(float));
    if (!out->gray || !out->rgb) {
        imgfile_free(out);
        return false;
    }
    return true;
}

void imgfile_free(ImageFile *img)
{
    free(img->gray);
    free(img->rgb);
    memset(img, 0, sizeof *img);
}

/* ---- Netpbm ---------------------------------------------------------------------------- */

typedef struct PnmReader {
    const unsigned char *p;
    size_t n, pos;
    const char *name;
    char *err;
    size_t err_size;
} PnmReader;

/* Skips whitespace and # comments (which run to the end of the line). */
static void skip_space(PnmReader *r)
{
    while (r->pos < r->n) {
        unsigned char c = r->p[r->pos];
        if (c == '#') {
            while (r->pos < r->n && r->p[r->pos] != '\n' && r->p[r->pos] != '\r')
                r->pos++;
        } else if (isspace(c)) {
            r->pos++;
        } else {
            break;
        }
    }
}

/* Describes what is at the reader's position, for messages. */
static const char *found_at(const PnmReader *r, char *buf, size_t size)
{
    if (r->pos >= r->n)
        return "the end of the file";
    unsigned char c = r->p[r->pos];
    if (isprint(c))
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02X", c);
    return buf;
}

/* Reads a decimal number in [lo, hi]; what names it in messages. */
static bool read_number(PnmReader *r, const char *what, long lo, long hi, long *value)
{
    skip_space(r);
    size_t start = r->pos;
    long v = 0;
    while (r->pos < r->n && isdigit(r->p[r->pos])) {
        if (v <= hi)
            v = v * 10 + (r->p[r->pos] - '0');
        r->pos++;
    }
    char buf[32];
    if (r->pos == start) {
        r->pos = start;
        set_err(r->err, r->err_size, "%s: byte %zu: expected %s (a whole number), found %s",
                r->name, start, what, found_at(r, buf, sizeof buf));
        return false;
    }
    if (v < lo || v > hi) {
        set_err(r->err, r->err_size, "%s: byte %zu: %s %ld is out of range %ld-%ld", r->name, start,
                what, v, lo, hi);
        return false;
    }
    *value = v;
    return true;
}

bool imgfile_parse_pnm(const unsigned char *data, size_t n, const char *name, ImageFile *out,
                       char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    PnmReader r = {data, n, 0, name, err, err_size};
    if (n < 2 || data[0] != 'P' ||
        (data[1] != '2' && data[1] != '3' && data[1] != '5' && data[1] != '6')) {
        set_err(err, err_size, "%s: byte 0: not a PGM/PPM file (expected P2, P3, P5 or P6)", name);
        return false;
    }
    bool binary = data[1] == '5' || data[1] == '6';
    int ch = (data[1] == '3' || data[1] == '6') ? 3 : 1;
    r.pos = 2;
    if (r.pos < n && !isspace(data[r.pos]) && data[r.pos] != '#') {
        set_err(err, err_size, "%s: byte 2: expected white space after the magic number P%c", name,
                data[1]);
        return false;
    }
    long w = 0, h = 0, maxval = 0;
    if (!read_number(&r, "the width", 1, IMG_MAX_PIXELS, &w) ||
        !read_number(&r, "the height", 1, IMG_MAX_PIXELS, &h) ||
        !read_number(&r, "the maximum value", 1, 65535, &maxval))
        return false;
    if (w * h > IMG_MAX_PIXELS) {
        set_err(err, err_size, "%s: byte 3: %ld x %ld pixels is more than the %ld we accept", name,
                w, h, IMG_MAX_PIXELS);
        return false;
    }
    long samples = w * h * ch;
    if (binary) {
        /* exactly one white-space byte separates the header from the samples */
        if (r.pos >= n || !isspace(data[r.pos])) {
            set_err(err, err_size,
                    "%s: byte %zu: expected one white-space byte before the "
                    "pixel data",
                    name, r.pos);
            return false;
        }
        r.pos++;
        long bps = maxval < 256 ? 1 : 2; /* bytes per sample, big-endian when 2 */
        size_t need = (size_t)(samples * bps);
        if (n - r.pos < need) {
            set_err(err, err_size,
                    "%s: byte %zu: truncated: %ld x %ld x %d samples of %ld byte%s "
                    "(%zu bytes) expected, the file has %zu",
                    name, n, w, h, ch, bps, bps > 1 ? "s" : "", need, n - r.pos);
            return false;
        }
    } else if (samples > 0 && n - r.pos < (size_t)(2 * samples - 1)) {
        /* each ASCII sample takes at least a digit and a separator */
        set_err(err, err_size,
                "%s: byte %zu: truncated: %ld x %ld x %d samples expected, the "
                "file is too short to hold them",
                name, n, w, h, ch);
        return false;
    }
    if (!alloc_image(out, (int)h, (int)w)) {
        set_err(err, err_size, "%s: out of memory for %ld x %ld pixels", name, w, h);
        return false;
    }
    long hw = w * h;
    float scale = 1.0f / (float)maxval;
    for (long i = 0; i < hw; i++) {
        float v[3];
        for (int c = 0; c < ch; c++) {
            long s = 0;
            if (binary) {
                if (maxval < 256) {
                    s = data[r.pos++];
                } else {
                    s = (long)data[r.pos] << 8 | data[r.pos + 1];
                    r.pos += 2;
                }
                if (s > maxval) {
                    set_err(err, err_size,
                            "%s: byte %zu: sample %ld is above the maximum value "
                            "%ld",
                            name, r.pos - (maxval < 256 ? 1 : 2), s, maxval);
                    imgfile_free(out);
                    return false;
                }
            } else {
                char what[64];
                snprintf(what, sizeof what, "sample %ld of %ld", i * ch + c + 1, samples);
                if (!read_number(&r, what, 0, maxval, &s)) {
                    imgfile_free(out);
                    return false;
                }
            }
            v[c] = (float)s * scale;
        }
        if (ch == 1) {
            out->gray[i] = v[0];
            for (int c = 0; c < 3; c++)
                out->rgb[c * hw + i] = v[0];
        } else {
            out->gray[i] = luma(v[0], v[1], v[2]);
            for (int c = 0; c < 3; c++)
                out->rgb[c * hw + i] = v[c];
        }
    }
    return true;
}

/* ---- everything else, through SDL2_image ---------------------------------------------- */

/* libpng's default handlers, which SDL_image leaves in place, print "libpng error: IDAT: CRC
 * error" or "libpng warning: ..." straight to stderr, above our own message about the same
 * file. So while SDL_image decodes, fd 2 points at a temporary file; afterwards the libpng
 * lines are kept (an error's text joins our message, a warning about a picture that loaded is
 * dropped) and any other line is written to the real stderr, so nothing of anyone else's is
 * lost, only delayed by the decode. fd 2 is shared by the whole process: one capture at a
 * time (a second thread decoding meanwhile just is not captured), and another thread's
 * message written during the window arrives late, not lost. */
typedef struct StderrCapture {
    int saved; /* the real fd 2, or -1 when not capturing */
    FILE *tmp;
} StderrCapture;

static SDL_SpinLock capture_lock = 0;

static void capture_begin(StderrCapture *c)
{
    c->saved = -1;
    c->tmp = NULL;
    if (!SDL_AtomicTryLock(&capture_lock))
        return;
    fflush(stderr);
    FILE *t = tmpfile();
    int saved = t ? dup(STDERR_FILENO) : -1;
    if (saved < 0 || dup2(fileno(t), STDERR_FILENO) < 0) {
        if (saved >= 0)
            close(saved);
        if (t)
            fclose(t);
        SDL_AtomicUnlock(&capture_lock);
        return;
    }
    c->saved = saved;
    c->tmp = t;
}

/* Restores fd 2. The libpng lines go into libpng (joined by "; ", without newlines), every
 * other line to the real stderr. */
static void capture_end(StderrCapture *c, char *libpng, size_t size)
{
    libpng[0] = '\0';
    if (c->saved < 0)
        return;
    fflush(stderr);
    dup2(c->saved, STDERR_FILENO);
    close(c->saved);
    SDL_AtomicUnlock(&capture_lock);
    rewind(c->tmp);
    char line[512];
    size_t len = 0;
    while (fgets(line, sizeof line, c->tmp)) {
        if (strncmp(line, "libpng ", 7) != 0) {
            fputs(line, stderr);
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (len + 2 < size)
            len += (size_t)snprintf(libpng + len, size - len, "%s%s", len ? "; " : "", line);
        len = len < size ? len : size - 1;
    }
    fclose(c->tmp);
}

static bool from_surface(SDL_Surface *src, ImageFile *out, const char *path, char *err,
                         size_t err_size)
{
    SDL_Surface *s = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_RGBA32, 0);
    if (!s) {
        set_err(err, err_size, "%s: cannot convert the picture: %s", path, SDL_GetError());
        return false;
    }
    if ((long)s->w * s->h > IMG_MAX_PIXELS) {
        set_err(err, err_size, "%s: %d x %d pixels is more than the %ld we accept", path, s->w,
                s->h, IMG_MAX_PIXELS);
        SDL_FreeSurface(s);
        return false;
    }
    if (!alloc_image(out, s->h, s->w)) {
        set_err(err, err_size, "%s: out of memory for %d x %d pixels", path, s->w, s->h);
        SDL_FreeSurface(s);
        return false;
    }
    long hw = (long)s->w * s->h;
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++) {
        const Uint8 *row = (const Uint8 *)s->pixels + (long)y * s->pitch;
        for (int x = 0; x < s->w; x++) {
            const Uint8 *px = row + 4 * x; /* R, G, B, A in memory for RGBA32 */
            float a = px[3] / 255.0f;
            float v[3];
            /* composite over white paper */
            for (int c = 0; c < 3; c++)
                v[c] = a * (px[c] / 255.0f) + (1.0f - a);
            long i = (long)y * s->w + x;
            out->gray[i] = luma(v[0], v[1], v[2]);
            for (int c = 0; c < 3; c++)
                out->rgb[c * hw + i] = v[c];
        }
    }
    SDL_UnlockSurface(s);
    SDL_FreeSurface(s);
    return true;
}

bool imgfile_load(const char *path, ImageFile *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    /* fopen opens a folder too, whose "size" would then be reported as too large */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        set_err(err, err_size, "%s: is a folder, not a file", path);
        fclose(f);
        return false;
    }
    unsigned char *data = NULL;
    size_t n = 0;
    bool ok = false;
    if (fseek(f, 0, SEEK_END) != 0) {
        set_err(err, err_size, "%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    long size = ftell(f);
    if (size < 0 || size > IMG_MAX_FILE) {
        set_err(err, err_size, "%s: %s", path,
                size < 0 ? "cannot tell the file's size" : "larger than 512 MB");
        goto done;
    }
    rewind(f);
    if (size == 0) {
        set_err(err, err_size, "%s: byte 0: the file is empty", path);
        goto done;
    }
    data = malloc((size_t)size);
    if (!data) {
        set_err(err, err_size, "%s: out of memory for %ld bytes", path, size);
        goto done;
    }
    n = fread(data, 1, (size_t)size, f);
    if (n != (size_t)size) {
        set_err(err, err_size, "%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    if (n >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7') {
        if (data[1] == '1' || data[1] == '4' || data[1] == '7')
            set_err(err, err_size,
                    "%s: byte 1: P%c (a %s) is not supported; use P2, P3, P5 "
                    "or P6",
                    path, data[1], data[1] == '7' ? "PAM file" : "PBM bitmap");
        else
            ok = imgfile_parse_pnm(data, n, path, out, err, err_size);
        goto done;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)n);
    StderrCapture cap;
    char libpng[256];
    capture_begin(&cap);
    SDL_Surface *s = rw ? IMG_Load_RW(rw, 1) : NULL;
    capture_end(&cap, libpng, sizeof libpng);
    if (!s) {
        set_err(err, err_size,
                "%s: not a picture we can read (PNG, JPEG, BMP, PGM or PPM): %s%s%s%s", path,
                IMG_GetError(), libpng[0] ? " (" : "", libpng, libpng[0] ? ")" : "");
        goto done;
    }
    ok = from_surface(s, out, path, err, err_size);
    SDL_FreeSurface(s);
done:
    free(data);
    fclose(f);
    return ok;
}

bool imgfile_load_input(const char *path, float *in, int c, int h, int w, char *err,
                        size_t err_size)
{
    if (c != 1 && c != 3) {
        set_err(err, err_size, "%s: the net wants %d input channels; pictures give 1 or 3", path,
                c);
        return false;
    }
    ImageFile img;
    if (!imgfile_load(path, &img, err, err_size))
        return false;
    if (c == 1) {
        float field[PREP_SIZE * PREP_SIZE]; /* (28, 28) */
        prep_mnist(field, img.gray, img.h, img.w, NULL);
        if (h == PREP_SIZE && w == PREP_SIZE)
            memcpy(in, field, sizeof field);
        else
            prep_resample(in, h, w, field, PREP_SIZE, PREP_SIZE);
    } else {
        long hw = (long)img.h * img.w;
        for (int k = 0; k < 3; k++)
            prep_resample(in + (long)k * h * w, h, w, img.rgb + k * hw, img.h, img.w);
    }
    imgfile_free(&img);
    return true;
}
