/* lk-rotate-dialog-run.c: running the rotations, and what came of them
 *
 * One key: its rotation, then the successor's secret once, with what
 * became of the old key and the export lines for the workload; or the
 * error page saying why nothing changed (rolled back, not created) or
 * what is left for the next sign-in (unfinished).  Several keys: one
 * rotation after another, then a summary with a row per key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-rules.h"
#include "lk-rotate-dialog-private.h"

static void run_next (LkRotateDialog *self);

gboolean
lk_rotate_dialog_is_running (LkRotateDialog *self)
{
  return self->cancellable != NULL;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (unix_time);

  /* Translators: when an old key will be deleted, in g_date_time_format()
   * syntax, e.g. "Mar 4, 2026 at 14:30" */
  return g_date_time_format (when, _("%b %-d, %Y at %H:%M"));
}

/* What became of the old key, in a sentence or two. */
static char *
describe_old_key (const LkRotationOutcome *outcome)
{
  g_autofree char *name = lk_key_name_make_visible (outcome->old_name);
  g_autofree char *when = NULL;

  if (outcome->old_deleted)
    /* Translators: %s is the name of the rotated (old) key */
    return g_strdup_printf (_("“%s” and its secret in the keyring were deleted."), name);

  if (outcome->delete_error != NULL)
    /* Translators: %1$s is the name of the old key, %2$s the reason (a
     * sentence) */
    return g_strdup_printf (_("“%1$s” could not be deleted yet: %2$s It will be deleted the next time you sign in."),
                            name, outcome->delete_error->message);

  if (outcome->delete_at != 0)
    {
      when = format_time (outcome->delete_at);
      /* Translators: %1$s is the name of the old key, %2$s a date and time */
      return g_strdup_printf (_("“%1$s” keeps working until %2$s, then it is deleted. Update your workload before then."),
                              name, when);
    }

  /* Translators: %s is the name of the old key */
  return g_strdup_printf (_("“%s” was kept: both keys work until you delete it."), name);
}

/* ---- One key ---- */

static void
show_outcome (LkRotateDialog    *self,
              LkRotationOutcome *outcome)
{
  g_autofree char *old = describe_old_key (outcome);

  if (outcome->successor != NULL)
    {
      lk_secret_view_set_created (self->secret_view, self->client, outcome->successor);
      lk_workload_hint_set_created (self->workload_hint, outcome->successor);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->workload_hint), outcome->successor != NULL);
  gtk_label_set_text (self->old_key_label, old);
  adw_window_title_set_title (self->window_title, _("Key Rotated"));
  lk_rotate_dialog_set_page (self, "secret");
}

static void
show_error (LkRotateDialog *self,
            const GError   *error)
{
  const char *title;

  switch (error->domain == LK_ROTATION_ERROR ? error->code : -1)
    {
    case LK_ROTATION_ERROR_ROLLED_BACK:
      title = _("Rotation Undone");
      break;
    case LK_ROTATION_ERROR_NOT_CREATED:
    case LK_ROTATION_ERROR_INVALID:
    case LK_ROTATION_ERROR_JOURNAL:
      title = _("Nothing Was Changed");
      break;
    case LK_ROTATION_ERROR_UNFINISHED:
      title = _("Rotation Not Finished");
      break;
    default:
      title = _("Could Not Rotate");
      break;
    }

  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, error->message);
  /* Unfinished: the next sign-in settles it, trying again now would not. */
  gtk_widget_set_visible (adw_status_page_get_child (self->error_page),
                          !g_error_matches (error, LK_ROTATION_ERROR, LK_ROTATION_ERROR_UNFINISHED));
  lk_rotate_dialog_set_page (self, "error");
}

/* ---- Several keys ---- */

static void
add_summary_row (LkRotateDialog          *self,
                 LkApiKey                *key,
                 const LkRotationOutcome *outcome,
                 const char              *reason)
{
  g_autofree char *name = lk_key_name_make_visible (lk_api_key_get_name (key));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;

  if (outcome != NULL)
    {
      g_autofree char *successor = lk_key_name_make_visible (outcome->successor_name);
      g_autofree char *old = describe_old_key (outcome);

      /* Translators: a row of the rotation summary; %1$s is the new
       * key's name, %2$s what became of the old key (a sentence) */
      subtitle = g_strdup_printf (_("Rotated: replaced by “%1$s”. %2$s"), successor, old);
      icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      gtk_widget_add_css_class (icon, "success");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Rotated"), -1);
    }
  else
    {
      /* Translators: a row of the rotation summary; %s is why the key was
       * not rotated (a sentence) */
      subtitle = g_strdup_printf (_("Left intact: %s"), reason);
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Left intact"), -1);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_append (self->summary_list, row);
}

static void
show_summary (LkRotateDialog *self)
{
  g_autofree char *text = NULL;
  guint n = self->keys->len;

  if (self->n_rotated == n)
    /* Translators: heading of the rotation summary; %u keys, all rotated */
    text = g_strdup_printf (ngettext ("%u key rotated.", "All %u keys rotated.", n), n);
  else
    /* Translators: heading of the rotation summary; %1$u keys rotated out of %2$u */
    text = g_strdup_printf (ngettext ("%1$u of %2$u key rotated; the others were left intact.",
                                      "%1$u of %2$u keys rotated; the others were left intact.", n),
                            self->n_rotated, n);
  gtk_label_set_text (self->summary_label, text);
  adw_window_title_set_title (self->window_title, _("Keys Rotated"));
  lk_rotate_dialog_set_page (self, "summary");
}

/* ---- Running ---- */

static void
on_rotated (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (LkRotateDialog) self = user_data;
  g_autoptr (LkRotationOutcome) outcome = NULL;
  g_autoptr (GError) error = NULL;
  LkApiKey *key;

  outcome = lk_rotation_run_finish (result, &error);
  /* Destroyed meanwhile (the application quit): the journal keeps what
   * is left for the next sign-in. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  key = g_ptr_array_index (self->keys, self->next);
  self->next++;
  if (outcome != NULL)
    self->n_rotated++;
  _lk_rotate_dialog_emit_rotated (self);

  if (self->keys->len == 1)
    {
      g_clear_object (&self->cancellable);
      if (outcome != NULL)
        show_outcome (self, outcome);
      else
        show_error (self, error);
      lk_rotate_dialog_check_plan (self);
      return;
    }

  add_summary_row (self, key, outcome, error != NULL ? error->message : NULL);
  run_next (self);
}

static void
run_next (LkRotateDialog *self)
{
  g_autoptr (LkRotationPlan) plan = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  LkApiKey *key;

  if (self->next >= self->keys->len || self->stopping)
    {
      for (; self->next < self->keys->len; self->next++)
        add_summary_row (self, g_ptr_array_index (self->keys, self->next), NULL,
                         _("The rotation was stopped before this key’s turn."));
      g_clear_object (&self->cancellable);
      show_summary (self);
      return;
    }

  key = g_ptr_array_index (self->keys, self->next);
  plan = lk_rotate_dialog_make_plan (self, key);
  if (plan == NULL)
    {
      /* The page was valid when Rotate was pressed; what changed is said. */
      g_clear_object (&self->cancellable);
      lk_rotate_dialog_check_plan (self);
      lk_rotate_dialog_set_page (self, "plan");
      return;
    }

  name = lk_key_name_make_visible (lk_api_key_get_name (key));
  if (self->keys->len == 1)
    /* Translators: %s is the name of the key being rotated */
    title = g_strdup_printf (_("Rotating “%s”…"), name);
  else
    /* Translators: %1$s is the name of the key being rotated, %2$u its
     * place among the %3$u keys to rotate */
    title = g_strdup_printf (_("Rotating “%1$s” (%2$u of %3$u)…"), name, self->next + 1, self->keys->len);
  adw_status_page_set_title (self->working_page, title);

  lk_rotation_run_async (self->client, plan, self->cancellable, on_rotated, g_object_ref (self));
}

static void
rotate_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkRotateDialog *self = LK_ROTATE_DIALOG (widget);

  if (lk_rotate_dialog_is_running (self) || !self->plan_valid ||
      g_strcmp0 (lk_rotate_dialog_get_page (self), "plan") != 0)
    return;

  self->cancellable = g_cancellable_new ();
  self->next = 0;
  self->n_rotated = 0;
  self->stopping = FALSE;
  gtk_widget_action_set_enabled (widget, "rotate.rotate", FALSE);
  lk_rotate_dialog_set_page (self, "working");
  run_next (self);
}

void
lk_rotate_dialog_run_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "rotate.rotate", NULL, rotate_activated);
}
