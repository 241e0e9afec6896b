/* test-autostart.c: "Check in the Background" starts us at login
 *
 *   /lk/autostart/toggle    the Preferences switch writes the XDG autostart
 *                           entry ($XDG_CONFIG_HOME/autostart, private to
 *                           the test session) with `layer-keys --background`,
 *                           and removes it again; the setting follows;
 *   /lk/autostart/refused   an entry that cannot be written turns the
 *                           switch back off, the setting stays off;
 *   /lk/autostart/portal    inside a Flatpak the Background portal is
 *                           asked instead: autostart and the command line
 *                           as sent, granted, refused by the user, granted
 *                           without autostart.  There is no portal in the
 *                           test session: a small one on the private
 *                           session bus stands in for it, as the
 *                           notification server of test-expiry-watch does.
 *
 * The background run itself: tests/test-background.py.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "lk-background.h"
#include "lk-preferences-window.h"
#include "lk-test-util.h"
#include "lk-ui-resources.h"

#define WAIT_MS 10000

/* ---- The Preferences switch ---- */

static gboolean
is_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (data));
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
file_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static GtkWidget *
open_preferences (GSettings  *settings,
                  GtkWidget **out_switch)
{
  GtkWidget *preferences = lk_preferences_window_new (NULL, settings);

  gtk_window_present (GTK_WINDOW (preferences));
  *out_switch = GTK_WIDGET (gtk_widget_get_template_child (preferences, LK_TYPE_PREFERENCES_WINDOW,
                                                           "background_switch"));
  g_assert_nonnull (*out_switch);
  return preferences;
}

static void
test_toggle (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *path = lk_background_dup_autostart_path ();
  g_autofree char *expected_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "autostart",
                                                     APP_ID ".desktop", NULL);
  g_autoptr (GKeyFile) entry = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *program = NULL;
  g_auto (GStrv) argv = NULL;
  GtkWidget *preferences;
  GtkWidget *toggle;

  g_assert_cmpstr (path, ==, expected_path);
  g_settings_reset (settings, "background-check");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  preferences = open_preferences (settings, &toggle);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));

  /* On: the entry appears, then the setting says so. */
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_true (lk_test_wait_until (file_exists, path, WAIT_MS));
  g_assert_true (lk_test_wait_until (is_sensitive, toggle, WAIT_MS));
  g_assert_true (g_settings_get_boolean (settings, "background-check"));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));

  g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  {
    g_autofree char *start_group = g_key_file_get_start_group (entry);

    g_assert_cmpstr (start_group, ==, G_KEY_FILE_DESKTOP_GROUP);
  }
  exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_no_error (error);
  g_assert_true (g_shell_parse_argv (exec, NULL, &argv, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (argv), ==, 2);
  /* The installed program (this test is not layer-keys), then the option. */
  program = g_build_filename (BINDIR, "layer-keys", NULL);
  g_assert_cmpstr (argv[0], ==, program);
  g_assert_cmpstr (argv[1], ==, "--background");
  g_assert_true (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, &error));
  g_assert_no_error (error);
  {
    g_autofree char *type = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP,
                                                   G_KEY_FILE_DESKTOP_KEY_TYPE, NULL);

    g_assert_cmpstr (type, ==, "Application");
  }

  /* Reopened, the switch shows it on. */
  gtk_window_destroy (GTK_WINDOW (preferences));
  preferences = open_preferences (settings, &toggle);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));

  /* Off: the entry goes. */
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_true (lk_test_wait_until (file_gone, path, WAIT_MS));
  g_assert_true (lk_test_wait_until (is_sensitive, toggle, WAIT_MS));
  g_assert_false (g_settings_get_boolean (settings, "background-check"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_refused (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *path = lk_background_dup_autostart_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;
  GtkWidget *preferences;
  GtkWidget *toggle;

  /* A file where the autostart folder should be. */
  g_settings_reset (settings, "background-check");
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR) ? g_rmdir (folder) == 0 : TRUE);
  g_file_set_contents (folder, "not a folder", -1, &error);
  g_assert_no_error (error);

  preferences = open_preferences (settings, &toggle);
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_false (gtk_widget_get_sensitive (toggle));
  g_assert_true (lk_test_wait_until (is_sensitive, toggle, WAIT_MS));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_false (g_settings_get_boolean (settings, "background-check"));

  gtk_window_destroy (GTK_WINDOW (preferences));
  g_assert_cmpint (g_unlink (folder), ==, 0);
}

/* ---- The Background portal ---- */

static const char portal_xml[] =
  "<node><interface name='org.freedesktop.portal.Background'>"
  "<method name='RequestBackground'><arg type='s' direction='in'/>"
  "<arg type='a{sv}' direction='in'/><arg type='o' direction='out'/></method>"
  "</interface></node>";

typedef struct {
  GDBusConnection *connection;
  guint            registration;
  guint            name_id;
  gboolean         owned;
  /* What the next request is answered */
  guint32          response;
  gboolean         grant_autostart;
  /* What the last request asked */
  gboolean         asked;
  gboolean         autostart;
  GStrv            commandline;
  char            *reason;
} Portal;

static void
portal_method (GDBusConnection       *connection,
               const char            *sender,
               const char            *object_path,
               const char            *interface_name,
               const char            *method_name,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation,
               gpointer               user_data)
{
  Portal *portal = user_data;
  g_autoptr (GVariant) options = NULL;
  g_autofree char *unique = g_strdup (sender + 1);
  g_autofree char *handle = NULL;
  const char *token = NULL;
  GVariantBuilder results;

  g_variant_get (parameters, "(&s@a{sv})", NULL, &options);
  portal->asked = TRUE;
  g_variant_lookup (options, "autostart", "b", &portal->autostart);
  g_clear_pointer (&portal->commandline, g_strfreev);
  g_variant_lookup (options, "commandline", "^as", &portal->commandline);
  g_clear_pointer (&portal->reason, g_free);
  g_variant_lookup (options, "reason", "s", &portal->reason);
  g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));

  g_strdelimit (unique, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", unique, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (portal->response == 0));
  g_variant_builder_add (&results, "{sv}", "autostart",
                         g_variant_new_boolean (portal->response == 0 && portal->grant_autostart &&
                                                portal->autostart));
  g_dbus_connection_emit_signal (connection, sender, handle, "org.freedesktop.portal.Request",
                                 "Response", g_variant_new ("(ua{sv})", portal->response, &results),
                                 NULL);
}

static const GDBusInterfaceVTable portal_vtable = { portal_method, NULL, NULL, { 0 } };

static void
on_portal_name (GDBusConnection *connection,
                const char      *name,
                gpointer         user_data)
{
  ((Portal *) user_data)->owned = TRUE;
}

static GDBusConnection *
new_bus_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static gboolean
ask_portal (GDBusConnection  *bus,
            gboolean          enable,
            GError          **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_background_request_portal_async (bus, enable, NULL, lk_test_store_result, &result);
  return lk_background_request_portal_finish (lk_test_wait_result (&result, WAIT_MS), error);
}

static void
test_portal (void)
{
  Portal portal = { 0 };
  g_autoptr (GDBusNodeInfo) info = NULL;
  g_autoptr (GDBusConnection) bus = new_bus_connection ();
  g_autoptr (GError) error = NULL;
  const char *commandline[] = { "layer-keys", "--background", NULL };

  info = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_assert_no_error (error);
  portal.connection = new_bus_connection ();
  portal.registration = g_dbus_connection_register_object (portal.connection, "/org/freedesktop/portal/desktop",
                                                           info->interfaces[0], &portal_vtable,
                                                           &portal, NULL, &error);
  g_assert_no_error (error);
  portal.name_id = g_bus_own_name_on_connection (portal.connection, "org.freedesktop.portal.Desktop",
                                                 G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 on_portal_name, NULL, &portal, NULL);
  g_assert_true (lk_test_wait_for_flag (&portal.owned, WAIT_MS));

  /* Granted, at login. */
  portal.response = 0;
  portal.grant_autostart = TRUE;
  g_assert_true (ask_portal (bus, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (portal.asked);
  g_assert_true (portal.autostart);
  g_assert_cmpstrv (portal.commandline, commandline);
  g_assert_nonnull (portal.reason);

  /* The user said no. */
  portal.asked = FALSE;
  portal.response = 1;
  g_assert_false (ask_portal (bus, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_true (portal.asked);
  g_clear_error (&error);

  /* In the background, but not at login: not what was asked. */
  portal.response = 0;
  portal.grant_autostart = FALSE;
  g_assert_false (ask_portal (bus, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* Off: autostart false, and that is granted. */
  portal.asked = FALSE;
  g_assert_true (ask_portal (bus, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (portal.asked);
  g_assert_false (portal.autostart);

  g_bus_unown_name (portal.name_id);
  g_dbus_connection_unregister_object (portal.connection, portal.registration);
  g_clear_object (&portal.connection);
  g_strfreev (portal.commandline);
  g_free (portal.reason);

  /* No portal at all: a clear error, not a wait. */
  g_assert_false (ask_portal (bus, TRUE, &error));
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL || g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL ||
      g_getenv ("XDG_CONFIG_HOME") == NULL)
    {
      g_test_skip ("needs the private session of build-aux/dev (X server, session bus, private XDG_CONFIG_HOME)");
      return g_test_run ();
    }

  gtk_init ();
  adw_init ();
  g_resources_register (lk_ui_get_resource ());

  g_test_add_func ("/lk/autostart/toggle", test_toggle);
  g_test_add_func ("/lk/autostart/refused", test_refused);
  g_test_add_func ("/lk/autostart/portal", test_portal);

  return g_test_run ();
}
