/* lk-client-recover.c: settling the creates of earlier runs
 *
 * The records of lk-client-unsettled.c, for this client's platform and
 * client ID, one by one:
 *
 *   within the platform's 24-hour idempotency window, the very request
 *   (body and Idempotency-Key) is sent again: the platform replays the key
 *   and its secret, which go to the store and to "keys" as a create's;
 *   the record goes once the secret is stored.  A name the platform says
 *   is taken means the window is over after all (clocks differ); a request
 *   it refuses as it stands was never made; anything else, another time;
 *   past the window, the key the platform made is looked for in the list
 *   (by name, made around when the create was first sent): not there, it
 *   was never made (or is gone) and the record goes; there, with its
 *   secret in the store, nothing was lost; there without it, it is an
 *   LkLostCreate, reported at every recovery until dismissed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-recover"

#include "config.h"

#include <string.h>

#include "lk-client-private.h"
#include "lk-secret-reply.h"
#include "lk-time.h"
#include "lk-wire.h"

/* A key the platform made at most this long before or after the create
 * was first sent (clocks differ) is taken for the one it made. */
#define CREATED_AT_SLACK_SECONDS (60 * 60)

void
lk_lost_create_free (LkLostCreate *lost)
{
  if (lost == NULL)
    return;

  g_free (lost->idempotency_key);
  g_free (lost->name);
  g_clear_object (&lost->key);
  g_free (lost);
}

typedef struct {
  LkClientChain      chain;
  LkCredentialStore *store;          /* as when the recovery began */
  char              *platform_id;
  GPtrArray         *records;        /* of LkUnsettledRecord: this platform's and client's */
  guint              next;           /* the record being settled */
  GPtrArray         *candidates;     /* of LkUnsettledRecord: look for their key in the list */
  guint              next_candidate;
  GPtrArray         *recovered;      /* of LkCreatedKey */
  GPtrArray         *lost;           /* of LkLostCreate */
} RecoverOp;

static void
recover_op_free (RecoverOp *op)
{
  lk_client_chain_clear (&op->chain);
  g_clear_object (&op->store);
  g_free (op->platform_id);
  g_clear_pointer (&op->records, g_ptr_array_unref);
  g_clear_pointer (&op->candidates, g_ptr_array_unref);
  g_clear_pointer (&op->recovered, g_ptr_array_unref);
  g_clear_pointer (&op->lost, g_ptr_array_unref);
  g_free (op);
}

static void recover_next           (GTask        *task);
static void recover_next_candidate (GTask        *task);
static void on_recover_listed      (GObject      *source,
                                    GAsyncResult *result,
                                    gpointer      user_data);

static LkUnsettledRecord *
current_record (RecoverOp *op)
{
  return g_ptr_array_index (op->records, op->next);
}

/* This record is settled: on to the next. */
static void
recover_settled (GTask    *task,
                 gboolean  forget)
{
  LkClient *self = g_task_get_source_object (task);
  RecoverOp *op = g_task_get_task_data (task);

  if (forget)
    lk_client_unsettled_remove (self, current_record (op)->idempotency_key);
  op->next++;
  recover_next (task);
}

static void
on_recovered_stored (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RecoverOp *op;
  g_autoptr(GError) error = NULL;
  LkCreatedKey *created;

  g_assert (G_IS_TASK (task));
  op = g_task_get_task_data (task);

  if (!lk_client_keyring_store_finish (result, &error))
    g_debug ("A recovered key’s secret was not stored: %s", error->message);

  created = g_ptr_array_index (op->recovered, op->recovered->len - 1);
  /* Not stored: kept on disk, so the next start stores it, as long as
   * the platform replays it. */
  recover_settled (task, created->stored);
}

static void
on_recover_reply (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  RecoverOp *op;
  g_autoptr(LkClientReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  LkCreatedKey *created;
  gsize length = 0;
  char *data;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);
  op = g_task_get_task_data (task);

  reply = lk_client_request_finish (result, &error);
  if (reply == NULL)
    {
      if (g_task_return_error_if_cancelled (task))
        return;

      g_debug ("Asking again for an unsettled create: %s", error->message);
      if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT))
        {
          /* Past the platform's window after all: the name is taken,
           * perhaps by the key it made. */
          g_ptr_array_add (op->candidates, g_ptr_array_steal_index (op->records, op->next));
          recover_next (task);
        }
      else
        /* Refused as it stands: it was never made (else it would be
         * replayed).  Anything else: another time. */
        recover_settled (task, g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT));
      return;
    }

  data = lk_client_reply_steal_data (reply, &length);
  created = lk_secret_reply_parse_created (data, length, &error);
  lk_secret_free_sized (data, length);
  if (created == NULL)
    {
      g_debug ("The replayed create could not be read: %s", error->message);
      recover_settled (task, FALSE);
      return;
    }

  g_ptr_array_add (op->recovered, created);
  if (!lk_client_disposed (self))
    {
      lk_client_keys_remove (self, lk_api_key_get_id (created->key));
      lk_client_keys_append (self, created->key);
    }

  if (op->store != NULL)
    {
      lk_client_keyring_store_async (op->store, op->platform_id, created, NULL,
                                     on_recovered_stored, g_steal_pointer (&task));
      return;
    }

  recover_settled (task, TRUE);
}

/* Settles the records one by one, then looks for the keys of those past
 * the window.  (@task is borrowed: what waits for it takes a reference.) */
static void
recover_next (GTask *task)
{
  LkClient *self = g_task_get_source_object (task);
  RecoverOp *op = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  LkUnsettledRecord *record;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (op->next >= op->records->len)
    {
      /* The keys past the window are looked for in the list of this
       * client, once it is there. */
      if (op->candidates->len > 0 && (self->listed_at == 0 || self->loading))
        {
          lk_client_list_keys_async (self, op->chain.cancellable, on_recover_listed,
                                     g_object_ref (task));
          return;
        }
      op->next_candidate = 0;
      recover_next_candidate (task);
      return;
    }

  record = current_record (op);
  if (lk_time_now () - record->first_sent >= LK_CLIENT_IDEMPOTENCY_WINDOW_SECONDS)
    {
      g_ptr_array_add (op->candidates, g_ptr_array_steal_index (op->records, op->next));
      recover_next (task);
      return;
    }

  /* The very request, with its key: the platform replays what it made. */
  g_debug ("POST %s: asking again for a create of an earlier run", LK_WIRE_PATH_KEYS);
  body = g_bytes_new (record->request, strlen (record->request));
  lk_client_request_async (self, SOUP_METHOD_POST, LK_WIRE_PATH_KEYS, body,
                           LK_CLIENT_JSON_CONTENT_TYPE, record->idempotency_key,
                           op->chain.cancellable, on_recover_reply, g_object_ref (task));
}

/* ---- Past the window: the keys made without a secret ---- */

/* The key of the model that @record made, if any. */
static LkApiKey *
find_made_key (LkClient *self,
               LkUnsettledRecord   *record)
{
  GListModel *keys = G_LIST_MODEL (self->keys);
  guint n = g_list_model_get_n_items (keys);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);
      gint64 created_at = lk_api_key_get_created_at (key);

      if (g_strcmp0 (lk_api_key_get_name (key), record->name) != 0)
        continue;
      if (created_at != 0 && ABS (created_at - record->first_sent) > CREATED_AT_SLACK_SECONDS)
        continue;
      return g_steal_pointer (&key);
    }

  return NULL;
}

static void
candidate_done (GTask        *task,
                LkApiKey     *lost_key)
{
  LkClient *self = g_task_get_source_object (task);
  RecoverOp *op = g_task_get_task_data (task);
  LkUnsettledRecord *record = g_ptr_array_index (op->candidates, op->next_candidate);

  if (lost_key != NULL)
    {
      LkLostCreate *lost = g_new0 (LkLostCreate, 1);

      lost->idempotency_key = g_strdup (record->idempotency_key);
      lost->name = g_strdup (record->name);
      lost->expires_at = record->expires_at;
      lost->first_sent = record->first_sent;
      lost->key = g_object_ref (lost_key);
      lk_wire_parse_create_body (record->request, strlen (record->request),
                                 NULL, NULL, &lost->permissions, NULL);
      g_ptr_array_add (op->lost, lost);
    }
  else
    /* Never made, or its secret is here: nothing more to do. */
    lk_client_unsettled_remove (self, record->idempotency_key);

  op->next_candidate++;
  recover_next_candidate (task);
}

static void
on_candidate_looked_up (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  RecoverOp *op;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkSecretString) secret = NULL;
  g_autoptr(LkApiKey) key = NULL;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);
  op = g_task_get_task_data (task);

  secret = lk_credential_store_lookup_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;

  key = find_made_key (self, g_ptr_array_index (op->candidates, op->next_candidate));
  if (secret == NULL && !g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND))
    {
      /* The keyring cannot say: another time. */
      g_debug ("Could not tell whether a key’s secret is here: %s", error->message);
      op->next_candidate++;
      recover_next_candidate (task);
      return;
    }

  candidate_done (task, secret == NULL ? key : NULL);
}

static void
recover_next_candidate (GTask *task)
{
  LkClient *self = g_task_get_source_object (task);
  RecoverOp *op = g_task_get_task_data (task);
  g_autoptr(LkApiKey) key = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (op->next_candidate >= op->candidates->len)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  key = find_made_key (self, g_ptr_array_index (op->candidates, op->next_candidate));
  if (key != NULL && op->store != NULL)
    {
      lk_credential_store_lookup_key_async (op->store, op->platform_id, lk_api_key_get_id (key),
                                            op->chain.cancellable, on_candidate_looked_up,
                                            g_object_ref (task));
      return;
    }

  candidate_done (task, key);
}

static void
on_recover_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RecoverOp *op;
  g_autoptr(GError) error = NULL;

  g_assert (G_IS_TASK (task));
  op = g_task_get_task_data (task);

  if (!lk_client_list_keys_finish (LK_CLIENT (source), result, &error))
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      /* Without the list nothing can be told: another time. */
      g_debug ("Could not list the keys to settle old creates: %s", error->message);
      g_ptr_array_set_size (op->candidates, 0);
    }

  op->next_candidate = 0;
  recover_next_candidate (task);
}

/* ---- The records of this client ---- */

static void
on_records_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  RecoverOp *op;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);
  op = g_task_get_task_data (task);

  document = lk_state_file_read_finish (NULL, result, &error);
  if (document == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task) || lk_client_disposed (self))
    return;

  g_clear_pointer (&op->records, g_ptr_array_unref);
  op->records = lk_client_unsettled_records (self, document);

  g_debug ("%u creates of an earlier run to settle", op->records->len);
  recover_next (task);
}

void
lk_client_recover_creates_async (LkClient            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RecoverOp *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (RecoverOp, 1);
  task = lk_client_op_new (self, lk_client_recover_creates_async, op, &op->chain,
                           (GDestroyNotify) recover_op_free, cancellable, callback, user_data);
  g_set_object (&op->store, self->store);
  op->platform_id = g_strdup (lk_platform_get_id (self->platform));
  op->records = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_unsettled_record_free);
  op->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_unsettled_record_free);
  op->recovered = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_created_key_unref);
  op->lost = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_lost_create_free);

  if (!lk_client_has_credentials (self))
    {
      g_task_return_error (task, lk_client_error_not_signed_in ());
      return;
    }

  lk_state_file_read_async (self->unsettled_file, op->chain.cancellable,
                            on_records_read, g_steal_pointer (&task));
}

gboolean
lk_client_recover_creates_finish (LkClient      *self,
                                  GAsyncResult  *result,
                                  GPtrArray    **out_recovered,
                                  GPtrArray    **out_lost,
                                  GError       **error)
{
  RecoverOp *op;

  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_recover_creates_async, FALSE);

  if (out_recovered != NULL)
    *out_recovered = NULL;
  if (out_lost != NULL)
    *out_lost = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (out_recovered != NULL)
    *out_recovered = g_ptr_array_ref (op->recovered);
  if (out_lost != NULL)
    *out_lost = g_ptr_array_ref (op->lost);
  return TRUE;
}

/* ---- Dismissing a lost create ---- */

static void
on_dismissed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (lk_client_unsettled_remove_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
lk_client_dismiss_lost_create_async (LkClient            *self,
                                     LkLostCreate        *lost,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (lost != NULL && lost->idempotency_key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_client_dismiss_lost_create_async);

  lk_client_unsettled_remove_async (self, lost->idempotency_key, on_dismissed, g_steal_pointer (&task));
}

gboolean
lk_client_dismiss_lost_create_finish (LkClient      *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_dismiss_lost_create_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
