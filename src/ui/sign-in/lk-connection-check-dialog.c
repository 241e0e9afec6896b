/* lk-connection-check-dialog.c: Check Connection's report, in a dialog
 *
 * An AdwMessageDialog whose body is the report (selectable), with Copy
 * and Close.  The check is cancelled when the dialog goes away.  The
 * report holds no secret: LkConnectionCheck makes sure of that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-connection-check-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-connection-check.h"
#include "lk-client.h"
#include "lk-connection-check-dialog.h"

#define RESPONSE_COPY "copy"
#define RESPONSE_CLOSE "close"

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(AdwMessageDialog) dialog = user_data;
  LkConnectionCheck *check = LK_CONNECTION_CHECK (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  gboolean passed;

  passed = lk_connection_check_run_finish (check, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  report = lk_connection_check_get_report (check);
  adw_message_dialog_set_heading (dialog, passed ? _("Every step passed")
                                                 : _("A step failed"));
  adw_message_dialog_set_body (dialog, report);
  adw_message_dialog_set_response_enabled (dialog, RESPONSE_COPY, TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "lk-report", g_steal_pointer (&report), g_free);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  const char *report = g_object_get_data (G_OBJECT (dialog), "lk-report");

  if (g_strcmp0 (response, RESPONSE_COPY) == 0 && report != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), report);
}

static void
on_destroy (GtkWidget    *dialog,
            GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static GtkWidget *
present_check (GtkWidget         *parent,
               LkConnectionCheck *check)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GtkRoot *root;
  GtkWidget *dialog;

  root = gtk_widget_get_root (parent);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Checking the Connection…"),
                                   _("Connecting, asking for a token, asking who signed in and listing one key."));
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    RESPONSE_COPY, _("_Copy Report"),
                                    RESPONSE_CLOSE, _("_Close"),
                                    NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), RESPONSE_COPY, FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), RESPONSE_CLOSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), RESPONSE_CLOSE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), NULL);
  g_signal_connect_data (dialog, "destroy", G_CALLBACK (on_destroy),
                         g_object_ref (cancellable), (GClosureNotify) (void (*) (void)) g_object_unref, 0);

  lk_connection_check_run_async (check, cancellable, on_check_done, g_object_ref (dialog));

  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

GtkWidget *
lk_connection_check_dialog_present (GtkWidget  *parent,
                                    LkPlatform *platform,
                                    const char *client_id,
                                    const char *client_secret)
{
  g_autoptr(LkConnectionCheck) check = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (platform != NULL, NULL);

  check = lk_connection_check_new (platform, client_id, client_secret);
  return present_check (parent, check);
}

GtkWidget *
lk_connection_check_dialog_present_for_client (GtkWidget *parent,
                                               LkClient  *client)
{
  g_autoptr(LkConnectionCheck) check = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (LK_IS_CLIENT (client), NULL);

  check = lk_connection_check_new_for_client (client);
  return present_check (parent, check);
}
