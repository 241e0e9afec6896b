/* test-unsettled.c: creates whose reply never came survive a restart
 *
 * The simulator (in this process) makes the key and drops the connection
 * (LK_SIM_FAULT_DROP_AFTER_COMMIT) on every attempt, so the create fails
 * with its outcome unknown.  Then a "restart": that client goes, a new
 * one (same simulator, whose replay store lives as long as it does, and a
 * fresh read of the state folder) recovers.  Within the platform's 24
 * hours the secret comes back and goes to the store; past them (both
 * clocks moved on) the key is reported as made without a recoverable
 * secret, until dismissed.
 *
 * The state folder is a folder of this test's own (XDG_STATE_HOME).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-simulator.h"
#include "lk-state-file.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 60000
#define DAY (24 * 60 * 60)

static char *state_home;

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static LkClient *
client_for (LkSimulator       *sim,
            LkCredentialStore *store)
{
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  LkClient *client = lk_client_new (platform);

  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 5);
  lk_client_set_retry_policy (client, 2, 10);
  lk_client_set_store (client, store);
  return client;
}

static LkCreatedKey *
create_key (LkClient    *client,
            const char  *name,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_create_key_async (client, name, lk_time_now () + 30 * DAY, NULL, NULL,
                              lk_test_store_result, &result);
  return lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), error);
}

/* A create whose every reply is lost: the key is made, the client does
 * not know. */
static void
create_lost (LkSimulator       *sim,
             LkCredentialStore *store,
             const char        *name)
{
  LkClient *client = client_for (sim, store);
  g_autoptr(GError) error = NULL;
  g_autoptr(LkCreatedKey) created = NULL;

  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 0);
  created = create_key (client, name, &error);
  g_assert_null (created);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  lk_simulator_clear_faults (sim);
  g_assert_nonnull (lk_simulator_find_key_by_name (sim, name));

  /* The process ends. */
  g_assert_finalize_object (client);
}

static gboolean
recover (LkClient   *client,
         GPtrArray **recovered,
         GPtrArray **lost,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_recover_creates_async (client, NULL, lk_test_store_result, &result);
  return lk_client_recover_creates_finish (client, lk_test_wait_result (&result, WAIT_MS),
                                           recovered, lost, error);
}

static char *
stored_secret (LkCredentialStore *store,
               LkClient          *client,
               const char        *key_id)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_credential_store_lookup_key_async (store, lk_platform_get_id (lk_client_get_platform (client)),
                                        key_id, NULL, lk_test_store_result, &result);
  return lk_credential_store_lookup_key_finish (store, lk_test_wait_result (&result, WAIT_MS), NULL);
}

/* The records in the state folder, as its file holds them. */
static guint
n_records (char **out_text)
{
  g_autoptr(LkStateFile) file = lk_state_file_new ("unsettled-creates.json");
  g_autoptr(JsonObject) document = lk_state_file_read (file, NULL);
  JsonArray *creates;

  g_assert_nonnull (document);
  if (out_text != NULL)
    g_file_get_contents (lk_state_file_get_path (file), out_text, NULL, NULL);
  if (!json_object_has_member (document, "unsettled-creates"))
    return 0;
  creates = json_object_get_array_member (document, "unsettled-creates");
  return json_array_get_length (creates);
}

/* ------------------------------------------------------------------------
 * Within the window: the secret comes back
 * ------------------------------------------------------------------------ */

static void
test_recovered (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GPtrArray) lost = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *secret = NULL;
  LkCreatedKey *created;
  LkApiKey *on_platform;
  LkClient *client;
  guint n_keys;

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);

  create_lost (sim, store, "Survives a restart");
  on_platform = lk_simulator_find_key_by_name (sim, "Survives a restart");
  n_keys = lk_simulator_get_n_keys (sim);

  /* On disk: the request and where it went; nothing secret. */
  g_assert_cmpuint (n_records (&text), ==, 1);
  g_assert_nonnull (strstr (text, "Survives a restart"));
  g_assert_nonnull (strstr (text, lk_simulator_get_admin_client_id (sim)));
  g_assert_null (strstr (text, lk_simulator_get_admin_client_secret (sim)));
  g_assert_null (strstr (text, "client_secret"));

  /* The next start: the platform replays the key and its secret. */
  client = client_for (sim, store);
  g_assert_true (recover (client, &recovered, &lost, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (recovered->len, ==, 1);
  g_assert_cmpuint (lost->len, ==, 0);
  created = g_ptr_array_index (recovered, 0);
  g_assert_cmpstr (lk_api_key_get_id (created->key), ==, lk_api_key_get_id (on_platform));
  g_assert_true (created->stored);
  secret = stored_secret (store, client, lk_api_key_get_id (created->key));
  g_assert_nonnull (secret);
  g_assert_cmpstr (secret, ==, created->client_secret);
  g_assert_null (strstr (text, created->client_secret));

  /* Made once, settled: the record is gone, and a new recovery finds
   * nothing. */
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_keys);
  lk_test_spin (200);
  g_assert_cmpuint (n_records (NULL), ==, 0);
  g_clear_pointer (&recovered, g_ptr_array_unref);
  g_clear_pointer (&lost, g_ptr_array_unref);
  g_assert_true (recover (client, &recovered, &lost, &error));
  g_assert_cmpuint (recovered->len, ==, 0);
  g_assert_cmpuint (lost->len, ==, 0);
  g_clear_pointer (&recovered, g_ptr_array_unref);

  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

/* ------------------------------------------------------------------------
 * Past the window: the key is reported, until dismissed
 * ------------------------------------------------------------------------ */

static gint64 clock_offset;

static gint64
moved_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC + clock_offset;
}

static void
test_lost (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GPtrArray) lost = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LkLostCreate *one;
  LkApiKey *on_platform;
  LkClient *client;

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);

  create_lost (sim, store, "Made, secret lost");
  on_platform = lk_simulator_find_key_by_name (sim, "Made, secret lost");
  g_assert_cmpuint (n_records (NULL), ==, 1);

  /* A day and an hour later, on both sides. */
  clock_offset = DAY + 3600;
  lk_simulator_set_now (sim, lk_time_now () + clock_offset);
  lk_time_set_clock (moved_clock, NULL);

  client = client_for (sim, store);
  g_assert_true (recover (client, &recovered, &lost, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (recovered->len, ==, 0);
  g_assert_cmpuint (lost->len, ==, 1);
  one = g_ptr_array_index (lost, 0);
  g_assert_cmpstr (one->name, ==, "Made, secret lost");
  g_assert_cmpstr (lk_api_key_get_id (one->key), ==, lk_api_key_get_id (on_platform));
  g_assert_true (lk_permissions_is_empty (&one->permissions));
  g_assert_cmpint (one->first_sent, >, 0);

  /* Reported again until dismissed: the record stays. */
  g_clear_pointer (&recovered, g_ptr_array_unref);
  g_clear_pointer (&lost, g_ptr_array_unref);
  g_assert_true (recover (client, &recovered, &lost, &error));
  g_assert_cmpuint (lost->len, ==, 1);
  g_assert_cmpuint (n_records (NULL), ==, 1);
  one = g_ptr_array_index (lost, 0);

  /* The user deletes it: gone from the platform, and dismissed. */
  lk_client_delete_key_async (client, lk_api_key_get_id (one->key), NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_delete_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  lk_client_dismiss_lost_create_async (client, one, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_dismiss_lost_create_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (lk_simulator_lookup_key (sim, lk_api_key_get_id (on_platform)));
  g_assert_cmpuint (n_records (NULL), ==, 0);

  lk_time_set_clock (NULL, NULL);
  g_clear_pointer (&recovered, g_ptr_array_unref);
  g_clear_pointer (&lost, g_ptr_array_unref);
  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

/* ------------------------------------------------------------------------
 * What is and is not kept
 * ------------------------------------------------------------------------ */

static gboolean
add_foreign_record (JsonObject *document,
                    gpointer    user_data)
{
  JsonArray *creates = json_array_new ();
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "idempotency-key", "elsewhere-1");
  json_object_set_string_member (entry, "api-url", "https://api.elsewhere.example");
  json_object_set_string_member (entry, "token-url", "https://auth.elsewhere.example/oauth2/token");
  json_object_set_string_member (entry, "client-id", "someone");
  json_object_set_string_member (entry, "name", "Not ours to settle");
  json_object_set_int_member (entry, "expires-at", lk_time_now () + 30 * DAY);
  json_object_set_int_member (entry, "first-sent", lk_time_now ());
  json_object_set_string_member (entry, "request", "{}");
  json_array_add_object_element (creates, entry);
  json_object_set_array_member (document, "unsettled-creates", creates);
  return TRUE;
}

static void
test_kept_and_not (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkStateFile) file = lk_state_file_new ("unsettled-creates.json");
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GPtrArray) lost = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GError) error = NULL;
  LkClient *client;

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lk_state_file_update (file, add_foreign_record, NULL, &error));

  /* Settled at once: a create that worked, and one the platform refused. */
  client = client_for (sim, store);
  created = create_key (client, "Settled", &error);
  g_assert_no_error (error);
  g_assert_true (created->stored);
  g_clear_pointer (&created, lk_created_key_unref);
  g_assert_null (create_key (client, "Settled", &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT);
  g_clear_error (&error);
  lk_test_spin (200);
  g_assert_cmpuint (n_records (NULL), ==, 1);

  /* A secret the store did not take: recorded until it is stored, which a
   * later run does. */
  lk_memory_store_set_failure (LK_MEMORY_STORE (store), LK_STORE_ERROR_NO_SERVICE);
  created = create_key (client, "Not stored yet", &error);
  g_assert_no_error (error);
  g_assert_false (created->stored);
  lk_memory_store_set_failure (LK_MEMORY_STORE (store), -1);
  lk_test_spin (200);
  g_assert_cmpuint (n_records (NULL), ==, 2);
  g_assert_finalize_object (client);

  client = client_for (sim, store);
  g_assert_true (recover (client, &recovered, &lost, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (recovered->len, ==, 1);
  g_assert_cmpstr (((LkCreatedKey *) g_ptr_array_index (recovered, 0))->client_secret, ==,
                   created->client_secret);
  g_assert_true (((LkCreatedKey *) g_ptr_array_index (recovered, 0))->stored);
  lk_test_spin (200);

  /* Another platform's record is left for its own client. */
  g_assert_cmpuint (n_records (NULL), ==, 1);

  g_clear_pointer (&recovered, g_ptr_array_unref);
  g_clear_pointer (&lost, g_ptr_array_unref);
  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Before anything asks GLib where the state folder is. */
  state_home = g_dir_make_tmp ("lk-unsettled-XXXXXX", NULL);
  g_assert_nonnull (state_home);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/unsettled/recovered", test_recovered);
  g_test_add_func ("/lk/unsettled/lost", test_lost);
  g_test_add_func ("/lk/unsettled/kept-and-not", test_kept_and_not);

  ret = g_test_run ();

  {
    g_autofree char *folder = g_build_filename (state_home, "layer-keys", NULL);
    g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (folder, name, NULL);

        g_unlink (path);
      }
    g_rmdir (folder);
    g_rmdir (state_home);
  }
  g_free (state_home);
  return ret;
}
