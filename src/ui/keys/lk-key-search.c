/* lk-key-search.c: how the key list's search matches keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-search"

#include "config.h"

#include "lk-key-search.h"

#include <string.h>

static char *
fold_text (const char *text)
{
  g_autofree char *normalized = NULL;

  if (text == NULL)
    return g_strdup ("");

  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  if (normalized == NULL)
    return g_strdup ("");

  return g_utf8_casefold (normalized, -1);
}

/* Appends @text folded as fold_text() does.  Plain ASCII (almost every
 * name and client ID) is its own normal form and folds to its lower
 * case, so it needs neither of GLib's Unicode passes nor their
 * allocations: at 100,000 keys that is most of a first search. */
static void
append_folded (GString    *out,
               const char *text)
{
  const guchar *p;
  g_autofree char *folded = NULL;

  if (text == NULL)
    return;

  for (p = (const guchar *) text; *p != '\0'; p++)
    if (*p >= 0x80)
      break;

  if (*p == '\0')
    {
      gsize start = out->len, length = (gsize) (p - (const guchar *) text);

      g_string_set_size (out, start + length);
      for (gsize i = 0; i < length; i++)
        out->str[start + i] = g_ascii_tolower (text[i]);
      return;
    }

  folded = fold_text (text);
  g_string_append (out, folded);
}

char *
lk_key_search_needle (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

  return stripped[0] != '\0' ? fold_text (stripped) : NULL;
}

/* "name\nclient-id", folded; a needle never holds a newline (the entry
 * is one line), so it cannot match across the two. */
const char *
lk_key_search_haystack (LkApiKey *key)
{
  static GQuark haystack_quark;
  const char *haystack;

  g_return_val_if_fail (LK_IS_API_KEY (key), "");

  if (G_UNLIKELY (haystack_quark == 0))
    haystack_quark = g_quark_from_static_string ("lk-key-search-haystack");

  haystack = g_object_get_qdata (G_OBJECT (key), haystack_quark);
  if (haystack == NULL)
    {
      GString *text = g_string_new (NULL);

      lk_key_search_append_haystack (text, key);
      haystack = g_string_free (text, FALSE);
      g_object_set_qdata_full (G_OBJECT (key), haystack_quark, (gpointer) haystack, g_free);
    }

  return haystack;
}

void
lk_key_search_append_haystack (GString  *out,
                               LkApiKey *key)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (LK_IS_API_KEY (key));

  append_folded (out, lk_api_key_get_name (key));
  g_string_append_c (out, '\n');
  append_folded (out, lk_api_key_get_client_id (key));
}

gboolean
lk_key_search_matches (LkApiKey   *key,
                       const char *needle)
{
  g_return_val_if_fail (LK_IS_API_KEY (key), FALSE);

  if (needle == NULL)
    return TRUE;

  return strstr (lk_key_search_haystack (key), needle) != NULL;
}

GtkFilterChange
lk_key_search_change (const char *old_needle,
                      const char *new_needle)
{
  if (old_needle == NULL)
    return GTK_FILTER_CHANGE_MORE_STRICT;
  if (new_needle == NULL)
    return GTK_FILTER_CHANGE_LESS_STRICT;
  if (strstr (new_needle, old_needle) != NULL)
    return GTK_FILTER_CHANGE_MORE_STRICT;
  if (strstr (old_needle, new_needle) != NULL)
    return GTK_FILTER_CHANGE_LESS_STRICT;
  return GTK_FILTER_CHANGE_DIFFERENT;
}
