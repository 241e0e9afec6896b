/* lk-client.h: the platform client
 *
 * One LkClient per signed-in account: it owns one SoupSession, the token
 * cache and the GListModel of the tenant's keys.  Every call is
 * asynchronous and takes a GCancellable; disposing the client cancels
 * everything it started.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "lk-api-key.h"
#include "lk-credential-store.h"
#include "lk-error.h"
#include "lk-key-rules.h"  /* lk_validate_key_name, lk_validate_expiry */
#include "lk-permissions.h"
#include "lk-platform.h"

G_BEGIN_DECLS

#define LK_TYPE_CLIENT (lk_client_get_type ())
G_DECLARE_FINAL_TYPE (LkClient, lk_client, LK, CLIENT, GObject)

/* Properties:
 *   "platform"   LkPlatform (construct-only)
 *   "store"      LkCredentialStore (nullable, read-write)
 *   "keys"       GListModel of LkApiKey (read-only; the same object for the
 *                client's whole life)
 *   "whoami"     LkApiKey of the signed-in key, NULL until sign-in
 *   "loading"    boolean, TRUE while a list is in progress
 *   "client-id"  string, the admin's client ID (never the secret)
 */
LkClient          *lk_client_new                 (LkPlatform          *platform);
LkPlatform        *lk_client_get_platform        (LkClient            *self);
void               lk_client_set_credentials     (LkClient            *self,
                                                  const char          *client_id,
                                                  const char          *client_secret);
const char        *lk_client_get_client_id       (LkClient            *self);
void               lk_client_set_store           (LkClient            *self,
                                                  LkCredentialStore   *store);
LkCredentialStore *lk_client_get_store           (LkClient            *self);
GListModel        *lk_client_get_keys            (LkClient            *self);
LkApiKey          *lk_client_get_whoami          (LkClient            *self);
gboolean           lk_client_get_loading         (LkClient            *self);
/* Monotonic time (µs) at which the last complete list ended, 0 if none. */
gint64             lk_client_get_listed_at       (LkClient            *self);

/* Tuning, mostly for tests: per-request timeout (default 30 s); retries
 * (default 4 attempts within 60 s total); page size (default 100). */
void               lk_client_set_timeout         (LkClient            *self,
                                                  guint                seconds);
/* The retry policy a new client has: attempts per request, and seconds a
 * request may take with its retries. */
#define LK_CLIENT_DEFAULT_MAX_ATTEMPTS      4
#define LK_CLIENT_DEFAULT_MAX_TOTAL_SECONDS 60
void               lk_client_set_retry_policy    (LkClient            *self,
                                                  guint                max_attempts,
                                                  guint                max_total_seconds);
void               lk_client_set_page_size       (LkClient            *self,
                                                  guint                page_size);

/* The most keys a list reads (default LK_CLIENT_DEFAULT_MAX_LISTED): a
 * platform that goes on giving pages past it, with a "total" that says
 * there are more, is not believed.  The list then stops with
 * LK_CLIENT_ERROR_MALFORMED_REPLY, keeping the keys it read in the "keys"
 * model.  No real tenant comes near the default (a million keys take a
 * quarter of a gigabyte here); a caller that knows its platform better
 * may lower it. */
#define LK_CLIENT_DEFAULT_MAX_LISTED 1000000
void               lk_client_set_list_limit      (LkClient            *self,
                                                  guint                max_keys);

/* Gets a token and calls whoami.  Finish returns the signed-in key (also
 * the "whoami" property). */
void               lk_client_sign_in_async       (LkClient            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
LkApiKey          *lk_client_sign_in_finish      (LkClient            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Fetches every page into the "keys" model, pages appearing as they arrive
 * (the first page replaces the old content, later pages are appended).
 * When a store is set, marks "has-local-secret" on each key with one
 * search.  Finish returns TRUE when all pages arrived. */
void               lk_client_list_keys_async     (LkClient            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           lk_client_list_keys_finish    (LkClient            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Creates a key.  The reply goes first to the store (when set), then to
 * the caller: the returned LkCreatedKey says whether it was stored.  A
 * failure to store is not an error of the create: the secret is in the
 * LkCreatedKey so the caller can retry or save it elsewhere.  Empty
 * @permissions means all permissions.
 *
 * Once the platform's reply with the secret has been read, @cancellable
 * (or the client going away) no longer stops the create: it finishes
 * with the LkCreatedKey all the same, because the secret exists nowhere
 * else, and the caller must show it (or hand it to whoever will). */
void               lk_client_create_key_async    (LkClient            *self,
                                                  const char          *name,
                                                  gint64               expires_at,
                                                  const LkPermissions *permissions,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
LkCreatedKey      *lk_client_create_key_finish   (LkClient            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Retries storing a created key's secret (after a store failure); updates
 * @created's stored/store_label/store_error. */
void               lk_client_store_secret_async  (LkClient            *self,
                                                  LkCreatedKey        *created,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           lk_client_store_secret_finish (LkClient            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Deletes a key on the platform, then its keyring items, then its row.
 * A key that is already gone fails with LK_CLIENT_ERROR_NOT_FOUND, and its
 * row is removed all the same. */
void               lk_client_delete_key_async    (LkClient            *self,
                                                  const char          *key_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           lk_client_delete_key_finish   (LkClient            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* ---- Creates whose reply never came ----
 *
 * Before a create is sent, its request is recorded in the user's state
 * folder (g_get_user_state_dir()/layer-keys/unsettled-creates.json): the
 * name, expiry and permissions as sent, the platform's API and token
 * URLs, the client ID, the Idempotency-Key and when it was first sent;
 * nothing secret.  The record goes once the outcome is known and a secret
 * that came is in the store.  A create whose outcome stayed unknown (the
 * reply was lost, the app quit or crashed) is settled by the next client
 * of the same platform and client ID that recovers, in this process or
 * another (layer-keys-cli). */

/* The platform keeps an Idempotency-Key this long (docs/platform-api.md). */
#define LK_CLIENT_IDEMPOTENCY_WINDOW_SECONDS (24 * 60 * 60)

/* A key the platform made for a create of an earlier run whose secret can
 * no longer be had: asked again past the idempotency window, the platform
 * will not replay it, and the keyring does not have it.  It opens nothing
 * anyone can use: offer to delete it (lk_client_delete_key_async() on
 * @key), then, deleted or kept, lk_client_dismiss_lost_create_async(). */
typedef struct {
  char          *idempotency_key;
  char          *name;
  gint64         expires_at;
  LkPermissions  permissions;    /* as asked for: empty means all */
  gint64         first_sent;     /* Unix seconds */
  LkApiKey      *key;            /* as the platform lists it */
} LkLostCreate;

void               lk_lost_create_free           (LkLostCreate        *lost);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkLostCreate, lk_lost_create_free)

/* Settles the creates of earlier runs for this client's platform and
 * client ID (signed in or not yet: credentials set).  Within the window,
 * the very request is sent again and the platform replays the key and its
 * secret: each goes to the store, as a create's does, and to "keys"; it is
 * in @out_recovered (LkCreatedKey, with "stored" saying whether the store
 * took it: if not, show it as a create's).  Past the window, the key the
 * platform made is looked for in the list (listing first if the client
 * has not): found, with no secret in the store, it is in @out_lost
 * (LkLostCreate); not found, it was never made and is forgotten.  Creates
 * that cannot be settled now (no network) stay for the next time.  Fails
 * only when cancelled, not signed in, or the state folder cannot be read. */
void               lk_client_recover_creates_async   (LkClient            *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           lk_client_recover_creates_finish  (LkClient            *self,
                                                      GAsyncResult        *result,
                                                      GPtrArray          **out_recovered,
                                                      GPtrArray          **out_lost,
                                                      GError             **error);
/* Forgets a lost create, once the user deleted its key or chose to keep
 * it; until then each recovery reports it again. */
void               lk_client_dismiss_lost_create_async  (LkClient            *self,
                                                         LkLostCreate        *lost,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean           lk_client_dismiss_lost_create_finish (LkClient            *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Forgets the create of @name (by this client's platform and client ID),
 * in memory and on disk, whatever its outcome: its key was deleted again
 * before its secret was kept (a rotation rolled back), so there is nothing
 * to recover.  In the background. */
void               lk_client_forget_create       (LkClient            *self,
                                                  const char          *name);

/* ---- Handing a session to another client (another thread's) ----
 *
 * What a client that signed in and listed the keys knows: its token,
 * whoami and keys.  LkAccountPrefetch signs in and lists in a thread of
 * its own while GTK starts, then the window's client takes it over. */
typedef struct _LkClientSession LkClientSession;

/* NULL unless @self is signed in; with its keys if its last list ended
 * well (and no other runs); with the keys it read if its last list was
 * cut short (cancelled or failed after some pages; the importer's next
 * list reads on from there); else without (the importer lists). */
LkClientSession   *lk_client_export_session      (LkClient            *self);
void               lk_client_session_free        (LkClientSession     *session);
/* The keys of @session (NULL when it has none), in the order they will
 * be imported: the thread that holds @session may work on them and
 * reorder them. */
GPtrArray         *lk_client_session_get_keys    (LkClientSession     *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkClientSession, lk_client_session_free)
/* @self (same platform and credentials, set already) is then signed in,
 * with the keys listed if @session has them, as if it had done so itself
 * (lk_client_get_listed_at() stays 0 for the keys of a list cut short,
 * and the next lk_client_list_keys_async() reads the rest).
 * Takes @session. */
void               lk_client_import_session      (LkClient            *self,
                                                  LkClientSession     *session);

/* The Authorization header of a token request for @client_id and
 * @client_secret: HTTP Basic over both, each form-encoded first as
 * RFC 6749 section 2.3.1 requires.  Free it with lk_secret_free(). */
char              *lk_client_basic_authorization (const char          *client_id,
                                                  const char          *client_secret);

G_END_DECLS
