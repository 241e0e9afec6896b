/* lk-client-delete.c: deleting a key
 *
 * The key goes from the platform first; only a reply that proves it gone
 * (204, no body) lets its keyring items go (lk-client-keyring.c) and then
 * its row.  A key the platform no longer knows loses its row all the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-delete"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-client-private.h"
#include "lk-wire.h"

typedef struct {
  LkClientChain      chain;
  /* The store as it was when the delete started, so the clean-up happens
   * when the client goes away meanwhile. */
  LkCredentialStore *store;
  char              *platform_id;
  char              *key_id;
} DeleteOp;

static void
delete_op_free (DeleteOp *op)
{
  lk_client_chain_clear (&op->chain);
  g_clear_object (&op->store);
  g_free (op->platform_id);
  g_free (op->key_id);
  g_free (op);
}

static void
delete_done (GTask *task)
{
  LkClient *self = g_task_get_source_object (task);
  DeleteOp *op = g_task_get_task_data (task);

  if (!lk_client_disposed (self))
    lk_client_keys_remove (self, op->key_id);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

static void
on_key_forgotten (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_assert (G_IS_TASK (task));

  lk_client_keyring_forget_finish (result);
  delete_done (task);
}

static void
on_delete_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  DeleteOp *op;
  g_autoptr(LkClientReply) reply = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);
  op = g_task_get_task_data (task);

  reply = lk_client_request_finish (result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          error = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND,
                                       _("This key no longer exists on the platform; it may have expired or been deleted elsewhere."));
          if (!lk_client_disposed (self))
            lk_client_keys_remove (self, op->key_id);
        }
      g_task_return_error (task, error);
      return;
    }

  /* The contract answers a delete with 204 and no body.  Anything else is
   * not proof that the key is gone: keep its row and keyring item. */
  if (reply->status != SOUP_STATUS_NO_CONTENT &&
      reply->body != NULL && g_bytes_get_size (reply->body) > 0)
    {
      g_debug ("DELETE: unexpected %u reply with a body", reply->status);
      g_task_return_new_error (task, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                               _("The platform gave an unexpected answer, so the key may not have been deleted. Refresh the list to check."));
      return;
    }

  /* The key is gone from the platform: its secret opens nothing now, and
   * the clean-up finishes even if the caller stops waiting. */
  if (op->store != NULL)
    {
      lk_client_keyring_forget_async (op->store, op->platform_id, op->key_id,
                                      on_key_forgotten, g_steal_pointer (&task));
      return;
    }

  delete_done (task);
}

void
lk_client_delete_key_async (LkClient            *self,
                            const char          *key_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  DeleteOp *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (DeleteOp, 1);
  task = lk_client_op_new (self, lk_client_delete_key_async, op, &op->chain,
                           (GDestroyNotify) delete_op_free,
                           cancellable, callback, user_data);
  op->key_id = g_strdup (key_id);
  g_set_object (&op->store, self->store);
  op->platform_id = g_strdup (lk_platform_get_id (self->platform));

  if (key_id == NULL || key_id[0] == '\0')
    {
      g_task_return_new_error (task, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                               _("No key was chosen to delete."));
      return;
    }

  if (!lk_client_has_credentials (self))
    {
      g_task_return_error (task, lk_client_error_not_signed_in ());
      return;
    }

  escaped = g_uri_escape_string (key_id, NULL, FALSE);
  path = g_strconcat (LK_WIRE_PATH_KEY_PREFIX, escaped, NULL);
  lk_client_request_async (self, SOUP_METHOD_DELETE, path, NULL, NULL, NULL,
                           op->chain.cancellable, on_delete_reply, g_steal_pointer (&task));
}

gboolean
lk_client_delete_key_finish (LkClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_delete_key_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
