/* ui.h - immediate-mode widgets and the Timeline model every lab steps with. Implemented by
 * ui.c (ids, behaviours, frame, plain widgets), ui_fields.c, ui_timeline.c and ui_help.c.
 * Depends on: viz/render.h, viz/theme.h (drawing only).
 *
 * Each widget is an id, a rectangle, a PURE behaviour function (UiState + UiInput -> new value
 * and changed/submitted flags; no SDL, unit-tested with synthetic input) and a draw function.
 * The ui_<widget>() calls do both in one go, the immediate-mode way:
 *     if (ui_slider_int(ui, ui_id("stride"), rc, "Stride", &stride, 1, 4)) recompute();
 * Ids: ui_id("label"), or ui_id_index(base, i) for repeated widgets. The frame loop allocates
 * nothing: all state lives in UiState. */
#ifndef CONVSCOPE_UI_H
#define CONVSCOPE_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "viz/render.h"
#include "viz/theme.h"

typedef uint32_t UiId;

/* Editing and navigation keys a widget may consume (one per frame). */
typedef enum UiKey {
    UI_KEY_NONE,
    UI_KEY_BACKSPACE,
    UI_KEY_DELETE,
    UI_KEY_ENTER,
    UI_KEY_ESCAPE,
    UI_KEY_LEFT,
    UI_KEY_RIGHT,
    UI_KEY_UP,
    UI_KEY_DOWN,
    UI_KEY_HOME,
    UI_KEY_END,
    UI_KEY_TAB,
    UI_KEY_SELECT_ALL /* Ctrl+A */
} UiKey;

/* One frame of input, filled by the app from SDL events (or by a test by hand). */
typedef struct UiInput {
    int mx, my;          /* mouse in px; off-window: -1, -1 */
    bool mouse_down;     /* left button held */
    bool mouse_pressed;  /* went down this frame */
    bool mouse_released; /* went up this frame */
    int wheel;           /* wheel clicks this frame, + away from the user */
    char text[32];       /* UTF-8 typed this frame ("" none) */
    UiKey key;           /* editing key pressed this frame */
    bool ctrl, shift;
} UiInput;

/* What a behaviour function reports. */
typedef struct UiResult {
    bool hovered;   /* the mouse is over the widget (and not over an overlay) */
    bool active;    /* being pressed / dragged / edited */
    bool changed;   /* the value changed this frame */
    bool submitted; /* a button was clicked / a field's Enter was pressed / an item picked */
} UiResult;

/* Interaction state that persists across frames. Zero-initialise it. */
typedef struct UiState {
    UiId hot;        /* under the mouse last frame */
    UiId active;     /* pressed / dragged */
    UiId focus;      /* number field taking keys */
    UiId open;       /* open dropdown */
    Rect overlay;    /* the open dropdown's list: the mouse over it belongs to that dropdown */
    char edit[32];   /* the focused field's text */
    float drag_from; /* value when a drag began */
    int drag_x;      /* mouse x when a drag began */
    bool dragged;    /* the press on a number field turned into a drag */
    bool replace;    /* the focused field's text is selected: typing replaces it */
} UiState;

/* FNV-1a hash of label; never 0. */
UiId ui_id(const char *label);
/* A distinct id for the i-th of a family of widgets. */
UiId ui_id_index(UiId base, int i);
/* Whether in's mouse is over rc for widget id (false when an overlay of another widget covers
 * the point). */
bool ui_mouse_over(const UiState *st, UiId id, Rect rc, const UiInput *in);

/* --- pure behaviours ------------------------------------------------------------------ */

/* Click = press and release inside rc: submitted. */
UiResult ui_button_behavior(UiState *st, UiId id, Rect rc, const UiInput *in);
/* Click flips *value: changed. */
UiResult ui_toggle_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, bool *value);
/* Press or drag along rc sets *value from the x position in [lo, hi], snapped to step
 * (step 0: continuous); the wheel moves one step (or 1/20 of the range). changed when the
 * value differs; submitted on release. */
UiResult ui_slider_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, float *value,
                            float lo, float hi, float step);
/* Integer slider over lo..hi. */
UiResult ui_slider_int_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, int *value,
                                int lo, int hi);
/* Number field: a click (or Ctrl+A) selects its text for replacing; typing edits
 * (digits, '-', '.'), Backspace deletes, Enter parses, clamps to [lo, hi], snaps to step and
 * submits (changed if different), Escape or a click elsewhere cancels; Up/Down and the wheel
 * move by step while hovered or focused; a horizontal drag of the unfocused field moves one
 * step per 6 px. */
UiResult ui_number_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, float *value,
                            float lo, float hi, float step, int decimals);
/* Text field editing buf (cap bytes, NUL-terminated) in place: a click focuses it with the
 * caret at the end; typed UTF-8 text is appended while it fits, Backspace deletes the last
 * character (a whole UTF-8 sequence), Enter submits and unfocuses, Tab, Escape or a click
 * elsewhere unfocuses (the text stays). Ctrl+A (UI_KEY_SELECT_ALL) selects the whole text
 * (st->replace): typing then replaces it, Backspace or Delete empties it, an arrow, Home or
 * End drops the selection. changed when the text changed. */
UiResult ui_text_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, char *buf, size_t cap);
/* Dropdown: a click opens the list of n items of item_h px below rc (above when it would leave
 * bounds); a click on an item selects it (changed, submitted) and closes; a click elsewhere or
 * Escape closes. */
UiResult ui_dropdown_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, int *selected,
                              int n, int item_h, Rect bounds);
/* The list rectangle the open dropdown covers (pure). */
Rect ui_dropdown_list_rect(Rect rc, int n, int item_h, Rect bounds);
/* Tabs: a click on tabs[i] selects i (changed). */
UiResult ui_tabs_behavior(UiState *st, UiId id, const Rect *tabs, int n, const UiInput *in,
                          int *selected);

/* --- the Timeline model (pure) --------------------------------------------------------- */

/* Speeds 0.25×, 0.5×, 1×, 2×, 4×, 8×, 16× and instant (jump to the end). */
#define TIMELINE_SPEEDS        8
#define TIMELINE_SPEED_1X      2
#define TIMELINE_SPEED_INSTANT 7

/* Position pos in 0..count: pos steps have been taken (0 is the start, before any step; count
 * is the end). Playing advances rate × speed steps per second and stops at the end. */
typedef struct Timeline {
    int pos, count;
    bool playing;
    int speed;        /* index into the speed table, 0..TIMELINE_SPEEDS-1 */
    float rate;       /* steps per second at 1× (default 2) */
    double carry;     /* fraction of a step accumulated */
    const char *unit; /* the label's noun ("window", "layer"); NULL: "step" (static string) */
} Timeline;

void timeline_init(Timeline *t, int count);
/* New step count (>= 0); pos is clamped, playing stops at the end. */
void timeline_set_count(Timeline *t, int count);
/* Plays forward by dt seconds; returns true when pos changed. */
bool timeline_advance(Timeline *t, double dt);
/* Jumps to pos (clamped); pauses. */
void timeline_seek(Timeline *t, int pos);
/* Moves delta steps (clamped); pauses. */
void timeline_step(Timeline *t, int delta);
/* Play/pause; playing from the end restarts from 0. */
void timeline_toggle(Timeline *t);
/* One speed faster / slower (clamped to the table). */
void timeline_faster(Timeline *t);
void timeline_slower(Timeline *t);
/* The speed multiplier; 0 for instant. */
float timeline_speed_factor(const Timeline *t);
/* "0.25×", "2×", "instant". */
const char *timeline_speed_label(const Timeline *t);

/* Pixel layout of the timeline bar (pure): ⏮ ◀ ▶/⏸ ▶ ⏭, the scrub bar, the `step k / n`
 * label and the speed button (click: faster, wrapping to the slowest after instant). label_w is the
 * width of the widest label the timeline can show (ui_timeline_label_width); the label gets it
 * whole and the scrub bar takes what is left (down to nothing on a very narrow bar). */
typedef struct UiTimelineLayout {
    Rect first, back, play, fwd, last, scrub, label, speed;
} UiTimelineLayout;
UiTimelineLayout ui_timeline_layout(Rect rc, const Theme *th, int label_w);
/* The width in pixels of the widest `step k / n` label for a timeline of count steps: k never
 * has more digits than n, and the label is set in the monospaced face, so "step n / n" it is. */
int ui_timeline_label_width(Render *r, const Theme *th, int count);
/* The same for a timeline whose label says unit ("window 9 / 9"); NULL: "step". */
int ui_timeline_unit_label_width(Render *r, const Theme *th, const char *unit, int count);
/* Buttons, scrubbing (press/drag on the scrub bar seeks) and the speed button; changed when
 * t->pos, playing or speed changed. */
UiResult ui_timeline_behavior(UiState *st, UiId id, const UiTimelineLayout *lay, const UiInput *in,
                              Timeline *t);

/* --- immediate-mode: behaviour + drawing ----------------------------------------------- */

#define UI_TOOLTIP_MAX 512

typedef struct Ui {
    UiState st;
    UiInput in;
    Render *r;
    const Theme *th;
    Rect bounds; /* the window: dropdowns and tooltips stay inside */
    char tooltip[UI_TOOLTIP_MAX];
    Rect tooltip_anchor; /* what the tooltip explains (w 0: the mouse pointer) */
    Rect tooltip_box;    /* where it was last drawn (for tests) */
    bool mouse_used;     /* a widget took the mouse this frame (the stage should not) */
    /* the open dropdown's list, drawn last by ui_end so it lies on top */
    const char *const *drop_items;
    int drop_n, drop_selected, drop_item_h;
    Rect drop_rect;
    bool focus_seen; /* the focused field was drawn this frame (else focus is dropped) */
    int label_w;     /* sliders' label column this frame (ui_column_labels); 0: 38 % of each */
} Ui;

/* Starts a frame: copies in, clears the tooltip. bounds is the whole window. */
void ui_begin(Ui *ui, Render *r, const Theme *th, const UiInput *in, Rect bounds);
/* Ends a frame: draws the open dropdown list and the tooltip on top. */
void ui_end(Ui *ui);

/* True while a number field has the keyboard focus: the app then sends keys and text to the
 * widgets instead of treating them as shortcuts. */
bool ui_wants_keys(const Ui *ui);

/* A text button; true when clicked. */
bool ui_button(Ui *ui, UiId id, Rect rc, const char *label);
/* ui_button, or when enabled is false a flat, dimmed button that takes no clicks (it still
 * keeps the mouse from the stage beneath). */
bool ui_button_enabled(Ui *ui, UiId id, Rect rc, const char *label, bool enabled);
/* A checkbox with its label; true when flipped. */
bool ui_toggle(Ui *ui, UiId id, Rect rc, const char *label, bool *value);
/* "label  track  value" in one row; true when the value changed. The label takes ui->label_w
 * (see ui_column_labels) or 38 % of rc, and never less than its own measured width plus a gap,
 * so it never touches the track. */
bool ui_slider(Ui *ui, UiId id, Rect rc, const char *label, float *value, float lo, float hi,
               float step, int decimals);
bool ui_slider_int(Ui *ui, UiId id, Rect rc, const char *label, int *value, int lo, int hi);
/* A number field; true when a new value was committed. */
bool ui_number(Ui *ui, UiId id, Rect rc, float *value, float lo, float hi, float step,
               int decimals);
bool ui_number_int(Ui *ui, UiId id, Rect rc, int *value, int lo, int hi);
/* A text field (see ui_text_behavior) showing placeholder, dimmed, while buf is empty and the
 * field is not focused; the end of a long text stays in view. True when Enter submitted it. */
bool ui_text_field(Ui *ui, UiId id, Rect rc, char *buf, size_t cap, const char *placeholder);
/* A dropdown showing items[*selected]; true when another item was picked. */
bool ui_dropdown(Ui *ui, UiId id, Rect rc, const char *const *items, int n, int *selected);
/* A row of tabs splitting rc evenly; true when another tab was picked. */
bool ui_tabs(Ui *ui, UiId id, Rect rc, const char *const *labels, int n, int *selected);
/* The timeline bar in rc; true when the user moved, played/paused or changed speed. */
bool ui_timeline(Ui *ui, UiId id, Rect rc, Timeline *t);
/* A label: text in rc (clipped) with the given face/size (at scale 1.0) and alignment. */
void ui_label(Ui *ui, Rect rc, const char *text, FontFace face, int size, int align, Color c);
/* Sets this frame's tooltip (multi-line with '\n'), drawn beside the mouse pointer by ui_end. */
void ui_tooltip(Ui *ui, const char *text);
/* Sets this frame's tooltip, drawn beside anchor (what it explains) and never over it. */
void ui_tooltip_at(Ui *ui, const char *text, Rect anchor);
/* Where a w x h tooltip goes beside anchor, gap px away (pure): below, above, right of or left
 * of it, the first side where it fits inside bounds without touching anchor (aligned with the
 * anchor's left or top edge, slid along that side to stay inside); when no side has the room,
 * the side with the most, kept inside bounds. */
Rect ui_tooltip_place(int w, int h, Rect anchor, Rect bounds, int gap);

/* The modal help overlay: the screen dimmed, a centred panel with title and (key, what) rows
 * flowing into as many columns as the height needs; the text steps down from the body size
 * (to 11 px at scale 1) before anything is cut. Drawing only; the app closes it on
 * Esc / H / F1 / click. A lab's rows are a static array ended by {NULL, NULL}. */
typedef struct UiHelpRow {
    const char *key, *what;
} UiHelpRow;
/* A group of rows under a heading (NULL: no heading). */
typedef struct UiHelpSection {
    const char *heading;
    const UiHelpRow *rows;
    int n;
} UiHelpSection;
/* The number of rows before the {NULL, NULL} end of rows (0 for NULL). */
int ui_help_count(const UiHelpRow *rows);
void ui_help_overlay(Ui *ui, const char *title, const UiHelpRow *rows, int n);
/* The overlay with sections in order; a heading never ends a column. */
void ui_help_overlay_sections(Ui *ui, const char *title, const UiHelpSection *sections,
                              int n_sections);

/* Standard control-column metrics at the theme's scale: row height and gap. */
int ui_row_height(const Theme *th);
int ui_gap(const Theme *th);

/* Stacks controls top to bottom in a column (the lab's control rect):
 *     UiColumn col = ui_column(ctx->controls, th);
 *     ui_slider_int(ui, id, ui_column_next(&col, 1), "Stride", &s, 1, 4);
 * ui_column_next returns a full-width rect `rows` row-heights tall (plus the gaps between) and
 * moves down; past the bottom it returns an empty rect (w = 0) so nothing is drawn. */
typedef struct UiColumn {
    Rect area;
    int y;
    int row_h, gap;
} UiColumn;
UiColumn ui_column(Rect area, const Theme *th);
/* Measures labels at the body size and makes the widest plus a gap the label column of every
 * slider drawn after it this frame (ui->label_w; capped at half of col's width), so the tracks
 * of a column line up whatever its labels say. Returns that width. */
int ui_column_labels(Ui *ui, const UiColumn *col, const char *const *labels, int n);
/* The parts of a slider row (pure): label | track | value, label_w wide label column (0: 38 %
 * of rc), a fixed value box at the right, the track between with a gap on each side. */
void ui_slider_parts(Rect rc, const Theme *th, int label_w, Rect *label, Rect *track, Rect *value);
Rect ui_column_next(UiColumn *col, int rows);
/* A section heading (panel heading size, secondary colour) taking one row. */
void ui_column_heading(Ui *ui, UiColumn *col, const char *text);

#endif
