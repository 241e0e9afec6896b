/* lk-window.h: the main window: sign in, then the tenant's keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-application.h"
#include "lk-client.h"

G_BEGIN_DECLS

#define LK_TYPE_WINDOW (lk_window_get_type ())
G_DECLARE_FINAL_TYPE (LkWindow, lk_window, LK, WINDOW, AdwApplicationWindow)

/* A new window.  When GSettings names a remembered account, the window
 * looks it up in the keyring and signs in by itself. */
LkWindow  *lk_window_new              (LkApplication *application);
/* Starts the built-in simulator (once per window) and signs in to it. */
void       lk_window_sign_in_demo     (LkWindow      *self);
/* The signed-in client, or NULL. */
LkClient  *lk_window_get_client       (LkWindow      *self);
/* Shows a short message at the bottom of the window. */
void       lk_window_show_toast       (LkWindow      *self,
                                       const char    *message);
/* Shows @toast (takes ownership). */
void       lk_window_add_toast        (LkWindow      *self,
                                       AdwToast      *toast);
/* The text of the last toast shown (for tests), or NULL. */
const char *lk_window_get_last_toast  (LkWindow      *self);
/* "sign-in", "signing-in" or "keys" (for tests). */
const char *lk_window_get_page_name   (LkWindow      *self);
/* The demo simulator when the demo runs, or NULL (for tests). */
GObject   *lk_window_get_simulator    (LkWindow      *self);

G_END_DECLS
