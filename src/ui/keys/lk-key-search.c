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
      g_autofree char *name = fold_text (lk_api_key_get_name (key));
      g_autofree char *client_id = fold_text (lk_api_key_get_client_id (key));
      char *text = g_strconcat (name, "\n", client_id, NULL);

      g_object_set_qdata_full (G_OBJECT (key), haystack_quark, text, g_free);
      haystack = text;
    }

  return haystack;
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
