/* theme.c - the three palettes. Dark is LOOK.md's table; light mirrors it with darker accents
 * so amber and cyan keep their contrast on white; projector pushes contrast to the maximum for
 * washed-out classroom projectors. */
#include "viz/theme.h"

#include <math.h>
#include <string.h>

static const char *const names[THEME_COUNT] = {"dark", "light", "projector"};

float theme_clamp_scale(float scale)
{
    if (!(scale >= THEME_SCALE_MIN))
        return THEME_SCALE_MIN;
    if (scale > THEME_SCALE_MAX)
        return THEME_SCALE_MAX;
    return scale;
}

Theme theme_make(ThemeKind kind, float scale)
{
    Theme t;
    memset(&t, 0, sizeof t);
    if ((int)kind < 0 || kind >= THEME_COUNT)
        kind = THEME_DARK;
    t.kind = kind;
    t.name = names[kind];
    t.scale = theme_clamp_scale(scale);
    switch (kind) {
    case THEME_LIGHT:
        t.bg = COLOR_HEX(0xf3f4f7);
        t.panel = COLOR_HEX(0xffffff);
        t.border = COLOR_HEX(0xd3d8e0);
        t.text = COLOR_HEX(0x1a1d24);
        t.text_dim = COLOR_HEX(0x586273);
        t.accent = COLOR_HEX(0xc27400);
        t.accent_text = COLOR_HEX(0x8a5000); /* c27400 is 3.3:1 on the ground: too faint */
        t.hover = COLOR_HEX(0x0088b8);
        t.padding = COLOR_HEX(0xe2e5eb);
        t.padding_text = COLOR_HEX(0x5f6675); /* 4.6:1 on padding: dim beside 1a1d24, legible */
        t.error = COLOR_HEX(0xd32f2f);
        t.warning = COLOR_HEX(0xc27400);
        t.control = COLOR_HEX(0xeceef2);
        t.control_hot = COLOR_HEX(0xdfe3ea);
        t.shadow = (Color){20, 24, 32, 120};
        break;
    case THEME_PROJECTOR:
        t.bg = COLOR_HEX(0x000000);
        t.panel = COLOR_HEX(0x101114);
        t.border = COLOR_HEX(0x5c616c);
        t.text = COLOR_HEX(0xffffff);
        t.text_dim = COLOR_HEX(0xd0d5de);
        t.accent = COLOR_HEX(0xffc400);
        t.accent_text = t.accent;
        t.hover = COLOR_HEX(0x5ce1ff);
        t.padding = COLOR_HEX(0x34373f);
        t.padding_text = COLOR_HEX(0xa4aab5); /* 5.1:1 on padding */
        t.error = COLOR_HEX(0xff6b6b);
        t.warning = COLOR_HEX(0xffc400);
        t.control = COLOR_HEX(0x1f2126);
        t.control_hot = COLOR_HEX(0x30333b);
        t.shadow = (Color){0, 0, 0, 190};
        break;
    default:
        t.bg = COLOR_HEX(0x15171c);
        t.panel = COLOR_HEX(0x1d2027);
        t.border = COLOR_HEX(0x2a2e38);
        t.text = COLOR_HEX(0xe8eaf0);
        t.text_dim = COLOR_HEX(0x9aa3b2);
        t.accent = COLOR_HEX(0xffb000);
        t.accent_text = t.accent;
        t.hover = COLOR_HEX(0x4cc9f0);
        t.padding = COLOR_HEX(0x2a2e38);
        t.padding_text = COLOR_HEX(0x939aa8); /* 4.8:1 on padding */
        t.error = COLOR_HEX(0xff5d5d);
        t.warning = COLOR_HEX(0xffb000);
        t.control = COLOR_HEX(0x262a33);
        t.control_hot = COLOR_HEX(0x333845);
        t.shadow = (Color){0, 0, 0, 160};
        break;
    }
    return t;
}

bool theme_parse(const char *name, ThemeKind *out)
{
    for (int i = 0; i < THEME_COUNT; i++)
        if (name && strcmp(name, names[i]) == 0) {
            *out = (ThemeKind)i;
            return true;
        }
    return false;
}

int theme_px(const Theme *th, float base)
{
    int v = (int)lroundf(base * th->scale);
    if (base > 0.0f && v < 1)
        v = 1;
    return v;
}
