/* lk-test-keys.h: how the tests reach the keys view, the key table, the
 * create dialog and the secret view
 *
 * Through what a person sees (the header's buttons and arrows, the
 * visible page of a stack, a check button's label) or through the
 * widgets' template children (gtk_widget_get_template_child ()), never
 * through functions of src/ that exist for tests.  Each fails the test
 * when what it looks for is missing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-create-dialog.h"
#include "lk-key-row-widget.h"
#include "lk-key-table.h"
#include "lk-keys-view.h"
#include "lk-permission-grid.h"
#include "lk-secret-view.h"
#include "lk-stale-items.h"

G_BEGIN_DECLS

/* The keys view's template objects: the keys shown, in display order
 * ("shown"); the selection over their positions ("selection"); the
 * table ("table"). */
GListModel        *lk_test_keys_view_get_shown_keys       (LkKeysView     *view);
GtkSelectionModel *lk_test_keys_view_get_selection        (LkKeysView     *view);
LkKeyTable        *lk_test_keys_view_get_table            (LkKeysView     *view);
/* The secrets of deleted keys it offers to remove ("stale_items"). */
LkStaleItems      *lk_test_keys_view_get_stale_items      (LkKeysView     *view);
/* The state the view shows: the name of its stack's visible page
 * ("list", "loading", "empty", "no-results", "error", "no-permission"). */
const char        *lk_test_keys_view_get_state            (LkKeysView     *view);
/* Whether the search bar is shown. */
gboolean           lk_test_keys_view_get_search_mode      (LkKeysView     *view);

/* The table's list of rows. */
GtkListView       *lk_test_key_table_get_list_view        (LkKeyTable     *table);
/* The header's button of @column (the one titled so). */
GtkWidget         *lk_test_key_table_get_header_button    (LkKeyTable     *table,
                                                           LkKeyColumn     column);
/* Whether the header shows @column at the table's current width. */
gboolean           lk_test_key_table_get_column_shown     (LkKeyTable     *table,
                                                           LkKeyColumn     column);
/* The column the header shows as sorted, and which way its arrow points. */
LkKeyColumn        lk_test_key_table_get_sort_column      (LkKeyTable     *table);
GtkSortType        lk_test_key_table_get_sort_order       (LkKeyTable     *table);

/* What a row widget shows: the text of @column (NULL for none; the
 * keyring column gives the icon's meaning when shown), the expiry's
 * highlight ("warning", "error" or NULL) and a column's tooltip. */
char              *lk_test_key_row_dup_text               (LkKeyRowWidget *row,
                                                           LkKeyColumn     column);
const char        *lk_test_key_row_get_expiry_level       (LkKeyRowWidget *row);
char              *lk_test_key_row_dup_tooltip            (LkKeyRowWidget *row,
                                                           LkKeyColumn     column);

/* The check button of the task picker for @page and @action, as the seed
 * names them (untranslated: "Model Inventory", "Upload"). */
GtkCheckButton    *lk_test_create_dialog_get_task_check   (LkCreateDialog *dialog,
                                                           const char     *page,
                                                           const char     *action);
/* The created key the dialog's secret page shows, else NULL. */
LkCreatedKey      *lk_test_create_dialog_get_created      (LkCreateDialog *dialog);
/* Whether the dialog shows a create on its way: its working page, or
 * (before that page appears) the Create button's spinner. */
gboolean           lk_test_create_dialog_creating         (LkCreateDialog *dialog);
/* For lk_test_wait_until(): the create shown is over (@data: the dialog). */
gboolean           lk_test_create_dialog_created_or_failed (gpointer       data);

/* The toggle of @category for a single access bit, or its All toggle for
 * LK_ACCESS_ALL. */
GtkCheckButton    *lk_test_permission_grid_get_toggle     (LkPermissionGrid *grid,
                                                           LkCategory        category,
                                                           LkAccess          access);

G_END_DECLS
