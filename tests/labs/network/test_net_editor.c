/* test_net_editor.c - the Network lab's net editor (Edit mode) in the real app frame on the
 * software renderer, driven by clicks, typed text and keys: its rows' cells equal netdoc's
 * analysis (and hand-computed figures for lenet-tiny), they fit the window at 1280x800 and
 * 800x600, an impossible kernel shows the parser's own message on its row while the maps keep
 * the last valid net, undo / redo, publishing to netshare (net_gen) and following it (another
 * lab's net and weights), save / open round trips of .net and .cnn, and bad files dropped on
 * the window going to the banner with nothing changed. */
#include "app/app.h"
#include "engine/model.h"
#include "engine/netedit.h"
#include "labs/app_harness.h"
#include "labs/common/netshare.h"
#include "labs/network/model.h"
#include "labs/network/view.h"
#include "labs/text_seen.h"
#include "test.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *open_net(Harness *h, const LabDef **lab)
{
    int idx = -1;
    *lab = lab_find("network", &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK(app_open_lab(h->app, idx));
    return app_lab_state(h->app);
}

static bool set(const LabDef *lab, void *st, const char *k, const char *v)
{
    char err[512] = "";
    bool ok = lab->set_option(st, k, v, err, sizeof err);
    if (!ok)
        fprintf(stderr, "set %s=%s: %s\n", k, v, err);
    return ok;
}

/* A frame with the mouse at (x, y), pressed this frame or not, then one with it released. */
static void click(Harness *h, int x, int y)
{
    h->in.mx = x;
    h->in.my = y;
    h->in.mouse_pressed = h->in.mouse_down = true;
    harness_frame(h, false, 0.0);
    h->in.mouse_pressed = h->in.mouse_down = false;
    h->in.mouse_released = true;
    harness_frame(h, false, 0.0);
    h->in.mouse_released = false;
}

static void click_rect(Harness *h, Rect rc)
{
    click(h, rc.x + rc.w / 2, rc.y + rc.h / 2);
}

static void click_named(Harness *h, void *st, const char *name)
{
    Rect rc = {0, 0, 0, 0};
    CHECK(lab_network_editor_rect(st, name, &rc));
    CHECK(rc.w > 0 && rc.h > 0);
    click_rect(h, rc);
}

/* Types s (chunks of the input's text buffer), one frame each. */
static void type(Harness *h, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i += sizeof h->in.text - 1) {
        snprintf(h->in.text, sizeof h->in.text, "%.*s", (int)(sizeof h->in.text - 1), s + i);
        harness_frame(h, false, 0.0);
    }
    h->in.text[0] = '\0';
}

static void press(Harness *h, UiKey key, int times)
{
    for (int i = 0; i < times; i++) {
        h->in.key = key;
        harness_frame(h, false, 0.0);
    }
    h->in.key = UI_KEY_NONE;
    harness_frame(h, false, 0.0);
}

/* Retypes row r's line in the editor's field: click the row, clear the field, type, Enter. */
static void retype_row(Harness *h, void *st, int r, const char *text)
{
    Rect rc;
    CHECK(lab_network_editor_cell(st, r, 0, &rc) != NULL);
    click_rect(h, rc);
    click_named(h, st, "field");
    press(h, UI_KEY_BACKSPACE, 40);
    type(h, text);
    press(h, UI_KEY_ENTER, 1);
}

/* Pixels of rc in a red like the theme's error colour (text is antialiased: its core pixels
 * are red well above green and blue). */
static int count_reddish(const Harness *h, Rect rc)
{
    int n = 0;
    for (int y = rc.y; y < rc.y + rc.h; y++)
        for (int x = rc.x; x < rc.x + rc.w; x++) {
            uint32_t p = harness_pixel(h, x, y);
            int r = (int)(p >> 16 & 0xff), g = (int)(p >> 8 & 0xff), b = (int)(p & 0xff);
            n += r > 150 && r > g + 110 && r > b + 110;
        }
    return n;
}

static bool inside(Rect a, int w, int h)
{
    return a.x >= 0 && a.y >= 0 && a.x + a.w <= w && a.y + a.h <= h && a.w > 0 && a.h > 0;
}

static void times_text(const char *s, char *out, size_t size)
{
    netlab_times(s, out, size);
}

/* Every row's cells equal netdoc's analysis; lenet-tiny's figures by hand; all in the window
 * and (at 1280x800) every formula whole at its size. */
static void check_rows(int w, int hgt)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open_scaled(&h, w, hgt, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    CHECK(set(lab, st, "edit", "on"));
    harness_frame(&h, true, 0.0);
    const NetDoc *d = lab_network_editor_doc(st);
    CHECK(d != NULL && netdoc_valid(d));
    CHECK_INT_EQ(10, netdoc_row_count(d));
    char want[160], raw[160];
    for (int r = 0; r < netdoc_row_count(d); r++) {
        const NetRowInfo *ri = netdoc_row(d, r);
        Rect rc;
        times_text(shape_format(ri->out, raw, sizeof raw), want, sizeof want);
        CHECK_STR_EQ(want, lab_network_editor_cell(st, r, 1, &rc));
        for (int c = 0; c < 5; c++) {
            CHECK(lab_network_editor_cell(st, r, c, &rc) != NULL);
            CHECK(inside(rc, w, hgt));
        }
        if (r > 0) {
            times_text(ri->formula, want, sizeof want);
            CHECK_STR_EQ(want, lab_network_editor_cell(st, r, 2, &rc));
            if (w >= 1280) {
                int tw = 0;
                render_text_size(h.r, FONT_MONO, 11, want, &tw, NULL);
                CHECK(tw <= rc.w);
            }
            snprintf(want, sizeof want, "%.3f", (double)ri->flops_fwd / 1e6);
            CHECK_STR_EQ(want, lab_network_editor_cell(st, r, 3, NULL));
        }
    }
    /* by hand: conv 8 k=5 pad=2 on 1x28x28: 8*1*5*5 + 8 = 208 parameters; MACs 200*784 =
     * 156800, forward 2*156800 + 8*784 = 319872 FLOP = "0.320" MFLOP; its output 8*28*28*4 =
     * 25088 bytes plus 208*4 = 832 of weights = 25920 B = 25.3 KB */
    CHECK_STR_EQ("8\xC3\x97"
                 "1\xC3\x97"
                 "5\xC3\x97"
                 "5 + 8 = 208",
                 lab_network_editor_cell(st, 1, 2, NULL));
    CHECK_STR_EQ("0.320", lab_network_editor_cell(st, 1, 3, NULL));
    CHECK_STR_EQ("25.3 KB", lab_network_editor_cell(st, 1, 4, NULL));
    /* conv 16 k=5 on 8x14x14: 16*8*5*5 + 16 = 3216 */
    CHECK_STR_EQ("16\xC3\x97"
                 "8\xC3\x97"
                 "5\xC3\x97"
                 "5 + 16 = 3216",
                 lab_network_editor_cell(st, 4, 2, NULL));
    CHECK_STR_EQ("conv 16 k=5", lab_network_editor_cell(st, 4, 0, NULL));
    /* 208 + 3216 + 4010 parameters; after the dense layer a unit sees the whole input */
    const char *tot = lab_network_editor_totals(st);
    CHECK(strstr(tot, "7434 parameters") != NULL);
    CHECK(strstr(tot, "whole input") != NULL);
    Rect tr;
    CHECK(lab_network_editor_rect(st, "totals", &tr) && inside(tr, w, hgt));
    CHECK(lab_network_editor_rect(st, "down", &tr) && inside(tr, w, hgt));
    /* the toolbar's last button ends inside the stage, right of the control column */
    Rect fr;
    CHECK(lab_network_editor_rect(st, "field", &fr) && fr.w >= 80);
    harness_close(&h);
}

static void test_rows(void)
{
    check_rows(1280, 800);
    check_rows(800, 600);
}

/* An impossible kernel: the parser's message on its row, the rows after it "not evaluated",
 * the maps keep the last valid net and nothing is published; undo brings the net back, redo
 * the error. */
static void test_error_row_and_undo(void)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    CHECK(app_key(h.app, SDLK_e, false, false));
    CHECK(lab_network_editor_on(st));
    harness_frame(&h, false, 0.0);
    unsigned gen0 = netshare_get()->net_gen;
    char before[NET_MAX_TEXT + 1];
    snprintf(before, sizeof before, "%s", netdoc_text(lab_network_editor_doc(st)));

    retype_row(&h, st, 4, "conv 16 k=40");
    const NetDoc *d = lab_network_editor_doc(st);
    CHECK(!netdoc_valid(d));
    CHECK_INT_EQ(4, netdoc_error_row(d));
    /* the row shows the parser's message: net_parse's own words after "FILE:LINE: " */
    NetSpec spec;
    char perr[512] = "";
    CHECK(!net_parse(&spec, netdoc_text(d), "lenet-tiny.net", perr, sizeof perr));
    /* "lenet-tiny.net:7: conv k=40 on input ..." (line 7 of the file: comments above) */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "lenet-tiny.net:%d: ", netdoc_row(d, 4)->line);
    CHECK_INT_EQ(7, netdoc_row(d, 4)->line);
    CHECK(strncmp(perr, prefix, strlen(prefix)) == 0);
    const char *msg = strstr(perr, ": ");
    CHECK(msg != NULL);
    if (msg)
        CHECK_STR_EQ(msg + 2, lab_network_editor_cell(st, 4, 2, NULL));
    CHECK_STR_EQ(netdoc_row(d, 4)->error, lab_network_editor_cell(st, 4, 2, NULL));
    CHECK(strstr(lab_network_editor_cell(st, 4, 2, NULL), "40") != NULL);
    for (int r = 5; r < netdoc_row_count(d); r++)
        CHECK_STR_EQ("not evaluated", lab_network_editor_cell(st, r, 2, NULL));
    /* its message is drawn in the error colour */
    Theme th = theme_make(THEME_DARK, 1.0f);
    Rect er;
    lab_network_editor_cell(st, 4, 2, &er);
    CHECK(th.error.r > th.error.g + 110); /* not the amber selection (0xffb000) */
    CHECK(count_reddish(&h, er) > 10);
    /* and no row without an error has any */
    Rect ok_rc;
    lab_network_editor_cell(st, 3, 2, &ok_rc);
    CHECK_INT_EQ(0, count_reddish(&h, ok_rc));
    /* EDITOR_SHOT=PATH.bmp keeps this frame for a look */
    if (getenv("EDITOR_SHOT"))
        SDL_SaveBMP(h.s, getenv("EDITOR_SHOT"));
    /* the maps keep the last valid net; netshare did not move */
    const NetLabModel *m = lab_network_model(st);
    CHECK_INT_EQ(9, m->n_layers);
    CHECK_STR_EQ(before, m->net->text);
    CHECK_INT_EQ((int)gen0, (int)netshare_get()->net_gen);
    CHECK_STR_EQ("lenet-tiny", netshare_get()->name);

    /* Ctrl+Z: the net is back (and published again: same text, no new generation) */
    CHECK(app_key(h.app, SDLK_z, true, false));
    harness_frame(&h, false, 0.0);
    CHECK(netdoc_valid(d));
    CHECK_STR_EQ(before, netdoc_text(d));
    CHECK_STR_EQ("16\xC3\x97"
                 "8\xC3\x97"
                 "5\xC3\x97"
                 "5 + 16 = 3216",
                 lab_network_editor_cell(st, 4, 2, NULL));
    CHECK_INT_EQ((int)gen0, (int)netshare_get()->net_gen);
    /* Ctrl+Shift+Z: the error again */
    CHECK(app_key(h.app, SDLK_z, true, true));
    harness_frame(&h, false, 0.0);
    CHECK_INT_EQ(4, netdoc_error_row(d));
    CHECK(app_key(h.app, SDLK_z, true, false));
    harness_frame(&h, false, 0.0);

    /* a valid edit publishes: a conv row added below row 1 */
    Rect r1;
    lab_network_editor_cell(st, 1, 0, &r1);
    click_rect(&h, r1);
    click_named(&h, st, "below");
    CHECK(netdoc_valid(d));
    CHECK_INT_EQ(11, netdoc_row_count(d));
    CHECK_STR_EQ("conv 8 k=3 pad=1", lab_network_editor_cell(st, 2, 0, NULL));
    CHECK_INT_EQ((int)gen0 + 1, (int)netshare_get()->net_gen);
    CHECK_STR_EQ(netdoc_text(d), netshare_get()->text);
    m = lab_network_model(st);
    CHECK_INT_EQ(10, m->n_layers);
    CHECK_STR_EQ(netdoc_text(d), m->net->text);
    /* 8*8*3*3 + 8 = 584 more parameters */
    CHECK_INT_EQ(7434 + 584, (int)m->total_params);
    /* an edited net is named so (its title, its export folder), not after the bundled file */
    CHECK_STR_EQ("lenet-tiny-edited", netshare_get()->name);
    CHECK_STR_EQ("lenet-tiny-edited", m->name);
    /* Delete (the new row is selected) publishes the old net again: a new generation */
    click_named(&h, st, "delete");
    CHECK_INT_EQ(10, netdoc_row_count(d));
    CHECK_STR_EQ(before, netshare_get()->text);
    CHECK_INT_EQ((int)gen0 + 2, (int)netshare_get()->net_gen);
    CHECK_INT_EQ(9, lab_network_model(st)->n_layers);
    harness_close(&h);
}

/* Another lab's net and weights: the lab follows netshare in its update. */
/* At 800x600 the parser's message is longer than its row: the row shows its start and the
 * lines under the totals all of it, ending "(height)", nothing cut. */
static void test_error_narrow(void)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open_scaled(&h, 800, 600, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(app_key(h.app, SDLK_e, false, false));
    harness_frame(&h, false, 0.0);
    retype_row(&h, st, 4, "conv 16 k=30");
    CHECK_INT_EQ(4, netdoc_error_row(lab_network_editor_doc(st)));
    static TextsSeen ts;
    text_seen_frame(&h, &ts);
    bool row_cut = false, whole_end = false;
    for (int i = 0; i < ts.n; i++) {
        const SeenText *t = &ts.t[i];
        if (strstr(t->s, "conv k=30 on input") && t->shortened)
            row_cut = true; /* the row: too narrow at this size */
        size_t n = strlen(t->s);
        if (!t->shortened && n >= 8 && strcmp(t->s + n - 8, "(height)") == 0 &&
            rect_in_window(t->rc, 800, 600))
            whole_end = true;
    }
    CHECK(row_cut);   /* the case this test is about */
    CHECK(whole_end); /* the message's end is drawn, uncut, inside the window */
    harness_close(&h);
}

static void test_follow_share(void)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    CHECK(set(lab, st, "edit", "on"));
    harness_frame(&h, true, 0.0);
    const char *text = "input 1 28 28\nconv 4 k=3\nrelu\nflatten\ndense 10\nsoftmax\n";
    char err[512] = "";
    CHECK(netshare_set_net(text, "mine.net", "mine", err, sizeof err));
    harness_frame(&h, true, 0.0);
    const NetLabModel *m = lab_network_model(st);
    CHECK_STR_EQ(text, m->net->text);
    CHECK_INT_EQ(5, m->n_layers);
    CHECK_STR_EQ(text, netdoc_text(lab_network_editor_doc(st)));
    /* 4*9 + 4 + 10*2704 + 10 */
    long n = 4 * 9 + 4 + 10 * 4 * 26 * 26 + 10;
    CHECK_INT_EQ((int)n, (int)m->net->n_params);
    float *w = malloc(sizeof(float) * (size_t)n);
    for (long i = 0; i < n; i++)
        w[i] = 0.001f * (float)(i % 97) - 0.04f;
    CHECK(netshare_set_weights(w, n, "Train lab, epoch 1.50"));
    harness_frame(&h, true, 0.0);
    m = lab_network_model(st);
    CHECK(memcmp(w, m->net->params, sizeof(float) * (size_t)n) == 0);
    CHECK_STR_EQ("weights: Train lab, epoch 1.50", m->train_msg);
    free(w);
    harness_close(&h);
}

static bool read_all(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return true;
}

/* Save .net and .cnn through the file field, open them back; bad files dropped keep the
 * state and go to the banner. */
static void test_save_open(void)
{
    netshare_reset();
    char dir[] = "/tmp/cs_editor_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char net_path[256], cnn_path[256], bad_path[256], junk_path[256];
    snprintf(net_path, sizeof net_path, "%s/a.net", dir);
    snprintf(cnn_path, sizeof cnn_path, "%s/a.cnn", dir);
    snprintf(bad_path, sizeof bad_path, "%s/bad.net", dir);
    snprintf(junk_path, sizeof junk_path, "%s/junk.cnn", dir);
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    CHECK(set(lab, st, "edit", "on"));
    CHECK(set(lab, st, "preset", "one-conv"));
    harness_frame(&h, false, 0.0);
    const NetDoc *d = lab_network_editor_doc(st);
    char saved[NET_MAX_TEXT + 1];
    snprintf(saved, sizeof saved, "%s", netdoc_text(d));

    /* .net: the document's bytes */
    click_named(&h, st, "file");
    type(&h, net_path);
    click_named(&h, st, "save");
    char back[NET_MAX_TEXT + 1];
    CHECK(read_all(net_path, back, sizeof back));
    CHECK_STR_EQ(saved, back);
    CHECK(strstr(lab_network_editor_status(st), "saved") != NULL);
    /* .cnn: the net with the weights shown */
    click_named(&h, st, "file");
    press(&h, UI_KEY_BACKSPACE, 3);
    type(&h, "cnn");
    click_named(&h, st, "save");
    char err[512] = "";
    Net *net = model_load(cnn_path, err, sizeof err);
    CHECK(net != NULL);
    const NetLabModel *m = lab_network_model(st);
    long n = m->net->n_params;
    float *w = malloc(sizeof(float) * (size_t)n);
    memcpy(w, m->net->params, sizeof(float) * (size_t)n);
    if (net) {
        CHECK_STR_EQ(m->net->text, net->text);
        CHECK(net->n_params == n && memcmp(net->params, w, sizeof(float) * (size_t)n) == 0);
        net_destroy(net);
    }

    /* another net, then open the .net: the saved text is back */
    CHECK(set(lab, st, "preset", "lenet-tiny"));
    harness_frame(&h, false, 0.0);
    CHECK(strcmp(saved, netdoc_text(lab_network_editor_doc(st))) != 0);
    click_named(&h, st, "file");
    press(&h, UI_KEY_BACKSPACE, 3);
    type(&h, "net");
    press(&h, UI_KEY_ENTER, 1);
    d = lab_network_editor_doc(st);
    CHECK_STR_EQ(saved, netdoc_text(d));
    CHECK_STR_EQ(saved, netshare_get()->text);
    CHECK_STR_EQ(saved, lab_network_model(st)->net->text);

    /* the .cnn dropped on the window: its net and its weights */
    CHECK(set(lab, st, "preset", "lenet-tiny"));
    harness_frame(&h, false, 0.0);
    CHECK(app_drop_file(h.app, cnn_path));
    harness_frame(&h, false, 0.0);
    m = lab_network_model(st);
    CHECK_STR_EQ(saved, m->net->text);
    CHECK(m->net->n_params == n && memcmp(m->net->params, w, sizeof(float) * (size_t)n) == 0);
    CHECK_STR_EQ("weights: file a.cnn", m->train_msg);
    free(w);

    /* bad files: an impossible kernel, a .cnn that is not a model, a missing file */
    FILE *f = fopen(bad_path, "w");
    fputs("input 1 28 28\nconv 8 k=99\n", f);
    fclose(f);
    f = fopen(junk_path, "w");
    fputs("not a model", f);
    fclose(f);
    unsigned gen = netshare_get()->net_gen;
    const char *bads[3] = {bad_path, junk_path, "/nonexistent/x.net"};
    for (int i = 0; i < 3; i++) {
        h.app->banner[0] = '\0';
        CHECK(!app_drop_file(h.app, bads[i]));
        harness_frame(&h, false, 0.0);
        CHECK(strstr(h.app->banner, bads[i] == bad_path ? "bad.net:2:" : bads[i]) != NULL);
        CHECK_INT_EQ((int)gen, (int)netshare_get()->net_gen);
        CHECK_STR_EQ(saved, netdoc_text(lab_network_editor_doc(st)));
        CHECK_STR_EQ(saved, lab_network_model(st)->net->text);
    }
    unlink(net_path);
    unlink(cnn_path);
    unlink(bad_path);
    unlink(junk_path);
    rmdir(dir);
    harness_close(&h);
}

static void test_options(void)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open_scaled(&h, 800, 600, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    char err[512] = "";
    CHECK(!lab->set_option(st, "edit", "maybe", err, sizeof err));
    CHECK(strstr(err, "edit=maybe") != NULL);
    CHECK(!lab->set_option(st, "preset", "nope", err, sizeof err));
    CHECK(strstr(err, "lenet-tiny") != NULL);
    CHECK(set(lab, st, "weights", "init"));
    CHECK(set(lab, st, "preset", "mlp"));
    CHECK(set(lab, st, "edit", "off"));
    CHECK(!lab_network_editor_on(st));
    harness_frame(&h, true, 0.0);
    /* the maps view shows the preset's net */
    CHECK_STR_EQ(netshare_get()->text, lab_network_model(st)->net->text);
    CHECK_STR_EQ("mlp", netshare_get()->name);
    harness_close(&h);
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_rows();
    test_error_row_and_undo();
    test_error_narrow();
    test_follow_share();
    test_save_open();
    test_options();
    SDL_Quit();
    return test_summary();
}
