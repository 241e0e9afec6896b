/* lk-window.c: the main window: sign in, then the tenant's keys
 *
 * The window is the shell: its pages (signing in, the sign-in form, the
 * keys), its toasts, its header and its actions.  Who is signed in, and
 * what their key may do, is the LkSession's: the window starts sign-ins
 * (lk-window-sign-in.c), observes the session here and shows its state;
 * lk-window.ui binds the header's buttons to the session's properties.
 * See lk-window-private.h for the files of the class.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-a11y.h"
#include "lk-account-list.h"
#include "lk-account-popover.h"
#include "lk-account-rename.h"
#include "lk-credential-store.h"
#include "lk-rotation-start.h"
#include "lk-window-private.h"
#include "lk-client.h"

/* The list is refreshed when the window gets the focus and the list is
 * older than this. */
#define REFRESH_ON_FOCUS_AFTER_USEC (5 * G_USEC_PER_SEC * 60)

G_DEFINE_FINAL_TYPE (LkWindow, lk_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Pages and toasts ---- */

static void on_keys_session_ended (LkWindow     *self,
                                   const GError *error);

LkKeysView *
lk_window_get_keys_view (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);

  if (self->keys_view != NULL)
    return self->keys_view;
  if (self->stack == NULL)
    return NULL;  /* disposed */

  /* Built on first use, not with the window: building the keys view
   * (its template, its table) and measuring it as a hidden page was
   * 8 % of the main thread's work up to the first frame of a start that
   * ends on the sign-in page (the platform unreachable, no account
   * remembered), which never shows it (docs/benchmarks.md). */
  self->keys_view = LK_KEYS_VIEW (lk_keys_view_new ());
  g_signal_connect_object (self->keys_view, "session-ended",
                           G_CALLBACK (on_keys_session_ended), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->keys_view, "notify::n-selected",
                           G_CALLBACK (_lk_window_actions_update), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->keys_view), "keys");

  if (self->settings != NULL)
    g_settings_bind (self->settings, "expiry-warning-days",
                     self->keys_view, "expiry-warning-days",
                     G_SETTINGS_BIND_GET);
  g_object_bind_property (self->search_button, "active",
                          self->keys_view, "search-mode",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  if (self->retirements != NULL)
    lk_keys_view_set_retire_times (self->keys_view, lk_retirements_get_times (self->retirements));
  _lk_window_actions_update (self);

  return self->keys_view;
}

void
_lk_window_show_page (LkWindow   *self,
                      const char *name)
{
  g_assert (LK_IS_WINDOW (self));

  if (g_str_equal (name, "keys"))
    lk_window_get_keys_view (self);
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->signing_in_spinner, g_str_equal (name, "signing-in"));

  if (g_str_equal (name, "sign-in"))
    lk_sign_in_page_focus (self->sign_in_page);
  else if (g_str_equal (name, "keys"))
    lk_keys_view_focus_list (self->keys_view);
}

void
lk_window_add_toast (LkWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  lk_a11y_add_toast (self->toast_overlay, toast);
}

void
lk_window_show_toast (LkWindow   *self,
                      const char *message)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* Toast titles are markup; our messages are plain text. */
  escaped = g_markup_escape_text (message, -1);
  lk_a11y_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

void
lk_window_show_error (LkWindow   *self,
                      const char *message,
                      const char *retry_action)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  lk_error_banner_show (self->error_banner, message, retry_action);
}

void
lk_window_clear_error (LkWindow   *self,
                       const char *retry_action)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (retry_action != NULL);

  if (g_strcmp0 (lk_error_banner_get_retry_action (self->error_banner), retry_action) == 0)
    lk_error_banner_dismiss (self->error_banner);
}

/* ---- What the header says (closures of lk-window.ui) ---- */

/* Which account is shown: its key, and where. */
static char *
describe_signed_in (gpointer    unused,
                    LkApiKey   *whoami,
                    gboolean    demo,
                    LkClient   *client,
                    const char *display_name)
{
  g_autofree char *where = NULL;

  if (whoami == NULL || client == NULL)
    return NULL;

  if (display_name != NULL && !demo)
    return g_strdup (display_name);

  if (demo)
    /* Translators: window subtitle; %s is the name of the signed-in key */
    return g_strdup_printf (_("%s · Demo"), lk_account_get_name (whoami));

  where = lk_account_describe_platform (lk_platform_get_id (lk_client_get_platform (client)));
  /* Translators: window subtitle; the first %s is the name of the
   * signed-in key, the second where it signs in ("United States", or a
   * self-hosted platform's host name) */
  return g_strdup_printf (_("%s · %s"), lk_account_get_name (whoami), where);
}

static char *
describe_new_key (gpointer unused,
                  gboolean signed_in,
                  gboolean can_write)
{
  if (can_write || !signed_in)
    return g_strdup (_("New Key…"));

  return lk_account_describe_need (LK_ACCESS_WRITE);
}

static char *
describe_search (gpointer unused,
                 gboolean signed_in,
                 gboolean can_read)
{
  if (can_read || !signed_in)
    return g_strdup (_("Search"));

  return lk_account_describe_need (LK_ACCESS_READ);
}

/* ---- Observing the session ---- */

/* The account button says whose key it is (an accessible label cannot
 * be bound in the template). */
static void
update_account_button (LkWindow *self)
{
  LkApiKey *whoami = lk_session_get_whoami (self->session);
  g_autofree char *tooltip = NULL;

  if (whoami == NULL)
    return;

  /* Translators: tooltip of the account button; %s is a key's name */
  tooltip = g_strdup_printf (_("Signed in as %s"), lk_account_get_name (whoami));
  gtk_widget_set_tooltip_text (self->account_button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->account_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
}

/* ---- What a notification asks to show ---- */

#define PENDING_KEY "lk-window-pending-key"

static void
on_keys_state (LkWindow *self)
{
  const char *key_id = g_object_get_data (G_OBJECT (self), PENDING_KEY);
  g_autofree char *state = NULL;

  g_object_get (self->keys_view, "state", &state, NULL);
  if (key_id == NULL || g_strcmp0 (state, "list") != 0 ||
      !lk_keys_view_select_key (self->keys_view, key_id))
    return;

  g_object_set_data (G_OBJECT (self), PENDING_KEY, NULL);
  g_signal_handlers_disconnect_by_func (self->keys_view, on_keys_state, self);
}

void
lk_window_show_key (LkWindow   *self,
                    const char *key_id)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (key_id != NULL);

  if (lk_keys_view_select_key (lk_window_get_keys_view (self), key_id))
    return;

  /* Not listed yet (signing in, listing): once it is. */
  g_signal_handlers_disconnect_by_func (self->keys_view, on_keys_state, self);
  g_object_set_data_full (G_OBJECT (self), PENDING_KEY, g_strdup (key_id), g_free);
  g_signal_connect_object (self->keys_view, "notify::state", G_CALLBACK (on_keys_state),
                           self, G_CONNECT_SWAPPED);
}

void
lk_window_show_needs_attention (LkWindow *self)
{
  g_return_if_fail (LK_IS_WINDOW (self));

  lk_keys_view_set_needs_attention (lk_window_get_keys_view (self), TRUE);
}

/* The session signed in or out: the keys view follows its client. */
static void
on_client_changed (LkWindow *self)
{
  LkClient *client = lk_session_get_client (self->session);

  g_clear_pointer (&self->spinner_visible_binding, g_binding_unbind);
  g_clear_pointer (&self->spinner_spinning_binding, g_binding_unbind);
  gtk_widget_set_visible (self->loading_spinner, FALSE);
  gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner), FALSE);
  if (self->keys_view != NULL)
    lk_keys_view_set_client (self->keys_view, NULL);

  if (self->settings != NULL)
    lk_account_names_apply (self->session, self->settings);
  update_account_button (self);
  _lk_window_actions_update (self);

  if (client == NULL)
    {
      _lk_window_rotate_follow (self, NULL);
      return;
    }

  self->spinner_visible_binding =
    g_object_bind_property (client, "loading", self->loading_spinner, "visible", G_BINDING_SYNC_CREATE);
  self->spinner_spinning_binding =
    g_object_bind_property (client, "loading", self->loading_spinner, "spinning", G_BINDING_SYNC_CREATE);

  lk_window_get_keys_view (self);
  lk_keys_view_set_can_read (self->keys_view, lk_session_get_can_read (self->session));
  lk_keys_view_set_can_delete (self->keys_view, lk_session_get_can_delete (self->session));
  lk_keys_view_set_client (self->keys_view, client);
  /* Expiry notifications: not for the demo's made-up tenant. */
  if (!lk_session_get_demo (self->session) &&
      LK_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
    lk_expiry_notifier_watch (lk_application_get_expiry_notifier (LK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))),
                              client);

  lk_sign_in_page_set_busy (self->sign_in_page, FALSE);
  lk_sign_in_page_clear_error (self->sign_in_page);
  _lk_window_show_page (self, "keys");

  /* A client that comes with its list (see LkAccountPrefetch) needs none. */
  if (lk_keys_view_get_last_refresh (self->keys_view) == 0)
    lk_keys_view_refresh (self->keys_view);

  /* What earlier runs left of rotations (rotate/lk-rotation-start.c). */
  lk_rotation_start (self, client);
}

static void
on_session_ended (LkWindow     *self,
                  const GError *error)
{
  _lk_window_show_page (self, "sign-in");
  lk_sign_in_page_show_error (self->sign_in_page,
                              _("The platform no longer accepts this key"),
                              error);
}

/* The keys view's list was refused for good. */
static void
on_keys_session_ended (LkWindow     *self,
                       const GError *error)
{
  lk_session_end (self->session, error);
}

static void
on_remember_failed (LkWindow     *self,
                    const GError *error)
{
  g_autofree char *message = NULL;

  /* Translators: %s is the reason, a sentence */
  message = g_strdup_printf (_("Could not remember the sign-in in the keyring: %s You are signed in until you quit."),
                             error->message);
  lk_window_show_error (self, message, NULL);
}

static void
on_forget_failed (LkWindow     *self,
                  const GError *error)
{
  g_autofree char *message = NULL;

  /* Translators: %s is the reason, a sentence */
  message = g_strdup_printf (_("Could not remove the sign-in from the keyring: %s"), error->message);
  lk_window_show_error (self, message, NULL);
}

/* ---- Refreshing ---- */

static void
on_is_active_changed (LkWindow *self)
{
  LkClient *client = lk_session_get_client (self->session);
  gint64 last;

  if (!gtk_window_is_active (GTK_WINDOW (self)) || !lk_session_get_can_read (self->session) ||
      self->keys_view == NULL)
    return;

  last = lk_keys_view_get_last_refresh (self->keys_view);
  if (last != 0 && g_get_monotonic_time () - last > REFRESH_ON_FOCUS_AFTER_USEC &&
      !lk_client_get_loading (client))
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

  _lk_window_sign_in_remembered (self);
}

static void
lk_window_dispose (GObject *object)
{
  LkWindow *self = LK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->sign_in_cancellable);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_pointer (&self->spinner_visible_binding, g_binding_unbind);
      g_clear_pointer (&self->spinner_spinning_binding, g_binding_unbind);
      if (self->keys_view != NULL)
        lk_keys_view_set_client (self->keys_view, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_WINDOW);
  /* (the stack, gone with the template, held the keys view) */
  self->keys_view = NULL;

  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->retirements);

  G_OBJECT_CLASS (lk_window_parent_class)->dispose (object);
}

static void
lk_window_finalize (GObject *object)
{
  LkWindow *self = LK_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->sign_in_cancellable);

  G_OBJECT_CLASS (lk_window_parent_class)->finalize (object);
}

static void
lk_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LkWindow *self = LK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
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
  object_class->get_property = lk_window_get_property;
  window_class->close_request = lk_window_close_request;

  /* The session is the window's for its whole life. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LK_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LK_TYPE_ACCOUNT_POPOVER);
  g_type_ensure (LK_TYPE_DEMO);
  g_type_ensure (LK_TYPE_SESSION);
  g_type_ensure (LK_TYPE_SIGN_IN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerkeys/LayerKeys/lk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LkWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, signing_in_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, signing_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, demo);
  /* Bound for gtk_widget_get_template_child() alone: the template binds
   * them to the session. */
  gtk_widget_class_bind_template_child_full (widget_class, "window_title", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "new_key_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, describe_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, describe_new_key);
  gtk_widget_class_bind_template_callback (widget_class, describe_search);

  _lk_window_class_sign_in_init (widget_class);
  _lk_window_class_actions_init (widget_class);
  _lk_window_class_rotate_init (widget_class);
}

static void
lk_window_init (LkWindow *self)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();

  self->cancellable = g_cancellable_new ();
  self->sign_in_cancellable = g_cancellable_new ();
  /* Before the template, whose bindings look at it. */
  self->session = lk_session_new (store);
  _lk_window_rotate_init (self);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The error banner: between the header bar and the pages. */
  self->error_banner = LK_ERROR_BANNER (lk_error_banner_new ());
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->toast_overlay))),
                              GTK_WIDGET (self->error_banner),
                              gtk_widget_get_prev_sibling (GTK_WIDGET (self->toast_overlay)));
#if LK_DEVEL_PROFILE
  /* A development build shows the striped header bar, so it is never
   * mistaken for the installed app. */
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  g_signal_connect_object (self->session, "notify::client",
                           G_CALLBACK (on_client_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "ended",
                           G_CALLBACK (on_session_ended), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "remember-failed",
                           G_CALLBACK (on_remember_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "forget-failed",
                           G_CALLBACK (on_forget_failed), self, G_CONNECT_SWAPPED);

  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);

  _lk_window_actions_update (self);
}

LkWindow *
lk_window_new (LkApplication *application)
{
  return g_object_new (LK_TYPE_WINDOW, "application", application, NULL);
}

LkSession *
lk_window_get_session (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);

  return self->session;
}
