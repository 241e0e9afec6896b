/* lk-client-create.c: creating a key, and its Idempotency-Key
 *
 * A new key's client secret is in the create's reply and nowhere else, so
 * a create must never be lost and never be made twice.  The whole story
 * of the Idempotency-Key is here:
 *
 *   chosen    create_request_choose(): a new random key for a new create,
 *             or the very key (and body) of an earlier create of the same
 *             name, expiry day and permissions whose outcome is unknown;
 *   resent    the request layer sends it with every attempt of the one
 *             request (retries after a connection error, 429 or 503), and
 *             resends the request when its reply was lost (no answer in
 *             time, or cut short): see request_resend_lost_reply() in
 *             lk-request.c;
 *   kept      create_settle(): a create that failed in a way that may
 *             have taken effect on the platform is remembered, by trimmed
 *             name, for 12 hours (the platform keeps a key for 24); one
 *             that succeeded or was refused is forgotten;
 *   recorded  before it is first sent, a create is recorded on disk too
 *             (lk-client-unsettled.c), and the record goes once the
 *             outcome is known and a secret that came is in the store: a
 *             later run settles what this one could not.
 *
 * Asking again for such a key repeats the very same request, so the
 * platform's replay brings the one secret back instead of "name taken".
 *
 * Then the secret goes to the keyring first (lk-client-keyring.c,
 * lk_client_keyring_store_async()), and only then to the caller.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-create"

#include "config.h"

#include "lk-client-private.h"
#include "lk-secret-reply.h"
#include "lk-time.h"
#include "lk-wire.h"

/* The platform keeps an Idempotency-Key for 24 hours; stay well inside. */
#define UNSETTLED_CREATE_LIFETIME_USEC (12 * G_TIME_SPAN_HOUR)

/* One create request, exactly as sent; remembered in the client's
 * unsettled_creates while its outcome is unknown. */
typedef struct {
  char          *name;             /* trimmed */
  char          *idempotency_key;
  GBytes        *body;             /* exactly what was sent */
  gint64         expires_at;
  LkPermissions  permissions;
  gint64         started;          /* monotonic µs, of the first time it was sent */
  gint64         first_sent;       /* the same, Unix seconds, for the record on disk */
} CreateRequest;

typedef struct {
  LkClientChain      chain;
  /* The store as it was when the create started, so a secret still
   * reaches it when the client goes away meanwhile. */
  LkCredentialStore *store;
  char              *platform_id;
  CreateRequest     *request;      /* what was sent, should the outcome be unknown */
  char              *idempotency_key;  /* of its record on disk */
  gboolean           asked_again;  /* @request is that of an earlier create */
  LkCreatedKey      *created;
} CreateOp;

static void
create_request_free (CreateRequest *request)
{
  g_free (request->name);
  g_free (request->idempotency_key);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

static CreateRequest *
create_request_copy (const CreateRequest *request)
{
  CreateRequest *copy = g_new0 (CreateRequest, 1);

  copy->name = g_strdup (request->name);
  copy->idempotency_key = g_strdup (request->idempotency_key);
  copy->body = g_bytes_ref (request->body);
  copy->expires_at = request->expires_at;
  copy->permissions = request->permissions;
  copy->started = request->started;
  copy->first_sent = request->first_sent;

  return copy;
}

static void
create_op_free (CreateOp *op)
{
  lk_client_chain_clear (&op->chain);
  g_clear_object (&op->store);
  g_free (op->platform_id);
  g_clear_pointer (&op->request, create_request_free);
  g_free (op->idempotency_key);
  g_clear_pointer (&op->created, lk_created_key_unref);
  g_free (op);
}

void
lk_client_create_init (LkClient *self)
{
  g_assert (LK_IS_CLIENT (self));

  self->unsettled_creates = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                   (GDestroyNotify) create_request_free);
}

/* ------------------------------------------------------------------------
 * The Idempotency-Key
 * ------------------------------------------------------------------------ */

/* The request to send for a create of @trimmed: the one of an earlier
 * create with the same name, expiry day and permissions whose outcome is
 * unknown, or a new one with a new Idempotency-Key. */
static CreateRequest *
create_request_choose (LkClient            *self,
                       const char          *trimmed,
                       gint64               expires_at,
                       const LkPermissions *permissions,
                       gboolean            *out_asked_again)
{
  CreateRequest *unsettled;
  CreateRequest *request;
  char *data;
  gsize length = 0;

  unsettled = g_hash_table_lookup (self->unsettled_creates, trimmed);
  if (unsettled != NULL &&
      g_get_monotonic_time () - unsettled->started < UNSETTLED_CREATE_LIFETIME_USEC &&
      lk_time_days_between (unsettled->expires_at, expires_at) == 0 &&
      lk_permissions_equal (&unsettled->permissions, permissions))
    {
      g_debug ("POST %s: repeating an earlier create whose outcome is unknown", LK_WIRE_PATH_KEYS);
      *out_asked_again = TRUE;
      return create_request_copy (unsettled);
    }

  request = g_new0 (CreateRequest, 1);
  request->name = g_strdup (trimmed);
  data = lk_wire_build_create_body (trimmed, expires_at, permissions, &length);
  request->body = g_bytes_new_take (data, length);
  /* One key for every attempt of this create: a retry after a lost reply
   * gets the same key back, never a second one.  From the kernel's
   * cryptographic source: whoever guesses it could ask the platform to
   * replay this create's reply. */
  request->idempotency_key = lk_secret_random_uuid ();
  request->expires_at = expires_at;
  request->permissions = *permissions;
  request->started = g_get_monotonic_time ();
  request->first_sent = lk_time_now ();
  *out_asked_again = FALSE;

  return request;
}

/* Whether a failed create may have taken effect on the platform. */
static gboolean
create_outcome_unknown (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (error->domain != LK_CLIENT_ERROR)
    return TRUE;

  switch ((LkClientError) error->code)
    {
    case LK_CLIENT_ERROR_NETWORK:
    case LK_CLIENT_ERROR_MALFORMED_REPLY:
    case LK_CLIENT_ERROR_SERVER_ERROR:
    case LK_CLIENT_ERROR_RATE_LIMITED:
    case LK_CLIENT_ERROR_TLS:
      return TRUE;
    case LK_CLIENT_ERROR_AUTHENTICATION_FAILED:
    case LK_CLIENT_ERROR_PERMISSION_DENIED:
    case LK_CLIENT_ERROR_NOT_FOUND:
    case LK_CLIENT_ERROR_CONFLICT:
    case LK_CLIENT_ERROR_INVALID_INPUT:
    case LK_CLIENT_ERROR_INVALID_PLATFORM:
    case LK_CLIENT_ERROR_NOT_SIGNED_IN:
    default:
      return FALSE;
    }
}

/* Remembers or forgets the create of @op, by whether its outcome is
 * known (its record on disk: see create_done() for a success). */
static void
create_settle (LkClient     *self,
               CreateOp     *op,
               const GError *error)
{
  if (error != NULL && !create_outcome_unknown (error))
    lk_client_unsettled_remove (self, op->idempotency_key);

  if (op->request == NULL || lk_client_disposed (self))
    return;

  if (error != NULL && create_outcome_unknown (error))
    {
      char *name = op->request->name;

      g_hash_table_replace (self->unsettled_creates, name, g_steal_pointer (&op->request));
    }
  else
    g_hash_table_remove (self->unsettled_creates, op->request->name);
}

/* ------------------------------------------------------------------------
 * The create
 * ------------------------------------------------------------------------ */

static void
create_done (GTask *task)
{
  LkClient *self = g_task_get_source_object (task);
  CreateOp *op = g_task_get_task_data (task);

  if (!lk_client_disposed (self))
    lk_client_keys_append (self, op->created->key);

  /* Settled, once the secret is safe: a secret the store did not take is
   * shown to the user, and until it is stored a later run asks the
   * platform for it again. */
  if (op->created->stored || op->store == NULL)
    lk_client_unsettled_remove (self, op->idempotency_key);

  /* Cancelled or not: the secret was read, and the caller is the only
   * way left to the user (the store may not have taken it). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_return_pointer (task, lk_created_key_ref (op->created),
                         (GDestroyNotify) lk_created_key_unref);
}

static void
on_created_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (G_IS_TASK (task));

  /* Not an error of the create: the secret is in the LkCreatedKey, which
   * says it was not stored, so the caller can retry or save it elsewhere. */
  if (!lk_client_keyring_store_finish (result, &error))
    g_debug ("The new key’s secret was not stored: %s", error->message);

  create_done (task);
}

static void
on_create_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  CreateOp *op;
  g_autoptr(LkClientReply) reply = NULL;
  GError *error = NULL;
  gsize length = 0;
  char *data;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);
  op = g_task_get_task_data (task);

  reply = lk_client_request_finish (result, &error);
  if (reply == NULL)
    {
      create_settle (self, op, error);
      g_task_return_error (task, error);
      return;
    }

  /* Read without JSON-GLib's copies of the secret. */
  data = lk_client_reply_steal_data (reply, &length);
  op->created = lk_secret_reply_parse_created (data, length, &error);
  lk_secret_free_sized (data, length);
  if (op->created == NULL)
    {
      error = lk_client_error_unreadable (error);
      create_settle (self, op, error);
      g_task_return_error (task, error);
      return;
    }
  create_settle (self, op, NULL);

  /* The secret exists nowhere else: it goes to the store even when the
   * caller cancelled or the client went away meanwhile, within the
   * store's own time limit. */
  if (op->store != NULL)
    {
      lk_client_keyring_store_async (op->store, op->platform_id, op->created, NULL,
                                     on_created_stored, g_steal_pointer (&task));
      return;
    }

  create_done (task);
}

static void
on_create_recorded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  CreateOp *op;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);
  op = g_task_get_task_data (task);

  lk_client_unsettled_add_finish (result);

  /* Not sent: a new create leaves nothing to settle; one asked again
   * keeps the record of the first. */
  if (g_cancellable_is_cancelled (op->chain.cancellable))
    {
      if (!op->asked_again)
        lk_client_unsettled_remove (self, op->idempotency_key);
      g_task_return_error (task, lk_client_error_cancelled ());
      return;
    }

  lk_client_request_async (self, SOUP_METHOD_POST, LK_WIRE_PATH_KEYS,
                           op->request->body, LK_CLIENT_JSON_CONTENT_TYPE,
                           op->request->idempotency_key,
                           op->chain.cancellable, on_create_reply, g_steal_pointer (&task));
}

void
lk_client_create_key_async (LkClient            *self,
                            const char          *name,
                            gint64               expires_at,
                            const LkPermissions *permissions,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *trimmed = NULL;
  LkPermissions none = { { 0 } };
  GError *error = NULL;
  CreateOp *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (CreateOp, 1);
  task = lk_client_op_new (self, lk_client_create_key_async, op, &op->chain,
                           (GDestroyNotify) create_op_free,
                           cancellable, callback, user_data);
  g_set_object (&op->store, self->store);
  op->platform_id = g_strdup (lk_platform_get_id (self->platform));

  if (!lk_validate_key_name (name, &error) ||
      !lk_validate_expiry (lk_time_now (), expires_at, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!lk_client_has_credentials (self))
    {
      g_task_return_error (task, lk_client_error_not_signed_in ());
      return;
    }

  trimmed = g_strstrip (g_strdup (name));
  op->request = create_request_choose (self, trimmed, expires_at,
                                       permissions != NULL ? permissions : &none,
                                       &op->asked_again);
  op->idempotency_key = g_strdup (op->request->idempotency_key);

  /* On disk before it is sent: a later run settles it if this one cannot. */
  lk_client_unsettled_add_async (self, op->request->idempotency_key, op->request->name,
                                 op->request->expires_at, op->request->first_sent,
                                 op->request->body, on_create_recorded, g_steal_pointer (&task));
}

LkCreatedKey *
lk_client_create_key_finish (LkClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_create_key_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lk_client_forget_create (LkClient   *self,
                         const char *name)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (name != NULL);

  trimmed = g_strstrip (g_strdup (name));
  if (!lk_client_disposed (self))
    g_hash_table_remove (self->unsettled_creates, trimmed);
  lk_client_unsettled_remove_named (self, trimmed);
}
