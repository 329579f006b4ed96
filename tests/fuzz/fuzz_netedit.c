/* fuzz_netedit.c - libFuzzer harness for the net editor's document: a starting text (a preset,
 * or the first part of the input up to a NUL) and a sequence of edits, undos and redos drawn
 * from the rest of the input. After every step the invariants of tests/engine/netedit_ops.h
 * hold (the text re-parses to the same analysis, the parser's messages on the rows, one-line
 * edits touch one line and keep its comment); at the end undoing everything gives back the
 * starting bytes and redoing everything the last edited text. Crashes, sanitizer reports. */
#include "../engine/netedit_ops.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEPS 200 /* fewer than NETDOC_MAX_UNDO, so that undo reaches the start */

static void fail(const char *what, const char *desc, const char *why, const NetDoc *doc)
{
    fprintf(stderr, "%s after '%s': %s\n--- text ---\n%s\n", what, desc, why, netdoc_text(doc));
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char err[512] = "";
    NetDoc *doc = NULL;
    size_t pos = 1;
    if (data[0] < 0xc0) {
        doc = netdoc_load_preset(data[0] % netdoc_preset_count(), err, sizeof err);
    } else {
        const uint8_t *nul = memchr(data + 1, 0, size - 1);
        size_t n = nul ? (size_t)(nul - data) - 1 : size - 1;
        char *text = malloc(n + 1);
        if (!text)
            return 0;
        memcpy(text, data + 1, n);
        text[n] = '\0';
        doc = netdoc_create(text, "fuzz.net", err, sizeof err);
        free(text);
        pos = 1 + n + (nul != NULL);
    }
    if (!doc) {
        if (data[0] < 0xc0) {
            fprintf(stderr, "preset: %s\n", err);
            abort();
        }
        return 0;
    }
    char desc[256] = "load", why[256] = "";
    if (!ops_check(doc, why, sizeof why))
        fail("invariant", desc, why, doc);
    char *original = malloc(netdoc_text_size(doc) + 1), *tip = NULL;
    if (!original)
        abort();
    memcpy(original, netdoc_text(doc), netdoc_text_size(doc) + 1);
    tip = strdup(original);
    OpSource src = {data, size, pos, NULL};
    for (int step = 0; step < MAX_STEPS && src.pos < src.size; step++) {
        int depth = netdoc_undo_depth(doc);
        if (!ops_step(doc, &src, desc, sizeof desc, why, sizeof why))
            fail("edit", desc, why, doc);
        if (!ops_check(doc, why, sizeof why))
            fail("invariant", desc, why, doc);
        if (netdoc_undo_depth(doc) > depth && strncmp(desc, "redo", 4) != 0) {
            free(tip);
            tip = strdup(netdoc_text(doc));
        }
    }
    while (netdoc_can_undo(doc))
        if (!netdoc_undo(doc))
            fail("undo", "undo", netdoc_why(doc), doc);
    if (strcmp(original, netdoc_text(doc)) != 0)
        fail("undo all", "undo", "not the starting bytes", doc);
    if (netdoc_modified(doc))
        fail("undo all", "undo", "still marked modified", doc);
    while (netdoc_can_redo(doc))
        if (!netdoc_redo(doc))
            fail("redo", "redo", netdoc_why(doc), doc);
    if (!tip || strcmp(tip, netdoc_text(doc)) != 0)
        fail("redo all", "redo", "not the last edited text", doc);
    free(original);
    free(tip);
    netdoc_destroy(doc);
    return 0;
}
