/* bench-keyring.c: 200 keys stored, looked up and forgotten through LkSecretStore
 *
 * The same operations, in the same order and one at a time, as
 * bench-keyring-baseline makes directly with libsecret's SecretService
 * calls.  Run it in a session with an unlocked gnome-keyring
 * (build-aux/dev session ...).  One warm-up key goes through first,
 * untimed, so both programs are connected before the clock starts.
 *
 *   bench-keyring [N]        (N keys, 200 by default)
 *
 * Prints "store_ms=X lookup_ms=X delete_ms=X total_ms=X".
 *
 *   bench-keyring --remember-account API_URL TOKEN_URL CLIENT_ID
 *
 * Instead remembers an admin account ("Remember in keyring", bound to that
 * platform as the app binds it), its secret
 * taken from LK_BENCH_CLIENT_SECRET, so the benchmark can start the
 * application straight into a simulated tenant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench-util.h"
#include "lk-credential-store.h"

#define PLATFORM_ID "http://127.0.0.1:8/bench"

static LkApiKey *
make_key (guint i)
{
  g_autofree char *id = g_strdup_printf ("bench-key-%05u", i);
  g_autofree char *name = g_strdup_printf ("Benchmark key %05u", i);
  g_autofree char *client_id = g_strdup_printf ("bench-client-%05u", i);
  LkPermissions permissions = { { 0 } };

  return lk_api_key_new (id, name, client_id, "bench@example.com",
                         1767225600, 1798761600, &permissions);
}

static char *
make_secret (guint i)
{
  return g_strdup_printf ("bench-secret-%05u-0123456789abcdef", i);
}

static void
store_one (LkCredentialStore *store,
           LkApiKey          *key,
           guint              i)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkSecretString) secret = make_secret (i);
  g_autofree char *label = NULL;
  GAsyncResult *result = NULL;

  lk_credential_store_save_key_async (store, PLATFORM_ID, key, secret, NULL,
                                      bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  label = lk_credential_store_save_key_finish (store, result, &error);
  g_object_unref (result);
  bench_check ("storing", error);
}

static void
lookup_one (LkCredentialStore *store,
            LkApiKey          *key,
            guint              i)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkSecretString) expected = make_secret (i);
  g_autoptr (LkSecretString) secret = NULL;
  GAsyncResult *result = NULL;

  lk_credential_store_lookup_key_async (store, PLATFORM_ID, lk_api_key_get_id (key), NULL,
                                        bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  secret = lk_credential_store_lookup_key_finish (store, result, &error);
  g_object_unref (result);
  bench_check ("looking up", error);
  if (g_strcmp0 (secret, expected) != 0)
    {
      g_printerr ("bench-keyring: key %u came back with another secret\n", i);
      exit (1);
    }
}

static void
forget_one (LkCredentialStore *store,
            LkApiKey          *key)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;

  lk_credential_store_forget_key_async (store, PLATFORM_ID, lk_api_key_get_id (key), NULL,
                                        bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  lk_credential_store_forget_key_finish (store, result, &error);
  g_object_unref (result);
  bench_check ("forgetting", error);
}

static int
remember_account (const char *api_url,
                  const char *token_url,
                  const char *client_id)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (GError) error = NULL;
  const char *secret = g_getenv ("LK_BENCH_CLIENT_SECRET");
  GAsyncResult *result = NULL;

  if (secret == NULL || secret[0] == '\0')
    {
      g_printerr ("bench-keyring: set LK_BENCH_CLIENT_SECRET\n");
      return 2;
    }

  platform = lk_platform_new_custom (api_url, token_url, NULL, &error);
  bench_check ("the platform", error);
  lk_credential_store_remember_account_async (store, platform, client_id, secret, NULL,
                                              bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  lk_credential_store_remember_account_finish (store, result, &error);
  g_object_unref (result);
  bench_check ("remembering the account", error);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (LkApiKey) warm_up = make_key (99999);
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 200;
  double t0, t1, t2, t3;

  if (argc == 5 && g_strcmp0 (argv[1], "--remember-account") == 0)
    return remember_account (argv[2], argv[3], argv[4]);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (keys, make_key (i));

  store_one (store, warm_up, 99999);
  lookup_one (store, warm_up, 99999);
  forget_one (store, warm_up);

  t0 = bench_now_ms ();
  for (guint i = 0; i < n; i++)
    store_one (store, g_ptr_array_index (keys, i), i);
  t1 = bench_now_ms ();
  for (guint i = 0; i < n; i++)
    lookup_one (store, g_ptr_array_index (keys, i), i);
  t2 = bench_now_ms ();
  for (guint i = 0; i < n; i++)
    forget_one (store, g_ptr_array_index (keys, i));
  t3 = bench_now_ms ();

  printf ("store_ms=%.3f lookup_ms=%.3f delete_ms=%.3f total_ms=%.3f\n",
          t1 - t0, t2 - t1, t3 - t2, t3 - t0);
  return 0;
}
