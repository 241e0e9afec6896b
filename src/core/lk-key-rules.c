/* lk-key-rules.c: what makes a key name and an expiry acceptable
 *
 * A name is shown in confirmations ("Delete “NAME”?"), where a character
 * that cannot be seen, or that reorders the text around it, could make
 * one key pass for another: "scanner-prod" + U+202E RIGHT-TO-LEFT
 * OVERRIDE + "ved" reads as "scanner-proddev".  Such characters are refused in new names,
 * and names that come from the platform are shown with them made
 * visible (lk_key_name_make_visible()).  Emoji sequences and the scripts
 * that need a joiner keep theirs: see lk-key-rules.h for the exact rule.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-rules"

#include "config.h"

#include <string.h>
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

/* ------------------------------------------------------------------------
 * Invisible characters
 * ------------------------------------------------------------------------ */

#define ZWNJ            0x200C
#define ZWJ             0x200D
#define WAVING_BLACK_FLAG 0x1F3F4
#define TAG_FIRST       0xE0020
#define TAG_LAST        0xE007F

/* The character before @p, or 0 at the start of @text. */
static gunichar
char_before (const char *text,
             const char *p)
{
  return p > text ? g_utf8_get_char (g_utf8_prev_char (p)) : 0;
}

/* The character after the one at @p, or 0 at the end. */
static gunichar
char_after (const char *p)
{
  const char *next = g_utf8_next_char (p);

  return *next != '\0' ? g_utf8_get_char (next) : 0;
}

static gboolean
is_emoji (gunichar c)
{
  return c != 0 && g_unichar_type (c) == G_UNICODE_OTHER_SYMBOL;
}

static gboolean
is_skin_tone (gunichar c)
{
  return c >= 0x1F3FB && c <= 0x1F3FF;
}

static gboolean
is_variation_selector (gunichar c)
{
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

static gboolean
is_letter_or_mark (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Scripts in which ZWNJ and ZWJ change how letters join or conjoin. */
static gboolean
is_joining_script (GUnicodeScript script)
{
  switch (script)
    {
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_NKO:
    case G_UNICODE_SCRIPT_MONGOLIAN:
    case G_UNICODE_SCRIPT_DEVANAGARI:
    case G_UNICODE_SCRIPT_BENGALI:
    case G_UNICODE_SCRIPT_GURMUKHI:
    case G_UNICODE_SCRIPT_GUJARATI:
    case G_UNICODE_SCRIPT_ORIYA:
    case G_UNICODE_SCRIPT_TAMIL:
    case G_UNICODE_SCRIPT_TELUGU:
    case G_UNICODE_SCRIPT_KANNADA:
    case G_UNICODE_SCRIPT_MALAYALAM:
    case G_UNICODE_SCRIPT_SINHALA:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The script of the letter before @p, looking past combining marks
 * (whose script is "inherited"). */
static GUnicodeScript
script_before (const char *text,
               const char *p)
{
  while (p > text)
    {
      gunichar c;
      GUnicodeScript script;

      p = g_utf8_prev_char (p);
      c = g_utf8_get_char (p);
      if (!is_letter_or_mark (c))
        return G_UNICODE_SCRIPT_INVALID_CODE;
      script = g_unichar_get_script (c);
      if (script != G_UNICODE_SCRIPT_INHERITED)
        return script;
    }

  return G_UNICODE_SCRIPT_INVALID_CODE;
}

/* ZWJ between an emoji (with its skin tone or U+FE0F) and an emoji. */
static gboolean
joins_emoji (const char *text,
             const char *p)
{
  gunichar before = char_before (text, p);

  return (is_emoji (before) || is_skin_tone (before) || before == 0xFE0F) &&
         is_emoji (char_after (p));
}

/* ZWNJ or ZWJ between two letters of the same joining script. */
static gboolean
joins_letters (const char *text,
               const char *p)
{
  gunichar after = char_after (p);
  GUnicodeScript script = script_before (text, p);

  return after != 0 && is_letter_or_mark (after) &&
         is_joining_script (script) &&
         g_unichar_get_script (after) == script;
}

/* A tag character of a flag tag sequence: after U+1F3F4 and tags only. */
static gboolean
in_flag_tag_sequence (const char *text,
                      const char *p)
{
  while (p > text)
    {
      gunichar c;

      p = g_utf8_prev_char (p);
      c = g_utf8_get_char (p);
      if (c == WAVING_BLACK_FLAG)
        return TRUE;
      if (c < TAG_FIRST || c > TAG_LAST)
        return FALSE;
    }

  return FALSE;
}

/* A variation selector after something whose look it can change: not
 * after a letter (except a Han ideograph, or ℹ), a mark, white space, a
 * format character, another selector, or nothing. */
static gboolean
selects_variation (const char *text,
                   const char *p)
{
  gunichar before = char_before (text, p);

  if (before == 0 || is_variation_selector (before))
    return FALSE;
  if (before == 0x2139)
    return TRUE;
  if (is_letter_or_mark (before))
    return g_unichar_get_script (before) == G_UNICODE_SCRIPT_HAN;

  switch (g_unichar_type (before))
    {
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_FORMAT:
    case G_UNICODE_CONTROL:
      return FALSE;
    default:
      return TRUE;
    }
}

gboolean
lk_key_name_char_is_invisible (const char *text,
                               const char *p)
{
  gunichar c;

  g_return_val_if_fail (text != NULL && p != NULL && p >= text, FALSE);

  c = g_utf8_get_char (p);

  if (c == ZWJ && joins_emoji (text, p))
    return FALSE;
  if ((c == ZWJ || c == ZWNJ) && joins_letters (text, p))
    return FALSE;
  if (c >= TAG_FIRST && c <= TAG_LAST && in_flag_tag_sequence (text, p))
    return FALSE;
  if (g_unichar_type (c) == G_UNICODE_FORMAT)
    return TRUE;

  /* Letters and marks that draw nothing. */
  if (c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0)
    return TRUE;

  if (is_variation_selector (c))
    return !selects_variation (text, p);

  return FALSE;
}

char *
lk_key_name_make_visible (const char *name)
{
  g_autofree char *valid = NULL;
  GString *visible;

  if (name == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (name, -1);
  visible = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || is_line_separator (c) ||
          lk_key_name_char_is_invisible (valid, p))
        /* ⟨U+202E⟩: brackets that no name needs to hold to be readable */
        g_string_append_printf (visible, "\u27e8U+%04" G_GINT32_MODIFIER "X\u27e9", c);
      else
        g_string_append_len (visible, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (visible, FALSE);
}

/* ------------------------------------------------------------------------
 * The rules
 * ------------------------------------------------------------------------ */

/* The first invisible character of valid UTF-8 @text, or NULL. */
static const char *
find_invisible (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (lk_key_name_char_is_invisible (text, p))
        return p;
    }

  return NULL;
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

  if (find_invisible (trimmed) != NULL)
    return LK_KEY_NAME_INVISIBLE_CHARACTER;

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

    case LK_KEY_NAME_INVISIBLE_CHARACTER:
      {
        g_autofree char *trimmed = g_strstrip (g_strdup (name));
        const char *p = find_invisible (trimmed);

        g_assert (p != NULL);
        g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                     /* Translators: %04X is a Unicode code point, as in U+202E */
                     _("The name contains an invisible character (U+%04X) that could disguise it. Remove it, or type the name again."),
                     (guint) g_utf8_get_char (p));
        return FALSE;
      }

    case LK_KEY_NAME_TOO_LONG:
    default:
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                   /* Translators: %d is the longest a key's name may be, in characters */
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
                   /* Translators: %d is the longest a key may be valid, in days */
                   _("The key must be valid for at least one day: choose an expiry date between tomorrow and %d days from today."),
                   LK_WIRE_EXPIRY_MAX_DAYS);
      return FALSE;
    }
  if (days > LK_WIRE_EXPIRY_MAX_DAYS)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                   /* Translators: %d is the longest a key may be valid, in days */
                   ngettext ("The expiry date can be at most %d day from today.",
                             "The expiry date can be at most %d days from today.",
                             LK_WIRE_EXPIRY_MAX_DAYS),
                   LK_WIRE_EXPIRY_MAX_DAYS);
      return FALSE;
    }

  return TRUE;
}
