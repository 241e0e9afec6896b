/* lk-client-private.h: LkClient's instance struct and the API its files share
 *
 * LkClient is one class over several files, each with one job:
 *
 *   lk-client.c          the GObject: properties, construct, dispose,
 *                        setters and getters, tuning; and what every
 *                        operation shares: its task, its cancellable
 *                        chained to the caller's and the client's
 *   lk-client-session.c  handing a signed-in session to another client
 *   lk-request.c         one HTTP exchange: timeouts, retries, Retry-After,
 *                        size limits, TLS problems, cancellation, the
 *                        resend of a create whose reply was lost
 *   lk-client-reply.c    the buffers that hold a reply, wiped
 *   lk-secret-reply.c    the token and create replies, read without
 *                        copies of their secret
 *   lk-token.c           the bearer token: cache, fetch, requests waiting
 *   lk-client-errors.c   HTTP statuses, transport failures and error
 *                        bodies as LK_CLIENT_ERROR codes and messages
 *   lk-client-sign-in.c  sign in (whoami)
 *   lk-client-list.c     list, and the keys model it fills
 *   lk-key-list.c        that model: LkApiKey in one array
 *   lk-client-create.c   create: the Idempotency-Key, chosen and replayed,
 *                        and the creates whose outcome is unknown
 *   lk-client-unsettled.c  those creates on disk
 *   lk-client-recover.c  settling them in a later run
 *                        (lk_client_recover_creates_async)
 *   lk-client-delete.c   delete
 *   lk-client-keyring.c  what each operation does to the keyring: marks
 *                        after a list, stores a created key's secret,
 *                        forgets a deleted key's items
 *   lk-loopback-resolver.c  the session's proxy resolver for a platform
 *                        on this computer: loopback never goes through a
 *                        proxy
 *
 * Nothing here is for other parts of the code: they use lk-client.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#include <libsoup/soup.h>

#include "lk-secret.h"
#include "lk-client.h"
#include "lk-key-list.h"
#include "lk-state-file.h"

G_BEGIN_DECLS

#define LK_CLIENT_JSON_CONTENT_TYPE "application/json"

struct _LkClient
{
  GObject            parent_instance;

  LkPlatform        *platform;
  LkCredentialStore *store;
  LkKeyList         *keys;               /* lk-key-list.c */
  LkApiKey          *whoami;
  char              *client_id;
  char              *client_secret;      /* wiped */

  SoupSession       *session;
  GError            *platform_error;     /* why requests cannot be made */
  GCancellable      *cancellable;        /* cancelled in dispose */

  /* lk-token.c */
  char              *token;              /* wiped */
  gint64             token_valid_until;  /* monotonic µs */
  guint              credentials_serial;
  gboolean           token_fetching;
  GQueue             token_waiters;      /* of GTask (requests), each a ref */

  /* lk-token-url.c */
  gboolean           token_fallback;     /* the platform's fallback token URL is in use */
  GError            *token_first_error;  /* why the first token URL failed */

  /* lk-client-list.c */
  GCancellable      *list_cancellable;   /* of the list in progress */
  gboolean           loading;
  gint64             listed_at;          /* monotonic µs, 0: never */
  /* Keys of the list in progress not yet in @keys: after the first page,
   * pages are put in the store in batches. */
  GPtrArray         *list_pending;       /* of LkApiKey */
  GSource           *list_flush;         /* timeout, thread-default context */
  /* A list that ended short after reading this many keys, all of them in
   * @keys in the platform's order (0: it ended well, or read none): what
   * an exported session hands on for the importer to carry on from. */
  guint              list_read;
  /* Imported with a session whose list ended short: the next list reads
   * on from here instead of from the start (0: from the start). */
  guint              list_resume;

  /* lk-client-create.c: creates whose outcome is unknown, by trimmed name */
  GHashTable        *unsettled_creates;  /* char* -> CreateRequest* */
  /* lk-client-unsettled.c: the same, on disk, for the next process */
  LkStateFile       *unsettled_file;

  guint              timeout;
  guint              max_attempts;
  guint              max_total;
  guint              page_size;
  guint              max_listed;         /* keys a list reads at most */
};

/* ---- lk-client.c ---- */

/* TRUE when dispose ran: then the client's fields are not to be used. */
gboolean       lk_client_disposed             (LkClient            *self);
/* TRUE when both a client ID and a secret are set. */
gboolean       lk_client_has_credentials      (LkClient            *self);
/* Both notify only when the value changed. */
void           lk_client_update_whoami        (LkClient            *self,
                                               LkApiKey            *whoami);
void           lk_client_set_loading          (LkClient            *self,
                                               gboolean             loading);

/* ---- lk-client.c: what every operation shares ---- */

/* The cancellable of one public operation: cancelled by the caller's or
 * by the client's.  A member of every operation's struct. */
typedef struct {
  GCancellable *cancellable;
  GCancellable *parents[2];
  gulong        ids[2];
} LkClientChain;

void           lk_client_chain_clear          (LkClientChain       *chain);

/* A public operation's task: its source object is @self, its cancellable
 * that of @chain (set up here, a member of @op), its task data @op, freed
 * by @op_free. */
GTask         *lk_client_op_new               (LkClient            *self,
                                               gpointer             source_tag,
                                               gpointer             op,
                                               LkClientChain       *chain,
                                               GDestroyNotify       op_free,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);

/* Cancels @child when @parent is; returns the handler to unchain with. */
gulong         lk_client_cancellable_chain    (GCancellable        *parent,
                                               GCancellable        *child);
void           lk_client_cancellable_unchain  (GCancellable        *parent,
                                               gulong              *handler_id);

/* The HTTP session of a client or a connection check: @timeout seconds
 * for I/O, and idle connections kept until the server closes them. */
SoupSession   *lk_client_soup_session_new     (guint                timeout);

/* A timeout on the thread-default main context, as libsoup's callbacks:
 * a client may live in a thread of its own (see LkAccountPrefetch). */
GSource       *lk_client_add_timeout          (guint                ms,
                                               GSourceFunc          func,
                                               gpointer             data,
                                               const char          *name);
void           lk_client_clear_timeout        (GSource            **source);

/* ---- lk-client-reply.c: replies, and the buffers that held them ---- */

typedef struct {
  guint   status;
  GBytes *body;      /* wiped when freed: it may hold a token or a secret */
} LkClientReply;

void           lk_client_reply_free           (LkClientReply       *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkClientReply, lk_client_reply_free)
/* Takes the body out of @reply, as a buffer the caller may change, then
 * wipes and frees (lk_secret_free_sized()). */
char          *lk_client_reply_steal_data     (LkClientReply       *reply,
                                               gsize               *length);

/* Bytes that are wiped when freed (lk-secret.h does the wiping). */
typedef GBytes LkWipedBytes;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkWipedBytes, lk_secret_bytes_unref)

/* ---- lk-request.c: one HTTP exchange ---- */

/* A request to the API with the bearer token.  GET and DELETE retry, and
 * so does a request with an @idempotency_key, which is sent with every
 * attempt and is also resent after a lost reply.  @cancellable's
 * cancellation ends it, except that a whole 2xx reply is never thrown
 * away. */
void           lk_client_request_async        (LkClient            *self,
                                               const char          *method,
                                               const char          *path,
                                               GBytes              *body,
                                               const char          *content_type,
                                               const char          *idempotency_key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* A POST to the token endpoint with the client's Basic credentials. */
void           lk_client_request_token_async  (LkClient            *self,
                                               GBytes              *body,
                                               const char          *content_type,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* A 2xx reply, or NULL and an LK_CLIENT_ERROR (or G_IO_ERROR_CANCELLED). */
LkClientReply *lk_client_request_finish       (GAsyncResult        *result,
                                               GError             **error);

/* lk-token.c hands a waiting request its token, or why there is none. */
void           lk_client_request_token_ready  (GTask               *request,
                                               const char          *token,
                                               const GError        *error);

/* ---- lk-token.c ---- */

/* "Basic " + the client's credentials as RFC 6749 §2.3.1 encodes them
 * (lk_secret_free).  Only when lk_client_has_credentials(). */
char          *lk_client_token_basic_authorization (LkClient       *self);
/* The cached token while it is valid, else NULL. */
const char    *lk_client_token_lookup         (LkClient            *self);
/* Queues @request (a ref) for the next token, fetching one if none is
 * on its way; lk_client_request_token_ready() then gets it. */
void           lk_client_token_wait           (LkClient            *self,
                                               GTask               *request);
/* Takes @request off the queue; FALSE if it was not there. */
gboolean       lk_client_token_unwait         (LkClient            *self,
                                               GTask               *request);
/* Forgets @token if it is the cached one (the platform refused it). */
void           lk_client_token_drop           (LkClient            *self,
                                               const char          *token);
/* The credentials changed: the cached token and the fetch on its way are
 * not theirs. */
void           lk_client_token_reset          (LkClient            *self);

/* ---- lk-token-url.c ---- */

/* The token URL to ask now: the platform's, or its fallback once the
 * first was unreachable or answered 404. */
const char    *lk_client_token_url            (LkClient            *self);
/* A token request failed with *@error: TRUE when the fallback token URL
 * is to be asked now.  When the fallback failed too, *@error becomes one
 * error naming both URLs, and the next fetch starts again at the first. */
gboolean       lk_client_token_url_fall_back  (LkClient            *self,
                                               GError             **error);
/* Whether a token request's error means "ask the fallback token URL":
 * unreachable, or no token endpoint there (404). */
gboolean       lk_token_url_is_absent         (const GError        *error);
/* One error naming both token URLs and what each said (no credential). */
GError        *lk_token_url_both_failed       (const char          *first,
                                               const GError        *first_error,
                                               const char          *fallback,
                                               const GError        *fallback_error);

/* ---- lk-client-errors.c ---- */

GError        *lk_client_error_from_status    (guint                status,
                                               GBytes              *body,
                                               gboolean             token_endpoint);
/* lk_client_error_from_status(), but a 404, 405 or 501 of an endpoint
 * (not of one key) is LK_CLIENT_ERROR_ENDPOINT_MISSING naming it; @path
 * is the token URL when @token_endpoint. */
GError        *lk_client_error_from_reply     (const char          *method,
                                               const char          *path,
                                               guint                status,
                                               GBytes              *body,
                                               gboolean             token_endpoint);
char          *lk_client_endpoint_name        (const char          *method,
                                               const char          *path);
GError        *lk_client_error_endpoint_missing (const char        *endpoint,
                                               guint                status);
GError        *lk_client_error_no_token_endpoint (const char       *token_url,
                                               guint                status);
GError        *lk_client_error_from_transport (const GError        *error,
                                               gboolean             tls_problem,
                                               GTlsCertificateFlags tls_flags);
GError        *lk_client_error_timeout        (void);
GError        *lk_client_error_cut_short      (void);
GError        *lk_client_error_too_large      (void);
GError        *lk_client_error_bad_url        (void);
GError        *lk_client_error_cancelled      (void);
GError        *lk_client_error_not_signed_in  (void);
GError        *lk_client_error_malformed      (void);
/* A list that read @max_keys keys and was told there were more. */
GError        *lk_client_error_list_too_long  (guint                max_keys);
/* A parser's error as MALFORMED_REPLY, whatever it was (takes @error). */
GError        *lk_client_error_unreadable     (GError              *error);

/* ---- lk-client-list.c: the keys model ---- */

/* Appends @key after the keys a list has read so far. */
void           lk_client_keys_append          (LkClient            *self,
                                               LkApiKey            *key);
/* Removes the row of @key_id, shown or still to be shown. */
void           lk_client_keys_remove          (LkClient            *self,
                                               const char          *key_id);
/* Forgets the list in progress (dispose). */
void           lk_client_list_dispose         (LkClient            *self);

/* ---- lk-client-create.c ---- */

void           lk_client_create_init          (LkClient            *self);

/* ---- lk-client-unsettled.c ---- */

LkStateFile   *lk_client_unsettled_file_new   (void);
/* Records a create about to be sent, with this client's platform and
 * client ID; completes once it is on disk (a failure is logged: the
 * create goes ahead, remembered in memory only). */
void           lk_client_unsettled_add_async  (LkClient            *self,
                                               const char          *idempotency_key,
                                               const char          *name,
                                               gint64               expires_at,
                                               gint64               first_sent,
                                               GBytes              *body,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void           lk_client_unsettled_add_finish (GAsyncResult        *result);
/* Forgets the record of a settled create, in the background. */
void           lk_client_unsettled_remove     (LkClient            *self,
                                               const char          *idempotency_key);
void           lk_client_unsettled_remove_async  (LkClient            *self,
                                                  const char          *idempotency_key,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       lk_client_unsettled_remove_finish (GAsyncResult        *result,
                                                  GError             **error);

/* Forgets the records of this platform and client ID for a create of
 * @name (trimmed), in the background. */
void           lk_client_unsettled_remove_named  (LkClient            *self,
                                                  const char          *name);

/* One record, as the state file holds it. */
typedef struct {
  char   *idempotency_key;
  char   *api_url;
  char   *token_url;
  char   *client_id;
  char   *name;
  gint64  expires_at;
  gint64  first_sent;      /* Unix seconds */
  char   *request;         /* the body, exactly as sent */
} LkUnsettledRecord;

void           lk_unsettled_record_free       (LkUnsettledRecord   *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkUnsettledRecord, lk_unsettled_record_free)
/* The records of @document (the state file's) made by a client of this
 * platform and client ID. */
GPtrArray     *lk_client_unsettled_records    (LkClient            *self,
                                               JsonObject          *document);

/* ---- lk-client-keyring.c ---- */

/* After a list: one search of the store, then "has-local-secret" on each
 * key of the model.  Fails only when @cancellable was cancelled: a store
 * that cannot answer leaves the marks as they were. */
void           lk_client_keyring_mark_async   (LkClient            *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       lk_client_keyring_mark_finish  (LkClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Stores @created's secret in @store and records the outcome in @created
 * (stored, store_label, store_error). */
void           lk_client_keyring_store_async  (LkCredentialStore   *store,
                                               const char          *platform_id,
                                               LkCreatedKey        *created,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       lk_client_keyring_store_finish (GAsyncResult        *result,
                                               GError             **error);
/* Removes the keyring items of a key gone from the platform; a failure is
 * logged, not returned: the key is gone, which is what was asked. */
void           lk_client_keyring_forget_async (LkCredentialStore   *store,
                                               const char          *platform_id,
                                               const char          *key_id,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void           lk_client_keyring_forget_finish (GAsyncResult       *result);

G_END_DECLS
