/* lk-key-cells.h: what the key table's cells say about a key
 *
 * The texts a row of the table draws, reads to screen readers and shows
 * as tooltips, in one place.  Those that do not change with time are made
 * once per key and kept on it (keys are immutable but for
 * "has-local-secret"), so moving a row to another key formats nothing
 * twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-api-key.h"
#include "lk-key-layout.h"

G_BEGIN_DECLS

/* The creation date ("Mar 4, 2025", "—" if unknown), kept on the key. */
const char *lk_key_cells_get_created           (LkApiKey    *key);
/* The permissions in short, kept on the key. */
const char *lk_key_cells_get_permissions       (LkApiKey    *key);
/* "Never", or how far the expiry is from now ("in 3 days"). */
char       *lk_key_cells_dup_expires           (LkApiKey    *key);
/* The Expires cell: "Retires in 23 hours" when a rotation scheduled the
 * key's deletion at @retire_at (non-zero), else as above. */
char       *lk_key_cells_dup_expires_cell      (LkApiKey    *key,
                                                gint64       retire_at);
/* "Retires in 23 hours", "Retires in 3 days", "Retires now": when a key
 * whose deletion is scheduled at @retire_at goes, seen at @now. */
char       *lk_key_cells_describe_retirement   (gint64       now,
                                                gint64       retire_at);
/* What the keyring column's icon means. */
const char *lk_key_cells_get_keyring           (void);
/* How the expiry is highlighted: "error" (expired), "warning" (within
 * @warning_days) or NULL. */
const char *lk_key_cells_get_expiry_level      (LkApiKey    *key,
                                                guint        warning_days);
/* The tooltip of @column, or NULL for none.  The name's says why the
 * key needs attention (an expiry within @warning_days counting), the
 * keyring column's where its secret is. */
char       *lk_key_cells_dup_tooltip           (LkApiKey    *key,
                                                LkKeyColumn  column,
                                                guint        warning_days);
/* Why the key is marked (lk-key-health.h), the informational note
 * included, for the row's accessible description; NULL when nothing. */
char       *lk_key_cells_dup_health            (LkApiKey    *key,
                                                guint        warning_days);
/* The row's accessible description: when a rotation deletes the key
 * (@retire_at, 0 for never, seen at @now), then why it is marked, in
 * whole sentences; NULL when there is nothing to say. */
char       *lk_key_cells_dup_description       (LkApiKey    *key,
                                                gint64       now,
                                                gint64       retire_at,
                                                guint        warning_days);
/* The whole row in one sentence, for screen readers. */
char       *lk_key_cells_dup_accessible_text   (LkApiKey    *key);

G_END_DECLS
