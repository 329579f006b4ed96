/* test_imgfile.c - pictures from files: PGM/PPM parsed by hand-written examples (ASCII and
 * binary, 8 and 16 bits, comments), their mistakes reported to the byte, and PNG, BMP and
 * JPEG written by SDL and read back through SDL2_image. */
#include "engine/prep.h"
#include "test.h"
#include "viz/imgfile.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdlib.h>
#include <unistd.h>

static char tmpdir[256];

static bool parse(const char *text, ImageFile *img, char *err, size_t err_size)
{
    return imgfile_parse_pnm((const unsigned char *)text, strlen(text), "t.pgm", img, err,
                             err_size);
}

static bool parse_bin(const unsigned char *data, size_t n, ImageFile *img, char *err,
                      size_t err_size)
{
    return imgfile_parse_pnm(data, n, "t.pgm", img, err, err_size);
}

static void test_pgm_ascii(void)
{
    ImageFile img;
    char err[256] = "";
    CHECK(
        parse("P2\n# a comment\n3 2 # width and height\n4\n0 1 2\n3 4 0\n", &img, err, sizeof err));
    CHECK_STR_EQ("", err);
    CHECK_INT_EQ(3, img.w);
    CHECK_INT_EQ(2, img.h);
    const float want[6] = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 0.0f};
    CHECK_TENSOR_NEAR(want, img.gray, 6, 1e-7, 0.0);
    CHECK_TENSOR_NEAR(want, img.rgb + 6, 6, 1e-7, 0.0); /* green plane of a grey picture */
    imgfile_free(&img);

    /* P3: colour to luminance 0.299 R + 0.587 G + 0.114 B */
    CHECK(parse("P3 2 1 255  255 0 0  0 0 255", &img, err, sizeof err));
    CHECK_NEAR(0.299, img.gray[0], 1e-6);
    CHECK_NEAR(0.114, img.gray[1], 1e-6);
    CHECK_NEAR(1.0, img.rgb[0], 0.0);         /* R of pixel 0 */
    CHECK_NEAR(1.0, img.rgb[2 * 2 + 1], 0.0); /* B of pixel 1 */
    imgfile_free(&img);
}

static void test_pnm_binary(void)
{
    ImageFile img;
    char err[256] = "";
    const unsigned char p5[] = {'P', '5', '\n', '2', ' ', '2', '\n', '2',
                                '5', '5', '\n', 0,   51,  204, 255};
    CHECK(parse_bin(p5, sizeof p5, &img, err, sizeof err));
    const float want[4] = {0.0f, 0.2f, 0.8f, 1.0f};
    CHECK_TENSOR_NEAR(want, img.gray, 4, 1e-6, 0.0);
    imgfile_free(&img);

    /* 16-bit samples are big-endian: 0x8000 / 65535 */
    const unsigned char p5w[] = {'P', '5', ' ', '1', ' ', '1',  ' ', '6',
                                 '5', '5', '3', '5', ' ', 0x80, 0x00};
    CHECK(parse_bin(p5w, sizeof p5w, &img, err, sizeof err));
    CHECK_NEAR(32768.0 / 65535.0, img.gray[0], 1e-6);
    imgfile_free(&img);

    /* P6 with maxval 15 */
    const unsigned char p6[] = {'P', '6', '\n', '1', ' ', '1', '\n', '1', '5', '\n', 15, 15, 0};
    CHECK(parse_bin(p6, sizeof p6, &img, err, sizeof err));
    CHECK_NEAR(0.299 + 0.587, img.gray[0], 1e-6);
    CHECK_NEAR(0.0, img.rgb[2], 0.0);
    imgfile_free(&img);
}

static void test_pnm_errors(void)
{
    ImageFile img;
    char err[256] = "";
    CHECK(!parse("P9 1 1 255 0", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 0: not a PGM/PPM file (expected P2, P3, P5 or P6)", err);
    CHECK(img.gray == NULL);
    CHECK(!parse("P2\n# size follows\nx 2 255\n", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 18: expected the width (a whole number), found 'x'", err);
    CHECK(!parse("P2 3 0 255\n", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 5: the height 0 is out of range 1-16384", err);
    CHECK(!parse("P2 1 1 0 0", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 7: the maximum value 0 is out of range 1-65535", err);
    CHECK(!parse("P2 2 1 9 3 12", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 11: sample 2 of 2 12 is out of range 0-9", err);
    CHECK(!parse("P2 2 2 9 1 2 3 x", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 15: expected sample 4 of 4 (a whole number), found 'x'", err);
    CHECK(!parse("P2 3 3 9 1 2 3", &img, err, sizeof err));
    CHECK_CONTAINS(err, "t.pgm: byte 14: truncated: 3 x 3 x 1 samples expected");
    CHECK(!parse("P2 9999 9999 255\n", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 3: the header says 9999 x 9999 pixels; the limit is 16384 a side "
                 "and 16777216 in all (refused before decoding)",
                 err);
    /* a side above the limit is named with its digits as written */
    CHECK(!parse("P5 100000 100000 255\n", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 3: the width 100000 is out of range 1-16384", err);
    CHECK(!parse("P5 12 123456789012345678901234 255\n", &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 6: the height 12345678901234567890... is out of range 1-16384", err);
    const unsigned char p5[] = {'P', '5', ' ', '2', ' ', '2', ' ', '2', '5', '5', ' ', 1, 2, 3};
    CHECK(!parse_bin(p5, sizeof p5, &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 14: truncated: 2 x 2 x 1 samples of 1 byte (4 bytes) expected, "
                 "the file has 3",
                 err);
    const unsigned char p5m[] = {'P', '5', ' ', '1', ' ', '1', ' ', '9', ' ', 10};
    CHECK(!parse_bin(p5m, sizeof p5m, &img, err, sizeof err));
    CHECK_STR_EQ("t.pgm: byte 9: sample 10 is above the maximum value 9", err);
    CHECK(img.gray == NULL);
}

static void save_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
}

static void test_sdl_formats(void)
{
    /* an 8x6 picture: black paper, a 2x2 patch of pure green at (x 4, y 2), aligned with
     * JPEG's 2x2 colour subsampling */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 8, 6, 32, SDL_PIXELFORMAT_RGBA32);
    CHECK(s != NULL);
    if (!s)
        return;
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 0, 0, 0, 255));
    SDL_Rect r = {4, 2, 2, 2};
    SDL_FillRect(s, &r, SDL_MapRGBA(s->format, 0, 255, 0, 255));
    char png[512], bmp[512], jpg[512], err[256] = "";
    save_path(png, sizeof png, "g.png");
    save_path(bmp, sizeof bmp, "g.bmp");
    save_path(jpg, sizeof jpg, "g.jpg");
    CHECK_INT_EQ(0, IMG_SavePNG(s, png));
    CHECK_INT_EQ(0, SDL_SaveBMP(s, bmp));
    CHECK_INT_EQ(0, IMG_SaveJPG(s, jpg, 95));
    const char *paths[3] = {png, bmp, jpg};
    for (int k = 0; k < 3; k++) {
        ImageFile img;
        bool ok = imgfile_load(paths[k], &img, err, sizeof err);
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "%s\n", err);
            continue;
        }
        CHECK_INT_EQ(8, img.w);
        CHECK_INT_EQ(6, img.h);
        /* exact for PNG and BMP; JPEG is lossy and smears colour across its 8x8 blocks
         * (measured: green 0.82 where 1.0 was written), so only roughly */
        double tol = k == 2 ? 0.2 : 1e-6;
        CHECK_NEAR(0.587, img.gray[2 * 8 + 4], tol);
        CHECK_NEAR(0.0, img.gray[0], tol);
        CHECK_NEAR(1.0, img.rgb[1 * 48 + 3 * 8 + 5], tol); /* green plane at (y 3, x 5) */
        imgfile_free(&img);
    }
    SDL_FreeSurface(s);

    /* transparency counts as white paper */
    s = SDL_CreateRGBSurfaceWithFormat(0, 2, 1, 32, SDL_PIXELFORMAT_RGBA32);
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 0, 0, 0, 0));
    SDL_Rect one = {1, 0, 1, 1};
    SDL_FillRect(s, &one, SDL_MapRGBA(s->format, 0, 0, 0, 255));
    CHECK_INT_EQ(0, IMG_SavePNG(s, png));
    SDL_FreeSurface(s);
    ImageFile img;
    CHECK(imgfile_load(png, &img, err, sizeof err));
    if (img.gray) {
        CHECK_NEAR(1.0, img.gray[0], 1e-6);
        CHECK_NEAR(0.0, img.gray[1], 1e-6);
        imgfile_free(&img);
    }
}

/* imgfile_load on path with fd 2 redirected to a file; what reached fd 2 goes into said. */
static bool load_quietly(const char *path, ImageFile *img, char *err, size_t err_size, char *said,
                         size_t said_size)
{
    char log[300];
    save_path(log, sizeof log, "stderr.txt");
    FILE *f = fopen(log, "w+");
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(f), STDERR_FILENO);
    bool ok = imgfile_load(path, img, err, err_size);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(f);
    size_t n = fread(said, 1, said_size - 1, f);
    said[n] = '\0';
    fclose(f);
    return ok;
}

/* A PNG whose IDAT chunk has a wrong CRC: libpng's own "libpng error: IDAT: CRC error" line
 * used to be printed on stderr above our message; now it is part of the message and stderr
 * stays clean. A picture that loads prints nothing either. */
static void test_png_damage_quiet(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_RGBA32);
    CHECK(s != NULL);
    if (!s)
        return;
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 200, 10, 10, 255));
    char png[512], bad[512], err[512] = "", said[1024];
    save_path(png, sizeof png, "crc.png");
    save_path(bad, sizeof bad, "crc-bad.png");
    CHECK_INT_EQ(0, IMG_SavePNG(s, png));
    SDL_FreeSurface(s);
    FILE *f = fopen(png, "rb");
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* chunks: length (4, big-endian), type (4), data, CRC (4); flip a bit of IDAT's CRC */
    size_t at = 8;
    while (at + 12 <= n && memcmp(buf + at + 4, "IDAT", 4) != 0)
        at += 12 + ((size_t)buf[at] << 24 | (size_t)buf[at + 1] << 16 | (size_t)buf[at + 2] << 8 |
                    buf[at + 3]);
    CHECK(at + 12 <= n);
    if (at + 12 > n)
        return;
    size_t len =
        (size_t)buf[at] << 24 | (size_t)buf[at + 1] << 16 | (size_t)buf[at + 2] << 8 | buf[at + 3];
    buf[at + 8 + len] ^= 0x01;
    f = fopen(bad, "wb");
    fwrite(buf, 1, n, f);
    fclose(f);

    ImageFile img;
    CHECK(!load_quietly(bad, &img, err, sizeof err, said, sizeof said));
    CHECK_STR_EQ("", said);
    CHECK_CONTAINS(err, "crc-bad.png: not a picture we can read (PNG, JPEG, BMP, PGM or PPM): ");
    CHECK_CONTAINS(err, "(libpng error: IDAT: CRC error)");
    CHECK(img.gray == NULL);
    /* stderr works again afterwards, and a good picture loads without a word */
    CHECK(load_quietly(png, &img, err, sizeof err, said, sizeof said));
    CHECK_STR_EQ("", said);
    imgfile_free(&img);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

static void test_load_errors_and_input(void)
{
    char p[512], err[256] = "";
    ImageFile img;
    save_path(p, sizeof p, "missing.png");
    CHECK(!imgfile_load(p, &img, err, sizeof err));
    CHECK_CONTAINS(err, "missing.png: cannot open: No such file or directory");
    /* a folder (it used to be "larger than 512 MB": its ftell is LONG_MAX) */
    CHECK(!imgfile_load("/tmp", &img, err, sizeof err));
    CHECK_STR_EQ("/tmp: is a folder, not a file", err);
    float in28[28 * 28];
    CHECK(!imgfile_load_input("/tmp", in28, 1, 28, 28, err, sizeof err));
    CHECK_STR_EQ("/tmp: is a folder, not a file", err);
    save_path(p, sizeof p, "notes.txt");
    write_text(p, "these are not pixels\n");
    CHECK(!imgfile_load(p, &img, err, sizeof err));
    CHECK_CONTAINS(err, "notes.txt: byte 0: not a picture we can read (PNG, JPEG, BMP, PGM or PPM");
    save_path(p, sizeof p, "empty.png");
    write_text(p, "");
    CHECK(!imgfile_load(p, &img, err, sizeof err));
    CHECK_CONTAINS(err, "empty.png: byte 0: the file is empty");
    save_path(p, sizeof p, "bits.pbm");
    write_text(p, "P1 1 1 1\n");
    CHECK(!imgfile_load(p, &img, err, sizeof err));
    CHECK_CONTAINS(err, "bits.pbm: byte 1: P1 (a PBM bitmap) is not supported");
    save_path(p, sizeof p, "bad.pgm");
    write_text(p, "P2 2 2 255\n0 0 0 300\n");
    CHECK(!imgfile_load(p, &img, err, sizeof err));
    CHECK_CONTAINS(err, "bad.pgm: byte 17: sample 4 of 4 300 is out of range 0-255");

    /* a dark 4x4 square on a white 12x12 PGM becomes the MNIST-like centred 20x20 square */
    char text[2048];
    int k = snprintf(text, sizeof text, "P2 12 12 255\n");
    for (int y = 0; y < 12; y++)
        for (int x = 0; x < 12; x++)
            k += snprintf(text + k, sizeof text - (size_t)k, "%d ",
                          (y >= 1 && y < 5 && x >= 6 && x < 10) ? 0 : 255);
    save_path(p, sizeof p, "square.pgm");
    write_text(p, text);
    float in[28 * 28];
    CHECK(imgfile_load_input(p, in, 1, 28, 28, err, sizeof err));
    CHECK_NEAR(1.0, in[5 * 28 + 5], 1e-6);
    CHECK_NEAR(1.0, in[24 * 28 + 24], 1e-6);
    CHECK_NEAR(0.0, in[4 * 28 + 5], 1e-6);
    CHECK_NEAR(0.0, in[25 * 28 + 24], 1e-6);
    float small[14 * 14];
    CHECK(imgfile_load_input(p, small, 1, 14, 14, err, sizeof err));
    CHECK_NEAR(0.0, small[0], 1e-6);
    CHECK_NEAR(1.0, small[7 * 14 + 7], 1e-6);
    float rgb[3 * 6 * 6];
    CHECK(imgfile_load_input(p, rgb, 3, 6, 6, err, sizeof err));
    CHECK_NEAR(1.0, rgb[0], 1e-6); /* white paper in the red plane's corner */
    CHECK(!imgfile_load_input(p, in, 2, 28, 28, err, sizeof err));
    CHECK_CONTAINS(err, "square.pgm: the net wants 2 input channels");
}

/* Sizes are read from the header and refused before anything is decoded: the byte named is
 * that of the size field. */
static void test_header_limits(void)
{
    char err[300] = "";
    ImageFile img;
    ImageFormat fmt;
    long w = 0, h = 0;
    /* PNG: signature, IHDR length 13, "IHDR", width 100000, height 100000 */
    unsigned char png[45] = {0x89, 'P', 'N',  'G',  '\r', '\n',       0x1A, '\n', 0,    0,
                             0,    13,  'I',  'H',  'D',  'R',        0,    1,    0x86, 0xA0,
                             0,    1,   0x86, 0xA0, 8,    [37] = 'I', 'E',  'N',  'D'};
    CHECK(!imgfile_decode(png, sizeof png, "big.png", &img, err, sizeof err));
    CHECK_STR_EQ("big.png: byte 16: the header says 100000 x 100000 pixels; the limit is 16384 a "
                 "side and 16777216 in all (refused before decoding)",
                 err);
    CHECK(img.gray == NULL);
    /* 4096 x 4097 is within each side but over the pixel count */
    png[18] = 0x10, png[19] = 0x00, png[16] = png[17] = 0;
    png[22] = 0x10, png[23] = 0x01, png[20] = png[21] = 0;
    CHECK(!imgfile_probe(png, sizeof png, "p.png", &fmt, &w, &h, err, sizeof err));
    CHECK_CONTAINS(err, "p.png: byte 16: the header says 4096 x 4097 pixels");
    png[23] = 0x00;
    CHECK(imgfile_probe(png, sizeof png, "p.png", &fmt, &w, &h, err, sizeof err));
    CHECK_INT_EQ(IMG_FORMAT_PNG, fmt);
    CHECK_INT_EQ(4096, w);
    CHECK_INT_EQ(4096, h);
    /* a width of 2^32 - 1 stays positive */
    png[16] = png[17] = png[18] = png[19] = 0xFF;
    CHECK(!imgfile_probe(png, sizeof png, "p.png", &fmt, &w, &h, err, sizeof err));
    CHECK_CONTAINS(err, "p.png: byte 16: the header says 2147483647 x 4096 pixels");
    /* every chunk must lie in the file up to IEND (regression, found by fuzz_img: SDL_image
     * ignores a short read, and libpng went round a cut tIME chunk for ever) */
    png[16] = png[17] = png[19] = 0;
    png[18] = 0x10;
    CHECK(!imgfile_probe(png, 40, "cut.png", &fmt, &w, &h, err, sizeof err));
    CHECK_STR_EQ("cut.png: byte 40: truncated: the PNG file ends before its IEND chunk", err);
    png[36] = 7; /* IEND claims 7 bytes of data */
    CHECK(!imgfile_probe(png, sizeof png, "cut.png", &fmt, &w, &h, err, sizeof err));
    CHECK_STR_EQ("cut.png: byte 33: truncated: the PNG chunk IEND of 7 bytes does not fit in the "
                 "file",
                 err);
    png[36] = 0;
    png[38] = '-';
    CHECK(!imgfile_probe(png, sizeof png, "cut.png", &fmt, &w, &h, err, sizeof err));
    CHECK_STR_EQ("cut.png: byte 37: damaged PNG chunk type 0x492D4E44", err);
    png[38] = 'E';
    CHECK(!imgfile_probe(png, 20, "cut.png", &fmt, &w, &h, err, sizeof err));
    CHECK_STR_EQ("cut.png: byte 20: truncated: the file ends before the PNG IHDR header's size",
                 err);
    png[12] = 'X';
    CHECK(!imgfile_probe(png, sizeof png, "p.png", &fmt, &w, &h, err, sizeof err));
    CHECK_STR_EQ("p.png: byte 8: the first PNG chunk is not a 13-byte IHDR", err);

    /* JPEG: SOI, an APP0 segment of 4 bytes, then SOF0 (length 11, precision 8, height, width) */
    unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0,    4, 'J', 'F',  0xFF, 0xC0, 0,   11,
                           8,    0xFF, 0xFF, 0xFF, 0xFF, 1, 1,   0x11, 0,    0xFF, 0xD9};
    CHECK(!imgfile_decode(jpg, sizeof jpg, "big.jpg", &img, err, sizeof err));
    CHECK_CONTAINS(err, "big.jpg: byte 13: the header says 65535 x 65535 pixels; the limit");
    jpg[13] = 0, jpg[14] = 0;
    CHECK(!imgfile_probe(jpg, sizeof jpg, "dnl.jpg", &fmt, &w, &h, err, sizeof err));
    CHECK_CONTAINS(err, "dnl.jpg: byte 13: the JPEG frame header gives height 0");
    jpg[9] = 0xDA; /* SOS before any frame header */
    CHECK(!imgfile_probe(jpg, sizeof jpg, "sos.jpg", &fmt, &w, &h, err, sizeof err));
    CHECK_CONTAINS(err, "sos.jpg: byte 9: marker 0xDA before the JPEG frame header (SOF)");
    CHECK(!imgfile_probe(jpg, 9, "cut.jpg", &fmt, &w, &h, err, sizeof err));
    CHECK_CONTAINS(err, "cut.jpg: byte 9: truncated");
    jpg[8] = 0x12;
    CHECK(!imgfile_probe(jpg, sizeof jpg, "junk.jpg", &fmt, &w, &h, err, sizeof err));
    CHECK_CONTAINS(err, "junk.jpg: byte 8: expected a JPEG marker (0xFF), found 0x12");

    /* BMP: "BM", file header, info header of 40 bytes, width 100000, height -100000 (top-down) */
    unsigned char bmp[64] = {'B', 'M', 0, 0, 0, 0,    0,    0,    0, 0,    54,   0,    0,
                             0,   40,  0, 0, 0, 0xA0, 0x86, 0x01, 0, 0x60, 0x79, 0xFE, 0xFF};
    CHECK(!imgfile_decode(bmp, sizeof bmp, "big.bmp", &img, err, sizeof err));
    CHECK_CONTAINS(err, "big.bmp: byte 18: the header says 100000 x 100000 pixels");
    bmp[14] = 12; /* OS/2: 16-bit sizes, 0xA0 0x86 = 34464 wide, 0x01 0x00 = 1 high */
    CHECK(!imgfile_probe(bmp, sizeof bmp, "os2.bmp", &fmt, &w, &h, err, sizeof err));
    CHECK_CONTAINS(err, "os2.bmp: byte 18: the header says 34464 x 1 pixels");
    bmp[14] = 7;
    CHECK(!imgfile_probe(bmp, sizeof bmp, "odd.bmp", &fmt, &w, &h, err, sizeof err));
    CHECK_STR_EQ("odd.bmp: byte 14: BMP info header size 7 is not one we know", err);

    /* every other format SDL_image could guess is refused before it is tried */
    const unsigned char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    CHECK(!imgfile_decode(gif, sizeof gif - 1, "x.gif", &img, err, sizeof err));
    CHECK_STR_EQ("x.gif: byte 0: not a picture we can read (PNG, JPEG, BMP, PGM or PPM: none of "
                 "their signatures)",
                 err);
    CHECK(!imgfile_decode(gif, 0, "e.png", &img, err, sizeof err));
    CHECK_STR_EQ("e.png: byte 0: the file is empty", err);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/convscope-test-imgfile-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_pgm_ascii();
    test_pnm_binary();
    test_pnm_errors();
    test_sdl_formats();
    test_png_damage_quiet();
    test_load_errors_and_input();
    test_header_limits();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_summary();
}
