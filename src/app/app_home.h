/* app_home.h - the home screen: the lab cards and the lessons list, and its keys.
 * Depends on: app/app.h. */
#ifndef CONVSCOPE_APP_HOME_H
#define CONVSCOPE_APP_HOME_H

#include <stdbool.h>

#include "app/app.h"

/* Draws the home screen in the frame's body (app->lay) and handles its clicks: a card opens its
 * lab, a lesson its first step; the wheel over a scrolled lesson list moves the choice. */
void app_home_draw(App *app, Render *r);
/* The home screen's keys: Down / Right / Tab (Shift+Tab back) and Up / Left move the choice
 * over the labs then the lessons, Enter opens it. Returns whether the key was taken. */
bool app_home_key(App *app, int key, bool shift);

#endif
