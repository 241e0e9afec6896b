/* lk-account-forget.h: "Forget This Account…": ask, then forget
 *
 * A confirmation that names the signed-in account and its platform; on
 * Forget, lk_session_forget_account() signs out and removes the
 * remembered sign-in from the keyring.  The secrets of API keys kept in
 * the keyring are never touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-session.h"

G_BEGIN_DECLS

/* The response id of the confirmation's Forget button. */
#define LK_ACCOUNT_FORGET_RESPONSE "forget"

/* Asks over @parent; finishes TRUE once forgotten, FALSE when the person
 * cancelled (or nobody was signed in any more). */
void      lk_account_forget_async  (LkSession            *session,
                                    GtkWindow            *parent,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  lk_account_forget_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
