/* lk-rotate-dialog.c: rotate one key or several: the pages and closing
 *
 * Five pages in a stack: "plan" (lk-rotate-dialog-plan.c), "working",
 * then "secret" or "error" for one key and "summary" for several
 * (lk-rotate-dialog-run.c).  This file moves between them and decides
 * when the window may close: not while a rotation runs (it finishes or
 * rolls back on its own within the client's timeouts), and not while the
 * successor's secret exists nowhere but on screen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-rotate-dialog-private.h"

G_DEFINE_FINAL_TYPE (LkRotateDialog, lk_rotate_dialog, ADW_TYPE_WINDOW)

enum {
  ROTATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
lk_rotate_dialog_set_page (LkRotateDialog *self,
                           const char     *page)
{
  gboolean plan = g_str_equal (page, "plan");
  gboolean working = g_str_equal (page, "working");
  gboolean several = self->keys->len > 1;

  gtk_stack_set_visible_child_name (self->stack, page);

  /* Cancel while working stops several keys after the one under way; a
   * single rotation is short and safer finished. */
  gtk_widget_set_visible (self->cancel_button, plan || (working && several));
  gtk_widget_set_visible (self->rotate_button, plan);
  gtk_widget_set_visible (self->done_button, !plan && !working);
  gtk_widget_set_sensitive (self->done_button, TRUE);
  gtk_spinner_set_spinning (self->working_spinner, working);

  if (plan)
    gtk_widget_grab_focus (self->rotate_button);
  else if (!working)
    gtk_widget_grab_focus (self->done_button);
}

const char *
lk_rotate_dialog_get_page (LkRotateDialog *self)
{
  g_return_val_if_fail (LK_IS_ROTATE_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
_lk_rotate_dialog_emit_rotated (LkRotateDialog *self)
{
  g_signal_emit (self, signals[ROTATED], 0);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkRotateDialog *self = LK_ROTATE_DIALOG (widget);

  if (lk_rotate_dialog_is_running (self))
    {
      /* The key under way finishes; the others are left as they are. */
      self->stopping = TRUE;
      gtk_widget_set_sensitive (self->cancel_button, FALSE);
      adw_status_page_set_description (self->working_page,
                                       _("Stopping after the key under way…"));
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
done_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkRotateDialog *self = LK_ROTATE_DIALOG (widget);

  if (g_strcmp0 (lk_rotate_dialog_get_page (self), "error") != 0)
    return;

  lk_rotate_dialog_check_plan (self);
  lk_rotate_dialog_set_page (self, "plan");
}

static gboolean
lk_rotate_dialog_close_request (GtkWindow *window)
{
  LkRotateDialog *self = LK_ROTATE_DIALOG (window);

  if (lk_rotate_dialog_is_running (self))
    return TRUE;

  if (lk_secret_view_get_created (self->secret_view) != NULL &&
      !lk_secret_view_get_secret_safe (self->secret_view))
    {
      lk_secret_view_show_keep_open (self->secret_view);
      return TRUE;
    }

  /* The view and the hint hold the one copy of the secret here: wiped. */
  lk_secret_view_clear (self->secret_view);
  lk_workload_hint_clear (self->workload_hint);

  return GTK_WINDOW_CLASS (lk_rotate_dialog_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
lk_rotate_dialog_dispose (GObject *object)
{
  LkRotateDialog *self = LK_ROTATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_ROTATE_DIALOG);

  G_OBJECT_CLASS (lk_rotate_dialog_parent_class)->dispose (object);
}

static void
lk_rotate_dialog_finalize (GObject *object)
{
  LkRotateDialog *self = LK_ROTATE_DIALOG (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_pointer (&self->plan, lk_rotation_plan_free);

  G_OBJECT_CLASS (lk_rotate_dialog_parent_class)->finalize (object);
}

static void
lk_rotate_dialog_class_init (LkRotateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lk_rotate_dialog_dispose;
  object_class->finalize = lk_rotate_dialog_finalize;
  window_class->close_request = lk_rotate_dialog_close_request;

  signals[ROTATED] = g_signal_new ("rotated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (LK_TYPE_PERMISSION_GRID);
  g_type_ensure (LK_TYPE_SECRET_VIEW);
  g_type_ensure (LK_TYPE_WORKLOAD_HINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/rotate/lk-rotate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, rotate_button);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, successor_group);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, permissions_group);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, keys_group);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, delete_row);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, calendar_revealer);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, plan_error);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, working_page);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, working_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, secret_view);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, old_key_label);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, workload_hint);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, LkRotateDialog, summary_list);

  gtk_widget_class_install_action (widget_class, "rotate.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "rotate.done", NULL, done_activated);
  gtk_widget_class_install_action (widget_class, "rotate.back", NULL, back_activated);
  lk_rotate_dialog_plan_class_init (widget_class);
  lk_rotate_dialog_run_class_init (widget_class);

  /* Escape asks to close, which close_request may refuse. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lk_rotate_dialog_init (LkRotateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LkRotateDialog *
lk_rotate_dialog_new (GtkWindow *parent,
                      LkClient  *client,
                      GPtrArray *keys)
{
  LkRotateDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LK_IS_CLIENT (client), NULL);
  g_return_val_if_fail (keys != NULL && keys->len > 0, NULL);

  self = g_object_new (LK_TYPE_ROTATE_DIALOG, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  self->keys = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (self->keys, g_object_ref (g_ptr_array_index (keys, i)));

  lk_rotate_dialog_plan_constructed (self);
  lk_rotate_dialog_set_page (self, "plan");
  return self;
}
