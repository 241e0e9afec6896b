/* lk-key-row-widget.h: one row of the key table, drawn as one widget
 *
 * Draws every column of the key its LkKeyRow shows (lk-key-cells.h), at
 * the places its table's LkKeyLayout gives; measuring it shapes no text,
 * and it lays text out only when it draws.  Its accessible label reads
 * the whole row; its tooltip is the one of the column under the pointer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-key-layout.h"
#include "lk-key-rows.h"

G_BEGIN_DECLS

#define LK_TYPE_KEY_ROW_WIDGET (lk_key_row_widget_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyRowWidget, lk_key_row_widget, LK, KEY_ROW_WIDGET, GtkWidget)

/* @layout: the table's, for the columns' places and the expiry highlight. */
GtkWidget  *lk_key_row_widget_new                (LkKeyLayout    *layout);
void        lk_key_row_widget_set_row            (LkKeyRowWidget *self,
                                                  LkKeyRow       *row);
LkKeyRow   *lk_key_row_widget_get_row            (LkKeyRowWidget *self);
/* The key, the time or the settings changed: draw again. */
void        lk_key_row_widget_update             (LkKeyRowWidget *self);

G_END_DECLS
