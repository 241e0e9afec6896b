/* lk-platform-settings.c: the platform Layer Keys's settings name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-platform-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-error.h"
#include "lk-platform-settings.h"
#include "lk-platform.h"

LkPlatform *
lk_platform_settings_dup (GSettings  *settings,
                          GError    **error)
{
  g_autofree char *region = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  region = g_settings_get_string (settings, "region");
  if (g_strcmp0 (region, "eu") == 0)
    return lk_platform_new_region (LK_REGION_EU);

  if (g_strcmp0 (region, "custom") == 0)
    {
      g_autofree char *api_base = g_settings_get_string (settings, "custom-api-url");
      g_autofree char *token_url = g_settings_get_string (settings, "custom-token-url");
      g_autofree char *ca_file = g_settings_get_string (settings, "custom-ca-file");

      return lk_platform_new_custom (api_base, token_url, ca_file[0] != '\0' ? ca_file : NULL, error);
    }

  return lk_platform_new_region (LK_REGION_US);
}

void
lk_platform_settings_save (GSettings  *settings,
                           LkPlatform *platform,
                           const char *client_id)
{
  LkRegion region;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (platform != NULL);
  g_return_if_fail (client_id != NULL);

  region = lk_platform_get_region (platform);
  g_settings_delay (settings);
  g_settings_set_string (settings, "region",
                         region == LK_REGION_EU ? "eu" : region == LK_REGION_US ? "us" : "custom");
  if (region == LK_REGION_CUSTOM)
    {
      const char *ca_file = lk_platform_get_ca_file (platform);

      g_settings_set_string (settings, "custom-api-url", lk_platform_get_api_base (platform));
      g_settings_set_string (settings, "custom-token-url", lk_platform_get_token_url (platform));
      g_settings_set_string (settings, "custom-ca-file", ca_file != NULL ? ca_file : "");
    }
  g_settings_set_string (settings, "last-client-id", client_id);
  g_settings_apply (settings);
}

static gboolean
is_platform (LkPlatform *platform,
             const char *platform_id,
             const char *token_url)
{
  return platform != NULL &&
         g_strcmp0 (lk_platform_get_id (platform), platform_id) == 0 &&
         g_strcmp0 (lk_platform_get_token_url (platform), token_url) == 0;
}

LkPlatform *
lk_platform_for_account (const char  *platform_id,
                         const char  *token_url,
                         gboolean     has_ca,
                         LkPlatform  *known,
                         GError     **error)
{
  g_return_val_if_fail (platform_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (LkRegion region = LK_REGION_US; region <= LK_REGION_EU; region++)
    {
      g_autoptr (LkPlatform) candidate = lk_platform_new_region (region);

      if (!has_ca && is_platform (candidate, platform_id, token_url))
        return g_steal_pointer (&candidate);
    }

  if (is_platform (known, platform_id, token_url) &&
      (lk_platform_get_ca_file (known) != NULL) == has_ca)
    return lk_platform_ref (known);

  if (token_url == NULL || has_ca)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                   /* Translators: %s is a platform's address */
                   _("The sign-in remembered for %s needs platform settings Layer Keys no longer has. Sign in to it again with the form."),
                   platform_id);
      return NULL;
    }

  return lk_platform_new_custom (platform_id, token_url, NULL, error);
}
