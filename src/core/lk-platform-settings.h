/* lk-platform-settings.h: the platform Layer Keys's settings name
 *
 * The app's window and the command line both read the platform of the
 * last sign-in from the same GSettings keys ("region", and for a custom
 * platform "custom-api-url", "custom-token-url", "custom-ca-file"); this
 * is the one reading of them.  Core may use GSettings (GIO), never GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-types.h"

G_BEGIN_DECLS

/* The platform @settings name: a region, or the custom URLs and CA file;
 * NULL with LK_CLIENT_ERROR_INVALID_PLATFORM when the custom ones are not
 * valid. */
LkPlatform *lk_platform_settings_dup (GSettings  *settings,
                                      GError    **error);

/* Makes @platform and @client_id the settings' last sign-in, so the next
 * start (and the sign-in form) uses them. */
void        lk_platform_settings_save (GSettings   *settings,
                                       LkPlatform  *platform,
                                       const char  *client_id);

/* The platform a remembered sign-in was bound to, rebuilt from what its
 * keyring item says (@platform_id, its API URL; @token_url; whether it
 * was bound to a CA file): a region when it is one; @known (the settings'
 * platform, nullable) when it is that one, with its CA file; else a
 * custom platform, which needs no CA file.  A sign-in bound to a CA file
 * the settings no longer name cannot be rebuilt (the keyring keeps only
 * its fingerprint): NULL with LK_CLIENT_ERROR_INVALID_PLATFORM, and the
 * user signs in again with the form. */
LkPlatform *lk_platform_for_account   (const char  *platform_id,
                                       const char  *token_url,
                                       gboolean     has_ca,
                                       LkPlatform  *known,
                                       GError     **error);

G_END_DECLS
