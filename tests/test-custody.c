/* test-custody.c: where the client sends the admin's secret, and what it
 * believes of the platform
 *
 *   - the Basic credentials of the token request are form-encoded as RFC
 *     6749 §2.3.1 says (a stub token endpoint captures them);
 *   - a loopback platform is reached directly, never through the proxy
 *     that http_proxy names (a stub proxy records every connection);
 *   - a list whose pages never end, with a "total" of 4,294,967,295,
 *     stops at the client's bound with an error, keeping what it read.
 *
 * The creates that survive a restart are in test-unsettled.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "lk-client.h"
#include "lk-loopback-resolver.h"
#include "lk-simulator.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 30000

/* ------------------------------------------------------------------------
 * A stub platform: a token endpoint that records its Authorization, and a
 * key list whose pages never end
 * ------------------------------------------------------------------------ */

typedef struct {
  SoupServer *server;
  char       *base;
  char       *token_url;
  char       *authorization;   /* of the last token request */
  guint       pages_served;
} Stub;

static char *
stub_page (guint offset,
           guint limit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  LkPermissions none = { { 0 } };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_ITEMS);
  json_builder_begin_array (builder);
  for (guint i = 0; i < limit; i++)
    {
      g_autofree char *id = g_strdup_printf ("key-%u", offset + i);
      g_autofree char *name = g_strdup_printf ("Key %u", offset + i);
      g_autoptr(LkApiKey) key = lk_api_key_new (id, name, id, "stub", lk_time_now (),
                                                lk_time_now () + 86400 * 30, &none);

      json_builder_add_value (builder, lk_wire_key_to_json (key, NULL));
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_OFFSET);
  json_builder_add_int_value (builder, offset);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_LIMIT);
  json_builder_add_int_value (builder, limit);
  /* The lie: there are always more. */
  json_builder_set_member_name (builder, LK_WIRE_PAGE_TOTAL);
  json_builder_add_int_value (builder, G_MAXUINT32);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
stub_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Stub *stub = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  char *reply;

  if (g_str_equal (path, LK_WIRE_PATH_TOKEN))
    {
      g_free (stub->authorization);
      stub->authorization = g_strdup (soup_message_headers_get_one (request, "Authorization"));
      reply = lk_wire_build_token_reply ("stub-token", 600);
    }
  else if (g_str_equal (path, LK_WIRE_PATH_KEYS) && query != NULL)
    {
      guint64 offset = 0, limit = 0;

      g_assert_true (g_ascii_string_to_unsigned (g_hash_table_lookup (query, LK_WIRE_QUERY_OFFSET),
                                                 10, 0, G_MAXUINT, &offset, NULL));
      g_assert_true (g_ascii_string_to_unsigned (g_hash_table_lookup (query, LK_WIRE_QUERY_LIMIT),
                                                 10, 1, LK_WIRE_PAGE_LIMIT_MAX, &limit, NULL));
      stub->pages_served++;
      reply = stub_page ((guint) offset, (guint) limit);
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, reply, strlen (reply));
}

static Stub *
stub_new (void)
{
  Stub *stub = g_new0 (Stub, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  stub->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (stub->server, NULL, stub_handler, stub, NULL);
  g_assert_true (soup_server_listen (stub->server, address, 0, &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (stub->server);
  stub->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  stub->token_url = g_strconcat (stub->base, LK_WIRE_PATH_TOKEN, NULL);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return stub;
}

static void
stub_free (Stub *stub)
{
  soup_server_disconnect (stub->server);
  g_assert_finalize_object (stub->server);
  g_free (stub->base);
  g_free (stub->token_url);
  g_free (stub->authorization);
  g_free (stub);
}

static LkClient *
stub_client (Stub       *stub,
             const char *client_id,
             const char *client_secret)
{
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  LkClient *client;

  platform = lk_platform_new_custom (stub->base, stub->token_url, NULL, &error);
  g_assert_no_error (error);
  client = lk_client_new (platform);
  lk_client_set_credentials (client, client_id, client_secret);
  lk_client_set_timeout (client, 10);
  return client;
}

static LkApiKey *
sign_in (LkClient  *client,
         GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  return lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), error);
}

static gboolean
list_keys (LkClient  *client,
           GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  return lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), error);
}

/* ------------------------------------------------------------------------
 * Basic credentials
 * ------------------------------------------------------------------------ */

/* application/x-www-form-urlencoded, decoded as a compliant server does:
 * '+' is a space, then %XX. */
static char *
form_decode (const char *text)
{
  g_autofree char *spaces = g_strdelimit (g_strdup (text), "+", ' ');

  return g_uri_unescape_string (spaces, NULL);
}

static void
test_basic_form_encoded (void)
{
  const char *client_id = "ci:admin é";
  const char *client_secret = "50% off+more: a b/=";
  Stub *stub = stub_new ();
  LkClient *client = stub_client (stub, client_id, client_secret);
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *id = NULL;
  g_autofree char *secret = NULL;
  gsize length = 0;
  char *colon;

  /* whoami is not there (404) but the list is, so the client signs in by
   * its client ID alone (issue 20); the token request is what matters. */
  whoami = sign_in (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);

  g_assert_nonnull (stub->authorization);
  g_assert_true (g_str_has_prefix (stub->authorization, "Basic "));
  decoded = g_base64_decode (stub->authorization + strlen ("Basic "), &length);
  joined = g_strndup ((const char *) decoded, length);

  /* Each part encoded, so the only ':' is the one that joins them. */
  g_assert_cmpstr (joined, ==, "ci%3Aadmin+%C3%A9:50%25+off%2Bmore%3A+a+b%2F%3D");
  colon = strchr (joined, ':');
  g_assert_nonnull (colon);
  g_assert_null (strchr (colon + 1, ':'));
  *colon = '\0';
  id = form_decode (joined);
  secret = form_decode (colon + 1);
  g_assert_cmpstr (id, ==, client_id);
  g_assert_cmpstr (secret, ==, client_secret);

  g_assert_finalize_object (client);
  stub_free (stub);
}

/* ------------------------------------------------------------------------
 * No proxy for loopback
 * ------------------------------------------------------------------------ */

static gboolean
on_proxy_incoming (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source,
                   gpointer           user_data)
{
  guint *n_connections = user_data;

  /* Recorded, then closed without a word: a client that came here fails. */
  (*n_connections)++;
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
test_loopback_no_proxy (void)
{
  g_autoptr(GSocketService) proxy = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy_url = NULL;
  g_auto(GStrv) elsewhere = NULL;
  guint n_connections = 0;
  LkClient *client;

  /* The environment is read once per process: the test runs in one of
   * its own. */
  if (!g_test_subprocess ())
    {
      if (g_str_equal (G_OBJECT_TYPE_NAME (g_proxy_resolver_get_default ()), "GDummyProxyResolver"))
        {
          g_test_skip ("GIO has no proxy resolver here (no glib-networking)");
          return;
        }
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  proxy = g_socket_service_new ();
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  g_socket_listener_add_address (G_SOCKET_LISTENER (proxy), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (proxy, "incoming", G_CALLBACK (on_proxy_incoming), &n_connections);
  g_socket_service_start (proxy);

  proxy_url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_setenv ("http_proxy", proxy_url, TRUE);
  g_setenv ("HTTP_PROXY", proxy_url, TRUE);
  g_setenv ("https_proxy", proxy_url, TRUE);
  g_setenv ("all_proxy", proxy_url, TRUE);
  g_unsetenv ("no_proxy");
  g_unsetenv ("NO_PROXY");

  /* The system's resolver does send plain http to the proxy, loopback
   * included: without the client's own choice, the test would see it. */
  elsewhere = g_proxy_resolver_lookup (g_proxy_resolver_get_default (), "http://127.0.0.1:9/", NULL, &error);
  g_assert_no_error (error);
  g_test_message ("the system's resolver says %s for loopback", elsewhere[0]);
  g_assert_cmpstr (elsewhere[0], ==, proxy_url);

  /* The client's resolver: loopback directly, https elsewhere still
   * through the system's proxy. */
  {
    g_autoptr(GProxyResolver) resolver = lk_loopback_resolver_new (g_proxy_resolver_get_default ());
    g_auto(GStrv) local = g_proxy_resolver_lookup (resolver, "http://127.0.0.1:9/", NULL, &error);
    g_auto(GStrv) remote = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (local[0], ==, "direct://");
    remote = g_proxy_resolver_lookup (resolver, "https://auth.hiddenlayer.ai/oauth2/token", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (remote[0], ==, proxy_url);
  }

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);
  client = lk_client_new (platform);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 10);

  /* Signed in, directly: the proxy saw nothing, not even the token request. */
  whoami = sign_in (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);
  g_assert_true (list_keys (client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN), ==, 1);
  g_assert_cmpuint (n_connections, ==, 0);

  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
  g_socket_service_stop (proxy);
}

/* ------------------------------------------------------------------------
 * A lying total
 * ------------------------------------------------------------------------ */

static void
test_list_lying_total (void)
{
  Stub *stub = stub_new ();
  LkClient *client = stub_client (stub, "admin", "secret");
  g_autoptr(GError) error = NULL;
  GListModel *keys = lk_client_get_keys (client);
  gint64 start = g_get_monotonic_time ();

  lk_client_set_page_size (client, 50);
  lk_client_set_list_limit (client, 1000);

  /* Stops at the bound, with an error a person can read. */
  g_assert_false (list_keys (client, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_assert_nonnull (strstr (error->message, "1000"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  /* What it read stays, and it asked for nothing past the bound. */
  g_assert_cmpuint (g_list_model_get_n_items (keys), ==, 1000);
  g_assert_cmpuint (stub->pages_served, ==, 1000 / 50);
  g_assert_false (lk_client_get_loading (client));
  {
    g_autoptr(LkApiKey) last = g_list_model_get_item (keys, 999);

    g_assert_cmpstr (lk_api_key_get_id (last), ==, "key-999");
  }

  g_assert_finalize_object (client);
  stub_free (stub);
}

/* ------------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/custody/basic-form-encoded", test_basic_form_encoded);
  g_test_add_func ("/lk/custody/loopback-no-proxy", test_loopback_no_proxy);
  g_test_add_func ("/lk/custody/list-lying-total", test_list_lying_total);

  return g_test_run ();
}
