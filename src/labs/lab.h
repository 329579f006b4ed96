/* lab.h - the lab interface every lab implements, and the registry of the eight labs in tab
 * order. Depends on: ui/ui.h, viz/render.h, viz/theme.h.
 *
 * A lab is a LabDef: names plus callbacks over an opaque state. To add one, define in its own
 * file (e.g. lab_conv.c)
 *     const LabDef lab_convolution = {"convolution", "Convolution", "A kernel slides ...",
 *                                     conv_create, conv_destroy, ...};
 * and add the file to app_src in src/app/meson.build; the registry picks the symbol up by name
 * (labs not linked in show their frame and an honest "coming" note). The symbol names, in tab
 * order: lab_convolution, lab_pooling, lab_channels, lab_network, lab_train, lab_backprop,
 * lab_matrix, lab_activations.
 *
 * Frame order, per window frame or headless render:
 *     lab->update(state, dt)              animations, timeline playback
 *     lab->draw(state, &ctx)              immediate-mode: widgets in ctx->controls, grids in
 *                                         ctx->stage, the equation in ctx->equation
 * The app owns the timeline bar (drawn in ctx->timeline from lab->timeline(state)) and the keys
 * Space, Left/Right, Home/End, [ ] (timeline), V (ctx->show_values), T, F, 1-8, H, F1, Esc, Tab
 * (the lesson sidebar), Page Up/Down; a lab lists the keys it handles itself in LabDef.help. */
#ifndef CONVSCOPE_LAB_H
#define CONVSCOPE_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/ui.h"
#include "viz/render.h"
#include "viz/theme.h"

#define LAB_COUNT 8

/* What a lab draws with and into. All rects are in window pixels and already scaled. */
typedef struct LabContext {
    Render *r;
    const Theme *th;     /* palette; th->scale is the UI scale (theme_px(th, 8) for 8 px) */
    Ui *ui;              /* widgets: ui_button(ctx->ui, ...); ui->in has the mouse and keys */
    Rect controls;       /* the left control column (inside its panel's padding) */
    Rect stage;          /* the middle: grids and plots */
    Rect strip;          /* the whole bottom strip */
    Rect timeline;       /* the part of the strip the app's timeline bar uses */
    Rect equation;       /* the rest of the strip: the current step's equation */
    bool show_values;    /* key V: values in grid cells */
    bool headless;       /* drawn for `convscope render` (no hover: the mouse is at -1, -1) */
    double time;         /* seconds since start, for easing */
    /* Reports an error to the banner (the app keeps running); see lab_report_error. */
    void (*report)(void *host, const char *message);
    void *host;
} LabContext;

/* Shows message in the app's error banner (format "FILE:LINE: what" when about a file). */
void lab_report_error(const LabContext *ctx, const char *message);

typedef struct LabDef {
    const char *name;  /* command-line name: "convolution", "pooling", ... */
    const char *title; /* tab title: "Convolution" */
    const char *blurb; /* one line for the home screen */

    /* New state with the lab's default scene (deterministic); NULL with a message in err. */
    void *(*create)(char *err, size_t err_size);
    void (*destroy)(void *state);

    /* One setting from `convscope render --KEY VALUE` or a lesson step: preset, k, stride, pad,
     * dilation, input, ... . Unknown key or bad value: false with a message naming the key,
     * the value and what is allowed. May be NULL (then every key is unknown). The key "step"
     * is handled by the app through the timeline after all other options are applied. */
    bool (*set_option)(void *state, const char *key, const char *value, char *err,
                       size_t err_size);

    /* Advances animations by dt seconds (the app has already advanced the timeline).
     * Returns true while something still moves, so the window keeps drawing; false lets it
     * idle. May be NULL. */
    bool (*update)(void *state, double dt);

    /* Draws the lab: controls, stage and equation (see LabContext). Must not allocate. */
    void (*draw)(void *state, LabContext *ctx);

    /* The lab's timeline, or NULL when it has none (the app then hides the bar). Called every
     * frame; the app advances it with dt and drives it with the keys and the bar. May be NULL. */
    Timeline *(*timeline)(void *state);

    /* A key the app did not take (an SDL_Keycode, with modifiers): true if handled.
     * May be NULL. */
    bool (*key)(void *state, int sdl_keycode, bool ctrl, bool shift);

    /* A file dropped on the window (or typed as a path) while this lab shows: loads it as the
     * input. False with a message "PATH: what is wrong" in err, which the app shows in its
     * banner; the lab keeps its previous input. May be NULL (the lab takes no files). */
    bool (*drop)(void *state, const char *path, char *err, size_t err_size);

    /* The lab's own keys and mouse actions for the H / F1 overlay, shown under the lab's title
     * after the global keys: a static array ended by {NULL, NULL}, e.g.
     *     static const UiHelpRow conv_help[] = {{"C", "visits per input cell on / off"},
     *                                           {"O", "type an image file's path"},
     *                                           {NULL, NULL}};
     * and `.help = conv_help` in the LabDef. May be NULL (no section). */
    const UiHelpRow *help;
} LabDef;

/* The registry, in tab order 1..8: Convolution, Pooling, Channels, Network, Train, Backprop,
 * Matrix, Activations. Entry i is never NULL; a lab not built yet has create == NULL. */
const LabDef *lab_get(int index /* 0..LAB_COUNT-1 */);
/* The lab named name ("convolution", ...), or NULL; *index gets its position (may be NULL). */
const LabDef *lab_find(const char *name, int *index);
/* Whether the lab is built (has create/draw). */
bool lab_is_built(const LabDef *lab);
/* Draws the honest "coming" note for a lab not built yet into ctx->stage. */
void lab_draw_coming(const LabDef *lab, LabContext *ctx);

#endif
