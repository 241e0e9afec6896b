/* lk-client-sign-in.c: signing in
 *
 * Signing in is asking whoami: the request needs a token, so the token
 * endpoint checks the client credentials (lk-token.c), and whoami says
 * which key signed in and what it may do.
 *
 * A platform that does not offer whoami (LK_CLIENT_ERROR_ENDPOINT_MISSING)
 * but lists keys is signed in to all the same (issue 20): the first page
 * of the list, one key long, shows the credentials work.  The signed-in
 * key is then known by its client ID only, and may do everything as far
 * as Layer Keys knows: the platform says with a 403 what it may not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-sign-in"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-client-private.h"
#include "lk-wire.h"

/* The list request that stands in for whoami: one key is enough. */
#define LIST_PROBE_PATH LK_WIRE_PATH_KEYS "?" LK_WIRE_QUERY_OFFSET "=0&" LK_WIRE_QUERY_LIMIT "=1"

typedef struct {
  LkClientChain chain;
  GError       *whoami_error;   /* whoami is missing: the list stands in */
} SignInOp;

static void
sign_in_op_free (SignInOp *op)
{
  lk_client_chain_clear (&op->chain);
  g_clear_error (&op->whoami_error);
  g_free (op);
}

static void
sign_in_done (GTask    *task,
              LkApiKey *whoami)
{
  LkClient *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task) || lk_client_disposed (self))
    return;

  lk_client_update_whoami (self, whoami);

  g_task_return_pointer (task, g_object_ref (whoami), g_object_unref);
}

static void
on_list_probe_reply (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self;
  g_autoptr(LkClientReply) reply = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(LkPermissions) all = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);

  reply = lk_client_request_finish (result, &error);
  if (reply == NULL)
    {
      SignInOp *op = g_task_get_task_data (task);

      if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING))
        {
          g_error_free (error);
          error = g_steal_pointer (&op->whoami_error);
        }
      g_task_return_error (task, error);
      return;
    }

  g_debug ("no whoami, but the list answers: signed in by client ID");
  all = lk_permissions_new ();
  lk_permissions_set_all (all);
  whoami = lk_api_key_new (NULL, NULL, lk_client_get_client_id (self), NULL, 0, 0, all);
  sign_in_done (task, whoami);
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
  if (reply == NULL && g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING))
    {
      SignInOp *op = g_task_get_task_data (task);

      /* The whoami error stays the answer if the list is missing too. */
      op->whoami_error = g_steal_pointer (&error);
      lk_client_request_async (self, SOUP_METHOD_GET, LIST_PROBE_PATH, NULL, NULL, NULL,
                               op->chain.cancellable, on_list_probe_reply,
                               g_steal_pointer (&task));
      return;
    }
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

  sign_in_done (task, whoami);
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
