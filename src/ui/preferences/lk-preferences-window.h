/* lk-preferences-window.h: the Preferences window (Ctrl+comma)
 *
 * The settings a person may change, each bound to GSettings
 * (g_settings_bind), so a change applies at once and a Flatpak user, who
 * cannot reach dconf from the host, has them too:
 *   clipboard-clear-seconds  how long a copied secret stays on the clipboard
 *   expiry-warning-days      how early the list warns of a key’s expiry
 *   expiry-notification-days when expiry notifications are sent ("30, 7, 1")
 *
 * Property:
 *   "settings"  GSettings of the application's schema (construct-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LK_TYPE_PREFERENCES_WINDOW (lk_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (LkPreferencesWindow, lk_preferences_window, LK, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *lk_preferences_window_new (GtkWindow *parent,
                                      GSettings *settings);

G_END_DECLS
