/* progress.c - see progress.h. */
#include "cli/progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

char *progress_format(char *buf, size_t size, long done, long total, int width, const char *text)
{
    if (done < 0)
        done = 0;
    if (total > 0 && done > total)
        done = total;
    int filled = total > 0 ? (int)((double)done / (double)total * width) : 0;
    int percent = total > 0 ? (int)(100.0 * (double)done / (double)total) : 0;
    char bar[256];
    if (width > (int)sizeof bar - 1)
        width = (int)sizeof bar - 1;
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    snprintf(buf, size, "[%s] %3d%%%s%s", bar, percent, text && text[0] ? "  " : "",
             text ? text : "");
    return buf;
}

void progress_begin(Progress *p, FILE *out, long total)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->enabled = isatty(fileno(out)) != 0;
    p->total = total;
    p->last_draw = -1.0;
}

void progress_update(Progress *p, long done, const char *text)
{
    if (!p->enabled)
        return;
    double t = now_seconds();
    if (p->last_draw >= 0.0 && t - p->last_draw < 0.1 && done < p->total)
        return;
    p->last_draw = t;
    char line[512];
    progress_format(line, sizeof line, done, p->total, PROGRESS_BAR_WIDTH, text);
    int len = (int)strlen(line);
    /* pad with spaces over the end of a longer previous line */
    fprintf(p->out, "\r%s%*s", line, p->last_len > len ? p->last_len - len : 0, "");
    fflush(p->out);
    p->last_len = len;
}

void progress_end(Progress *p)
{
    if (!p->enabled || p->last_len == 0)
        return;
    fprintf(p->out, "\r%*s\r", p->last_len, "");
    fflush(p->out);
    p->last_len = 0;
}
