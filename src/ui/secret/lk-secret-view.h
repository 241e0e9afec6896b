/* lk-secret-view.h: a new key's client ID and secret, shown once
 *
 * Shows the client ID and the client secret (hidden until revealed), copy
 * buttons, and where the secret is kept: "Saved in your keyring as …", or
 * the keyring's failure with Retry, Save to File and "I have saved it
 * elsewhere".  "secret-safe" tells the dialog whether it may close.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "lk-client.h"

G_BEGIN_DECLS

#define LK_TYPE_SECRET_VIEW (lk_secret_view_get_type ())
G_DECLARE_FINAL_TYPE (LkSecretView, lk_secret_view, LK, SECRET_VIEW, AdwBin)

/* Properties:
 *   "secret-safe"  boolean (read-only): TRUE when the secret exists
 *                  somewhere besides this view (stored in the keyring,
 *                  saved to a file, or the user confirmed it is saved
 *                  elsewhere), or when there is no secret. */
GtkWidget    *lk_secret_view_new             (void);
/* Shows @created; @client is used to retry storing it. */
void          lk_secret_view_set_created     (LkSecretView *self,
                                              LkClient     *client,
                                              LkCreatedKey *created);
/* The created key shown (the only reference the dialog keeps to it), or
 * NULL before one is set and once cleared. */
LkCreatedKey *lk_secret_view_get_created     (LkSecretView *self);
gboolean      lk_secret_view_get_secret_safe (LkSecretView *self);
/* Says why the window stays open (after a refused close). */
void          lk_secret_view_show_keep_open  (LkSecretView *self);
/* Empties every widget that showed the secret and drops the created key
 * (which wipes it). */
void          lk_secret_view_clear           (LkSecretView *self);
/* A view, of any window, that shows a secret kept nowhere else (not in
 * the keyring, not in a file, not confirmed saved elsewhere), or NULL. */
LkSecretView *lk_secret_view_find_unsaved    (void);

G_END_DECLS
