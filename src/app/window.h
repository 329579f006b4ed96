/* window.h - the SDL window and its event loop around app_frame, the headless `render`
 * subcommand, and the frame-time bench. Depends on: app/app.h, SDL2, SDL2_image. */
#ifndef CONVSCOPE_WINDOW_H
#define CONVSCOPE_WINDOW_H

#include <stdbool.h>
#include <stdio.h>

/* Opens the window (1280×800, resizable, minimum 800×600, HiDPI aware, vsync) and runs until
 * quit. Returns the process exit status. */
int window_run(void);
/* The same, opening the lesson file on step (1-based) first (`convscope --lesson F --step N`);
 * a lesson that cannot open shows its FILE:LINE message in the banner. */
int window_run_lesson(const char *lesson, int step);

/* `convscope render (--lab NAME | --lesson FILE | --home) [--size WxH] [--scale F] [--theme T]
 * [--step N] [--KEY VALUE ...] --out FILE.png`: argv[0] is "render". With --lesson, --step N
 * is the lesson's step (1-based) and the lesson sets the scene. Draws one frame through
 * app_frame on a software renderer over an SDL_Surface and saves it as PNG. Errors go to
 * stderr; returns the exit status. */
int window_render_command(int argc, char **argv);

/* The frame bench for `convscope bench`: median and p99 of a full frame of the home screen and
 * each lab at 1280×800 on the software renderer. */
void window_frame_bench(FILE *out, bool json);

#endif
