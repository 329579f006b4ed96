/* app_frame.c - one frame of the application: the top bar with the lab tabs, the home screen or
 * the current lab in its frame (control column, stage, bottom strip with the timeline) with the
 * lesson sidebar, the error banner, the toast and the help overlay. The same app_frame draws the
 * window, the headless `convscope render` and the frame bench.
 * Depends on: app/app.h, app/app_home.h, app/lesson_host.h, labs/lab.h, ui, viz. */
#include "app/app.h"

#include "app/app_home.h"
#include "app/lesson_host.h"
#include "viz/colormap.h"

#include <stdio.h>
#include <string.h>

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
            app_switch_lab(app, i);
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

static void report_to_banner(void *host, const char *message)
{
    app_error(host, message);
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
    Timeline *tl = app_timeline(app);
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
    /* beside a lesson's sidebar it keeps to the stage, off the sidebar's Back / Next */
    if (app->screen >= 0 && app->lesson && L->stage.w > box.w + 2 * pad)
        box.x = L->stage.x + L->stage.w - box.w - pad;
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
    Timeline *tl = app_timeline(app);
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
        app_home_draw(app, r);
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
