/* app_home.c - the home screen: the lab cards (key badge, title, blurb) and the lessons found on
 * disk as a list that fits the window (columns, compact rows, scrolled at the last), and its
 * keys (arrows / Tab choose, Enter opens).
 * Depends on: app/app_home.h (app/app.h), app/lesson_host.h, labs/lab.h, ui, viz. */
#include "app/app_home.h"

#include "app/lesson_host.h"
#include "viz/colormap.h"

#include <SDL_keycode.h>
#include <stdio.h>

static void open_lesson(App *app, int i)
{
    char msg[1000];
    if (!lesson_host_open(app, app->lesson_path[i], 1, msg, sizeof msg))
        app_error(app, msg);
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

/* The lab cards' grid in area: how many columns, and a card's size. */
typedef struct HomeCards {
    int cols, rows; /* the grid */
    int w, h;       /* a card */
    int labs_h;     /* the Labs heading, the grid and the air under it */
} HomeCards;

/* The cards: as many columns as fit (up to 4); height from the tallest blurb. The cards and the
 * Lessons heading with lessons_min px under it must fit area: on a short window more (narrower)
 * columns, and at the last the blurbs are cut to the lines that fit. */
static HomeCards home_cards_fit(App *app, Render *r, Rect area, int head_h, int lessons_min)
{
    const Theme *th = &app->th;
    int u = theme_px(th, 8);
    int body_lh = render_line_height(r, FONT_SANS, theme_px(th, THEME_BODY));
    int gap = 2 * u, pad = theme_px(th, 12), badge = theme_px(th, 26);
    int cols = (area.w + gap) / (theme_px(th, 200) + gap);
    cols = cols < 1 ? 1 : (cols > 4 ? 4 : cols);
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
    return (HomeCards){cols, rows, card_w, card_h, labs_h};
}

/* Lesson i's row in rc: a button framed (accent when chosen) with the lesson's title. */
static void draw_lesson_row(App *app, Render *r, const LessonList *ll, Rect rc, int i)
{
    const Theme *th = &app->th;
    UiId lid = ui_id("home.lesson");
    int body_px = theme_px(th, THEME_BODY);
    bool sel = app->home_sel == LAB_COUNT + i;
    UiResult res = ui_button_behavior(&app->ui.st, ui_id_index(lid, i), rc, &app->ui.in);
    if (res.hovered)
        app->ui.mouse_used = true;
    render_round_rect(r, rc, theme_px(th, 6), res.hovered ? th->control_hot : th->panel);
    render_round_rect_outline(r, rc, theme_px(th, 6), sel ? theme_px(th, 2) : 1,
                              sel ? th->accent : th->border);
    /* one line, shrunk to the small size when need be; in two-line rows a long title
     * wraps instead */
    Rect tr = {rc.x + ll->pad, rc.y, rc.w - 2 * ll->pad, rc.h};
    int tw = 0;
    render_text_size(r, FONT_SANS, body_px, app->lesson_title[i], &tw, NULL);
    if (ll->lines == 1 || tw <= tr.w) {
        render_text_line(r, FONT_SANS, body_px, theme_px(th, THEME_SMALL), app->lesson_title[i], tr,
                         ALIGN_LEFT | ALIGN_MIDDLE, th->text);
    } else {
        int lh = render_line_height(r, FONT_SANS, body_px);
        int th_h = render_text_wrap(r, FONT_SANS, body_px, app->lesson_title[i],
                                    (Rect){0, 0, tr.w, 0}, th->text, false);
        int shown_h = th_h < 2 * lh ? th_h : 2 * lh;
        render_text_wrap(r, FONT_SANS, body_px, app->lesson_title[i],
                         (Rect){tr.x, rc.y + (rc.h - shown_h) / 2, tr.w, shown_h}, th->text, true);
    }
    if (res.submitted)
        open_lesson(app, i);
}

/* The Lessons heading at y and the list under it down to bottom (or the "no lessons" line);
 * scrolled rows get a thin bar and, on the heading's line, how to reach the rest. */
static void draw_lessons(App *app, Render *r, Rect area, int y, int bottom)
{
    const Theme *th = &app->th;
    int u = theme_px(th, 8), gap = 2 * u;
    int head = theme_px(th, THEME_HEADING);
    int head_h = render_line_height(r, FONT_SANS_BOLD, head) + u;
    int body_lh = render_line_height(r, FONT_SANS, theme_px(th, THEME_BODY));
    render_text(r, FONT_SANS_BOLD, head, "Lessons", area.x, y, ALIGN_LEFT | ALIGN_TOP,
                th->text_dim);
    int head_y = y;
    y += head_h;
    if (app->n_lessons == 0) {
        int lh = bottom - y > body_lh ? bottom - y : body_lh;
        render_text_wrap(r, FONT_SANS, theme_px(th, THEME_BODY),
                         "No lessons yet. Lesson files (lessons/*.lesson) appear here.",
                         (Rect){area.x, y, area.w, lh}, th->text_dim, true);
        return;
    }
    LessonList ll = lesson_list_layout(app, r, area.w, bottom - y);
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
    for (int i = 0; i < app->n_lessons; i++) {
        /* all fit: balanced columns read top to bottom; scrolled: rows read left to right */
        int row = ll.scroll ? i / ll.cols : i % ll.rows;
        int col = ll.scroll ? i % ll.cols : i / ll.rows;
        if (row < ll.first_row || row >= ll.first_row + ll.vis_rows)
            continue;
        Rect rc = {area.x + col * (ll.lw + gap), y + (row - ll.first_row) * (ll.row_h + ll.vgap),
                   ll.lw, ll.row_h};
        draw_lesson_row(app, r, &ll, rc, i);
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

void app_home_draw(App *app, Render *r)
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
    int gap = 2 * u;

    /* at least two compact lesson rows (the rest scroll), or the "no lessons" line */
    int few = app->n_lessons < 2 ? app->n_lessons : 2;
    int lessons_min =
        head_h +
        (app->n_lessons > 0 ? few * (body_lh + theme_px(th, 10) + theme_px(th, 4)) : body_lh);
    HomeCards cards = home_cards_fit(app, r, area, head_h, lessons_min);

    /* what must fit: the lab cards and one line of lessons; the title, tagline and key hint
     * give way on short windows (the top bar and H still say it all) */
    int hero_h = render_line_height(r, FONT_SANS_BOLD, title);
    int tag_h = render_line_height(r, FONT_SANS, tag) + 2 * u;
    int need = cards.labs_h + lessons_min;
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
    if (show_hint) {
        /* whole items while they fit (H help lists them all), never one cut mid-word */
        static const char *const items[] = {"1\xE2\x80\x93"
                                            "8 open a lab",
                                            "\xE2\x86\x91\xE2\x86\x93 Enter choose",
                                            "H help",
                                            "T theme",
                                            "Ctrl+= / Ctrl+\xE2\x88\x92 size",
                                            "F fullscreen",
                                            "Ctrl+S save PNG",
                                            "Ctrl+Q quit"};
        char line[512] = "", next[512];
        for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
            snprintf(next, sizeof next, "%s%s%s", line, k ? "  \xC2\xB7  " : "", items[k]);
            int w = 0;
            render_text_size(r, FONT_SANS, hint_size, next, &w, NULL);
            if (w > hint.w)
                break;
            snprintf(line, sizeof line, "%s", next);
        }
        render_text(r, FONT_SANS, hint_size, line, hint.x, hint.y, ALIGN_LEFT | ALIGN_TOP,
                    th->text_dim);
    } else {
        hint.y = area.y + area.h + u;
    }

    render_text(r, FONT_SANS_BOLD, head, "Labs", area.x, y, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    y += head_h;
    UiId cid = ui_id("home.card");
    for (int i = 0; i < LAB_COUNT; i++) {
        Rect rc = {area.x + (i % cards.cols) * (cards.w + gap),
                   y + (i / cards.cols) * (cards.h + gap), cards.w, cards.h};
        const LabDef *lab = lab_get(i);
        char key[4];
        snprintf(key, sizeof key, "%d", i + 1);
        if (draw_card(app, r, rc, ui_id_index(cid, i), key, lab->title, lab->blurb,
                      app->home_sel == i, !lab_is_built(lab)))
            app_switch_lab(app, i);
    }
    y += cards.rows * (cards.h + gap) + u;
    draw_lessons(app, r, area, y, hint.y - u);
}

bool app_home_key(App *app, int key, bool shift)
{
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
            app_switch_lab(app, app->home_sel);
        else
            open_lesson(app, app->home_sel - LAB_COUNT);
        return true;
    default:
        return false;
    }
}
