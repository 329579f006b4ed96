/* labs/train/view_int.h - what the Train lab's view files share (room-private): the lab's
 * state and the functions one panel's file calls in another's.
 * Files: view.c (the lab: life cycle, play / pause / jumps, options, keys, the frame and its
 * equation strip), view_controls.c (the control column), view_plots.c (loss and accuracy),
 * view_confusion.c (the confusion matrix), view_images.c (the kernels, the prediction stream,
 * a confusion cell's digits, the divergence notice), view_common.c (what the panels share).
 * Depends on: labs/train/model.h, labs/lab.h, ui, viz (render, theme). */
#ifndef CONVSCOPE_LABS_TRAIN_VIEW_INT_H
#define CONVSCOPE_LABS_TRAIN_VIEW_INT_H

#include "labs/lab.h"
#include "labs/train/model.h"
#include "ui/ui.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <stdbool.h>
#include <stdint.h>

/* Paced play at 1x: images per second, so the bundled 8,000 digits take 30 s an epoch at any
 * batch size (narratable; 2x .. 16x and "instant" are faster). */
#define TRAINVIEW_PACE_IMAGES (8000.0 / 30.0)

typedef struct TrainLab {
    TrainModel m; /* first: tests reach it through the state pointer */
    Timeline tl;
    bool tl_playing; /* the timeline's playing flag as the lab last saw it */
    bool playing;    /* the lab trains: free-running worker (speed "instant") or paced steps */
    double pace;     /* paced play: steps owed so far (fractional) */
    int tl_pos;      /* its position as the lab last saw it */
    long pending;    /* steps still to take for a jump (scrub, End, --step) */
    bool replaying;  /* the jump replays from the start (scrubbed back) */
    int plan_epochs; /* playing stops after this many epochs (Play at the stop adds one) */
    bool stopped;    /* playing stopped there: the note says so */
    char stop_note[160];

    /* the shared net (labs/common/netshare.h) this lab follows */
    unsigned net_gen;   /* the share's net_gen last seen */
    char net_note[512]; /* "New net from the Network lab (my-net): training reset", or why a
                         * net was refused ("" none) */
    bool net_refused;   /* the note is a refusal (drawn in the warning colour) */
    long pub_step;      /* the step whose weights were last published (-1 none) */
    int pub_epoch;      /* the completed epochs at that publication */

    /* the dropdowns: fixed items plus one slot for a value set by an option */
    const char *lr_items[TRAINLAB_N_LR + 1];
    char lr_custom[32];
    const char *batch_items[TRAINLAB_N_BATCH + 1];
    char batch_custom[32];

    /* textures, made with the Render the lab first draws with */
    Render *img_r;
    RenderImage *kimg[TRAINLAB_MAX_KERNELS];
    int kimg_h, kimg_w; /* their size (the kernels' side when made) */
    unsigned kimg_gen;
    bool kimg_valid;
    RenderImage *simg[TRAINLAB_STREAM];
    long simg_key[TRAINLAB_STREAM]; /* the serial of the stream item each shows (-1 none) */
    RenderImage *gimg[TRAINLAB_GALLERY];
    int gimg_index[TRAINLAB_GALLERY]; /* the test index each shows (-1 none) */
    uint32_t px[TRAINLAB_PIX];

    /* curve buffers in the units drawn */
    float acc_pct[TRAINLAB_BINS];
    float *test_pct;
    int test_pct_cap;
    /* the x of the curves: epochs, or training steps while the run is under an epoch */
    bool x_steps;
    float x_hi;
    float bin_x[TRAINLAB_BINS];
    float *test_x;        /* (test_pct_cap) */
    int acc_legend_n;     /* the accuracy plot's legend entries as last drawn (train, test) */
    bool acc_legend_fits; /* and whether they fitted its legend line uncut */
    int notes_cut;        /* the wrapped notes cut short in the last frame */

    /* text kept alive while drawn */
    char title_loss[128], title_acc[128], leg_train[96], leg_acc[96], leg_test[96];
    char tip[UI_TOOLTIP_MAX];
    char eq[512], eq2[512];
} TrainLab;

/* ---- view.c: playing ----------------------------------------------------------------------- */

/* Play: the worker runs free at speed "instant"; slower speeds take paced single steps. */
void trainview_play(TrainLab *L);
void trainview_pause(TrainLab *L);
/* Whether the timeline's speed is "instant" (the worker runs free). */
bool trainview_full_speed(const Timeline *tl);
/* Paced play: steps per second at the timeline's speed with batch images a step
 * (TRAINVIEW_PACE_IMAGES images per second at 1x). */
double trainview_pace_rate(const Timeline *tl, int batch);
/* The note under the Training buttons: the stop, a new net or a refused one ("" none); *warn
 * when it is a refusal. */
const char *trainview_note_text(const TrainLab *L, bool *warn);

/* ---- the panels ------------------------------------------------------------------------------ */

/* view_controls.c: play / step / reset, the settings, the progress, the keys. */
void trainview_draw_controls(TrainLab *L, LabContext *ctx);
/* view_plots.c: the loss and the accuracy over the run. */
void trainview_draw_loss_plot(TrainLab *L, LabContext *ctx, Rect area);
void trainview_draw_acc_plot(TrainLab *L, LabContext *ctx, Rect area);
/* view_confusion.c: the confusion matrix of the last test evaluation; a click selects a cell. */
void trainview_draw_confusion(TrainLab *L, LabContext *ctx, Rect area);
/* view_images.c: the textures (made on the first draw or for a new Render; false when they
 * cannot be), the first layer's kernels, the stream of predictions, the selected confusion
 * cell's digits, the divergence notice in the place of the last two. */
bool trainview_ensure_images(TrainLab *L, Render *r);
void trainview_destroy_images(TrainLab *L);
void trainview_draw_kernels(TrainLab *L, LabContext *ctx, Rect area, bool images);
void trainview_draw_stream(TrainLab *L, LabContext *ctx, Rect area, bool images);
void trainview_draw_gallery(TrainLab *L, LabContext *ctx, Rect area, bool images);
void trainview_draw_divergence(TrainLab *L, LabContext *ctx, Rect area);

/* ---- view_common.c ----------------------------------------------------------------------- */

/* The first of n texts that fits max_w at size (the last one when none does). */
const char *trainview_pick_fit(Render *r, FontFace face, int size, int max_w, int n,
                               const char *const *texts);
/* A heading line at the top of rc (the first of n texts that fits); returns the rect below. */
Rect trainview_heading_fit(Render *r, const Theme *th, Rect rc, int n, const char *const *texts);
/* Wrapped text at the top of rc in c; returns the height used. */
int trainview_note(Render *r, const Theme *th, Rect rc, const char *text, Color c);
/* The notes cut short (needing more height than their rect) since the last call; resets. */
int trainview_notes_cut(void);
/* Right answers cyan, mistakes red. */
Color trainview_right_color(const Theme *th);
Color trainview_wrong_color(const Theme *th);

#endif
