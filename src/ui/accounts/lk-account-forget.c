/* lk-account-forget.c: "Forget This Account…": ask, then forget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-account-forget"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-account-forget.h"
#include "lk-account-popover.h"

typedef struct
{
  LkSession *session;
  LkApiKey  *whoami;   /* the account asked about */
} ForgetData;

static void
forget_data_free (ForgetData *data)
{
  g_clear_object (&data->session);
  g_clear_object (&data->whoami);
  g_free (data);
}

#define TASK_KEY "lk-account-forget-task"

/* The dialog went without an answer (its window closed): nothing done. */
static void
finish_unanswered (gpointer task)
{
  g_task_return_boolean (task, FALSE);
  g_object_unref (task);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  g_autoptr (GTask) task = g_object_steal_data (G_OBJECT (dialog), TASK_KEY);
  ForgetData *data;

  if (task == NULL)
    return;
  g_assert (G_IS_TASK (task));
  data = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Only the account that was named: not one signed in meanwhile. */
  if (g_strcmp0 (response, LK_ACCOUNT_FORGET_RESPONSE) != 0 ||
      lk_session_get_whoami (data->session) != data->whoami)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  lk_session_forget_account (data->session);
  g_task_return_boolean (task, TRUE);
}

void
lk_account_forget_async (LkSession           *session,
                         GtkWindow           *parent,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *body = NULL;
  ForgetData *data;
  LkApiKey *whoami;
  GtkWidget *dialog;

  g_return_if_fail (LK_IS_SESSION (session));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_account_forget_async);

  whoami = lk_session_get_whoami (session);
  if (whoami == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  data = g_new0 (ForgetData, 1);
  data->session = g_object_ref (session);
  data->whoami = g_object_ref (whoami);
  g_task_set_task_data (task, data, (GDestroyNotify) forget_data_free);

  /* Translators: %s is the account's name (or its client ID) */
  body = g_strdup_printf (_("Layer Keys will sign out and remove the sign-in of “%s” from the keyring; "
                            "to use it again, type its client secret. "
                            "The secrets of API keys kept in the keyring stay there."),
                          lk_account_get_name (whoami));

  dialog = adw_message_dialog_new (parent, _("Forget This Account?"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    LK_ACCOUNT_FORGET_RESPONSE, _("_Forget"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog),
                                              LK_ACCOUNT_FORGET_RESPONSE,
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), TASK_KEY, g_steal_pointer (&task), finish_unanswered);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
lk_account_forget_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_account_forget_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
