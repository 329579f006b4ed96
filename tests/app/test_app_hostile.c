/* test_app_hostile.c - the window's load paths against hostile files (issue 9): a picture
 * dropped or typed into the Convolution and Pooling labs, a net or model dropped on the
 * Network lab, a lesson opened from a path. Each failure must land in the banner as
 * "PATH: what is wrong", return false, and leave the last good state: the lab's stage draws the
 * same pixels as before the bad file, the open lesson stays on its step. (tests/hostile checks
 * the same files on the command line.) */
#include "labs/app_harness.h"

#include "app/lesson_host.h"
#include "test.h"

#include <SDL.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <zlib.h>

#define DIR     "hostile-app"
#define LESSON3 CONVSCOPE_SOURCE_ROOT "/lessons/03-sliding-a-kernel.lesson"

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

/* A PNG chunk (length, type, data, CRC) appended at p; returns its size. */
static size_t png_chunk(uint8_t *p, const char *type, const uint8_t *data, uint32_t n)
{
    uint8_t *q = p;
    *q++ = (uint8_t)(n >> 24), *q++ = (uint8_t)(n >> 16), *q++ = (uint8_t)(n >> 8),
    *q++ = (uint8_t)n;
    memcpy(q, type, 4);
    if (n)
        memcpy(q + 4, data, n);
    uint32_t crc = (uint32_t)crc32(0, q, n + 4);
    q += 4 + n;
    *q++ = (uint8_t)(crc >> 24), *q++ = (uint8_t)(crc >> 16), *q++ = (uint8_t)(crc >> 8),
    *q++ = (uint8_t)crc;
    return (size_t)(q - p);
}

/* A grey PNG whose header says w x h, with an IDAT of 64 zero bytes; cut drops its last 9. */
static void write_png(const char *path, uint32_t w, uint32_t h, bool cut)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t buf[512], ihdr[13] = {0};
    size_t n = 0;
    memcpy(buf, sig, 8);
    n = 8;
    for (int i = 0; i < 4; i++) {
        ihdr[i] = (uint8_t)(w >> (24 - 8 * i));
        ihdr[4 + i] = (uint8_t)(h >> (24 - 8 * i));
    }
    ihdr[8] = 8; /* bit depth; colour type 0 (grey) */
    n += png_chunk(buf + n, "IHDR", ihdr, 13);
    uint8_t raw[72] = {0}, z[128];
    uLongf zn = sizeof z;
    compress(z, &zn, raw, sizeof raw);
    n += png_chunk(buf + n, "IDAT", z, (uint32_t)zn);
    if (cut)
        n -= 9;
    else
        n += png_chunk(buf + n, "IEND", NULL, 0);
    write_bytes(path, buf, n);
}

/* A hash of the stage's pixels in a frame without banner or toast. */
static uint64_t stage_hash(Harness *h)
{
    h->app->banner[0] = '\0';
    h->app->banner_extra = 0;
    h->app->toast[0] = '\0';
    harness_frame(h, true, 0.0);
    harness_frame(h, true, 0.0);
    Rect st = h->app->lay.stage;
    uint64_t x = 1469598103934665603ull;
    for (int y = st.y; y < st.y + st.h; y++)
        for (int i = st.x; i < st.x + st.w; i++)
            x = (x ^ harness_pixel(h, i, y)) * 1099511628211ull;
    return x;
}

/* Whether message names the file: its path, or its last component, followed by ':'. */
static bool names_file(const char *message, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *at = strstr(message, base);
    return at && at[strlen(base)] == ':';
}

/* Drops path on the lab shown: refused, the banner names the file, same stage after. */
static void refused_drop(Harness *h, const char *path, uint64_t good)
{
    h->app->banner[0] = '\0';
    bool ok = app_drop_file(h->app, path);
    CHECK(!ok);
    if (!names_file(h->app->banner, path))
        fprintf(stderr, "banner for %s: \"%s\"\n", path, h->app->banner);
    CHECK(names_file(h->app->banner, path));
    harness_frame(h, true, 0.0); /* drawn with the banner: no crash */
    uint64_t after = stage_hash(h);
    if (after != good)
        fprintf(stderr, "%s: the lab's stage changed after the refused file\n", path);
    CHECK(after == good);
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

int main(void)
{
    mkdir(DIR, 0755);
    mkdir(DIR "/a-folder.png", 0755);
    mkdir(DIR "/a-folder.lesson", 0755);
    write_png(DIR "/good.png", 8, 8, false);
    write_png(DIR "/huge.png", 100000, 100000, false);
    write_png(DIR "/cut.png", 8, 8, true);
    static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0,    11, 8,    0xFF, 0xFF,
                                   0xFF, 0xFF, 1,    1,    0x11, 0,  0xFF, 0xD9};
    write_bytes(DIR "/huge.jpg", jpeg, sizeof jpeg);
    write_text(DIR "/notes.png", "these are not pixels\n");
    write_text(DIR "/big.pgm", "P5 65535 65535 255\n");
    write_text(DIR "/short.pgm", "P5 4 4 255\nab");
    write_text(DIR "/junk.net", "conv 3x3 banana\n\x01\x02\xff");
    write_text(DIR "/junk.cnn", "CNN1\xff\xff\xff\xff");
    write_text(DIR "/junk.lesson", "\x7f"
                                   "ELF\x01\x02\x01\n\xff\xfe");
    write_text(DIR "/badlab.lesson", "title T\nstep\nlab nosuchlab\n> hi\n");
    static const char *pictures[] = {DIR "/huge.png",  DIR "/cut.png",      DIR "/huge.jpg",
                                     DIR "/notes.png", DIR "/a-folder.png", DIR "/missing.png",
                                     DIR "/big.pgm",   DIR "/short.pgm"};

    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    /* Convolution and Pooling: a good picture, then every bad one; the good one stays */
    for (int lab = 0; lab < 2; lab++) {
        app_switch_lab(h.app, lab);
        CHECK(app_drop_file(h.app, DIR "/good.png"));
        uint64_t good = stage_hash(&h);
        for (size_t i = 0; i < sizeof pictures / sizeof *pictures; i++)
            refused_drop(&h, pictures[i], good);
    }
    /* Network: a junk net and model, and the bad pictures as its input */
    app_switch_lab(h.app, 3);
    harness_frame(&h, true, 0.0);
    uint64_t net_good = stage_hash(&h);
    CHECK(net_good == stage_hash(&h)); /* the stage is steady, so the comparison means something */
    refused_drop(&h, DIR "/junk.net", net_good);
    refused_drop(&h, DIR "/junk.cnn", net_good);
    refused_drop(&h, DIR "/huge.png", net_good);
    refused_drop(&h, DIR "/missing.net", net_good);

    /* lessons: a bad path leaves the open lesson on its step */
    char err[1400];
    CHECK(lesson_host_open(h.app, LESSON3, 2, err, sizeof err));
    static const char *lessons[] = {DIR "/junk.lesson", DIR "/badlab.lesson",
                                    DIR "/a-folder.lesson", DIR "/missing.lesson"};
    for (size_t i = 0; i < sizeof lessons / sizeof *lessons; i++) {
        err[0] = '\0';
        CHECK(!lesson_host_open(h.app, lessons[i], 1, err, sizeof err));
        if (!names_file(err, lessons[i]))
            fprintf(stderr, "lesson %s: \"%s\"\n", lessons[i], err);
        CHECK(names_file(err, lessons[i]));
        CHECK(h.app->lesson != NULL);
        CHECK_INT_EQ(2, lesson_host_step(h.app));
        harness_frame(&h, true, 0.0);
    }
    harness_close(&h);
    return test_summary();
}
