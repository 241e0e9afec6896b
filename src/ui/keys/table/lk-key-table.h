/* lk-key-table.h: the tenant's keys as a table, one light widget per row
 *
 * A scrollable widget (put it in a GtkScrolledWindow) made of a header of
 * sort buttons and a GtkListView whose rows each draw every column of one
 * key.  A GtkColumnView builds seven widgets per row (the row and six
 * cells, plus their contents) for the ~200 rows GTK 4.8 keeps around the
 * visible ones; one widget per row builds, binds and frees five to ten
 * times faster and takes half the memory.  Both the header and the rows
 * place the columns with the same LkKeyLayout (lk-key-layout.h), which
 * drops the least needed columns when the window is narrow instead of
 * scrolling sideways.
 *
 * The model's items are LkKeyRow objects (lk-key-rows.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-key-layout.h"

G_BEGIN_DECLS

#define LK_TYPE_KEY_TABLE (lk_key_table_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyTable, lk_key_table, LK, KEY_TABLE, GtkWidget)

/* Properties:
 *   "model"                GtkSelectionModel of LkKeyRow (nullable)
 *   "expiry-warning-days"  uint: highlight keys expiring within this many days
 * Also implements GtkScrollable (vertical scrolling only). */
GtkWidget         *lk_key_table_new                      (void);
void               lk_key_table_set_model                (LkKeyTable        *self,
                                                          GtkSelectionModel *model);
GtkSelectionModel *lk_key_table_get_model                (LkKeyTable        *self);
/* Moves the keyboard focus to the list of rows. */
gboolean           lk_key_table_focus_list               (LkKeyTable        *self);
/* Scrolls the row at @position into view. */
void               lk_key_table_scroll_to                (LkKeyTable        *self,
                                                          guint              position);
void               lk_key_table_set_expiry_warning_days  (LkKeyTable        *self,
                                                          guint              days);
guint              lk_key_table_get_expiry_warning_days  (LkKeyTable        *self);
/* Keys a rotation scheduled for deletion: key ID -> gint64 * (Unix
 * seconds), or NULL; their rows say when they retire. */
void               lk_key_table_set_retire_times         (LkKeyTable        *self,
                                                          GHashTable        *times);
gint64             lk_key_table_get_retire_at            (LkKeyTable        *self,
                                                          const char        *key_id);

/* Sorting: the sorter orders LkApiKey objects by the column the header
 * shows as sorted (its button has the "sorted" style class and an arrow
 * up or down); it emits "changed" when that changes.  Clicking a header
 * button sorts by its column, or reverses the order. */
GtkSorter         *lk_key_table_get_sorter               (LkKeyTable        *self);
void               lk_key_table_sort_by                  (LkKeyTable        *self,
                                                          LkKeyColumn        column,
                                                          GtkSortType        order);

/* The model position of the row at (@x, @y) in the table's coordinates,
 * or GTK_INVALID_LIST_POSITION. */
guint              lk_key_table_get_position_at          (LkKeyTable        *self,
                                                          double             x,
                                                          double             y);

G_END_DECLS
