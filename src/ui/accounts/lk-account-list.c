/* lk-account-list.c: the remembered accounts, one click from each other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-account-list"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-account-list.h"
#include "lk-account-names.h"
#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-platform.h"

struct _LkAccountList
{
  GtkBox        parent_instance;

  LkSession    *session;
  GCancellable *cancellable;   /* the listing under way */
  GSettings    *settings;      /* the names of accounts */
};

G_DEFINE_FINAL_TYPE (LkAccountList, lk_account_list, GTK_TYPE_BOX)

char *
lk_account_describe_platform (const char *platform_id)
{
  g_autoptr (GUri) uri = NULL;

  g_return_val_if_fail (platform_id != NULL, NULL);

  for (LkRegion region = LK_REGION_US; region <= LK_REGION_EU; region++)
    {
      g_autoptr (LkPlatform) known = lk_platform_new_region (region);

      if (g_strcmp0 (lk_platform_get_id (known), platform_id) == 0)
        return g_strdup (lk_region_get_name (region));
    }

  uri = g_uri_parse (platform_id, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (platform_id);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));

  return g_strdup (g_uri_get_host (uri));
}

static void
clear_rows (LkAccountList *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_box_remove (GTK_BOX (self), child);
}

static gboolean
is_signed_in (LkAccountList       *self,
              LkRememberedAccount *account)
{
  LkClient *client = self->session ? lk_session_get_client (self->session) : NULL;

  return client != NULL && !lk_session_get_demo (self->session) &&
         g_strcmp0 (lk_platform_get_id (lk_client_get_platform (client)), account->platform_id) == 0 &&
         g_strcmp0 (lk_client_get_client_id (client), account->client_id) == 0;
}

/* A switch closes the popover the list is in, as a menu item would. */
static void
on_row_clicked (GtkWidget *button)
{
  GtkWidget *popover = gtk_widget_get_ancestor (button, GTK_TYPE_POPOVER);

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

static GtkWidget *
account_row (LkAccountList       *self,
             LkRememberedAccount *account)
{
  g_autofree char *where = lk_account_describe_platform (account->platform_id);
  g_autofree char *accessible = NULL;
  g_autofree char *named = NULL;
  gboolean current = is_signed_in (self, account);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *client_id;
  const char *shown;

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);
  /* The user's name for the account, else its client ID. */
  named = lk_account_names_dup (self->settings, account->platform_id, account->client_id);
  shown = named != NULL ? named : account->client_id;
  client_id = gtk_label_new (shown);
  GtkWidget *platform = gtk_label_new (where);

  gtk_widget_set_opacity (check, current ? 1.0 : 0.0);
  gtk_label_set_xalign (GTK_LABEL (client_id), 0);
  gtk_label_set_ellipsize (GTK_LABEL (client_id), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (client_id), 28);
  if (named == NULL)
    gtk_widget_add_css_class (client_id, "client-id");
  gtk_label_set_xalign (GTK_LABEL (platform), 0);
  gtk_label_set_ellipsize (GTK_LABEL (platform), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (platform, "dim-label");
  gtk_widget_add_css_class (platform, "caption");
  gtk_box_append (GTK_BOX (text), client_id);
  gtk_box_append (GTK_BOX (text), platform);
  gtk_box_append (GTK_BOX (line), check);
  gtk_box_append (GTK_BOX (line), text);
  gtk_button_set_child (GTK_BUTTON (button), line);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "account-row");

  if (current)
    {
      /* Translators: the signed-in account in the account list; the first
       * %s is the account's name or client ID, the second where it signs
       * in ("United States") */
      accessible = g_strdup_printf (_("%s on %s, signed in"), shown, where);
      gtk_widget_set_sensitive (button, FALSE);
    }
  else
    {
      /* Translators: a button of the account list; the first %s is a
       * the account's name or client ID, the second where it signs in
       * ("United States") */
      accessible = g_strdup_printf (_("Switch to %s on %s"), shown, where);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.switch-account");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(sssb)",
                                        account->platform_id, account->client_id,
                                        account->token_url != NULL ? account->token_url : "",
                                        account->has_ca);
      gtk_widget_set_tooltip_text (button, accessible);
      g_signal_connect (button, "clicked", G_CALLBACK (on_row_clicked), NULL);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return button;
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GError) error = NULL;
  LkAccountList *self;

  accounts = lk_credential_store_list_accounts_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LK_ACCOUNT_LIST (user_data);
  clear_rows (self);
  if (accounts == NULL)
    {
      g_debug ("Could not list the remembered accounts: %s", error->message);
      return;
    }

  for (guint i = 0; i < accounts->len; i++)
    gtk_box_append (GTK_BOX (self), account_row (self, g_ptr_array_index (accounts, i)));
}

void
lk_account_list_refresh (LkAccountList *self)
{
  g_return_if_fail (LK_IS_ACCOUNT_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session == NULL)
    {
      clear_rows (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  lk_credential_store_list_accounts_async (lk_session_get_store (self->session), NULL,
                                           self->cancellable, on_listed, self);
}

void
lk_account_list_set_session (LkAccountList *self,
                             LkSession     *session)
{
  g_return_if_fail (LK_IS_ACCOUNT_LIST (self));
  g_return_if_fail (session == NULL || LK_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    lk_account_list_refresh (self);
}

static void
lk_account_list_dispose (GObject *object)
{
  LkAccountList *self = LK_ACCOUNT_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lk_account_list_parent_class)->dispose (object);
}

static void
lk_account_list_class_init (LkAccountListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_account_list_dispose;

  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "accountlist");
}

static void
lk_account_list_init (LkAccountList *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 2);
}
