/* lk-account-rename.c: Rename Account…
 *
 * The account popover's name, and the window's subtitle, are the signed-in
 * key's name unless the user named the account (lk-account-names.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-account-rename"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lk-account-names.h"
#include "lk-account-rename.h"
#include "lk-client.h"

static gboolean
account_of (LkSession   *session,
            const char **platform_id,
            const char **client_id)
{
  LkClient *client = lk_session_get_client (session);
  LkApiKey *whoami = lk_session_get_whoami (session);

  if (client == NULL || whoami == NULL || lk_session_get_demo (session))
    return FALSE;

  *platform_id = lk_platform_get_id (lk_client_get_platform (client));
  *client_id = lk_api_key_get_client_id (whoami);
  return *platform_id != NULL && *client_id != NULL;
}

void
lk_account_names_apply (LkSession *session,
                        GSettings *settings)
{
  const char *platform_id, *client_id;
  g_autofree char *name = NULL;

  g_return_if_fail (LK_IS_SESSION (session));
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (account_of (session, &platform_id, &client_id))
    name = lk_account_names_dup (settings, platform_id, client_id);
  lk_session_set_display_name (session, name);
}

typedef struct {
  LkSession *session;
  GSettings *settings;
  GtkEntry  *entry;
} Rename;

static void
rename_free (gpointer data)
{
  Rename *rename = data;

  g_clear_object (&rename->session);
  g_clear_object (&rename->settings);
  g_free (rename);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  Rename *rename = user_data;
  const char *platform_id, *client_id;

  if (!g_str_equal (response, "rename") ||
      !account_of (rename->session, &platform_id, &client_id))
    return;

  lk_account_names_set (rename->settings, platform_id, client_id,
                        gtk_editable_get_text (GTK_EDITABLE (rename->entry)));
  lk_account_names_apply (rename->session, rename->settings);
}

void
lk_account_rename (LkSession *session,
                   GSettings *settings,
                   GtkWindow *parent)
{
  const char *platform_id, *client_id;
  GtkWidget *dialog;
  GtkWidget *entry;
  Rename *rename;

  g_return_if_fail (LK_IS_SESSION (session));
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (!account_of (session, &platform_id, &client_id))
    return;

  dialog = adw_message_dialog_new (parent, _("Rename Account"),
                                   _("A name of your own for this account, shown in the title and the list of accounts. Leave it empty to use the signed-in key’s name."));
  entry = gtk_entry_new ();
  gtk_entry_set_max_length (GTK_ENTRY (entry), 64);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Account name"), -1);
  if (lk_session_get_display_name (session) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), lk_session_get_display_name (session));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  rename = g_new0 (Rename, 1);
  rename->session = g_object_ref (session);
  rename->settings = g_object_ref (settings);
  rename->entry = GTK_ENTRY (entry);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), rename,
                         (GClosureNotify) (void (*) (void)) rename_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}
