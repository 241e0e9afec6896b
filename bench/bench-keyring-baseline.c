/* bench-keyring-baseline.c: the keyring benchmark's baseline
 *
 * The operations bench-keyring makes through LkSecretStore, made directly
 * with libsecret's SecretService calls: secret_service_store,
 * secret_service_lookup and secret_service_clear, asynchronous and one at
 * a time, with the same schema, attributes, labels and secrets.
 *
 *   bench-keyring-baseline [N]        (N keys, 200 by default)
 *
 * Prints "store_ms=X lookup_ms=X delete_ms=X total_ms=X".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-schema.h"
#include "bench-util.h"

#define PLATFORM_ID "http://127.0.0.1:8/bench"

static GHashTable *
key_attributes (guint    i,
                gboolean all)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (attributes, g_strdup ("key-id"), g_strdup_printf ("bench-key-%05u", i));
  g_hash_table_insert (attributes, g_strdup ("platform"), g_strdup (PLATFORM_ID));
  if (all)
    {
      g_hash_table_insert (attributes, g_strdup ("client-id"),
                           g_strdup_printf ("bench-client-%05u", i));
      g_hash_table_insert (attributes, g_strdup ("name"),
                           g_strdup_printf ("Benchmark key %05u", i));
      g_hash_table_insert (attributes, g_strdup ("expires"), g_strdup ("2027-01-01"));
    }

  return attributes;
}

static void
store_one (SecretService *service,
           guint          i)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) attributes = key_attributes (i, TRUE);
  g_autofree char *label = g_strdup_printf ("HiddenLayer API key “Benchmark key %05u”", i);
  char *secret = g_strdup_printf ("bench-secret-%05u-0123456789abcdef", i);
  SecretValue *value = secret_value_new_full (secret, -1, "text/plain", (GDestroyNotify) secret_password_free);
  GAsyncResult *result = NULL;

  secret_service_store (service, bench_api_key_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                        label, value, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  secret_service_store_finish (service, result, &error);
  g_object_unref (result);
  secret_value_unref (value);
  bench_check ("storing", error);
}

static void
lookup_one (SecretService *service,
            guint          i)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) attributes = key_attributes (i, FALSE);
  g_autofree char *expected = g_strdup_printf ("bench-secret-%05u-0123456789abcdef", i);
  GAsyncResult *result = NULL;
  SecretValue *value;

  secret_service_lookup (service, bench_api_key_schema (), attributes, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  value = secret_service_lookup_finish (service, result, &error);
  g_object_unref (result);
  bench_check ("looking up", error);
  if (value == NULL || g_strcmp0 (secret_value_get_text (value), expected) != 0)
    {
      g_printerr ("bench-keyring-baseline: key %u came back with another secret\n", i);
      exit (1);
    }
  secret_value_unref (value);
}

static void
clear_one (SecretService *service,
           guint          i)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) attributes = key_attributes (i, FALSE);
  GAsyncResult *result = NULL;

  secret_service_clear (service, bench_api_key_schema (), attributes, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  secret_service_clear_finish (service, result, &error);
  g_object_unref (result);
  bench_check ("clearing", error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 200;
  double t0, t1, t2, t3;

  secret_service_get (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                      NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  service = secret_service_get_finish (result, &error);
  g_object_unref (result);
  bench_check ("connecting", error);

  store_one (service, 99999);
  lookup_one (service, 99999);
  clear_one (service, 99999);

  t0 = bench_now_ms ();
  for (guint i = 0; i < n; i++)
    store_one (service, i);
  t1 = bench_now_ms ();
  for (guint i = 0; i < n; i++)
    lookup_one (service, i);
  t2 = bench_now_ms ();
  for (guint i = 0; i < n; i++)
    clear_one (service, i);
  t3 = bench_now_ms ();

  printf ("store_ms=%.3f lookup_ms=%.3f delete_ms=%.3f total_ms=%.3f\n",
          t1 - t0, t2 - t1, t3 - t2, t3 - t0);
  return 0;
}
