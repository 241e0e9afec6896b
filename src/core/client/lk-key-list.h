/* lk-key-list.h: the client's keys, as a list model over one array
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LK_TYPE_KEY_LIST (lk_key_list_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyList, lk_key_list, LK, KEY_LIST, GObject)

/* A GListModel of LkApiKey that does what LkClient asks of a GListStore
 * (splice, append, remove), holding its items in one array. */
LkKeyList *lk_key_list_new    (void);
/* Removes @n_removed items at @position and inserts @n_added of
 * @additions (references taken) there; one "items-changed". */
void       lk_key_list_splice (LkKeyList *self,
                               guint      position,
                               guint      n_removed,
                               gpointer  *additions,
                               guint      n_added);
void       lk_key_list_append (LkKeyList *self,
                               gpointer   key);
void       lk_key_list_remove (LkKeyList *self,
                               guint      position);

G_END_DECLS
