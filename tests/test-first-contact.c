/* test-first-contact.c: what a real tenant meets first (issue 20)
 *
 * A server that offers exactly HiddenLayer's documented surface (the token
 * endpoint; everything else 404 {"detail":"Not Found"}), one that lists
 * keys but has no whoami, refused credentials and a deleted key against
 * the simulator, and the token URL's fallback.  All over real HTTP on
 * 127.0.0.1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-first-contact"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lk-cli-platform.h"
#include "lk-client.h"
#include "lk-connection-check.h"
#include "lk-sim-wire.h"
#include "lk-simulator.h"
#include "lk-simulator-faults.h"
#include "lk-test-util.h"
#include "lk-wire.h"

#define WAIT_MS 30000

/* ------------------------------------------------------------------------
 * A server with the documented surface, and a little more when asked
 * ------------------------------------------------------------------------ */

typedef struct {
  SoupServer *server;
  char       *base;
  gboolean    token;      /* POST /oauth2/token answers with a token */
  gboolean    list;       /* GET /api/v1/api-keys answers with a page */
  guint       token_requests;
} Surface;

static void
surface_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Surface *surface = user_data;
  const char *method = soup_server_message_get_method (msg);
  static const char not_found[] = "{\"detail\":\"Not Found\"}";
  static const char page[] = "{\"items\":[],\"offset\":0,\"limit\":1,\"total\":0}";

  if (g_str_equal (path, LK_WIRE_PATH_TOKEN) && g_str_equal (method, "POST"))
    surface->token_requests++;

  if (surface->token && g_str_equal (path, LK_WIRE_PATH_TOKEN) && g_str_equal (method, "POST"))
    {
      g_autofree char *reply = lk_wire_build_token_reply ("surface-token-0123", 600);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        reply, strlen (reply));
      return;
    }

  if (surface->list && g_str_equal (path, LK_WIRE_PATH_KEYS) && g_str_equal (method, "GET"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        page, strlen (page));
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    not_found, strlen (not_found));
}

static Surface *
surface_new (gboolean token,
             gboolean list)
{
  Surface *surface = g_new0 (Surface, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  surface->token = token;
  surface->list = list;
  surface->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (surface->server, NULL, surface_handler, surface, NULL);
  g_assert_true (soup_server_listen (surface->server, address, 0, &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (surface->server);
  g_assert_nonnull (uris);
  surface->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return surface;
}

static char *
surface_token_url (Surface *surface)
{
  return g_strconcat (surface->base, LK_WIRE_PATH_TOKEN, NULL);
}

static void
surface_free (Surface *surface)
{
  soup_server_disconnect (surface->server);
  g_assert_finalize_object (surface->server);
  g_free (surface->base);
  g_free (surface);
}

static LkClient *
client_at (const char *base,
           const char *token_url,
           const char *fallback_token_url)
{
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkPlatform) with_fallback = NULL;
  g_autoptr(GError) error = NULL;
  LkClient *client;

  platform = lk_platform_new_custom (base, token_url, NULL, &error);
  g_assert_no_error (error);
  with_fallback = lk_platform_with_fallback_token_url (platform, fallback_token_url, &error);
  g_assert_no_error (error);

  client = lk_client_new (with_fallback);
  lk_client_set_credentials (client, "surface-client-id", "surface-secret-0123456789");
  lk_client_set_timeout (client, 10);
  lk_client_set_retry_policy (client, 2, 5);
  return client;
}

static LkApiKey *
sign_in (LkClient  *client,
         GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_client_sign_in_finish (client, result, error);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ------------------------------------------------------------------------
 * The three cases
 * ------------------------------------------------------------------------ */

static void
test_documented_surface (void)
{
  Surface *surface = surface_new (TRUE, FALSE);
  g_autofree char *token_url = surface_token_url (surface);
  LkClient *client = client_at (surface->base, token_url, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (sign_in (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING);
  g_assert_nonnull (strstr (error->message, "accepted the credentials"));
  g_assert_nonnull (strstr (error->message, "GET /api/v1/whoami"));
  g_assert_nonnull (strstr (error->message, "docs/platform-api.md"));
  g_assert_null (strstr (error->message, "deleted"));
  g_assert_null (strstr (error->message, "surface-secret"));
  g_assert_null (lk_client_get_whoami (client));

  g_assert_finalize_object (client);
  surface_free (surface);
}

static void
test_whoami_missing_list_works (void)
{
  Surface *surface = surface_new (TRUE, TRUE);
  g_autofree char *token_url = surface_token_url (surface);
  LkClient *client = client_at (surface->base, token_url, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  const LkPermissions *permissions;

  whoami = sign_in (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);
  g_assert_true (lk_client_get_whoami (client) == whoami);
  /* Known by its client ID only. */
  g_assert_cmpstr (lk_api_key_get_client_id (whoami), ==, "surface-client-id");
  g_assert_null (lk_api_key_get_name (whoami));
  /* Every action enabled: the platform says with a 403 what it may not. */
  permissions = lk_api_key_get_permissions (whoami);
  g_assert_true (lk_permissions_allows (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_READ));
  g_assert_true (lk_permissions_allows (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE));
  g_assert_true (lk_permissions_allows (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE));

  g_clear_object (&whoami);
  g_assert_finalize_object (client);
  surface_free (surface);
}

static void
test_refused_and_deleted (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  LkClient *client;

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);

  /* Refused credentials. */
  client = lk_client_new (platform);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim), "not-the-secret-at-all");
  g_assert_null (sign_in (client, &refused));
  g_assert_error (refused, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED);
  g_assert_null (strstr (refused->message, "not-the-secret"));
  g_assert_finalize_object (client);

  /* A key that was listed, then deleted elsewhere. */
  client = lk_client_new (platform);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  whoami = sign_in (client, &error);
  g_assert_no_error (error);
  lk_client_delete_key_async (client, "00000000-0000-4000-8000-00000000dead", NULL,
                              lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_false (lk_client_delete_key_finish (client, result, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no longer exists"));

  /* Each in its own words. */
  g_assert_cmpstr (error->message, !=, refused->message);
  g_assert_null (strstr (refused->message, "no longer exists"));
  g_assert_null (strstr (refused->message, "accepted the credentials"));

  g_clear_object (&whoami);
  g_clear_object (&result);
  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

/* ------------------------------------------------------------------------
 * The token URL's fallback
 * ------------------------------------------------------------------------ */

static void
test_token_fallback (void)
{
  Surface *first = surface_new (FALSE, FALSE);    /* 404 at the token URL */
  Surface *second = surface_new (TRUE, TRUE);
  g_autofree char *first_url = surface_token_url (first);
  g_autofree char *second_url = surface_token_url (second);
  LkClient *client = client_at (second->base, first_url, second_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(LkApiKey) whoami = NULL;

  whoami = sign_in (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);
  g_assert_cmpuint (first->token_requests, ==, 1);
  g_assert_cmpuint (second->token_requests, ==, 1);

  g_clear_object (&whoami);
  g_assert_finalize_object (client);
  surface_free (first);
  surface_free (second);
}

static void
test_token_fallback_both_fail (void)
{
  Surface *first = surface_new (FALSE, FALSE);
  g_autofree char *first_url = surface_token_url (first);
  g_autofree char *closed_url = g_strdup_printf ("http://127.0.0.1:%u/oauth2/token", free_port ());
  LkClient *client = client_at (first->base, first_url, closed_url);
  g_autoptr(GError) error = NULL;

  g_assert_null (sign_in (client, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == LK_CLIENT_ERROR);
  g_assert_nonnull (strstr (error->message, first_url));
  g_assert_nonnull (strstr (error->message, closed_url));
  g_assert_null (strstr (error->message, "surface-secret"));
  g_assert_cmpuint (first->token_requests, ==, 1);

  g_assert_finalize_object (client);
  surface_free (first);
}

/* ------------------------------------------------------------------------
 * Check Connection
 * ------------------------------------------------------------------------ */

static gboolean
run_check (LkPlatform  *platform,
           const char  *client_id,
           const char  *client_secret,
           char       **out_report,
           LkConnectionCheck **out_check)
{
  LkConnectionCheck *check = lk_connection_check_new (platform, client_id, client_secret);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean passed;

  lk_connection_check_set_timeout (check, 10);
  lk_connection_check_run_async (check, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  passed = lk_connection_check_run_finish (check, result, &error);
  g_assert_no_error (error);

  *out_report = lk_connection_check_get_report (check);
  g_test_message ("%s", *out_report);
  /* Nothing secret in the report. */
  g_assert_null (strstr (*out_report, client_secret));
  g_assert_null (strstr (*out_report, "surface-token"));
  *out_check = check;
  return passed;
}

static void
assert_outcome (LkConnectionCheck *check,
                LkCheckStepKind    kind,
                LkCheckOutcome     outcome)
{
  const LkCheckStep *step = lk_connection_check_get_step (check, kind);

  g_assert_cmpint (step->outcome, ==, outcome);
  g_assert_true ((step->error != NULL) == (outcome == LK_CHECK_FAILED));
}

static void
test_check_simulator (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  LkConnectionCheck *check = NULL;

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  platform = lk_simulator_get_platform (sim);

  g_assert_true (run_check (platform, lk_simulator_get_admin_client_id (sim),
                            lk_simulator_get_admin_client_secret (sim), &report, &check));
  for (guint i = 0; i < LK_CHECK_N_STEPS; i++)
    assert_outcome (check, i, LK_CHECK_PASSED);
  g_assert_nonnull (strstr (report, lk_simulator_get_admin_client_id (sim)));
  g_assert_nonnull (strstr (report, " ms)"));

  g_assert_finalize_object (check);
  lk_simulator_stop (sim);
}

static void
test_check_documented_surface (void)
{
  Surface *surface = surface_new (TRUE, FALSE);
  g_autofree char *token_url = surface_token_url (surface);
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  LkConnectionCheck *check = NULL;
  const LkCheckStep *whoami;

  platform = lk_platform_new_custom (surface->base, token_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (run_check (platform, "surface-client-id", "surface-secret-0123456789",
                             &report, &check));
  assert_outcome (check, LK_CHECK_CONNECT, LK_CHECK_PASSED);
  assert_outcome (check, LK_CHECK_TOKEN, LK_CHECK_PASSED);
  assert_outcome (check, LK_CHECK_WHOAMI, LK_CHECK_FAILED);
  assert_outcome (check, LK_CHECK_LIST, LK_CHECK_NOT_RUN);
  whoami = lk_connection_check_get_step (check, LK_CHECK_WHOAMI);
  g_assert_error (whoami->error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING);
  g_assert_nonnull (strstr (report, "GET /api/v1/whoami, which Layer Keys needs"));

  g_assert_finalize_object (check);
  surface_free (surface);
}

static void
test_check_closed_port (void)
{
  guint port = free_port ();
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *token_url = g_strconcat (base, "/oauth2/token", NULL);
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  LkConnectionCheck *check = NULL;
  const LkCheckStep *connect;

  platform = lk_platform_new_custom (base, token_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (run_check (platform, "id", "closed-port-secret", &report, &check));
  assert_outcome (check, LK_CHECK_CONNECT, LK_CHECK_FAILED);
  assert_outcome (check, LK_CHECK_TOKEN, LK_CHECK_NOT_RUN);
  connect = lk_connection_check_get_step (check, LK_CHECK_CONNECT);
  g_assert_error (connect->error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK);
  g_assert_nonnull (strstr (report, "Could not connect"));

  g_assert_finalize_object (check);
}

static void
test_check_unknown_ca (void)
{
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *report = NULL;
  LkConnectionCheck *check = NULL;
  const LkCheckStep *connect;
  int status = 0;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }

  dir = g_dir_make_tmp ("lk-test-check-XXXXXX", &error);
  g_assert_no_error (error);
  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = {
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", NULL
    };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, &error));
  }
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, certificate, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);

  g_assert_false (run_check (platform, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim), &report, &check));
  assert_outcome (check, LK_CHECK_CONNECT, LK_CHECK_FAILED);
  assert_outcome (check, LK_CHECK_TOKEN, LK_CHECK_NOT_RUN);
  connect = lk_connection_check_get_step (check, LK_CHECK_CONNECT);
  g_assert_error (connect->error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_TLS);
  g_assert_nonnull (strstr (report, "not trusted"));
  /* The secret never went out. */
  g_assert_cmpuint (lk_simulator_count_requests (sim, NULL, NULL), ==, 0);

  g_assert_finalize_object (check);
  lk_simulator_stop (sim);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}


/* The token URL's fallback in the report: the first 404s, the second
 * gives the token, and the report says which; then both fail. */
static void
test_check_token_fallback (void)
{
  Surface *first = surface_new (FALSE, FALSE);    /* 404 at the token URL */
  Surface *second = surface_new (TRUE, TRUE);
  g_autofree char *first_url = surface_token_url (first);
  g_autofree char *second_url = surface_token_url (second);
  g_autofree char *closed_url = g_strdup_printf ("http://127.0.0.1:%u/oauth2/token", free_port ());
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkPlatform) with_fallback = NULL;
  g_autoptr(LkPlatform) both_fail = NULL;
  g_autoptr(LkConnectionCheck) check = NULL;
  g_autofree char *report = NULL;
  g_autofree char *answered = NULL;
  const LkCheckStep *token;
  g_autoptr(GError) error = NULL;

  /* The API at the second server, whose whoami 404s: the token step is
   * what this is about. */
  platform = lk_platform_new_custom (second->base, first_url, NULL, &error);
  g_assert_no_error (error);
  with_fallback = lk_platform_with_fallback_token_url (platform, second_url, &error);
  g_assert_no_error (error);

  run_check (with_fallback, "surface-client-id", "surface-secret-0123456789", &report, &check);
  assert_outcome (check, LK_CHECK_TOKEN, LK_CHECK_PASSED);
  g_assert_cmpstr (lk_connection_check_get_token_url_used (check), ==, second_url);
  answered = g_strdup_printf ("The token came from %s", second_url);
  g_assert_nonnull (strstr (report, answered));
  g_assert_cmpuint (first->token_requests, ==, 1);
  g_assert_cmpuint (second->token_requests, ==, 1);
  g_clear_object (&check);
  g_clear_pointer (&report, g_free);

  /* Both fail: one error naming both. */
  both_fail = lk_platform_with_fallback_token_url (platform, closed_url, &error);
  g_assert_no_error (error);
  g_assert_false (run_check (both_fail, "surface-client-id", "surface-secret-0123456789", &report, &check));
  assert_outcome (check, LK_CHECK_TOKEN, LK_CHECK_FAILED);
  token = lk_connection_check_get_step (check, LK_CHECK_TOKEN);
  g_assert_nonnull (strstr (token->error->message, first_url));
  g_assert_nonnull (strstr (token->error->message, closed_url));
  g_assert_null (lk_connection_check_get_token_url_used (check));
  g_assert_null (strstr (report, "The token came from"));

  g_clear_object (&check);
  surface_free (first);
  surface_free (second);
}


/* ------------------------------------------------------------------------
 * The CLI's token request (layer-keys-cli token, and the errors of the
 * other commands): the same fallback
 * ------------------------------------------------------------------------ */

static LkPlatform *
platform_at (const char *base,
             const char *token_url,
             const char *fallback_token_url)
{
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  LkPlatform *with_fallback;

  platform = lk_platform_new_custom (base, token_url, NULL, &error);
  g_assert_no_error (error);
  with_fallback = lk_platform_with_fallback_token_url (platform, fallback_token_url, &error);
  g_assert_no_error (error);
  return with_fallback;
}

/* The CLI asks synchronously: in a thread, while this one's main loop
 * runs the servers. */
typedef struct {
  LkPlatform  *platform;
  LkCliToken  *token;
  const char **used;
  GError     **error;
  gboolean     ok;
  gboolean     done;
} CliFetch;

static gpointer
cli_fetch_thread (gpointer data)
{
  CliFetch *fetch = data;
  guint status = 0;

  fetch->ok = lk_cli_fetch_token_from (fetch->platform, "surface-client-id", "surface-secret-0123456789",
                                       fetch->token, &status, fetch->used, fetch->error);
  g_atomic_int_set (&fetch->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
cli_fetch (LkPlatform  *platform,
           LkCliToken  *token,
           const char **used,
           GError     **error)
{
  CliFetch fetch = { platform, token, used, error, FALSE, FALSE };
  GThread *thread = g_thread_new ("cli-fetch", cli_fetch_thread, &fetch);

  while (!g_atomic_int_get (&fetch.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  return fetch.ok;
}

static void
test_cli_token_fallback (void)
{
  Surface *first = surface_new (FALSE, FALSE);    /* 404 at the token URL */
  Surface *second = surface_new (TRUE, FALSE);
  g_autofree char *first_url = surface_token_url (first);
  g_autofree char *second_url = surface_token_url (second);
  g_autofree char *closed_url = g_strdup_printf ("http://127.0.0.1:%u/oauth2/token", free_port ());
  g_autofree char *closed_too = g_strdup_printf ("http://127.0.0.1:%u/oauth2/token", free_port ());
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  LkCliToken token = { 0 };
  const char *used = NULL;

  /* The first 404s, the second gives the token. */
  platform = platform_at (first->base, first_url, second_url);
  g_assert_true (cli_fetch (platform, &token, &used, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (used, ==, second_url);
  g_assert_cmpstr (token.access_token, ==, "surface-token-0123");
  g_assert_cmpuint (first->token_requests, ==, 1);
  g_assert_cmpuint (second->token_requests, ==, 1);
  lk_cli_token_clear (&token);
  g_clear_pointer (&platform, lk_platform_unref);

  /* The first unreachable (a closed port), the second gives the token. */
  platform = platform_at (first->base, closed_url, second_url);
  g_assert_true (cli_fetch (platform, &token, &used, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (used, ==, second_url);
  lk_cli_token_clear (&token);
  g_clear_pointer (&platform, lk_platform_unref);

  /* The first works: the second is never asked. */
  platform = platform_at (second->base, second_url, first_url);
  g_assert_true (cli_fetch (platform, &token, &used, &error));
  g_assert_cmpstr (used, ==, second_url);
  g_assert_cmpuint (first->token_requests, ==, 1);
  lk_cli_token_clear (&token);
  g_clear_pointer (&platform, lk_platform_unref);

  /* Both fail: one error naming both, and no secret. */
  platform = platform_at (first->base, first_url, closed_too);
  g_assert_false (cli_fetch (platform, &token, &used, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, first_url));
  g_assert_nonnull (strstr (error->message, closed_too));
  g_assert_null (strstr (error->message, "surface-secret"));
  g_assert_null (used);
  g_assert_null (token.access_token);

  surface_free (first);
  surface_free (second);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/first-contact/documented-surface", test_documented_surface);
  g_test_add_func ("/lk/first-contact/whoami-missing-list-works", test_whoami_missing_list_works);
  g_test_add_func ("/lk/first-contact/refused-and-deleted", test_refused_and_deleted);
  g_test_add_func ("/lk/first-contact/token-fallback", test_token_fallback);
  g_test_add_func ("/lk/first-contact/token-fallback-both-fail", test_token_fallback_both_fail);

  g_test_add_func ("/lk/first-contact/check/simulator", test_check_simulator);
  g_test_add_func ("/lk/first-contact/check/documented-surface", test_check_documented_surface);
  g_test_add_func ("/lk/first-contact/check/closed-port", test_check_closed_port);
  g_test_add_func ("/lk/first-contact/check/unknown-ca", test_check_unknown_ca);
  g_test_add_func ("/lk/first-contact/check/token-fallback", test_check_token_fallback);
  g_test_add_func ("/lk/first-contact/cli-token-fallback", test_cli_token_fallback);

  return g_test_run ();
}
