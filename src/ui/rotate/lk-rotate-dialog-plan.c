/* lk-rotate-dialog-plan.c: the successor, and when the old key goes
 *
 * One key: the successor's name (checked as the platform checks it, and
 * against the names of the tenant's keys), its lifetime in days (1 to
 * 365) and its permissions, all from lk_rotation_plan_new() until
 * edited.  Several keys: the list of them and their successors' names,
 * each with its defaults.  Both: when the old key is deleted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-rules.h"
#include "lk-rotate-dialog-private.h"
#include "lk-time.h"

/* The choices of the "Delete It" row, in its order. */
typedef enum {
  DELETE_NOW,
  DELETE_HOUR,
  DELETE_DAY,
  DELETE_WEEK,
  DELETE_ON_DATE,
  DELETE_NEVER,
} DeleteChoice;

#define HOUR 3600
#define DAY (24 * HOUR)

static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

static gboolean
name_is_used (LkRotateDialog *self,
              const char     *name)
{
  GListModel *keys = lk_client_get_keys (self->client);
  guint n = g_list_model_get_n_items (keys);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_name (key), name) == 0)
        return TRUE;
    }

  return FALSE;
}

/* When the old key goes as chosen: its LkRotationDelete, and the time
 * for LK_ROTATION_DELETE_LATER (0 when the date is not in the future). */
static LkRotationDelete
chosen_deletion (LkRotateDialog *self,
                 gint64          now,
                 gint64         *delete_at)
{
  g_autoptr (GDateTime) local_now = NULL;
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) when = NULL;

  *delete_at = 0;
  switch ((DeleteChoice) adw_combo_row_get_selected (self->delete_row))
    {
    case DELETE_HOUR:
      *delete_at = now + HOUR;
      return LK_ROTATION_DELETE_LATER;
    case DELETE_DAY:
      *delete_at = now + DAY;
      return LK_ROTATION_DELETE_LATER;
    case DELETE_WEEK:
      *delete_at = now + 7 * DAY;
      return LK_ROTATION_DELETE_LATER;
    case DELETE_ON_DATE:
      /* That day, at this time of day. */
      local_now = g_date_time_new_from_unix_local (now);
      day = gtk_calendar_get_date (self->calendar);
      when = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                    g_date_time_get_day_of_month (day),
                                    g_date_time_get_hour (local_now),
                                    g_date_time_get_minute (local_now), 0);
      if (when != NULL && g_date_time_to_unix (when) > now)
        *delete_at = g_date_time_to_unix (when);
      return LK_ROTATION_DELETE_LATER;
    case DELETE_NEVER:
      return LK_ROTATION_DELETE_NEVER;
    case DELETE_NOW:
    default:
      return LK_ROTATION_DELETE_NOW;
    }
}

static char *
format_date (gint64 unix_time)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_local (unix_time);

  /* Translators: a date in the rotate dialog, in g_date_time_format()
   * syntax; the same as the dates in the list of keys */
  return g_date_time_format (date, _("%b %-d, %Y"));
}

/* The page's problem, or NULL: what Rotate would refuse. */
static char *
find_problem (LkRotateDialog *self,
              gint64          now)
{
  g_autoptr (GError) error = NULL;
  gint64 delete_at;

  if (chosen_deletion (self, now, &delete_at) == LK_ROTATION_DELETE_LATER && delete_at == 0)
    return g_strdup (_("Choose a day after today for the old key to be deleted."));

  if (self->keys->len > 1)
    return NULL;

  {
    g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
    gint64 expires_at = now + (gint64) gtk_spin_button_get_value_as_int (self->days_spin) * DAY;

    if (!lk_validate_key_name (name, &error))
      return g_strdup (error->message);
    if (name_is_used (self, name))
      /* Translators: %s is the name of an existing key */
      return g_strdup_printf (_("A key named “%s” already exists. Choose another name."), name);
    if (!lk_validate_expiry (now, expires_at, &error))
      return g_strdup (error->message);
    if (lk_permissions_is_empty (lk_permission_grid_get_permissions (self->grid)))
      return g_strdup (_("Choose at least one permission for the new key."));
  }

  return NULL;
}

void
lk_rotate_dialog_check_plan (LkRotateDialog *self)
{
  gint64 now = lk_time_now ();
  g_autofree char *problem = find_problem (self, now);
  gboolean on_date = adw_combo_row_get_selected (self->delete_row) == DELETE_ON_DATE;

  gtk_revealer_set_reveal_child (self->calendar_revealer, on_date);

  if (self->keys->len == 1)
    {
      g_autofree char *date = format_date (now + (gint64) gtk_spin_button_get_value_as_int (self->days_spin) * DAY);
      g_autofree char *subtitle = NULL;

      /* Translators: the new key's expiry in the rotate dialog; %s is a date */
      subtitle = g_strdup_printf (_("On %s"), date);
      adw_action_row_set_subtitle (self->expiry_row, subtitle);
    }

  self->plan_valid = problem == NULL;
  show_label (self->plan_error, problem);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rotate.rotate",
                                 self->plan_valid && !lk_rotate_dialog_is_running (self));
}

static void
on_plan_changed (LkRotateDialog *self)
{
  if (self->keys != NULL)
    lk_rotate_dialog_check_plan (self);
}

LkRotationPlan *
lk_rotate_dialog_make_plan (LkRotateDialog *self,
                            LkApiKey       *key)
{
  gint64 now = lk_time_now ();
  g_autoptr (LkRotationPlan) plan = NULL;
  g_autofree char *problem = find_problem (self, now);

  if (problem != NULL)
    return NULL;

  if (self->keys->len == 1)
    {
      plan = lk_rotation_plan_copy (self->plan);
      g_free (plan->name);
      plan->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
      plan->expires_at = now + (gint64) gtk_spin_button_get_value_as_int (self->days_spin) * DAY;
      plan->permissions = *lk_permission_grid_get_permissions (self->grid);
    }
  else
    /* Made now, so that its name is unique among the successors of the
     * keys rotated before it. */
    plan = lk_rotation_plan_new (key, lk_client_get_keys (self->client), now);

  plan->delete_old = chosen_deletion (self, now, &plan->delete_at);
  return g_steal_pointer (&plan);
}

/* ---- Setting up ---- */

static void
fill_one (LkRotateDialog *self)
{
  LkApiKey *key = g_ptr_array_index (self->keys, 0);
  g_autofree char *name = lk_key_name_make_visible (lk_api_key_get_name (key));
  g_autofree char *intro = NULL;
  gint64 now = lk_time_now ();
  int days;

  self->plan = lk_rotation_plan_new (key, lk_client_get_keys (self->client), now);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->plan->name);
  days = lk_time_days_between (now, self->plan->expires_at);
  gtk_spin_button_set_value (self->days_spin,
                             CLAMP (days, LK_ROTATION_MIN_LIFETIME_DAYS, LK_ROTATION_MAX_LIFETIME_DAYS));
  lk_permission_grid_set_permissions (self->grid, &self->plan->permissions);

  adw_window_title_set_subtitle (self->window_title, name);
  /* Translators: %s is the name of the key being rotated */
  intro = g_strdup_printf (_("A new key replaces “%s”. It is made, its secret stored in your keyring and its sign-in checked before the old key is touched; if anything fails, the new key is deleted again and “%s” keeps working."),
                           name, name);
  gtk_label_set_text (self->intro_label, intro);
}

static void
fill_several (LkRotateDialog *self)
{
  g_autofree char *intro = NULL;
  g_autofree char *subtitle = NULL;
  gint64 now = lk_time_now ();

  gtk_widget_set_visible (GTK_WIDGET (self->successor_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->permissions_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->keys_group), TRUE);

  for (guint i = 0; i < self->keys->len; i++)
    {
      LkApiKey *key = g_ptr_array_index (self->keys, i);
      g_autofree char *old_name = lk_key_name_make_visible (lk_api_key_get_name (key));
      g_autofree char *successor = lk_rotation_successor_name (lk_api_key_get_name (key),
                                                               lk_client_get_keys (self->client), now);
      g_autofree char *visible = lk_key_name_make_visible (successor);
      g_autofree char *text = NULL;
      GtkWidget *row = adw_action_row_new ();

      /* Translators: under a key to rotate; %s is its successor's name */
      text = g_strdup_printf (_("Becomes “%s”"), visible);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), old_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      adw_preferences_group_add (self->keys_group, row);
    }

  /* Translators: the rotate dialog's subtitle for several keys */
  subtitle = g_strdup_printf (ngettext ("%u key", "%u keys", self->keys->len), self->keys->len);
  adw_window_title_set_title (self->window_title, _("Rotate Keys"));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* Translators: %u is a number of keys (more than one) */
  intro = g_strdup_printf (ngettext ("Each of the %u keys is replaced by a new key, one after another. A key whose new key cannot be made, stored or checked is left as it is.",
                                     "Each of the %u keys is replaced by a new key, one after another. A key whose new key cannot be made, stored or checked is left as it is.",
                                     self->keys->len),
                           self->keys->len);
  gtk_label_set_text (self->intro_label, intro);
}

void
lk_rotate_dialog_plan_constructed (LkRotateDialog *self)
{
  g_autoptr (GtkStringList) choices = gtk_string_list_new (NULL);
  g_autoptr (GDateTime) today = g_date_time_new_now_local ();
  g_autoptr (GDateTime) next_week = g_date_time_add_days (today, 7);

  g_assert (LK_IS_ROTATE_DIALOG (self));

  gtk_string_list_append (choices, _("Now"));
  gtk_string_list_append (choices, _("After 1 Hour"));
  gtk_string_list_append (choices, _("After 1 Day"));
  gtk_string_list_append (choices, _("After 7 Days"));
  gtk_string_list_append (choices, _("On a Date…"));
  gtk_string_list_append (choices, _("Never (Keep Both)"));
  adw_combo_row_set_model (self->delete_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->delete_row, DELETE_NOW);
  gtk_calendar_select_day (self->calendar, next_week);

  if (self->keys->len == 1)
    fill_one (self);
  else
    fill_several (self);

  /* The names taken change as the list does. */
  g_signal_connect_object (lk_client_get_keys (self->client), "items-changed",
                           G_CALLBACK (on_plan_changed), self, G_CONNECT_SWAPPED);
  lk_rotate_dialog_check_plan (self);
}

void
lk_rotate_dialog_plan_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_plan_changed);
}
