/* lesson.c - the lesson parser, scene replay, answer checking and the step runner. */
#include "lesson/lesson.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ==== helpers ================================================================================ */

static void fail(char *err, size_t n, const char *path, int line, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (err && n)
        snprintf(err, n, "%s:%d: %s", path, line, msg);
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Trailing blanks and the '\r' of CRLF files go. */
static void trim_end(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* Copies src into dst[size]; false when it does not fit. */
static bool copy_fit(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n)
        return false;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != tolower((unsigned char)suffix[i]))
            return false;
    return true;
}

bool lesson_value_is_file(const char *value)
{
    static const char *const ext[] = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".npy"};
    if (strchr(value, '/') || strchr(value, '\\'))
        return true;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (ends_with_ci(value, ext[i]))
            return true;
    return false;
}

/* Why a file value may not be used ("" when it may): lessons reach only their own folder and
 * assets/, so no absolute path, no home folder, no drive letter and no '..' component. */
static const char *file_value_problem(const char *v)
{
    if (v[0] == '/' || v[0] == '\\')
        return "is an absolute path; a lesson reaches only its own folder and assets/";
    if (v[0] == '~')
        return "names a home folder; a lesson reaches only its own folder and assets/";
    if (isalpha((unsigned char)v[0]) && v[1] == ':')
        return "has a drive letter; a lesson reaches only its own folder and assets/";
    for (const char *p = v; *p;) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return "climbs out with '..'; a lesson reaches only its own folder and assets/";
        p += n;
        if (*p)
            p++;
    }
    return "";
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fclose(f);
    return true;
}

/* Whether the file at path, links followed, lies inside the folder root (links followed). */
static bool inside(const char *path, const char *root)
{
    char *rp = realpath(path, NULL), *rr = realpath(root, NULL);
    bool in = false;
    if (rp && rr) {
        size_t k = strlen(rr);
        in = strncmp(rp, rr, k) == 0 && (rp[k] == '/' || (k == 1 && rr[0] == '/'));
    }
    free(rp);
    free(rr);
    return in;
}

/* dir/value into out when that file exists; false (err set) when it exists but a link takes
 * it out of dir, *found tells whether it existed. */
static bool try_in(const char *dir, const char *value, char *out, size_t out_size, bool *found,
                   char *err, size_t err_size)
{
    *found = false;
    int n = snprintf(out, out_size, "%s/%s", dir, value);
    if (n <= 0 || (size_t)n >= out_size || !file_exists(out))
        return false;
    *found = true;
    if (!inside(out, dir)) {
        snprintf(err, err_size,
                 "'%s' leads out of %s through a link; a lesson reaches only its own folder "
                 "and assets/",
                 value, dir);
        return false;
    }
    return true;
}

bool lesson_resolve_file(const Lesson *ls, const char *value, const char *assets_dir, char *out,
                         size_t out_size, char *err, size_t err_size)
{
    const char *why = file_value_problem(value);
    if (why[0]) {
        snprintf(err, err_size, "'%s' %s", value, why);
        return false;
    }
    bool found = false;
    if (try_in(ls->dir, value, out, out_size, &found, err, err_size))
        return true;
    if (found)
        return false;
    if (assets_dir) {
        if (try_in(assets_dir, value, out, out_size, &found, err, err_size))
            return true;
        if (found)
            return false;
    }
    snprintf(err, err_size, "'%s': no such file in the lesson's folder (%s)%s", value, ls->dir,
             assets_dir ? " or in assets/" : "");
    return false;
}

/* ==== parsing ================================================================================ */

void lesson_free(Lesson *ls)
{
    if (!ls)
        return;
    free(ls->steps);
    free(ls);
}

/* Appends a narration line to the step's text: lines join with ' ', an empty `>` line starts a
 * new paragraph ('\n'). */
static bool append_text(LessonStep *st, const char *line)
{
    size_t have = strlen(st->text), add = strlen(line);
    if (add == 0) {
        if (have == 0 || st->text[have - 1] == '\n')
            return true;
        if (have + 1 >= sizeof st->text)
            return false;
        st->text[have] = '\n';
        st->text[have + 1] = '\0';
        return true;
    }
    bool sep = have > 0 && st->text[have - 1] != '\n';
    if (have + sep + add >= sizeof st->text)
        return false;
    if (sep)
        st->text[have++] = ' ';
    memcpy(st->text + have, line, add + 1);
    return true;
}

/* Reads a number the way answers are written: decimal, exponent, or a fraction "1/9"; the
 * Unicode minus U+2212 counts as '-'. */
static bool read_number(const char *text, double *out)
{
    char buf[96];
    size_t j = 0;
    for (const char *p = skip_space(text); *p && j + 1 < sizeof buf; p++) {
        if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x88 &&
            (unsigned char)p[2] == 0x92) {
            buf[j++] = '-';
            p += 2;
        } else {
            buf[j++] = *p;
        }
    }
    buf[j] = '\0';
    trim_end(buf);
    if (!buf[0])
        return false;
    char *end = NULL;
    errno = 0;
    double a = strtod(buf, &end);
    if (end == buf || errno == ERANGE)
        return false;
    end = (char *)skip_space(end);
    if (*end == '/') {
        char *e2 = NULL;
        const char *q = skip_space(end + 1);
        double b = strtod(q, &e2);
        if (e2 == q || b == 0.0)
            return false;
        a /= b;
        end = (char *)skip_space(e2);
    }
    if (*end || !isfinite(a))
        return false;
    *out = a;
    return true;
}

static bool word_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && memcmp(w, kw, n) == 0;
}

/* Checks the finished question of a step (called at the next step and at the end). */
static bool finish_step(const Lesson *ls, LessonStep *st, char *err, size_t n)
{
    if (st->ask == LESSON_ASK_CHOICE) {
        if (st->n_choices < 2) {
            fail(err, n, ls->path, st->ask_line,
                 "the question has %d choice; give at least two (the right one as choice*)",
                 st->n_choices);
            return false;
        }
        if (st->right < 0) {
            fail(err, n, ls->path, st->ask_line,
                 "no choice is marked right; write the right one as `choice* TEXT`");
            return false;
        }
    } else if (st->ask == LESSON_ASK_NONE && st->question[0]) {
        fail(err, n, ls->path, st->ask_line,
             "question without answer: add `answer NUMBER [TOLERANCE]` or `choice`/`choice*` "
             "lines");
        return false;
    }
    if (!st->lab[0]) {
        fail(err, n, ls->path, st->line, "the first step names no lab (add `lab NAME`)");
        return false;
    }
    return true;
}

/* The parser. *stop_line receives the line being read when a mistake was found there (0 for a
 * mistake found at the end of the text, such as a step without its answer), so lesson_load can
 * tell a mistake inside the first megabyte of an oversized file from one the cut made. */
static Lesson *parse_text(const char *text, const char *path, char *err, size_t err_size,
                          int *stop_line)
{
    *stop_line = 0;
    Lesson *ls = calloc(1, sizeof *ls);
    if (!ls) {
        snprintf(err, err_size, "%s: out of memory", path);
        return NULL;
    }
    if (!copy_fit(ls->path, sizeof ls->path, path)) {
        snprintf(err, err_size, "%.200s...: the path is too long", path);
        lesson_free(ls);
        return NULL;
    }
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(ls->dir, sizeof ls->dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(ls->dir, sizeof ls->dir, ".");
    if (slash == path)
        snprintf(ls->dir, sizeof ls->dir, "/");

    LessonStep *st = NULL;
    int title_line = 0;
    int lineno = 0;
    const char *p = text;
    char line[LESSON_MAX_LINE + 2];
    int last_line = 0, step_cap = 0;
    while (*p) {
        lineno++;
        last_line = lineno;
        size_t len = strcspn(p, "\n");
        if (len > LESSON_MAX_LINE) {
            fail(err, err_size, path, lineno, "the line is longer than %d bytes", LESSON_MAX_LINE);
            goto bad;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p += len;
        if (*p == '\n')
            p++;
        if (lineno == 1 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
            (unsigned char)line[2] == 0xBF)
            memmove(line, line + 3, strlen(line + 3) + 1); /* a UTF-8 byte-order mark */
        trim_end(line);
        const char *s = skip_space(line);
        if (!*s || *s == '#')
            continue;

        /* the directive is the first word ('>' stands alone); arg is the rest, trimmed */
        size_t wn = *s == '>' ? 1 : strcspn(s, " \t");
        const char *arg = skip_space(s + wn);
        if (*s == '>') {
            /* narration keeps one leading space out: "> text" and ">text" read alike */
            if (!st) {
                fail(err, err_size, path, lineno, "narration before the first `step`");
                goto bad;
            }
            if (!append_text(st, arg)) {
                fail(err, err_size, path, lineno, "the step's narration is longer than %d bytes",
                     LESSON_MAX_TEXT - 1);
                goto bad;
            }
            continue;
        }
        if (word_is(s, wn, "title")) {
            if (title_line) {
                fail(err, err_size, path, lineno, "a second `title` (the first is on line %d)",
                     title_line);
                goto bad;
            }
            if (!*arg) {
                fail(err, err_size, path, lineno, "`title` needs the lesson's title");
                goto bad;
            }
            if (!copy_fit(ls->title, sizeof ls->title, arg)) {
                fail(err, err_size, path, lineno, "the title is longer than %d bytes",
                     (int)sizeof ls->title - 1);
                goto bad;
            }
            title_line = lineno;
            continue;
        }
        if (word_is(s, wn, "step")) {
            if (!title_line) {
                fail(err, err_size, path, lineno,
                     "the lesson has no `title` line before its first step");
                goto bad;
            }
            if (st && !finish_step(ls, st, err, err_size))
                goto bad;
            if (ls->n_steps == LESSON_MAX_STEPS) {
                fail(err, err_size, path, lineno, "more than %d steps", LESSON_MAX_STEPS);
                goto bad;
            }
            /* room doubles (a step is about 25 kB: growing by one copied 50 MB for 64 steps) */
            if (ls->n_steps == step_cap) {
                step_cap = step_cap ? 2 * step_cap : 4;
                if (step_cap > LESSON_MAX_STEPS)
                    step_cap = LESSON_MAX_STEPS;
                LessonStep *grown = realloc(ls->steps, (size_t)step_cap * sizeof *grown);
                if (!grown) {
                    fail(err, err_size, path, lineno, "out of memory");
                    goto bad;
                }
                ls->steps = grown;
            }
            st = &ls->steps[ls->n_steps++];
            memset(st, 0, sizeof *st);
            st->line = lineno;
            st->right = -1;
            if (st != ls->steps) {
                /* the lab carries over until a step names another */
                memcpy(st->lab, st[-1].lab, sizeof st->lab);
                st->lab_line = st[-1].lab_line;
            }
            if (!copy_fit(st->title, sizeof st->title, arg)) {
                fail(err, err_size, path, lineno, "the step heading is longer than %d bytes",
                     (int)sizeof st->title - 1);
                goto bad;
            }
            continue;
        }
        /* everything else belongs to a step */
        static const char *const in_step[] = {"lab",     "reset",  "set",  "ask",    "choice",
                                              "choice*", "answer", "hint", "explain"};
        bool known = false;
        for (size_t i = 0; i < sizeof in_step / sizeof in_step[0]; i++)
            known = known || word_is(s, wn, in_step[i]);
        if (!known) {
            fail(err, err_size, path, lineno,
                 "unknown directive '%.*s' (expected title, step, lab, reset, set, >, ask, "
                 "choice, choice*, answer, hint, explain or # comment)",
                 (int)(wn > 40 ? 40 : wn), s);
            goto bad;
        }
        if (!st) {
            fail(err, err_size, path, lineno, "`%.*s` before the first `step`", (int)wn, s);
            goto bad;
        }
        if (word_is(s, wn, "lab")) {
            size_t an = strcspn(arg, " \t");
            if (!*arg || arg[an]) {
                fail(err, err_size, path, lineno,
                     "`lab` needs one lab name, e.g. `lab convolution`");
                goto bad;
            }
            if (!copy_fit(st->lab, sizeof st->lab, arg)) {
                fail(err, err_size, path, lineno, "unknown lab '%.40s...'", arg);
                goto bad;
            }
            st->lab_line = lineno;
        } else if (word_is(s, wn, "reset")) {
            if (*arg) {
                fail(err, err_size, path, lineno, "`reset` takes nothing after it");
                goto bad;
            }
            st->reset = true;
        } else if (word_is(s, wn, "set")) {
            size_t kn = strcspn(arg, " \t");
            const char *val = skip_space(arg + kn);
            if (!*arg || !*val) {
                fail(err, err_size, path, lineno, "`set` needs a key and a value, e.g. `set k 3`");
                goto bad;
            }
            if (kn >= sizeof st->sets[0].key) {
                fail(err, err_size, path, lineno, "the key '%.40s...' is too long", arg);
                goto bad;
            }
            if (st->n_sets == LESSON_MAX_SETS) {
                fail(err, err_size, path, lineno, "more than %d `set` lines in one step",
                     LESSON_MAX_SETS);
                goto bad;
            }
            LessonSet *set = &st->sets[st->n_sets];
            memcpy(set->key, arg, kn);
            set->key[kn] = '\0';
            if (!copy_fit(set->value, sizeof set->value, val)) {
                fail(err, err_size, path, lineno, "the value of %s is longer than %d bytes",
                     set->key, (int)sizeof set->value - 1);
                goto bad;
            }
            set->is_file = lesson_value_is_file(val);
            if (set->is_file) {
                const char *why = file_value_problem(val);
                if (why[0]) {
                    fail(err, err_size, path, lineno, "set %s %s: the file %s", set->key, val, why);
                    goto bad;
                }
            }
            set->line = lineno;
            st->n_sets++;
        } else if (word_is(s, wn, "ask")) {
            if (st->question[0]) {
                fail(err, err_size, path, lineno,
                     "a step asks one question (this one already asks on line %d)", st->ask_line);
                goto bad;
            }
            if (!*arg) {
                fail(err, err_size, path, lineno, "`ask` needs the question");
                goto bad;
            }
            if (!copy_fit(st->question, sizeof st->question, arg)) {
                fail(err, err_size, path, lineno, "the question is longer than %d bytes",
                     (int)sizeof st->question - 1);
                goto bad;
            }
            st->ask_line = lineno;
        } else if (word_is(s, wn, "choice") || word_is(s, wn, "choice*")) {
            bool right = wn == 7;
            if (!st->question[0]) {
                fail(err, err_size, path, lineno, "`%s` without a question (`ask ...` first)",
                     right ? "choice*" : "choice");
                goto bad;
            }
            if (st->ask == LESSON_ASK_NUMBER) {
                fail(err, err_size, path, lineno,
                     "the question already has a numeric `answer`; use choices or an answer, "
                     "not both");
                goto bad;
            }
            if (!*arg) {
                fail(err, err_size, path, lineno, "`%s` needs the choice's text",
                     right ? "choice*" : "choice");
                goto bad;
            }
            if (st->n_choices == LESSON_MAX_CHOICES) {
                fail(err, err_size, path, lineno, "more than %d choices", LESSON_MAX_CHOICES);
                goto bad;
            }
            if (right && st->right >= 0) {
                fail(err, err_size, path, lineno,
                     "a second choice marked right (the first is choice %d); mark one",
                     st->right + 1);
                goto bad;
            }
            if (!copy_fit(st->choices[st->n_choices], sizeof st->choices[0], arg)) {
                fail(err, err_size, path, lineno, "the choice is longer than %d bytes",
                     (int)sizeof st->choices[0] - 1);
                goto bad;
            }
            if (right)
                st->right = st->n_choices;
            st->n_choices++;
            st->ask = LESSON_ASK_CHOICE;
        } else if (word_is(s, wn, "answer")) {
            if (!st->question[0]) {
                fail(err, err_size, path, lineno, "`answer` without a question (`ask ...` first)");
                goto bad;
            }
            if (st->ask != LESSON_ASK_NONE) {
                fail(err, err_size, path, lineno,
                     st->ask == LESSON_ASK_NUMBER
                         ? "a second `answer` for the question"
                         : "the question already has choices; use choices or an answer, not both");
                goto bad;
            }
            char num[128] = "", tol[128] = "", extra[8] = "";
            int got = sscanf(arg, "%127s %127s %7s", num, tol, extra);
            double a = 0.0, t = 0.0;
            if (got < 1 || !read_number(num, &a)) {
                fail(err, err_size, path, lineno, "`answer` needs a number, got '%s'", arg);
                goto bad;
            }
            if (got == 3 || (got == 2 && (!read_number(tol, &t) || t < 0.0))) {
                fail(err, err_size, path, lineno,
                     "`answer NUMBER [TOLERANCE]`: the tolerance must be one number >= 0, got "
                     "'%s'",
                     arg);
                goto bad;
            }
            st->ask = LESSON_ASK_NUMBER;
            st->answer = a;
            st->tol = t;
        } else if (word_is(s, wn, "hint") || word_is(s, wn, "explain")) {
            bool hint = wn == 4;
            char *dst = hint ? st->hint : st->explain;
            if (!st->question[0]) {
                fail(err, err_size, path, lineno, "`%s` without a question (`ask ...` first)",
                     hint ? "hint" : "explain");
                goto bad;
            }
            if (!*arg) {
                fail(err, err_size, path, lineno, "`%s` needs its text", hint ? "hint" : "explain");
                goto bad;
            }
            if (dst[0]) {
                fail(err, err_size, path, lineno, "a second `%s` for the question",
                     hint ? "hint" : "explain");
                goto bad;
            }
            if (!copy_fit(dst, sizeof st->hint, arg)) {
                fail(err, err_size, path, lineno, "the %s is longer than %d bytes",
                     hint ? "hint" : "explanation", (int)sizeof st->hint - 1);
                goto bad;
            }
        }
    }
    lineno = 0; /* past the loop: a mistake now is one of the whole text */
    if (!title_line) {
        fail(err, err_size, path, last_line > 0 ? last_line : 1, "the lesson has no `title` line");
        goto bad;
    }
    if (!st) {
        fail(err, err_size, path, last_line,
             "the lesson has no steps (add `step`, `lab` and narration)");
        goto bad;
    }
    if (!finish_step(ls, st, err, err_size))
        goto bad;
    /* trailing paragraph breaks say nothing */
    for (int i = 0; i < ls->n_steps; i++) {
        size_t n = strlen(ls->steps[i].text);
        while (n > 0 && ls->steps[i].text[n - 1] == '\n')
            ls->steps[i].text[--n] = '\0';
    }
    return ls;
bad:
    *stop_line = lineno;
    lesson_free(ls);
    return NULL;
}

Lesson *lesson_parse(const char *text, const char *path, char *err, size_t err_size)
{
    int stop_line;
    return parse_text(text, path, err, err_size, &stop_line);
}

/* The message for a file above LESSON_MAX_FILE (buf holds its first LESSON_MAX_FILE + 1
 * bytes): the first mistake inside that part when there is one (a line too long, more than
 * LESSON_MAX_STEPS steps, ...), which says more than the size; else the size. */
static void too_large(char *buf, const char *path, char *err, size_t err_size)
{
    /* whole lines only: the text up to the last newline, and the first line past it */
    char *cut = buf + LESSON_MAX_FILE;
    while (cut > buf && cut[-1] != '\n')
        cut--;
    int lines = 0;
    for (const char *q = buf; q < cut; q++)
        lines += *q == '\n';
    if (buf + LESSON_MAX_FILE + 1 - cut > LESSON_MAX_LINE) {
        /* that line alone is too long: the parser would say so first, unless an earlier
         * line has a mistake */
        cut[0] = '\0';
        int stop = 0;
        Lesson *ls = memchr(buf, '\0', (size_t)(cut - buf))
                         ? NULL
                         : parse_text(buf, path, err, err_size, &stop);
        lesson_free(ls);
        if (stop <= 0)
            fail(err, err_size, path, lines + 1, "the line is longer than %d bytes (the limit)",
                 LESSON_MAX_LINE);
        return;
    }
    *cut = '\0';
    int stop = 0;
    Lesson *ls =
        memchr(buf, '\0', (size_t)(cut - buf)) ? NULL : parse_text(buf, path, err, err_size, &stop);
    lesson_free(ls);
    if (stop <= 0)
        snprintf(err, err_size,
                 "%s: byte %d: the file is larger than %d bytes (1 MB), the limit for a lesson",
                 path, LESSON_MAX_FILE, LESSON_MAX_FILE);
}

Lesson *lesson_load(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    /* fopen opens a folder too; reading it then fails with a bare "read error" */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, err_size, "%s: is a folder, not a file", path);
        fclose(f);
        return NULL;
    }
    /* a lesson is a few kilobytes; LESSON_MAX_FILE is surely not one */
    enum { MAX_FILE = LESSON_MAX_FILE };
    /* the buffer grows with what is read (a lesson of a few kB takes a few kB), up to one
     * byte past the limit */
    size_t cap = 16384, n = 0;
    char *buf = malloc(cap + 1);
    bool read_err = false;
    while (buf && !read_err) {
        n += fread(buf + n, 1, cap - n, f);
        read_err = ferror(f) != 0;
        if (n < cap || cap == MAX_FILE + 1)
            break;
        cap = 2 * cap < MAX_FILE + 1 ? 2 * cap : MAX_FILE + 1;
        char *grown = realloc(buf, cap + 1);
        if (!grown) {
            free(buf);
            buf = NULL;
        }
        buf = grown;
    }
    fclose(f);
    if (!buf) {
        snprintf(err, err_size, "%s: out of memory", path);
        return NULL;
    }
    if (read_err) {
        free(buf);
        snprintf(err, err_size, "%s: read error", path);
        return NULL;
    }
    if (n > MAX_FILE) {
        too_large(buf, path, err, err_size);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    /* a NUL inside the text would silently cut it short: find its line */
    size_t text_len = strlen(buf);
    if (text_len < n) {
        int line = 1;
        for (size_t i = 0; i < text_len; i++)
            line += buf[i] == '\n';
        free(buf);
        snprintf(err, err_size, "%s:%d: a NUL byte: this is not a text file", path, line);
        return NULL;
    }
    Lesson *ls = lesson_parse(buf, path, err, err_size);
    free(buf);
    return ls;
}

/* ==== scenes ================================================================================= */

bool lesson_apply_step(const Lesson *ls, int index, const LessonHost *host, char *err,
                       size_t err_size)
{
    if (index < 0 || index >= ls->n_steps) {
        snprintf(err, err_size, "%s: no step %d (the lesson has %d)", ls->path, index + 1,
                 ls->n_steps);
        return false;
    }
    const LessonStep *st = &ls->steps[index];
    char msg[900] = "";
    if (!host->begin_scene(host->user, st->lab, msg, sizeof msg)) {
        fail(err, err_size, ls->path, st->lab_line, "lab %s: %s", st->lab, msg);
        return false;
    }
    /* the scene replays this lab's sets from its last reset up to this step, in file order */
    int first = 0;
    for (int j = index; j >= 0; j--) {
        if (ls->steps[j].reset && strcmp(ls->steps[j].lab, st->lab) == 0) {
            first = j;
            break;
        }
    }
    int step_line = st->line; /* where the timeline position was last set */
    for (int i = first; i <= index; i++) {
        const LessonStep *s = &ls->steps[i];
        if (strcmp(s->lab, st->lab) != 0)
            continue;
        for (int k = 0; k < s->n_sets; k++) {
            const LessonSet *set = &s->sets[k];
            char resolved[1100];
            const char *value = set->value;
            if (set->is_file) {
                if (!lesson_resolve_file(ls, set->value, host->assets_dir, resolved,
                                         sizeof resolved, msg, sizeof msg)) {
                    fail(err, err_size, ls->path, set->line, "set %s: %s", set->key, msg);
                    return false;
                }
                value = resolved;
            }
            msg[0] = '\0';
            if (strcmp(set->key, "step") == 0)
                step_line = set->line;
            if (!host->set(host->user, set->key, value, msg, sizeof msg)) {
                fail(err, err_size, ls->path, set->line, "set %s %s: %s", set->key, set->value,
                     msg[0] ? msg : "refused by the lab");
                return false;
            }
        }
    }
    msg[0] = '\0';
    if (host->end_scene && !host->end_scene(host->user, msg, sizeof msg)) {
        fail(err, err_size, ls->path, step_line, "step %d: %s", index + 1, msg);
        return false;
    }
    return true;
}

int lesson_dry_run(const Lesson *ls, const LessonHost *host, char *err, size_t err_size)
{
    int failed = 0;
    size_t used = 0;
    if (err_size)
        err[0] = '\0';
    for (int i = 0; i < ls->n_steps; i++) {
        char msg[1400];
        if (lesson_apply_step(ls, i, host, msg, sizeof msg))
            continue;
        /* a step fails again for a mistake an earlier step already reported (scenes carry
         * over): say each message once */
        if (strstr(err, msg))
            continue;
        failed++;
        if (used < err_size) {
            int n = snprintf(err + used, err_size - used, "%s%s", used ? "\n" : "", msg);
            if (n > 0)
                used += (size_t)n < err_size - used ? (size_t)n : err_size - used - 1;
        }
    }
    return failed;
}

/* ==== answers ================================================================================ */

LessonVerdict lesson_check_choice(const LessonStep *step, int index)
{
    if (step->ask != LESSON_ASK_CHOICE || index < 0 || index >= step->n_choices)
        return LESSON_UNANSWERED;
    return index == step->right ? LESSON_RIGHT : LESSON_WRONG;
}

LessonVerdict lesson_check_number(const LessonStep *step, const char *text)
{
    if (step->ask != LESSON_ASK_NUMBER)
        return LESSON_UNANSWERED;
    double x = 0.0;
    if (!read_number(text, &x))
        return LESSON_NOT_A_NUMBER;
    /* a tolerance of 0 still forgives float rounding in the last digits */
    double tol = step->tol + 1e-9 * fmax(1.0, fabs(step->answer));
    return fabs(x - step->answer) <= tol ? LESSON_RIGHT : LESSON_WRONG;
}

/* ==== the runner ============================================================================= */

bool lesson_run_start(LessonRun *run, const Lesson *ls, int index, const LessonHost *host,
                      char *err, size_t err_size)
{
    memset(run, 0, sizeof *run);
    run->ls = ls;
    for (int i = 0; i < LESSON_MAX_STEPS; i++)
        run->picked[i] = -1;
    if (index < 0)
        index = 0;
    if (index >= ls->n_steps)
        index = ls->n_steps - 1;
    run->step = index;
    return lesson_apply_step(ls, index, host, err, err_size);
}

bool lesson_run_go(LessonRun *run, int index, const LessonHost *host, char *err, size_t err_size)
{
    if (err_size)
        err[0] = '\0';
    if (index < 0 || index >= run->ls->n_steps)
        return false;
    run->step = index;
    return lesson_apply_step(run->ls, index, host, err, err_size);
}

bool lesson_run_next(LessonRun *run, const LessonHost *host, char *err, size_t err_size)
{
    return lesson_run_go(run, run->step + 1, host, err, err_size);
}

bool lesson_run_prev(LessonRun *run, const LessonHost *host, char *err, size_t err_size)
{
    return lesson_run_go(run, run->step - 1, host, err, err_size);
}

const LessonStep *lesson_run_current(const LessonRun *run)
{
    return &run->ls->steps[run->step];
}

LessonVerdict lesson_run_choose(LessonRun *run, int index)
{
    LessonVerdict v = lesson_check_choice(lesson_run_current(run), index);
    if (v != LESSON_UNANSWERED) {
        run->verdict[run->step] = v;
        run->picked[run->step] = index;
        run->tries[run->step]++;
    }
    return v;
}

LessonVerdict lesson_run_answer(LessonRun *run, const char *text)
{
    LessonVerdict v = lesson_check_number(lesson_run_current(run), text);
    if (v != LESSON_UNANSWERED) {
        run->verdict[run->step] = v;
        if (v != LESSON_NOT_A_NUMBER)
            run->tries[run->step]++;
    }
    return v;
}

/* Shortest decimal form of x ("19", "0.25", "0.0009765625"). */
static void format_answer(double x, char *out, size_t n)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, n, "%.*g", prec, x);
        if (strtod(out, NULL) == x)
            return;
    }
}

bool lesson_run_worked(const LessonRun *run)
{
    const LessonStep *st = lesson_run_current(run);
    LessonVerdict v = run->verdict[run->step];
    return st->explain[0] && (v == LESSON_RIGHT ||
                              (v == LESSON_WRONG && run->tries[run->step] >= LESSON_WORKED_AFTER));
}

const char *lesson_run_feedback(const LessonRun *run, char *out, size_t out_size)
{
    const LessonStep *st = lesson_run_current(run);
    LessonVerdict v = run->verdict[run->step];
    char num[64];
    switch (v) {
    case LESSON_RIGHT:
        if (st->ask == LESSON_ASK_CHOICE) {
            snprintf(out, out_size, "Right: %s.", st->choices[st->right]);
        } else {
            format_answer(st->answer, num, sizeof num);
            snprintf(out, out_size, "Right: %s.", num);
        }
        break;
    case LESSON_WRONG:
        if (lesson_run_worked(run))
            snprintf(out, out_size,
                     "Not quite (%d tries). Here it is worked out:", run->tries[run->step]);
        else
            snprintf(out, out_size, "Not quite. Try again%s.",
                     st->hint[0] && !run->hint_shown[run->step] ? ", or open the hint" : "");
        break;
    case LESSON_NOT_A_NUMBER:
        snprintf(out, out_size, "Type a number, e.g. 28, -0.5, 1e-3 or 1/9.");
        break;
    default:
        if (out_size)
            out[0] = '\0';
        break;
    }
    return out;
}

/* ==== narration markup ======================================================================= */

void lesson_text_spans(const char *text, size_t len,
                       void (*fn)(void *user, LessonSpanStyle style, const char *s, size_t n),
                       void *user)
{
    size_t start = 0, i = 0;
    while (i < len) {
        char c = text[i];
        if (c == '*' || c == '`') {
            const char *close = memchr(text + i + 1, c, len - i - 1);
            /* "*" needs text right after it ("2 * 3" stays plain), and a partner */
            bool opens = close && close > text + i + 1 && text[i + 1] != ' ';
            if (opens) {
                if (i > start)
                    fn(user, LESSON_SPAN_PLAIN, text + start, i - start);
                fn(user, c == '*' ? LESSON_SPAN_EMPH : LESSON_SPAN_MONO, text + i + 1,
                   (size_t)(close - (text + i + 1)));
                i = (size_t)(close - text) + 1;
                start = i;
                continue;
            }
        }
        i++;
    }
    if (len > start)
        fn(user, LESSON_SPAN_PLAIN, text + start, len - start);
}
