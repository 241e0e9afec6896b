/* lk-key-delete.c: deleting keys: the confirmation, then one request per key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-delete"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-delete.h"
#include "lk-key-rules.h"
#include "lk-client.h"

/* At most this many keys are named in the confirmation. */
#define MAX_NAMED_IN_CONFIRMATION 8

typedef struct {
  LkSession *session;
  GPtrArray *keys;           /* LkApiKey */
  gboolean   confirmed;
  guint      n_pending;
  guint      n_deleted;
  GPtrArray *vanished;       /* names */
  GPtrArray *failed;         /* names */
  GError    *first_error;
  char      *failure;        /* why some could not be deleted, or NULL */
  gboolean   cancelled;
} DeleteOp;

/* One key's request. */
typedef struct {
  GTask *task;
  char  *name;
} DeleteItem;

static void
delete_op_free (DeleteOp *op)
{
  g_clear_object (&op->session);
  g_clear_pointer (&op->keys, g_ptr_array_unref);
  g_clear_pointer (&op->vanished, g_ptr_array_unref);
  g_clear_pointer (&op->failed, g_ptr_array_unref);
  g_clear_error (&op->first_error);
  g_free (op->failure);
  g_free (op);
}

/* ---- The confirmation ---- */

static GtkWidget *
new_confirmation (GtkWindow *parent,
                  GPtrArray *keys)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (keys->len == 1)
    {
      LkApiKey *key = g_ptr_array_index (keys, 0);
      g_autofree char *name = lk_key_name_make_visible (lk_api_key_get_name (key));

      /* Translators: %s is a key's name */
      heading = g_strdup_printf (_("Delete “%s”?"), name);
      /* Translators: %s is a client ID */
      body = g_strdup_printf (_("Services that use the key %s stop working immediately. This cannot be undone."),
                              lk_api_key_get_client_id (key));
    }
  else
    {
      GString *text = g_string_new (NULL);
      guint named = MIN (keys->len, MAX_NAMED_IN_CONFIRMATION);

      /* Translators: the heading of the confirmation; %u is a number of keys */
      heading = g_strdup_printf (ngettext ("Delete %u key?", "Delete %u keys?", keys->len), keys->len);
      g_string_append (text, _("Services that use these keys stop working immediately. This cannot be undone."));
      g_string_append_c (text, '\n');
      for (guint i = 0; i < named; i++)
        {
          LkApiKey *key = g_ptr_array_index (keys, i);
          g_autofree char *name = lk_key_name_make_visible (lk_api_key_get_name (key));

          /* Translators: one line of the list of keys to delete: name and client ID */
          g_string_append_printf (text, _("\n• %s (%s)"), name, lk_api_key_get_client_id (key));
        }
      if (keys->len > named)
        {
          g_string_append_c (text, '\n');
          g_string_append_printf (text,
                                  /* Translators: the last line of a list of keys to
                                   * delete; %u is how many more are not named */
                                  ngettext ("and %u more", "and %u more", keys->len - named),
                                  keys->len - named);
        }
      body = g_string_free (text, FALSE);
    }

  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  return dialog;
}

/* ---- How it went ---- */

static GStrv
describe (DeleteOp *op)
{
  g_autoptr (GStrvBuilder) sentences = g_strv_builder_new ();
  g_autofree char *message = NULL;

  if (op->vanished->len == 1)
    {
      /* Translators: %s is a key's name */
      message = g_strdup_printf (_("“%s” no longer existed; removed from the list"),
                                 (const char *) g_ptr_array_index (op->vanished, 0));
      g_strv_builder_add (sentences, message);
      g_clear_pointer (&message, g_free);
    }
  else if (op->vanished->len > 1)
    {
      /* Translators: %u is a number of keys someone else deleted meanwhile */
      message = g_strdup_printf (ngettext ("%u key no longer existed; removed from the list",
                                           "%u keys no longer existed; removed from the list",
                                           op->vanished->len),
                                 op->vanished->len);
      g_strv_builder_add (sentences, message);
      g_clear_pointer (&message, g_free);
    }

  if (op->n_deleted > 0)
    {
      /* Translators: %u is a number of keys */
      message = g_strdup_printf (ngettext ("Deleted %u key", "Deleted %u keys", op->n_deleted),
                                 op->n_deleted);
      g_strv_builder_add (sentences, message);
      g_clear_pointer (&message, g_free);
    }

  /* A key no longer accepted is not a failure of these keys: the
   * session ends instead (see finish_delete). */
  if (op->first_error != NULL &&
      !g_error_matches (op->first_error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED))
    {
      if (op->failed->len == 1)
        /* Translators: the first %s is a key's name, the second the reason */
        message = g_strdup_printf (_("Could not delete “%s”: %s"),
                                   (const char *) g_ptr_array_index (op->failed, 0),
                                   op->first_error->message);
      else
        /* Translators: %s is the reason, a sentence */
        message = g_strdup_printf (ngettext ("Could not delete %u key: %s",
                                             "Could not delete %u keys: %s",
                                             op->failed->len),
                                   op->failed->len, op->first_error->message);
      /* Too long for a toast: the caller shows it in the error banner. */
      op->failure = g_steal_pointer (&message);
    }

  return g_strv_builder_end (sentences);
}

static void
finish_delete (GTask *task)
{
  DeleteOp *op = g_task_get_task_data (task);

  if (op->cancelled)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The delete was cancelled");
      return;
    }

  if (g_error_matches (op->first_error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED))
    lk_session_end (op->session, op->first_error);

  g_task_return_pointer (task, describe (op), (GDestroyNotify) g_strfreev);
}

/* ---- The requests ---- */

static void
on_key_deleted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DeleteItem *item = user_data;
  g_autoptr (GTask) task = g_steal_pointer (&item->task);
  g_autofree char *name = g_steal_pointer (&item->name);
  g_autoptr (GError) error = NULL;
  DeleteOp *op;

  g_assert (G_IS_TASK (task));
  g_free (item);

  op = g_task_get_task_data (task);
  if (lk_client_delete_key_finish (LK_CLIENT (source), result, &error))
    op->n_deleted++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    op->cancelled = TRUE;
  else if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
    g_ptr_array_add (op->vanished, g_steal_pointer (&name));
  else
    {
      g_ptr_array_add (op->failed, g_steal_pointer (&name));
      if (op->first_error == NULL)
        op->first_error = g_steal_pointer (&error);
    }

  g_assert (op->n_pending > 0);
  if (--op->n_pending == 0)
    finish_delete (task);
}

static void
delete_keys (GTask    *task,
             LkClient *client)
{
  DeleteOp *op = g_task_get_task_data (task);

  op->n_pending = op->keys->len;
  for (guint i = 0; i < op->keys->len; i++)
    {
      LkApiKey *key = g_ptr_array_index (op->keys, i);
      DeleteItem *item = g_new0 (DeleteItem, 1);

      item->task = g_object_ref (task);
      item->name = g_strdup (lk_api_key_get_name (key));
      lk_client_delete_key_async (client, lk_api_key_get_id (key),
                                  g_task_get_cancellable (task), on_key_deleted, item);
    }
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             GTask            *task)
{
  DeleteOp *op = g_task_get_task_data (task);
  LkClient *client = lk_session_get_client (op->session);

  if (g_strcmp0 (response, "delete") != 0 || client == NULL || op->confirmed)
    return;

  op->confirmed = TRUE;
  delete_keys (task, client);
}

/* The dialog is gone: without a confirmation, nothing is deleted. */
static void
on_dialog_gone (gpointer  data,
                GClosure *closure)
{
  g_autoptr (GTask) task = data;
  DeleteOp *op;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  if (!op->confirmed)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Nothing was deleted");
}

void
lk_key_delete_async (LkSession           *session,
                     GtkWindow           *parent,
                     GPtrArray           *keys,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  DeleteOp *op;
  GtkWidget *dialog;

  g_return_if_fail (LK_IS_SESSION (session));
  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (keys != NULL && keys->len > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_key_delete_async);

  op = g_new0 (DeleteOp, 1);
  op->session = g_object_ref (session);
  op->keys = g_ptr_array_ref (keys);
  op->vanished = g_ptr_array_new_with_free_func (g_free);
  op->failed = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, op, (GDestroyNotify) delete_op_free);

  dialog = new_confirmation (parent, keys);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response),
                         g_object_ref (task), on_dialog_gone, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

GStrv
lk_key_delete_finish (GAsyncResult  *result,
                      char         **failure,
                      GError       **error)
{
  DeleteOp *op;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_key_delete_async, NULL);

  op = g_task_get_task_data (G_TASK (result));
  if (failure != NULL)
    *failure = g_task_had_error (G_TASK (result)) ? NULL : g_strdup (op->failure);
  return g_task_propagate_pointer (G_TASK (result), error);
}
