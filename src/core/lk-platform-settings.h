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

#include "lk-platform.h"

G_BEGIN_DECLS

/* The platform @settings name: a region, or the custom URLs and CA file;
 * NULL with LK_CLIENT_ERROR_INVALID_PLATFORM when the custom ones are not
 * valid. */
LkPlatform *lk_platform_settings_dup (GSettings  *settings,
                                      GError    **error);

G_END_DECLS
