/* lk-client-sign-in.c: signing in
 *
 * Signing in is asking whoami: the request needs a token, so the token
 * endpoint checks the client credentials (lk-token.c), and whoami says
 * which key signed in and what it may do.  The client's store is told
 * which platform the credentials worked on, so that remembering them binds
 * them to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-sign-in"

#include "config.h"

#include "lk-client-private.h"
#include "lk-wire.h"

typedef struct {
  LkClientChain chain;
} SignInOp;

static void
sign_in_op_free (SignInOp *op)
{
  lk_client_chain_clear (&op->chain);
  g_free (op);
}

static void
on_whoami_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  g_autoptr(LkClientReply) reply = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  GError *error = NULL;
  gsize length;
  const char *data;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);

  reply = lk_client_request_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_bytes_get_data (reply->body, &length);
  whoami = lk_wire_parse_whoami (data, length, &error);
  if (whoami == NULL)
    {
      g_task_return_error (task, lk_client_error_unreadable (error));
      return;
    }

  if (g_task_return_error_if_cancelled (task) || lk_client_disposed (self))
    return;

  lk_client_update_whoami (self, whoami);

  /* These credentials work on this very platform: a sign-in the store
   * remembers for it is bound to it (lk-credential-store.h). */
  if (self->store != NULL)
    lk_credential_store_note_signed_in (self->store, self->platform);

  g_task_return_pointer (task, g_steal_pointer (&whoami), g_object_unref);
}

void
lk_client_sign_in_async (LkClient            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignInOp *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (SignInOp, 1);
  task = lk_client_op_new (self, lk_client_sign_in_async, op, &op->chain,
                           (GDestroyNotify) sign_in_op_free,
                           cancellable, callback, user_data);

  if (!lk_client_has_credentials (self))
    {
      g_task_return_error (task, lk_client_error_not_signed_in ());
      return;
    }

  lk_client_request_async (self, SOUP_METHOD_GET, LK_WIRE_PATH_WHOAMI, NULL, NULL, NULL,
                           op->chain.cancellable, on_whoami_reply, g_steal_pointer (&task));
}

LkApiKey *
lk_client_sign_in_finish (LkClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_sign_in_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
