/* lk-client-keyring.c: what each operation of LkClient does to the keyring
 *
 *   list    marks "has-local-secret" on the keys whose secret is stored
 *           here, with one search (lk_client_keyring_mark_async);
 *   create  stores the new key's secret, the only copy there is, before
 *           the caller sees it (lk_client_keyring_store_async), and
 *           stores it again when the caller asks
 *           (lk_client_store_secret_async);
 *   delete  forgets the deleted key's items, and only ours
 *           (lk_client_keyring_forget_async).
 *
 * The keyring itself is an LkCredentialStore; this file only says when
 * and with what the client calls it, and what it records of the outcome.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-keyring"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-client-private.h"

/* ------------------------------------------------------------------------
 * After a list: the marks
 * ------------------------------------------------------------------------ */

static void
on_local_keys_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);

  found = lk_credential_store_find_keys_finish (LK_CREDENTIAL_STORE (source), result, &error);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_task_return_error (task, lk_client_error_cancelled ());
      return;
    }

  if (found == NULL)
    {
      /* Not an error of the list: the keys are there, only the marks are not. */
      g_debug ("Could not tell which secrets are stored here: %s", error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (self->keys), i);

      lk_api_key_set_has_local_secret (key, g_hash_table_contains (found, lk_api_key_get_id (key)));
    }

  g_task_return_boolean (task, TRUE);
}

void
lk_client_keyring_mark_async (LkClient            *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_assert (LK_IS_CLIENT (self));
  g_assert (self->store != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_client_keyring_mark_async);
  g_task_set_check_cancellable (task, FALSE);

  lk_credential_store_find_keys_async (self->store, lk_platform_get_id (self->platform),
                                       cancellable, on_local_keys_found, task);
}

gboolean
lk_client_keyring_mark_finish (LkClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == lk_client_keyring_mark_async);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * After a create: the secret
 * ------------------------------------------------------------------------ */

/* Records where @created's secret went: @label (taken) when stored, else
 * @error (taken). */
static void
created_set_stored (LkCreatedKey *created,
                    char         *label,
                    GError       *error)
{
  g_clear_pointer (&created->store_label, g_free);
  g_clear_error (&created->store_error);
  created->stored = label != NULL;
  created->store_label = label;
  created->store_error = error;
  if (created->stored)
    lk_api_key_set_has_local_secret (created->key, TRUE);
}

static void
on_secret_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkCreatedKey *created;
  GError *error = NULL;
  char *label;

  g_assert (G_IS_TASK (task));
  created = g_task_get_task_data (task);

  label = lk_credential_store_save_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  created_set_stored (created, label, error ? g_error_copy (error) : NULL);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_client_keyring_store_async (LkCredentialStore   *store,
                               const char          *platform_id,
                               LkCreatedKey        *created,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_assert (LK_IS_CREDENTIAL_STORE (store));
  g_assert (created != NULL && created->key != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_client_keyring_store_async);
  /* What happened to the secret is what the caller needs to know. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, lk_created_key_ref (created), (GDestroyNotify) lk_created_key_unref);

  lk_credential_store_save_key_async (store, platform_id, created->key, created->client_secret,
                                      cancellable, on_secret_saved, task);
}

gboolean
lk_client_keyring_store_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_assert (G_IS_TASK (result));
  g_assert (g_task_get_source_tag (G_TASK (result)) == lk_client_keyring_store_async);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- storing again, when the caller asks ---- */

typedef struct {
  LkClientChain  chain;
  LkCreatedKey  *created;
} StoreSecretOp;

static void
store_secret_op_free (StoreSecretOp *op)
{
  lk_client_chain_clear (&op->chain);
  g_clear_pointer (&op->created, lk_created_key_unref);
  g_free (op);
}

static void
on_secret_stored_again (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (!lk_client_keyring_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_client_store_secret_async (LkClient            *self,
                              LkCreatedKey        *created,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreSecretOp *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (created != NULL && created->key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (StoreSecretOp, 1);
  task = lk_client_op_new (self, lk_client_store_secret_async, op, &op->chain,
                           (GDestroyNotify) store_secret_op_free,
                           cancellable, callback, user_data);
  op->created = lk_created_key_ref (created);

  if (self->store == NULL)
    {
      g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE,
                               _("No keyring is available to store the secret in."));
      return;
    }

  if (created->client_secret == NULL || created->client_secret[0] == '\0')
    {
      g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_INVALID,
                               _("There is no secret left to store."));
      return;
    }

  lk_client_keyring_store_async (self->store, lk_platform_get_id (self->platform), created,
                                 op->chain.cancellable, on_secret_stored_again,
                                 g_steal_pointer (&task));
}

gboolean
lk_client_store_secret_finish (LkClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_store_secret_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * After a delete: the items
 * ------------------------------------------------------------------------ */

static void
on_key_items_cleared (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (G_IS_TASK (task));

  if (!lk_credential_store_forget_key_finish (LK_CREDENTIAL_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The key is gone from the platform, which is what was asked; a
     * leftover keyring item holds a secret that no longer opens anything. */
    g_message ("The deleted key’s keyring item could not be removed: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

void
lk_client_keyring_forget_async (LkCredentialStore   *store,
                                const char          *platform_id,
                                const char          *key_id,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_assert (LK_IS_CREDENTIAL_STORE (store));
  g_assert (key_id != NULL);

  task = g_task_new (store, NULL, callback, user_data);
  g_task_set_source_tag (task, lk_client_keyring_forget_async);

  /* Not cancellable: the clean-up finishes even if the caller stops
   * waiting. */
  lk_credential_store_forget_key_async (store, platform_id, key_id,
                                        NULL, on_key_items_cleared, task);
}

void
lk_client_keyring_forget_finish (GAsyncResult *result)
{
  g_assert (G_IS_TASK (result));
  g_assert (g_task_get_source_tag (G_TASK (result)) == lk_client_keyring_forget_async);

  g_task_propagate_boolean (G_TASK (result), NULL);
}
