/* lk-key-rows.h: the positions of the key table, and the key at each
 *
 * The key table shows LkKeyRow objects, one per shown position, rather
 * than the keys themselves.  GTK 4.8's list views keep about 200 rows of
 * widgets around the visible ones and build a new widget for every item
 * that comes into that range.  Here a row keeps its place and its
 * widget: when a search changes which key is at a position, only the
 * rows that widgets watch learn of it ("key-changed"), and rows are
 * added or removed at the end only.  A row looks its key up when asked,
 * so a keystroke costs the ~200 watched rows, not one per shown key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-api-key.h"

G_BEGIN_DECLS

#define LK_TYPE_KEY_ROW (lk_key_row_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyRow, lk_key_row, LK, KEY_ROW, GObject)

#define LK_TYPE_KEY_ROWS (lk_key_rows_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyRows, lk_key_rows, LK, KEY_ROWS, GObject)

/* Signals of LkKeyRow:
 *   "key-changed" ()   the row shows another key now (watched rows only) */
LkApiKey   *lk_key_row_get_key      (LkKeyRow   *self);
guint       lk_key_row_get_position (LkKeyRow   *self);
/* A widget that shows the row watches it while bound. */
void        lk_key_row_watch        (LkKeyRow   *self);
void        lk_key_row_unwatch      (LkKeyRow   *self);

/* A GListModel of LkKeyRow, one per item of @keys (a GListModel of
 * LkApiKey; the construct-only property "keys").  Call
 * lk_key_rows_follow() from @keys' "items-changed". */
LkKeyRows  *lk_key_rows_new         (GListModel *keys);
void        lk_key_rows_follow        (LkKeyRows  *self,
                                     guint       position,
                                     guint       removed,
                                     guint       added);

G_END_DECLS
