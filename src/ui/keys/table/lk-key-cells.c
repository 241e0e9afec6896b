/* lk-key-cells.c: what the key table's cells say about a key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-cells"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-cells.h"
#include "lk-key-health.h"
#include "lk-permissions.h"
#include "lk-time.h"

/* The texts kept on each key: made once, in whichever thread first asks
 * for the quarks. */
static GQuark
created_text_quark (void)
{
  static gsize quark;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("lk-key-row-created-text"));

  return (GQuark) quark;
}

static GQuark
permissions_text_quark (void)
{
  static gsize quark;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("lk-key-row-permissions-text"));

  return (GQuark) quark;
}

static char *
format_date (gint64 unix_time)
{
  g_autoptr (GDateTime) date = NULL;

  if (unix_time == 0)
    return NULL;

  date = g_date_time_new_from_unix_local (unix_time);
  if (date == NULL)
    return NULL;

  /* Translators: a date in the list of keys, in g_date_time_format() syntax */
  return g_date_time_format (date, _("%b %-d, %Y"));
}

const char *
lk_key_cells_get_created (LkApiKey *key)
{
  const char *text;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  text = g_object_get_qdata (G_OBJECT (key), created_text_quark ());
  if (text == NULL)
    {
      char *made = format_date (lk_api_key_get_created_at (key));

      if (made == NULL)
        made = g_strdup ("—");
      g_object_set_qdata_full (G_OBJECT (key), created_text_quark (), made, g_free);
      text = made;
    }

  return text;
}

const char *
lk_key_cells_get_permissions (LkApiKey *key)
{
  const char *text;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  text = g_object_get_qdata (G_OBJECT (key), permissions_text_quark ());
  if (text == NULL)
    {
      char *made = lk_permissions_to_summary (lk_api_key_get_permissions (key));

      g_object_set_qdata_full (G_OBJECT (key), permissions_text_quark (), made, g_free);
      text = made;
    }

  return text;
}

char *
lk_key_cells_dup_expires (LkApiKey *key)
{
  gint64 expires_at;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  expires_at = lk_api_key_get_expires_at (key);
  if (expires_at == 0)
    return g_strdup (C_("expiry", "Never"));

  return lk_time_describe_expiry (lk_time_now (), expires_at);
}

char *
lk_key_cells_describe_retirement (gint64 now,
                                  gint64 retire_at)
{
  gint64 left = retire_at - now;
  gint64 n;

  if (left <= 0)
    /* Translators: a key whose deletion (scheduled by a rotation) is due */
    return g_strdup (_("Retires now"));

  if (left < 3600)
    {
      n = MAX (1, (left + 59) / 60);
      /* Translators: a key that a rotation will delete in %d minutes;
       * shown in the Expires column of the list */
      return g_strdup_printf (ngettext ("Retires in %d minute", "Retires in %d minutes", (gulong) n),
                              (int) n);
    }

  if (left < 2 * 86400)
    {
      n = (left + 1800) / 3600;
      /* Translators: a key that a rotation will delete in %d hours;
       * shown in the Expires column of the list */
      return g_strdup_printf (ngettext ("Retires in %d hour", "Retires in %d hours", (gulong) n),
                              (int) n);
    }

  n = (left + 43200) / 86400;
  /* Translators: a key that a rotation will delete in %d days; shown in
   * the Expires column of the list */
  return g_strdup_printf (ngettext ("Retires in %d day", "Retires in %d days", (gulong) n),
                          (int) n);
}

/* The same as lk_key_cells_describe_retirement(), as a whole sentence of
 * its own for the row's spoken description. */
static char *
describe_retirement_sentence (gint64 now,
                              gint64 retire_at)
{
  gint64 left = retire_at - now;
  gint64 n;

  if (left <= 0)
    /* Translators: a sentence of a key row's spoken description: the key's
     * deletion, scheduled by a rotation, is due */
    return g_strdup (_("A rotation deletes this key now."));

  if (left < 3600)
    {
      n = MAX (1, (left + 59) / 60);
      /* Translators: a sentence of a key row's spoken description; %d is
       * a number of minutes until a rotation deletes the key */
      return g_strdup_printf (ngettext ("A rotation deletes this key in %d minute.",
                                        "A rotation deletes this key in %d minutes.", (gulong) n),
                              (int) n);
    }

  if (left < 2 * 86400)
    {
      n = (left + 1800) / 3600;
      /* Translators: a sentence of a key row's spoken description; %d is
       * a number of hours until a rotation deletes the key */
      return g_strdup_printf (ngettext ("A rotation deletes this key in %d hour.",
                                        "A rotation deletes this key in %d hours.", (gulong) n),
                              (int) n);
    }

  n = (left + 43200) / 86400;
  /* Translators: a sentence of a key row's spoken description; %d is a
   * number of days until a rotation deletes the key */
  return g_strdup_printf (ngettext ("A rotation deletes this key in %d day.",
                                    "A rotation deletes this key in %d days.", (gulong) n),
                          (int) n);
}

char *
lk_key_cells_dup_expires_cell (LkApiKey *key,
                               gint64    retire_at)
{
  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  if (retire_at != 0)
    return lk_key_cells_describe_retirement (lk_time_now (), retire_at);

  return lk_key_cells_dup_expires (key);
}

const char *
lk_key_cells_get_keyring (void)
{
  return _("Secret stored in this computer’s keyring");
}

const char *
lk_key_cells_get_expiry_level (LkApiKey *key,
                               guint     warning_days)
{
  int days;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  if (lk_api_key_get_expires_at (key) == 0)
    return NULL;

  days = lk_api_key_get_days_until_expiry (key);
  if (days <= 0)
    return "error";
  if (days <= (int) MIN (warning_days, (guint) G_MAXINT))
    return "warning";
  return NULL;
}

char *
lk_key_cells_dup_health (LkApiKey *key,
                         guint     warning_days)
{
  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  return lk_key_health_describe (lk_key_health_check (key, warning_days), warning_days);
}

char *
lk_key_cells_dup_tooltip (LkApiKey    *key,
                          LkKeyColumn  column,
                          guint        warning_days)
{
  g_autofree char *date = NULL;
  g_autofree char *why = NULL;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  switch (column)
    {
    case LK_KEY_COLUMN_NAME:
      why = lk_key_health_describe (lk_key_health_check (key, warning_days) & LK_KEY_HEALTH_ATTENTION,
                                    warning_days);
      if (why == NULL)
        return g_strdup (lk_api_key_get_name (key));
      return g_strdup_printf ("%s\n%s", lk_api_key_get_name (key), why);
    case LK_KEY_COLUMN_CLIENT_ID:
      return g_strdup (lk_api_key_get_client_id (key));
    case LK_KEY_COLUMN_CREATED:
      if (lk_api_key_get_created_by (key) == NULL)
        return NULL;
      /* Translators: %s is who created the key (a user or another key) */
      return g_strdup_printf (_("Created by %s"), lk_api_key_get_created_by (key));
    case LK_KEY_COLUMN_EXPIRES:
      date = format_date (lk_api_key_get_expires_at (key));
      if (date == NULL)
        return NULL;
      /* Translators: tooltip of the Expires column; %s is a date */
      return g_strdup_printf (_("Expires on %s"), date);
    case LK_KEY_COLUMN_PERMISSIONS:
      return lk_permissions_to_summary (lk_api_key_get_permissions (key));
    case LK_KEY_COLUMN_KEYRING:
      if (lk_api_key_get_has_local_secret (key))
        return g_strdup (lk_key_cells_get_keyring ());
      return lk_key_health_describe (LK_KEY_HEALTH_SECRET_ELSEWHERE, warning_days);
    case LK_N_KEY_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
lk_key_cells_dup_description (LkApiKey *key,
                              gint64    now,
                              gint64    retire_at,
                              guint     warning_days)
{
  g_autofree char *retires = NULL;
  g_autofree char *health = NULL;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  /* Whole sentences, each with its own punctuation, joined by a space:
   * no fragment glued with punctuation a translation cannot move. */
  if (retire_at != 0)
    retires = describe_retirement_sentence (now, retire_at);
  health = lk_key_cells_dup_health (key, warning_days);

  if (retires != NULL && health != NULL)
    return g_strjoin (" ", retires, health, NULL);
  if (retires != NULL)
    return g_steal_pointer (&retires);
  return g_steal_pointer (&health);
}

char *
lk_key_cells_dup_accessible_text (LkApiKey *key)
{
  g_autofree char *expires = NULL;
  GString *text;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  expires = lk_key_cells_dup_expires (key);
  text = g_string_new (lk_api_key_get_name (key));

  /* Translators: read by screen readers for a row of the key list; the
   * first %s is a column's title ("Client ID"), the second its value */
  g_string_append_printf (text, _(", %s: %s"), lk_key_column_get_title (LK_KEY_COLUMN_CLIENT_ID),
                          lk_api_key_get_client_id (key));
  g_string_append_printf (text, _(", %s: %s"), lk_key_column_get_title (LK_KEY_COLUMN_CREATED),
                          lk_key_cells_get_created (key));
  g_string_append_printf (text, _(", %s: %s"), lk_key_column_get_title (LK_KEY_COLUMN_EXPIRES),
                          expires);
  g_string_append_printf (text, _(", %s: %s"), lk_key_column_get_title (LK_KEY_COLUMN_PERMISSIONS),
                          lk_key_cells_get_permissions (key));
  if (lk_api_key_get_has_local_secret (key))
    g_string_append_printf (text, ", %s", lk_key_cells_get_keyring ());

  return g_string_free (text, FALSE);
}
