/* test-demo-memory.c: the demo without a session collection (issue 20)
 *
 * Run with no Secret Service on the session bus (main() points
 * DBUS_SESSION_BUS_ADDRESS at a socket that does not exist), as on a
 * desktop whose Secret Service has no session collection: the demo keeps
 * its secrets in this process's memory and says so ("keys-in-memory"),
 * a key created in it is stored there, and when the demo ends they go.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-demo-memory"

#include "config.h"

#include "lk-demo.h"
#include "lk-session.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-client.h"

#define WAIT_MS 30000

static GHashTable *
find_keys (LkCredentialStore *store,
           const char        *platform_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GHashTable *found;

  lk_credential_store_find_keys_async (store, platform_id, NULL, lk_test_store_result, &result);
  found = lk_credential_store_find_keys_finish (store, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  return found;
}

static void
test_demo_keys_in_memory (void)
{
  g_autoptr (LkCredentialStore) login = lk_secret_store_new ();
  g_autoptr (LkSession) session = lk_session_new (login);
  g_autoptr (LkDemo) demo = lk_demo_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkCreatedKey) created = NULL;
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GHashTable) while_running = NULL;
  g_autoptr (GHashTable) after = NULL;
  g_autofree char *platform_id = NULL;
  LkClient *client;

  g_assert_false (lk_demo_get_keys_in_memory (demo));
  lk_demo_sign_in_async (demo, session, NULL, lk_test_store_result, &result);
  g_assert_true (lk_demo_sign_in_finish (demo, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* It says so. */
  g_assert_true (lk_demo_get_keys_in_memory (demo));

  client = lk_session_get_client (session);
  store = g_object_ref (lk_client_get_store (client));
  g_assert_true (LK_IS_VOLATILE_STORE (store));
  platform_id = g_strdup (lk_platform_get_id (lk_client_get_platform (client)));
  lk_client_create_key_async (client, "demo-in-memory", lk_time_now () + 30 * 24 * 3600,
                              NULL, NULL, lk_test_store_result, &result);
  created = lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_true (created->stored);

  /* The new key's secret and the demo's own (one of a key still listed) */
  while_running = find_keys (store, platform_id);
  g_assert_true (g_hash_table_contains (while_running, lk_api_key_get_id (created->key)));
  g_assert_cmpuint (g_hash_table_size (while_running), ==, 3);

  /* The demo ends: nothing is left. */
  lk_session_sign_out (session);
  g_assert_true (lk_demo_wait_for_endings (5000));
  after = find_keys (store, platform_id);
  g_assert_cmpuint (g_hash_table_size (after), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* Set before anything connects: the private session's bus has a keyring. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/layer-keys-no-bus", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/demo-memory/keys-in-memory", test_demo_keys_in_memory);

  return g_test_run ();
}
