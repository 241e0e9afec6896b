/* test-expiry-watch.c: expiry notifications
 *
 *   /lk/expiry-watch/decide         which keys crossed which threshold,
 *                                   once each, grouped; the clock pinned,
 *                                   the state in a file of the test's;
 *   /lk/expiry-watch/notifications  the real simulator over HTTP, the
 *                                   notifier of the app and GApplication's
 *                                   own notification backend, observed by a
 *                                   small org.freedesktop.Notifications
 *                                   server this test owns on the private
 *                                   session bus (there is no desktop shell
 *                                   in the test session): the text, the
 *                                   grouping, no repeat after a restart, a
 *                                   new one at the next threshold, and the
 *                                   Rotate… button reaching app.rotate-key
 *                                   with the key's ID.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lk-client.h"
#include "lk-expiry-notifier.h"
#include "lk-expiry-watch.h"
#include "lk-simulator.h"
#include "lk-test-util.h"
#include "lk-time.h"

#define DAY ((gint64) 24 * 60 * 60)

static gint64 now;

static gint64
pinned_clock (gpointer user_data)
{
  return now;
}

static LkStateFile *
temp_state (char **out_dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  *out_dir = g_dir_make_tmp ("lk-expiry-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*out_dir, "state", LK_EXPIRY_WATCH_STATE_NAME, NULL);
  return lk_state_file_new_for_path (path);
}

static GPtrArray *
check (LkStateFile *state,
       const char  *platform,
       GListModel  *keys,
       const char  *thresholds_text)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GArray) thresholds = lk_expiry_watch_parse_thresholds (thresholds_text);
  g_autoptr (GError) error = NULL;
  GPtrArray *groups;

  lk_expiry_watch_check_async (state, platform, keys, thresholds, NULL, lk_test_store_result, &result);
  groups = lk_expiry_watch_check_finish (state, lk_test_wait_result (&result, 10000), &error);
  g_assert_no_error (error);
  g_assert_nonnull (groups);
  return groups;
}

static void
add_key (GListStore *keys,
         const char *id,
         int         days)
{
  LkPermissions permissions = { { 0 } };
  g_autoptr (LkApiKey) key = NULL;

  lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
  key = lk_api_key_new (id, id, "client", NULL, now - DAY, now + days * DAY + 3600, &permissions);
  g_list_store_append (keys, key);
}

static void
test_decide (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (LkStateFile) state = NULL;
  g_autoptr (GListStore) keys = g_list_store_new (LK_TYPE_API_KEY);
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GArray) parsed = NULL;
  LkExpiryGroup *group;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  /* The setting's text */
  parsed = lk_expiry_watch_parse_thresholds ("7, 30,1, 7, x, 0, 999");
  g_assert_cmpuint (parsed->len, ==, 3);
  g_assert_cmpuint (g_array_index (parsed, guint, 0), ==, 30);
  g_assert_cmpuint (g_array_index (parsed, guint, 2), ==, 1);
  g_assert_null (lk_expiry_watch_parse_thresholds (""));

  now = 1800000000;
  lk_time_set_clock (pinned_clock, NULL);
  state = temp_state (&dir);

  add_key (keys, "far", 60);
  add_key (keys, "month-a", 20);
  add_key (keys, "month-b", 29);
  add_key (keys, "week", 5);
  add_key (keys, "day", 0);

  /* First check: the smallest threshold each is within, grouped. */
  groups = check (state, "P", G_LIST_MODEL (keys), "30, 7, 1");
  g_assert_cmpuint (groups->len, ==, 3);
  group = groups->pdata[0];
  g_assert_cmpuint (group->threshold, ==, 1);
  g_assert_cmpuint (group->names->len, ==, 1);
  g_assert_cmpstr (group->names->pdata[0], ==, "day");
  title = lk_expiry_group_title (group);
  g_assert_cmpstr (title, ==, "API key “day” expires within 1 day");
  g_clear_pointer (&title, g_free);
  group = groups->pdata[1];
  g_assert_cmpuint (group->threshold, ==, 7);
  g_assert_cmpstr (group->key_ids->pdata[0], ==, "week");
  group = groups->pdata[2];
  g_assert_cmpuint (group->threshold, ==, 30);
  g_assert_cmpuint (group->names->len, ==, 2);
  title = lk_expiry_group_title (group);
  body = lk_expiry_group_body (group);
  g_assert_cmpstr (title, ==, "2 API keys expire within 30 days");
  g_assert_cmpstr (body, ==, "“month-a”\n“month-b”");
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* Again: nothing new.  Another platform's keys are its own. */
  groups = check (state, "P", G_LIST_MODEL (keys), "30, 7, 1");
  g_assert_cmpuint (groups->len, ==, 0);
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* 16 days on: month-a (4 days) crosses 7; month-b (13) crossed nothing new. */
  now += 16 * DAY;
  groups = check (state, "P", G_LIST_MODEL (keys), "30, 7, 1");
  g_assert_cmpuint (groups->len, ==, 1);
  group = groups->pdata[0];
  g_assert_cmpuint (group->threshold, ==, 7);
  g_assert_cmpuint (group->names->len, ==, 1);
  g_assert_cmpstr (group->key_ids->pdata[0], ==, "month-a");
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* Many at once: "and N more". */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *id = g_strdup_printf ("batch-%u", i);

      add_key (keys, id, 3);
    }
  groups = check (state, "P", G_LIST_MODEL (keys), "30, 7, 1");
  g_assert_cmpuint (groups->len, ==, 1);
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&body, g_free);
  title = lk_expiry_group_title (groups->pdata[0]);
  body = lk_expiry_group_body (groups->pdata[0]);
  g_assert_cmpstr (title, ==, "7 API keys expire within 7 days");
  g_assert_true (g_str_has_suffix (body, "\nand 2 more"));
  g_clear_pointer (&groups, g_ptr_array_unref);

  lk_time_set_clock (NULL, NULL);
  g_assert_cmpint (g_remove (lk_state_file_get_path (state)), ==, 0);
}

/* ---- A notification server on the session bus ---- */

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "<signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "<signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "</interface></node>";

typedef struct {
  char  *summary;
  char  *body;
  GStrv  actions;
  guint  id;
} Seen;

static void
seen_free (Seen *seen)
{
  g_free (seen->summary);
  g_free (seen->body);
  g_strfreev (seen->actions);
  g_free (seen);
}

typedef struct {
  GDBusConnection *connection;
  guint            registration;
  guint            name_id;
  gboolean         owned;
  GPtrArray       *seen;
  guint            next_id;
} Server;

static void
server_method (GDBusConnection       *connection,
               const char            *sender,
               const char            *object_path,
               const char            *interface_name,
               const char            *method_name,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation,
               gpointer               user_data)
{
  Server *server = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      Seen *seen = g_new0 (Seen, 1);
      guint replaces;

      g_variant_get (parameters, "(&su&ss&s^asa{sv}i)", NULL, &replaces, NULL,
                     &seen->summary, NULL, &seen->actions, NULL, NULL);
      g_variant_get_child (parameters, 4, "s", &seen->body);
      seen->id = replaces != 0 ? replaces : ++server->next_id;
      g_ptr_array_add (server->seen, seen);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", seen->id));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "layer-keys", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable server_vtable = { server_method, NULL, NULL, { 0 } };

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((Server *) user_data)->owned = TRUE;
}

static void
server_start (Server *server)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autofree char *address = NULL;

  g_assert_no_error (error);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  server->connection = g_dbus_connection_new_for_address_sync (address,
                                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                               G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                               NULL, NULL, &error);
  g_assert_no_error (error);
  server->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  server->registration = g_dbus_connection_register_object (server->connection,
                                                            "/org/freedesktop/Notifications",
                                                            info->interfaces[0], &server_vtable,
                                                            server, NULL, &error);
  g_assert_no_error (error);
  server->name_id = g_bus_own_name_on_connection (server->connection, "org.freedesktop.Notifications",
                                                  G_BUS_NAME_OWNER_FLAGS_NONE,
                                                  on_name_acquired, NULL, server, NULL);
  g_assert_true (lk_test_wait_for_flag (&server->owned, 10000));
}

static void
server_stop (Server *server)
{
  g_bus_unown_name (server->name_id);
  g_dbus_connection_unregister_object (server->connection, server->registration);
  g_clear_object (&server->connection);
  g_ptr_array_unref (server->seen);
}

/* ---- The app's side ---- */

typedef struct {
  guint     checks;
  char     *rotated;
} Observed;

static void
on_checked (LkExpiryNotifier *notifier,
            LkClient         *client,
            guint             n_sent,
            Observed         *observed)
{
  observed->checks++;
}

static void
on_rotate (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  Observed *observed = user_data;

  g_free (observed->rotated);
  observed->rotated = g_variant_dup_string (parameter, NULL);
}

static LkClient *
signed_in_client (LkSimulator *sim)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  LkClient *client = lk_client_new (platform);

  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, 20000), &error);
  g_assert_no_error (error);
  return client;
}

static void
list_and_check (LkClient         *client,
                LkExpiryNotifier *notifier,
                Observed         *observed)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint checks = observed->checks;

  /* The notifier watches the client: a complete list starts a check. */
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, 20000), &error));
  g_assert_no_error (error);
  while (observed->checks == checks)
    g_main_context_iteration (NULL, TRUE);
  /* the messages reach the server */
  lk_test_spin (300);
}

static Seen *
find_seen (Server     *server,
           const char *summary)
{
  for (guint i = 0; i < server->seen->len; i++)
    if (g_str_equal (((Seen *) server->seen->pdata[i])->summary, summary))
      return server->seen->pdata[i];

  return NULL;
}

static void
test_notifications (void)
{
  Server server = { 0 };
  Observed observed = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GApplication) app = NULL;
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (LkSimulator) sim = NULL;
  g_autoptr (LkStateFile) state = NULL;
  g_autoptr (LkExpiryNotifier) notifier = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (GSimpleAction) rotate = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *rotate_id = NULL;
  LkPermissions permissions = { { 0 } };
  const char *soon_names[] = { "Nightly export", "Staging scanner", "Audit job" };
  g_autoptr (LkApiKey) month_key = NULL;
  Seen *seen;

  if (!lk_test_have_secret_service ())
    {
      g_test_skip ("needs the private session of build-aux/dev (D-Bus)");
      return;
    }

  server_start (&server);

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  now = lk_simulator_get_now (sim);
  lk_time_set_clock (pinned_clock, NULL);

  lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
  for (guint i = 0; i < G_N_ELEMENTS (soon_names); i++)
    g_object_unref (lk_simulator_add_key (sim, soon_names[i], &permissions, now + 5 * DAY + 3600, NULL));
  month_key = lk_simulator_add_key (sim, "Quarterly report", &permissions, now + 20 * DAY + 3600, NULL);
  g_object_unref (lk_simulator_add_key (sim, "Far away", &permissions, now + 80 * DAY, NULL));

  app = g_application_new ("io.github.layerkeys.LayerKeys.TestExpiry", G_APPLICATION_NON_UNIQUE);
  rotate = g_simple_action_new ("rotate-key", G_VARIANT_TYPE_STRING);
  g_signal_connect (rotate, "activate", G_CALLBACK (on_rotate), &observed);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (rotate));
  g_assert_true (g_application_register (app, NULL, &error));
  g_assert_no_error (error);

  settings = g_settings_new ("io.github.layerkeys.LayerKeys");
  g_settings_set_string (settings, "expiry-notification-days", "30, 7, 1");
  state = temp_state (&dir);

  /* The first run: one group of three (7 days), one key alone (30 days). */
  notifier = lk_expiry_notifier_new (app, settings, state);
  g_signal_connect (notifier, "checked", G_CALLBACK (on_checked), &observed);
  client = signed_in_client (sim);
  lk_expiry_notifier_watch (notifier, client);
  list_and_check (client, notifier, &observed);
  g_assert_cmpuint (server.seen->len, ==, 2);
  seen = find_seen (&server, "3 API keys expire within 7 days");
  g_assert_nonnull (seen);
  for (guint i = 0; i < G_N_ELEMENTS (soon_names); i++)
    {
      g_autofree char *quoted = g_strdup_printf ("“%s”", soon_names[i]);

      g_assert_nonnull (strstr (seen->body, quoted));
    }
  seen = find_seen (&server, "API key “Quarterly report” expires within 30 days");
  g_assert (seen != NULL);
  /* Rotate… and Show; nothing secret anywhere */
  g_assert_nonnull (seen->actions);
  {
    gboolean has_rotate = FALSE;

    for (guint i = 0; seen->actions[i] != NULL && seen->actions[i + 1] != NULL; i += 2)
      if (g_str_equal (seen->actions[i + 1], "Rotate…"))
        {
          has_rotate = TRUE;
          rotate_id = g_strdup (seen->actions[i]);
        }
    g_assert_true (has_rotate);
  }
  for (guint i = 0; i < server.seen->len; i++)
    {
      Seen *s = server.seen->pdata[i];

      g_assert_null (strstr (s->summary, lk_simulator_get_admin_client_secret (sim)));
      g_assert_null (strstr (s->body, lk_simulator_get_admin_client_secret (sim)));
    }

  /* Rotate… as the notification server reports a click: the app's
   * app.rotate-key, with that key's ID. */
  g_dbus_connection_emit_signal (server.connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", seen->id, rotate_id), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && observed.rotated == NULL; i++)
    lk_test_spin (20);
  g_assert_cmpstr (observed.rotated, ==, lk_api_key_get_id (month_key));

  /* A restart: a new notifier and client, the same state: nothing again. */
  g_clear_object (&notifier);
  g_clear_object (&client);
  g_ptr_array_set_size (server.seen, 0);
  notifier = lk_expiry_notifier_new (app, settings, state);
  g_signal_connect (notifier, "checked", G_CALLBACK (on_checked), &observed);
  client = signed_in_client (sim);
  lk_expiry_notifier_watch (notifier, client);
  list_and_check (client, notifier, &observed);
  g_assert_cmpuint (server.seen->len, ==, 0);

  /* 14 days on (both clocks): "Quarterly report" (6 days) crosses 7; the
   * three (expired) say nothing more. */
  now += 14 * DAY;
  lk_simulator_set_now (sim, now);
  list_and_check (client, notifier, &observed);
  g_assert_cmpuint (server.seen->len, ==, 1);
  g_assert_nonnull (find_seen (&server, "API key “Quarterly report” expires within 7 days"));

  g_clear_object (&notifier);
  g_clear_object (&client);
  g_free (observed.rotated);
  lk_time_set_clock (NULL, NULL);
  lk_simulator_stop (sim);
  server_stop (&server);
  g_remove (lk_state_file_get_path (state));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/expiry-watch/decide", test_decide);
  g_test_add_func ("/lk/expiry-watch/notifications", test_notifications);

  return g_test_run ();
}
