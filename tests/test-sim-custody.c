/* test-sim-custody.c: the simulator's own custody, and the client's
 * Idempotency-Keys (issue 12, point 14)
 *
 *   - a request body over 1 MB gets 413 and is not kept, whether its
 *     length is declared or it comes in chunks;
 *   - an Idempotency-Key is scoped to the key that sent it: another key
 *     sending the same one gets no replay of the first create's secret;
 *   - the client's Idempotency-Keys come from the kernel's cryptographic
 *     source, so GLib's seeded generator cannot repeat them.
 *
 * The simulator runs in this process, over HTTP on 127.0.0.1, spoken to
 * with a plain SoupSession.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "lk-client.h"
#include "lk-secret.h"
#include "lk-simulator.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 30000
#define DAY (24 * 60 * 60)

typedef struct {
  guint   status;
  GBytes *body;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static LkSimulator *
start_simulator (void)
{
  g_autoptr(GError) error = NULL;
  LkSimulator *sim = lk_simulator_new ();

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  return sim;
}

/* One request; @authorization and @idempotency_key may be NULL.  With
 * @chunked, the body goes as a stream of unknown length. */
static Reply *
send_request (SoupSession *session,
              const char  *url,
              const char  *authorization,
              const char  *idempotency_key,
              const char  *content_type,
              GBytes      *body,
              gboolean     chunked)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  Reply *reply = g_new0 (Reply, 1);

  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, LK_WIRE_HEADER_IDEMPOTENCY, idempotency_key);
  if (chunked)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (body);

      soup_message_set_request_body (msg, content_type, stream, -1);
    }
  else
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    lk_test_store_result, &result);
  reply->body = soup_session_send_and_read_finish (session, lk_test_wait_result (&result, WAIT_MS),
                                                   &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  return reply;
}

/* "Bearer TOKEN" for a key. */
static char *
bearer_for (SoupSession *session,
            LkSimulator *sim,
            const char  *client_id,
            const char  *secret)
{
  g_autofree char *token_url = lk_simulator_get_token_url (sim);
  g_autofree char *basic = lk_client_basic_authorization (client_id, secret);
  const char *form = LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS;
  g_autoptr(GBytes) body = g_bytes_new_static (form, strlen (form));
  g_autoptr(Reply) reply = send_request (session, token_url, basic, NULL,
                                         "application/x-www-form-urlencoded", body, FALSE);
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expires_in = 0;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (lk_wire_parse_token (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body),
                                      &token, &expires_in, &error));
  g_assert_no_error (error);
  return g_strconcat ("Bearer ", token, NULL);
}

static Reply *
post_create (SoupSession *session,
             LkSimulator *sim,
             const char  *bearer,
             const char  *idempotency_key,
             const char  *name)
{
  g_autofree char *url = g_strconcat (lk_simulator_get_base_url (sim), LK_WIRE_PATH_KEYS, NULL);
  LkPermissions none = { { 0 } };
  gsize length = 0;
  char *data = lk_wire_build_create_body (name, lk_time_now () + 30 * DAY, &none, &length);
  g_autoptr(GBytes) body = g_bytes_new_take (data, length);

  return send_request (session, url, bearer, idempotency_key, "application/json", body, FALSE);
}

static gboolean
reply_contains (Reply      *reply,
                const char *text)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (reply->body, &size);

  g_autofree char *copy = g_strndup (data, size);

  return text != NULL && strstr (copy, text) != NULL;
}

/* ---- Request bodies over 1 MB ---- */

static void
test_body_limit (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *bearer = bearer_for (session, sim, lk_simulator_get_admin_client_id (sim),
                                        lk_simulator_get_admin_client_secret (sim));
  g_autofree char *keys_url = g_strconcat (lk_simulator_get_base_url (sim), LK_WIRE_PATH_KEYS, NULL);
  g_autofree char *token_url = lk_simulator_get_token_url (sim);
  gsize big_size = 4 * LK_WIRE_MAX_REQUEST_SIZE;
  char *big_data = g_malloc (big_size);
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GBytes) at_limit = NULL;
  guint n_keys = lk_simulator_get_n_keys (sim);

  /* JSON-looking, so only its size can be wrong. */
  memset (big_data, ' ', big_size);
  big_data[0] = '{';
  big_data[big_size - 1] = '}';
  big = g_bytes_new_take (big_data, big_size);

  {
    g_autoptr(Reply) declared = send_request (session, keys_url, bearer, NULL,
                                              "application/json", big, FALSE);
    g_autoptr(Reply) chunked = send_request (session, keys_url, bearer, NULL,
                                             "application/json", big, TRUE);
    g_autoptr(Reply) token = send_request (session, token_url, NULL, NULL,
                                           "application/x-www-form-urlencoded", big, FALSE);

    g_assert_cmpuint (declared->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
    g_assert_cmpuint (chunked->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
    g_assert_cmpuint (token->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
    g_assert_true (reply_contains (declared, "1 MB"));
  }

  /* Exactly 1 MB is read as usual (and refused for what it says). */
  at_limit = g_bytes_new_from_bytes (big, 0, LK_WIRE_MAX_REQUEST_SIZE);
  {
    g_autoptr(Reply) reply = send_request (session, keys_url, bearer, NULL,
                                           "application/json", at_limit, FALSE);

    g_assert_cmpuint (reply->status, ==, SOUP_STATUS_BAD_REQUEST);
  }

  /* The simulator carries on. */
  {
    g_autoptr(Reply) reply = post_create (session, sim, bearer, NULL, "After the big bodies");

    g_assert_cmpuint (reply->status, ==, SOUP_STATUS_CREATED);
  }
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_keys + 1);
}

/* ---- Idempotency-Keys are per client ---- */

static void
test_idempotency_per_client (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *admin = bearer_for (session, sim, lk_simulator_get_admin_client_id (sim),
                                       lk_simulator_get_admin_client_secret (sim));
  g_autoptr(LkSecretString) other_secret = NULL;
  g_autoptr(LkApiKey) other_key = NULL;
  g_autofree char *other = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GError) error = NULL;
  LkPermissions all;
  const char *idem = "3f0e5a3c-1f9b-4a5d-9c7e-0d2b8a6f4e11";

  lk_permissions_set_all (&all);
  other_key = lk_simulator_add_key (sim, "Another writer", &all, 0, &other_secret);
  other = bearer_for (session, sim, lk_api_key_get_client_id (other_key), other_secret);

  {
    g_autoptr(Reply) first = post_create (session, sim, admin, idem, "Scoped key");

    g_assert_cmpuint (first->status, ==, SOUP_STATUS_CREATED);
    created = lk_wire_parse_created (g_bytes_get_data (first->body, NULL),
                                     g_bytes_get_size (first->body), &error);
    g_assert_no_error (error);
  }

  /* The same key and body from another client: no replay of the secret,
   * but a create of its own, refused as the name is taken. */
  {
    g_autoptr(Reply) replay = post_create (session, sim, other, idem, "Scoped key");

    g_assert_false (reply_contains (replay, created->client_secret));
    g_assert_cmpuint (replay->status, ==, SOUP_STATUS_CONFLICT);
  }

  /* Nor is another client refused for a key someone else used. */
  {
    g_autoptr(Reply) own = post_create (session, sim, other, idem, "Other client’s key");

    g_assert_cmpuint (own->status, ==, SOUP_STATUS_CREATED);
  }

  /* The client that sent it still gets its replay. */
  {
    g_autoptr(Reply) again = post_create (session, sim, admin, idem, "Scoped key");

    g_assert_cmpuint (again->status, ==, SOUP_STATUS_CREATED);
    g_assert_true (reply_contains (again, created->client_secret));
  }
}

/* ---- Idempotency-Keys from a cryptographic source ---- */

/* The Idempotency-Key the client sent for a create of @name whose replies
 * were all lost, as its record on disk keeps it. */
static char *
key_of_lost_create (LkSimulator *sim,
                    const char  *name)
{
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr(LkClient) client = lk_client_new (platform);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), "layer-keys",
                                            "unsettled-creates.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *creates;
  LkPermissions none = { { 0 } };

  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 5);
  lk_client_set_retry_policy (client, 1, 5);
  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 0);

  /* GLib's generator, seeded the same before each create. */
  g_random_set_seed (42);
  lk_client_create_key_async (client, name, lk_time_now () + 30 * DAY, &none, NULL,
                              lk_test_store_result, &result);
  created = lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  lk_simulator_clear_faults (sim);
  g_assert_null (created);
  g_assert_nonnull (error);

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  creates = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "unsettled-creates");
  for (guint i = 0; i < json_array_get_length (creates); i++)
    {
      JsonObject *entry = json_array_get_object_element (creates, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "name"), name) == 0)
        return g_strdup (json_object_get_string_member (entry, "idempotency-key"));
    }

  g_error ("no record of the lost create “%s”", name);
  return NULL;
}

static void
test_idempotency_key_random (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autofree char *a = key_of_lost_create (sim, "Lost create A");
  g_autofree char *b = key_of_lost_create (sim, "Lost create B");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* GLib's generator repeats after the same seed; the client's keys do
   * not, since they come from the kernel. */
  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_true (g_uuid_string_is_valid (b));
  g_assert_cmpstr (a, !=, b);

  for (guint i = 0; i < 1000; i++)
    {
      char *uuid = lk_secret_random_uuid ();

      g_assert_true (g_uuid_string_is_valid (uuid));
      g_assert_cmpint (uuid[14], ==, '4');
      g_assert_nonnull (strchr ("89ab", uuid[19]));
      g_assert_true (g_hash_table_add (seen, uuid));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state_home = NULL;
  int ret;

  /* Before anything asks GLib where the state folder is. */
  state_home = g_dir_make_tmp ("lk-sim-custody-XXXXXX", NULL);
  g_assert_nonnull (state_home);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/sim-custody/body-limit", test_body_limit);
  g_test_add_func ("/lk/sim-custody/idempotency-per-client", test_idempotency_per_client);
  g_test_add_func ("/lk/sim-custody/idempotency-key-random", test_idempotency_key_random);

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
  return ret;
}
