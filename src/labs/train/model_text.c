/* labs/train/model_text.c - the texts the Train lab writes from its model (see model.h):
 * counts with thousands separators, the optimizer's update rule with its learning rate, the
 * last step's numbers, and the divergence explained. */
#include "labs/train/model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *trainmodel_thousands(long v, char *out, size_t size)
{
    char d[32];
    snprintf(d, sizeof d, "%ld", v < 0 ? -v : v);
    size_t n = strlen(d), k = 0;
    char buf[48];
    if (v < 0)
        buf[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        buf[k++] = d[i];
        if ((n - 1 - i) % 3 == 0 && i + 1 < n)
            buf[k++] = ',';
    }
    buf[k] = '\0';
    snprintf(out, size, "%s", buf);
    return out;
}

/* "η = 0.005", or with a decay "η = 0.005·0.4² = 0.0008" (the one the next step uses). */
static void eta_text(const TrainerSnapshot *s, char *out, size_t size)
{
    int e = s->lr_decay != 1.0f && s->lr_decay > 0.0f ? s->lr_epoch : 0;
    double now = (double)s->lr * pow((double)s->lr_decay, (double)e);
    static const char *const sup[] = {"", "", "\xC2\xB2", "\xC2\xB3"};
    if (e <= 0)
        snprintf(out, size, "\xCE\xB7 = %g", (double)s->lr);
    else if (e < 4)
        snprintf(out, size, "\xCE\xB7 = %g\xC2\xB7%g%s = %.2g", (double)s->lr, (double)s->lr_decay,
                 sup[e], now);
    else
        snprintf(out, size, "\xCE\xB7 = %g\xC2\xB7%g^%d = %.2g", (double)s->lr, (double)s->lr_decay,
                 e, now);
}

const char *trainmodel_rule_text(const TrainModel *m, bool full, char *out, size_t size)
{
    const TrainerSnapshot *s = &m->snap;
    char eta[64];
    eta_text(s, eta, sizeof eta);
    if (s->optim == OPTIM_ADAM && full)
        snprintf(out, size,
                 "Adam: w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7m/(\xE2\x88\x9Av + \xCE\xB5) "
                 " (m, v: running means of g, g\xC2\xB2),  %s",
                 eta);
    else if (s->optim == OPTIM_ADAM)
        snprintf(out, size,
                 "Adam: w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7m/(\xE2\x88\x9Av + "
                 "\xCE\xB5),  %s",
                 eta);
    else if (full)
        snprintf(out, size,
                 "SGD: v \xE2\x86\x90 0.9\xC2\xB7v + \xE2\x88\x82L/\xE2\x88\x82w,  w \xE2\x86\x90 "
                 "w \xE2\x88\x92 \xCE\xB7\xC2\xB7v,  %s",
                 eta);
    else
        snprintf(out, size, "SGD: w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7v,  %s", eta);
    return out;
}

const char *trainmodel_step_text(const TrainModel *m, char *out, size_t size)
{
    const TrainerSnapshot *s = &m->snap;
    if (s->n_train > 0)
        snprintf(out, size, "step %ld: loss %.4f on a batch of %d, %d of %d right", s->step,
                 (double)s->train_hist[s->n_train - 1].loss, s->n,
                 (int)llroundf(s->train_hist[s->n_train - 1].accuracy * (float)s->n), s->n);
    else
        snprintf(out, size, "step 0: the weights from seed %llu, not trained yet",
                 (unsigned long long)m->cfg.seed);
    return out;
}

const char *trainmodel_divergence_text(const TrainModel *m, char *out, size_t size)
{
    if (m->snap.optim == OPTIM_ADAM)
        snprintf(out, size,
                 "%s.\n\nWhy: Adam moves every weight by about \xCE\xB7 per step, whatever the "
                 "size of its gradient (\xCE\xB7 = %g). The weights start near \xC2\xB1"
                 "0.2, "
                 "so a step that large throws them far from any sensible value: the outputs "
                 "saturate, the softmax gives the right class a probability near 0 and the loss "
                 "explodes. Choose a smaller learning rate (0.001 to 0.003 for Adam) and press "
                 "Play.",
                 m->message, (double)m->snap.lr);
    else
        snprintf(out, size,
                 "%s.\n\nWhy: SGD moves every weight by \xCE\xB7 times its gradient (\xCE\xB7 = "
                 "%g). When that step is wider than the valley the loss sits in, it lands higher "
                 "up the other side, where the gradient is larger still; each step overshoots "
                 "more and the loss grows until the numbers overflow. Choose a smaller learning "
                 "rate (0.01 to 0.1 for SGD) and press Play.",
                 m->message, (double)m->snap.lr);
    return out;
}
