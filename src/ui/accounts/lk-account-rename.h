/* lk-account-rename.h: Rename Account…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-session.h"

G_BEGIN_DECLS

/* The name @session's account has in @settings, given to the session
 * (nothing for the demo). */
void lk_account_names_apply (LkSession *session,
                             GSettings *settings);

/* Asks, over @parent, for a new name for the account @session is signed
 * in to; kept in @settings and given to @session.  An empty name goes
 * back to the signed-in key's. */
void lk_account_rename (LkSession *session,
                        GSettings *settings,
                        GtkWindow *parent);

G_END_DECLS
