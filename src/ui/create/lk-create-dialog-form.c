/* lk-create-dialog-form.c: the create dialog's form, and whether it is valid
 *
 * The name (checked as the platform checks it, and against the names the
 * tenant's keys have), the expiry (a choice of days, or a date) and
 * whether the permissions chosen may be created; "Next" and "Create" are
 * enabled only for a valid form.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-create-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-create-dialog-private.h"
#include "../lk-a11y.h"
#include "lk-time.h"

/* The expiry choices, in days; the combo's last item is "Custom date…". */
static const guint expiry_days[] = { 7, 30, 60, 90, 180, 365 };
#define DEFAULT_EXPIRY_INDEX 3   /* 90 days */
#define CUSTOM_EXPIRY_INDEX G_N_ELEMENTS (expiry_days)

/* ---- Validation ---- */

/* The trimmed name (g_free). */
char *
lk_create_dialog_get_name (LkCreateDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static gboolean
name_is_used (LkCreateDialog *self,
              const char     *name)
{
  GListModel *keys;
  guint n;

  if (self->client == NULL)
    return FALSE;

  keys = lk_client_get_keys (self->client);
  n = g_list_model_get_n_items (keys);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_name (key), name) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
permissions_ok (LkCreateDialog *self)
{
  return !lk_permissions_is_empty (lk_permission_grid_get_permissions (self->grid)) ||
         gtk_check_button_get_active (self->confirm_all_check);
}

gboolean
lk_create_dialog_form_is_valid (LkCreateDialog *self)
{
  return self->name_valid && self->expiry_valid && permissions_ok (self);
}

void
lk_create_dialog_update_validity (LkCreateDialog *self)
{
  gboolean valid = lk_create_dialog_form_is_valid (self);
  gboolean busy = self->cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create.next", valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create.create", valid && !busy);
}

static void
check_name (LkCreateDialog *self)
{
  g_autofree char *name = lk_create_dialog_get_name (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!lk_validate_key_name (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), &error))
    message = g_strdup (error->message);
  else if (name_is_used (self, name))
    /* Translators: %s is the name of an existing key */
    message = g_strdup_printf (_("A key named “%s” already exists. Choose another name."), name);

  self->name_valid = message == NULL;

  /* An untouched empty name is not an error yet, only not valid. */
  if (!self->name_touched)
    g_clear_pointer (&message, g_free);

  lk_create_dialog_show_label (self->name_error, message);
  lk_create_dialog_set_css_class (GTK_WIDGET (self->name_row), "error", message != NULL);
  lk_create_dialog_update_validity (self);
}

static void
on_name_changed (LkCreateDialog *self)
{
  self->name_touched = TRUE;
  check_name (self);
}

static void
on_name_activated (LkCreateDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "create.next", NULL);
}

static void
on_keys_changed (LkCreateDialog *self)
{
  check_name (self);
}

/* ---- Expiry ---- */

/* The chosen expiry as a local date-time, keeping the current wall-clock
 * time so that calendar days (what the platform counts) come out exact. */
GDateTime *
lk_create_dialog_get_expiry (LkCreateDialog *self,
                             gint64          now)
{
  g_autoptr(GDateTime) local_now = g_date_time_new_from_unix_local (now);
  guint selected = adw_combo_row_get_selected (self->expiry_row);

  if (selected == CUSTOM_EXPIRY_INDEX)
    {
      g_autoptr(GDateTime) day = gtk_calendar_get_date (self->calendar);

      return g_date_time_new_local (g_date_time_get_year (day),
                                    g_date_time_get_month (day),
                                    g_date_time_get_day_of_month (day),
                                    g_date_time_get_hour (local_now),
                                    g_date_time_get_minute (local_now),
                                    g_date_time_get_second (local_now));
    }

  if (selected >= G_N_ELEMENTS (expiry_days))
    selected = DEFAULT_EXPIRY_INDEX;

  return g_date_time_add_days (local_now, expiry_days[selected]);
}

char *
lk_create_dialog_format_expiry (gint64 now,
                                gint64 expires_at)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (expires_at);
  /* Translators: the expiry date of a new key, in g_date_time_format()
   * syntax; the same as the dates in the list of keys */
  g_autofree char *date = g_date_time_format (when, _("%b %-d, %Y"));
  int days = lk_time_days_between (now, expires_at);

  if (days < 1)
    return g_steal_pointer (&date);

  /* Translators: the expiry of a new key: %1$s is its date, %2$d the
   * days until then, e.g. "Feb 25, 2027, in 90 days" */
  return g_strdup_printf (ngettext ("%1$s, in %2$d day", "%1$s, in %2$d days", days), date, days);
}

static void
on_expiry_changed (LkCreateDialog *self)
{
  gint64 now = lk_time_now ();
  g_autoptr(GDateTime) expiry = lk_create_dialog_get_expiry (self, now);
  g_autoptr(GError) error = NULL;
  gint64 expires_at = g_date_time_to_unix (expiry);
  g_autofree char *subtitle = NULL;

  gtk_revealer_set_reveal_child (self->calendar_revealer,
                                 adw_combo_row_get_selected (self->expiry_row) == CUSTOM_EXPIRY_INDEX);

  self->expiry_valid = lk_validate_expiry (now, expires_at, &error);
  lk_create_dialog_show_label (self->expiry_error, error ? error->message : NULL);
  lk_create_dialog_set_css_class (GTK_WIDGET (self->expiry_row), "error", error != NULL);

  subtitle = lk_create_dialog_format_expiry (now, expires_at);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->expiry_row), self->expiry_valid ? subtitle : "");
  lk_create_dialog_update_validity (self);
}

/* ---- Setting up ---- */

void
lk_create_dialog_form_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_expiry_changed);
  gtk_widget_class_bind_template_callback_full (widget_class, "update_validity",
                                                G_CALLBACK (lk_create_dialog_update_validity));
}

void
lk_create_dialog_form_init (LkCreateDialog *self)
{
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) default_day = g_date_time_add_days (today, expiry_days[DEFAULT_EXPIRY_INDEX]);

  g_assert (LK_IS_CREATE_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (expiry_days); i++)
    {
      /* Translators: a choice of how long a new key is valid */
      g_autofree char *label = g_strdup_printf (ngettext ("%u day", "%u days", expiry_days[i]),
                                                expiry_days[i]);
      gtk_string_list_append (choices, label);
    }
  gtk_string_list_append (choices, _("Custom date…"));
  adw_combo_row_set_model (self->expiry_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->expiry_row, DEFAULT_EXPIRY_INDEX);
  gtk_calendar_select_day (self->calendar, default_day);

  {
    /* GtkCalendar's arrows, in their order in its header. */
    const char *arrows[] = {
      _("Previous Month"), _("Next Month"), _("Previous Year"), _("Next Year"), NULL
    };
    lk_a11y_name_icon_buttons (GTK_WIDGET (self->calendar), arrows);
  }
}

void
lk_create_dialog_form_constructed (LkCreateDialog *self)
{
  g_assert (LK_IS_CREATE_DIALOG (self));

  if (self->client != NULL)
    g_signal_connect_object (lk_client_get_keys (self->client), "items-changed",
                             G_CALLBACK (on_keys_changed), self, G_CONNECT_SWAPPED);

  check_name (self);
  on_expiry_changed (self);
}
