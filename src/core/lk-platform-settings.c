/* lk-platform-settings.c: the platform Layer Keys's settings name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-platform-settings"

#include "config.h"

#include "lk-platform-settings.h"

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
