/* lk-demo.h: the demo tenant, a simulator on this computer
 *
 * `layer-keys --demo` and the sign-in page's demo button sign in to a
 * simulated tenant that runs inside the app, on 127.0.0.1.  This is the
 * one file of src/ui that knows the simulator: an LkDemo starts one (the
 * first time it is asked to), hands the session its platform and admin
 * credentials, and stops it when the demo ends or the LkDemo is disposed
 * (the next demo starts a new tenant).  Each window has its own.
 *
 * Demo keys go to the Secret Service's session collection (in memory,
 * gone at logout), labelled as demo keys; where the service has none (or
 * there is no service), to this process's memory (LkVolatileStore), and
 * "keys-in-memory" says so.  When the demo ends (its session signs out or
 * moves to another account, or the demo is disposed with its window) its
 * items are removed, and the application is held until they are.
 *
 * Properties:
 *   "simulator"       the running LkSimulator, or NULL before the first
 *                     start (read-only; for whoever looks at the tenant
 *                     from outside, as the tests do)
 *   "keys-in-memory"  the demo's secrets are kept in memory, not in the
 *                     keyring's session collection (read-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-session.h"

G_BEGIN_DECLS

#define LK_TYPE_DEMO (lk_demo_get_type ())
G_DECLARE_FINAL_TYPE (LkDemo, lk_demo, LK, DEMO, GObject)

LkDemo   *lk_demo_new             (void);
/* Starts the tenant, seeded with a few dozen keys; once started, does
 * nothing. */
gboolean  lk_demo_start           (LkDemo               *self,
                                   GError              **error);
/* Starts the tenant if need be, then signs @session in to it as its
 * administrator. */
void      lk_demo_sign_in_async   (LkDemo               *self,
                                   LkSession            *session,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  lk_demo_sign_in_finish  (LkDemo               *self,
                                   GAsyncResult         *result,
                                   GError              **error);
gboolean  lk_demo_get_keys_in_memory (LkDemo            *self);

/* Runs the default main context until every ended demo's items are
 * removed, or @timeout_ms passed (the application's shutdown); TRUE when
 * none is left. */
gboolean  lk_demo_wait_for_endings (guint               timeout_ms);

G_END_DECLS
