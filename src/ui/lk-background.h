/* lk-background.h: starting at login for the background check
 *
 * "Check in the Background" (Preferences) makes the session start
 * `layer-keys --background` at login (src/ui/lk-background-check.h does
 * the check).  Outside a Flatpak that is an XDG autostart entry,
 * $XDG_CONFIG_HOME/autostart/APP_ID.desktop, written whole (temporary
 * file, then rename) and removed again when turned off.  Inside a Flatpak
 * (/.flatpak-info exists) the Background portal is asked
 * (org.freedesktop.portal.Background RequestBackground, autostart true or
 * false, command line [layer-keys, --background]); it may ask the user,
 * who may refuse.  Nothing secret is in either.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The option the session starts us with. */
#define LK_BACKGROUND_OPTION "--background"

/* Where the autostart entry goes (outside a Flatpak). */
char     *lk_background_dup_autostart_path (void);

/* Turns starting at login on or off, by the autostart entry or the
 * portal, whichever applies.  Errors: G_IO_ERROR_PERMISSION_DENIED when
 * the portal (or the user it asked) refused; G_IO_ERROR_CANCELLED; any
 * other when the entry could not be written or removed.  Messages are
 * sentences a person can read. */
void      lk_background_set_autostart_async  (gboolean              enable,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  lk_background_set_autostart_finish (GAsyncResult         *result,
                                              GError              **error);

/* The portal's half alone, on @bus (what lk_background_set_autostart_async()
 * does inside a Flatpak). */
void      lk_background_request_portal_async  (GDBusConnection      *bus,
                                               gboolean              enable,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean  lk_background_request_portal_finish (GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
