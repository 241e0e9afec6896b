/* lk-create-dialog-permissions.c: what the new key may do
 *
 * How presets, tasks and the grid relate (kept simple so it is
 * predictable): the grid is the one source of truth for what is created.
 * Checking or unchecking a task sets the grid to the union of the least
 * permissions of every checked task (so unchecking the last task empties
 * it); edits in the grid after that are kept until the next task toggle
 * recomputes.  A preset or Clear sets the grid and unchecks every task.
 * An empty grid creates a key with every permission, once confirmed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-create-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-a11y.h"
#include "lk-create-dialog-private.h"

static void
uncheck_tasks (LkCreateDialog *self)
{
  self->syncing_tasks = TRUE;
  for (guint i = 0; i < self->n_tasks; i++)
    gtk_check_button_set_active (self->task_checks[i], FALSE);
  self->syncing_tasks = FALSE;
}

static void
on_task_toggled (LkCreateDialog *self)
{
  const LkTask *tasks;
  LkPermissions permissions = { { 0 } };
  guint n;

  if (self->syncing_tasks)
    return;

  tasks = lk_tasks_get (&n);
  for (guint i = 0; i < n && i < self->n_tasks; i++)
    {
      if (gtk_check_button_get_active (self->task_checks[i]))
        lk_permissions_add (&permissions, tasks[i].category, tasks[i].access);
    }

  lk_permission_grid_set_permissions (self->grid, &permissions);
}

/* A check on the preset the grid matches, an arrow on the others. */
static void
mark_preset (GtkImage            *icon,
             LkPreset             preset,
             const LkPermissions *permissions)
{
  LkPermissions preset_permissions = { { 0 } };
  gboolean matches;

  lk_preset_apply (preset, &preset_permissions);
  matches = lk_permissions_equal (&preset_permissions, permissions);
  gtk_image_set_from_icon_name (icon, matches ? "object-select-symbolic" : "go-next-symbolic");
  lk_create_dialog_set_css_class (GTK_WIDGET (icon), "accent", matches);
}

static void
on_grid_changed (LkCreateDialog *self)
{
  const LkPermissions *permissions = lk_permission_grid_get_permissions (self->grid);
  gboolean empty = lk_permissions_is_empty (permissions);

  mark_preset (self->preset_scanner_icon, LK_PRESET_MODEL_SCANNER_HYBRID, permissions);
  mark_preset (self->preset_read_only_icon, LK_PRESET_READ_ONLY, permissions);

  /* The confirmation is for this empty choice only. */
  if (!empty)
    gtk_check_button_set_active (self->confirm_all_check, FALSE);
  gtk_widget_set_visible (self->empty_box, empty);
  lk_create_dialog_update_validity (self);
}

static void
preset_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);
  int preset = g_variant_get_int32 (parameter);
  LkPermissions permissions = { { 0 } };

  if (preset < 0 || preset >= LK_N_PRESETS)
    return;

  lk_preset_apply (preset, &permissions);
  uncheck_tasks (self);
  lk_permission_grid_set_permissions (self->grid, &permissions);
  {
    /* Translators: %s is a preset's name, e.g. "Read only" */
    g_autofree char *text = g_strdup_printf (_("Applied “%s”"), lk_preset_get_name (preset));
    AdwToast *t = adw_toast_new (text);

    adw_toast_set_timeout (t, 2);
    lk_a11y_add_toast (self->toast_overlay, t);
  }
}

static void
clear_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);
  LkPermissions none = { { 0 } };

  uncheck_tasks (self);
  lk_permission_grid_set_permissions (self->grid, &none);
}

/* The task picker: the seed's console table, a heading per page. */
static void
build_task_rows (LkCreateDialog *self)
{
  const LkTask *tasks = lk_tasks_get (&self->n_tasks);
  const char *last_page = NULL;

  self->task_checks = g_new0 (GtkCheckButton *, self->n_tasks);

  for (guint i = 0; i < self->n_tasks; i++)
    {
      GtkWidget *row;
      GtkWidget *check;
      g_autofree char *needs = NULL;
      g_autofree char *accessible = NULL;

      if (g_strcmp0 (last_page, tasks[i].page) != 0)
        {
          GtkWidget *heading_row = gtk_list_box_row_new ();
          GtkWidget *heading = gtk_label_new (_(tasks[i].page));

          gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
          gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
          gtk_widget_set_margin_top (heading, 12);
          gtk_widget_set_margin_bottom (heading, 6);
          gtk_widget_set_margin_start (heading, 12);
          gtk_widget_set_margin_end (heading, 12);
          gtk_widget_add_css_class (heading, "heading");
          gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (heading_row), heading);
          /* Focusable, though it does nothing: GTK 4.8's list enters at
           * its first row and skips the whole list when that row takes no
           * focus, and arrows stop at such a row: the tasks would be out of
           * the keyboard's reach.  A listener hears the page's name. */
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (heading_row), FALSE);
          adw_expander_row_add_row (self->task_row, heading_row);
          last_page = tasks[i].page;
        }

      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_task_toggled), self);

      needs = lk_permission_describe (tasks[i].category, tasks[i].access);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(tasks[i].action));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), needs);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

      /* Translators: a task's accessible name: "Model Inventory: Upload" */
      accessible = g_strdup_printf (_("%s: %s"), _(tasks[i].page), _(tasks[i].action));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                      -1);
      /* The row made its title label the check's: GTK 4.8 would append it
       * to the name above ("Model Inventory: View View"). */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (check),
                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY);

      adw_expander_row_add_row (self->task_row, row);
      self->task_checks[i] = GTK_CHECK_BUTTON (check);
    }
}

/* ---- Setting up ---- */

void
lk_create_dialog_permissions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_grid_changed);

  gtk_widget_class_install_action (widget_class, "create.preset", "i", preset_activated);
  gtk_widget_class_install_action (widget_class, "create.clear", NULL, clear_activated);
}

void
lk_create_dialog_permissions_init (LkCreateDialog *self)
{
  g_assert (LK_IS_CREATE_DIALOG (self));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->preset_scanner_row),
                                 lk_preset_get_name (LK_PRESET_MODEL_SCANNER_HYBRID));
  adw_action_row_set_subtitle (self->preset_scanner_row,
                               lk_preset_get_description (LK_PRESET_MODEL_SCANNER_HYBRID));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->preset_read_only_row),
                                 lk_preset_get_name (LK_PRESET_READ_ONLY));
  adw_action_row_set_subtitle (self->preset_read_only_row,
                               lk_preset_get_description (LK_PRESET_READ_ONLY));

  build_task_rows (self);
}

void
lk_create_dialog_permissions_constructed (LkCreateDialog *self)
{
  g_assert (LK_IS_CREATE_DIALOG (self));

  on_grid_changed (self);
}
