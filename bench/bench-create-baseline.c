/* bench-create-baseline.c: the baseline of the create benchmark
 *
 * One create the way a script would do it without Layer Keys, timed in
 * this one process:
 *
 *   1. `curl` POSTs the body the app sends for the same form (the name,
 *      an expiry 90 days from now, no permission picked: "{}") with a
 *      bearer token already obtained and an Idempotency-Key, to
 *      API_URL/api/v1/api-keys, and prints the reply;
 *   2. the reply is parsed (JSON-GLib), and its secret stored with one
 *      direct SecretService call, exactly as Layer Keys stores a key's
 *      secret: schema io.github.layerkeys.LayerKeys.ApiKey, its five
 *      attributes (key-id, client-id, name, platform PLATFORM, expires
 *      YYYY-MM-DD), label "HiddenLayer API key “NAME”".
 *
 * The connection to the Secret Service is opened before the clock starts
 * (the app has its own open already: it read its account from the
 * keyring); curl's process start and connection are in the figure (the
 * app's connection to the platform may be open already).  After the
 * clock stops, a lookup checks that the item holds the secret.
 *
 *   LK_BENCH_TOKEN=TOKEN bench-create-baseline API_URL PLATFORM NAME
 *
 * Prints "create_ms=… curl_ms=… store_ms=… key_id=…".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-schema.h"
#include "bench-util.h"

static void
fail (const char *what)
{
  g_printerr ("bench-create-baseline: %s\n", what);
  exit (1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) expiry = g_date_time_add_days (now, 90);
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *expires_at = g_date_time_format (expiry, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *name_json = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *idempotency = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *key_id = NULL;
  GAsyncResult *result = NULL;
  SecretValue *value;
  JsonObject *object;
  JsonNode *node;
  const char *token = g_getenv ("LK_BENCH_TOKEN");
  const char *api_url, *platform, *name;
  char *found;
  int status = 0;
  double start, curl_end, end;

  if (argc != 4 || token == NULL)
    {
      g_printerr ("usage: LK_BENCH_TOKEN=TOKEN bench-create-baseline API_URL PLATFORM NAME\n");
      return 2;
    }
  api_url = argv[1];
  platform = argv[2];
  name = argv[3];

  /* The request, as the app builds it for the same form. */
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, name);
  name_json = json_to_string (node, FALSE);
  json_node_unref (node);
  body = g_strdup_printf ("{\"name\":%s,\"expires_at\":\"%s\",\"permissions\":{}}",
                          name_json, expires_at);
  url = g_strconcat (api_url, "/api/v1/api-keys", NULL);
  auth = g_strconcat ("Authorization: Bearer ", token, NULL);
  idempotency = g_strconcat ("Idempotency-Key: ", g_uuid_string_random (), NULL);

  secret_service_get (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                      NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  service = secret_service_get_finish (result, &error);
  g_clear_object (&result);
  bench_check ("connecting", error);

  /* ---- the clock runs ---- */
  start = bench_now_ms ();
  {
    const char *curl_argv[] = {
      "curl", "-sf", "-X", "POST", "-H", auth, "-H", idempotency,
      "-H", "Content-Type: application/json", "--data-binary", body, url, NULL
    };

    if (!g_spawn_sync (NULL, (char **) curl_argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, &reply, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      bench_check ("curl", error);
  }
  curl_end = bench_now_ms ();

  if (!json_parser_load_from_data (parser, reply, -1, &error))
    bench_check ("the reply", error);
  object = json_node_get_object (json_parser_get_root (parser));
  if (object == NULL || !json_object_has_member (object, "client_secret"))
    fail ("the reply has no client_secret");
  key_id = g_strdup (json_object_get_string_member (object, "id"));
  {
    g_autoptr (GDateTime) expiry_reply =
      g_date_time_new_from_iso8601 (json_object_get_string_member (object, "expires_at"), NULL);

    if (expiry_reply == NULL)
      fail ("the reply's expires_at");
    expires = g_date_time_format (expiry_reply, "%Y-%m-%d");
  }
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, "key-id", key_id);
  g_hash_table_insert (attributes, "client-id",
                       (char *) json_object_get_string_member (object, "client_id"));
  g_hash_table_insert (attributes, "name", (char *) json_object_get_string_member (object, "name"));
  g_hash_table_insert (attributes, "platform", (char *) platform);
  g_hash_table_insert (attributes, "expires", expires);
  label = g_strdup_printf ("HiddenLayer API key “%s”", json_object_get_string_member (object, "name"));
  value = secret_value_new (json_object_get_string_member (object, "client_secret"), -1, "text/plain");
  secret_service_store (service, bench_api_key_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                        label, value, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  secret_service_store_finish (service, result, &error);
  g_clear_object (&result);
  secret_value_unref (value);
  bench_check ("storing", error);
  end = bench_now_ms ();
  /* ---- the clock stopped ---- */

  found = secret_password_lookup_sync (bench_api_key_schema (), NULL, &error, "key-id", key_id, NULL);
  bench_check ("looking up", error);
  if (g_strcmp0 (found, json_object_get_string_member (object, "client_secret")) != 0)
    fail ("the stored item does not hold the secret");
  secret_password_free (found);

  printf ("create_ms=%.3f curl_ms=%.3f store_ms=%.3f key_id=%s\n",
          end - start, curl_end - start, end - curl_end, key_id);

  return 0;
}
