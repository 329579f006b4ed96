/* imgfile.c - see imgfile.h. Legend: H height, W width. */
#include "viz/imgfile.h"

#include "engine/prep.h"

#include <SDL.h>
#include <SDL_image.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The size a header states against the limits; at names the byte of the size field. */
static bool size_ok(long w, long h, const char *name, size_t at, char *err, size_t err_size)
{
    if (w < 1 || h < 1) {
        set_err(err, err_size,
                "%s: byte %zu: the header says %ld x %ld pixels; a picture needs "
                "at least 1 x 1",
                name, at, w, h);
        return false;
    }
    if (w > IMG_MAX_SIDE || h > IMG_MAX_SIDE || w * h > IMG_MAX_PIXELS) {
        set_err(err, err_size,
                "%s: byte %zu: the header says %ld x %ld pixels; the limit is %d a side and "
                "%ld in all (refused before decoding)",
                name, at, w, h, IMG_MAX_SIDE, IMG_MAX_PIXELS);
        return false;
    }
    return true;
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
        /* the digits as written (v stopped growing past hi) */
        int nd = (int)(r->pos - start);
        set_err(r->err, r->err_size, "%s: byte %zu: %s %.*s%s is out of range %ld-%ld", r->name,
                start, what, nd > 20 ? 20 : nd, (const char *)r->p + start, nd > 20 ? "..." : "",
                lo, hi);
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
    skip_space(&r);
    size_t size_at = r.pos; /* the width's first digit */
    if (!read_number(&r, "the width", 1, IMG_MAX_SIDE, &w) ||
        !read_number(&r, "the height", 1, IMG_MAX_SIDE, &h) ||
        !size_ok(w, h, name, size_at, err, err_size))
        return false;
    if (!read_number(&r, "the maximum value", 1, 65535, &maxval))
        return false;
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

/* ---- headers: the size before the decode ------------------------------------------------ */

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static long le32s(const unsigned char *p)
{
    unsigned long u = (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
                      (unsigned long)p[3] << 24;
    return u >= 0x80000000ul ? (long)u - 0x100000000l : (long)u;
}

static bool not_a_picture(const char *name, char *err, size_t err_size)
{
    set_err(err, err_size,
            "%s: byte 0: not a picture we can read (PNG, JPEG, BMP, PGM or PPM: none of their "
            "signatures)",
            name);
    return false;
}

static bool truncated_header(const char *name, size_t n, const char *what, char *err,
                             size_t err_size)
{
    set_err(err, err_size, "%s: byte %zu: truncated: the file ends before the %s header's size",
            name, n, what);
    return false;
}

/* JPEG: markers from byte 2 on (0xFF, fill 0xFFs, the code, a 2-byte big-endian length that
 * counts itself) up to the first frame header SOFn, which holds precision, height, width. */
static bool probe_jpeg(const unsigned char *d, size_t n, const char *name, long *w, long *h,
                       char *err, size_t err_size)
{
    size_t i = 2;
    for (;;) {
        if (i >= n)
            return truncated_header(name, n, "JPEG frame", err, err_size);
        if (d[i] != 0xFF) {
            set_err(err, err_size, "%s: byte %zu: expected a JPEG marker (0xFF), found 0x%02X",
                    name, i, d[i]);
            return false;
        }
        while (i < n && d[i] == 0xFF)
            i++;
        if (i >= n)
            return truncated_header(name, n, "JPEG frame", err, err_size);
        unsigned m = d[i++];
        if ((m >= 0xD0 && m <= 0xD7) || m == 0x01)
            continue; /* no length */
        if (m == 0xD9 || m == 0xDA || m == 0xD8 || m == 0x00) {
            set_err(err, err_size,
                    "%s: byte %zu: marker 0x%02X before the JPEG frame header (SOF): no size "
                    "to read",
                    name, i - 1, m);
            return false;
        }
        if (i + 2 > n)
            return truncated_header(name, n, "JPEG frame", err, err_size);
        size_t len = (size_t)d[i] << 8 | d[i + 1];
        if (len < 2) {
            set_err(err, err_size, "%s: byte %zu: JPEG segment length %zu is less than 2", name, i,
                    len);
            return false;
        }
        bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            if (len < 8 || i + 7 > n)
                return truncated_header(name, n, "JPEG frame", err, err_size);
            *h = (long)d[i + 3] << 8 | d[i + 4];
            *w = (long)d[i + 5] << 8 | d[i + 6];
            if (*h == 0) {
                set_err(err, err_size,
                        "%s: byte %zu: the JPEG frame header gives height 0 (a DNL marker), "
                        "which is not supported",
                        name, i + 3);
                return false;
            }
            return size_ok(*w, *h, name, i + 3, err, err_size);
        }
        i += len;
    }
}

/* PNG: every chunk (length, type, data, CRC) lies inside the file, up to IEND. SDL_image's
 * reader ignores a short read, so a PNG cut short made libpng go round the last chunk's stale
 * bytes for ever ("tIME: CRC error" without end, found by fuzz_img); a file whose chunks all
 * fit is never read past its end. */
static bool png_chunks_ok(const unsigned char *d, size_t n, const char *name, char *err,
                          size_t err_size)
{
    size_t at = 8;
    for (;;) {
        if (n - at < 8) {
            set_err(err, err_size,
                    "%s: byte %zu: truncated: the PNG file ends before its IEND chunk", name, n);
            return false;
        }
        unsigned long len = be32(d + at);
        const unsigned char *type = d + at + 4;
        for (int i = 0; i < 4; i++) {
            if (!isalpha(type[i])) {
                set_err(err, err_size, "%s: byte %zu: damaged PNG chunk type 0x%02X%02X%02X%02X",
                        name, at + 4, type[0], type[1], type[2], type[3]);
                return false;
            }
        }
        if (len > 0x7fffffffUL || n - at - 8 < (size_t)len + 4) {
            set_err(err, err_size,
                    "%s: byte %zu: truncated: the PNG chunk %.4s of %lu bytes does not fit in "
                    "the file",
                    name, at, (const char *)type, len);
            return false;
        }
        if (memcmp(type, "IEND", 4) == 0)
            return true;
        at += 12 + (size_t)len;
    }
}

bool imgfile_probe(const unsigned char *data, size_t n, const char *name, ImageFormat *format,
                   long *w, long *h, char *err, size_t err_size)
{
    *w = *h = 0;
    if (n == 0) {
        set_err(err, err_size, "%s: byte 0: the file is empty", name);
        return false;
    }
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 8 && memcmp(data, png_sig, 8) == 0) {
        *format = IMG_FORMAT_PNG;
        /* the first chunk is IHDR: length 13, "IHDR", width, height (big-endian) */
        if (n < 24)
            return truncated_header(name, n, "PNG IHDR", err, err_size);
        if (memcmp(data + 12, "IHDR", 4) != 0 || be32(data + 8) != 13) {
            set_err(err, err_size, "%s: byte 8: the first PNG chunk is not a 13-byte IHDR", name);
            return false;
        }
        unsigned long uw = be32(data + 16), uh = be32(data + 20);
        *w = uw > 0x7fffffffl ? 0x7fffffffl : (long)uw;
        *h = uh > 0x7fffffffl ? 0x7fffffffl : (long)uh;
        return size_ok(*w, *h, name, 16, err, err_size) &&
               png_chunks_ok(data, n, name, err, err_size);
    }
    if (n >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        *format = IMG_FORMAT_JPEG;
        return probe_jpeg(data, n, name, w, h, err, err_size);
    }
    if (n >= 2 && data[0] == 'B' && data[1] == 'M') {
        *format = IMG_FORMAT_BMP;
        /* the info header at byte 14 starts with its own size: 12 (OS/2: 16-bit width and
         * height) or more (Windows: signed 32-bit, a negative height means top-down) */
        if (n < 18)
            return truncated_header(name, n, "BMP info", err, err_size);
        long hsize = le32s(data + 14);
        if (hsize == 12) {
            if (n < 22)
                return truncated_header(name, n, "BMP info", err, err_size);
            *w = data[18] | (long)data[19] << 8;
            *h = data[20] | (long)data[21] << 8;
        } else if (hsize >= 16 && hsize <= 1024) {
            if (n < 26)
                return truncated_header(name, n, "BMP info", err, err_size);
            *w = le32s(data + 18);
            *h = le32s(data + 22);
            if (*h < 0)
                *h = -*h;
        } else {
            set_err(err, err_size, "%s: byte 14: BMP info header size %ld is not one we know", name,
                    hsize);
            return false;
        }
        return size_ok(*w, *h, name, 18, err, err_size);
    }
    if (n >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7') {
        *format = IMG_FORMAT_PNM;
        if (data[1] == '1' || data[1] == '4' || data[1] == '7') {
            set_err(err, err_size, "%s: byte 1: P%c (a %s) is not supported; use P2, P3, P5 or P6",
                    name, data[1], data[1] == '7' ? "PAM file" : "PBM bitmap");
            return false;
        }
        /* the size is read by the parser itself, before it allocates anything */
        return true;
    }
    return not_a_picture(name, err, err_size);
}

/* ---- the decode ------------------------------------------------------------------------- */

bool imgfile_decode(const unsigned char *data, size_t n, const char *name, ImageFile *out,
                    char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    ImageFormat format;
    long w = 0, h = 0;
    if (!imgfile_probe(data, n, name, &format, &w, &h, err, err_size))
        return false;
    if (format == IMG_FORMAT_PNM)
        return imgfile_parse_pnm(data, n, name, out, err, err_size);
    if (n > (size_t)INT_MAX) {
        set_err(err, err_size, "%s: larger than %ld bytes, the limit for a picture", name,
                IMG_MAX_FILE);
        return false;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)n);
    StderrCapture cap;
    char libpng[256];
    capture_begin(&cap);
    SDL_Surface *s = NULL;
    if (rw) {
        /* each format by its own loader: nothing else SDL_image could guess is tried */
        if (format == IMG_FORMAT_PNG)
            s = IMG_LoadPNG_RW(rw);
        else if (format == IMG_FORMAT_JPEG)
            s = IMG_LoadJPG_RW(rw);
        else
            s = IMG_LoadBMP_RW(rw);
        SDL_RWclose(rw);
    }
    capture_end(&cap, libpng, sizeof libpng);
    if (!s) {
        set_err(err, err_size,
                "%s: not a picture we can read (PNG, JPEG, BMP, PGM or PPM): %s%s%s%s", name,
                IMG_GetError(), libpng[0] ? " (" : "", libpng, libpng[0] ? ")" : "");
        return false;
    }
    bool ok;
    if (s->w != w || s->h != h) {
        /* the decoder must agree with the header the limits were checked on */
        set_err(err, err_size, "%s: the header says %ld x %ld pixels, the decoder gave %d x %d",
                name, w, h, s->w, s->h);
        ok = false;
    } else {
        ok = from_surface(s, out, name, err, err_size);
    }
    SDL_FreeSurface(s);
    return ok;
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
    if (size < 0) {
        set_err(err, err_size, "%s: cannot tell the file's size", path);
        goto done;
    }
    if (size > IMG_MAX_FILE) {
        set_err(err, err_size, "%s: byte %ld: larger than %ld bytes, the limit for a picture", path,
                IMG_MAX_FILE, IMG_MAX_FILE);
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
    ok = imgfile_decode(data, n, path, out, err, err_size);
done:
    free(data);
    fclose(f);
    return ok;
}

bool imgfile_to_input(const ImageFile *img, float *in, int c, int h, int w, const char *name,
                      char *err, size_t err_size)
{
    if (c != 1 && c != 3) {
        set_err(err, err_size, "%s: the net wants %d input channels; pictures give 1 or 3", name,
                c);
        return false;
    }
    if (c == 1) {
        float field[PREP_SIZE * PREP_SIZE]; /* (28, 28) */
        prep_mnist(field, img->gray, img->h, img->w, NULL);
        if (h == PREP_SIZE && w == PREP_SIZE)
            memcpy(in, field, sizeof field);
        else
            prep_resample(in, h, w, field, PREP_SIZE, PREP_SIZE);
    } else {
        long hw = (long)img->h * img->w;
        for (int k = 0; k < 3; k++)
            prep_resample(in + (long)k * h * w, h, w, img->rgb + k * hw, img->h, img->w);
    }
    return true;
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
    bool ok = imgfile_to_input(&img, in, c, h, w, path, err, err_size);
    imgfile_free(&img);
    return ok;
}
