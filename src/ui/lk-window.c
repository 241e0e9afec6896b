/* lk-window.c: the main window: sign in, then the tenant's keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-create-dialog.h"
#include "lk-credential-store.h"
#include "lk-keys-view.h"
#include "lk-sign-in-page.h"
#include "lk-simulator.h"
#include "lk-time.h"
#include "lk-window.h"

/* The list is refreshed when the window gets the focus and the list is
 * older than this. */
#define REFRESH_ON_FOCUS_AFTER_USEC (5 * G_USEC_PER_SEC * 60)

/* At most this many keys are named in the confirmation of a delete. */
#define MAX_NAMED_IN_CONFIRMATION 8

struct _LkWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children */
  AdwHeaderBar      *header_bar;
  AdwWindowTitle    *window_title;
  GtkWidget         *new_key_button;
  GtkWidget         *loading_spinner;
  GtkWidget         *account_button;
  GtkWidget         *search_button;
  GtkLabel          *account_name_label;
  GtkLabel          *account_client_id_label;
  GtkLabel          *account_platform_label;
  GtkLabel          *account_expiry_label;
  GtkLabel          *account_permissions_label;
  GtkBox            *account_abilities_box;
  AdwToastOverlay   *toast_overlay;
  GtkStack          *stack;
  AdwStatusPage     *signing_in_page;
  GtkSpinner        *signing_in_spinner;
  LkSignInPage      *sign_in_page;
  LkKeysView        *keys_view;

  /* State */
  GSettings         *settings;
  LkCredentialStore *store;
  LkClient          *client;            /* signed in, or NULL */
  gboolean           demo;              /* the client is the demo's */
  gboolean           can_read;
  gboolean           can_write;
  gboolean           can_delete;
  GCancellable      *cancellable;       /* the window's lifetime */
  GCancellable      *sign_in_cancellable;
  /* The prefetch the window waits for, and when it stops waiting for
   * its list (see PREFETCH_LIST_WAIT_MS) */
  LkAccountPrefetch *prefetch;
  guint              prefetch_hurry_id;
  LkSimulator       *simulator;         /* the demo tenant, once started */
  GBinding          *spinner_visible_binding;
  GBinding          *spinner_spinning_binding;
  char              *last_toast;
};

G_DEFINE_FINAL_TYPE (LkWindow, lk_window, ADW_TYPE_APPLICATION_WINDOW)

typedef enum {
  SIGN_IN_FORM,        /* from the form */
  SIGN_IN_REMEMBERED,  /* from the keyring at start */
  SIGN_IN_DEMO,        /* the built-in simulator */
} SignInKind;

typedef struct {
  LkWindow   *self;       /* not a reference: the op is cancelled in dispose */
  SignInKind  kind;
  gboolean    remember;
} SignInData;

static void
sign_in_data_free (SignInData *data)
{
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignInData, sign_in_data_free)

static void
show_page (LkWindow   *self,
           const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->signing_in_spinner, g_str_equal (name, "signing-in"));

  if (g_str_equal (name, "sign-in"))
    lk_sign_in_page_focus (self->sign_in_page);
  else if (g_str_equal (name, "keys"))
    gtk_widget_grab_focus (GTK_WIDGET (lk_key_table_get_list_view (lk_keys_view_get_table (self->keys_view))));
}

void
lk_window_add_toast (LkWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_free (self->last_toast);
  self->last_toast = g_strdup (adw_toast_get_title (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
lk_window_show_toast (LkWindow   *self,
                      const char *message)
{
  AdwToast *toast;
  g_autofree char *escaped = NULL;

  g_return_if_fail (LK_IS_WINDOW (self));

  /* Toast titles are markup; our messages are plain text. */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
}

/* ---- Permissions and actions ---- */

static char *
needs_permission (LkAccess access)
{
  g_autofree char *permission = lk_permission_describe (LK_CATEGORY_API_KEYS, access);

  /* Translators: %s is a permission such as "API Keys: Write" */
  return g_strdup_printf (_("Needs %s"), permission);
}

static void
update_actions (LkWindow *self)
{
  gboolean signed_in = self->client != NULL;
  guint n_selected = lk_keys_view_get_n_selected (self->keys_view);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-key", signed_in && self->can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", signed_in && self->can_read);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", signed_in && self->can_read);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-selected",
                                 signed_in && self->can_delete && n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);

  if (self->can_write || !signed_in)
    gtk_widget_set_tooltip_text (self->new_key_button, _("New Key"));
  else
    {
      g_autofree char *tooltip = needs_permission (LK_ACCESS_WRITE);

      gtk_widget_set_tooltip_text (self->new_key_button, tooltip);
    }

  gtk_widget_set_sensitive (self->search_button, signed_in && self->can_read);
  if (self->can_read || !signed_in)
    gtk_widget_set_tooltip_text (self->search_button, _("Search"));
  else
    {
      g_autofree char *tooltip = needs_permission (LK_ACCESS_READ);

      gtk_widget_set_tooltip_text (self->search_button, tooltip);
    }

  gtk_widget_set_visible (self->new_key_button, signed_in);
  gtk_widget_set_visible (self->search_button, signed_in);
  gtk_widget_set_visible (self->account_button, signed_in);
}

static void
on_n_selected_changed (LkWindow *self)
{
  update_actions (self);
}

static void
add_ability (LkWindow   *self,
             const char *text,
             gboolean    allowed,
             LkAccess    access)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *image = gtk_image_new_from_icon_name (allowed ? "emblem-ok-symbolic"
                                                           : "action-unavailable-symbolic");
  GtkWidget *label = gtk_label_new (text);
  g_autofree char *tooltip = needs_permission (access);

  gtk_widget_add_css_class (line, "permission-line");
  gtk_widget_add_css_class (image, allowed ? "allowed" : "denied");
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  allowed ? _("Allowed") : _("Not allowed"),
                                  -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (!allowed)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (line, tooltip);
  gtk_box_append (GTK_BOX (line), image);
  gtk_box_append (GTK_BOX (line), label);
  gtk_box_append (self->account_abilities_box, line);
}

static void
update_account (LkWindow *self)
{
  LkApiKey *whoami = self->client ? lk_client_get_whoami (self->client) : NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->account_abilities_box))) != NULL)
    gtk_box_remove (self->account_abilities_box, child);

  if (whoami == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, NULL);
      return;
    }
  else
    {
      const char *name = lk_api_key_get_name (whoami);
      const char *client_id = lk_api_key_get_client_id (whoami);
      g_autofree char *summary = lk_permissions_to_summary (lk_api_key_get_permissions (whoami));
      g_autofree char *subtitle = NULL;
      g_autofree char *tooltip = NULL;
      g_autofree char *platform = NULL;
      g_autofree char *expiry = NULL;
      LkPlatform *p = lk_client_get_platform (self->client);

      if (name == NULL || name[0] == '\0')
        name = client_id;

      if (self->demo)
        /* Translators: window subtitle; %s is the name of the signed-in key */
        subtitle = g_strdup_printf (_("%s · Demo"), name);
      else
        subtitle = g_strdup (name);
      adw_window_title_set_subtitle (self->window_title, subtitle);

      gtk_label_set_text (self->account_name_label, name);
      gtk_label_set_text (self->account_client_id_label, client_id);

      if (self->demo)
        platform = g_strdup (_("The demo tenant on this computer"));
      else if (lk_platform_get_region (p) == LK_REGION_CUSTOM)
        platform = g_strdup (lk_platform_get_api_base (p));
      else
        platform = g_strdup (lk_region_get_name (lk_platform_get_region (p)));
      gtk_label_set_text (self->account_platform_label, platform);

      if (lk_api_key_get_expires_at (whoami) != 0)
        {
          g_autofree char *when = lk_time_describe_expiry (lk_time_now (),
                                                           lk_api_key_get_expires_at (whoami));

          /* Translators: %s is "in 5 days", "today", "tomorrow"... */
          expiry = g_strdup_printf (_("Expires %s"), when);
        }
      gtk_label_set_text (self->account_expiry_label, expiry ? expiry : "");
      gtk_widget_set_visible (GTK_WIDGET (self->account_expiry_label), expiry != NULL);

      add_ability (self, _("List keys"), self->can_read, LK_ACCESS_READ);
      add_ability (self, _("Create keys"), self->can_write, LK_ACCESS_WRITE);
      add_ability (self, _("Delete keys"), self->can_delete, LK_ACCESS_DELETE);
      gtk_label_set_text (self->account_permissions_label, summary);

      /* Translators: tooltip of the account button; %s is a key's name */
      tooltip = g_strdup_printf (_("Signed in as %s"), name);
      gtk_widget_set_tooltip_text (self->account_button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->account_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
    }
}

/* ---- Session ---- */

static void
clear_session (LkWindow *self)
{
  g_clear_pointer (&self->spinner_visible_binding, g_binding_unbind);
  g_clear_pointer (&self->spinner_spinning_binding, g_binding_unbind);
  gtk_widget_set_visible (self->loading_spinner, FALSE);
  gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner), FALSE);

  lk_keys_view_set_client (self->keys_view, NULL);
  g_clear_object (&self->client);
  self->demo = FALSE;
  self->can_read = self->can_write = self->can_delete = FALSE;

  update_account (self);
  update_actions (self);
}

static void
become_signed_in (LkWindow *self,
                  LkClient *client,
                  gboolean  demo)
{
  LkApiKey *whoami = lk_client_get_whoami (client);
  const LkPermissions *permissions = whoami ? lk_api_key_get_permissions (whoami) : NULL;

  clear_session (self);

  self->client = g_object_ref (client);
  self->demo = demo;
  if (permissions != NULL)
    {
      self->can_read = lk_permissions_allows (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_READ);
      self->can_write = lk_permissions_allows (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE);
      self->can_delete = lk_permissions_allows (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE);
    }

  self->spinner_visible_binding =
    g_object_bind_property (client, "loading", self->loading_spinner, "visible", G_BINDING_SYNC_CREATE);
  self->spinner_spinning_binding =
    g_object_bind_property (client, "loading", self->loading_spinner, "spinning", G_BINDING_SYNC_CREATE);

  lk_keys_view_set_can_read (self->keys_view, self->can_read);
  lk_keys_view_set_can_delete (self->keys_view, self->can_delete);
  lk_keys_view_set_client (self->keys_view, client);

  lk_sign_in_page_set_busy (self->sign_in_page, FALSE);
  lk_sign_in_page_clear_error (self->sign_in_page);

  update_account (self);
  update_actions (self);
  show_page (self, "keys");

  /* A client that comes with its list (see LkAccountPrefetch) needs none. */
  if (lk_keys_view_get_last_refresh (self->keys_view) == 0)
    lk_keys_view_refresh (self->keys_view);
}

static void
on_account_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LkWindow *self;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (lk_credential_store_save_account_finish (LK_CREDENTIAL_STORE (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LK_WINDOW (user_data);
  /* Translators: %s is the reason, a sentence */
  message = g_strdup_printf (_("Could not remember the sign-in in the keyring: %s You are signed in until you quit."),
                             error->message);
  lk_window_show_toast (self, message);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (SignInData) data = user_data;
  LkClient *client = LK_CLIENT (source);
  LkWindow *self;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkApiKey) whoami = NULL;

  whoami = lk_client_sign_in_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = data->self;

  if (error != NULL)
    {
      lk_sign_in_page_set_busy (self->sign_in_page, FALSE);
      show_page (self, "sign-in");

      switch (data->kind)
        {
        case SIGN_IN_REMEMBERED:
          lk_sign_in_page_show_error (self->sign_in_page,
                                      _("Could not sign in with the remembered key"),
                                      error);
          break;
        case SIGN_IN_DEMO:
          lk_sign_in_page_show_error (self->sign_in_page, _("The demo did not start"), error);
          break;
        case SIGN_IN_FORM:
        default:
          lk_sign_in_page_show_error (self->sign_in_page, NULL, error);
          break;
        }
      return;
    }

  if (data->kind == SIGN_IN_FORM)
    {
      lk_sign_in_page_save_settings (self->sign_in_page, self->settings);

      if (data->remember)
        {
          g_autoptr (LkSecretString) secret = lk_sign_in_page_dup_secret (self->sign_in_page);

          lk_credential_store_save_account_async (self->store,
                                                  lk_platform_get_id (lk_client_get_platform (client)),
                                                  lk_client_get_client_id (client),
                                                  secret,
                                                  self->cancellable,
                                                  on_account_saved,
                                                  self);
        }
    }

  become_signed_in (self, client, data->kind == SIGN_IN_DEMO);
}

static void
start_sign_in (LkWindow   *self,
               LkClient   *client,
               SignInKind  kind,
               gboolean    remember)
{
  SignInData *data;

  g_cancellable_cancel (self->sign_in_cancellable);
  g_clear_object (&self->sign_in_cancellable);
  self->sign_in_cancellable = g_cancellable_new ();

  lk_client_set_store (client, self->store);

  data = g_new0 (SignInData, 1);
  data->self = self;
  data->kind = kind;
  data->remember = remember;

  lk_client_sign_in_async (client, self->sign_in_cancellable, on_signed_in, data);
}

static void
on_sign_in_submit (LkWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (LkSecretString) secret = NULL;

  platform = lk_sign_in_page_get_platform (self->sign_in_page, &error);
  if (platform == NULL)
    {
      lk_sign_in_page_show_error (self->sign_in_page, NULL, error);
      return;
    }

  secret = lk_sign_in_page_dup_secret (self->sign_in_page);
  client = lk_client_new (platform);
  lk_client_set_credentials (client, lk_sign_in_page_get_client_id (self->sign_in_page), secret);

  lk_sign_in_page_set_busy (self->sign_in_page, TRUE);
  start_sign_in (self, client, SIGN_IN_FORM, lk_sign_in_page_get_remember (self->sign_in_page));
}

void
lk_window_sign_in_demo (LkWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkClient) client = NULL;

  g_return_if_fail (LK_IS_WINDOW (self));

  if (self->simulator == NULL)
    {
      LkSimulator *simulator = lk_simulator_new ();

      lk_simulator_seed (simulator, 0);
      if (!lk_simulator_start (simulator, 0, NULL, &error))
        {
          g_object_unref (simulator);
          show_page (self, "sign-in");
          lk_sign_in_page_show_error (self->sign_in_page, _("The demo did not start"), error);
          return;
        }
      self->simulator = simulator;
    }

  platform = lk_simulator_get_platform (self->simulator);
  client = lk_client_new (platform);
  lk_client_set_credentials (client,
                             lk_simulator_get_admin_client_id (self->simulator),
                             lk_simulator_get_admin_client_secret (self->simulator));

  adw_status_page_set_title (self->signing_in_page, _("Starting the Demo…"));
  adw_status_page_set_description (self->signing_in_page,
                                   _("A simulated tenant runs on this computer. Nothing you do in it reaches a real platform."));
  show_page (self, "signing-in");
  start_sign_in (self, client, SIGN_IN_DEMO, FALSE);
}

static void
on_sign_in_demo (LkWindow *self)
{
  lk_window_sign_in_demo (self);
}

typedef struct {
  LkWindow   *self;
  LkPlatform *platform;
  char       *client_id;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_clear_pointer (&data->platform, lk_platform_unref);
  g_free (data->client_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookupData, lookup_data_free)

static void on_remembered_account (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);

/* The remembered account is there (or is not, @error says why): sign in
 * with it, unless the prefetch did so already.  Takes @data, @account
 * and @session. */
static void
use_remembered_account (LkWindow          *self,
                        LookupData        *data,
                        LkAccount         *account,
                        LkClientSession   *session,
                        GError            *error,
                        gboolean           from_prefetch)
{
  g_autoptr (LookupData) owned_data = data;
  g_autoptr (LkAccount) owned_account = account;
  g_autoptr (LkClientSession) owned_session = session;
  g_autoptr (LkClient) client = NULL;

  /* The quiet lookup of the prefetch does not unlock a locked keyring:
   * the usual one does, with the desktop's prompt. */
  if (account == NULL && from_prefetch &&
      g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED))
    {
      lk_credential_store_lookup_account_async (self->store,
                                                lk_platform_get_id (data->platform),
                                                data->client_id,
                                                self->sign_in_cancellable,
                                                on_remembered_account,
                                                g_steal_pointer (&owned_data));
      return;
    }

  if (account == NULL)
    {
      show_page (self, "sign-in");
      /* Not remembered is the normal case: the form is filled in, no error. */
      if (error != NULL && !g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND))
        lk_sign_in_page_show_error (self->sign_in_page, NULL, error);
      return;
    }

  client = lk_client_new (data->platform);
  lk_client_set_credentials (client, account->client_id, account->client_secret);

  /* Signed in and listed while the application started. */
  if (session != NULL)
    {
      lk_client_set_store (client, self->store);
      lk_client_import_session (client, g_steal_pointer (&owned_session));
      become_signed_in (self, client, FALSE);
      return;
    }

  start_sign_in (self, client, SIGN_IN_REMEMBERED, FALSE);
}

/* How long a window ready to show waits for the keys the prefetch is
 * still listing: a list of ten thousand takes a tenth of a second; a far
 * longer one is better listed by the window itself, which shows its
 * first page at once. */
#define PREFETCH_LIST_WAIT_MS 300

static void
stop_waiting_for_prefetch (LkWindow *self)
{
  g_clear_handle_id (&self->prefetch_hurry_id, g_source_remove);
  g_clear_object (&self->prefetch);
}

static gboolean
on_prefetch_slow (gpointer user_data)
{
  LkWindow *self = user_data;

  self->prefetch_hurry_id = 0;
  if (self->prefetch != NULL)
    lk_account_prefetch_hurry (self->prefetch);

  return G_SOURCE_REMOVE;
}

static void
on_remembered_account (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  LookupData *data = user_data;
  g_autoptr (GError) error = NULL;
  LkClientSession *session = NULL;
  LkAccount *account;
  gboolean from_prefetch = LK_IS_ACCOUNT_PREFETCH (source);

  if (from_prefetch)
    account = lk_account_prefetch_wait_finish (LK_ACCOUNT_PREFETCH (source), result, &session, &error);
  else
    account = lk_credential_store_lookup_account_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      lookup_data_free (data);
      return;
    }

  if (from_prefetch)
    stop_waiting_for_prefetch (data->self);
  use_remembered_account (data->self, data, account, session, error, from_prefetch);
}

static void
try_remembered_account (LkWindow *self)
{
  g_autofree char *client_id = g_settings_get_string (self->settings, "last-client-id");
  /* (the window's "application" is set only after construction) */
  GApplication *app = g_application_get_default ();
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (GError) error = NULL;
  LookupData *data;

  lk_sign_in_page_load_settings (self->sign_in_page, self->settings);

  if (client_id[0] == '\0')
    {
      show_page (self, "sign-in");
      return;
    }

  platform = lk_settings_dup_platform (self->settings, &error);
  if (platform == NULL)
    {
      show_page (self, "sign-in");
      lk_sign_in_page_show_error (self->sign_in_page, NULL, error);
      return;
    }

  adw_status_page_set_title (self->signing_in_page, _("Signing In…"));
  adw_status_page_set_description (self->signing_in_page,
                                   _("With the key remembered in your keyring."));
  show_page (self, "signing-in");

  g_cancellable_cancel (self->sign_in_cancellable);
  g_clear_object (&self->sign_in_cancellable);
  self->sign_in_cancellable = g_cancellable_new ();

  data = g_new0 (LookupData, 1);
  data->self = self;
  data->platform = g_steal_pointer (&platform);
  data->client_id = g_strdup (client_id);

  /* Looked up (and most likely signed in and listed) already while the
   * application started. */
  if (LK_IS_APPLICATION (app))
    prefetch = lk_application_take_prefetch (LK_APPLICATION (app),
                                             lk_platform_get_id (data->platform), client_id);
  if (prefetch != NULL)
    {
      LkAccount *account = NULL;
      LkClientSession *session = NULL;
      g_autoptr (GError) prefetch_error = NULL;

      if (lk_account_prefetch_take_now (prefetch, &account, &session, &prefetch_error))
        use_remembered_account (self, data, account, session, prefetch_error, TRUE);
      else
        {
          stop_waiting_for_prefetch (self);
          self->prefetch = g_object_ref (prefetch);
          self->prefetch_hurry_id = g_timeout_add (PREFETCH_LIST_WAIT_MS, on_prefetch_slow, self);
          g_source_set_name_by_id (self->prefetch_hurry_id, "[layer-keys] prefetch list wait");
          lk_account_prefetch_wait_async (prefetch, self->sign_in_cancellable,
                                          on_remembered_account, data);
        }
      return;
    }

  lk_credential_store_lookup_account_async (self->store,
                                            lk_platform_get_id (data->platform),
                                            client_id,
                                            self->sign_in_cancellable,
                                            on_remembered_account,
                                            data);
}

static void
on_session_ended (LkWindow     *self,
                  const GError *error)
{
  clear_session (self);
  show_page (self, "sign-in");
  lk_sign_in_page_show_error (self->sign_in_page,
                              _("The platform no longer accepts this key"),
                              error);
}

static void
on_account_forgotten (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (lk_credential_store_forget_account_finish (LK_CREDENTIAL_STORE (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Translators: %s is the reason, a sentence */
  message = g_strdup_printf (_("Could not remove the sign-in from the keyring: %s"), error->message);
  lk_window_show_toast (LK_WINDOW (user_data), message);
}

/* ---- Delete ---- */

typedef struct {
  LkWindow  *self;
  guint      n_pending;
  guint      n_deleted;
  GPtrArray *vanished;       /* names */
  GPtrArray *failed;         /* names */
  GError    *first_error;
  gboolean   cancelled;
} DeleteOp;

typedef struct {
  DeleteOp *op;
  char     *name;
} DeleteItem;

static void
delete_op_free (DeleteOp *op)
{
  g_ptr_array_unref (op->vanished);
  g_ptr_array_unref (op->failed);
  g_clear_error (&op->first_error);
  g_free (op);
}

static void
finish_delete (DeleteOp *op)
{
  LkWindow *self = op->self;
  g_autofree char *message = NULL;

  if (op->vanished->len == 1)
    {
      /* Translators: %s is a key's name */
      message = g_strdup_printf (_("“%s” no longer existed; removed from the list"),
                                 (const char *) g_ptr_array_index (op->vanished, 0));
      lk_window_show_toast (self, message);
      g_clear_pointer (&message, g_free);
    }
  else if (op->vanished->len > 1)
    {
      message = g_strdup_printf (ngettext ("%u key no longer existed; removed from the list",
                                           "%u keys no longer existed; removed from the list",
                                           op->vanished->len),
                                 op->vanished->len);
      lk_window_show_toast (self, message);
      g_clear_pointer (&message, g_free);
    }

  if (op->n_deleted > 0)
    {
      message = g_strdup_printf (ngettext ("Deleted %u key", "Deleted %u keys", op->n_deleted),
                                 op->n_deleted);
      lk_window_show_toast (self, message);
      g_clear_pointer (&message, g_free);
    }

  if (op->first_error != NULL)
    {
      if (g_error_matches (op->first_error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED))
        on_session_ended (self, op->first_error);
      else
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
          lk_window_show_toast (self, message);
        }
    }
}

static void
on_key_deleted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DeleteItem *item = user_data;
  DeleteOp *op = item->op;
  g_autoptr (GError) error = NULL;

  if (lk_client_delete_key_finish (LK_CLIENT (source), result, &error))
    op->n_deleted++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    op->cancelled = TRUE;
  else if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
    g_ptr_array_add (op->vanished, g_steal_pointer (&item->name));
  else
    {
      g_ptr_array_add (op->failed, g_steal_pointer (&item->name));
      if (op->first_error == NULL)
        op->first_error = g_steal_pointer (&error);
    }

  g_free (item->name);
  g_free (item);

  if (--op->n_pending > 0)
    return;

  if (!op->cancelled)
    finish_delete (op);
  delete_op_free (op);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    LkWindow         *self)
{
  GPtrArray *keys = g_object_get_data (G_OBJECT (dialog), "lk-keys");
  DeleteOp *op;

  if (g_strcmp0 (response, "delete") != 0 || keys == NULL || self->client == NULL)
    return;

  op = g_new0 (DeleteOp, 1);
  op->self = self;
  op->vanished = g_ptr_array_new_with_free_func (g_free);
  op->failed = g_ptr_array_new_with_free_func (g_free);
  op->n_pending = keys->len;

  for (guint i = 0; i < keys->len; i++)
    {
      LkApiKey *key = g_ptr_array_index (keys, i);
      DeleteItem *item = g_new0 (DeleteItem, 1);

      item->op = op;
      item->name = g_strdup (lk_api_key_get_name (key));
      lk_client_delete_key_async (self->client, lk_api_key_get_id (key),
                                  self->cancellable, on_key_deleted, item);
    }
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  g_autoptr (GPtrArray) keys = lk_keys_view_get_selected_keys (self->keys_view);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (keys->len == 0 || self->client == NULL)
    return;

  if (keys->len == 1)
    {
      LkApiKey *key = g_ptr_array_index (keys, 0);

      /* Translators: %s is a key's name */
      heading = g_strdup_printf (_("Delete “%s”?"), lk_api_key_get_name (key));
      /* Translators: %s is a client ID */
      body = g_strdup_printf (_("Services that use the key %s stop working immediately. This cannot be undone."),
                              lk_api_key_get_client_id (key));
    }
  else
    {
      GString *text = g_string_new (NULL);
      guint named = MIN (keys->len, MAX_NAMED_IN_CONFIRMATION);

      heading = g_strdup_printf (ngettext ("Delete %u key?", "Delete %u keys?", keys->len), keys->len);
      g_string_append (text, _("Services that use these keys stop working immediately. This cannot be undone."));
      g_string_append_c (text, '\n');
      for (guint i = 0; i < named; i++)
        {
          LkApiKey *key = g_ptr_array_index (keys, i);

          /* Translators: one line of the list of keys to delete: name and client ID */
          g_string_append_printf (text, _("\n• %s (%s)"),
                                  lk_api_key_get_name (key), lk_api_key_get_client_id (key));
        }
      if (keys->len > named)
        {
          g_string_append_c (text, '\n');
          g_string_append_printf (text,
                                  ngettext ("and %u more", "and %u more", keys->len - named),
                                  keys->len - named);
        }
      body = g_string_free (text, FALSE);
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "lk-keys", g_steal_pointer (&keys),
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Other actions ---- */

static void
new_key_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  LkCreateDialog *dialog;

  if (self->client == NULL || !self->can_write)
    return;

  dialog = lk_create_dialog_new (GTK_WINDOW (self), self->client);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  if (self->client == NULL || !self->can_read)
    return;

  show_page (self, "keys");
  lk_keys_view_set_search_mode (self->keys_view, TRUE);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  lk_keys_view_refresh (self->keys_view);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  if (self->client == NULL)
    return;

  if (!self->demo)
    lk_credential_store_forget_account_async (self->store,
                                              lk_platform_get_id (lk_client_get_platform (self->client)),
                                              self->cancellable,
                                              on_account_forgotten,
                                              self);

  clear_session (self);
  lk_sign_in_page_clear_secret (self->sign_in_page);
  lk_sign_in_page_clear_error (self->sign_in_page);
  show_page (self, "sign-in");
  lk_window_show_toast (self, _("Signed out"));
}

static void
on_is_active_changed (LkWindow   *self,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  gint64 last;

  if (!gtk_window_is_active (GTK_WINDOW (self)) || self->client == NULL || !self->can_read)
    return;

  last = lk_keys_view_get_last_refresh (self->keys_view);
  if (last != 0 && g_get_monotonic_time () - last > REFRESH_ON_FOCUS_AFTER_USEC &&
      !lk_client_get_loading (self->client))
    lk_keys_view_refresh (self->keys_view);
}

/* ---- GObject ---- */

static gboolean
lk_window_close_request (GtkWindow *window)
{
  LkWindow *self = LK_WINDOW (window);
  int width, height;
  gboolean maximized = gtk_window_is_maximized (window);

  if (self->settings != NULL)
    {
      g_settings_delay (self->settings);
      if (!maximized)
        {
          gtk_window_get_default_size (window, &width, &height);
          if (width > 0 && height > 0)
            {
              g_settings_set_int (self->settings, "window-width", width);
              g_settings_set_int (self->settings, "window-height", height);
            }
        }
      g_settings_set_boolean (self->settings, "window-maximized", maximized);
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (lk_window_parent_class)->close_request (window);
}

static void
lk_window_constructed (GObject *object)
{
  LkWindow *self = LK_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (lk_window_parent_class)->constructed (object);

  if (LK_IS_APPLICATION (app))
    self->settings = g_object_ref (lk_application_get_settings (LK_APPLICATION (app)));
  else
    self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               MAX (360, g_settings_get_int (self->settings, "window-width")),
                               MAX (294, g_settings_get_int (self->settings, "window-height")));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "expiry-warning-days",
                   self->keys_view, "expiry-warning-days",
                   G_SETTINGS_BIND_GET);

  try_remembered_account (self);
}

static void
lk_window_dispose (GObject *object)
{
  LkWindow *self = LK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->sign_in_cancellable);
  stop_waiting_for_prefetch (self);

  if (self->keys_view != NULL)
    clear_session (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_WINDOW);

  if (self->simulator != NULL)
    lk_simulator_stop (self->simulator);
  g_clear_object (&self->simulator);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lk_window_parent_class)->dispose (object);
}

static void
lk_window_finalize (GObject *object)
{
  LkWindow *self = LK_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->sign_in_cancellable);
  g_free (self->last_toast);

  G_OBJECT_CLASS (lk_window_parent_class)->finalize (object);
}

static void
lk_window_class_init (LkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lk_window_constructed;
  object_class->dispose = lk_window_dispose;
  object_class->finalize = lk_window_finalize;
  window_class->close_request = lk_window_close_request;

  g_type_ensure (LK_TYPE_SIGN_IN_PAGE);
  g_type_ensure (LK_TYPE_KEYS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerkeys/LayerKeys/lk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LkWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, new_key_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_name_label);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_client_id_label);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_platform_label);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_expiry_label);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_permissions_label);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_abilities_box);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, signing_in_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, signing_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, keys_view);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_submit);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_demo);
  gtk_widget_class_bind_template_callback (widget_class, on_session_ended);
  gtk_widget_class_bind_template_callback (widget_class, on_n_selected_changed);

  gtk_widget_class_install_action (widget_class, "win.new-key", NULL, new_key_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
}

static void
lk_window_init (LkWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->sign_in_cancellable = g_cancellable_new ();
  self->store = lk_secret_store_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self->search_button, "active",
                          self->keys_view, "search-mode",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);

  update_actions (self);
}

LkWindow *
lk_window_new (LkApplication *application)
{
  return g_object_new (LK_TYPE_WINDOW, "application", application, NULL);
}

LkClient *
lk_window_get_client (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);

  return self->client;
}

const char *
lk_window_get_last_toast (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);

  return self->last_toast;
}

const char *
lk_window_get_page_name (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GObject *
lk_window_get_simulator (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);

  return G_OBJECT (self->simulator);
}
