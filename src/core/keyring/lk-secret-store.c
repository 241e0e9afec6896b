/* lk-secret-store.c: the system keyring, through libsecret's SecretService API
 *
 * The class and the three operations the base class builds on (store,
 * search, clear): each is checked against its schema here, before the
 * service is asked anything, then runs as an LkSecretStoreOp.  How an
 * operation runs is in the files beside this one (see
 * lk-secret-store-private.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-store"

#include "config.h"

#include "lk-secret-store-private.h"

G_DEFINE_FINAL_TYPE (LkSecretStore, lk_secret_store, LK_TYPE_CREDENTIAL_STORE)

/* ---- The three operations ---- */

static void
return_invalid (gpointer             source,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  g_task_report_error (source, callback, user_data, source_tag,
                       lk_keyring_error_new (LK_STORE_ERROR_INVALID));
}

static void
lk_secret_store_store_async (LkCredentialStore   *store,
                             LkSchemaKind         schema,
                             GHashTable          *attributes,
                             const char          *label,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LkSecretStore *self = LK_SECRET_STORE (store);
  LkSecretStoreOp *op;

  if (!lk_keyring_store_request_fits (schema, attributes, label, secret))
    {
      return_invalid (self, callback, user_data, lk_secret_store_store_async);
      return;
    }

  op = lk_secret_store_op_new (LK_SECRET_STORE_OP_STORE, schema, attributes);
  op->label = g_strdup (label);
  /* SecretValue copies the text into memory it wipes when freed. */
  op->value = secret_value_new (secret, -1, "text/plain");

  lk_secret_store_op_start (self, op, cancellable, callback, user_data, lk_secret_store_store_async);
}

static gboolean
lk_secret_store_store_finish (LkCredentialStore  *store,
                              GAsyncResult       *result,
                              GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lk_secret_store_search_async (LkCredentialStore   *store,
                              LkSchemaKind         schema,
                              GHashTable          *attributes,
                              gboolean             with_secrets,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  LkSecretStore *self = LK_SECRET_STORE (store);
  LkSecretStoreOp *op;

  if (!lk_keyring_query_fits (schema, attributes))
    {
      return_invalid (self, callback, user_data, lk_secret_store_search_async);
      return;
    }

  op = lk_secret_store_op_new (LK_SECRET_STORE_OP_SEARCH, schema, attributes);
  op->with_secrets = with_secrets;

  lk_secret_store_op_start (self, op, cancellable, callback, user_data, lk_secret_store_search_async);
}

static GPtrArray *
lk_secret_store_search_finish (LkCredentialStore  *store,
                               GAsyncResult       *result,
                               GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lk_secret_store_clear_async (LkCredentialStore   *store,
                             LkSchemaKind         schema,
                             GHashTable          *attributes,
                             gboolean             exact,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LkSecretStore *self = LK_SECRET_STORE (store);
  LkSecretStoreOp *op;

  /* An empty set would match every item of the keyring. */
  if (!lk_keyring_attributes_fit (schema, attributes, FALSE))
    {
      return_invalid (self, callback, user_data, lk_secret_store_clear_async);
      return;
    }

  op = lk_secret_store_op_new (LK_SECRET_STORE_OP_CLEAR, schema, attributes);
  op->exact = exact;

  lk_secret_store_op_start (self, op, cancellable, callback, user_data, lk_secret_store_clear_async);
}

static gboolean
lk_secret_store_clear_finish (LkCredentialStore  *store,
                              GAsyncResult       *result,
                              guint              *out_removed,
                              GError            **error)
{
  LkSecretStoreOp *op;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (out_removed != NULL)
    *out_removed = op != NULL ? op->n_matching : 0;

  return TRUE;
}

/* ---- GObject ---- */

static void
lk_secret_store_dispose (GObject *object)
{
  LkSecretStore *self = LK_SECRET_STORE (object);

  g_cancellable_cancel (self->cancellable);
  lk_secret_store_drop_service (self);

  G_OBJECT_CLASS (lk_secret_store_parent_class)->dispose (object);
}

static void
lk_secret_store_finalize (GObject *object)
{
  LkSecretStore *self = LK_SECRET_STORE (object);

  /* An operation that was already past its last check when dispose ran
   * may have connected again. */
  lk_secret_store_drop_service (self);
  g_clear_object (&self->bus);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lk_secret_store_parent_class)->finalize (object);
}

static void
lk_secret_store_class_init (LkSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LkCredentialStoreClass *store_class = LK_CREDENTIAL_STORE_CLASS (klass);

  object_class->dispose = lk_secret_store_dispose;
  object_class->finalize = lk_secret_store_finalize;

  store_class->store_async = lk_secret_store_store_async;
  store_class->store_finish = lk_secret_store_store_finish;
  store_class->search_async = lk_secret_store_search_async;
  store_class->search_finish = lk_secret_store_search_finish;
  store_class->clear_async = lk_secret_store_clear_async;
  store_class->clear_finish = lk_secret_store_clear_finish;
}

static void
lk_secret_store_init (LkSecretStore *self)
{
  self->cancellable = g_cancellable_new ();
}

LkCredentialStore *
lk_secret_store_new (void)
{
  return g_object_new (LK_TYPE_SECRET_STORE, NULL);
}

LkCredentialStore *
lk_secret_store_new_demo (void)
{
  LkSecretStore *self = g_object_new (LK_TYPE_SECRET_STORE, NULL);

  self->alias = SECRET_COLLECTION_SESSION;
  self->demo = TRUE;
  return LK_CREDENTIAL_STORE (self);
}

LkCredentialStore *
lk_secret_store_new_quiet (void)
{
  LkSecretStore *self = g_object_new (LK_TYPE_SECRET_STORE, NULL);

  self->quiet = TRUE;
  return LK_CREDENTIAL_STORE (self);
}
