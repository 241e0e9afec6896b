/* lk-key-sort.h: how the key table orders keys, column by column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-api-key.h"
#include "lk-key-layout.h"

G_BEGIN_DECLS

/* @a against @b by @column, ascending, as a GtkOrdering:
 *   name         by locale collation of the folded names
 *   client ID    byte order
 *   created      oldest first
 *   expires      soonest first, "never" last
 *   permissions  fewest first, then by category
 *   keyring      keys whose secret is stored here first */
int   lk_key_sort_compare  (LkKeyColumn  column,
                            LkApiKey    *a,
                            LkApiKey    *b);
/* Works out what sorting @keys (LkApiKey) needs (their names' collation
 * keys, kept on them) and sorts them in a new table's order (by name).
 * Safe in any thread while no other uses the keys. */
void  lk_key_sort_prepare  (GPtrArray   *keys);

G_END_DECLS
