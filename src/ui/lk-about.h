/* lk-about.h: the About window, with debug information for bug reports
 *
 * The debug information (AdwAboutWindow's "debug-info") says which
 * versions of the libraries run, whether the app runs in a Flatpak, and
 * which program answered as the Secret Service.  Nothing secret: no
 * account, no key, no URL of a tenant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The text; @secret_service (nullable) names the program that owns
 * org.freedesktop.secrets, NULL while unknown. */
char      *lk_about_dup_debug_info (const char *secret_service);

/* The About window over @parent; the Secret Service line is filled in
 * once the session bus has said who owns the name. */
GtkWidget *lk_about_window_new     (GtkWindow  *parent);

G_END_DECLS
