/* test-soak.c: many create/delete cycles through LkClient and the keyring
 *
 * 300 keys are created and deleted one after the other against the
 * simulator over real HTTP, each secret going through the real keyring of
 * the test session (LkSecretStore).  Memory use must stay flat (resident
 * set size at cycle 50 against the end; under AddressSanitizer, whose
 * quarantine keeps freed memory resident on purpose, LeakSanitizer checks
 * at exit instead), and no keyring item may be left behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-simulator.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 30000
#define N_CYCLES 300
#define WARM_UP_CYCLES 50
/* Growth allowed between the warm-up and the end. */
#define MAX_GROWTH_BYTES (2 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif

/* Resident set size in bytes, from /proc/self/statm. */
static gsize
resident_bytes (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  guint64 pages = 0;

  if (!g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL))
    return 0;
  fields = g_strsplit (contents, " ", -1);
  if (g_strv_length (fields) < 2 ||
      !g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXUINT64, &pages, NULL))
    return 0;

  return (gsize) pages * (gsize) sysconf (_SC_PAGESIZE);
}

static LkCreatedKey *
create_key (LkClient    *client,
            const char  *name,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_create_key_async (client, name, lk_time_now () + 30 * 24 * 60 * 60, NULL, NULL,
                              lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_client_create_key_finish (client, result, error);
}

static gboolean
delete_key (LkClient    *client,
            const char  *key_id,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_delete_key_async (client, key_id, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_client_delete_key_finish (client, result, error);
}

static GHashTable *
find_keys (LkCredentialStore *store,
           LkPlatform        *platform)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *found;

  lk_credential_store_find_keys_async (store, lk_platform_get_id (platform), NULL,
                                       lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  found = lk_credential_store_find_keys_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found;
}

static char *
lookup_key (LkCredentialStore *store,
            LkPlatform        *platform,
            const char        *key_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  lk_credential_store_lookup_key_async (store, lk_platform_get_id (platform), key_id, NULL,
                                        lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  secret = lk_credential_store_lookup_key_finish (store, result, &error);
  g_assert_no_error (error);
  return secret;
}

static void
test_create_delete_cycles (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) left = NULL;
  g_autoptr(GError) error = NULL;
  LkClient *client;
  guint n_keys_before, n_rows_before;
  gsize rss_warm = 0, rss_end;
  gint64 start = g_get_monotonic_time ();

  if (!lk_test_have_secret_service ())
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring)");
      return;
    }

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);

  client = lk_client_new (platform);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 10);
  lk_client_set_store (client, store);

  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);

  n_keys_before = lk_simulator_get_n_keys (sim);
  n_rows_before = g_list_model_get_n_items (lk_client_get_keys (client));

  for (guint cycle = 1; cycle <= N_CYCLES; cycle++)
    {
      g_autofree char *name = g_strdup_printf ("soak %03u", cycle);
      g_autofree char *key_id = NULL;
      g_autoptr(LkCreatedKey) created = NULL;

      created = create_key (client, name, &error);
      g_assert_no_error (error);
      g_assert_nonnull (created);
      if (!created->stored)
        g_error ("cycle %u: the secret was not stored: %s", cycle,
                 created->store_error ? created->store_error->message : "(no error)");
      key_id = g_strdup (lk_api_key_get_id (created->key));

      /* Now and then, check the keyring holds the very secret. */
      if (cycle % 60 == 1)
        {
          g_autoptr(LkSecretString) stored = lookup_key (store, platform, key_id);

          g_assert_cmpstr (stored, ==, created->client_secret);
        }

      g_clear_pointer (&created, lk_created_key_unref);
      g_assert_true (delete_key (client, key_id, &error));
      g_assert_no_error (error);

      if (cycle == WARM_UP_CYCLES)
        {
          /* Let the main context settle before measuring. */
          lk_test_spin (50);
          rss_warm = resident_bytes ();
          g_test_message ("RSS after %u cycles: %" G_GSIZE_FORMAT " kB", cycle, rss_warm / 1024);
        }
    }

  lk_test_spin (50);
  rss_end = resident_bytes ();
  g_test_message ("RSS after %u cycles: %" G_GSIZE_FORMAT " kB (%.1f s in all)",
                  N_CYCLES, rss_end / 1024,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  /* Everything created was deleted, on the platform, in the model and in
   * the keyring. */
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_keys_before);
  g_assert_cmpuint (g_list_model_get_n_items (lk_client_get_keys (client)), ==, n_rows_before);
  left = find_keys (store, platform);
  g_assert_cmpuint (g_hash_table_size (left), ==, 0);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS), ==, N_CYCLES);

  g_assert_cmpuint (rss_warm, >, 0);
#ifdef UNDER_ASAN
  g_test_message ("AddressSanitizer keeps freed memory in quarantine: "
                  "LeakSanitizer checks for leaks at exit instead of the RSS bound");
#else
  if (rss_end > rss_warm + MAX_GROWTH_BYTES)
    g_error ("memory grew by %" G_GSIZE_FORMAT " kB between cycle %u and cycle %u",
             (rss_end - rss_warm) / 1024, WARM_UP_CYCLES, N_CYCLES);
#endif

  g_clear_object (&whoami);
  g_clear_object (&result);
  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/soak/create-delete-300", test_create_delete_cycles);

  return g_test_run ();
}
