/* app.c - the application's state and what changes it: create / destroy, the lessons found on
 * disk, opening labs and going home, the error banner and the toast, dropped files, and the
 * lesson shell the lesson host reaches the app through (lesson_host.h). The frame is drawn by
 * app_frame.c, the home screen by app_home.c, the keys are app_keys.c's, the layout
 * app_layout.c's.
 * Depends on: app/app.h, app/lesson_host.h, labs/lab.h, engine/assets.h. */
#include "app/app.h"

#include "app/lesson_host.h"
#include "engine/assets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOAST_SECONDS 3.0

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

bool app_switch_lab(App *app, int index)
{
    int lab = lesson_host_lab(app);
    if (app->lesson && lab >= 0 && index != lab && index >= 0 && index < LAB_COUNT) {
        char msg[300];
        snprintf(msg, sizeof msg, "Lesson closed: %.160s (it shows the %s lab)",
                 lesson_host_title(app), lab_get(lab)->title);
        lesson_host_close(app);
        app_toast(app, msg);
    }
    return app_open_lab(app, index);
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

Timeline *app_timeline(const App *app)
{
    if (app->screen < 0)
        return NULL;
    const LabDef *lab = lab_get(app->screen);
    void *st = app->lab_state[app->screen];
    return st && lab->timeline ? lab->timeline(st) : NULL;
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
