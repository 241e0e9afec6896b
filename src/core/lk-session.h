/* lk-session.h: who is signed in, and what their key may do
 *
 * One LkSession per window.  It signs in (from the sign-in form, with the
 * account remembered in the keyring, with what the startup prefetch
 * found, or to the demo tenant the UI runs), holds the signed-in
 * LkClient, and says what its key may do with API keys.  It knows no
 * GTK: the window observes its properties, and templates bind to them.
 *
 * Properties (read-only, notified only when they change):
 *   "store"       LkCredentialStore, the keyring (construct-only)
 *   "client"      LkClient, the signed-in client, or NULL
 *   "whoami"      LkApiKey, the signed-in key, or NULL
 *   "signed-in"   boolean
 *   "can-read"    boolean, its key may list keys ("API Keys: Read")
 *   "can-write"   boolean, it may create keys ("API Keys: Write")
 *   "can-delete"  boolean, it may delete keys ("API Keys: Delete")
 *   "demo"        boolean, signed in to the demo tenant
 * Every property is set before the first of them is notified, so a
 * handler of any one sees the others as they now are.
 *
 * Signals:
 *   "ended" (GError *error)
 *       lk_session_end(): the platform no longer accepts the key
 *   "remember-failed" (GError *error)
 *       a sign-in asked to be remembered could not be saved in the
 *       keyring (the session is signed in all the same)
 *   "forget-failed" (GError *error)
 *       forgetting could not remove the remembered sign-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-types.h"

G_BEGIN_DECLS

#define LK_TYPE_SESSION (lk_session_get_type ())
G_DECLARE_FINAL_TYPE (LkSession, lk_session, LK, SESSION, GObject)

typedef enum {
  LK_SESSION_SIGN_IN_NONE     = 0,
  /* Once signed in, keep the account in the keyring for the next start. */
  LK_SESSION_SIGN_IN_REMEMBER = 1 << 0,
  /* The platform is the demo tenant: nothing is remembered or forgotten. */
  LK_SESSION_SIGN_IN_DEMO     = 1 << 1,
} LkSessionSignInFlags;

LkSession         *lk_session_new                       (LkCredentialStore     *store);

LkCredentialStore *lk_session_get_store                 (LkSession             *self);
LkClient          *lk_session_get_client                (LkSession             *self);
LkApiKey          *lk_session_get_whoami                (LkSession             *self);
gboolean           lk_session_get_signed_in             (LkSession             *self);
gboolean           lk_session_get_can_read              (LkSession             *self);
gboolean           lk_session_get_can_write             (LkSession             *self);
gboolean           lk_session_get_can_delete            (LkSession             *self);
gboolean           lk_session_get_demo                  (LkSession             *self);
/* The user's name for the signed-in account, or NULL (see the .c). */
const char        *lk_session_get_display_name          (LkSession             *self);
void               lk_session_set_display_name          (LkSession             *self,
                                                         const char            *name);

/* The keyring of demo sign-ins (LK_SESSION_SIGN_IN_DEMO): their keys'
 * secrets go there, not to the session's store.  NULL: the store. */
void               lk_session_set_demo_store            (LkSession             *self,
                                                         LkCredentialStore     *store);

/* Signs in to @platform with @client_id and @client_secret.  A sign-in
 * cancels the one still under way.  A failure leaves the session as it
 * was; the error is LK_CLIENT_ERROR's. */
void               lk_session_sign_in_async             (LkSession             *self,
                                                         LkPlatform            *platform,
                                                         const char            *client_id,
                                                         const char            *client_secret,
                                                         LkSessionSignInFlags   flags,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
gboolean           lk_session_sign_in_finish            (LkSession             *self,
                                                         GAsyncResult          *result,
                                                         GError               **error);

/* Signs in with the account of @client_id on @platform remembered in the
 * keyring.  @prefetch (nullable) is the startup's lookup of that account:
 * its result is used instead, at once when it is there already (the
 * session is then signed in before this returns), else when it comes; a
 * long list it is still fetching is hurried after a moment, and listed
 * here instead.  Errors: LK_STORE_ERROR when the keyring could not give
 * the account (LK_STORE_ERROR_NOT_FOUND: none is remembered); any other
 * when signing in with it failed. */
void               lk_session_sign_in_remembered_async  (LkSession             *self,
                                                         LkPlatform            *platform,
                                                         const char            *client_id,
                                                         LkAccountPrefetch     *prefetch,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
gboolean           lk_session_sign_in_remembered_finish (LkSession             *self,
                                                         GAsyncResult          *result,
                                                         GError               **error);

/* Signs out; the remembered sign-in stays in the keyring, so the next
 * start signs in to it again. */
void               lk_session_sign_out                  (LkSession             *self);
/* Signs out and forgets the remembered sign-in of this client ID on this
 * platform (unless it is the demo's): never another account's, never an
 * API-key item; see "forget-failed". */
void               lk_session_forget_account            (LkSession             *self);
/* The platform no longer accepts the key (@error says how): signs out,
 * keeps the remembered sign-in, and emits "ended". */
void               lk_session_end                       (LkSession             *self,
                                                         const GError          *error);

G_END_DECLS
