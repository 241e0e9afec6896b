/* lk-account-names.c: the names the user gives remembered accounts
 *
 * A tenant admin often holds several accounts whose keys have the same
 * name ("Tenant admin" in production and in staging): the user names
 * each ("Production EU").  The names live in GSettings ("account-names",
 * by "CLIENT-ID@PLATFORM"): nothing secret, and the keyring items are
 * left as they are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-account-names"

#include "config.h"

#include "lk-account-names.h"

#define SETTINGS_KEY "account-names"
#define MAX_NAME_CHARS 64

static char *
account_id (const char *platform_id,
            const char *client_id)
{
  return g_strconcat (client_id, "@", platform_id, NULL);
}

char *
lk_account_names_dup (GSettings  *settings,
                      const char *platform_id,
                      const char *client_id)
{
  g_autoptr (GVariant) names = NULL;
  g_autofree char *id = NULL;
  char *name = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (platform_id != NULL && client_id != NULL, NULL);

  id = account_id (platform_id, client_id);
  names = g_settings_get_value (settings, SETTINGS_KEY);
  if (!g_variant_lookup (names, id, "s", &name))
    return NULL;

  return name;
}

void
lk_account_names_set (GSettings  *settings,
                      const char *platform_id,
                      const char *client_id,
                      const char *name)
{
  g_autoptr (GVariant) old = NULL;
  g_autofree char *id = NULL;
  g_autofree char *trimmed = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key, *value;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (platform_id != NULL && client_id != NULL);

  id = account_id (platform_id, client_id);
  if (name != NULL)
    {
      trimmed = g_strstrip (g_strdup (name));
      if (g_utf8_strlen (trimmed, -1) > MAX_NAME_CHARS)
        {
          char *end = g_utf8_offset_to_pointer (trimmed, MAX_NAME_CHARS);

          *end = '\0';
        }
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  old = g_settings_get_value (settings, SETTINGS_KEY);
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (!g_str_equal (key, id))
      g_variant_builder_add (&builder, "{ss}", key, value);
  if (trimmed != NULL && trimmed[0] != '\0')
    g_variant_builder_add (&builder, "{ss}", id, trimmed);

  g_settings_set_value (settings, SETTINGS_KEY, g_variant_builder_end (&builder));
}
