/* netedit.c - see netedit.h. Legend: C channels, H/W height/width, O outputs, K kernel,
 * S stride. A "line" is one line of the text (0-based index here, 1-based in messages); a "row"
 * is a line with words. Every change of the text is a Splice (lines [at, at + n_old) replaced by
 * n_new lines), which is also the undo record. */
#include "engine/netedit.h"

#include "engine/assets.h"
#include "engine/receptive.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WS        " \t\r\v\f" /* the parser's word separators */
#define MAX_WORDS 32          /* words looked at on one line (the parser takes 16) */

typedef struct Splice {
    int at;
    int n_old, n_new;
    char **old_lines, **new_lines;
    int ver_before, ver_after;
} Splice;

struct NetDoc {
    char name[256];
    char **lines; /* n_lines lines without their '\n' */
    int n_lines, cap_lines;
    char *text; /* the lines joined by '\n' */
    size_t text_len;
    bool crlf; /* the first line ends in '\r': new lines get one too */

    Splice hist[NETDOC_MAX_UNDO];
    int hist_len, hist_pos; /* steps kept; steps applied (the rest can be redone) */
    int version, saved_version, next_version;
    char why[320];

    /* analysis */
    bool valid;
    NetSpec spec;       /* the whole net, or the lines above the error */
    NetSpec last_valid; /* the last text that parsed */
    char *last_valid_text;
    char err[512];
    int err_line, err_row;
    NetRowInfo *rows;
    int n_rows, cap_rows;
    NetDocTotals totals;
};

/* ---------------------------------------------------------------- words of one line */

typedef struct Words {
    int n;                          /* words (at most MAX_WORDS looked at; more sets `more`) */
    bool more;                      /* the line has more than MAX_WORDS words */
    int b[MAX_WORDS], e[MAX_WORDS]; /* word i is line[b[i] .. e[i]) */
    int hash;                       /* index of '#', -1 when none */
} Words;

static bool is_ws(char c)
{
    return c != '\0' && strchr(WS, c) != NULL;
}

/* The words of a line as the parser splits it: the comment from '#' cut, whitespace between. */
static void split_words(const char *line, Words *w)
{
    int len = (int)strcspn(line, "#");
    w->n = 0;
    w->more = false;
    w->hash = line[len] == '#' ? len : -1;
    int i = 0;
    for (;;) {
        while (i < len && is_ws(line[i]))
            i++;
        if (i >= len)
            break;
        int start = i;
        while (i < len && !is_ws(line[i]))
            i++;
        if (w->n == MAX_WORDS) {
            w->more = true;
            break;
        }
        w->b[w->n] = start;
        w->e[w->n] = i;
        w->n++;
    }
}

static bool word_is(const char *line, const Words *w, int i, const char *s)
{
    size_t n = (size_t)(w->e[i] - w->b[i]);
    return strlen(s) == n && strncmp(line + w->b[i], s, n) == 0;
}

/* The key of word i: its text up to '=' (or all of it). */
static bool word_key_is(const char *line, const Words *w, int i, const char *key)
{
    const char *s = line + w->b[i];
    size_t n = (size_t)(w->e[i] - w->b[i]);
    const char *eq = memchr(s, '=', n);
    size_t k = eq ? (size_t)(eq - s) : n;
    return strlen(key) == k && strncmp(s, key, k) == 0;
}

static bool word_has_eq(const char *line, const Words *w, int i)
{
    return memchr(line + w->b[i], '=', (size_t)(w->e[i] - w->b[i])) != NULL;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *dup_s(const char *s)
{
    return dup_n(s, strlen(s));
}

/* A line rebuilt with new words: the indentation and the comment (at its column when the
 * spaces before it allow) or the trailing whitespace are kept. */
static char *rebuild_line(const char *old, const char *code)
{
    Words w;
    split_words(old, &w);
    size_t clen = strlen(code);
    if (w.n == 0)
        return dup_s(code);
    int c0 = w.b[0], c1 = w.e[w.n - 1];
    if (w.more) /* the last word looked at is not the last one: cut at the comment */
        c1 = w.hash >= 0 ? w.hash : (int)strlen(old);
    const char *rest = old + c1;
    size_t rlen = strlen(rest), gap = 0;
    if (w.hash >= 0) {
        size_t g = (size_t)(w.hash - c1);
        if (g > 0 && strspn(rest, " ") >= g) {
            /* all spaces: a comment aligned by two or more keeps its column while the words fit
             * before it; one that follows the words by one space keeps following them */
            long want = g == 1 ? 1 : (long)g - ((long)clen - (long)(c1 - c0));
            gap = want >= 1 ? (size_t)want : 1;
            rest += g;
            rlen -= g;
        }
    }
    char *out = malloc((size_t)c0 + clen + gap + rlen + 1);
    if (!out)
        return NULL;
    memcpy(out, old, (size_t)c0);
    memcpy(out + c0, code, clen);
    memset(out + c0 + clen, ' ', gap);
    memcpy(out + c0 + clen + gap, rest, rlen + 1);
    return out;
}

/* ---------------------------------------------------------------- kinds and their keys */

/* the words a new layer of each kind starts with; a kind without an entry starts as its name */
static const char *const default_lines[LAYER_KIND_COUNT] = {
    [LAYER_CONV] = "conv 8 k=3 pad=1",    [LAYER_DECONV] = "deconv 8 k=2 stride=2",
    [LAYER_MAXPOOL] = "maxpool k=2",      [LAYER_AVGPOOL] = "avgpool k=2",
    [LAYER_L2POOL] = "l2pool k=2",        [LAYER_LEAKY] = "leaky alpha=0.01",
    [LAYER_SOFTPLUS] = "softplus beta=1", [LAYER_LRN] = "lrn size=5 alpha=0.0001 beta=0.75 k=1",
    [LAYER_DENSE] = "dense 10",
};

/* the names of a kind's positional numbers (the parser reads them before the keys) */
static const char *positional(LayerKind kind)
{
    switch (kind) {
    case LAYER_CONV:
    case LAYER_DECONV:
        return "out";
    case LAYER_DENSE:
        return "units";
    case LAYER_KIND_COUNT:
        return "c h w";
    default:
        return "";
    }
}

const char *netdoc_default_line(LayerKind kind)
{
    assert(kind >= 0 && kind < LAYER_KIND_COUNT);
    return default_lines[kind] ? default_lines[kind] : layer_kind_name(kind);
}

const char *netdoc_kind_keys(LayerKind kind)
{
    static char lists[LAYER_KIND_COUNT + 1][128];
    assert(kind >= 0 && kind <= LAYER_KIND_COUNT);
    const char *p = positional(kind), *k = kind < LAYER_KIND_COUNT ? layer_kind_keys(kind) : "";
    snprintf(lists[kind], sizeof lists[0], "%s%s%s", p, p[0] && k[0] ? " " : "", k);
    return lists[kind];
}

/* Index of word `key` in the space-separated list, or -1. */
static int list_index(const char *list, const char *key)
{
    size_t n = strlen(key);
    int i = 0;
    for (const char *s = list; *s;) {
        size_t w = strcspn(s, " ");
        if (w == n && strncmp(s, key, n) == 0)
            return i;
        s += w;
        s += strspn(s, " ");
        i++;
    }
    return -1;
}

static int list_count(const char *list)
{
    int n = 0;
    for (const char *s = list + strspn(list, " "); *s; s += strspn(s, " ")) {
        s += strcspn(s, " ");
        n++;
    }
    return n;
}

/* The kind named by a line's first word; LAYER_KIND_COUNT for "input", -1 when unknown. */
static int line_kind(const char *line, const Words *w)
{
    if (w->n == 0)
        return -1;
    if (word_is(line, w, 0, "input"))
        return LAYER_KIND_COUNT;
    for (int k = 0; k < LAYER_KIND_COUNT; k++)
        if (word_is(line, w, 0, layer_kind_name((LayerKind)k)))
            return k;
    return -1;
}

/* ---------------------------------------------------------------- text and lines */

static int printf_why(NetDoc *doc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(doc->why, sizeof doc->why, fmt, ap);
    va_end(ap);
    return 0;
}

#define REFUSE(doc, ...) (printf_why((doc), __VA_ARGS__), false)

/* Bytes of n lines, not counting the '\n' between them. */
static size_t lines_bytes(char *const *lines, int n)
{
    size_t s = 0;
    for (int i = 0; i < n; i++)
        s += strlen(lines[i]);
    return s;
}

/* Bytes of n lines of b bytes joined by '\n'. */
static size_t joined_bytes(size_t b, int n)
{
    return b + (n > 0 ? (size_t)n - 1 : 0);
}

/* The first n lines joined by '\n' (malloc'd), NULL when memory runs out. */
static char *join_lines(char *const *lines, int n, const char *extra)
{
    size_t size = joined_bytes(lines_bytes(lines, n), n) + strlen(extra) + 1;
    char *t = malloc(size);
    if (!t)
        return NULL;
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(lines[i]);
        memcpy(t + len, lines[i], k);
        len += k;
        if (i + 1 < n)
            t[len++] = '\n';
    }
    memcpy(t + len, extra, strlen(extra) + 1);
    return t;
}

static void free_lines(char **lines, int n)
{
    for (int i = 0; lines && i < n; i++)
        free(lines[i]);
    free(lines);
}

/* Copies of n strings (an array of n, at least 1 slot), NULL when memory runs out. */
static char **copy_lines(char *const *src, int n)
{
    char **d = calloc((size_t)n + 1, sizeof *d);
    if (!d)
        return NULL;
    for (int i = 0; i < n; i++)
        if (!(d[i] = dup_s(src[i]))) {
            free_lines(d, i);
            return NULL;
        }
    return d;
}

/* Replaces doc lines [at, at + n_old) by copies of src (n_new); false when memory runs out. */
static bool replace_lines(NetDoc *doc, int at, int n_old, char *const *src, int n_new)
{
    char **copies = copy_lines(src, n_new);
    if (!copies)
        return false;
    int n = doc->n_lines - n_old + n_new;
    if (n > doc->cap_lines) {
        int cap = n * 2 + 8;
        char **grown = realloc(doc->lines, (size_t)cap * sizeof *grown);
        if (!grown) {
            free_lines(copies, n_new);
            return false;
        }
        doc->lines = grown;
        doc->cap_lines = cap;
    }
    for (int i = at; i < at + n_old; i++)
        free(doc->lines[i]);
    memmove(doc->lines + at + n_new, doc->lines + at + n_old,
            (size_t)(doc->n_lines - at - n_old) * sizeof *doc->lines);
    memcpy(doc->lines + at, copies, (size_t)n_new * sizeof *copies);
    free(copies);
    doc->n_lines = n;
    return true;
}

/* ---------------------------------------------------------------- analysis */

static long long gcd_ll(long long a, long long b)
{
    while (b) {
        long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* j * num / den, reduced; undefined (den 0) when it no longer fits an int. */
static NetFraction frac_scale(NetFraction j, int num, int den)
{
    if (j.den == 0)
        return j;
    long long n = (long long)j.num * num, d = (long long)j.den * den, g = gcd_ll(n, d);
    n /= g;
    d /= g;
    if (n > 0x7fffffff || d > 0x7fffffff)
        return (NetFraction){0, 0};
    return (NetFraction){(int)n, (int)d};
}

/* One layer's costs per image (see the top of netedit.h). */
static void layer_costs(const Layer *l, int index, NetRowInfo *r)
{
    long long out = shape_elems(l->out), macs = 0, fwd, bwd;
    switch (l->kind) {
    case LAYER_CONV:
        macs = (long long)l->n_w * l->out.h * l->out.w;
        break;
    case LAYER_DECONV:
        macs = (long long)l->n_w * l->in.h * l->in.w;
        break;
    case LAYER_DENSE:
        macs = l->n_w;
        break;
    default:
        break;
    }
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV:
    case LAYER_DENSE:
        fwd = 2 * macs + out;
        bwd = 2 * macs + out + (index > 0 ? 2 * macs : 0);
        break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
        fwd = bwd = (long long)l->pool.kh * l->pool.kw * out;
        break;
    case LAYER_L2POOL:
        fwd = bwd = 2LL * l->pool.kh * l->pool.kw * out;
        break;
    case LAYER_RELU:
    case LAYER_LEAKY:
    case LAYER_SIGMOID:
    case LAYER_TANH:
    case LAYER_ABS:
    case LAYER_SOFTPLUS:
        fwd = bwd = out;
        break;
    case LAYER_LRN:
        fwd = bwd = 2LL * l->lrn_size * out;
        break;
    case LAYER_SOFTMAX:
        fwd = bwd = 3 * out;
        break;
    case LAYER_FLATTEN:
        fwd = bwd = 0;
        break;
    default:
        fwd = bwd = 2 * out;
        break;
    }
    r->macs = macs;
    r->flops_fwd = fwd;
    r->flops_bwd = bwd;
    r->flops_train = fwd + bwd;
}

/* How far apart neighbouring units' fields start after layer l, given the jump before it. */
static void layer_jump(const Layer *l, NetFraction *jh, NetFraction *jw)
{
    if (l->out.rank != 3) {
        *jh = *jw = (NetFraction){0, 0};
        return;
    }
    switch (l->kind) {
    case LAYER_CONV:
        *jh = frac_scale(*jh, l->conv.sh, 1);
        *jw = frac_scale(*jw, l->conv.sw, 1);
        break;
    case LAYER_DECONV:
        *jh = frac_scale(*jh, 1, l->conv.sh);
        *jw = frac_scale(*jw, 1, l->conv.sw);
        break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL:
        *jh = frac_scale(*jh, l->pool.sh, 1);
        *jw = frac_scale(*jw, l->pool.sw, 1);
        break;
    default:
        /* a kind that keeps the grid keeps the jump; one that changes it is not known here */
        if (l->out.h != l->in.h || l->out.w != l->in.w)
            *jh = *jw = (NetFraction){0, 0};
        break;
    }
}

/* The receptive field on the input of one unit of layer i's output (the centre unit). */
static void layer_field(const NetSpec *sp, int i, NetRowInfo *r)
{
    RfBox box[NET_MAX_LAYERS + 1];
    Shape s = sp->layers[i].out;
    bool ok = s.rank == 3 ? receptive_trace(sp, i, 0, s.h / 2, s.w / 2, box)
                          : receptive_trace(sp, i, 0, 0, 0, box);
    if (!ok)
        return;
    r->rf_h = rf_unclipped_rows(&box[0]);
    r->rf_w = rf_unclipped_cols(&box[0]);
    r->rf_whole = rf_covers(&box[0], sp->input);
}

static void row_clear(NetRowInfo *r)
{
    int line = r->line;
    bool input = r->is_input;
    memset(r, 0, sizeof *r);
    r->line = line;
    r->is_input = input;
    r->layer = -1;
    r->error = "";
    r->state = NETROW_SKIPPED;
    snprintf(r->formula, sizeof r->formula, "0");
}

/* Parses the first n lines as a net into doc->spec: the rows above an error. When those are the
 * input line alone (the parser wants a layer), a flatten is added to learn the input's shape. */
static void parse_prefix(NetDoc *doc, int n)
{
    NetSpec *sp = &doc->spec;
    int rows = 0;
    for (int i = 0; i < doc->n_lines && i < n; i++) {
        Words w;
        split_words(doc->lines[i], &w);
        rows += w.n > 0;
    }
    memset(sp, 0, sizeof *sp);
    if (rows == 0)
        return;
    char *t = join_lines(doc->lines, n, rows == 1 ? "\nflatten" : "");
    bool ok = t && net_parse(sp, t, doc->name, NULL, 0);
    free(t);
    if (!ok)
        memset(sp, 0, sizeof *sp);
    else if (rows == 1)
        sp->n_layers = 0;
}

/* Fills the rows' analysis and the totals from doc->spec (and the error, when refused). */
static void fill_rows(NetDoc *doc, const char *msg)
{
    const NetSpec *sp = &doc->spec;
    NetDocTotals *t = &doc->totals;
    memset(t, 0, sizeof *t);
    t->complete = doc->valid;
    NetFraction jh = {1, 1}, jw = {1, 1};
    int next_layer = 0;
    long long act = sp->input.rank ? shape_elems(sp->input) : 0;
    t->rf_h = t->rf_w = sp->input.rank ? 1 : 0;
    for (int ri = 0; ri < doc->n_rows; ri++) {
        NetRowInfo *r = &doc->rows[ri];
        row_clear(r);
        if (r->line == doc->err_line) {
            r->state = NETROW_ERROR;
            r->error = msg;
            r->in = sp->n_layers ? sp->layers[sp->n_layers - 1].out : sp->input;
            continue;
        }
        if (r->is_input && sp->input.rank == 3) {
            r->state = NETROW_OK;
            r->out = sp->input;
            r->act_bytes = 4 * (long)shape_elems(sp->input);
            r->rf_h = r->rf_w = 1;
            r->jump_h = r->jump_w = (NetFraction){1, 1};
            continue;
        }
        if (next_layer >= sp->n_layers || sp->layers[next_layer].line != r->line)
            continue;
        int i = next_layer++;
        const Layer *l = &sp->layers[i];
        r->state = NETROW_OK;
        r->layer = i;
        r->in = l->in;
        r->out = l->out;
        r->params = layer_param_count(l);
        layer_param_formula(l, r->formula, sizeof r->formula);
        layer_costs(l, i, r);
        r->param_bytes = 4 * r->params;
        r->act_bytes = 4 * (long)shape_elems(l->out);
        layer_field(sp, i, r);
        layer_jump(l, &jh, &jw);
        r->jump_h = jh;
        r->jump_w = jw;
        t->params += r->params;
        t->macs += r->macs;
        t->flops_fwd += r->flops_fwd;
        t->flops_bwd += r->flops_bwd;
        t->flops_train += r->flops_train;
        act += shape_elems(l->out);
        t->rf_h = r->rf_h;
        t->rf_w = r->rf_w;
        t->rf_whole = r->rf_whole;
    }
    t->param_bytes = 4 * t->params;
    t->act_bytes = 4 * (long)act;
    t->mem_fwd = t->param_bytes + t->act_bytes;
    t->mem_train = 2 * t->mem_fwd;
}

/* Rebuilds the text, the rows and their analysis; false when memory runs out. */
static bool analyse(NetDoc *doc)
{
    char *text = join_lines(doc->lines, doc->n_lines, "");
    if (!text)
        return false;
    free(doc->text);
    doc->text = text;
    doc->text_len = strlen(text);
    doc->crlf =
        doc->n_lines > 0 && doc->lines[0][0] && doc->lines[0][strlen(doc->lines[0]) - 1] == '\r';

    /* the rows: lines with words */
    int n = 0;
    for (int i = 0; i < doc->n_lines; i++) {
        Words w;
        split_words(doc->lines[i], &w);
        if (w.n == 0)
            continue;
        if (n == doc->cap_rows) {
            int cap = n * 2 + 16;
            NetRowInfo *grown = realloc(doc->rows, (size_t)cap * sizeof *grown);
            if (!grown)
                return false;
            doc->rows = grown;
            doc->cap_rows = cap;
        }
        doc->rows[n].line = i + 1;
        doc->rows[n].is_input = n == 0 && line_kind(doc->lines[i], &w) == LAYER_KIND_COUNT;
        n++;
    }
    doc->n_rows = n;

    doc->valid = net_parse(&doc->spec, doc->text, doc->name, doc->err, sizeof doc->err);
    doc->err_line = 0;
    doc->err_row = -1;
    const char *msg = "";
    if (doc->valid) {
        doc->err[0] = '\0';
        char *copy = dup_s(doc->text);
        if (!copy)
            return false;
        free(doc->last_valid_text);
        doc->last_valid_text = copy;
        doc->last_valid = doc->spec;
    } else {
        /* "NAME:LINE: message" or "NAME: message" */
        size_t k = strlen(doc->name);
        msg = doc->err;
        if (strncmp(doc->err, doc->name, k) == 0 && doc->err[k] == ':') {
            char *end = NULL;
            long line = strtol(doc->err + k + 1, &end, 10);
            if (end != doc->err + k + 1 && *end == ':' && line > 0) {
                doc->err_line = (int)line;
                msg = end + 1;
            } else {
                msg = doc->err + k + 1;
            }
            msg += strspn(msg, " ");
        }
        parse_prefix(doc, doc->err_line ? doc->err_line - 1 : doc->n_lines);
        for (int r = 0; r < n; r++)
            if (doc->rows[r].line == doc->err_line)
                doc->err_row = r;
    }
    fill_rows(doc, msg);
    return true;
}

/* ---------------------------------------------------------------- documents */

static void splice_free(Splice *s)
{
    free_lines(s->old_lines, s->n_old);
    free_lines(s->new_lines, s->n_new);
    memset(s, 0, sizeof *s);
}

/* The lines of text (*n of them; the text is the lines joined by '\n', byte for byte), NULL
 * when memory runs out. */
static char **split_text(const char *text, int *n)
{
    *n = 1;
    for (const char *s = text; *s; s++)
        *n += *s == '\n';
    char **lines = calloc((size_t)*n, sizeof *lines);
    const char *s = text;
    for (int i = 0; lines && i < *n; i++) {
        size_t k = strcspn(s, "\n");
        if (!(lines[i] = dup_n(s, k))) {
            free_lines(lines, i);
            return NULL;
        }
        s += k + (s[k] == '\n');
    }
    return lines;
}

NetDoc *netdoc_create(const char *text, const char *name, char *err, size_t err_size)
{
    const char *nm = name && name[0] ? name : "(net)";
    size_t len = strlen(text);
    if (len > NET_MAX_TEXT) {
        snprintf(err, err_size, "%s: the net text has %zu bytes, more than the limit of %d", nm,
                 len, NET_MAX_TEXT);
        return NULL;
    }
    NetDoc *doc = calloc(1, sizeof *doc);
    if (doc) {
        snprintf(doc->name, sizeof doc->name, "%s", nm);
        doc->lines = split_text(text, &doc->n_lines);
        doc->cap_lines = doc->n_lines;
        if (doc->lines && analyse(doc))
            return doc;
        netdoc_destroy(doc);
    }
    snprintf(err, err_size, "%s: out of memory", nm);
    return NULL;
}

NetDoc *netdoc_load(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        snprintf(err, err_size, "%s: is a folder, not a file", path);
        return NULL;
    }
    char *text = malloc(NET_MAX_TEXT + 2);
    size_t n = text ? fread(text, 1, NET_MAX_TEXT + 1, f) : 0;
    bool bad = !text || ferror(f);
    fclose(f);
    NetDoc *doc = NULL;
    if (bad) {
        snprintf(err, err_size, "%s: %s", path, text ? "read error" : "out of memory");
    } else if (n > NET_MAX_TEXT) {
        snprintf(err, err_size, "%s: larger than %d bytes, the limit for a net file", path,
                 NET_MAX_TEXT);
    } else if (memchr(text, '\0', n)) {
        snprintf(err, err_size, "%s: byte %zu: a NUL byte; a net file is plain text", path,
                 (size_t)((char *)memchr(text, '\0', n) - text));
    } else {
        text[n] = '\0';
        const char *slash = strrchr(path, '/');
        doc = netdoc_create(text, slash ? slash + 1 : path, err, err_size);
    }
    free(text);
    return doc;
}

bool netdoc_save(NetDoc *doc, const char *path, char *err, size_t err_size)
{
    size_t plen = strlen(path) + 16;
    char *tmp = malloc(plen);
    int fd = -1;
    if (!tmp || (snprintf(tmp, plen, "%s.tmp.XXXXXX", path), fd = mkstemp(tmp)) < 0) {
        snprintf(err, err_size, "%s: cannot create a temporary file beside it: %s", path,
                 tmp ? strerror(errno) : "out of memory");
        free(tmp);
        return false;
    }
    size_t done = 0;
    while (done < doc->text_len) {
        ssize_t k = write(fd, doc->text + done, doc->text_len - done);
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    bool ok = done == doc->text_len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
    } else {
        doc->saved_version = doc->version;
    }
    free(tmp);
    return ok;
}

void netdoc_destroy(NetDoc *doc)
{
    if (!doc)
        return;
    for (int i = 0; i < doc->hist_len; i++)
        splice_free(&doc->hist[i]);
    free_lines(doc->lines, doc->n_lines);
    free(doc->text);
    free(doc->last_valid_text);
    free(doc->rows);
    free(doc);
}

const char *netdoc_text(const NetDoc *doc)
{
    return doc->text;
}

size_t netdoc_text_size(const NetDoc *doc)
{
    return doc->text_len;
}

const char *netdoc_name(const NetDoc *doc)
{
    return doc->name;
}

bool netdoc_modified(const NetDoc *doc)
{
    return doc->version != doc->saved_version;
}

/* ---------------------------------------------------------------- presets */

static const struct {
    const char *name, *file, *about;
} presets[] = {
    {"lenet-tiny", "assets/nets/lenet-tiny.net",
     "two 5x5 convolutions, each with ReLU and 2x2 max pooling, then dense 10: the classifier"},
    {"one-conv", "assets/nets/one-conv.net",
     "a single 5x5 convolution with 8 kernels, pooling, dense 10: the smallest conv net"},
    {"mlp", "assets/nets/mlp.net",
     "dense layers only: count its parameters against lenet-tiny's 7,434"},
    {"dilated", "assets/nets/dilated.net",
     "3x3 convolutions dilated 1, 2, 4: the receptive field grows 3, 7, 15 with no pooling"},
    {"strided", "assets/nets/strided.net",
     "stride-2 convolutions instead of pooling: 28 -> 14 -> 7"},
};

int netdoc_preset_count(void)
{
    return (int)(sizeof presets / sizeof presets[0]);
}

const char *netdoc_preset_name(int i)
{
    assert(i >= 0 && i < netdoc_preset_count());
    return presets[i].name;
}

const char *netdoc_preset_about(int i)
{
    assert(i >= 0 && i < netdoc_preset_count());
    return presets[i].about;
}

const char *netdoc_preset_file(int i)
{
    assert(i >= 0 && i < netdoc_preset_count());
    return presets[i].file;
}

NetDoc *netdoc_load_preset(int i, char *err, size_t err_size)
{
    char path[1024];
    assets_path(path, sizeof path, netdoc_preset_file(i));
    return netdoc_load(path, err, err_size);
}

/* ---------------------------------------------------------------- rows */

int netdoc_row_count(const NetDoc *doc)
{
    return doc->n_rows;
}

const NetRowInfo *netdoc_row(const NetDoc *doc, int r)
{
    assert(r >= 0 && r < doc->n_rows);
    return &doc->rows[r];
}

const char *netdoc_row_line(const NetDoc *doc, int r)
{
    assert(r >= 0 && r < doc->n_rows);
    return doc->lines[doc->rows[r].line - 1];
}

bool netdoc_row_kind(const NetDoc *doc, int r, LayerKind *kind)
{
    const char *line = netdoc_row_line(doc, r);
    Words w;
    split_words(line, &w);
    int k = line_kind(line, &w);
    if (k < 0 || k == LAYER_KIND_COUNT)
        return false;
    *kind = (LayerKind)k;
    return true;
}

/* The keys a line may set: its kind's (the input's for "input"); NULL for an unknown word. */
static const char *line_keys(const char *line, const Words *w)
{
    int k = line_kind(line, w);
    return k < 0 ? NULL : netdoc_kind_keys((LayerKind)k);
}

/* The word index that holds key on the line, -1 when absent (and for unknown keys). */
static int find_key(const char *line, const Words *w, const char *keys, const char *key)
{
    int pos = list_index(keys, key), n_pos = list_count(positional((LayerKind)line_kind(line, w)));
    if (pos < 0)
        return -1;
    if (pos < n_pos) {
        /* positional i is word i + 1, while the words before it are numbers too */
        for (int i = 1; i <= pos + 1; i++)
            if (i >= w->n || word_has_eq(line, w, i))
                return -1;
        return pos + 1;
    }
    for (int i = 1; i < w->n; i++)
        if (word_has_eq(line, w, i) && word_key_is(line, w, i, key))
            return i;
    for (int i = 1; i < w->n; i++) /* "k" without '=': the parser names it as missing a value */
        if (!word_has_eq(line, w, i) && word_key_is(line, w, i, key) && i > n_pos)
            return i;
    return -1;
}

bool netdoc_row_value(const NetDoc *doc, int r, const char *key, char *buf, size_t size)
{
    const char *line = netdoc_row_line(doc, r);
    Words w;
    split_words(line, &w);
    const char *keys = line_keys(line, &w);
    int i = keys ? find_key(line, &w, keys, key) : -1;
    if (i < 0)
        return false;
    const char *s = line + w.b[i];
    int n = w.e[i] - w.b[i];
    const char *eq = memchr(s, '=', (size_t)n);
    if (eq) {
        n -= (int)(eq + 1 - s);
        s = eq + 1;
    } else if (list_index(keys, key) >= list_count(positional((LayerKind)line_kind(line, &w)))) {
        n = 0; /* "k" alone: the key without its value */
    }
    snprintf(buf, size, "%.*s", n, s);
    return true;
}

/* ---------------------------------------------------------------- analysis getters */

bool netdoc_valid(const NetDoc *doc)
{
    return doc->valid;
}

const NetSpec *netdoc_spec(const NetDoc *doc)
{
    return &doc->spec;
}

const NetSpec *netdoc_last_valid(const NetDoc *doc)
{
    return doc->last_valid_text ? &doc->last_valid : NULL;
}

const char *netdoc_last_valid_text(const NetDoc *doc)
{
    return doc->last_valid_text;
}

const char *netdoc_error(const NetDoc *doc)
{
    return doc->err;
}

int netdoc_error_line(const NetDoc *doc)
{
    return doc->err_line;
}

int netdoc_error_row(const NetDoc *doc)
{
    return doc->err_row;
}

const NetDocTotals *netdoc_totals(const NetDoc *doc)
{
    return &doc->totals;
}

const char *netdoc_why(const NetDoc *doc)
{
    return doc->why;
}

/* ---------------------------------------------------------------- shape comments */

/* A part of a comment made only of digits and 'x', starting and ending with a digit: "8x28x28",
 * "400". */
static bool is_shape_part(const char *b, const char *e)
{
    if (b >= e || !isdigit((unsigned char)*b) || !isdigit((unsigned char)e[-1]))
        return false;
    for (const char *p = b; p < e; p++)
        if (!isdigit((unsigned char)*p) && *p != 'x')
            return false;
    return true;
}

/* A parameter formula as layer_param_formula writes it, then " parameters":
 * "8x1x5x5 + 8 = 208 parameters", "0 parameters". */
static bool is_formula_part(const char *b, const char *e)
{
    static const char tail[] = " parameters";
    size_t tl = sizeof tail - 1;
    if ((size_t)(e - b) <= tl || strncmp(e - tl, tail, tl) != 0)
        return false;
    e -= tl;
    for (const char *p = b; p < e; p++)
        if (!isdigit((unsigned char)*p) && *p != 'x' && *p != '+' && *p != '=' && *p != ' ')
            return false;
    return isdigit((unsigned char)*b) && isdigit((unsigned char)e[-1]);
}

/* The body of line's shape comment: [*b, *e) after "# " and before trailing whitespace, with
 * which parts it has; false when the line has no comment or it is not a shape comment. */
static bool shape_comment(const char *line, const char **b, const char **e, bool *shape,
                          bool *formula)
{
    const char *h = strchr(line, '#');
    if (!h)
        return false;
    const char *cb = h + 1, *ce = h + strlen(h);
    while (cb < ce && (*cb == ' ' || *cb == '\t'))
        cb++;
    while (ce > cb && isspace((unsigned char)ce[-1]))
        ce--;
    const char *comma = NULL;
    for (const char *p = cb; p + 1 < ce; p++)
        if (p[0] == ',' && p[1] == ' ') {
            comma = p;
            break;
        }
    *b = cb;
    *e = ce;
    if (comma) {
        *shape = true;
        *formula = true;
        return is_shape_part(cb, comma) && is_formula_part(comma + 2, ce);
    }
    *shape = is_shape_part(cb, ce);
    *formula = !*shape && is_formula_part(cb, ce);
    return *shape || *formula;
}

bool netdoc_is_shape_comment(const char *line)
{
    const char *b, *e;
    bool sh, fo;
    return shape_comment(line, &b, &e, &sh, &fo);
}

/* Row r's line with its shape comment made current (malloc'd), or NULL when it has none, is
 * not an evaluated layer, or the comment is current already (or memory runs out). */
static char *current_comment_line(const NetDoc *doc, const NetRowInfo *r)
{
    const char *line = doc->lines[r->line - 1];
    const char *b, *e;
    bool sh, fo;
    if (r->is_input || r->state != NETROW_OK || !shape_comment(line, &b, &e, &sh, &fo))
        return NULL;
    char body[200], shape[64] = "";
    const Shape *o = &r->out;
    if (o->rank >= 3)
        snprintf(shape, sizeof shape, "%dx%dx%d", o->c, o->h, o->w);
    else if (o->rank == 2)
        snprintf(shape, sizeof shape, "%dx%d", o->c, o->h);
    else
        snprintf(shape, sizeof shape, "%d", o->c);
    if (sh && fo)
        snprintf(body, sizeof body, "%s, %s parameters", shape, r->params > 0 ? r->formula : "0");
    else if (sh)
        snprintf(body, sizeof body, "%s", shape);
    else
        snprintf(body, sizeof body, "%s parameters", r->params > 0 ? r->formula : "0");
    size_t bl = strlen(body);
    if ((size_t)(e - b) == bl && strncmp(b, body, bl) == 0)
        return NULL;
    size_t pre = (size_t)(b - line), post = strlen(e);
    char *out = malloc(pre + bl + post + 1);
    if (!out)
        return NULL;
    memcpy(out, line, pre);
    memcpy(out + pre, body, bl);
    memcpy(out + pre + bl, e, post + 1);
    return out;
}

/* After an edit (its splice s, the last in the history, already applied and analysed): the
 * shape comments of the evaluated rows (netdoc_is_shape_comment) rewritten to their rows'
 * current shapes and formulas, as part of the same splice (one undo step). Other comments,
 * and those of rows not evaluated, stay. Nothing changes when the text would pass
 * NET_MAX_TEXT. false when memory runs out. */
static bool refresh_shape_comments(NetDoc *doc, Splice *s)
{
    int n = doc->n_lines, lo = n, hi = -1;
    char **fresh = calloc((size_t)n + 1, sizeof *fresh);
    if (!fresh)
        return false;
    size_t grow = 0, shrink = 0;
    for (int r = 0; r < doc->n_rows; r++) {
        int i = doc->rows[r].line - 1;
        char *c = current_comment_line(doc, &doc->rows[r]);
        if (!c)
            continue;
        fresh[i] = c;
        grow += strlen(c);
        shrink += strlen(doc->lines[i]);
        lo = i < lo ? i : lo;
        hi = i > hi ? i : hi;
    }
    bool ok = true;
    if (hi >= 0 && doc->text_len + grow - shrink <= NET_MAX_TEXT) {
        /* the splice widened to cover [L, H): outside its own lines the old text is the
         * current one */
        int L = lo < s->at ? lo : s->at;
        int H = hi + 1 > s->at + s->n_new ? hi + 1 : s->at + s->n_new;
        int n_old = (s->at - L) + s->n_old + (H - s->at - s->n_new);
        char **old_lines = calloc((size_t)n_old + 1, sizeof *old_lines);
        char **new_lines = calloc((size_t)(H - L) + 1, sizeof *new_lines);
        ok = old_lines && new_lines;
        int k = 0;
        for (int i = L; ok && i < s->at; i++)
            ok = (old_lines[k++] = dup_s(doc->lines[i])) != NULL;
        for (int i = 0; ok && i < s->n_old; i++)
            ok = (old_lines[k++] = dup_s(s->old_lines[i])) != NULL;
        for (int i = s->at + s->n_new; ok && i < H; i++)
            ok = (old_lines[k++] = dup_s(doc->lines[i])) != NULL;
        for (int i = L; ok && i < H; i++)
            ok = (new_lines[i - L] = dup_s(fresh[i] ? fresh[i] : doc->lines[i])) != NULL;
        if (ok)
            ok = replace_lines(doc, L, H - L, new_lines, H - L);
        if (ok) {
            free_lines(s->old_lines, s->n_old);
            free_lines(s->new_lines, s->n_new);
            s->at = L;
            s->n_old = n_old;
            s->n_new = H - L;
            s->old_lines = old_lines;
            s->new_lines = new_lines;
            ok = analyse(doc);
        } else {
            free_lines(old_lines, n_old);
            free_lines(new_lines, H - L);
        }
    }
    free_lines(fresh, n);
    return ok;
}

/* ---------------------------------------------------------------- edits */

/* The one way the text changes: lines [at, at + n_old) become new_lines (n_new; taken over and
 * freed here), recorded for undo; with refresh, the shape comments made current in the same
 * undo step. Refused beyond NET_MAX_TEXT bytes. */
static bool apply_text(NetDoc *doc, int at, int n_old, char **new_lines, int n_new, bool refresh)
{
    bool same = n_old == n_new;
    for (int i = 0; same && i < n_new; i++)
        same = strcmp(doc->lines[at + i], new_lines[i]) == 0;
    size_t size =
        joined_bytes(lines_bytes(doc->lines, doc->n_lines) - lines_bytes(doc->lines + at, n_old) +
                         lines_bytes(new_lines, n_new),
                     doc->n_lines - n_old + n_new);
    bool ok = true;
    if (same) {
        doc->why[0] = '\0';
    } else if (size > NET_MAX_TEXT) {
        ok = REFUSE(doc, "the net text would have %zu bytes, more than the limit of %d", size,
                    NET_MAX_TEXT);
    } else {
        Splice s = {at,
                    n_old,
                    n_new,
                    copy_lines(doc->lines + at, n_old),
                    new_lines,
                    doc->version,
                    doc->next_version + 1};
        new_lines = NULL;
        if (!s.old_lines || !replace_lines(doc, at, n_old, s.new_lines, n_new)) {
            splice_free(&s);
            return REFUSE(doc, "out of memory");
        }
        /* a new edit forgets what could be redone; a full history forgets its oldest step */
        for (int i = doc->hist_pos; i < doc->hist_len; i++)
            splice_free(&doc->hist[i]);
        doc->hist_len = doc->hist_pos;
        if (doc->hist_len == NETDOC_MAX_UNDO) {
            splice_free(&doc->hist[0]);
            memmove(doc->hist, doc->hist + 1, (NETDOC_MAX_UNDO - 1) * sizeof doc->hist[0]);
            doc->hist_len--;
        }
        doc->hist[doc->hist_len++] = s;
        doc->hist_pos = doc->hist_len;
        doc->version = ++doc->next_version;
        doc->why[0] = '\0';
        if (!analyse(doc) ||
            (refresh && !refresh_shape_comments(doc, &doc->hist[doc->hist_len - 1])))
            ok = REFUSE(doc, "out of memory");
    }
    free_lines(new_lines, n_new);
    return ok;
}

/* An edit: apply_text with the shape comments refreshed. */
static bool apply(NetDoc *doc, int at, int n_old, char **new_lines, int n_new)
{
    return apply_text(doc, at, n_old, new_lines, n_new, true);
}

/* line (taken over) as a 1-element array, with a '\r' at its end when cr. */
static char **one_line(char *line, bool cr)
{
    char **a = calloc(1, sizeof *a);
    if (!a || !line) {
        free(a);
        free(line);
        return NULL;
    }
    size_t n = strlen(line);
    if (cr && (n == 0 || line[n - 1] != '\r')) {
        char *l = realloc(line, n + 2);
        if (!l) {
            free(line);
            free(a);
            return NULL;
        }
        memcpy(l + n, "\r", 2);
        line = l;
    }
    a[0] = line;
    return a;
}

static bool row_ok(NetDoc *doc, int r)
{
    if (r >= 0 && r < doc->n_rows)
        return true;
    return REFUSE(doc, "there is no row %d (the net has %d rows)", r, doc->n_rows);
}

/* A line of the user's text: one line of words, no line break. */
static bool text_ok(NetDoc *doc, const char *text)
{
    if (strpbrk(text, "\n\r"))
        return REFUSE(doc, "one line only: the text holds a line break");
    Words w;
    split_words(text, &w);
    if (w.n == 0)
        return REFUSE(doc, "the line has no words (delete the row instead)");
    return true;
}

static bool replace_row(NetDoc *doc, int r, const char *code)
{
    int li = doc->rows[r].line - 1;
    char **a = one_line(rebuild_line(doc->lines[li], code), false);
    if (!a)
        return REFUSE(doc, "out of memory");
    return apply(doc, li, 1, a, 1);
}

bool netdoc_insert_line(NetDoc *doc, int r, bool below, const char *line)
{
    if (r != doc->n_rows && !row_ok(doc, r))
        return false;
    if (!text_ok(doc, line))
        return false;
    if (doc->n_rows >= NET_MAX_LAYERS + 1)
        return REFUSE(doc, "a net has at most %d layers after the input line (the parser's limit)",
                      NET_MAX_LAYERS);
    if (r == 0 && r < doc->n_rows && !below && doc->rows[0].is_input)
        return REFUSE(doc, "nothing goes above the input line: a net starts with 'input C H W'");
    int at;
    if (r == doc->n_rows) /* at the end, before the empty line after a final newline */
        at = doc->n_lines > 0 && doc->lines[doc->n_lines - 1][0] == '\0' ? doc->n_lines - 1
                                                                         : doc->n_lines;
    else
        at = doc->rows[r].line - 1 + (below ? 1 : 0);
    char **a = one_line(dup_s(line), doc->crlf);
    if (!a)
        return REFUSE(doc, "out of memory");
    return apply(doc, at, 0, a, 1);
}

bool netdoc_insert(NetDoc *doc, int r, bool below, LayerKind kind)
{
    assert(kind >= 0 && kind < LAYER_KIND_COUNT);
    return netdoc_insert_line(doc, r, below, netdoc_default_line(kind));
}

bool netdoc_delete(NetDoc *doc, int r)
{
    if (!row_ok(doc, r))
        return false;
    if (doc->rows[r].is_input)
        return REFUSE(doc,
                      "the input line stays: a net starts with 'input C H W' (edit its numbers)");
    return apply(doc, doc->rows[r].line - 1, 1, NULL, 0);
}

bool netdoc_move(NetDoc *doc, int r, int dir)
{
    assert(dir == -1 || dir == 1);
    if (!row_ok(doc, r))
        return false;
    int q = r + dir;
    if (doc->rows[r].is_input)
        return REFUSE(doc, "the input line stays first");
    if (q < 0 || q >= doc->n_rows)
        return REFUSE(doc, "row %d is already the %s", r, dir < 0 ? "first" : "last");
    if (doc->rows[q].is_input)
        return REFUSE(doc, "nothing goes above the input line");
    int a = doc->rows[dir < 0 ? q : r].line - 1, b = doc->rows[dir < 0 ? r : q].line - 1;
    char **lines = copy_lines(doc->lines + a, b - a + 1);
    if (!lines)
        return REFUSE(doc, "out of memory");
    char *t = lines[0];
    lines[0] = lines[b - a];
    lines[b - a] = t;
    return apply(doc, a, b - a + 1, lines, b - a + 1);
}

/* A value the line can hold as one word that the parser reads as this key's value. */
static bool value_ok(NetDoc *doc, const char *key, const char *value)
{
    size_t n = strlen(value);
    if (n == 0)
        return REFUSE(doc, "%s needs a value (clear the key to use the default)", key);
    if (n > NETDOC_MAX_VALUE)
        return REFUSE(doc, "the value of %s is longer than %d characters", key, NETDOC_MAX_VALUE);
    for (const char *s = value; *s; s++)
        if (is_ws(*s) || *s == '#' || *s == '=' || *s == '\n')
            return REFUSE(doc, "the value '%s' of %s holds '%c' (one word: numbers and commas)",
                          value, key, *s == '\n' ? ' ' : *s);
    return true;
}

bool netdoc_set_key(NetDoc *doc, int r, const char *key, const char *value)
{
    if (!row_ok(doc, r))
        return false;
    const char *line = netdoc_row_line(doc, r);
    Words w;
    split_words(line, &w);
    int kind = line_kind(line, &w);
    const char *keys = line_keys(line, &w);
    if (!keys)
        return REFUSE(doc, "line %d starts with an unknown word: replace its text instead",
                      doc->rows[r].line);
    const char *name = kind == LAYER_KIND_COUNT ? "input" : layer_kind_name((LayerKind)kind);
    int pos = list_index(keys, key);
    if (pos < 0)
        return keys[0] ? REFUSE(doc, "unknown key '%s' for %s (known: %s)", key, name, keys)
                       : REFUSE(doc, "%s takes no options", name);
    if (value && !value_ok(doc, key, value))
        return false;
    if (w.more)
        return REFUSE(doc, "line %d has more than %d words: replace its text instead",
                      doc->rows[r].line, MAX_WORDS);
    int n_pos = list_count(positional((LayerKind)kind));
    if (!value && kind == LAYER_KIND_COUNT)
        return REFUSE(doc, "the input needs all of C H W; set a number instead");
    char word[NETDOC_MAX_VALUE * 2 + 4] = "";
    if (value && pos < n_pos)
        snprintf(word, sizeof word, "%s", value);
    else if (value)
        snprintf(word, sizeof word, "%s=%s", key, value);

    /* the words between the first and the last, rewritten in place */
    int c0 = w.b[0];
    const char *code = line + c0;
    size_t clen = (size_t)(w.e[w.n - 1] - c0);
    int i = find_key(line, &w, keys, key);
    size_t cut0, cut1; /* the span of code replaced by `ins` */
    const char *ins = word;
    char spaced[sizeof word + 1];
    if (i >= 0 && value) {
        cut0 = (size_t)(w.b[i] - c0);
        cut1 = (size_t)(w.e[i] - c0);
    } else if (i >= 0) {
        cut0 = (size_t)(w.e[i - 1] - c0);
        cut1 = (size_t)(w.e[i] - c0);
    } else if (!value) {
        doc->why[0] = '\0';
        return true; /* clearing a key that is not written: nothing to do */
    } else {
        /* a positional number goes after the word before it; a key at the end */
        int after = w.n - 1;
        if (pos < n_pos) {
            after = pos;
            for (int j = 1; j <= pos; j++)
                if (j >= w.n || word_has_eq(line, &w, j))
                    return REFUSE(
                        doc, "%s has no %s before its %s; replace its text instead", name,
                        list_count(positional((LayerKind)kind)) > 1 ? "numbers" : "number", key);
        }
        cut0 = cut1 = (size_t)(w.e[after] - c0);
        snprintf(spaced, sizeof spaced, " %s", word);
        ins = spaced;
    }
    size_t ilen = strlen(ins);
    char *nc = malloc(clen - (cut1 - cut0) + ilen + 1);
    if (!nc)
        return REFUSE(doc, "out of memory");
    memcpy(nc, code, cut0);
    memcpy(nc + cut0, ins, ilen);
    memcpy(nc + cut0 + ilen, code + cut1, clen - cut1);
    nc[clen - (cut1 - cut0) + ilen] = '\0';
    bool ok = replace_row(doc, r, nc);
    free(nc);
    return ok;
}

bool netdoc_set_key_ints(NetDoc *doc, int r, const char *key, const int *v, int n)
{
    assert(n >= 1 && n <= 4);
    int m = n;
    if (n == 4 && v[0] == v[1] && v[2] == v[3])
        m = v[0] == v[2] ? 1 : 2; /* T,B,L,R = PH,PH,PW,PW */
    else if (n == 2 && v[0] == v[1])
        m = 1;
    int u[4] = {v[0], n == 4 ? v[2] : (n > 1 ? v[1] : 0), 0, 0};
    if (m == n)
        memcpy(u, v, (size_t)n * sizeof *v);
    char buf[64];
    size_t len = 0;
    for (int i = 0; i < m; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%d", i ? "," : "", u[i]);
    return netdoc_set_key(doc, r, key, buf);
}

/* Appends word (length n) to buf with a space before it unless buf is empty. */
static void add_word(char *buf, size_t size, const char *word, size_t n)
{
    size_t len = strlen(buf);
    if (len + n + 2 > size)
        return;
    if (len)
        buf[len++] = ' ';
    memcpy(buf + len, word, n);
    buf[len + n] = '\0';
}

bool netdoc_set_kind(NetDoc *doc, int r, LayerKind kind)
{
    assert(kind >= 0 && kind < LAYER_KIND_COUNT);
    if (!row_ok(doc, r))
        return false;
    if (doc->rows[r].is_input)
        return REFUSE(doc, "the input line has no kind to switch");
    const char *line = netdoc_row_line(doc, r);
    Words w, d;
    split_words(line, &w);
    if (line_kind(line, &w) == (int)kind) {
        doc->why[0] = '\0';
        return true;
    }
    const char *def = netdoc_default_line(kind);
    split_words(def, &d);
    int old_pos = w.n > 1 && !word_has_eq(line, &w, 1) ? 1 : 0;
    int new_pos = list_count(positional(kind));
    const char *keys = layer_kind_keys(kind);
    char code[1024] = "";
    add_word(code, sizeof code, layer_kind_name(kind), strlen(layer_kind_name(kind)));
    /* the count: the line's own, else the default's */
    for (int j = 0; j < new_pos; j++) {
        if (old_pos && j == 0)
            add_word(code, sizeof code, line + w.b[1], (size_t)(w.e[1] - w.b[1]));
        else if (1 + j < d.n)
            add_word(code, sizeof code, def + d.b[1 + j], (size_t)(d.e[1 + j] - d.b[1 + j]));
    }
    int carried = 0;
    for (int i = 1 + old_pos; i < w.n; i++) {
        const char *s = line + w.b[i];
        size_t n = (size_t)(w.e[i] - w.b[i]), k = strcspn(s, "=");
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(k < n ? k : n), s);
        if (list_index(keys, key) >= 0) {
            add_word(code, sizeof code, s, n);
            carried++;
        }
    }
    for (int i = 1 + new_pos; carried == 0 && i < d.n; i++)
        add_word(code, sizeof code, def + d.b[i], (size_t)(d.e[i] - d.b[i]));
    return replace_row(doc, r, code);
}

bool netdoc_set_row_text(NetDoc *doc, int r, const char *text)
{
    if (!row_ok(doc, r) || !text_ok(doc, text))
        return false;
    if (strchr(text, '#')) {
        int li = doc->rows[r].line - 1;
        const char *old = doc->lines[li];
        char **a = one_line(dup_s(text), old[0] && old[strlen(old) - 1] == '\r');
        if (!a)
            return REFUSE(doc, "out of memory");
        return apply(doc, li, 1, a, 1);
    }
    /* the words only: leading and trailing whitespace of text is not kept */
    Words w;
    split_words(text, &w);
    char *code = dup_n(text + w.b[0], (size_t)(w.e[w.n - 1] - w.b[0]));
    if (!code || w.more) {
        free(code);
        code = dup_s(text + strspn(text, WS));
        if (!code)
            return REFUSE(doc, "out of memory");
    }
    bool ok = replace_row(doc, r, code);
    free(code);
    return ok;
}

bool netdoc_set_text(NetDoc *doc, const char *text)
{
    size_t len = strlen(text);
    if (len > NET_MAX_TEXT)
        return REFUSE(doc, "the net text has %zu bytes, more than the limit of %d", len,
                      NET_MAX_TEXT);
    int n = 0;
    char **lines = split_text(text, &n);
    if (!lines)
        return REFUSE(doc, "out of memory");
    /* the text as given, comments and all */
    return apply_text(doc, 0, doc->n_lines, lines, n, false);
}

/* ---------------------------------------------------------------- history */

bool netdoc_can_undo(const NetDoc *doc)
{
    return doc->hist_pos > 0;
}

bool netdoc_can_redo(const NetDoc *doc)
{
    return doc->hist_pos < doc->hist_len;
}

int netdoc_undo_depth(const NetDoc *doc)
{
    return doc->hist_pos;
}

bool netdoc_undo(NetDoc *doc)
{
    if (!netdoc_can_undo(doc))
        return REFUSE(doc, "nothing to undo");
    const Splice *s = &doc->hist[doc->hist_pos - 1];
    if (!replace_lines(doc, s->at, s->n_new, s->old_lines, s->n_old))
        return REFUSE(doc, "out of memory");
    doc->hist_pos--;
    doc->version = s->ver_before;
    doc->why[0] = '\0';
    return analyse(doc) || REFUSE(doc, "out of memory");
}

bool netdoc_redo(NetDoc *doc)
{
    if (!netdoc_can_redo(doc))
        return REFUSE(doc, "nothing to redo");
    const Splice *s = &doc->hist[doc->hist_pos];
    if (!replace_lines(doc, s->at, s->n_old, s->new_lines, s->n_new))
        return REFUSE(doc, "out of memory");
    doc->hist_pos++;
    doc->version = s->ver_after;
    doc->why[0] = '\0';
    return analyse(doc) || REFUSE(doc, "out of memory");
}
