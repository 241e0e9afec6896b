/* lk-key-search.h: how the key list's search matches keys
 *
 * One place for the matching the keys view uses and the benchmark measures:
 * a key matches when its name or client ID contains the search text,
 * compared after Unicode normalisation and case folding.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "lk-api-key.h"

G_BEGIN_DECLS

/* The needle for @text: trimmed, normalised and case-folded; NULL when
 * @text is empty or only spaces (everything matches). */
char            *lk_key_search_needle     (const char *text);
/* Whether @key matches @needle (NULL matches every key).  The key's
 * folded text is made once and cached on it, so typing allocates nothing
 * per row. */
gboolean         lk_key_search_matches    (LkApiKey   *key,
                                           const char *needle);
/* The text a needle is looked for in: the key's name and client ID,
 * folded, on two lines; made once and cached on the key. */
const char      *lk_key_search_haystack   (LkApiKey   *key);
/* Appends the same text to @out without caching it on the key (a list
 * that keeps the texts of all its keys in one buffer needs no second
 * copy on each key). */
void             lk_key_search_append_haystack (GString  *out,
                                                LkApiKey *key);
/* How a filter changes from @old_needle to @new_needle, so a
 * GtkFilterListModel rechecks only what it must. */
GtkFilterChange  lk_key_search_change     (const char *old_needle,
                                           const char *new_needle);

G_END_DECLS
