/* lk-key-rules.c: what makes a key name and an expiry acceptable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-rules"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-error.h"
#include "lk-key-rules.h"
#include "lk-time.h"
#include "lk-wire.h"

/* Characters that would break a name over lines. */
static gboolean
is_line_separator (gunichar c)
{
  return c == 0x2028 || c == 0x2029;
}

LkKeyNameProblem
lk_key_name_check (const char *name)
{
  g_autofree char *trimmed = NULL;

  if (name == NULL)
    return LK_KEY_NAME_EMPTY;

  if (!g_utf8_validate (name, -1, NULL))
    return LK_KEY_NAME_NOT_UTF8;

  trimmed = g_strstrip (g_strdup (name));
  if (trimmed[0] == '\0')
    return LK_KEY_NAME_EMPTY;

  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return LK_KEY_NAME_CONTROL_CHARACTER;
      if (is_line_separator (c))
        return LK_KEY_NAME_LINE_SEPARATOR;
    }

  if (g_utf8_strlen (trimmed, -1) > LK_WIRE_NAME_MAX_CHARS)
    return LK_KEY_NAME_TOO_LONG;

  return LK_KEY_NAME_OK;
}

gboolean
lk_validate_key_name (const char  *name,
                      GError     **error)
{
  switch (lk_key_name_check (name))
    {
    case LK_KEY_NAME_OK:
      return TRUE;

    case LK_KEY_NAME_NOT_UTF8:
      g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                           _("The name is not valid text."));
      return FALSE;

    case LK_KEY_NAME_EMPTY:
      g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                           _("Enter a name for the key."));
      return FALSE;

    case LK_KEY_NAME_CONTROL_CHARACTER:
      g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                           _("The name cannot contain control characters."));
      return FALSE;

    case LK_KEY_NAME_LINE_SEPARATOR:
      g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                           _("The name cannot contain line or paragraph separators."));
      return FALSE;

    case LK_KEY_NAME_TOO_LONG:
    default:
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                   ngettext ("Use at most %d character.", "Use at most %d characters.",
                             LK_WIRE_NAME_MAX_CHARS),
                   LK_WIRE_NAME_MAX_CHARS);
      return FALSE;
    }
}

gboolean
lk_validate_expiry (gint64   now,
                    gint64   expires_at,
                    GError **error)
{
  int days;

  if (expires_at <= now)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                   /* Translators: the expiry date of a new key; %d is 365 */
                   _("Choose an expiry date in the future, between tomorrow and %d days from today."),
                   LK_WIRE_EXPIRY_MAX_DAYS);
      return FALSE;
    }

  days = lk_time_days_between (now, expires_at);
  if (days < LK_WIRE_EXPIRY_MIN_DAYS)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                   _("The key must be valid for at least one day: choose an expiry date between tomorrow and %d days from today."),
                   LK_WIRE_EXPIRY_MAX_DAYS);
      return FALSE;
    }
  if (days > LK_WIRE_EXPIRY_MAX_DAYS)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                   ngettext ("The expiry date can be at most %d day from today.",
                             "The expiry date can be at most %d days from today.",
                             LK_WIRE_EXPIRY_MAX_DAYS),
                   LK_WIRE_EXPIRY_MAX_DAYS);
      return FALSE;
    }

  return TRUE;
}
