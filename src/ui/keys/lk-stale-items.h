/* lk-stale-items.h: secrets stored here for keys that no longer exist
 *
 * Above the key list, one row per keyring item whose key the platform no
 * longer lists (lk-key-health.h), each with Remove, which removes exactly
 * that key's item ("stale.remove", the key ID as its parameter).  Hidden
 * when there are none.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-client.h"

G_BEGIN_DECLS

#define LK_TYPE_STALE_ITEMS (lk_stale_items_get_type ())
G_DECLARE_FINAL_TYPE (LkStaleItems, lk_stale_items, LK, STALE_ITEMS, AdwBin)

/* Properties:
 *   "n-items"  uint (read-only): how many stale items are shown */

GtkWidget *lk_stale_items_new         (void);
/* Looks for stale items of @client's platform against its keys, which
 * must be a complete list; NULL hides them all. */
void       lk_stale_items_check       (LkStaleItems *self,
                                       LkClient     *client);
guint      lk_stale_items_get_n_items (LkStaleItems *self);

G_END_DECLS
