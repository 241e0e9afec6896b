/* lk-key-row-widget.h: one row of the key table, drawn as one widget
 *
 * Draws every column of the key its LkKeyRow shows, with the positions
 * lk_key_table_compute_layout() gives; measuring it shapes no text, and
 * it lays text out only when it draws.  Its accessible label reads the
 * whole row; its tooltip is the one of the column under the pointer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-key-rows.h"
#include "lk-key-table.h"

G_BEGIN_DECLS

#define LK_TYPE_KEY_ROW_WIDGET (lk_key_row_widget_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyRowWidget, lk_key_row_widget, LK, KEY_ROW_WIDGET, GtkWidget)

/* @table outlives the widget (it owns the list the row is in). */
GtkWidget  *lk_key_row_widget_new                (LkKeyTable     *table);
void        lk_key_row_widget_set_row            (LkKeyRowWidget *self,
                                                  LkKeyRow       *row);
LkKeyRow   *lk_key_row_widget_get_row            (LkKeyRowWidget *self);
/* The key, the time or the settings changed: draw again. */
void        lk_key_row_widget_update             (LkKeyRowWidget *self);

/* What the row shows, for tests: the text of @column (NULL for none;
 * the keyring column gives the icon's accessible text when shown), the
 * expiry's highlight ("warning", "error" or NULL) and a column's
 * tooltip. */
char       *lk_key_row_widget_dup_text           (LkKeyRowWidget *self,
                                                  LkKeyColumn     column);
const char *lk_key_row_widget_get_expiry_level   (LkKeyRowWidget *self);
char       *lk_key_row_widget_dup_tooltip        (LkKeyRowWidget *self,
                                                  LkKeyColumn     column);

G_END_DECLS
