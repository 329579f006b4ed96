/* digits.c - the bundled digits, loaded once for every lab (see digits.h). */
#include "labs/common/digits.h"

#include "engine/assets.h"

/* One copy of the digits for all labs; the labs are created and destroyed on one thread. */
static Dataset digits;
static int digits_users = 0;
static bool digits_loaded = false;

const Dataset *lsu_digits_acquire(char *err, size_t err_size)
{
    if (!digits_loaded) {
        char dir[1024];
        assets_path(dir, sizeof dir, "assets/digits");
        if (!dataset_load_part(&digits, dir, DATASET_TEST, DATASET_WINDOW_LIMIT, err, err_size))
            return NULL;
        digits_loaded = true;
    }
    digits_users++;
    return &digits;
}

void lsu_digits_release(void)
{
    if (digits_users > 0 && --digits_users == 0 && digits_loaded) {
        dataset_free(&digits);
        digits_loaded = false;
    }
}

int lsu_digit_of_class(const Dataset *ds, int k, int n)
{
    int count = 0;
    for (int i = 0; i < ds->n; i++)
        count += ds->labels[i] == k;
    if (count == 0)
        return -1;
    n %= count;
    for (int i = 0; i < ds->n; i++)
        if (ds->labels[i] == k && n-- == 0)
            return i;
    return -1;
}
