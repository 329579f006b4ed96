/* theme.h - the palettes of LOOK.md (dark, light, high-contrast projector), the UI scale and
 * the 8 px spacing grid. Depends on: viz/render.h (Color only). Pure data and arithmetic. */
#ifndef CONVSCOPE_THEME_H
#define CONVSCOPE_THEME_H

#include "viz/render.h"

typedef enum ThemeKind {
    THEME_DARK,
    THEME_LIGHT,
    THEME_PROJECTOR, /* high contrast: black ground, white text, brighter accents */
    THEME_COUNT
} ThemeKind;

#define THEME_SCALE_MIN 1.0f
#define THEME_SCALE_MAX 2.5f

typedef struct Theme {
    ThemeKind kind;
    const char *name; /* "dark", "light", "projector" */
    float scale;      /* UI scale, THEME_SCALE_MIN..THEME_SCALE_MAX */
    Color bg;         /* window background */
    Color panel;      /* panels, controls column, top bar */
    Color border;     /* panel borders, grid lines */
    Color text;
    Color text_dim;     /* secondary text */
    Color accent;       /* amber: the current window / cell / active control */
    Color accent_text;  /* amber for words (the current step's caption, the prediction): the
                         * accent, darkened where needed to read as body text (4.5:1) on bg,
                         * panel and an accent-tinted row */
    Color hover;        /* cyan: hover, receptive field, linked cells */
    Color padding;      /* padding cells */
    Color padding_text; /* the dim "0" in padding cells */
    Color error;
    Color warning;
    Color control;     /* widget face */
    Color control_hot; /* widget face under the mouse */
    Color shadow;      /* overlay dimming (translucent) */
} Theme;

/* The palette for kind at the given scale (clamped to the allowed range). */
Theme theme_make(ThemeKind kind, float scale);
/* Parses "dark" | "light" | "projector"; false when unknown. */
bool theme_parse(const char *name, ThemeKind *out);
/* Clamps a requested UI scale into THEME_SCALE_MIN..THEME_SCALE_MAX. */
float theme_clamp_scale(float scale);

/* base pixels (at scale 1.0) times the theme's scale, rounded; never 0 for base > 0. */
int theme_px(const Theme *th, float base);

/* LOOK.md sizes at scale 1.0: title 22, panel heading 16, body 14; spacing unit 8, radius 8. */
#define THEME_TITLE   22
#define THEME_HEADING 16
#define THEME_BODY    14
#define THEME_SMALL   12
#define THEME_UNIT    8
#define THEME_RADIUS  8

#endif
