/* lab_help_check.h - shared by the lab tests (include after test.h and app/app.h): the H
 * overlay of a lab lists its LabDef.help rows under the lab's title after the global keys, and
 * every letter key those rows name ("C", "M  ⇧M") is one the lab's key callback takes. */
#ifndef CONVSCOPE_LAB_HELP_CHECK_H
#define CONVSCOPE_LAB_HELP_CHECK_H

#include <string.h>

/* Checks app's help sections while lab (open in app, state st) shows; returns how many letter
 * keys were pressed through lab->key. */
static int lab_help_check(App *app, const LabDef *lab, void *st)
{
    UiHelpSection secs[4];
    int n_secs = app_help_sections(app, secs, 4);
    CHECK(n_secs >= 2);
    if (n_secs < 2)
        return 0;
    CHECK(secs[0].heading == NULL);
    CHECK_STR_EQ(lab->title, secs[1].heading);
    CHECK(secs[1].rows == lab->help);
    int n = ui_help_count(lab->help);
    CHECK_INT_EQ(n, secs[1].n);
    CHECK(n >= 3);
    int pressed = 0;
    for (int i = 0; i < n; i++) {
        CHECK(lab->help[i].what != NULL && lab->help[i].what[0] != '\0');
        /* tokens of the key column, split at spaces */
        char keys[64];
        snprintf(keys, sizeof keys, "%s", lab->help[i].key);
        for (char *tok = strtok(keys, " "); tok; tok = strtok(NULL, " ")) {
            bool shift = strncmp(tok, "\xE2\x87\xA7", 3) == 0; /* ⇧ */
            const char *k = shift ? tok + 3 : tok;
            if (strlen(k) != 1 || k[0] < 'A' || k[0] > 'Z')
                continue;
            bool taken = lab->key && lab->key(st, k[0] - 'A' + 'a', false, shift);
            if (!taken)
                fprintf(stderr, "%s lab: help lists key '%s' that its key callback refuses\n",
                        lab->name, tok);
            CHECK(taken);
            pressed++;
        }
    }
    return pressed;
}

#endif
