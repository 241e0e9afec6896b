/* lk-secret-quit.c: quitting while a secret is saved nowhere asks first
 *
 * A new key's secret that the keyring did not take, and that was not
 * saved to a file or confirmed saved elsewhere, exists only on screen:
 * once the app quits it cannot be shown again.  Quit asks first, with an
 * AdwMessageDialog that names the key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-quit"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "lk-key-rules.h"
#include "lk-secret-quit.h"
#include "lk-secret-view.h"

typedef struct {
  GtkApplication *app;
  LkQuitFunc      quit;
} QuitData;

static void
quit_data_free (QuitData *data)
{
  g_clear_object (&data->app);
  g_free (data);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  QuitData *data = user_data;
  LkSecretView *view;

  if (g_str_equal (response, "quit"))
    {
      data->quit (data->app);
      return;
    }

  /* Back to the secret. */
  view = lk_secret_view_find_unsaved ();
  if (view != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (view));

      if (GTK_IS_WINDOW (root))
        gtk_window_present (GTK_WINDOW (root));
      lk_secret_view_show_keep_open (view);
    }
}

void
lk_secret_quit_ask (GtkApplication *app,
                    LkQuitFunc      quit)
{
  LkSecretView *view;
  LkCreatedKey *created;
  GtkRoot *root;
  GtkWidget *dialog;
  QuitData *data;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (quit != NULL);

  view = lk_secret_view_find_unsaved ();
  created = view != NULL ? lk_secret_view_get_created (view) : NULL;
  if (created == NULL)
    {
      quit (app);
      return;
    }

  root = gtk_widget_get_root (GTK_WIDGET (view));
  name = lk_key_name_make_visible (lk_api_key_get_name (created->key));
  /* Translators: %s is the name of a key just created */
  body = g_strdup_printf (_("The secret of the new key “%s” is not in your keyring or in a file. "
                            "Once Layer Keys quits, it cannot be shown again."),
                          name);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Quit Without Saving the Secret?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "back", _("_Back to the Secret"),
                                    "quit", _("_Quit Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "quit",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "back");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "back");

  data = g_new0 (QuitData, 1);
  data->app = g_object_ref (app);
  data->quit = quit;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), data,
                         (GClosureNotify) quit_data_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}
