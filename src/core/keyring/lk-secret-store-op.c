/* lk-secret-store-op.c: one operation of LkSecretStore, from start to end
 *
 * Every operation runs as a short chain (connect, unlock the default
 * collection when it is locked, then store, search or clear) under one
 * GCancellable of its own and one timer: whatever the service does, the
 * task completes exactly once, within LK_STORE_TIMEOUT_SECONDS.  The
 * caller's cancellable and the store's (cancelled in dispose) both cancel
 * the operation's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-store"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-secret-store-private.h"

LkSecretStoreOp *
lk_secret_store_op_new (LkSecretStoreOpKind  kind,
                        LkSchemaKind         schema,
                        GHashTable          *attributes)
{
  LkSecretStoreOp *op = g_new0 (LkSecretStoreOp, 1);

  g_assert (attributes != NULL);

  op->kind = kind;
  op->schema_kind = schema;
  op->schema = lk_keyring_schema (schema);
  op->attributes = lk_keyring_attributes_copy (attributes);

  return op;
}

static void
op_free (LkSecretStoreOp *op)
{
  g_assert (op->timeout == NULL);
  g_assert (op->caller_handler == 0);
  g_assert (op->store_handler == 0);
  g_assert (op->n_pending == 0);

  g_clear_pointer (&op->attributes, g_hash_table_unref);
  g_clear_pointer (&op->label, g_free);
  g_clear_pointer (&op->value, secret_value_unref);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->caller_cancellable);
  g_clear_object (&op->store_cancellable);
  g_clear_object (&op->service);
  g_clear_pointer (&op->unlocked, g_strfreev);
  g_clear_pointer (&op->locked, g_strfreev);
  g_clear_pointer (&op->found, g_ptr_array_unref);
  g_clear_error (&op->item_error);
  g_free (op);
}

/* ---- Errors ---- */

gboolean
lk_secret_store_is_no_service_error (const GError *error,
                                     gboolean      connecting)
{
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          return TRUE;
        default:
          return FALSE;
        }
    }

  /* No session bus at all (no address, nothing listening). */
  if (connecting && error->domain == G_IO_ERROR)
    return TRUE;

  return FALSE;
}

/* The service's own words are kept only for errors we have no name for;
 * none of them ever holds a secret (secrets travel only inside
 * SecretValue). */
GError *
lk_secret_store_map_error (const GError *error,
                           gboolean      connecting)
{
  g_autoptr (GError) copy = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (lk_secret_store_is_no_service_error (error, connecting))
    return lk_keyring_error_new (LK_STORE_ERROR_NO_SERVICE);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return lk_keyring_error_new (LK_STORE_ERROR_LOCKED);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY))
    return lk_keyring_error_new (LK_STORE_ERROR_TIMEOUT);

  copy = g_error_copy (error);
  if (g_dbus_error_is_remote_error (copy))
    g_dbus_error_strip_remote_error (copy);

  return g_error_new (LK_STORE_ERROR, LK_STORE_ERROR_FAILED,
                      /* Translators: %s is the keyring service's own
                       * description of the problem. */
                      _("The keyring could not complete the request: %s"), copy->message);
}

/* ---- The end, exactly once ---- */

static void
op_disarm (LkSecretStoreOp *op)
{
  if (op->timeout != NULL)
    {
      g_source_destroy (op->timeout);
      g_clear_pointer (&op->timeout, g_source_unref);
    }

  if (op->caller_handler != 0)
    {
      g_cancellable_disconnect (op->caller_cancellable, op->caller_handler);
      op->caller_handler = 0;
    }

  if (op->store_handler != 0)
    {
      g_cancellable_disconnect (op->store_cancellable, op->store_handler);
      op->store_handler = 0;
    }
}

/* Takes @error. */
void
lk_secret_store_op_return_error (GTask  *task,
                                 GError *error)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  if (op->finished)
    {
      g_error_free (error);
      return;
    }

  op->finished = TRUE;
  op_disarm (op);
  g_task_return_error (task, error);
}

void
lk_secret_store_op_return_pointer (GTask          *task,
                                   gpointer        result,
                                   GDestroyNotify  result_destroy)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  if (op->finished)
    {
      if (result_destroy != NULL)
        result_destroy (result);
      return;
    }

  op->finished = TRUE;
  op_disarm (op);
  g_task_return_pointer (task, result, result_destroy);
}

void
lk_secret_store_op_return_boolean (GTask *task)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  if (op->finished)
    return;

  op->finished = TRUE;
  op_disarm (op);
  g_task_return_boolean (task, TRUE);
}

gboolean
lk_secret_store_op_stopped (GTask *task)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  if (op->finished)
    return TRUE;

  if (g_cancellable_is_cancelled (op->cancellable))
    {
      lk_secret_store_op_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                                  _("The keyring request was cancelled.")));
      return TRUE;
    }

  return FALSE;
}

static gboolean
op_timed_out_cb (gpointer user_data)
{
  GTask *task = user_data;
  LkSecretStoreOp *op;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  g_clear_pointer (&op->timeout, g_source_unref);
  if (op->finished)
    return G_SOURCE_REMOVE;

  if (op->prompting)
    {
      /* The desktop is asking for the keyring password and the person
       * has not answered yet.  Say so, but leave the prompt up: once they
       * unlock, trying again works. */
      lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return G_SOURCE_REMOVE;
    }

  /* Stop whatever libsecret is still waiting for; its callback comes
   * later and finds the task finished. */
  g_cancellable_cancel (op->cancellable);
  lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_TIMEOUT));

  return G_SOURCE_REMOVE;
}

/* ---- The start ---- */

static void
forward_cancel_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

void
lk_secret_store_op_start (LkSecretStore       *self,
                          LkSecretStoreOp     *op,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data,
                          gpointer             source_tag)
{
  g_autoptr (GTask) task = NULL;

  g_assert (LK_IS_SECRET_STORE (self));
  g_assert (op != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  op->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      op->caller_cancellable = g_object_ref (cancellable);
      op->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                                  op->cancellable, NULL);
    }
  op->store_cancellable = g_object_ref (self->cancellable);
  op->store_handler = g_cancellable_connect (self->cancellable, G_CALLBACK (forward_cancel_cb),
                                             op->cancellable, NULL);

  /* On the thread-default context, as libsecret's own callbacks: a quiet
   * store may run in a thread of its own. */
  op->timeout = g_timeout_source_new_seconds (LK_STORE_TIMEOUT_SECONDS);
  g_source_set_callback (op->timeout, op_timed_out_cb, g_object_ref (task), g_object_unref);
  g_source_set_name (op->timeout, "[layer-keys] keyring timeout");
  g_source_attach (op->timeout, g_main_context_get_thread_default ());

  lk_secret_store_connect (g_steal_pointer (&task));
}
