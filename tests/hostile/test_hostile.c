/* test_hostile.c - hostile files against the built convscope, run as a subprocess: every one
 * gives its stated error (file, line or byte, what is wrong, the limit where one applies), a
 * non-zero exit, no crash (no signal), a peak memory (the child's ru_maxrss from wait4) under
 * 200 MB, and nothing written or half-written: the work folder holds the same entries after the
 * command as before (train --save and dump --out leave no file, no temporary, no folder).
 *
 *   test_hostile CONVSCOPE            (meson passes the built binary)
 *
 * The gzip bombs are made here, not committed: a deflate segment of 1 MiB of zeros written with
 * a full flush needs nothing before it, so the same segment repeated 1024 times is a valid
 * stream of 1 GiB of zeros (about 1 MB of file), with its CRC-32 from crc32_combine. */
#include "engine/model.h"
#include "engine/net.h"
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define PEAK_LIMIT_KB (200L * 1024) /* 200 MB */
#define CASE_SECONDS  60            /* a case taking longer has hung */

static const char *exe;
static char dir[256]; /* the work folder */
static char assets[1024];

/* ---- files ------------------------------------------------------------------------------- */

static void path_of(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static void write_file(const char *name, const void *data, size_t n)
{
    char p[512];
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        perror(p);
        exit(1);
    }
}

static void write_text(const char *name, const char *text)
{
    write_file(name, text, strlen(text));
}

/* prefix, then a line of n copies of c, then suffix */
static void write_long_line(const char *name, const char *prefix, size_t n, char c,
                            const char *suffix)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    char *buf = malloc(a + n + b);
    memcpy(buf, prefix, a);
    memset(buf + a, c, n);
    memcpy(buf + a + n, suffix, b);
    write_file(name, buf, a + n + b);
    free(buf);
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* An IDX header: type 0x08, nd dimensions. Returns its length. */
static size_t idx_header(unsigned char *h, int nd, const uint32_t *dims)
{
    h[0] = h[1] = 0;
    h[2] = 0x08;
    h[3] = (unsigned char)nd;
    for (int i = 0; i < nd; i++)
        put_be32(h + 4 + 4 * i, dims[i]);
    return 4 + 4 * (size_t)nd;
}

/* Deflates in (n bytes) with a full flush into out (raw deflate); returns the bytes written. */
static size_t deflate_flush(z_stream *z, const void *in, size_t n, unsigned char *out, size_t cap,
                            int flush)
{
    z->next_in = (Bytef *)(uintptr_t)in;
    z->avail_in = (uInt)n;
    z->next_out = out;
    z->avail_out = (uInt)cap;
    int r = deflate(z, flush);
    if ((r != Z_OK && r != Z_STREAM_END) || z->avail_in != 0 || z->avail_out == 0) {
        fprintf(stderr, "deflate failed (%d)\n", r);
        exit(1);
    }
    return cap - z->avail_out;
}

/* A gzip file: head (hn bytes), then mib MiB of zeros; about mib kB on disk. */
static void write_gz_bomb(const char *name, const unsigned char *head, size_t hn, int mib)
{
    enum { MIB = 1 << 20 };
    unsigned char *zeros = calloc(MIB, 1), *seg = malloc(MIB), *first = malloc(4096),
                  *last = malloc(64);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (!zeros || !seg || !first || !last ||
        deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        exit(1);
    size_t n_first = deflate_flush(&z, head, hn, first, 4096, Z_FULL_FLUSH);
    size_t n_seg = deflate_flush(&z, zeros, MIB, seg, MIB, Z_FULL_FLUSH);
    size_t n_last = deflate_flush(&z, NULL, 0, last, 64, Z_FINISH);
    deflateEnd(&z);
    uLong crc = crc32(0, head, (uInt)hn), crc_mib = crc32(0, zeros, MIB);
    for (int i = 0; i < mib; i++)
        crc = crc32_combine(crc, crc_mib, MIB);
    char p[512];
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "wb");
    static const unsigned char gzhead[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    unsigned char tail[8];
    put_le32(tail, (uint32_t)crc);
    put_le32(tail + 4, (uint32_t)(hn + (size_t)mib * MIB)); /* ISIZE: the length mod 2^32 */
    bool ok = f && fwrite(gzhead, 1, 10, f) == 10 && fwrite(first, 1, n_first, f) == n_first;
    for (int i = 0; ok && i < mib; i++)
        ok = fwrite(seg, 1, n_seg, f) == n_seg;
    ok = ok && fwrite(last, 1, n_last, f) == n_last && fwrite(tail, 1, 8, f) == 8;
    if (!f || fclose(f) != 0 || !ok) {
        perror(p);
        exit(1);
    }
    free(zeros);
    free(seg);
    free(first);
    free(last);
}

/* A data set folder: the bundled test files, and train files made here (images_head and
 * labels of count labels, gzipped when gz). */
static void make_set(const char *sub)
{
    char p[512], cmd[3200];
    path_of(p, sizeof p, sub);
    mkdir(p, 0700);
    snprintf(cmd, sizeof cmd,
             "cp '%s'/digits/t10k-images-idx3-ubyte.gz '%s'/digits/t10k-labels-idx1-ubyte.gz '%s'/",
             assets, assets, p);
    if (system(cmd) != 0)
        exit(1);
}

static void write_labels(const char *name, uint32_t n)
{
    unsigned char *buf = malloc(8 + (size_t)n);
    uint32_t dims[1] = {n};
    idx_header(buf, 1, dims);
    for (uint32_t i = 0; i < n; i++)
        buf[8 + i] = (unsigned char)(i % 10);
    write_file(name, buf, 8 + (size_t)n);
    free(buf);
}

/* n honest images of 28 x 28 (a diagonal stroke), plain */
static void write_images(const char *name, uint32_t n, size_t cut)
{
    size_t size = 16 + (size_t)n * 784;
    unsigned char *buf = calloc(size, 1);
    uint32_t dims[3] = {n, 28, 28};
    idx_header(buf, 3, dims);
    for (uint32_t i = 0; i < n; i++)
        for (int k = 4; k < 24; k++)
            buf[16 + (size_t)i * 784 + (size_t)k * 28 + k] = 255;
    write_file(name, buf, size - cut);
    free(buf);
}

/* ---- running convscope -------------------------------------------------------------------- */

typedef struct Run {
    int status;   /* exit status, or -1 when killed */
    int signal;   /* the signal that ended it, 0 when none */
    long peak_kb; /* ru_maxrss */
    double seconds;
    char err[8192]; /* what it wrote to stderr (and stdout after it) */
} Run;

static int count_entries(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, "..") != 0);
    closedir(d);
    return n;
}

/* Runs exe with args (NULL-terminated, without argv[0]) in the work folder. */
static Run *run(const char *const *args)
{
    static Run r;
    memset(&r, 0, sizeof r);
    char log[512];
    path_of(log, sizeof log, ".log");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || chdir(dir) != 0)
            _exit(127);
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        const char *argv[64];
        int n = 0;
        argv[n++] = exe;
        while (args[n - 1] && n < 63) {
            argv[n] = args[n - 1];
            n++;
        }
        argv[n] = NULL;
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    for (;;) {
        pid_t w = wait4(pid, &st, WNOHANG, &ru);
        if (w == pid)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t1.tv_sec - t0.tv_sec > CASE_SECONDS) {
            kill(pid, SIGKILL);
            wait4(pid, &st, 0, &ru);
            break;
        }
        struct timespec nap = {0, 5000000};
        nanosleep(&nap, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    r.peak_kb = ru.ru_maxrss;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    FILE *f = fopen(log, "rb");
    size_t n = f ? fread(r.err, 1, sizeof r.err - 1, f) : 0;
    r.err[n] = '\0';
    if (f)
        fclose(f);
    unlink(log);
    return &r;
}

/* One hostile case: the command fails with status 1 (2 for usage), no signal, names what is
 * wrong (every needle), stays under the memory bound and leaves the folder as it was. */
static void refused(const char *what, const char *const *args, const char *const *needles)
{
    int before = count_entries(dir);
    Run *r = run(args);
    int after = count_entries(dir);
    bool ok = r->status == 1 && r->signal == 0 && r->peak_kb < PEAK_LIMIT_KB && before == after;
    for (const char *const *n = needles; *n; n++)
        ok = ok && strstr(r->err, *n) != NULL;
    CHECK(ok);
    printf("%-44s exit %d, %5.1f MB peak, %5.2f s%s\n", what, r->status,
           (double)r->peak_kb / 1024.0, r->seconds, ok ? "" : "  <-- FAILED");
    if (!ok) {
        fprintf(stderr, "%s: status %d, signal %d, peak %ld kB, entries %d -> %d\n", what,
                r->status, r->signal, r->peak_kb, before, after);
        for (const char *const *n = needles; *n; n++)
            if (!strstr(r->err, *n))
                fprintf(stderr, "  missing: %s\n", *n);
        fprintf(stderr, "  it said: %.2000s\n", r->err);
    }
}

#define ARGS(...)  ((const char *const[]){__VA_ARGS__, NULL})
#define NEEDS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- the cases -------------------------------------------------------------------------- */

static void idx_cases(void)
{
    /* a truncated IDX: 100 images promised, 1000 bytes missing */
    make_set("cut");
    write_images("cut/train-images-idx3-ubyte", 100, 1000);
    write_labels("cut/train-labels-idx1-ubyte", 100);
    refused("IDX truncated", ARGS("train", "--data", "cut", "--epochs", "1", "--save", "out.cnn"),
            NEEDS("cut/train-images-idx3-ubyte: byte 77416: truncated: the header promises "
                  "78400 elements",
                  "1000 bytes short"));

    /* headers claiming 2^31 images, or 65535 x 65535 pixels */
    unsigned char h[16];
    make_set("huge");
    write_labels("huge/train-labels-idx1-ubyte", 100);
    write_file("huge/train-images-idx3-ubyte", h,
               idx_header(h, 3, (const uint32_t[]){0x80000000u, 28, 28}));
    refused("IDX header: 2^31 images",
            ARGS("train", "--data", "huge", "--epochs", "1", "--save", "out.cnn"),
            NEEDS("huge/train-images-idx3-ubyte: byte 4: size 2147483648 of dimension 0 makes "
                  "the array larger than 2 GiB"));
    write_file("huge/train-images-idx3-ubyte", h,
               idx_header(h, 3, (const uint32_t[]){1, 65535, 65535}));
    refused("IDX header: 65535 x 65535 pixels",
            ARGS("train", "--data", "huge", "--epochs", "1", "--save", "out.cnn"),
            NEEDS("huge/train-images-idx3-ubyte: byte 12: size 65535 of dimension 2 makes the "
                  "array larger than 2 GiB"));

    /* gzip bombs of 1 GiB of zeros: as they are (no IDX header: zeros), behind a header
     * promising 10 images, and behind an honest header of 1369568 images read with --limit */
    make_set("bomb");
    write_labels("bomb/train-labels-idx1-ubyte", 10);
    write_gz_bomb("bomb/train-images-idx3-ubyte.gz", NULL, 0, 1024);
    refused("gzip bomb: 1 GiB of zeros",
            ARGS("train", "--data", "bomb", "--epochs", "1", "--save", "out.cnn"),
            NEEDS("bomb/train-images-idx3-ubyte.gz: byte 2: element type 0x00 (unknown) is not "
                  "supported"));
    write_gz_bomb("bomb/train-images-idx3-ubyte.gz", h,
                  idx_header(h, 3, (const uint32_t[]){10, 28, 28}), 1024);
    refused("gzip bomb behind a header of 10 images",
            ARGS("train", "--data", "bomb", "--epochs", "1", "--save", "out.cnn"),
            NEEDS("bomb/train-images-idx3-ubyte.gz: byte 7856: the data goes on after the 7840 "
                  "elements (7840 bytes) the header promises"));
    write_gz_bomb("bomb/train-images-idx3-ubyte.gz", h,
                  idx_header(h, 3, (const uint32_t[]){1369568, 28, 28}), 1024);
    write_labels("bomb/train-labels-idx1-ubyte", 1369568);
    {
        /* not an error: --limit stops the inflating, so 1 GiB of promise costs little */
        Run *r = run(ARGS("train", "--data", "bomb", "--epochs", "1", "--limit", "64", "--batch",
                          "32", "--threads", "1"));
        CHECK_INT_EQ(0, r->status);
        CHECK(r->peak_kb < PEAK_LIMIT_KB);
        printf("%-44s exit %d, %5.1f MB peak, %5.2f s\n", "gzip bomb, honest header, --limit 64",
               r->status, (double)r->peak_kb / 1024.0, r->seconds);
    }

    /* mismatched image and label counts */
    make_set("mismatch");
    write_images("mismatch/train-images-idx3-ubyte", 12, 0);
    write_labels("mismatch/train-labels-idx1-ubyte", 11);
    refused("IDX: 12 images, 11 labels",
            ARGS("train", "--data", "mismatch", "--epochs", "1", "--save", "out.cnn"),
            NEEDS("mismatch/train-labels-idx1-ubyte: byte 4: 11 labels, but ",
                  "mismatch/train-images-idx3-ubyte holds 12 images"));
}

/* A net file refused by train (its own reader) and by dump (net_load). */
static void net_refused(const char *what, const char *file, const char *need_train,
                        const char *need_dump)
{
    char label[96];
    snprintf(label, sizeof label, "net: %s (train)", what);
    refused(label,
            ARGS("train", "--net", file, "--epochs", "1", "--limit", "64", "--save", "out.cnn"),
            NEEDS(need_train));
    snprintf(label, sizeof label, "net: %s (dump)", what);
    refused(label,
            ARGS("dump", "--net", file, "--input", "digit.pgm", "--label", "1", "--out", "dumped"),
            NEEDS(need_dump));
}

static void net_cases(void)
{
    write_text("channels.net", "input 1 28 28\nconv 1000000000 k=3\nflatten\ndense 10\nsoftmax\n");
    net_refused("10^9 channels", "channels.net",
                "channels.net:2: output channels=1000000000 is too large (at most",
                "channels.net:2: output channels=1000000000 is too large (at most");
    write_text("kernel.net", "input 1 5 5\nconv 4 k=7\nflatten\ndense 10\nsoftmax\n");
    net_refused("kernel larger than its input", "kernel.net",
                "kernel.net:2: conv k=7 on input 1x5x5 (padding 0) gives an empty output",
                "kernel.net:2: conv k=7 on input 1x5x5 (padding 0) gives an empty output");
    write_long_line("long.net", "input 1 28 28\n# ", 10u << 20, 'x',
                    "\nflatten\ndense 10\nsoftmax\n");
    net_refused("a 10 MB line", "long.net",
                "long.net: byte 65536: larger than 65536 bytes, the limit for a net file",
                "long.net: larger than 65536 bytes, the limit for a net file");
    write_file("nul.net", "input 1 28 28\nfla\0tten\ndense 10\nsoftmax\n", 39);
    net_refused("NUL bytes", "nul.net", "nul.net: byte 17: a NUL byte; a net file is plain text",
                "nul.net: byte 17: a NUL byte; a net file is plain text");
    write_text("empty.net", "");
    net_refused("an empty file", "empty.net",
                "empty.net: empty net: the first line must be 'input C H W'",
                "empty.net: empty net: the first line must be 'input C H W'");
}

static void model_cases(void)
{
    char p[512], err[512];
    path_of(p, sizeof p, "good.cnn");
    char net_path[1100];
    snprintf(net_path, sizeof net_path, "%s/nets/lenet-tiny.net", assets);
    Net *net = net_load(net_path, 1, err, sizeof err);
    CHECK(net && model_save(net, p, err, sizeof err));
    net_destroy(net);
    FILE *f = fopen(p, "rb");
    static unsigned char buf[1 << 16];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 1000 && n < sizeof buf);

    buf[700] ^= 0x10;
    write_file("flipped.cnn", buf, n);
    buf[700] ^= 0x10;
    char need[128];
    snprintf(need, sizeof need, "flipped.cnn: byte %zu: checksum mismatch", n - 4);
    refused("cnn: one flipped byte (predict)",
            ARGS("predict", "--model", "flipped.cnn", "digit.pgm"), NEEDS(need));
    refused("cnn: one flipped byte (eval)", ARGS("eval", "--model", "flipped.cnn", "--limit", "64"),
            NEEDS(need));
    write_file("cut.cnn", buf, n / 2);
    snprintf(need, sizeof need, "cut.cnn: byte %zu: truncated (the header promises %zu bytes",
             n / 2, n);
    refused("cnn: cut short", ARGS("predict", "--model", "cut.cnn", "digit.pgm"), NEEDS(need));
    refused("cnn: cut short (dump)",
            ARGS("dump", "--model", "cut.cnn", "--input", "digit.pgm", "--label", "1", "--out",
                 "dumped"),
            NEEDS(need));
    unsigned char v2[32];
    memcpy(v2, buf, 32);
    v2[8] = 9;
    put_le32(v2 + 28, (uint32_t)crc32(0, v2, 28));
    memcpy(buf, v2, 32);
    write_file("v2.cnn", buf, n);
    buf[8] = 1;
    refused("cnn: another version", ARGS("eval", "--model", "v2.cnn", "--limit", "64"),
            NEEDS("v2.cnn: byte 8: model format version 9, but this program reads versions 1 to 2"));
}

/* An .npy with the given dict (padded) and data bytes. */
static void write_npy(const char *name, const char *dict, size_t data_bytes)
{
    char head[256];
    int len = snprintf(head, sizeof head, "%s", dict);
    while ((10 + len + 1) % 64)
        head[len++] = ' ';
    head[len++] = '\n';
    size_t total = 10 + (size_t)len + data_bytes;
    unsigned char *buf = calloc(total, 1);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)len;
    buf[9] = 0;
    memcpy(buf + 10, head, (size_t)len);
    write_file(name, buf, total);
    free(buf);
}

static void npy_cases(void)
{
    write_npy("c8.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1, 28, 28), }",
              8 * 784);
    refused(
        "npy: dtype complex64",
        ARGS("dump", "--model", "good.cnn", "--input", "c8.npy", "--label", "1", "--out", "dumped"),
        NEEDS("c8.npy: byte 20: dtype '<c8' is not supported (expected '<f4', '<f8', '|u1', "
              "'<i4' or '<i8')"));
    write_npy("fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 28, 28), }",
              4 * 784);
    refused("npy: Fortran order",
            ARGS("dump", "--model", "good.cnn", "--input", "fortran.npy", "--label", "1", "--out",
                 "dumped"),
            NEEDS("fortran.npy: byte 44: only C order is supported (fortran_order must be False)"));
    write_npy("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }",
              64);
    refused("npy: a shape of 10^12 elements",
            ARGS("dump", "--model", "good.cnn", "--input", "huge.npy", "--label", "1", "--out",
                 "dumped"),
            NEEDS("huge.npy: byte 60: the shape holds more than 268435456 elements (the limit)"));
}

static void picture_refused(const char *what, const char *file, const char *need)
{
    char label[96];
    snprintf(label, sizeof label, "picture: %s (predict)", what);
    refused(label, ARGS("predict", "--model", "good.cnn", file), NEEDS(need));
    snprintf(label, sizeof label, "picture: %s (dump)", what);
    refused(label,
            ARGS("dump", "--model", "good.cnn", "--input", file, "--label", "1", "--out", "dumped"),
            NEEDS(need));
}

static void picture_cases(void)
{
    /* a PNG: signature, IHDR of 100000 x 100000, an IDAT of zeros, IEND */
    unsigned char png[80] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                             0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    put_be32(png + 16, 100000);
    put_be32(png + 20, 100000);
    png[24] = 8;
    put_be32(png + 29, (uint32_t)crc32(0, png + 12, 17));
    size_t k = 33;
    const unsigned char idat[] = {0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01};
    put_be32(png + k, sizeof idat);
    memcpy(png + k + 4, "IDAT", 4);
    memcpy(png + k + 8, idat, sizeof idat);
    put_be32(png + k + 8 + sizeof idat, (uint32_t)crc32(0, png + k + 4, 4 + sizeof idat));
    k += 12 + sizeof idat;
    memcpy(png + k + 4, "IEND", 4);
    put_be32(png + k + 8, (uint32_t)crc32(0, png + k + 4, 4));
    write_file("huge.png", png, k + 12);
    picture_refused("PNG of 100000 x 100000", "huge.png",
                    "huge.png: byte 16: the header says 100000 x 100000 pixels; the limit is "
                    "16384 a side and 16777216 in all (refused before decoding)");
    /* a JPEG: SOI, SOF0 of 65535 x 65535 (the most its 16 bits hold), EOI */
    const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0,    11, 8,    0xFF, 0xFF,
                                 0xFF, 0xFF, 1,    1,    0x11, 0,  0xFF, 0xD9};
    write_file("huge.jpg", jpg, sizeof jpg);
    picture_refused("JPEG of 65535 x 65535", "huge.jpg",
                    "huge.jpg: byte 7: the header says 65535 x 65535 pixels; the limit");
    /* a BMP: file header, 40-byte info header of 100000 x 100000, 24 bits */
    unsigned char bmp[64] = {'B', 'M'};
    put_le32(bmp + 2, sizeof bmp);
    put_le32(bmp + 10, 54);
    put_le32(bmp + 14, 40);
    put_le32(bmp + 18, 100000);
    put_le32(bmp + 22, 100000);
    bmp[26] = 1;
    bmp[28] = 24;
    write_file("huge.bmp", bmp, sizeof bmp);
    picture_refused("BMP of 100000 x 100000", "huge.bmp",
                    "huge.bmp: byte 18: the header says 100000 x 100000 pixels; the limit");
    write_text("huge.pgm", "P5\n100000 100000\n255\n");
    picture_refused("PGM of 100000 x 100000", "huge.pgm",
                    "huge.pgm: byte 3: the width 100000 is out of range 1-16384");
    write_text("huge.ppm", "P3 16000 16000 255\n0 0 0\n");
    picture_refused("PPM of 16000 x 16000", "huge.ppm",
                    "huge.ppm: byte 3: the header says 16000 x 16000 pixels; the limit is 16384 "
                    "a side and 16777216 in all");
}

static void lesson_cases(void)
{
    char p[512];
    path_of(p, sizeof p, "les");
    mkdir(p, 0700);
    write_long_line("les/long.lesson", "title T\nstep\nlab convolution\n> ", 10u << 20, 'x', "\n");
    refused("lesson: a 10 MB line", ARGS("check", "les/long.lesson"),
            NEEDS("les/long.lesson:4: the line is longer than 1024 bytes (the limit)"));
    {
        const char *step = "step\nlab convolution\n";
        size_t sn = strlen(step), n = 1000000;
        char *text = malloc(8 + sn * n + 1);
        memcpy(text, "title T\n", 8);
        for (size_t i = 0; i < n; i++)
            memcpy(text + 8 + i * sn, step, sn);
        write_file("les/steps.lesson", text, 8 + sn * n);
        free(text);
    }
    refused("lesson: 10^6 steps", ARGS("check", "les/steps.lesson"),
            NEEDS("les/steps.lesson:130: more than 64 steps"));
    write_text("les/lab.lesson", "title T\nstep\nlab nosuchlab\n> hi\n");
    refused("lesson: an unknown lab", ARGS("check", "les/lab.lesson"),
            NEEDS("les/lab.lesson:3: lab nosuchlab: unknown lab 'nosuchlab'"));
    write_text("les/set.lesson", "title T\nstep\nlab convolution\nset nosuch 3\n> hi\n");
    refused("lesson: an unknown setting", ARGS("check", "les/set.lesson"),
            NEEDS("les/set.lesson:4: set nosuch 3: ", "unknown option 'nosuch'"));
    write_text("les/climb.lesson",
               "title T\nstep\nlab convolution\nset input ../../etc/passwd\n> hi\n");
    refused("lesson: ../../etc/passwd", ARGS("check", "les/climb.lesson"),
            NEEDS("les/climb.lesson:4: set input ../../etc/passwd: the file climbs out with '..'; "
                  "a lesson reaches only its own folder and assets/"));
    write_text("les/abs.lesson", "title T\nstep\nlab convolution\nset input /etc/passwd\n> hi\n");
    refused("lesson: an absolute path", ARGS("check", "les/abs.lesson"),
            NEEDS("les/abs.lesson:4: set input /etc/passwd: the file is an absolute path; a "
                  "lesson reaches only its own folder and assets/"));
    path_of(p, sizeof p, "les/link.png");
    CHECK(symlink("/etc/passwd", p) == 0);
    write_text("les/link.lesson", "title T\nstep\nlab convolution\nset input link.png\n> hi\n");
    refused("lesson: a link out of its folder", ARGS("check", "les/link.lesson"),
            NEEDS("les/link.lesson:4: set input: 'link.png' leads out of les through a link"));
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_hostile CONVSCOPE\n");
        return 2;
    }
    exe = argv[1];
    if (exe[0] != '/') {
        static char abs_exe[1024];
        char cwd[512];
        snprintf(abs_exe, sizeof abs_exe, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", exe);
        exe = abs_exe;
    }
    snprintf(assets, sizeof assets, "%s/assets", CONVSCOPE_SOURCE_ROOT);
    snprintf(dir, sizeof dir, "/tmp/convscope-test-hostile-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* a picture for the commands that need one, as a plain PGM */
    write_text("digit.pgm", "P2 3 3 255\n255 0 255\n255 0 255\n255 0 255\n");
    model_cases();
    idx_cases();
    net_cases();
    npy_cases();
    picture_cases();
    lesson_cases();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
