/* lk-secret-window.h: a new key's secret, in a window of its own
 *
 * Where a secret goes when the window that asked for it is gone: a
 * create whose dialog was closed before the platform's reply was read,
 * or a secret recovered at start.  The show-once page (LkSecretView)
 * with Retry, Copy and Save to File; it closes only once the secret is
 * kept somewhere else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "lk-client.h"

G_BEGIN_DECLS

#define LK_TYPE_SECRET_WINDOW (lk_secret_window_get_type ())
G_DECLARE_FINAL_TYPE (LkSecretWindow, lk_secret_window, LK, SECRET_WINDOW, AdwWindow)

/* A window of @app (may be NULL) showing @created; @client (may be NULL)
 * is used to retry storing it.  Call gtk_window_present() on it. */
LkSecretWindow *lk_secret_window_new      (GtkApplication *app,
                                           LkClient       *client,
                                           LkCreatedKey   *created);
LkSecretView   *lk_secret_window_get_view (LkSecretWindow *self);

G_END_DECLS
