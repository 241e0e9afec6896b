/* lk-background-check.h: one run of the background check
 *
 * What `layer-keys --background` does (started at login when
 * "Check in the Background" is on, src/ui/lk-background.h), with no
 * window: for every remembered account, look its sign-in up in the
 * keyring without prompting (a locked keyring ends the run), sign in,
 * list the keys, let the expiry notifier decide and send its
 * notifications (src/ui/lk-expiry-notifier.h), and carry out the
 * scheduled deletions that are due (lk_rotation_run_due_async()).
 * Whatever fails (the keyring, the network, the platform) is logged with
 * g_debug() and ends that account's part quietly: nothing is shown and
 * nothing secret is logged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-expiry-notifier.h"

G_BEGIN_DECLS

/* The longest a run may take; it is cancelled then. */
#define LK_BACKGROUND_CHECK_TIMEOUT_SECONDS (10 * 60)

#define LK_TYPE_BACKGROUND_CHECK (lk_background_check_get_type ())
G_DECLARE_FINAL_TYPE (LkBackgroundCheck, lk_background_check, LK, BACKGROUND_CHECK, GObject)

/* @settings: the application's (which account is remembered, on which
 * platform); @notifier: the application's expiry notifier. */
LkBackgroundCheck *lk_background_check_new        (GSettings          *settings,
                                                   LkExpiryNotifier   *notifier);
/* Runs the check once.  Finishes TRUE when every account was checked;
 * FALSE with the first error otherwise (for the log only). */
void               lk_background_check_run_async  (LkBackgroundCheck  *self,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean           lk_background_check_run_finish (LkBackgroundCheck  *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

G_END_DECLS
