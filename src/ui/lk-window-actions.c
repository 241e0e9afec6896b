/* lk-window-actions.c: the window's actions
 *
 *   win.new-key          the create dialog      needs "API Keys: Write"
 *   win.search           the search bar         needs "API Keys: Read"
 *   win.refresh          lists again            needs "API Keys: Read"
 *   win.delete-selected  lk-key-delete.c        needs "API Keys: Delete"
 *   win.export("shown"|"all")  lk-keys-export.c     needs "API Keys: Read"
 *   win.sign-out         signs out; the remembered sign-in stays
 *   win.forget-account   asks, then signs out and forgets it (lk-account-forget.c)
 *   win.show-help-overlay  the shortcuts window (lk-shortcuts.c)
 *   win.rotate-selected, win.delete-now, win.keep-key: rotate/lk-window-rotate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-account-forget.h"
#include "lk-account-rename.h"
#include "lk-create-dialog.h"
#include "lk-key-delete.h"
#include "lk-keys-export.h"
#include "lk-shortcuts.h"
#include "lk-window-private.h"

void
_lk_window_actions_update (LkWindow *self)
{
  gboolean can_read;
  guint n_selected;

  g_assert (LK_IS_WINDOW (self));

  can_read = lk_session_get_can_read (self->session);
  n_selected = self->keys_view != NULL ? lk_keys_view_get_n_selected (self->keys_view) : 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-key",
                                 lk_session_get_can_write (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", can_read);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", can_read);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", can_read);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-selected",
                                 lk_session_get_can_delete (self->session) && n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out",
                                 lk_session_get_signed_in (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rename-account",
                                 lk_session_get_signed_in (self->session) &&
                                 !lk_session_get_demo (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.forget-account",
                                 lk_session_get_signed_in (self->session) &&
                                 !lk_session_get_demo (self->session));
  _lk_window_rotate_update (self);
}

static void
new_key_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  LkCreateDialog *dialog;

  if (!lk_session_get_can_write (self->session))
    return;

  dialog = lk_create_dialog_new (GTK_WINDOW (self), lk_session_get_client (self->session));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  if (!lk_session_get_can_read (self->session))
    return;

  _lk_window_show_page (self, "keys");
  lk_keys_view_set_search_mode (lk_window_get_keys_view (self), TRUE);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  lk_keys_view_refresh (lk_window_get_keys_view (self));
}

static void
on_keys_deleted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree char *failure = NULL;
  g_auto (GStrv) sentences = lk_key_delete_finish (result, &failure, NULL);

  /* (NULL when cancelled: then the window may be gone) */
  for (guint i = 0; sentences != NULL && sentences[i] != NULL; i++)
    lk_window_show_toast (LK_WINDOW (user_data), sentences[i]);
  if (failure != NULL)
    lk_window_show_error (LK_WINDOW (user_data), failure, NULL);
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  g_autoptr (GPtrArray) keys = lk_keys_view_get_selected_keys (lk_window_get_keys_view (self));

  if (keys->len == 0 || !lk_session_get_signed_in (self->session))
    return;

  lk_key_delete_async (self->session, GTK_WINDOW (self), keys, self->cancellable,
                       on_keys_deleted, self);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (lk_keys_export_finish (result, &message, &error))
    lk_window_show_toast (LK_WINDOW (user_data), message);
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is the reason, a sentence */
      g_autofree char *text = g_strdup_printf (_("Could not export the keys: %s"), error->message);

      lk_window_show_error (LK_WINDOW (user_data), text, NULL);
    }
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  gboolean all = g_strcmp0 (g_variant_get_string (parameter, NULL), "all") == 0;

  if (!lk_session_get_can_read (self->session))
    return;

  lk_keys_export_async (lk_window_get_keys_view (self), all ? LK_KEYS_EXPORT_ALL : LK_KEYS_EXPORT_SHOWN,
                        GTK_WINDOW (self), self->cancellable, on_exported, self);
}

static void
show_signed_out (LkWindow   *self,
                 const char *toast)
{
  lk_sign_in_page_clear_secret (self->sign_in_page);
  lk_sign_in_page_clear_error (self->sign_in_page);
  _lk_window_show_page (self, "sign-in");
  lk_window_show_toast (self, toast);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  if (!lk_session_get_signed_in (self->session))
    return;

  lk_session_sign_out (self->session);
  show_signed_out (self, _("Signed out"));
}

static void
on_account_forgotten (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  /* (FALSE when cancelled: then the window may be gone) */
  if (lk_account_forget_finish (result, &error))
    show_signed_out (LK_WINDOW (user_data), _("Signed out, and the sign-in forgotten"));
}

static void
forget_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  if (!lk_session_get_signed_in (self->session) || lk_session_get_demo (self->session))
    return;

  lk_account_forget_async (self->session, GTK_WINDOW (self), self->cancellable,
                           on_account_forgotten, self);
}

static void
rename_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  lk_account_rename (self->session, self->settings, GTK_WINDOW (self));
}

static void
switch_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  _lk_window_switch_account (LK_WINDOW (widget), parameter);
}

/* Add Account…: the form, empty, for another sign-in (the one signed in
 * stays remembered). */
static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  lk_session_sign_out (self->session);
  lk_sign_in_page_clear_secret (self->sign_in_page);
  lk_sign_in_page_clear_error (self->sign_in_page);
  lk_sign_in_page_set_client_id (self->sign_in_page, "");
  _lk_window_show_page (self, "sign-in");
}

static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  lk_shortcuts_show (GTK_WINDOW (widget));
}

void
_lk_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-key", NULL, new_key_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.forget-account", NULL, forget_account_action);
  gtk_widget_class_install_action (widget_class, "win.rename-account", NULL, rename_account_action);
  gtk_widget_class_install_action (widget_class, "win.switch-account", "(sssb)", switch_account_action);
  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);
}
