/* app.c - one frame of the application and its keys. Every region comes from app_layout, so
 * the window, `convscope render` and the bench draw the same pixels. */
#include "app/app.h"

#include "app/lesson_host.h"
#include "engine/assets.h"
#include "viz/colormap.h"

#include <SDL_keycode.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOAST_SECONDS 3.0

/* ==== layout ================================================================================== */

AppLayout app_layout(int w, int h, float scale, float pixel_ratio, bool has_timeline)
{
    (void)has_timeline;
    AppLayout L;
    memset(&L, 0, sizeof L);
    /* the requested scale times the HiDPI ratio, capped so the layout still fits the window:
     * at 800×600 that is about 1.1, at 1920×1080 2.0, at 4K the full 2.5 (× ratio) */
    float s = theme_clamp_scale(scale) * (pixel_ratio > 0.0f ? pixel_ratio : 1.0f);
    float cap = fminf((float)w / 720.0f, (float)h / 540.0f);
    if (cap < 0.75f)
        cap = 0.75f;
    if (s > cap)
        s = cap;
    L.scale = s;
    Theme th = theme_make(THEME_DARK, 1.0f);
    th.scale = s;
    int u = theme_px(&th, 8);
    L.window = (Rect){0, 0, w, h};
    L.top = (Rect){0, 0, w, theme_px(&th, 48)};
    L.brand = (Rect){2 * u, 0, theme_px(&th, 112), L.top.h};
    int lessons_w = theme_px(&th, 96);
    L.lessons = (Rect){w - 2 * u - lessons_w, u, lessons_w, L.top.h - 2 * u};
    L.tabs = (Rect){L.brand.x + L.brand.w + u, 0, L.lessons.x - u - (L.brand.x + L.brand.w + u),
                    L.top.h};
    L.body = (Rect){0, L.top.h, w, h - L.top.h};

    /* bottom strip: timeline and equation side by side, or stacked when the window is narrow */
    int row = theme_px(&th, 48);
    int inner_w = w - 2 * u - 2 * u;
    bool stacked = inner_w < theme_px(&th, 900);
    int strip_h = stacked ? 2 * row + u : row + u;
    L.strip = (Rect){u, h - u - strip_h, w - 2 * u, strip_h};
    Rect si = {L.strip.x + 2 * u, L.strip.y + u / 2, L.strip.w - 4 * u, L.strip.h - u};
    if (stacked) {
        L.timeline = (Rect){si.x, si.y, si.w, row};
        L.equation = (Rect){si.x, si.y + row, si.w, row};
    } else {
        int tw = theme_px(&th, 600);
        if (tw > si.w * 55 / 100)
            tw = si.w * 55 / 100;
        L.timeline = (Rect){si.x, si.y, tw, row};
        L.equation = (Rect){si.x + tw + 3 * u, si.y, si.w - tw - 3 * u, row};
    }

    int col_w = theme_px(&th, 272);
    if (col_w > w * 32 / 100)
        col_w = w * 32 / 100;
    int top = L.body.y + u;
    L.controls_panel = (Rect){u, top, col_w, L.strip.y - u - top};
    L.controls = rect_inset(L.controls_panel, 2 * u);
    /* the stage stops 2u short of the window's right edge: the panels' u plus the u of air
     * the control column has inside its panel, so no grid or legend touches the edge */
    L.stage = (Rect){L.controls_panel.x + col_w + u, top, w - (col_w + 4 * u), L.strip.y - u - top};
    return L;
}

void app_layout_reserve_banner(AppLayout *L)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    th.scale = L->scale;
    int u = theme_px(&th, 8), h = theme_px(&th, 40);
    L->banner = (Rect){L->body.x + u, L->body.y + u, L->body.w - 2 * u, h};
    /* everything under the top bar moves down by the banner and a unit of air */
    int band = h + u;
    L->body.y += band;
    L->body.h -= band;
    L->controls_panel.y += band;
    L->controls_panel.h -= band;
    L->controls.y += band;
    L->controls.h -= band;
    L->stage.y += band;
    L->stage.h -= band;
}

/* ==== lessons on disk ========================================================================= */

static int cmp_lesson(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Lists the lessons/ folder's .lesson files (sorted); the title is the file's `title ...` line when
 * it has one, else the file name. */
static void scan_lessons(App *app)
{
    char dir[256];
    app->n_lessons = 0;
    if (!assets_path(dir, sizeof dir, "lessons"))
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    static char names[APP_MAX_LESSONS][256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < APP_MAX_LESSONS) {
        size_t len = strlen(e->d_name);
        if (len > 7 && strcmp(e->d_name + len - 7, ".lesson") == 0 && len < sizeof names[0])
            memcpy(names[n++], e->d_name, len + 1);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_lesson);
    for (int i = 0; i < n; i++) {
        snprintf(app->lesson_path[i], sizeof app->lesson_path[i], "%.250s/%.250s", dir, names[i]);
        snprintf(app->lesson_title[i], sizeof app->lesson_title[i], "%.*s",
                 (int)(strlen(names[i]) - 7), names[i]);
        FILE *f = fopen(app->lesson_path[i], "r");
        char line[256];
        while (f && fgets(line, sizeof line, f)) {
            char *p = line;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '#' || *p == '\n' || *p == '\0')
                continue;
            if (strncmp(p, "title", 5) == 0 && (p[5] == ' ' || p[5] == '\t')) {
                p += 6;
                while (*p == ' ' || *p == '\t')
                    p++;
                p[strcspn(p, "\r\n")] = '\0';
                if (*p)
                    snprintf(app->lesson_title[i], sizeof app->lesson_title[i], "%s", p);
            }
            break;
        }
        if (f)
            fclose(f);
    }
    app->n_lessons = n;
}

/* ==== state =================================================================================== */

App *app_create(ThemeKind theme, float scale)
{
    App *app = calloc(1, sizeof *app);
    if (!app)
        return NULL;
    app->theme_kind = theme;
    app->scale = theme_clamp_scale(scale);
    app->pixel_ratio = 1.0f;
    app->screen = APP_HOME;
    app->show_values = true;
    scan_lessons(app);
    return app;
}

void app_destroy(App *app)
{
    if (!app)
        return;
    lesson_host_close(app);
    for (int i = 0; i < LAB_COUNT; i++) {
        const LabDef *lab = lab_get(i);
        if (app->lab_state[i] && lab->destroy)
            lab->destroy(app->lab_state[i]);
    }
    free(app);
}

void app_error(App *app, const char *message)
{
    if (app->banner[0])
        app->banner_extra++;
    snprintf(app->banner, sizeof app->banner, "%s", message);
}

void app_toast(App *app, const char *message)
{
    snprintf(app->toast, sizeof app->toast, "%s", message);
    app->toast_until = app->time + TOAST_SECONDS;
}

static void report_to_banner(void *host, const char *message)
{
    app_error(host, message);
}

bool app_open_lab(App *app, int index)
{
    if (index < 0 || index >= LAB_COUNT)
        return false;
    app->screen = index;
    app->home_sel = index;
    const LabDef *lab = lab_get(index);
    if (lab_is_built(lab) && !app->lab_state[index]) {
        char err[512] = "";
        app->lab_state[index] = lab->create(err, sizeof err);
        if (!app->lab_state[index]) {
            char msg[700];
            snprintf(msg, sizeof msg, "%s lab: %s", lab->title, err[0] ? err : "could not start");
            app_error(app, msg);
        }
    }
    return true;
}

void app_go_home(App *app)
{
    if (app->screen >= 0)
        app->home_sel = app->screen;
    app->screen = APP_HOME;
}

void *app_lab_state(const App *app)
{
    return app->screen >= 0 ? app->lab_state[app->screen] : NULL;
}

/* ==== the lesson shell (lesson_host.h) ======================================================== */

/* The shell's show_lab: lab index afresh, its state re-created with the lab's defaults; a
 * failure is in the banner (app_open_lab), so it is the reason. */
static void *shell_show_lab(App *app, int index, char *err, size_t n)
{
    const LabDef *lab = lab_get(index);
    if (app->lab_state[index]) {
        lab->destroy(app->lab_state[index]);
        app->lab_state[index] = NULL;
    }
    app_open_lab(app, index);
    if (!app->lab_state[index])
        snprintf(err, n, "%s", app->banner);
    return app->lab_state[index];
}

LessonShell app_lesson_shell(App *app)
{
    return (LessonShell){
        .app = app,
        .lesson = &app->lesson,
        .screen = app->screen,
        .help_open = &app->help_open,
        .th = &app->th,
        .ui = &app->ui,
        .stage = &app->lay.stage,
        .window = app->lay.window,
        .scale = app->lay.scale,
        .show_lab = shell_show_lab,
        .error = app_error,
    };
}

const struct LessonPlayer *app_lesson_player(const App *app, int *screen)
{
    if (screen)
        *screen = app->screen;
    return app->lesson;
}

static Timeline *current_timeline(App *app)
{
    if (app->screen < 0)
        return NULL;
    const LabDef *lab = lab_get(app->screen);
    void *st = app->lab_state[app->screen];
    return st && lab->timeline ? lab->timeline(st) : NULL;
}

/* ==== keys ==================================================================================== */

static const UiHelpRow help_rows[] = {
    {"1 \xE2\x80\xA6 8", "open a lab (Convolution \xE2\x80\xA6 Activations)"},
    {"H  F1", "this help"},
    {"Esc", "close the help / the banner, then back to home"},
    {"Space", "play / pause the timeline"},
    {"\xE2\x86\x90  \xE2\x86\x92", "step back / forward one step"},
    {"Home  End", "first / last step"},
    {"[  ]", "slower / faster (0.25\xC3\x97 \xE2\x80\xA6 16\xC3\x97, instant)"},
    {"V", "values in the cells on / off"},
    {"T", "theme: dark, light, projector"},
    {"Ctrl+=  Ctrl+\xE2\x88\x92", "UI scale larger / smaller (1.0 \xE2\x80\xA6 2.5)"},
    {"Ctrl+0", "UI scale back to 1.0"},
    {"F", "fullscreen on / off"},
    {"Ctrl+S", "save a PNG of the window"},
    {"Ctrl+Q", "quit"},
    {"\xE2\x86\x91 \xE2\x86\x93 Enter", "home: choose a lab or lesson and open it"},
    {"PgUp  PgDn", "lesson: previous / next step"},
    {"mouse", "hover a cell for its value; drag sliders; click a field to type"},
};

/* The lesson sidebar's keys (lesson_host_key), shown while a lesson is open. */
static const UiHelpRow lesson_help_rows[] = {
    {"Tab", "the sidebar takes the keyboard / gives it back (or click it)"},
    {"A B C \xE2\x80\xA6", "sidebar has the keys: pick that choice of the question"},
    {"Enter", "sidebar has the keys: check the typed answer"},
    {"Esc", "sidebar has the keys: give them back to the lab"},
    {"PgUp  PgDn", "previous / next step"},
};

const UiHelpRow *app_help_rows(int *n)
{
    *n = (int)(sizeof help_rows / sizeof help_rows[0]);
    return help_rows;
}

int app_help_sections(const App *app, UiHelpSection *out, int max)
{
    int k = 0;
    if (k < max) {
        int n = 0;
        const UiHelpRow *rows = app_help_rows(&n);
        out[k++] = (UiHelpSection){NULL, rows, n};
    }
    const LabDef *lab = app->screen >= 0 ? lab_get(app->screen) : NULL;
    if (lab && lab->help && k < max)
        out[k++] = (UiHelpSection){lab->title, lab->help, ui_help_count(lab->help)};
    if (lab && app->lesson && k < max)
        out[k++] = (UiHelpSection){"Lesson sidebar", lesson_help_rows,
                                   (int)(sizeof lesson_help_rows / sizeof lesson_help_rows[0])};
    return k;
}

/* Sets the requested scale (quarter steps) and says which scale the window shows: the layout
 * caps it to what the window holds (app_layout), so past the cap the toast names both, and
 * Ctrl+= stops one step above it (so Ctrl+- is felt at once). Before the first frame the
 * window's size is unknown and nothing is capped. */
static void set_scale(App *app, float s)
{
    float want = theme_clamp_scale(roundf(s * 4.0f) / 4.0f);
    float ratio = app->pixel_ratio > 0.0f ? app->pixel_ratio : 1.0f;
    float shown = want;
    if (app->lay.window.w > 0 && app->lay.window.h > 0) {
        AppLayout L = app_layout(app->lay.window.w, app->lay.window.h, want, ratio, true);
        shown = L.scale / ratio;
        if (want > app->scale && app->scale > shown + 0.001f)
            want = app->scale; /* already past the cap: asking for more changes nothing */
    }
    app->scale = want;
    char msg[160], num[32], num2[32];
    if (shown < want - 0.001f)
        snprintf(msg, sizeof msg, "UI scale %s\xC3\x97 (window too small for %s\xC3\x97)",
                 colormap_format_value(shown, 2, num, sizeof num),
                 colormap_format_value(want, 2, num2, sizeof num2));
    else
        snprintf(msg, sizeof msg, "UI scale %s\xC3\x97",
                 colormap_format_value(want, 2, num, sizeof num));
    app_toast(app, msg);
}

static void open_lesson(App *app, int i)
{
    char msg[1000];
    if (!lesson_host_open(app, app->lesson_path[i], 1, msg, sizeof msg))
        app_error(app, msg);
}

bool app_key(App *app, int key, bool ctrl, bool shift)
{
    Timeline *tl = current_timeline(app);
    if (lesson_host_key(app, key, ctrl, shift))
        return true;
    if (ctrl) {
        switch (key) {
        case SDLK_q:
            app->req.quit = true;
            return true;
        case SDLK_s:
            app->req.screenshot = true;
            return true;
        case SDLK_EQUALS:
        case SDLK_PLUS:
        case SDLK_KP_PLUS:
            set_scale(app, app->scale + 0.25f);
            return true;
        case SDLK_MINUS:
        case SDLK_KP_MINUS:
            set_scale(app, app->scale - 0.25f);
            return true;
        case SDLK_0:
        case SDLK_KP_0:
            set_scale(app, 1.0f);
            return true;
        default:
            break;
        }
    } else {
        if (key >= SDLK_1 && key <= SDLK_8) {
            app->help_open = false;
            return app_open_lab(app, key - SDLK_1);
        }
        switch (key) {
        case SDLK_h:
        case SDLK_F1:
            app->help_open = !app->help_open;
            return true;
        case SDLK_ESCAPE:
            if (app->help_open)
                app->help_open = false;
            else if (app->banner[0])
                app->banner[0] = '\0', app->banner_extra = 0;
            else
                app_go_home(app);
            return true;
        case SDLK_v:
            app->show_values = !app->show_values;
            app_toast(app, app->show_values ? "values in cells: on" : "values in cells: off");
            return true;
        case SDLK_t: {
            app->theme_kind = (ThemeKind)((app->theme_kind + 1) % THEME_COUNT);
            char msg[64];
            snprintf(msg, sizeof msg, "theme: %s", theme_make(app->theme_kind, 1.0f).name);
            app_toast(app, msg);
            return true;
        }
        case SDLK_f:
            app->req.toggle_fullscreen = true;
            return true;
        default:
            break;
        }
        if (app->screen == APP_HOME) {
            int n = LAB_COUNT + app->n_lessons;
            switch (key) {
            case SDLK_DOWN:
            case SDLK_RIGHT:
            case SDLK_TAB:
                app->home_sel = (app->home_sel + (shift && key == SDLK_TAB ? n - 1 : 1)) % n;
                return true;
            case SDLK_UP:
            case SDLK_LEFT:
                app->home_sel = (app->home_sel + n - 1) % n;
                return true;
            case SDLK_RETURN:
            case SDLK_KP_ENTER:
                if (app->home_sel < LAB_COUNT)
                    app_open_lab(app, app->home_sel);
                else
                    open_lesson(app, app->home_sel - LAB_COUNT);
                return true;
            default:
                return false;
            }
        }
        if (tl) {
            switch (key) {
            case SDLK_SPACE:
                timeline_toggle(tl);
                return true;
            case SDLK_LEFT:
                timeline_step(tl, -1);
                return true;
            case SDLK_RIGHT:
                timeline_step(tl, 1);
                return true;
            case SDLK_HOME:
                timeline_seek(tl, 0);
                return true;
            case SDLK_END:
                timeline_seek(tl, tl->count);
                return true;
            case SDLK_LEFTBRACKET:
                timeline_slower(tl);
                app_toast(app, timeline_speed_label(tl));
                return true;
            case SDLK_RIGHTBRACKET:
                timeline_faster(tl);
                app_toast(app, timeline_speed_label(tl));
                return true;
            default:
                break;
            }
        }
    }
    if (app->screen >= 0) {
        const LabDef *lab = lab_get(app->screen);
        void *st = app->lab_state[app->screen];
        if (st && lab->key)
            return lab->key(st, key, ctrl, shift);
    }
    return false;
}

bool app_drop_file(App *app, const char *path)
{
    const LabDef *lab = app->screen >= 0 ? lab_get(app->screen) : NULL;
    void *st = app->screen >= 0 ? app->lab_state[app->screen] : NULL;
    if (!lab || !st || !lab->drop) {
        char msg[1024];
        snprintf(msg, sizeof msg,
                 "%.700s: %s takes no files; open Convolution (1) or Pooling (2) and drop the "
                 "picture there",
                 path, lab ? lab->title : "the home screen");
        app_error(app, msg);
        return false;
    }
    char err[1024] = "";
    if (!lab->drop(st, path, err, sizeof err)) {
        app_error(app, err[0] ? err : path);
        return false;
    }
    const char *base = strrchr(path, '/');
    char msg[320];
    snprintf(msg, sizeof msg, "loaded %.300s", base ? base + 1 : path);
    app_toast(app, msg);
    return true;
}

/* ==== drawing ================================================================================= */

static void draw_panel(Render *r, const Theme *th, Rect rc)
{
    int rad = theme_px(th, THEME_RADIUS);
    render_round_rect(r, rc, rad, th->border);
    render_round_rect(r, rect_inset(rc, 1), rad - 1, th->panel);
}

/* Tab labels in three widths: "1 Convolution", "1 Conv", "1". */
static const char *const short_titles[LAB_COUNT] = {"Conv",  "Pool", "Chan",   "Net",
                                                    "Train", "Back", "Matrix", "Act"};

static void draw_top_bar(App *app, Render *r)
{
    const Theme *th = &app->th;
    const AppLayout *L = &app->lay;
    Ui *ui = &app->ui;
    render_rect(r, L->top, th->panel);
    render_rect(r, (Rect){0, L->top.y + L->top.h - 1, L->top.w, 1}, th->border);
    render_text_in(r, FONT_SANS_BOLD, theme_px(th, 18), "convscope", L->brand,
                   ALIGN_LEFT | ALIGN_MIDDLE, th->text);

    int size = theme_px(th, THEME_BODY), pad = theme_px(th, 12);
    char labels[LAB_COUNT][64];
    /* short labels get tighter padding so "1 Conv" still fits an 800 px window */
    int widths[LAB_COUNT], total = 0;
    for (int mode = 0; mode < 3; mode++) {
        total = 0;
        if (mode > 0)
            pad = theme_px(th, 6);
        for (int i = 0; i < LAB_COUNT; i++) {
            if (mode == 0)
                snprintf(labels[i], sizeof labels[i], "%d %s", i + 1, lab_get(i)->title);
            else if (mode == 1)
                snprintf(labels[i], sizeof labels[i], "%d %s", i + 1, short_titles[i]);
            else
                snprintf(labels[i], sizeof labels[i], "%d", i + 1);
            render_text_size(r, FONT_SANS, size, labels[i], &widths[i], NULL);
            widths[i] += 2 * pad;
            total += widths[i];
        }
        if (total <= L->tabs.w)
            break;
    }
    /* spread the spare width evenly so the tabs fill the bar */
    int spare = L->tabs.w - total;
    int x = L->tabs.x;
    UiId base = ui_id("app.tabs");
    for (int i = 0; i < LAB_COUNT; i++) {
        int w = widths[i] + (spare > 0 ? spare / LAB_COUNT : 0);
        if (spare < 0)
            w = L->tabs.w / LAB_COUNT;
        Rect tr = {x, L->tabs.y, w, L->tabs.h};
        x += w;
        UiResult res = ui_button_behavior(&ui->st, ui_id_index(base, i), tr, &ui->in);
        if (res.hovered)
            ui->mouse_used = true;
        if (res.submitted)
            app_open_lab(app, i);
        bool sel = app->screen == i;
        if (res.hovered && !sel)
            render_rect(r, rect_inset(tr, 2), th->control_hot);
        Color c = sel ? th->text
                      : (lab_is_built(lab_get(i)) ? th->text_dim
                                                  : color_mix(th->text_dim, th->panel, 0.35f));
        render_text_in(r, sel ? FONT_SANS_BOLD : FONT_SANS, size, labels[i], tr,
                       ALIGN_CENTER | ALIGN_MIDDLE, c);
        if (sel)
            render_rect(
                r,
                (Rect){tr.x + pad / 2, tr.y + tr.h - theme_px(th, 3), tr.w - pad, theme_px(th, 3)},
                th->accent);
        if (res.hovered)
            ui_tooltip(ui, lab_get(i)->blurb);
    }
    if (ui_button(ui, ui_id("app.lessons"), L->lessons, "Lessons"))
        app_go_home(app);
}

/* A card on the home screen: key badge, title, blurb; returns true when clicked. */
static bool draw_card(App *app, Render *r, Rect rc, UiId id, const char *key, const char *title,
                      const char *blurb, bool selected, bool dim)
{
    const Theme *th = &app->th;
    Ui *ui = &app->ui;
    UiResult res = ui_button_behavior(&ui->st, id, rc, &ui->in);
    if (res.hovered)
        ui->mouse_used = true;
    int rad = theme_px(th, THEME_RADIUS);
    render_round_rect(r, rc, rad, res.hovered ? th->control_hot : th->panel);
    render_round_rect_outline(r, rc, rad, selected ? theme_px(th, 2) : 1,
                              selected ? th->accent : th->border);
    int pad = theme_px(th, 12);
    int badge = theme_px(th, 26);
    Rect b = {rc.x + pad, rc.y + pad, badge, badge};
    render_round_rect(r, b, theme_px(th, 6), dim ? th->border : th->accent);
    render_text_in(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY), key, b, ALIGN_CENTER | ALIGN_MIDDLE,
                   dim ? th->text : color_text_on(th->accent));
    Rect tr = {b.x + badge + theme_px(th, 10), b.y, rc.w - badge - 2 * pad - theme_px(th, 10),
               badge};
    if (dim) {
        /* not built yet: a quiet "coming" at the right end of the title row */
        int cw = 0, sz = theme_px(th, THEME_SMALL);
        render_text_size(r, FONT_SANS, sz, "coming", &cw, NULL);
        if (cw < tr.w / 2) {
            render_text_in(r, FONT_SANS, sz, "coming", tr, ALIGN_RIGHT | ALIGN_MIDDLE,
                           th->text_dim);
            tr.w -= cw + theme_px(th, 8);
        }
    }
    char fit[160];
    render_text_fit(r, FONT_SANS_BOLD, theme_px(th, THEME_HEADING), title, tr.w, fit, sizeof fit);
    render_text_in(r, FONT_SANS_BOLD, theme_px(th, THEME_HEADING), fit, tr,
                   ALIGN_LEFT | ALIGN_MIDDLE, th->text);
    if (blurb) {
        Rect br = {rc.x + pad, b.y + badge + theme_px(th, 8), rc.w - 2 * pad,
                   rc.y + rc.h - pad - (b.y + badge + theme_px(th, 8))};
        render_text_wrap(r, FONT_SANS, theme_px(th, THEME_BODY), blurb, br, th->text_dim, true);
    }
    return res.submitted;
}

/* The home page's lesson list in a w×h area: columns, row height and, when even compact
 * rows do not fit, which rows show (the chosen lesson's row kept in view). */
typedef struct LessonList {
    int cols, rows;      /* columns; rows of the whole list */
    int lw, row_h, vgap; /* a column's width, a row's height, the gap between rows */
    int pad, lines;      /* text inset; title lines a row holds (1 or 2) */
    bool scroll;         /* not all rows fit: rows first_row .. first_row + vis_rows - 1 show */
    int first_row, vis_rows;
} LessonList;

/* The list at cols columns, roomy or compact rows; the rows of the whole list. */
static LessonList lesson_list_try(App *app, Render *r, int w, int cols, bool compact)
{
    const Theme *th = &app->th;
    LessonList ll = {0};
    int gap = theme_px(th, 16), body = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_SANS, body);
    ll.cols = cols;
    ll.rows = (app->n_lessons + cols - 1) / cols;
    ll.lw = (w - (cols - 1) * gap) / cols;
    ll.pad = theme_px(th, 12);
    /* one line when every title fits it, shrunk down to the small size; else two lines */
    ll.lines = 1;
    for (int i = 0; i < app->n_lessons; i++) {
        int tw = 0;
        render_text_size(r, FONT_SANS, theme_px(th, THEME_SMALL), app->lesson_title[i], &tw, NULL);
        if (tw > ll.lw - 2 * ll.pad)
            ll.lines = 2;
    }
    ll.row_h = ll.lines * lh + (compact ? theme_px(th, 10) : theme_px(th, 36) - lh);
    ll.vgap = compact ? theme_px(th, 4) : theme_px(th, 8);
    ll.vis_rows = ll.rows;
    return ll;
}

static LessonList lesson_list_layout(App *app, Render *r, int w, int h)
{
    const Theme *th = &app->th;
    int gap = theme_px(th, 16);
    /* columns of at least 300 px as a start, down to 220 px when that fits more */
    int cols0 = (w + gap) / (theme_px(th, 300) + gap);
    int cmax = (w + gap) / (theme_px(th, 220) + gap);
    cols0 = cols0 < 1 ? 1 : cols0;
    cmax = cmax < cols0 ? cols0 : cmax;
    for (int compact = 0; compact < 2; compact++)
        for (int cols = cols0; cols <= cmax; cols++) {
            LessonList ll = lesson_list_try(app, r, w, cols, compact);
            if (ll.rows * (ll.row_h + ll.vgap) - ll.vgap <= h)
                return ll;
        }
    /* scrolled compact rows: the column count that shows the most lessons */
    LessonList best = {0};
    int best_shown = -1;
    for (int cols = cols0; cols <= cmax; cols++) {
        LessonList ll = lesson_list_try(app, r, w, cols, true);
        int vis = (h + ll.vgap) / (ll.row_h + ll.vgap);
        ll.vis_rows = vis < 1 ? 1 : vis > ll.rows ? ll.rows : vis;
        if (ll.vis_rows * cols > best_shown) {
            best = ll;
            best_shown = ll.vis_rows * cols;
        }
    }
    best.scroll = best.vis_rows < best.rows;
    if (best.scroll && app->home_sel >= LAB_COUNT) {
        /* the chosen lesson's row in the middle of the rows shown */
        int sel_row = (app->home_sel - LAB_COUNT) / best.cols;
        int first = sel_row - (best.vis_rows - 1) / 2;
        int last_first = best.rows - best.vis_rows;
        best.first_row = first < 0 ? 0 : first > last_first ? last_first : first;
    }
    return best;
}

static void draw_home(App *app, Render *r)
{
    const Theme *th = &app->th;
    const AppLayout *L = &app->lay;
    int u = theme_px(th, 8);
    Rect area = rect_inset(L->body, 3 * u);
    int max_w = theme_px(th, 1240);
    if (area.w > max_w) {
        area.x += (area.w - max_w) / 2;
        area.w = max_w;
    }
    int title = theme_px(th, 28), tag = theme_px(th, THEME_HEADING);
    int head = theme_px(th, THEME_HEADING);
    int head_h = render_line_height(r, FONT_SANS_BOLD, head) + u;
    int hint_size = theme_px(th, THEME_SMALL + 1);
    int hint_h = render_line_height(r, FONT_SANS, hint_size);
    int body_lh = render_line_height(r, FONT_SANS, theme_px(th, THEME_BODY));

    /* the lab cards: as many columns as fit (up to 4); height from the tallest blurb */
    int gap = 2 * u, pad = theme_px(th, 12), badge = theme_px(th, 26);
    int cols = (area.w + gap) / (theme_px(th, 200) + gap);
    cols = cols < 1 ? 1 : (cols > 4 ? 4 : cols);
    /* the cards and the Lessons heading with one line under it must fit: on a short window
     * more (narrower) columns, and at the last the blurbs are cut to the lines that fit */
    /* at least two compact lesson rows (the rest scroll), or the "no lessons" line */
    int few = app->n_lessons < 2 ? app->n_lessons : 2;
    int lessons_min =
        head_h +
        (app->n_lessons > 0 ? few * (body_lh + theme_px(th, 10) + theme_px(th, 4)) : body_lh);
    int card_w = 0, card_h = 0, rows = 0, labs_h = 0;
    for (int try_cols = cols; try_cols <= 4; try_cols++) {
        int cw = (area.w - (try_cols - 1) * gap) / try_cols;
        int blurb_h = 0;
        for (int i = 0; i < LAB_COUNT; i++) {
            int h = render_text_wrap(r, FONT_SANS, theme_px(th, THEME_BODY), lab_get(i)->blurb,
                                     (Rect){0, 0, cw - 2 * pad, 0}, th->text, false);
            blurb_h = h > blurb_h ? h : blurb_h;
        }
        card_w = cw;
        card_h = 2 * pad + badge + theme_px(th, 8) + blurb_h;
        rows = (LAB_COUNT + try_cols - 1) / try_cols;
        labs_h = head_h + rows * (card_h + gap) + u;
        cols = try_cols;
        if (labs_h + lessons_min <= area.h || cw < theme_px(th, 160))
            break;
    }
    if (labs_h + lessons_min > area.h) {
        int room = (area.h - lessons_min - head_h - u) / rows - gap;
        int least = 2 * pad + badge + theme_px(th, 8) + body_lh;
        card_h = room > least ? room : least;
        labs_h = head_h + rows * (card_h + gap) + u;
    }

    /* what must fit: the lab cards and one line of lessons; the title, tagline and key hint
     * give way on short windows (the top bar and H still say it all) */
    int hero_h = render_line_height(r, FONT_SANS_BOLD, title);
    int tag_h = render_line_height(r, FONT_SANS, tag) + 2 * u;
    int need = labs_h + lessons_min;
    bool show_hint = need + hint_h + u <= area.h;
    if (show_hint)
        need += hint_h + u;
    bool show_tag = need + tag_h + hero_h <= area.h;
    bool show_hero = need + (show_tag ? tag_h : 0) + hero_h <= area.h;
    int y = area.y;
    if (show_hero) {
        render_text(r, FONT_SANS_BOLD, title, "convscope", area.x, y, ALIGN_LEFT | ALIGN_TOP,
                    th->text);
        y += hero_h;
    }
    if (show_tag) {
        render_text(r, FONT_SANS, tag, "See every number a convolutional network computes.", area.x,
                    y, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
        y += tag_h;
    } else if (show_hero) {
        y += u;
    }

    Rect hint = {area.x, area.y + area.h - hint_h, area.w, hint_h};
    char fit[512];
    if (show_hint) {
        render_text_fit(r, FONT_SANS, hint_size,
                        "1\xE2\x80\x93"
                        "8 open a lab  \xC2\xB7  \xE2\x86\x91\xE2\x86\x93 Enter "
                        "choose  \xC2\xB7  H help  \xC2\xB7  T theme  \xC2\xB7  Ctrl+= / "
                        "Ctrl+\xE2\x88\x92 size  \xC2\xB7  F fullscreen  \xC2\xB7  Ctrl+S save "
                        "PNG  \xC2\xB7  Ctrl+Q quit",
                        hint.w, fit, sizeof fit);
        render_text(r, FONT_SANS, hint_size, fit, hint.x, hint.y, ALIGN_LEFT | ALIGN_TOP,
                    th->text_dim);
    } else {
        hint.y = area.y + area.h + u;
    }

    render_text(r, FONT_SANS_BOLD, head, "Labs", area.x, y, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    y += head_h;
    UiId cid = ui_id("home.card");
    for (int i = 0; i < LAB_COUNT; i++) {
        Rect rc = {area.x + (i % cols) * (card_w + gap), y + (i / cols) * (card_h + gap), card_w,
                   card_h};
        const LabDef *lab = lab_get(i);
        char key[4];
        snprintf(key, sizeof key, "%d", i + 1);
        if (draw_card(app, r, rc, ui_id_index(cid, i), key, lab->title, lab->blurb,
                      app->home_sel == i, !lab_is_built(lab)))
            app_open_lab(app, i);
    }
    y += rows * (card_h + gap) + u;

    render_text(r, FONT_SANS_BOLD, head, "Lessons", area.x, y, ALIGN_LEFT | ALIGN_TOP,
                th->text_dim);
    int head_y = y;
    y += head_h;
    int bottom = hint.y - u;
    if (app->n_lessons == 0) {
        int lh = bottom - y > body_lh ? bottom - y : body_lh;
        render_text_wrap(r, FONT_SANS, theme_px(th, THEME_BODY),
                         "No lessons yet. Lesson files (lessons/*.lesson) appear here.",
                         (Rect){area.x, y, area.w, lh}, th->text_dim, true);
        return;
    }
    LessonList ll = lesson_list_layout(app, r, area.w, bottom - y);
    UiId lid = ui_id("home.lesson");
    Rect list = {area.x, y, area.w, ll.vis_rows * (ll.row_h + ll.vgap) - ll.vgap};
    /* the wheel over the list moves the chosen lesson a row at a time; the list follows it */
    if (ll.scroll && app->ui.in.wheel && rect_contains(list, app->ui.in.mx, app->ui.in.my)) {
        int cur = app->home_sel >= LAB_COUNT ? app->home_sel - LAB_COUNT : 0;
        int next = cur - app->ui.in.wheel * ll.cols;
        next = next < 0 ? 0 : next >= app->n_lessons ? app->n_lessons - 1 : next;
        app->home_sel = LAB_COUNT + next;
        app->ui.mouse_used = true;
        ll = lesson_list_layout(app, r, area.w, bottom - y);
    }
    int body_px = theme_px(th, THEME_BODY);
    for (int i = 0; i < app->n_lessons; i++) {
        /* all fit: balanced columns read top to bottom; scrolled: rows read left to right */
        int row = ll.scroll ? i / ll.cols : i % ll.rows;
        int col = ll.scroll ? i % ll.cols : i / ll.rows;
        if (row < ll.first_row || row >= ll.first_row + ll.vis_rows)
            continue;
        Rect rc = {area.x + col * (ll.lw + gap), y + (row - ll.first_row) * (ll.row_h + ll.vgap),
                   ll.lw, ll.row_h};
        bool sel = app->home_sel == LAB_COUNT + i;
        UiResult res = ui_button_behavior(&app->ui.st, ui_id_index(lid, i), rc, &app->ui.in);
        if (res.hovered)
            app->ui.mouse_used = true;
        render_round_rect(r, rc, theme_px(th, 6), res.hovered ? th->control_hot : th->panel);
        render_round_rect_outline(r, rc, theme_px(th, 6), sel ? theme_px(th, 2) : 1,
                                  sel ? th->accent : th->border);
        /* one line, shrunk to the small size when need be; in two-line rows a long title
         * wraps instead */
        Rect tr = {rc.x + ll.pad, rc.y, rc.w - 2 * ll.pad, rc.h};
        int tw = 0;
        render_text_size(r, FONT_SANS, body_px, app->lesson_title[i], &tw, NULL);
        if (ll.lines == 1 || tw <= tr.w) {
            render_text_line(r, FONT_SANS, body_px, theme_px(th, THEME_SMALL), app->lesson_title[i],
                             tr, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        } else {
            int lh = render_line_height(r, FONT_SANS, body_px);
            int th_h = render_text_wrap(r, FONT_SANS, body_px, app->lesson_title[i],
                                        (Rect){0, 0, tr.w, 0}, th->text, false);
            int shown_h = th_h < 2 * lh ? th_h : 2 * lh;
            render_text_wrap(r, FONT_SANS, body_px, app->lesson_title[i],
                             (Rect){tr.x, rc.y + (rc.h - shown_h) / 2, tr.w, shown_h}, th->text,
                             true);
        }
        if (res.submitted)
            open_lesson(app, i);
    }
    if (ll.scroll) {
        /* a thin bar right of the list, and on the heading's line how to reach the rest */
        int full = ll.rows * (ll.row_h + ll.vgap) - ll.vgap;
        int knob = list.h * list.h / full;
        int ky = list.y + (list.h - knob) * ll.first_row / (ll.rows - ll.vis_rows);
        render_rect(r, (Rect){list.x + list.w + theme_px(th, 6), ky, theme_px(th, 3), knob},
                    th->text_dim);
        char more[96];
        snprintf(more, sizeof more,
                 "%d lessons  \xC2\xB7  wheel or \xE2\x86\x91\xE2\x86\x93 for the rest",
                 app->n_lessons);
        render_text(r, FONT_SANS, theme_px(th, THEME_SMALL), more, area.x + area.w,
                    head_y + render_line_height(r, FONT_SANS_BOLD, head) / 2,
                    ALIGN_RIGHT | ALIGN_MIDDLE, th->text_dim);
    }
}

static void draw_lab(App *app, Render *r, bool headless)
{
    const Theme *th = &app->th;
    const AppLayout *L = &app->lay;
    const LabDef *lab = lab_get(app->screen);
    void *st = app->lab_state[app->screen];
    draw_panel(r, th, L->controls_panel);
    draw_panel(r, th, L->strip);
    LabContext ctx = {
        r,           th,          &app->ui,         L->controls, L->stage,  L->strip,
        L->timeline, L->equation, app->show_values, headless,    app->time, report_to_banner,
        app};
    if (st) {
        render_clip_push(r, L->window);
        lab->draw(st, &ctx);
        render_clip_pop(r);
        app->ui.label_w = 0; /* the lab's slider label column ends with its controls */
    } else {
        lab_draw_coming(lab, &ctx);
    }
    Timeline *tl = current_timeline(app);
    if (tl) {
        ui_timeline(&app->ui, ui_id("app.timeline"), L->timeline, tl);
    } else {
        render_text_in(r, FONT_SANS, theme_px(th, THEME_BODY),
                       st ? "this lab has no steps to play" : "no timeline yet", L->timeline,
                       ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    }
}

/* The banner in its reserved band (app_layout_reserve_banner); one that appeared during this
 * frame's drawing has no band yet and is drawn where the band will be from the next frame on. */
static void draw_banner(App *app, Render *r)
{
    if (!app->banner[0])
        return;
    const Theme *th = &app->th;
    const AppLayout *L = &app->lay;
    int u = theme_px(th, 8);
    int h = theme_px(th, 40);
    Rect b =
        L->banner.h > 0 ? L->banner : (Rect){L->body.x + u, L->body.y + u, L->body.w - 2 * u, h};
    render_round_rect(r, b, theme_px(th, 6), th->error);
    Color ink = color_text_on(th->error);
    Rect close = {b.x + b.w - h, b.y, h, h};
    UiResult res = ui_button_behavior(&app->ui.st, ui_id("app.banner.close"), close, &app->ui.in);
    if (res.hovered) {
        app->ui.mouse_used = true;
        render_round_rect(r, rect_inset(close, 4), theme_px(th, 4), color_alpha(ink, 40));
    }
    float cx = (float)close.x + (float)h / 2.0f, cy = (float)close.y + (float)h / 2.0f;
    float k = (float)h * 0.16f;
    render_line(r, cx - k, cy - k, cx + k, cy + k, (float)theme_px(th, 2), ink);
    render_line(r, cx - k, cy + k, cx + k, cy - k, (float)theme_px(th, 2), ink);
    char text[1100], fit[1100];
    if (app->banner_extra > 0)
        snprintf(text, sizeof text, "%s   (+%d more)", app->banner, app->banner_extra);
    else
        snprintf(text, sizeof text, "%s", app->banner);
    Rect tr = {b.x + 2 * u, b.y, b.w - 2 * u - h, h};
    render_text_fit(r, FONT_SANS, theme_px(th, THEME_BODY), text, tr.w, fit, sizeof fit);
    if (strcmp(fit, text) == 0) {
        render_text_in(r, FONT_SANS, theme_px(th, THEME_BODY), fit, tr, ALIGN_LEFT | ALIGN_MIDDLE,
                       ink);
    } else {
        /* too long for one line (the divergence advice, a long path): two lines at the small
         * size in the same band, cut only after the second */
        int small = theme_px(th, THEME_SMALL);
        int lh = render_line_height(r, FONT_SANS, small);
        int need =
            render_text_wrap(r, FONT_SANS, small, text, (Rect){tr.x, 0, tr.w, 0}, ink, false);
        int used = need < 2 * lh ? need : 2 * lh;
        render_text_wrap(r, FONT_SANS, small, text,
                         (Rect){tr.x, tr.y + (tr.h - used) / 2, tr.w, 2 * lh}, ink, true);
        if (need <= 2 * lh)
            snprintf(fit, sizeof fit, "%s", text); /* whole: no tooltip needed */
    }
    if (rect_contains(b, app->ui.in.mx, app->ui.in.my)) {
        app->ui.mouse_used = true;
        if (strcmp(fit, text) != 0)
            ui_tooltip(&app->ui, app->banner);
    }
    if (res.submitted) {
        app->banner[0] = '\0';
        app->banner_extra = 0;
    }
}

static void draw_toast(App *app, Render *r)
{
    if (!app->toast[0] || app->time >= app->toast_until)
        return;
    const Theme *th = &app->th;
    const AppLayout *L = &app->lay;
    int size = theme_px(th, THEME_BODY), pad = theme_px(th, 12);
    int w = 0, h = 0;
    char fit[512];
    render_text_fit(r, FONT_SANS, size, app->toast, L->window.w - 8 * pad, fit, sizeof fit);
    render_text_size(r, FONT_SANS, size, fit, &w, &h);
    Rect box = {L->window.w - w - 2 * pad - 2 * pad, L->strip.y - h - 2 * pad - pad, w + 2 * pad,
                h + 2 * pad};
    render_round_rect(r, rect_inset(box, -1), theme_px(th, 6), th->accent);
    render_round_rect(r, box, theme_px(th, 6), th->panel);
    render_text(r, FONT_SANS, size, fit, box.x + pad, box.y + pad, ALIGN_LEFT | ALIGN_TOP,
                th->text);
}

bool app_frame(App *app, Render *r, const UiInput *in, double dt, bool headless)
{
    int w = 0, h = 0;
    render_output_size(r, &w, &h);
    app->time += dt;
    Timeline *tl = current_timeline(app);
    app->lay = app_layout(w, h, app->scale, app->pixel_ratio, tl != NULL);
    bool banner_band = app->banner[0] != '\0';
    if (banner_band)
        app_layout_reserve_banner(&app->lay);
    lesson_host_layout(app);
    app->th = theme_make(app->theme_kind, 1.0f);
    app->th.scale = app->lay.scale;

    bool busy = false;
    if (tl && timeline_advance(tl, dt))
        busy = true;
    if (tl && tl->playing)
        busy = true;
    if (app->screen >= 0 && app->lab_state[app->screen]) {
        const LabDef *lab = lab_get(app->screen);
        if (lab->update && lab->update(app->lab_state[app->screen], dt))
            busy = true;
    }

    /* the help overlay is modal: widgets underneath see no mouse */
    UiInput uin = *in;
    if (app->help_open || headless) {
        uin.mx = uin.my = -1;
        uin.mouse_pressed = uin.mouse_released = uin.mouse_down = false;
        uin.wheel = 0;
    }
    if (app->help_open && in->mouse_pressed)
        app->help_open = false;

    render_clear(r, app->th.bg);
    ui_begin(&app->ui, r, &app->th, &uin, app->lay.window);
    if (app->screen == APP_HOME) {
        draw_home(app, r);
    } else {
        draw_lab(app, r, headless);
        lesson_host_draw(app, r);
    }
    draw_top_bar(app, r);
    draw_banner(app, r);
    draw_toast(app, r);
    ui_end(&app->ui);
    if (app->help_open) {
        UiHelpSection secs[4];
        int n = app_help_sections(app, secs, 4);
        ui_help_overlay_sections(&app->ui, "Keys", secs, n);
    }
    if (app->toast[0] && app->time < app->toast_until)
        busy = true;
    /* a banner that appeared (or went) during this frame: the next frame moves the layout */
    if ((app->banner[0] != '\0') != banner_band)
        busy = true;
    if (app->ui.st.active)
        busy = true;
    return busy;
}

bool app_frame_present(App *app, Render *r, const UiInput *in, double dt, bool settle)
{
    bool busy = app_frame(app, r, in, dt, false);
    bool event = settle || in->mouse_pressed || in->mouse_released || in->wheel != 0 ||
                 in->key != UI_KEY_NONE || in->text[0] != '\0';
    if (!event)
        return busy;
    /* the same mouse (still held if it was), nothing new: what the first frame's widgets
     * changed is drawn now, and no widget sees the click or key twice */
    UiInput calm = *in;
    calm.mouse_pressed = calm.mouse_released = false;
    calm.wheel = 0;
    calm.key = UI_KEY_NONE;
    calm.text[0] = '\0';
    return app_frame(app, r, &calm, 0.0, false) || busy;
}
