/* progress.h - a one-line progress bar for long commands, drawn on a terminal only (when the
 * stream is not a terminal, nothing is drawn, so logs and pipes stay clean). Depends on: libc.
 *
 *     Progress p;
 *     progress_begin(&p, stderr, total);
 *     progress_update(&p, done, "epoch 1/3  loss 0.1234");   // redrawn at most 10 times a second
 *     progress_end(&p);                                      // clears the line */
#ifndef CONVSCOPE_PROGRESS_H
#define CONVSCOPE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PROGRESS_BAR_WIDTH 24

typedef struct Progress {
    FILE *out;
    bool enabled; /* out is a terminal */
    long total;
    double last_draw; /* seconds, monotonic */
    int last_len;     /* characters of the last line, to blank it out */
} Progress;

/* Formats "[#########...............]  37%  text" into buf: a bar of width cells, done of
 * total filled (rounded down; total <= 0 counts as empty). Returns buf. */
char *progress_format(char *buf, size_t size, long done, long total, int width, const char *text);

/* Starts a bar on out; it draws only when out is a terminal (isatty). */
void progress_begin(Progress *p, FILE *out, long total);
/* Redraws the line if 0.1 s passed since the last draw, or when done == total. */
void progress_update(Progress *p, long done, const char *text);
/* Clears the line so the next output starts clean. */
void progress_end(Progress *p);

#endif
