/* lk-shown-keys.h: the keys the list shows, sorted and searched
 *
 * The model under the key table: the client's keys in the sorter's
 * order, only those that match the search.  It does the work of a
 * GtkSortListModel under a GtkFilterListModel, with plain arrays:
 *   - the sorted keys are an array (a GListStore finds a position in
 *     O(log n), and a GtkSortListModel asks its model for every item);
 *   - new keys (a list arrives in batches) are sorted among themselves
 *     and merged in;
 *   - while a search is on, the keys' folded texts are copied in sorted
 *     order into one buffer, so a keystroke reads memory in order
 *     instead of visiting thousands of objects;
 *   - a change is announced as one range, from the first to the last
 *     position that differs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LK_TYPE_SHOWN_KEYS (lk_shown_keys_get_type ())
G_DECLARE_FINAL_TYPE (LkShownKeys, lk_shown_keys, LK, SHOWN_KEYS, GObject)

/* Properties:
 *   "sorter"  GtkSorter (nullable): the order of the keys; they are sorted
 *             again when it changes.  Without one, the source's order.
 *
 * A GListModel of LkApiKey: the items of the source (a GListModel of
 * LkApiKey) that match the needle, in the sorter's order. */
LkShownKeys *lk_shown_keys_new          (GtkSorter   *sorter);
void         lk_shown_keys_set_sorter   (LkShownKeys *self,
                                         GtkSorter   *sorter);
void         lk_shown_keys_set_source   (LkShownKeys *self,
                                         GListModel  *source);
/* @needle: as lk_key_search_needle() makes it; NULL shows every key. */
void         lk_shown_keys_set_needle   (LkShownKeys *self,
                                         const char  *needle);
/* With @attention, only the keys that need it (lk-key-health.h), an
 * expiry within @warning_days counting. */
void         lk_shown_keys_set_attention (LkShownKeys *self,
                                          gboolean     attention,
                                          guint        warning_days);

G_END_DECLS
