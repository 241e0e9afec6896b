/* lk-window.h: the main window: sign in, then the tenant's keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-application.h"
#include "lk-keys-view.h"
#include "lk-session.h"

G_BEGIN_DECLS

#define LK_TYPE_WINDOW (lk_window_get_type ())
G_DECLARE_FINAL_TYPE (LkWindow, lk_window, LK, WINDOW, AdwApplicationWindow)

/* Property:
 *   "session"  LkSession (read-only): who is signed in to this window,
 *              and what their key may do; the same for the window's life
 */

/* A new window.  When GSettings names a remembered account, the window
 * looks it up in the keyring and signs in by itself. */
LkWindow  *lk_window_new           (LkApplication *application);
/* Starts the demo tenant (once per window) and signs in to it. */
void       lk_window_sign_in_demo  (LkWindow      *self);
LkSession *lk_window_get_session   (LkWindow      *self);
/* Shows a short message at the bottom of the window. */
void       lk_window_show_toast    (LkWindow      *self,
                                    const char    *message);
/* Shows an error too long for a toast (error messages are) in a banner
 * across the top of the window, until Dismiss; with Retry when
 * @retry_action (a detailed action name) is not NULL. */
void       lk_window_show_error    (LkWindow      *self,
                                    const char    *message,
                                    const char    *retry_action);
/* Hides the error banner if it offers to retry @retry_action: what failed
 * has worked since. */
void       lk_window_clear_error   (LkWindow      *self,
                                    const char    *retry_action);
/* Shows @toast (takes ownership). */
void       lk_window_add_toast     (LkWindow      *self,
                                    AdwToast      *toast);
/* Selects the key @key_id in the list, once it is listed (a
 * notification's Show). */
void       lk_window_show_key      (LkWindow      *self,
                                    const char    *key_id);
/* Opens the rotate dialog for the key @key_id, once it is listed (a
 * notification's Rotate…); says so when the signed-in key may not
 * rotate (rotate/lk-window-rotate.c). */
void       lk_window_rotate_key    (LkWindow      *self,
                                    const char    *key_id);
/* The keys view (the "keys" page), built on first use: a window that
 * never signs in never builds it. */
LkKeysView *lk_window_get_keys_view (LkWindow *self);
/* Shows only the keys that need attention. */
void       lk_window_show_needs_attention (LkWindow *self);

G_END_DECLS
