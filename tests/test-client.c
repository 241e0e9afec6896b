/* test-client.c: LkClient against the simulator over real HTTP
 *
 * Every test starts a simulator on 127.0.0.1 and talks to it through a
 * real SoupSession: sign-in, listing, create, delete, every error path of
 * the contract, retries, token expiry, lost replies, cancellation, TLS and
 * the secret hygiene of the debug log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-key-list.h"
#include "lk-simulator.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 30000

#define DAY (24 * 60 * 60)

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

typedef struct {
  LkSimulator       *sim;
  LkClient          *client;
  LkCredentialStore *store;
} Fixture;

static LkClient *
client_for (LkSimulator *sim)
{
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  LkClient *client = lk_client_new (platform);

  lk_client_set_credentials (client,
                             lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  /* Tests fail fast rather than after the product defaults. */
  lk_client_set_timeout (client, 10);
  return client;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (fixture->sim, 0, NULL, &error));
  g_assert_no_error (error);

  fixture->client = client_for (fixture->sim);
  fixture->store = lk_memory_store_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->client != NULL)
    g_assert_finalize_object (fixture->client);
  g_clear_object (&fixture->store);
  lk_simulator_stop (fixture->sim);
  g_assert_finalize_object (fixture->sim);
}

#define FIXTURE_TEST(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)

static LkApiKey *
sign_in (LkClient  *client,
         GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_client_sign_in_finish (client, result, error);
}

static gboolean
list_keys (LkClient  *client,
           GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_client_list_keys_finish (client, result, error);
}

static LkCreatedKey *
create_key (LkClient            *client,
            const char          *name,
            gint64               expires_at,
            const LkPermissions *permissions,
            GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_create_key_async (client, name, expires_at, permissions, NULL,
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

static char *
store_lookup (LkCredentialStore  *store,
              LkClient           *client,
              const char         *key_id,
              GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_credential_store_lookup_key_async (store, lk_platform_get_id (lk_client_get_platform (client)),
                                        key_id, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_lookup_key_finish (store, result, error);
}

static gint64
in_days (int days)
{
  return lk_time_now () + (gint64) days * DAY;
}

static LkApiKey *
find_row (LkClient   *client,
          const char *key_id)
{
  GListModel *keys = lk_client_get_keys (client);

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        return key;
    }

  return NULL;
}

static guint
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ------------------------------------------------------------------------
 * Validation (no network)
 * ------------------------------------------------------------------------ */

static void
test_validate_name (void)
{
  g_autofree char *name64 = g_strnfill (64, 'a');
  g_autofree char *name65 = g_strnfill (65, 'a');
  g_autoptr(GString) emoji64 = g_string_new (NULL);
  GError *error = NULL;

  for (int i = 0; i < 64; i++)
    g_string_append (emoji64, "🔑");

  g_assert_true (lk_validate_key_name ("scanner-ci", &error));
  g_assert_no_error (error);
  g_assert_true (lk_validate_key_name (name64, NULL));
  g_assert_true (lk_validate_key_name (emoji64->str, NULL));
  g_assert_true (lk_validate_key_name ("  padded name  ", NULL));
  g_assert_true (lk_validate_key_name ("מפתח סריקה", NULL));

  g_assert_false (lk_validate_key_name ("", &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Enter a name for the key.");
  g_clear_error (&error);

  g_assert_false (lk_validate_key_name ("   ", &error));
  g_assert_cmpstr (error->message, ==, "Enter a name for the key.");
  g_clear_error (&error);

  g_assert_false (lk_validate_key_name (NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_false (lk_validate_key_name (name65, &error));
  g_assert_cmpstr (error->message, ==, "Use at most 64 characters.");
  g_clear_error (&error);

  g_string_append (emoji64, "🔑");
  g_assert_false (lk_validate_key_name (emoji64->str, &error));
  g_assert_cmpstr (error->message, ==, "Use at most 64 characters.");
  g_clear_error (&error);

  g_assert_false (lk_validate_key_name ("bad\x01name", &error));
  g_assert_cmpstr (error->message, ==, "The name cannot contain control characters.");
  g_clear_error (&error);

  g_assert_false (lk_validate_key_name ("tab\tinside", &error));
  g_assert_cmpstr (error->message, ==, "The name cannot contain control characters.");
  g_clear_error (&error);

  g_assert_false (lk_validate_key_name ("bad\xff" "utf8", &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Line and paragraph separators (U+2028, U+2029), which the platform
   * refuses too. */
  g_assert_false (lk_validate_key_name ("line\xe2\x80\xa8" "separator", &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "The name cannot contain line or paragraph separators.");
  g_clear_error (&error);

  g_assert_false (lk_validate_key_name ("paragraph\xe2\x80\xa9" "separator", &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);
}

static void
test_validate_expiry (void)
{
  /* Noon UTC, so that local midnight is never a second away. */
  gint64 now = 1795003200; /* 2026-11-18T12:00:00Z */
  GError *error = NULL;

  g_assert_true (lk_validate_expiry (now, now + 1 * DAY, &error));
  g_assert_no_error (error);
  g_assert_true (lk_validate_expiry (now, now + 365 * DAY, NULL));
  g_assert_true (lk_validate_expiry (now, now + 90 * DAY, NULL));

  g_assert_false (lk_validate_expiry (now, now - DAY, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "365"));
  g_clear_error (&error);

  g_assert_false (lk_validate_expiry (now, now, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_false (lk_validate_expiry (now, now + 366 * DAY, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "365"));
  g_clear_error (&error);
}

/* ------------------------------------------------------------------------
 * Sign-in and whoami
 * ------------------------------------------------------------------------ */

static void
test_sign_in_good (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (lk_client_get_whoami (fixture->client));

  whoami = sign_in (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);
  g_assert_true (lk_client_get_whoami (fixture->client) == whoami);
  g_assert_cmpstr (lk_api_key_get_client_id (whoami), ==,
                   lk_simulator_get_admin_client_id (fixture->sim));
  g_assert_cmpstr (lk_client_get_client_id (fixture->client), ==,
                   lk_simulator_get_admin_client_id (fixture->sim));
  g_assert_true (lk_permissions_is_all (lk_api_key_get_permissions (whoami)));
  g_assert_nonnull (lk_simulator_lookup_key (fixture->sim, lk_api_key_get_id (whoami)));

  /* One token serves both the sign-in and what follows. */
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN), ==, 1);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_WHOAMI), ==, 1);
}

static void
test_sign_in_bad (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;

  lk_client_set_credentials (fixture->client,
                             lk_simulator_get_admin_client_id (fixture->sim),
                             "definitely-not-the-secret");
  whoami = sign_in (fixture->client, &error);
  g_assert_null (whoami);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The client ID or secret was not accepted, or the key has expired.");
  g_assert_null (strstr (error->message, "definitely-not-the-secret"));
  g_assert_null (lk_client_get_whoami (fixture->client));
  g_clear_error (&error);

  /* An unknown client ID is the same to the user. */
  lk_client_set_credentials (fixture->client, "no-such-client", "x");
  g_assert_null (sign_in (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED);
  g_clear_error (&error);

  /* No credentials at all: nothing is sent. */
  lk_client_set_credentials (fixture->client, NULL, NULL);
  g_assert_null (sign_in (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_SIGNED_IN);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, NULL, LK_WIRE_PATH_WHOAMI), ==, 0);
}

static void
test_sign_in_expired_key (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  key = lk_simulator_add_key (fixture->sim, "short-lived", NULL, in_days (2), &secret);
  lk_simulator_set_now (fixture->sim, in_days (3));

  lk_client_set_credentials (fixture->client, lk_api_key_get_client_id (key), secret);
  g_assert_null (sign_in (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED);
}

/* ------------------------------------------------------------------------
 * List
 * ------------------------------------------------------------------------ */

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static char **
model_ids (GListModel *model)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (model, i);

      g_ptr_array_add (ids, g_strdup (lk_api_key_get_id (key)));
    }
  g_ptr_array_add (ids, NULL);

  return (char **) g_ptr_array_free (ids, FALSE);
}

static void
test_list_paged (Fixture       *fixture,
                 gconstpointer  user_data)
{
  GListModel *keys = lk_client_get_keys (fixture->client);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) ids_100 = NULL;
  g_auto(GStrv) ids_37 = NULL;
  g_autoptr(GError) error = NULL;
  guint n_keys, changes = 0, pages;

  lk_simulator_seed (fixture->sim, 2500);
  n_keys = lk_simulator_get_n_keys (fixture->sim);
  g_assert_cmpuint (n_keys, >=, 2500);

  g_signal_connect (keys, "items-changed", G_CALLBACK (on_items_changed), &changes);

  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  g_assert_false (lk_client_get_loading (fixture->client));
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, n_keys);

  /* One page a request, each spliced in at once. */
  pages = lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_KEYS);
  g_assert_cmpuint (pages, >=, (n_keys + 99) / 100);
  g_assert_cmpuint (pages, <=, (n_keys + 99) / 100 + 1);
  g_assert_cmpuint (changes, <=, pages);

  ids_100 = model_ids (keys);
  for (guint i = 0; ids_100[i] != NULL; i++)
    {
      g_assert_false (g_hash_table_contains (seen, ids_100[i]));
      g_hash_table_add (seen, ids_100[i]);
      g_assert_nonnull (lk_simulator_lookup_key (fixture->sim, ids_100[i]));
    }

  /* Other page boundaries, same order: the pages were put together in
   * order.  And the second list replaced the first, it did not add to it. */
  lk_client_set_page_size (fixture->client, 37);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  ids_37 = model_ids (keys);
  g_assert_cmpstrv (ids_37, ids_100);

  g_signal_handlers_disconnect_by_func (keys, on_items_changed, &changes);
}

typedef struct {
  LkSimulator *sim;
  guint        expected;
} RequestCount;

static gboolean
requests_reached (gpointer data)
{
  RequestCount *count = data;

  return lk_simulator_count_requests (count->sim, "GET", LK_WIRE_PATH_KEYS) >= count->expected;
}

/* Two pages are asked for at once, over two connections; one that comes
 * late is waited for, and the keys still go in in order. */
static void
test_list_out_of_order (Fixture       *fixture,
                        gconstpointer  user_data)
{
  GListModel *keys = lk_client_get_keys (fixture->client);
  g_auto(GStrv) in_order = NULL;
  g_auto(GStrv) late = NULL;
  g_autoptr(GError) error = NULL;

  lk_simulator_seed (fixture->sim, 450);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  in_order = model_ids (keys);

  /* The second page answers after the third. */
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS "?" LK_WIRE_QUERY_OFFSET "=100&",
                          LK_SIM_FAULT_LATENCY, 400, 1);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  late = model_ids (keys);
  g_assert_cmpstrv (late, in_order);
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, lk_simulator_get_n_keys (fixture->sim));

  /* The third page is asked for while the second is still unanswered
   * (held here until the list is cancelled; one page at a time would wait
   * for the request's timeout, a minute). */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GAsyncResult) result = NULL;
    RequestCount count = { fixture->sim, lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_KEYS) + 3 };

    lk_client_set_timeout (fixture->client, 60);
    lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS "?" LK_WIRE_QUERY_OFFSET "=100&",
                            LK_SIM_FAULT_NO_REPLY, 0, 1);
    lk_client_list_keys_async (fixture->client, cancellable, lk_test_store_result, &result);
    g_assert_true (lk_test_wait_until (requests_reached, &count, WAIT_MS));
    g_assert_null (result);
    g_cancellable_cancel (cancellable);
    g_assert_false (lk_client_list_keys_finish (fixture->client, lk_test_wait_result (&result, WAIT_MS),
                                                &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    lk_simulator_clear_faults (fixture->sim);
  }
}

static gboolean
has_items (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) > 0;
}

static void
test_list_progressive (Fixture       *fixture,
                       gconstpointer  user_data)
{
  GListModel *keys = lk_client_get_keys (fixture->client);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lk_simulator_seed (fixture->sim, 450);
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_LATENCY, 150, 0);

  lk_client_list_keys_async (fixture->client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_get_loading (fixture->client));

  /* The first page shows before the last one arrives. */
  g_assert_true (lk_test_wait_until (has_items, keys, WAIT_MS));
  g_assert_null (result);
  g_assert_true (lk_client_get_loading (fixture->client));
  g_assert_cmpuint (g_list_model_get_n_items (keys), <, lk_simulator_get_n_keys (fixture->sim));

  lk_test_wait_result (&result, WAIT_MS);
  g_assert_true (lk_client_list_keys_finish (fixture->client, result, &error));
  g_assert_no_error (error);
  g_assert_false (lk_client_get_loading (fixture->client));
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, lk_simulator_get_n_keys (fixture->sim));
}

/* libsoup 3.2's idle timer can close a connection just taken for the
 * next request, which then hangs for good (see lk-client.c): the client
 * keeps idle connections, so a request after a pause reuses the one the
 * earlier requests came on. */
static void
test_idle_connection_kept (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(LkApiKey) me = NULL;
  g_autoptr(GError) error = NULL;
  guint connections;

  lk_client_set_timeout (fixture->client, 1);
  me = sign_in (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  connections = lk_simulator_count_connections (fixture->sim);
  g_assert_cmpuint (connections, >=, 1);

  /* Idle for longer than the request timeout. */
  lk_test_spin (2500);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_count_connections (fixture->sim), ==, connections);
}

static void
test_list_local_secrets (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GError) error = NULL;
  LkApiKey *row;
  guint n_marked = 0;
  GListModel *keys = lk_client_get_keys (fixture->client);

  lk_simulator_seed (fixture->sim, 0);
  lk_client_set_store (fixture->client, fixture->store);

  created = create_key (fixture->client, "kept-here", in_days (30), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (created->stored);

  /* A fresh client (a restart) learns from the store which are local. */
  g_assert_finalize_object (fixture->client);
  fixture->client = client_for (fixture->sim);
  lk_client_set_store (fixture->client, fixture->store);
  keys = lk_client_get_keys (fixture->client);

  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  row = find_row (fixture->client, lk_api_key_get_id (created->key));
  g_assert_nonnull (row);
  g_assert_true (lk_api_key_get_has_local_secret (row));
  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);

      n_marked += lk_api_key_get_has_local_secret (key);
    }
  g_assert_cmpuint (n_marked, ==, 1);

  /* A store that fails only costs the marks, not the list. */
  lk_memory_store_set_failure (LK_MEMORY_STORE (fixture->store), LK_STORE_ERROR_NO_SERVICE);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  row = find_row (fixture->client, lk_api_key_get_id (created->key));
  g_assert_nonnull (row);
  g_assert_false (lk_api_key_get_has_local_secret (row));
  lk_memory_store_set_failure (LK_MEMORY_STORE (fixture->store), -1);
}

/* ------------------------------------------------------------------------
 * Create
 * ------------------------------------------------------------------------ */

static void
test_create_permissions (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(LkCreatedKey) all = NULL;
  LkPermissions wanted = { { 0 } };
  LkApiKey *on_platform;
  g_autoptr(GError) error = NULL;
  gint64 expires_at = in_days (90);

  lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &wanted);

  created = create_key (fixture->client, "  scanner-ci  ", expires_at, &wanted, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_nonnull (created->client_secret);
  g_assert_cmpuint (strlen (created->client_secret), >, 0);
  g_assert_false (created->stored);
  g_assert_null (created->store_error);
  g_assert_cmpstr (lk_api_key_get_name (created->key), ==, "scanner-ci");
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (created->key), &wanted));

  /* What the platform holds is what was asked for. */
  on_platform = lk_simulator_lookup_key (fixture->sim, lk_api_key_get_id (created->key));
  g_assert_nonnull (on_platform);
  g_assert_cmpstr (lk_api_key_get_name (on_platform), ==, "scanner-ci");
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (on_platform), &wanted));
  g_assert_cmpint (lk_time_days_between (lk_api_key_get_expires_at (on_platform), expires_at), ==, 0);

  /* The new key is in the model. */
  g_assert_nonnull (find_row (fixture->client, lk_api_key_get_id (created->key)));

  /* Empty means all. */
  all = create_key (fixture->client, "everything", in_days (10), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lk_permissions_is_all (lk_api_key_get_permissions (all->key)));
  on_platform = lk_simulator_lookup_key (fixture->sim, lk_api_key_get_id (all->key));
  g_assert_true (lk_permissions_is_all (lk_api_key_get_permissions (on_platform)));
}

static void
test_create_stored (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(LkSecretString) stored = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;

  lk_client_set_store (fixture->client, fixture->store);
  g_assert_true (lk_client_get_store (fixture->client) == fixture->store);

  created = create_key (fixture->client, "stored-at-once", in_days (30), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (created->stored);
  g_assert_null (created->store_error);
  label = lk_credential_store_key_label ("stored-at-once");
  g_assert_cmpstr (created->store_label, ==, label);
  g_assert_true (lk_api_key_get_has_local_secret (created->key));

  stored = store_lookup (fixture->store, fixture->client, lk_api_key_get_id (created->key), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, created->client_secret);
}

static void
test_create_store_failure (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(LkSecretString) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  lk_client_set_store (fixture->client, fixture->store);
  lk_memory_store_set_failure (LK_MEMORY_STORE (fixture->store), LK_STORE_ERROR_LOCKED);

  /* The create succeeds: the secret is kept for the user. */
  created = create_key (fixture->client, "keyring-locked", in_days (30), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_false (created->stored);
  g_assert_null (created->store_label);
  g_assert_error (created->store_error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED);
  g_assert_nonnull (created->client_secret);
  secret = g_strdup (created->client_secret);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (fixture->store)), ==, 0);
  g_assert_nonnull (find_row (fixture->client, lk_api_key_get_id (created->key)));

  /* Retry while it still fails. */
  lk_client_store_secret_async (fixture->client, created, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_false (lk_client_store_secret_finish (fixture->client, result, &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED);
  g_assert_false (created->stored);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Retry once the keyring is back. */
  lk_memory_store_set_failure (LK_MEMORY_STORE (fixture->store), -1);
  lk_client_store_secret_async (fixture->client, created, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_true (lk_client_store_secret_finish (fixture->client, result, &error));
  g_assert_no_error (error);
  g_assert_true (created->stored);
  g_assert_null (created->store_error);
  g_assert_nonnull (created->store_label);
  g_assert_true (lk_api_key_get_has_local_secret (created->key));

  stored = store_lookup (fixture->store, fixture->client, lk_api_key_get_id (created->key), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, secret);
}

static void
test_create_invalid_locally (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *long_name = g_strnfill (65, 'x');
  g_autoptr(GError) error = NULL;

  g_assert_null (create_key (fixture->client, "", in_days (30), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Enter a name for the key.");
  g_clear_error (&error);

  g_assert_null (create_key (fixture->client, long_name, in_days (30), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (create_key (fixture->client, "ok", in_days (366), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (create_key (fixture->client, "ok", lk_time_now () - DAY, NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Refused before anything was sent. */
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_KEYS), ==, 0);
}

/* ------------------------------------------------------------------------
 * Delete
 * ------------------------------------------------------------------------ */

static void
test_delete (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) doomed = NULL;
  g_autoptr(LkCreatedKey) kept = NULL;
  g_autoptr(LkSecretString) still = NULL;
  g_autoptr(LkSecretString) gone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *doomed_id = NULL;
  guint n_rows;

  lk_client_set_store (fixture->client, fixture->store);
  doomed = create_key (fixture->client, "doomed", in_days (5), NULL, &error);
  g_assert_no_error (error);
  kept = create_key (fixture->client, "kept", in_days (5), NULL, &error);
  g_assert_no_error (error);
  doomed_id = g_strdup (lk_api_key_get_id (doomed->key));

  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  n_rows = g_list_model_get_n_items (lk_client_get_keys (fixture->client));
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (fixture->store)), ==, 2);

  g_assert_true (delete_key (fixture->client, doomed_id, &error));
  g_assert_no_error (error);

  g_assert_null (lk_simulator_lookup_key (fixture->sim, doomed_id));
  g_assert_null (find_row (fixture->client, doomed_id));
  g_assert_cmpuint (g_list_model_get_n_items (lk_client_get_keys (fixture->client)), ==, n_rows - 1);

  gone = store_lookup (fixture->store, fixture->client, doomed_id, &error);
  g_assert_null (gone);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The other key's item is untouched. */
  still = store_lookup (fixture->store, fixture->client, lk_api_key_get_id (kept->key), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (still, ==, kept->client_secret);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (fixture->store)), ==, 1);
}

static void
test_delete_not_found (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *key_id = NULL;

  key = lk_simulator_add_key (fixture->sim, "deleted-elsewhere", NULL, 0, &secret);
  key_id = g_strdup (lk_api_key_get_id (key));
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  g_assert_nonnull (find_row (fixture->client, key_id));

  g_assert_true (lk_simulator_remove_key (fixture->sim, key_id));

  g_assert_false (delete_key (fixture->client, key_id, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "This key no longer exists on the platform; it may have expired or been deleted elsewhere.");
  /* Its row goes all the same. */
  g_assert_null (find_row (fixture->client, key_id));
}

/* ------------------------------------------------------------------------
 * Error paths
 * ------------------------------------------------------------------------ */

static void
test_error_permission_denied (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(LkApiKey) reader = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(LkApiKey) victim = NULL;
  LkPermissions read_only = { { 0 } };
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *victim_secret = NULL;

  lk_permissions_set (&read_only, LK_CATEGORY_API_KEYS, LK_ACCESS_READ);
  reader = lk_simulator_add_key (fixture->sim, "read-only", &read_only, 0, &secret);
  victim = lk_simulator_add_key (fixture->sim, "victim", NULL, 0, &victim_secret);
  lk_client_set_credentials (fixture->client, lk_api_key_get_client_id (reader), secret);

  whoami = sign_in (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (whoami), &read_only));

  /* Reading is allowed. */
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);

  g_assert_null (create_key (fixture->client, "not-allowed", in_days (30), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "API Keys: Write"));
  g_clear_error (&error);
  g_assert_null (lk_simulator_find_key_by_name (fixture->sim, "not-allowed"));

  g_assert_false (delete_key (fixture->client, lk_api_key_get_id (victim), &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "API Keys: Delete"));
  g_assert_nonnull (lk_simulator_lookup_key (fixture->sim, lk_api_key_get_id (victim)));
  /* A refused delete keeps the row. */
  g_assert_nonnull (find_row (fixture->client, lk_api_key_get_id (victim)));
}

static void
test_error_conflict (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) first = NULL;
  g_autoptr(LkCreatedKey) second = NULL;
  g_autoptr(GError) error = NULL;

  first = create_key (fixture->client, "twin", in_days (30), NULL, &error);
  g_assert_no_error (error);

  second = create_key (fixture->client, "twin", in_days (30), NULL, &error);
  g_assert_null (second);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT);
  g_assert_cmpuint (strlen (error->message), >, 0);
}

static void
test_error_invalid_expiry (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  /* The platform's clock is 340 days behind ours: an expiry that we find
   * 30 days ahead is 370 days ahead for it, and it says so with a 422. */
  lk_simulator_set_now (fixture->sim, lk_time_now () - 340 * DAY);

  g_assert_null (create_key (fixture->client, "from-the-future", in_days (30), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
  g_test_message ("422 message: %s", error->message);
  g_assert_nonnull (strstr (error->message, "expires_at"));
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_KEYS), ==, 1);
}

static void
test_error_rate_limited_retried (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* Two 429s with Retry-After: 1, then the list goes through. */
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_429, 1, 2);
  start = g_get_monotonic_time ();
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - 100000);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_KEYS), ==, 3);

  /* A 503 on create: retried with the same key, one key made. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_503, 1, 1);
  created = create_key (fixture->client, "after-503", in_days (30), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_KEYS), ==, 2);
  g_assert_nonnull (lk_simulator_find_key_by_name (fixture->sim, "after-503"));

  /* A 503 on delete. */
  lk_simulator_add_fault (fixture->sim, "DELETE", LK_WIRE_PATH_KEY_PREFIX, LK_SIM_FAULT_HTTP_503, 1, 1);
  g_assert_true (delete_key (fixture->client, lk_api_key_get_id (created->key), &error));
  g_assert_no_error (error);
  g_assert_null (lk_simulator_find_key_by_name (fixture->sim, "after-503"));
}

static void
test_error_rate_limited_persisting (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 start;

  lk_client_set_retry_policy (fixture->client, 3, 20);
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_429, 1, 0);

  start = g_get_monotonic_time ();
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_KEYS), ==, 3);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_false (lk_client_get_loading (fixture->client));
  g_clear_error (&error);

  /* The time budget bounds it too: 10 attempts allowed, 2 s in all. */
  lk_client_set_retry_policy (fixture->client, 10, 2);
  start = g_get_monotonic_time ();
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_error_server (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_500, 0, 1);
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_SERVER_ERROR);
  /* A 500 is not retried. */
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_KEYS), ==, 1);
  g_clear_error (&error);

  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_500, 0, 1);
  g_assert_null (create_key (fixture->client, "five-hundred", in_days (3), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_SERVER_ERROR);
  g_clear_error (&error);

  /* 503 that persists ends as a server error. */
  lk_client_set_retry_policy (fixture->client, 2, 10);
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_503, 1, 0);
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_SERVER_ERROR);
}

static void
test_error_malformed (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;

  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_MALFORMED_JSON, 0, 1);
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_assert_false (lk_client_get_loading (fixture->client));
  g_clear_error (&error);

  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_TRUNCATED_BODY, 0, 1);
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_clear_error (&error);

  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_MALFORMED_JSON, 0, 1);
  g_assert_null (sign_in (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_clear_error (&error);

  /* A create cut short may have taken effect: it is repeated with the same
   * Idempotency-Key, and the platform's replay brings the one secret. */
  {
    guint n_before = lk_simulator_get_n_keys (fixture->sim);
    guint posts_before = lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_KEYS);
    g_autoptr(LkCreatedKey) created = NULL;
    LkApiKey *on_platform;

    lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_TRUNCATED_BODY, 0, 1);
    created = create_key (fixture->client, "cut-short", in_days (3), NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (created);
    g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_KEYS), ==, posts_before + 2);
    g_assert_cmpuint (lk_simulator_get_n_keys (fixture->sim), ==, n_before + 1);
    on_platform = lk_simulator_find_key_by_name (fixture->sim, "cut-short");
    g_assert_nonnull (on_platform);
    g_assert_cmpstr (lk_api_key_get_id (on_platform), ==, lk_api_key_get_id (created->key));
    g_assert_nonnull (created->client_secret);
    g_assert_cmpuint (strlen (created->client_secret), >, 0);
  }

  /* Every attempt cut short: the create fails, and says why. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_TRUNCATED_BODY, 0, 0);
  g_assert_null (create_key (fixture->client, "always-cut-short", in_days (3), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_clear_error (&error);
  lk_simulator_clear_faults (fixture->sim);

  /* And everything works again afterwards. */
  whoami = sign_in (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
}

static void
test_error_connection_refused (void)
{
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *token_url = NULL;
  guint port = free_port ();
  gint64 start;

  base = g_strdup_printf ("http://127.0.0.1:%u", port);
  token_url = g_strdup_printf ("http://127.0.0.1:%u/oauth2/token", port);
  platform = lk_platform_new_custom (base, token_url, NULL, &error);
  g_assert_no_error (error);

  client = lk_client_new (platform);
  lk_client_set_credentials (client, "id", "secret");
  lk_client_set_retry_policy (client, 3, 10);

  start = g_get_monotonic_time ();
  g_assert_null (sign_in (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_clear_error (&error);

  g_assert_false (list_keys (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_assert_false (lk_client_get_loading (client));

  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_error_no_reply (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 start;

  lk_client_set_timeout (fixture->client, 1);

  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_NO_REPLY, 0, 1);
  start = g_get_monotonic_time ();
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "did not answer in time"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_false (lk_client_get_loading (fixture->client));
  g_clear_error (&error);

  /* A create that timed out may have taken effect: it is repeated with the
   * same Idempotency-Key, so one slow reply loses neither key nor secret. */
  {
    guint n_before = lk_simulator_get_n_keys (fixture->sim);
    g_autoptr(LkCreatedKey) created = NULL;

    lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_LATENCY, 3000, 1);
    start = g_get_monotonic_time ();
    created = create_key (fixture->client, "slow", in_days (3), NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (created);
    g_assert_nonnull (created->client_secret);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    /* Let the delayed first attempt land too: still one key. */
    lk_test_spin (2500);
    g_assert_cmpuint (lk_simulator_get_n_keys (fixture->sim), ==, n_before + 1);
  }

  /* Latency beyond the timeout on every attempt: a bounded failure. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_LATENCY, 3000, 0);
  start = g_get_monotonic_time ();
  g_assert_null (create_key (fixture->client, "always-slow", in_days (3), NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
  g_clear_error (&error);
  lk_simulator_clear_faults (fixture->sim);

  lk_simulator_add_fault (fixture->sim, "DELETE", NULL, LK_SIM_FAULT_NO_REPLY, 0, 1);
  start = g_get_monotonic_time ();
  g_assert_false (delete_key (fixture->client, "anything", &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* A token endpoint that never answers fails the sign-in the same way. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_NO_REPLY, 0, 1);
  lk_client_set_credentials (fixture->client,
                             lk_simulator_get_admin_client_id (fixture->sim),
                             lk_simulator_get_admin_client_secret (fixture->sim));
  start = g_get_monotonic_time ();
  g_assert_null (sign_in (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_null (lk_client_get_whoami (fixture->client));
  g_clear_error (&error);

  /* Within the timeout, latency is only latency. */
  lk_client_set_timeout (fixture->client, 5);
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_LATENCY, 300, 1);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * Tokens
 * ------------------------------------------------------------------------ */

static void
test_token_refresh (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GError) error = NULL;
  guint tokens;

  whoami = sign_in (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN), ==, 1);

  /* Revoked behind our back: the next call gets a new token by itself. */
  lk_simulator_revoke_tokens (fixture->sim);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN), ==, 2);

  /* A token rejected once, as if it had just expired, mid-create. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_401, 0, 1);
  created = create_key (fixture->client, "after-401", in_days (3), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN), ==, 3);
  g_assert_nonnull (lk_simulator_find_key_by_name (fixture->sim, "after-401"));

  /* Mid-delete. */
  lk_simulator_add_fault (fixture->sim, "DELETE", NULL, LK_SIM_FAULT_HTTP_401, 0, 1);
  g_assert_true (delete_key (fixture->client, lk_api_key_get_id (created->key), &error));
  g_assert_no_error (error);

  /* A 401 that survives a new token ends the session. */
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_401, 0, 0);
  tokens = lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN);
  g_assert_false (list_keys (fixture->client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN), ==, tokens + 1);
}

static void
test_token_short_lifetime (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  guint tokens;

  lk_simulator_set_token_lifetime (fixture->sim, 2);

  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  tokens = lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN);
  g_assert_cmpuint (tokens, ==, 1);

  /* The token expires between two calls: renewed, not an error. */
  lk_test_spin (2500);
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN), ==, tokens + 1);
}

static void
count_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (lk_client_list_keys_finish (LK_CLIENT (source), result, &error) ||
                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  (*done)++;
}

static gboolean
three_done (gpointer data)
{
  return *(guint *) data == 3;
}

static void
test_token_shared (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint done = 0;

  /* Three callers at once wait for a single token. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_LATENCY, 200, 1);
  lk_client_sign_in_async (fixture->client, NULL, lk_test_store_result, &result);
  lk_client_list_keys_async (fixture->client, NULL, count_done, &done);
  lk_client_list_keys_async (fixture->client, NULL, count_done, &done);
  lk_client_list_keys_async (fixture->client, NULL, count_done, &done);
  lk_test_wait_result (&result, WAIT_MS);
  whoami = lk_client_sign_in_finish (fixture->client, result, &error);
  g_assert_no_error (error);
  g_assert_true (lk_test_wait_until (three_done, &done, WAIT_MS));
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_TOKEN), ==, 1);
  g_assert_false (lk_client_get_loading (fixture->client));
}

/* ------------------------------------------------------------------------
 * A lost create reply
 * ------------------------------------------------------------------------ */

static void
test_create_lost_reply (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(LkSecretString) stored = NULL;
  g_autoptr(GError) error = NULL;
  LkApiKey *on_platform;
  guint n_before = lk_simulator_get_n_keys (fixture->sim);

  lk_client_set_store (fixture->client, fixture->store);
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 1);

  created = create_key (fixture->client, "lost-then-found", in_days (30), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);

  /* Sent at least twice, made once. */
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "POST", LK_WIRE_PATH_KEYS), >=, 2);
  g_assert_cmpuint (lk_simulator_get_n_keys (fixture->sim), ==, n_before + 1);
  on_platform = lk_simulator_find_key_by_name (fixture->sim, "lost-then-found");
  g_assert_nonnull (on_platform);
  g_assert_cmpstr (lk_api_key_get_id (on_platform), ==, lk_api_key_get_id (created->key));

  /* And its secret is in the store. */
  g_assert_true (created->stored);
  stored = store_lookup (fixture->store, fixture->client, lk_api_key_get_id (created->key), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, created->client_secret);
}

/* Every attempt of a create lost its reply, but the platform made the key:
 * asking again for the same key (as the dialog's Create button does)
 * repeats the same request, so the platform replays the one secret instead
 * of answering "name taken".  A different request is a new create. */
static void
test_create_asked_again (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(LkCreatedKey) other = NULL;
  g_autoptr(LkSecretString) stored = NULL;
  g_autoptr(GError) error = NULL;
  LkPermissions read_only;
  LkApiKey *on_platform;
  guint n_before = lk_simulator_get_n_keys (fixture->sim);
  gint64 expires_at = in_days (30);

  lk_client_set_store (fixture->client, fixture->store);
  lk_client_set_retry_policy (fixture->client, 2, 10);
  lk_preset_apply (LK_PRESET_READ_ONLY, &read_only);

  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 0);
  g_assert_null (create_key (fixture->client, "asked-again", expires_at, &read_only, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_clear_error (&error);
  lk_simulator_clear_faults (fixture->sim);
  /* The platform made it; nobody has its secret yet. */
  g_assert_nonnull (lk_simulator_find_key_by_name (fixture->sim, "asked-again"));

  /* A moment later, the same request: the same key and its secret. */
  created = create_key (fixture->client, "asked-again", expires_at + 60, &read_only, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (lk_simulator_get_n_keys (fixture->sim), ==, n_before + 1);
  on_platform = lk_simulator_find_key_by_name (fixture->sim, "asked-again");
  g_assert_cmpstr (lk_api_key_get_id (on_platform), ==, lk_api_key_get_id (created->key));
  g_assert_true (created->stored);
  stored = store_lookup (fixture->store, fixture->client, lk_api_key_get_id (created->key), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, created->client_secret);

  /* Settled: the same name again is a new request, which the platform
   * refuses as a duplicate. */
  other = create_key (fixture->client, "asked-again", expires_at, &read_only, &error);
  g_assert_null (other);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Other permissions are another request too, never a replay. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 0);
  g_assert_null (create_key (fixture->client, "asked-again-2", expires_at, &read_only, &error));
  g_clear_error (&error);
  lk_simulator_clear_faults (fixture->sim);
  other = create_key (fixture->client, "asked-again-2", expires_at, NULL, &error);
  g_assert_null (other);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT);
}

/* ------------------------------------------------------------------------
 * Cancellation
 * ------------------------------------------------------------------------ */

static gboolean
has_100_items (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) >= 100;
}

static void
test_cancel_list (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *keys = lk_client_get_keys (fixture->client);
  guint n_rows, n_requests;

  lk_simulator_seed (fixture->sim, 2500);
  lk_simulator_add_fault (fixture->sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_LATENCY, 100, 0);

  lk_client_list_keys_async (fixture->client, cancellable, lk_test_store_result, &result);
  g_assert_true (lk_test_wait_until (has_100_items, keys, WAIT_MS));
  g_assert_null (result);
  g_cancellable_cancel (cancellable);

  lk_test_wait_result (&result, WAIT_MS);
  g_assert_false (lk_client_list_keys_finish (fixture->client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (lk_client_get_loading (fixture->client));

  /* Nothing runs on: no more pages, no more requests. */
  n_rows = g_list_model_get_n_items (keys);
  n_requests = lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_KEYS);
  lk_test_spin (500);
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, n_rows);
  g_assert_cmpuint (lk_simulator_count_requests (fixture->sim, "GET", LK_WIRE_PATH_KEYS), ==, n_requests);
  g_assert_cmpuint (n_rows, <, lk_simulator_get_n_keys (fixture->sim));

  /* The operation held the client; now it is gone, so is the client. */
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
}

static void
test_cancel_dispose (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) create_result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GError) error = NULL;
  LkClient *client = g_steal_pointer (&fixture->client);

  lk_client_set_store (client, fixture->store);
  lk_simulator_seed (fixture->sim, 1000);
  lk_simulator_add_fault (fixture->sim, NULL, NULL, LK_SIM_FAULT_LATENCY, 400, 0);

  lk_client_create_key_async (client, "never-finished", in_days (3), NULL, NULL,
                              lk_test_store_result, &create_result);
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &list_result);
  lk_test_spin (150);
  g_assert_null (create_result);
  g_assert_null (list_result);

  /* The window closes: the client is disposed under the operations. */
  g_object_run_dispose (G_OBJECT (client));

  lk_test_wait_result (&create_result, WAIT_MS);
  lk_test_wait_result (&list_result, WAIT_MS);
  g_assert_null (lk_client_create_key_finish (client, create_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (lk_client_list_keys_finish (client, list_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_clear_object (&create_result);
  g_clear_object (&list_result);
  g_assert_finalize_object (client);

  /* Nothing ran on after the client was gone. */
  lk_test_spin (800);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (fixture->store)), ==, 0);
}

static void
test_cancel_token_wait (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* Cancelled while waiting for a slow token: the caller hears at once. */
  lk_simulator_add_fault (fixture->sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_LATENCY, 3000, 1);
  lk_client_list_keys_async (fixture->client, cancellable, lk_test_store_result, &result);
  lk_test_spin (100);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_false (lk_client_list_keys_finish (fixture->client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The client is still usable. */
  g_assert_true (list_keys (fixture->client, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * TLS
 * ------------------------------------------------------------------------ */

static gboolean
make_certificate (const char *dir,
                  char      **out_cert,
                  char      **out_key)
{
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
    "-keyout", key, "-out", cert,
    "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1",
    "-days", "2",
    NULL
  };

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("openssl failed: %s", error->message);
      return FALSE;
    }

  *out_cert = g_steal_pointer (&cert);
  *out_key = g_steal_pointer (&key);
  return TRUE;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_tls (void)
{
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(LkPlatform) untrusting = NULL;
  g_autoptr(LkPlatform) trusting = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *token_url = NULL;
  LkClient *client;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }

  dir = g_dir_make_tmp ("lk-test-tls-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (make_certificate (dir, &cert, &key));

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, certificate, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (lk_simulator_get_base_url (sim), "https://127.0.0.1:"));

  /* Not trusted by default: refused, with a message that says what to do. */
  untrusting = lk_simulator_get_platform (sim);
  client = lk_client_new (untrusting);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  g_assert_null (sign_in (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "not trusted"));
  g_assert_nonnull (strstr (error->message, "CA file"));
  g_clear_error (&error);
  /* Nothing reached the platform. */
  g_assert_cmpuint (lk_simulator_count_requests (sim, NULL, NULL), ==, 0);
  g_assert_finalize_object (client);

  /* Trusted through the CA file of a Custom platform. */
  token_url = lk_simulator_get_token_url (sim);
  trusting = lk_platform_new_custom (lk_simulator_get_base_url (sim), token_url, cert, &error);
  g_assert_no_error (error);
  client = lk_client_new (trusting);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  whoami = sign_in (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);
  g_assert_true (list_keys (client, &error));
  g_assert_no_error (error);
  g_clear_object (&whoami);
  g_assert_finalize_object (client);

  /* A CA file that vanished after the platform was set up: a clear error
   * about the platform, never a connection without verification. */
  {
    g_autofree char *copy = g_build_filename (dir, "gone.pem", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;
    g_autoptr(LkPlatform) vanishing = NULL;

    g_assert_true (g_file_get_contents (cert, &contents, &length, NULL));
    g_assert_true (g_file_set_contents (copy, contents, length, NULL));
    vanishing = lk_platform_new_custom (lk_simulator_get_base_url (sim), token_url, copy, &error);
    g_assert_no_error (error);
    g_unlink (copy);

    client = lk_client_new (vanishing);
    lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                               lk_simulator_get_admin_client_secret (sim));
    g_assert_null (sign_in (client, &error));
    g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
    g_assert_nonnull (strstr (error->message, "CA file"));
    g_clear_error (&error);
    g_assert_finalize_object (client);
  }

  lk_simulator_stop (sim);
  remove_dir (dir);
}

static void
test_plain_http_refused (void)
{
  g_autoptr(GError) error = NULL;
  LkPlatform *platform;

  platform = lk_platform_new_custom ("http://platform.example.com",
                                     "http://auth.example.com/oauth2/token", NULL, &error);
  g_assert_null (platform);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
  g_clear_error (&error);

  platform = lk_platform_new_custom ("https://platform.example.com",
                                     "http://auth.example.com/oauth2/token", NULL, &error);
  g_assert_null (platform);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
}

/* ------------------------------------------------------------------------
 * A hand-made platform, for what the simulator does not do
 * ------------------------------------------------------------------------ */

typedef struct {
  SoupServer *server;
  char       *base;
  char       *token_url;
  char       *authorization;   /* of the last token request */
  char       *content_type;
  char       *form;
  char       *bearer;          /* Authorization of the last API request */
  const char *whoami_mode;     /* "huge", "huge-chunked", "redirect", "ok" */
} Fake;

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fake *fake = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  if (g_str_equal (path, LK_WIRE_PATH_TOKEN))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *reply = lk_wire_build_token_reply ("fake-token-0123", 600);

      g_free (fake->authorization);
      fake->authorization = g_strdup (soup_message_headers_get_one (request, "Authorization"));
      g_free (fake->content_type);
      fake->content_type = g_strdup (soup_message_headers_get_content_type (request, NULL));
      g_free (fake->form);
      fake->form = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
      return;
    }

  g_free (fake->bearer);
  fake->bearer = g_strdup (soup_message_headers_get_one (request, "Authorization"));

  if (g_str_equal (fake->whoami_mode, "huge"))
    {
      gsize size = LK_WIRE_MAX_REPLY_SIZE + 1;
      char *data = g_malloc (size);

      memset (data, ' ', size);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, size);
    }
  else if (g_str_equal (fake->whoami_mode, "huge-chunked"))
    {
      SoupMessageBody *body = soup_server_message_get_response_body (msg);
      gsize chunk = 1024 * 1024;
      char *data = g_malloc (chunk);

      memset (data, ' ', chunk);
      soup_message_headers_set_encoding (response, SOUP_ENCODING_CHUNKED);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      for (gsize sent = 0; sent <= LK_WIRE_MAX_REPLY_SIZE; sent += chunk)
        soup_message_body_append (body, SOUP_MEMORY_COPY, data, chunk);
      soup_message_body_complete (body);
      g_free (data);
    }
  else if (g_str_equal (fake->whoami_mode, "redirect"))
    {
      g_autofree char *elsewhere = g_strconcat (fake->base, "/elsewhere", NULL);

      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, elsewhere);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static Fake *
fake_new (void)
{
  Fake *fake = g_new0 (Fake, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  fake->whoami_mode = "ok";
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, fake_handler, fake, NULL);
  g_assert_true (soup_server_listen (fake->server, address, 0, &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->server);
  g_assert_nonnull (uris);
  fake->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  fake->token_url = g_strconcat (fake->base, LK_WIRE_PATH_TOKEN, NULL);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return fake;
}

static void
fake_free (Fake *fake)
{
  soup_server_disconnect (fake->server);
  g_assert_finalize_object (fake->server);
  g_free (fake->base);
  g_free (fake->token_url);
  g_free (fake->authorization);
  g_free (fake->content_type);
  g_free (fake->form);
  g_free (fake->bearer);
  g_free (fake);
}

static LkClient *
fake_client (Fake *fake)
{
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  LkClient *client;

  platform = lk_platform_new_custom (fake->base, fake->token_url, NULL, &error);
  g_assert_no_error (error);
  client = lk_client_new (platform);
  lk_client_set_credentials (client, "client:id", "s3cret+/=");
  lk_client_set_timeout (client, 10);
  return client;
}

static void
test_wire_token_request (void)
{
  Fake *fake = fake_new ();
  LkClient *client = fake_client (fake);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *encoded = NULL;

  /* The whoami fails (404 here); the token request is what matters. */
  g_assert_null (sign_in (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING);

  /* RFC 6749 §2.3.1: each part form-encoded, then joined and Base64'd. */
  encoded = g_base64_encode ((const guchar *) "client%3Aid:s3cret%2B%2F%3D", strlen ("client%3Aid:s3cret%2B%2F%3D"));
  expected = g_strconcat ("Basic ", encoded, NULL);
  g_assert_cmpstr (fake->authorization, ==, expected);
  g_assert_cmpstr (fake->content_type, ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (fake->form, ==, "grant_type=client_credentials");
  g_assert_cmpstr (fake->bearer, ==, "Bearer fake-token-0123");

  g_assert_finalize_object (client);
  fake_free (fake);
}

static void
test_error_too_large (void)
{
  Fake *fake = fake_new ();
  LkClient *client = fake_client (fake);
  g_autoptr(GError) error = NULL;

  fake->whoami_mode = "huge";
  g_assert_null (sign_in (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_clear_error (&error);

  /* Without a Content-Length, counted as it arrives. */
  fake->whoami_mode = "huge-chunked";
  g_assert_null (sign_in (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_clear_error (&error);

  /* Credentials never follow a redirect. */
  fake->whoami_mode = "redirect";
  g_assert_null (sign_in (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);

  g_assert_finalize_object (client);
  fake_free (fake);
}

/* ------------------------------------------------------------------------
 * Secret hygiene of the debug log
 * ------------------------------------------------------------------------ */

/* Every log message of this process, while capturing: the same messages
 * the default writer prints, so the child can look for what no pattern
 * names in advance (the access token). */
static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (captured_log != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_strcmp0 (fields[i].key, "MESSAGE") != 0 || fields[i].value == NULL)
            continue;
          if (fields[i].length < 0)
            g_string_append (captured_log, fields[i].value);
          else
            g_string_append_len (captured_log, fields[i].value, fields[i].length);
          g_string_append_c (captured_log, '\n');
        }
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
hygiene_child (void)
{
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(LkCredentialStore) store = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) secrets = g_string_new (NULL);
  LkClient *client;
  const char *path = g_getenv ("LK_TEST_SECRETS_FILE");

  g_assert_nonnull (path);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_log_set_debug_enabled (TRUE);
  captured_log = g_string_new (NULL);

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  store = lk_memory_store_new ();

  client = client_for (sim);
  lk_client_set_store (client, store);

  whoami = sign_in (client, &error);
  g_assert_no_error (error);
  created = create_key (client, "hygiene", in_days (7), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (created->stored);
  g_assert_true (list_keys (client, &error));
  g_assert_no_error (error);
  /* A refreshed token goes through the log path too. */
  lk_simulator_revoke_tokens (sim);
  g_assert_true (delete_key (client, lk_api_key_get_id (created->key), &error));
  g_assert_no_error (error);

  /* The simulator's tokens are long hex strings; none may be logged.  (Key
   * IDs are UUIDs, with dashes.) */
  g_assert_nonnull (strstr (captured_log->str, LK_WIRE_PATH_WHOAMI));
  g_assert_false (g_regex_match_simple ("[0-9a-fA-F]{32,}", captured_log->str, 0, 0));
  g_assert_null (strstr (captured_log->str, created->client_secret));
  g_assert_null (strstr (captured_log->str, lk_simulator_get_admin_client_secret (sim)));
  g_string_free (g_steal_pointer (&captured_log), TRUE);

  /* Tell the parent what must not appear. */
  g_string_append_printf (secrets, "%s\n%s\n",
                          lk_simulator_get_admin_client_secret (sim),
                          created->client_secret);
  g_assert_true (g_file_set_contents (path, secrets->str, -1, &error));
  g_assert_no_error (error);

  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

static void
test_hygiene (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      hygiene_child ();
      return;
    }

  dir = g_dir_make_tmp ("lk-test-hygiene-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "secrets", NULL);
  g_setenv ("LK_TEST_SECRETS_FILE", path, TRUE);

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  /* The log was on and spoke of requests... */
  g_test_trap_assert_stdout ("*" LK_WIRE_PATH_WHOAMI "*");
  g_test_trap_assert_stdout ("*DELETE " LK_WIRE_PATH_KEY_PREFIX "*");

  /* ...but never of what opens the platform. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *pattern = NULL;

      if (lines[i][0] == '\0')
        continue;
      g_assert_cmpuint (strlen (lines[i]), >=, 8);
      pattern = g_strdup_printf ("*%s*", lines[i]);
      g_test_trap_assert_stdout_unmatched (pattern);
      g_test_trap_assert_stderr_unmatched (pattern);
    }
  g_test_trap_assert_stdout_unmatched ("*Authorization*");
  g_test_trap_assert_stderr_unmatched ("*Authorization*");
  g_test_trap_assert_stdout_unmatched ("*Bearer*");
  g_test_trap_assert_stderr_unmatched ("*Bearer*");
  g_test_trap_assert_stdout_unmatched ("*access_token*");
  g_test_trap_assert_stderr_unmatched ("*access_token*");
  g_test_trap_assert_stdout_unmatched ("*client_secret*");
  g_test_trap_assert_stderr_unmatched ("*client_secret*");

  g_unsetenv ("LK_TEST_SECRETS_FILE");
  remove_dir (dir);
}

/* ------------------------------------------------------------------------ */

/* The client's keys model (one array) against a GListStore given the
 * same changes: the same items, and the same "items-changed". */
static void
record_change (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GString    *log)
{
  /* (a GListStore also announces a splice that changes nothing) */
  if (removed + added > 0)
    g_string_append_printf (log, "%u-%u+%u;", position, removed, added);
}

static void
test_key_list (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr (LkKeyList) list = lk_key_list_new ();
  g_autoptr (GListStore) store = g_list_store_new (LK_TYPE_API_KEY);
  g_autoptr (GString) list_log = g_string_new (NULL);
  g_autoptr (GString) store_log = g_string_new (NULL);
  LkApiKey *watched;
  guint serial = 0;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == LK_TYPE_API_KEY);
  g_signal_connect (list, "items-changed", G_CALLBACK (record_change), list_log);
  g_signal_connect (store, "items-changed", G_CALLBACK (record_change), store_log);

  for (guint step = 0; step < 300; step++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
      guint op = g_rand_int_range (rand, 0, 4);

      if (op == 0)
        {
          g_autoptr (GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
          guint position = g_rand_int_range (rand, 0, n + 1);
          guint removed = g_rand_int_range (rand, 0, 8);
          guint added = g_rand_int_range (rand, 0, 12);

          removed = MIN (removed, n - position);
          for (guint i = 0; i < added; i++)
            {
              g_autofree char *id = g_strdup_printf ("key-%u", serial++);

              g_ptr_array_add (fresh, lk_api_key_new (id, id, id, NULL, 0, 0, NULL));
            }
          lk_key_list_splice (list, position, removed, fresh->pdata, fresh->len);
          g_list_store_splice (store, position, removed, fresh->pdata, fresh->len);
        }
      else if (op == 1)
        {
          g_autofree char *id = g_strdup_printf ("key-%u", serial++);
          g_autoptr (LkApiKey) key = lk_api_key_new (id, id, id, NULL, 0, 0, NULL);

          lk_key_list_append (list, key);
          g_list_store_append (store, key);
        }
      else if (op == 2 && n > 0)
        {
          guint position = g_rand_int_range (rand, 0, n);

          lk_key_list_remove (list, position);
          g_list_store_remove (store, position);
        }
      else if (n > 0)
        {
          /* everything replaced, as a new list's first page does */
          g_autoptr (LkApiKey) key = lk_api_key_new ("only", "only", "only", NULL, 0, 0, NULL);

          lk_key_list_splice (list, 0, n, (gpointer *) &key, 1);
          g_list_store_splice (store, 0, n, (gpointer *) &key, 1);
        }

      g_assert_cmpstr (list_log->str, ==, store_log->str);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                        g_list_model_get_n_items (G_LIST_MODEL (store)));
      for (guint i = 0; i <= g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
        {
          g_autoptr (LkApiKey) a = g_list_model_get_item (G_LIST_MODEL (list), i);
          g_autoptr (LkApiKey) b = g_list_model_get_item (G_LIST_MODEL (store), i);

          g_assert_true (a == b);
        }
    }
  g_assert_cmpuint (serial, >, 300);

  /* It holds its keys: one it alone holds goes with it. */
  watched = lk_api_key_new ("gone", "gone", "gone", NULL, 0, 0, NULL);
  lk_key_list_append (list, watched);
  g_list_store_remove_all (store);
  g_object_unref (watched);
  g_assert_true (LK_IS_API_KEY (watched));
  g_object_add_weak_pointer (G_OBJECT (watched), (gpointer *) &watched);
  g_clear_object (&list);
  g_assert_null (watched);
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/client/key-list", test_key_list);
  g_test_add_func ("/lk/client/validate/name", test_validate_name);
  g_test_add_func ("/lk/client/validate/expiry", test_validate_expiry);

  FIXTURE_TEST ("/lk/client/sign-in/good", test_sign_in_good);
  FIXTURE_TEST ("/lk/client/sign-in/bad", test_sign_in_bad);
  FIXTURE_TEST ("/lk/client/sign-in/expired-key", test_sign_in_expired_key);

  FIXTURE_TEST ("/lk/client/list/paged", test_list_paged);
  FIXTURE_TEST ("/lk/client/list/out-of-order", test_list_out_of_order);
  FIXTURE_TEST ("/lk/client/list/progressive", test_list_progressive);
  FIXTURE_TEST ("/lk/client/list/local-secrets", test_list_local_secrets);
  FIXTURE_TEST ("/lk/client/connection/idle-kept", test_idle_connection_kept);

  FIXTURE_TEST ("/lk/client/create/permissions", test_create_permissions);
  FIXTURE_TEST ("/lk/client/create/stored", test_create_stored);
  FIXTURE_TEST ("/lk/client/create/store-failure", test_create_store_failure);
  FIXTURE_TEST ("/lk/client/create/invalid-locally", test_create_invalid_locally);
  FIXTURE_TEST ("/lk/client/create/lost-reply", test_create_lost_reply);
  FIXTURE_TEST ("/lk/client/create/asked-again", test_create_asked_again);

  FIXTURE_TEST ("/lk/client/delete/ok", test_delete);
  FIXTURE_TEST ("/lk/client/delete/not-found", test_delete_not_found);

  FIXTURE_TEST ("/lk/client/error/permission-denied", test_error_permission_denied);
  FIXTURE_TEST ("/lk/client/error/conflict", test_error_conflict);
  FIXTURE_TEST ("/lk/client/error/invalid-expiry", test_error_invalid_expiry);
  FIXTURE_TEST ("/lk/client/error/rate-limited-retried", test_error_rate_limited_retried);
  FIXTURE_TEST ("/lk/client/error/rate-limited-persisting", test_error_rate_limited_persisting);
  FIXTURE_TEST ("/lk/client/error/server", test_error_server);
  FIXTURE_TEST ("/lk/client/error/malformed", test_error_malformed);
  g_test_add_func ("/lk/client/error/connection-refused", test_error_connection_refused);
  FIXTURE_TEST ("/lk/client/error/no-reply", test_error_no_reply);

  FIXTURE_TEST ("/lk/client/token/refresh", test_token_refresh);
  FIXTURE_TEST ("/lk/client/token/short-lifetime", test_token_short_lifetime);
  FIXTURE_TEST ("/lk/client/token/shared", test_token_shared);

  FIXTURE_TEST ("/lk/client/cancel/list", test_cancel_list);
  FIXTURE_TEST ("/lk/client/cancel/dispose", test_cancel_dispose);
  FIXTURE_TEST ("/lk/client/cancel/token-wait", test_cancel_token_wait);

  g_test_add_func ("/lk/client/wire/token-request", test_wire_token_request);
  g_test_add_func ("/lk/client/error/too-large", test_error_too_large);

  g_test_add_func ("/lk/client/tls/ca-file", test_tls);
  g_test_add_func ("/lk/client/tls/plain-http-refused", test_plain_http_refused);

  g_test_add_func ("/lk/client/hygiene/debug-log", test_hygiene);

  return g_test_run ();
}
