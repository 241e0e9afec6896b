/* lk-test-keys.c: how the tests reach the keys view, the key table, the
 * create dialog and the secret view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-test-keys"

#include "config.h"

#include "lk-key-cells.h"
#include "lk-test-keys.h"

static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (object == NULL)
    g_error ("%s has no template child “%s”", G_OBJECT_TYPE_NAME (widget), name);
  return object;
}

/* The first widget under @widget (itself included, depth first) for
 * which @match returns TRUE, or NULL. */
static GtkWidget *
find_widget (GtkWidget  *widget,
             gboolean  (*match) (GtkWidget *widget,
                                 gpointer   data),
             gpointer    data)
{
  if (match (widget, data))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* ---- The keys view ---- */

GListModel *
lk_test_keys_view_get_shown_keys (LkKeysView *view)
{
  return G_LIST_MODEL (template_child (view, LK_TYPE_KEYS_VIEW, "shown"));
}

LkStaleItems *
lk_test_keys_view_get_stale_items (LkKeysView *view)
{
  return LK_STALE_ITEMS (template_child (view, LK_TYPE_KEYS_VIEW, "stale_items"));
}

GtkSelectionModel *
lk_test_keys_view_get_selection (LkKeysView *view)
{
  return GTK_SELECTION_MODEL (template_child (view, LK_TYPE_KEYS_VIEW, "selection"));
}

LkKeyTable *
lk_test_keys_view_get_table (LkKeysView *view)
{
  return LK_KEY_TABLE (template_child (view, LK_TYPE_KEYS_VIEW, "table"));
}

const char *
lk_test_keys_view_get_state (LkKeysView *view)
{
  return gtk_stack_get_visible_child_name (template_child (view, LK_TYPE_KEYS_VIEW, "state_stack"));
}

gboolean
lk_test_keys_view_get_search_mode (LkKeysView *view)
{
  return gtk_search_bar_get_search_mode (template_child (view, LK_TYPE_KEYS_VIEW, "search_bar"));
}

/* ---- The key table ---- */

GtkListView *
lk_test_key_table_get_list_view (LkKeyTable *table)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (table)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return GTK_LIST_VIEW (child);

  g_error ("the key table has no list");
  return NULL;
}

static gboolean
is_label_with_text (GtkWidget *widget,
                    gpointer   text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

GtkWidget *
lk_test_key_table_get_header_button (LkKeyTable  *table,
                                     LkKeyColumn  column)
{
  const char *title = lk_key_column_get_title (column);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (table)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child) && find_widget (child, is_label_with_text, (gpointer) title) != NULL)
      return child;

  g_error ("the key table has no header button “%s”", title);
  return NULL;
}

gboolean
lk_test_key_table_get_column_shown (LkKeyTable  *table,
                                    LkKeyColumn  column)
{
  GtkWidget *button = lk_test_key_table_get_header_button (table, column);

  return gtk_widget_get_child_visible (button) && gtk_widget_get_width (button) > 0;
}

LkKeyColumn
lk_test_key_table_get_sort_column (LkKeyTable *table)
{
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    if (gtk_widget_has_css_class (lk_test_key_table_get_header_button (table, c), "sorted"))
      return c;

  g_error ("the key table's header shows no sorted column");
  return LK_N_KEY_COLUMNS;
}

static gboolean
is_image (GtkWidget *widget,
          gpointer   data)
{
  return GTK_IS_IMAGE (widget);
}

GtkSortType
lk_test_key_table_get_sort_order (LkKeyTable *table)
{
  GtkWidget *button = lk_test_key_table_get_header_button (table, lk_test_key_table_get_sort_column (table));
  GtkWidget *arrow = find_widget (button, is_image, NULL);
  const char *icon = arrow ? gtk_image_get_icon_name (GTK_IMAGE (arrow)) : NULL;

  if (g_strcmp0 (icon, "pan-up-symbolic") == 0)
    return GTK_SORT_ASCENDING;
  if (g_strcmp0 (icon, "pan-down-symbolic") == 0)
    return GTK_SORT_DESCENDING;

  g_error ("the sorted column's arrow is “%s”", icon ? icon : "(none)");
  return GTK_SORT_ASCENDING;
}

/* ---- A row of the table ---- */

static LkApiKey *
row_key (LkKeyRowWidget *row)
{
  LkKeyRow *key_row = lk_key_row_widget_get_row (row);

  return key_row ? lk_key_row_get_key (key_row) : NULL;
}

char *
lk_test_key_row_dup_text (LkKeyRowWidget *row,
                          LkKeyColumn     column)
{
  LkApiKey *key = row_key (row);

  if (key == NULL)
    return NULL;

  switch (column)
    {
    case LK_KEY_COLUMN_NAME:
      return g_strdup (lk_api_key_get_name (key));
    case LK_KEY_COLUMN_CLIENT_ID:
      return g_strdup (lk_api_key_get_client_id (key));
    case LK_KEY_COLUMN_CREATED:
      return g_strdup (lk_key_cells_get_created (key));
    case LK_KEY_COLUMN_EXPIRES:
      {
        GtkWidget *table = gtk_widget_get_ancestor (GTK_WIDGET (row), LK_TYPE_KEY_TABLE);

        g_assert_nonnull (table);
        return lk_key_cells_dup_expires_cell (key, lk_key_table_get_retire_at (LK_KEY_TABLE (table),
                                                                               lk_api_key_get_id (key)));
      }
    case LK_KEY_COLUMN_PERMISSIONS:
      return g_strdup (lk_key_cells_get_permissions (key));
    case LK_KEY_COLUMN_KEYRING:
      return lk_api_key_get_has_local_secret (key) ? g_strdup (lk_key_cells_get_keyring ()) : NULL;
    case LK_N_KEY_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

const char *
lk_test_key_row_get_expiry_level (LkKeyRowWidget *row)
{
  LkApiKey *key = row_key (row);
  GtkWidget *table = gtk_widget_get_ancestor (GTK_WIDGET (row), LK_TYPE_KEY_TABLE);

  g_assert_nonnull (table);
  if (key == NULL)
    return NULL;

  return lk_key_cells_get_expiry_level (key, lk_key_table_get_expiry_warning_days (LK_KEY_TABLE (table)));
}

char *
lk_test_key_row_dup_tooltip (LkKeyRowWidget *row,
                             LkKeyColumn     column)
{
  LkApiKey *key = row_key (row);
  GtkWidget *table = gtk_widget_get_ancestor (GTK_WIDGET (row), LK_TYPE_KEY_TABLE);

  g_assert_nonnull (table);
  return key ? lk_key_cells_dup_tooltip (key, column,
                                         lk_key_table_get_expiry_warning_days (LK_KEY_TABLE (table)))
             : NULL;
}

/* ---- The create dialog ---- */

typedef struct {
  const char *page;
  const char *action;
  const char *current_page;   /* the heading last passed */
} TaskSearch;

static gboolean
is_task_row (GtkWidget *widget,
             gpointer   data)
{
  TaskSearch *search = data;

  /* A page's heading: a plain row with a label. */
  if (GTK_IS_LIST_BOX_ROW (widget) && !ADW_IS_PREFERENCES_ROW (widget))
    {
      GtkWidget *child = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (widget));

      if (child != NULL && GTK_IS_LABEL (child))
        search->current_page = gtk_label_get_text (GTK_LABEL (child));
      return FALSE;
    }

  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (search->current_page, search->page) == 0 &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), search->action) == 0;
}

GtkCheckButton *
lk_test_create_dialog_get_task_check (LkCreateDialog *dialog,
                                      const char     *page,
                                      const char     *action)
{
  TaskSearch search = { page, action, NULL };
  GtkWidget *row = find_widget (template_child (dialog, LK_TYPE_CREATE_DIALOG, "task_row"),
                                is_task_row, &search);

  if (row == NULL)
    return NULL;

  return GTK_CHECK_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)));
}

LkCreatedKey *
lk_test_create_dialog_get_created (LkCreateDialog *dialog)
{
  return lk_secret_view_get_created (template_child (dialog, LK_TYPE_CREATE_DIALOG, "secret_view"));
}

gboolean
lk_test_create_dialog_creating (LkCreateDialog *dialog)
{
  GtkStack *stack = template_child (dialog, LK_TYPE_CREATE_DIALOG, "stack");
  GtkSpinner *spinner = template_child (dialog, LK_TYPE_CREATE_DIALOG, "create_spinner");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "working") == 0 ||
         gtk_spinner_get_spinning (spinner);
}

gboolean
lk_test_create_dialog_created_or_failed (gpointer data)
{
  return !lk_test_create_dialog_creating (data);
}

/* ---- The permission grid ---- */

static gboolean
is_check_with_label (GtkWidget *widget,
                     gpointer   label)
{
  return GTK_IS_CHECK_BUTTON (widget) &&
         g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), label) == 0;
}

GtkCheckButton *
lk_test_permission_grid_get_toggle (LkPermissionGrid *grid,
                                    LkCategory        category,
                                    LkAccess          access)
{
  GtkListBox *list = template_child (grid, LK_TYPE_PERMISSION_GRID, "list");
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, (int) category);
  GtkWidget *toggle;

  g_assert_nonnull (row);
  toggle = find_widget (GTK_WIDGET (row), is_check_with_label, (gpointer) lk_access_get_name (access));
  g_assert_nonnull (toggle);
  return GTK_CHECK_BUTTON (toggle);
}
