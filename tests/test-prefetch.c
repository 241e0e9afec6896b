/* test-prefetch.c: signing in and listing in a thread while GTK starts
 *
 * LkAccountPrefetch against the real keyring of the test session and the
 * simulator over HTTP on 127.0.0.1 (served by this test's main loop while
 * the prefetch thread waits on its own): the account it finds, the
 * session it hands over and what a client that imports it can do, and
 * what it gives when there is nothing to find or signing in fails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "lk-account-prefetch.h"
#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-error.h"
#include "lk-simulator.h"
#include "lk-test-keyring.h"
#include "lk-test-util.h"
#include "lk-wire.h"

#define WAIT_MS 30000

static LkSimulator *sim;
static GThread *main_thread;
static gboolean prepared_elsewhere;
static char *listed_first_id;      /* before reverse_keys() */

static char *
random_client_id (void)
{
  return g_strdup_printf ("prefetch-%08x", g_random_int ());
}

/* Remembered as the window does, bound to the whole platform. */
static void
save_account (LkPlatform *platform,
              const char *client_id,
              const char *secret)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  lk_credential_store_remember_account_async (store, platform, client_id, secret, NULL,
                                              lk_test_store_result, &result);
  g_assert_true (lk_credential_store_remember_account_finish (store, lk_test_wait_result (&result, WAIT_MS),
                                                              &error));
  g_assert_no_error (error);
}

static void
forget_accounts (const char *platform_id)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_forget_account_async (store, platform_id, NULL, NULL, lk_test_store_result, &result);
  lk_credential_store_forget_account_finish (store, lk_test_wait_result (&result, WAIT_MS), NULL);
}

/* A prepare function that reverses the list, and notes it ran in
 * another thread than this one. */
static void
reverse_keys (GPtrArray *keys)
{
  prepared_elsewhere = g_thread_self () != main_thread;
  g_free (listed_first_id);
  listed_first_id = keys->len ? g_strdup (lk_api_key_get_id (keys->pdata[0])) : NULL;
  for (guint i = 0; i < keys->len / 2; i++)
    {
      gpointer tmp = keys->pdata[i];

      keys->pdata[i] = keys->pdata[keys->len - 1 - i];
      keys->pdata[keys->len - 1 - i] = tmp;
    }
}

static LkAccount *
wait_prefetch (LkAccountPrefetch  *prefetch,
               LkClientSession   **session,
               GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_account_prefetch_wait_async (prefetch, NULL, lk_test_store_result, &result);
  return lk_account_prefetch_wait_finish (prefetch, lk_test_wait_result (&result, WAIT_MS),
                                          session, error);
}

static void
test_signed_in_and_listed (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (LkClientSession) session = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkApiKey) first = NULL;
  g_autoptr (LkApiKey) last = NULL;
  const char *admin = lk_simulator_get_admin_client_id (sim);
  guint tokens, lists;
  GListModel *keys;
  guint n;

  save_account (platform, admin, lk_simulator_get_admin_client_secret (sim));
  tokens = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN);
  lists = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS);

  prepared_elsewhere = FALSE;
  prefetch = lk_account_prefetch_start (lk_simulator_get_platform (sim), admin, reverse_keys);
  g_assert_true (lk_account_prefetch_is_for (prefetch, lk_platform_get_id (platform), admin));
  g_assert_false (lk_account_prefetch_is_for (prefetch, lk_platform_get_id (platform), "someone-else"));

  account = wait_prefetch (prefetch, &session, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpstr (account->client_id, ==, admin);
  g_assert_cmpstr (account->client_secret, ==, lk_simulator_get_admin_client_secret (sim));
  g_assert_nonnull (session);
  g_assert_true (prepared_elsewhere);
  /* it signed in once and listed */
  g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN), ==, tokens + 1);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS), >, lists);

  /* Handed out once. */
  {
    g_autoptr (LkClientSession) again = NULL;
    g_autoptr (LkAccount) twice = wait_prefetch (prefetch, &again, &error);

    g_assert_null (twice);
    g_assert_null (again);
    g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* A client that imports the session is signed in, with every key, in
   * the order the prepare function left them... */
  client = lk_client_new (platform);
  lk_client_set_credentials (client, account->client_id, account->client_secret);
  g_assert_null (lk_client_get_whoami (client));
  g_assert_cmpint (lk_client_get_listed_at (client), ==, 0);
  lk_client_import_session (client, g_steal_pointer (&session));
  g_assert_nonnull (lk_client_get_whoami (client));
  g_assert_cmpstr (lk_api_key_get_client_id (lk_client_get_whoami (client)), ==, admin);
  g_assert_cmpint (lk_client_get_listed_at (client), >, 0);
  keys = lk_client_get_keys (client);
  n = g_list_model_get_n_items (keys);
  g_assert_cmpuint (n, ==, lk_simulator_get_n_keys (sim));
  first = g_list_model_get_item (keys, 0);
  last = g_list_model_get_item (keys, n - 1);
  g_assert_nonnull (first);
  g_assert_nonnull (last);
  g_assert_cmpstr (lk_api_key_get_id (last), ==, listed_first_id);
  g_assert_cmpstr (lk_api_key_get_id (first), !=, listed_first_id);

  /* ... and works with the token it took over, without asking for one. */
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, lk_simulator_get_n_keys (sim));
  g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN), ==, tokens + 1);

  forget_accounts (lk_platform_get_id (platform));
}

/* Nothing remembered: the window's usual "not remembered", at once or
 * when waited for. */
static void
test_not_remembered (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *client_id = random_client_id ();
  LkClientSession *session = NULL;
  LkAccount *account = NULL;
  gboolean there = FALSE;
  guint tokens = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN);

  prefetch = lk_account_prefetch_start (lk_platform_ref (platform), client_id, NULL);
  for (guint i = 0; i < 3000 && !there; i++)
    {
      g_clear_error (&error);
      there = lk_account_prefetch_take_now (prefetch, &account, &session, &error);
      if (!there)
        lk_test_spin (10);
    }
  g_assert_true (there);
  g_assert_null (account);
  g_assert_null (session);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN), ==, tokens);
}

/* A remembered secret the platform refuses: the account, no session (the
 * window signs in itself, and shows why it cannot). */
static void
test_refused (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (LkClientSession) session = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  const char *admin = lk_simulator_get_admin_client_id (sim);

  save_account (platform, admin, "not-the-secret");
  prefetch = lk_account_prefetch_start (lk_platform_ref (platform), admin, reverse_keys);
  account = wait_prefetch (prefetch, &session, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpstr (account->client_secret, ==, "not-the-secret");
  g_assert_null (session);
  /* Refused is an answer: the window signs in again and shows it. */
  g_assert_null (lk_account_prefetch_dup_unreachable (prefetch));

  forget_accounts (lk_platform_get_id (platform));
}

/* A remembered platform where nothing listens (connection refused): the
 * sign-in is tried once, and why it failed is handed out with the
 * account, so the window reports it without retrying (issue 19).  With
 * the usual four attempts the backoff alone took about two seconds. */
static void
test_unreachable (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) any = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (LkClientSession) session = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) unreachable = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *token_url = NULL;
  gint64 start;
  guint16 port;

  /* A port that was free a moment ago: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  api_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  token_url = g_strdup_printf ("http://127.0.0.1:%u%s", port, LK_WIRE_PATH_TOKEN);
  platform = lk_platform_new_custom (api_url, token_url, NULL, &error);
  g_assert_no_error (error);

  save_account (platform, "unreachable-client", "unreachable-secret");
  start = g_get_monotonic_time ();
  prefetch = lk_account_prefetch_start (lk_platform_ref (platform), "unreachable-client", reverse_keys);
  account = wait_prefetch (prefetch, &session, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_null (session);
  unreachable = lk_account_prefetch_dup_unreachable (prefetch);
  g_assert_error (unreachable, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  /* One attempt, no backoff (the first retry alone waits 250 ms or more). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * G_TIME_SPAN_MILLISECOND);

  forget_accounts (lk_platform_get_id (platform));
}

static gboolean
on_elsewhere_incoming (GSocketService    *service,
                       GSocketConnection *connection,
                       GObject           *source,
                       gpointer           user_data)
{
  guint *n_connections = user_data;

  (*n_connections)++;
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* The remembered secret goes to its own platform only: with the token URL
 * pointed elsewhere (three GSettings keys, no keyring access needed), or
 * for a sign-in remembered before sign-ins were bound, the prefetch says
 * the platform changed and sends nothing anywhere. */
static void
test_bound_to_platform (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkPlatform) elsewhere = NULL;
  g_autoptr (GSocketService) listener = g_socket_service_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token_url = NULL;
  const char *admin = lk_simulator_get_admin_client_id (sim);
  guint tokens = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN);
  guint n_connections = 0;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (listener), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (listener, "incoming", G_CALLBACK (on_elsewhere_incoming), &n_connections);
  g_socket_service_start (listener);
  token_url = g_strdup_printf ("http://127.0.0.1:%u%s", port, LK_WIRE_PATH_TOKEN);
  elsewhere = lk_platform_new_custom (lk_platform_get_api_base (platform), token_url, NULL, &error);
  g_assert_no_error (error);

  save_account (platform, admin, lk_simulator_get_admin_client_secret (sim));

  for (guint old = 0; old < 2; old++)
    {
      g_autoptr (LkAccountPrefetch) prefetch = NULL;
      g_autoptr (LkClientSession) session = NULL;
      g_autoptr (LkAccount) account = NULL;

      prefetch = lk_account_prefetch_start (lk_platform_ref (old ? platform : elsewhere), admin, NULL);
      account = wait_prefetch (prefetch, &session, &error);
      g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_PLATFORM_CHANGED);
      g_clear_error (&error);
      g_assert_null (account);
      g_assert_null (session);
      lk_test_spin (100);
      g_assert_cmpuint (n_connections, ==, 0);
      g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN), ==, tokens);

      /* Then a sign-in remembered as it was before they were bound. */
      if (!old)
        {
          g_autoptr (LkCredentialStore) store = lk_secret_store_new ();

          forget_accounts (lk_platform_get_id (platform));
          lk_test_remember_unbound (store, lk_platform_get_id (platform), admin,
                                    lk_simulator_get_admin_client_secret (sim));
        }
    }

  g_socket_service_stop (listener);
  forget_accounts (lk_platform_get_id (platform));
}

/* A list that takes long is hurried: the session comes at once, without
 * keys, and the client that imports it lists them itself. */
static void
test_hurried (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (LkClientSession) session = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  const char *admin = lk_simulator_get_admin_client_id (sim);
  guint lists = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS);

  save_account (platform, admin, lk_simulator_get_admin_client_secret (sim));
  /* every page a second late: the list cannot end before it is hurried */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_LATENCY, 1000, 0);

  prepared_elsewhere = FALSE;
  prefetch = lk_account_prefetch_start (lk_platform_ref (platform), admin, reverse_keys);
  /* once the list runs */
  while (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS) == lists)
    g_main_context_iteration (NULL, TRUE);
  lk_account_prefetch_hurry (prefetch);

  account = wait_prefetch (prefetch, &session, &error);
  lk_simulator_clear_faults (sim);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_nonnull (session);
  g_assert_null (lk_client_session_get_keys (session));
  g_assert_false (prepared_elsewhere);

  client = lk_client_new (platform);
  lk_client_set_credentials (client, account->client_id, account->client_secret);
  lk_client_import_session (client, g_steal_pointer (&session));
  g_assert_nonnull (lk_client_get_whoami (client));
  g_assert_cmpint (lk_client_get_listed_at (client), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (lk_client_get_keys (client)), ==, 0);

  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (lk_client_get_keys (client)), ==, lk_simulator_get_n_keys (sim));

  forget_accounts (lk_platform_get_id (platform));
}

/* Hurried after some pages: the session comes with the keys read so far,
 * and the client that imports it reads on from there, every key once,
 * without asking for the first pages again. */
static void
test_hurried_after_pages (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (LkClientSession) session = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *admin = lk_simulator_get_admin_client_id (sim);
  guint lists = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS);
  guint n_total = lk_simulator_get_n_keys (sim);
  guint n_read, asked_before;
  GListModel *keys;

  save_account (platform, admin, lk_simulator_get_admin_client_secret (sim));
  /* every page half a second late: two in flight, the third asked for
   * once the first was read */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_LATENCY, 500, 0);

  prepared_elsewhere = FALSE;
  prefetch = lk_account_prefetch_start (lk_platform_ref (platform), admin, reverse_keys);
  while (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS) < lists + 3)
    g_main_context_iteration (NULL, TRUE);
  lk_account_prefetch_hurry (prefetch);

  account = wait_prefetch (prefetch, &session, &error);
  lk_simulator_clear_faults (sim);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_nonnull (session);
  g_assert_nonnull (lk_client_session_get_keys (session));
  n_read = lk_client_session_get_keys (session)->len;
  g_assert_cmpuint (n_read, >=, 100);
  g_assert_cmpuint (n_read, <, n_total);
  /* the window's order is made in the thread for these too */
  g_assert_true (prepared_elsewhere);

  client = lk_client_new (platform);
  lk_client_set_credentials (client, account->client_id, account->client_secret);
  lk_client_import_session (client, g_steal_pointer (&session));
  g_assert_nonnull (lk_client_get_whoami (client));
  /* not listed yet: the window lists, and that list reads on */
  g_assert_cmpint (lk_client_get_listed_at (client), ==, 0);
  keys = lk_client_get_keys (client);
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, n_read);

  asked_before = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS);
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpint (lk_client_get_listed_at (client), >, 0);
  /* pages of 100: only those after the ones read */
  g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS) - asked_before,
                    ==, (n_total - n_read + 99) / 100);
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, n_total);
  for (guint i = 0; i < n_total; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      g_assert_true (g_hash_table_add (seen, g_strdup (lk_api_key_get_id (key))));
    }

  /* The next list is a whole one again, replacing the keys. */
  g_clear_object (&result);
  asked_before = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS);
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS) - asked_before,
                    ==, (n_total + 99) / 100);
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, n_total);

  forget_accounts (lk_platform_get_id (platform));
}

/* A session exported from a client that has not listed has no keys. */
static void
test_export_needs_list (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkClient) client = lk_client_new (platform);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_null (lk_client_export_session (client));
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);
  {
    g_autoptr (LkClientSession) session = lk_client_export_session (client);

    g_assert_nonnull (session);
    g_assert_null (lk_client_session_get_keys (session));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  if (!lk_test_have_secret_service ())
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring)");
      return g_test_run ();
    }

  sim = lk_simulator_new ();
  lk_simulator_seed (sim, 250);
  if (!lk_simulator_start (sim, 0, NULL, &error))
    g_error ("simulator: %s", error->message);

  g_test_add_func ("/lk/prefetch/signed-in-and-listed", test_signed_in_and_listed);
  g_test_add_func ("/lk/prefetch/not-remembered", test_not_remembered);
  g_test_add_func ("/lk/prefetch/refused", test_refused);
  g_test_add_func ("/lk/prefetch/unreachable", test_unreachable);
  g_test_add_func ("/lk/prefetch/bound-to-platform", test_bound_to_platform);
  g_test_add_func ("/lk/prefetch/hurried", test_hurried);
  g_test_add_func ("/lk/prefetch/hurried-after-pages", test_hurried_after_pages);
  g_test_add_func ("/lk/prefetch/export-needs-list", test_export_needs_list);

  ret = g_test_run ();

  lk_simulator_stop (sim);
  g_clear_object (&sim);
  g_free (listed_first_id);
  return ret;
}
