/* lk-account-prefetch.h: the remembered account, signed in while GTK starts
 *
 * Starting the window takes GTK a good tenth of a second during which the
 * main loop does not run.  A prefetch does meanwhile, in a thread of its
 * own, what the window would do first: look the remembered account up
 * (bound to the whole platform: lk_credential_store_find_account_async()),
 * through a quiet LkSecretStore (a connection of its own; it never
 * prompts: a locked keyring is an error, and the window then asks the
 * usual way, which may prompt), sign in with it and list the keys.  The
 * window's client then takes the session over (lk_client_import_session).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-types.h"

G_BEGIN_DECLS

#define LK_TYPE_ACCOUNT_PREFETCH (lk_account_prefetch_get_type ())
G_DECLARE_FINAL_TYPE (LkAccountPrefetch, lk_account_prefetch, LK, ACCOUNT_PREFETCH, GObject)

/* Called in the prefetch's thread with the keys listed (LkApiKey), before
 * they cross over: what the window would otherwise work out itself (sort
 * and search texts, the order it shows them in) is done by then.  It may
 * reorder @keys. */
typedef void (*LkPrefetchKeysFunc) (GPtrArray *keys);

/* Starts with the account of @client_id on @platform (taken: only the
 * thread uses it); @prepare_keys may be NULL. */
LkAccountPrefetch *lk_account_prefetch_start        (LkPlatform          *platform,
                                                     const char          *client_id,
                                                     LkPrefetchKeysFunc   prepare_keys);
gboolean           lk_account_prefetch_is_for       (LkAccountPrefetch   *self,
                                                     const char          *platform_id,
                                                     const char          *client_id);
/* Its result, once there: the account as
 * lk_credential_store_find_account_finish() gives it (or its error:
 * LK_STORE_ERROR_NOT_FOUND, _PLATFORM_CHANGED, _LOCKED, ...), and in @session, the signed-in
 * session (with the keys; when the list failed or was hurried, those of
 * the pages read, and the client that imports it reads on), or NULL
 * when signing in did not work out (the window does it again, and
 * reports why).  Handed out
 * once; a second wait gets LK_STORE_ERROR_NOT_FOUND. */
/* Stops the list if it still runs: the result then comes at once, with
 * the session and the keys of the pages read so far (the window's client
 * reads the rest, showing those at once rather than waiting for a long
 * list, and without reading them again). */
void               lk_account_prefetch_hurry        (LkAccountPrefetch   *self);
/* Once the result is there: why signing in failed when nothing answered
 * at the platform's address (LK_CLIENT_ERROR_NETWORK, tried once), else
 * NULL.  The account is handed out all the same. */
GError            *lk_account_prefetch_dup_unreachable (LkAccountPrefetch *self);
/* TRUE when the result is there already: then @account (and @session)
 * as lk_account_prefetch_wait_finish() gives them, at once. */
gboolean           lk_account_prefetch_take_now     (LkAccountPrefetch   *self,
                                                     LkAccount          **account,
                                                     LkClientSession    **session,
                                                     GError             **error);
void               lk_account_prefetch_wait_async   (LkAccountPrefetch   *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
LkAccount         *lk_account_prefetch_wait_finish  (LkAccountPrefetch   *self,
                                                     GAsyncResult        *result,
                                                     LkClientSession    **session,
                                                     GError             **error);

G_END_DECLS
