/* bench-keyring-fill.c: stored keys for the CLI's benchmarks
 *
 * Stores N items exactly as Layer Keys stores an API key's secret (the
 * schema io.github.layerkeys.LayerKeys.ApiKey, its five attributes, its
 * label), with direct SecretService calls, or removes them again:
 *
 *   bench-keyring-fill PLATFORM N           store keys 0..N-1
 *   bench-keyring-fill --clear PLATFORM N   remove them
 *
 * Key i: key-id bench-key-%05u, client-id bench-client-%05u, name
 * "Benchmark key %05u", expires 2027-01-01, platform PLATFORM.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>
#include <stdio.h>
#include <string.h>

#include "bench-schema.h"
#include "bench-util.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;
  gboolean clear = argc > 1 && strcmp (argv[1], "--clear") == 0;
  const char *platform;
  guint n;

  if (argc != (clear ? 4 : 3))
    {
      g_printerr ("usage: bench-keyring-fill [--clear] PLATFORM N\n");
      return 2;
    }
  platform = argv[clear ? 2 : 1];
  n = (guint) g_ascii_strtoull (argv[clear ? 3 : 2], NULL, 10);

  secret_service_get (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                      NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  service = secret_service_get_finish (result, &error);
  g_clear_object (&result);
  bench_check ("connecting", error);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GHashTable) attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      g_hash_table_insert (attributes, g_strdup ("key-id"), g_strdup_printf ("bench-key-%05u", i));
      g_hash_table_insert (attributes, g_strdup ("platform"), g_strdup (platform));
      if (clear)
        {
          secret_service_clear (service, bench_api_key_schema (), attributes, NULL, bench_store_result, &result);
          result = bench_wait_result (&result, 60);
          secret_service_clear_finish (service, result, &error);
        }
      else
        {
          g_autofree char *label = g_strdup_printf ("HiddenLayer API key “Benchmark key %05u”", i);
          char *secret = g_strdup_printf ("bench-secret-%05u-0123456789abcdef", i);
          SecretValue *value = secret_value_new_full (secret, -1, "text/plain",
                                                      (GDestroyNotify) secret_password_free);

          g_hash_table_insert (attributes, g_strdup ("client-id"), g_strdup_printf ("bench-client-%05u", i));
          g_hash_table_insert (attributes, g_strdup ("name"), g_strdup_printf ("Benchmark key %05u", i));
          g_hash_table_insert (attributes, g_strdup ("expires"), g_strdup ("2027-01-01"));
          secret_service_store (service, bench_api_key_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                label, value, NULL, bench_store_result, &result);
          result = bench_wait_result (&result, 60);
          secret_service_store_finish (service, result, &error);
          secret_value_unref (value);
        }
      g_clear_object (&result);
      bench_check (clear ? "clearing" : "storing", error);
    }

  return 0;
}
