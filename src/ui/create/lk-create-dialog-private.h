/* lk-create-dialog-private.h: test hooks of LkCreateDialog
 *
 * The template children (name_row, next_button, grid, secret_view, ...)
 * are reached with gtk_widget_get_template_child (); these are the parts
 * built in code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-create-dialog.h"

G_BEGIN_DECLS

/* The check button of the task picker for @page and @action, as the seed
 * names them (untranslated: "Model Inventory", "Upload"). */
GtkCheckButton *lk_create_dialog_get_task_check (LkCreateDialog *self,
                                                 const char     *page,
                                                 const char     *action);
/* The created key while the secret page shows it, else NULL. */
LkCreatedKey   *lk_create_dialog_get_created    (LkCreateDialog *self);

G_END_DECLS
