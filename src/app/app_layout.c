/* app_layout.c - the frame's regions in pixels (pure): top bar, tabs, control column, stage,
 * bottom strip with timeline and equation, and the error banner's band. Every region the window,
 * `convscope render` and the bench draw comes from here, so they draw the same pixels.
 * Depends on: app/app.h, viz/theme.h. */
#include "app/app.h"

#include <math.h>
#include <string.h>

AppLayout app_layout(int w, int h, float scale, float pixel_ratio, bool has_timeline)
{
    (void)has_timeline;
    AppLayout L;
    memset(&L, 0, sizeof L);
    /* the requested scale times the HiDPI ratio, capped so the layout still fits the window:
     * at 800×600 that is about 1.1, at 1920×1080 2.0, at 4K the full 2.5 (× ratio) */
    float s = theme_clamp_scale(scale) * (pixel_ratio > 0.0f ? pixel_ratio : 1.0f);
    float cap = fminf((float)w / 720.0f, (float)h / 540.0f);
    if (cap < 0.75f)
        cap = 0.75f;
    if (s > cap)
        s = cap;
    L.scale = s;
    Theme th = theme_make(THEME_DARK, 1.0f);
    th.scale = s;
    int u = theme_px(&th, 8);
    L.window = (Rect){0, 0, w, h};
    L.top = (Rect){0, 0, w, theme_px(&th, 48)};
    L.brand = (Rect){2 * u, 0, theme_px(&th, 112), L.top.h};
    int lessons_w = theme_px(&th, 96);
    L.lessons = (Rect){w - 2 * u - lessons_w, u, lessons_w, L.top.h - 2 * u};
    L.tabs = (Rect){L.brand.x + L.brand.w + u, 0, L.lessons.x - u - (L.brand.x + L.brand.w + u),
                    L.top.h};
    L.body = (Rect){0, L.top.h, w, h - L.top.h};

    /* bottom strip: timeline and equation side by side, or stacked when the window is narrow */
    int row = theme_px(&th, 48);
    int inner_w = w - 2 * u - 2 * u;
    bool stacked = inner_w < theme_px(&th, 900);
    int strip_h = stacked ? 2 * row + u : row + u;
    L.strip = (Rect){u, h - u - strip_h, w - 2 * u, strip_h};
    Rect si = {L.strip.x + 2 * u, L.strip.y + u / 2, L.strip.w - 4 * u, L.strip.h - u};
    if (stacked) {
        L.timeline = (Rect){si.x, si.y, si.w, row};
        L.equation = (Rect){si.x, si.y + row, si.w, row};
    } else {
        int tw = theme_px(&th, 600);
        if (tw > si.w * 55 / 100)
            tw = si.w * 55 / 100;
        L.timeline = (Rect){si.x, si.y, tw, row};
        L.equation = (Rect){si.x + tw + 3 * u, si.y, si.w - tw - 3 * u, row};
    }

    int col_w = theme_px(&th, 272);
    if (col_w > w * 32 / 100)
        col_w = w * 32 / 100;
    int top = L.body.y + u;
    L.controls_panel = (Rect){u, top, col_w, L.strip.y - u - top};
    L.controls = rect_inset(L.controls_panel, 2 * u);
    /* the stage stops 2u short of the window's right edge: the panels' u plus the u of air
     * the control column has inside its panel, so no grid or legend touches the edge */
    L.stage = (Rect){L.controls_panel.x + col_w + u, top, w - (col_w + 4 * u), L.strip.y - u - top};
    return L;
}

void app_layout_reserve_banner(AppLayout *L)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    th.scale = L->scale;
    int u = theme_px(&th, 8), h = theme_px(&th, 40);
    L->banner = (Rect){L->body.x + u, L->body.y + u, L->body.w - 2 * u, h};
    /* everything under the top bar moves down by the banner and a unit of air */
    int band = h + u;
    L->body.y += band;
    L->body.h -= band;
    L->controls_panel.y += band;
    L->controls_panel.h -= band;
    L->controls.y += band;
    L->controls.h -= band;
    L->stage.y += band;
    L->stage.h -= band;
}
