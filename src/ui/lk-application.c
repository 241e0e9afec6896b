/* lk-application.c: the application: options, actions, settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-application"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-about.h"
#include "lk-application.h"
#include "lk-background-check.h"
#include "lk-platform-settings.h"
#include "lk-clipboard.h"
#include "lk-expiry-notifier.h"
#include "lk-key-sort.h"
#include "lk-preferences-window.h"
#include "lk-demo.h"
#include "lk-secret-quit.h"
#include "lk-ui-resources.h"
#include "lk-window.h"

struct _LkApplication
{
  AdwApplication parent_instance;

  GSettings         *settings;
  gboolean           demo;
  LkAccountPrefetch *prefetch;
  LkExpiryNotifier  *expiry_notifier;
  gboolean           background;        /* --background: no window */
  LkBackgroundCheck *background_check;  /* the check under way */
};

G_DEFINE_FINAL_TYPE (LkApplication, lk_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "demo", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Sign in to a built-in simulated tenant"), NULL },
  { "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Check the remembered accounts for keys that expire soon, with no window, then quit"), NULL },
  { NULL }
};

static void
ensure_resources (void)
{
  /* A static library may drop the resource's constructor: register it
   * here, once. */
  if (!g_resources_get_info ("/io/github/layerkeys/LayerKeys/lk-window.ui",
                             G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
    g_resources_register (lk_ui_get_resource ());
}

static void
quit_now (GtkApplication *app)
{
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Close the windows first so each saves its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (app));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  /* A secret kept nowhere else is asked about first. */
  lk_secret_quit_ask (GTK_APPLICATION (user_data), quit_now);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);

  gtk_window_present (GTK_WINDOW (lk_about_window_new (gtk_application_get_active_window (app))));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  LkApplication *self = LK_APPLICATION (user_data);
  GtkWidget *preferences;

  preferences = lk_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                           lk_application_get_settings (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

/* The window the notifications' actions show: the active one, else a
 * new one (signing in with the remembered account). */
static LkWindow *
present_window (LkApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!LK_IS_WINDOW (window))
    window = GTK_WINDOW (lk_window_new (self));
  gtk_window_present (window);
  return LK_WINDOW (window);
}

static void
show_key_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  lk_window_show_key (present_window (LK_APPLICATION (user_data)),
                      g_variant_get_string (parameter, NULL));
}

/* Rotate… of an expiry notification: the rotate dialog for that key. */
static void
rotate_key_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  lk_window_rotate_key (present_window (LK_APPLICATION (user_data)),
                        g_variant_get_string (parameter, NULL));
}

static void
show_attention_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  lk_window_show_needs_attention (present_window (LK_APPLICATION (user_data)));
}

/* The background check (src/ui/lk-background-check.h), in this
 * instance, whether it has windows or not; it holds the application
 * until it ends. */
static void
on_background_checked (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (LkApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!lk_background_check_run_finish (LK_BACKGROUND_CHECK (source), result, &error))
    g_debug ("The background check ended early: %s", error->message);
  g_clear_object (&self->background_check);
  g_application_release (G_APPLICATION (self));
}

static void
background_check_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  LkApplication *self = LK_APPLICATION (user_data);

  if (self->background_check != NULL)
    return;

  g_application_hold (G_APPLICATION (self));
  self->background_check = lk_background_check_new (lk_application_get_settings (self),
                                                    lk_application_get_expiry_notifier (self));
  lk_background_check_run_async (self->background_check, NULL, on_background_checked,
                                 g_object_ref (self));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "show-key", show_key_action, "s", NULL, NULL, { 0 } },
  { "rotate-key", rotate_key_action, "s", NULL, NULL, { 0 } },
  { "show-attention", show_attention_action, NULL, NULL, NULL, { 0 } },
  { "background-check", background_check_action, NULL, NULL, NULL, { 0 } },
};

static int
lk_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  LkApplication *self = LK_APPLICATION (application);

  if (g_variant_dict_contains (options, "demo"))
    self->demo = TRUE;

  /* --background: the check runs in the instance already running, if
   * there is one (this process then ends at once), else here, with no
   * window (activate). */
  if (g_variant_dict_contains (options, "background"))
    {
      g_autoptr (GError) error = NULL;

      self->background = TRUE;
      /* (This fails when the instance found quits meanwhile.) */
      if (!g_application_register (application, NULL, &error))
        {
          g_debug ("Not registered: %s", error->message);
          return 1;
        }
      if (g_application_get_is_remote (application))
        {
          g_action_group_activate_action (G_ACTION_GROUP (application), "background-check", NULL);
          return 0;
        }
    }

  return -1;
}

void
lk_application_start_prefetch (LkApplication *self)
{
  g_autofree char *client_id = NULL;
  g_autoptr (LkPlatform) platform = NULL;

  g_return_if_fail (LK_IS_APPLICATION (self));

  client_id = g_settings_get_string (lk_application_get_settings (self), "last-client-id");
  g_clear_object (&self->prefetch);
  if (client_id[0] == '\0')
    return;

  platform = lk_platform_settings_dup (lk_application_get_settings (self), NULL);
  if (platform != NULL)
    /* The keys come sorted in the table's first order, which it then
     * need not sort.  (Their search texts wait for the first search: the
     * window is waiting for these keys.) */
    self->prefetch = lk_account_prefetch_start (g_steal_pointer (&platform), client_id,
                                                lk_key_sort_prepare);
}

LkAccountPrefetch *
lk_application_take_prefetch (LkApplication *self,
                              const char    *platform_id,
                              const char    *client_id)
{
  g_return_val_if_fail (LK_IS_APPLICATION (self), NULL);

  if (self->prefetch == NULL || !lk_account_prefetch_is_for (self->prefetch, platform_id, client_id))
    return NULL;

  return g_steal_pointer (&self->prefetch);
}

static void
lk_application_startup (GApplication *application)
{
  LkApplication *self = LK_APPLICATION (application);
  GtkApplication *app = GTK_APPLICATION (application);
  const char *new_key_accels[] = { "<Control>n", NULL };
  const char *search_accels[] = { "<Control>f", NULL };
  const char *refresh_accels[] = { "F5", NULL };
  const char *close_accels[] = { "<Control>w", NULL };
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *help_accels[] = { "<Control>question", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };

  ensure_resources ();

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  /* The keyring answers while GTK starts. */
  if (!self->demo && !self->background)
    lk_application_start_prefetch (self);

  G_APPLICATION_CLASS (lk_application_parent_class)->startup (application);

  /* The window list and the X11 window icon use the app icon. */
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  gtk_application_set_accels_for_action (app, "app.quit", quit_accels);
  gtk_application_set_accels_for_action (app, "win.new-key", new_key_accels);
  gtk_application_set_accels_for_action (app, "win.search", search_accels);
  gtk_application_set_accels_for_action (app, "win.refresh", refresh_accels);
  gtk_application_set_accels_for_action (app, "window.close", close_accels);
  gtk_application_set_accels_for_action (app, "win.show-help-overlay", help_accels);
  gtk_application_set_accels_for_action (app, "app.preferences", preferences_accels);
}

static void
lk_application_activate (GApplication *application)
{
  LkApplication *self = LK_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (self->background)
    {
      self->background = FALSE;
      g_action_group_activate_action (G_ACTION_GROUP (self), "background-check", NULL);
      return;
    }

  if (window == NULL)
    window = GTK_WINDOW (lk_window_new (self));

  gtk_window_present (window);

  if (self->demo && LK_IS_WINDOW (window) &&
      !lk_session_get_signed_in (lk_window_get_session (LK_WINDOW (window))))
    lk_window_sign_in_demo (LK_WINDOW (window));
  self->demo = FALSE;
}

static void
lk_application_shutdown (GApplication *application)
{
  lk_clipboard_clear_all ();
  /* The demo's keyring items go before the app does (issue 20). */
  lk_demo_wait_for_endings (5000);

  G_APPLICATION_CLASS (lk_application_parent_class)->shutdown (application);
}

static void
lk_application_dispose (GObject *object)
{
  LkApplication *self = LK_APPLICATION (object);

  g_clear_object (&self->background_check);
  g_clear_object (&self->expiry_notifier);
  g_clear_object (&self->settings);
  g_clear_object (&self->prefetch);

  G_OBJECT_CLASS (lk_application_parent_class)->dispose (object);
}

static void
lk_application_class_init (LkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = lk_application_dispose;
  app_class->handle_local_options = lk_application_handle_local_options;
  app_class->startup = lk_application_startup;
  app_class->activate = lk_application_activate;
  app_class->shutdown = lk_application_shutdown;
}

static void
lk_application_init (LkApplication *self)
{
  ensure_resources ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage the API keys of a HiddenLayer AISec Platform tenant."));
}

LkApplication *
lk_application_new (void)
{
  return g_object_new (LK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/layerkeys/LayerKeys",
                       NULL);
}

GSettings *
lk_application_get_settings (LkApplication *self)
{
  g_return_val_if_fail (LK_IS_APPLICATION (self), NULL);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  return self->settings;
}

LkExpiryNotifier *
lk_application_get_expiry_notifier (LkApplication *self)
{
  g_return_val_if_fail (LK_IS_APPLICATION (self), NULL);

  if (self->expiry_notifier == NULL)
    self->expiry_notifier = lk_expiry_notifier_new (G_APPLICATION (self),
                                                    lk_application_get_settings (self), NULL);

  return self->expiry_notifier;
}
