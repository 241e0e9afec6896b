/* test-simulator.c: the platform simulator over real HTTP
 *
 * Talks to the simulator with a plain SoupSession (not LkClient), so these
 * tests check the contract of docs/platform-api.md on the wire.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lk-error.h"
#include "lk-sim-wire.h"
#include "lk-simulator.h"
#include "lk-simulator-faults.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)
#define WAIT_MS 20000

/* Every log message of the run, to prove no secret reaches a log. */
static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
      {
        g_string_append (captured_log, fields[i].value);
        g_string_append_c (captured_log, '\n');
      }

  /* Debug output of every library would drown the TAP stream. */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (level, fields, n_fields, user_data);
}

typedef struct {
  guint    status;
  GBytes  *body;
  char    *retry_after;
  char    *location;
  goffset  content_length;   /* -1 when the reply had none */
  GError  *error;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply->retry_after);
  g_free (reply->location);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static const char *
reply_text (Reply *reply)
{
  return reply->body != NULL ? g_bytes_get_data (reply->body, NULL) : NULL;
}

static gsize
reply_length (Reply *reply)
{
  return reply->body != NULL ? g_bytes_get_size (reply->body) : 0;
}

static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", 10, "idle-timeout", 10, NULL);
}

static LkSimulator *
start_simulator (void)
{
  g_autoptr(GError) error = NULL;
  LkSimulator *sim = lk_simulator_new ();

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_simulator_get_port (sim), >, 0);
  return sim;
}

/* One request; @authorization, @idempotency_key and @body may be NULL. */
static Reply *
send_request (SoupSession *session,
              const char  *method,
              const char  *url,
              const char  *authorization,
              const char  *idempotency_key,
              const char  *content_type,
              const char  *body)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  Reply *reply = g_new0 (Reply, 1);
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, LK_WIRE_HEADER_IDEMPOTENCY, idempotency_key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  reply->body = soup_session_send_and_read_finish (session, result, &reply->error);
  reply->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  reply->retry_after = g_strdup (soup_message_headers_get_one (headers, LK_WIRE_HEADER_RETRY_AFTER));
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  reply->content_length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                          ? soup_message_headers_get_content_length (headers) : -1;

  return reply;
}

static char *
api_url (LkSimulator *sim,
         const char  *path)
{
  return g_strconcat (lk_simulator_get_base_url (sim), path, NULL);
}

static char *
basic_auth (const char *client_id,
            const char *secret)
{
  g_autofree char *joined = g_strconcat (client_id, ":", secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) joined, strlen (joined));

  return g_strconcat ("Basic ", encoded, NULL);
}

static Reply *
request_token (SoupSession *session,
               LkSimulator *sim,
               const char  *client_id,
               const char  *secret,
               const char  *form)
{
  g_autofree char *url = lk_simulator_get_token_url (sim);
  g_autofree char *auth = client_id != NULL ? basic_auth (client_id, secret) : NULL;

  return send_request (session, "POST", url, auth, NULL,
                       "application/x-www-form-urlencoded", form);
}

/* "Bearer TOKEN" for the key, asserting the token request worked. */
static char *
sign_in (SoupSession *session,
         LkSimulator *sim,
         const char  *client_id,
         const char  *secret)
{
  g_autoptr(Reply) reply = request_token (session, sim, client_id, secret,
                                          LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 expires_in = 0;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (lk_wire_parse_token (reply_text (reply), reply_length (reply),
                                      &token, &expires_in, &error));
  g_assert_no_error (error);
  g_assert_cmpint (expires_in, >, 0);

  return g_strconcat ("Bearer ", token, NULL);
}

static char *
sign_in_admin (SoupSession *session,
               LkSimulator *sim)
{
  return sign_in (session, sim, lk_simulator_get_admin_client_id (sim),
                  lk_simulator_get_admin_client_secret (sim));
}

static Reply *
api_get (SoupSession *session,
         LkSimulator *sim,
         const char  *bearer,
         const char  *path)
{
  g_autofree char *url = api_url (sim, path);

  return send_request (session, "GET", url, bearer, NULL, NULL, NULL);
}

static Reply *
api_create (SoupSession         *session,
            LkSimulator         *sim,
            const char          *bearer,
            const char          *idempotency_key,
            const char          *name,
            gint64               expires_at,
            const LkPermissions *permissions)
{
  g_autofree char *url = api_url (sim, LK_WIRE_PATH_KEYS);
  g_autofree char *body = lk_wire_build_create_body (name, expires_at, permissions, NULL);

  return send_request (session, "POST", url, bearer, idempotency_key, "application/json", body);
}

static Reply *
api_delete (SoupSession *session,
            LkSimulator *sim,
            const char  *bearer,
            const char  *id)
{
  g_autofree char *path = lk_wire_build_key_path (id);
  g_autofree char *url = api_url (sim, path);

  return send_request (session, "DELETE", url, bearer, NULL, NULL, NULL);
}

static void
assert_error_body (Reply      *reply,
                   guint       status,
                   const char *field,
                   const char *detail)
{
  g_autofree char *title = NULL;
  g_autofree char *got_detail = NULL;
  g_autofree char *got_field = NULL;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, status);
  lk_wire_parse_error_body (reply_text (reply), reply_length (reply),
                            &title, &got_detail, &got_field);
  g_assert_nonnull (title);
  g_assert_nonnull (got_detail);
  if (field != NULL)
    g_assert_cmpstr (got_field, ==, field);
  if (detail != NULL)
    g_assert_cmpstr (got_detail, ==, detail);
}

/* libsoup 3.2 ends a body early at EOF without an error, so a truncated
 * reply shows as fewer bytes than its Content-Length promised. */
static void
assert_truncated (Reply *reply)
{
  if (reply->error != NULL)
    return;

  g_assert_cmpint (reply->content_length, >, 0);
  g_assert_cmpint (reply_length (reply), ==, reply->content_length / 2);
  g_assert_null (json_from_string (reply_text (reply), NULL));
}

static LkCreatedKey *
assert_created (Reply *reply)
{
  g_autoptr(GError) error = NULL;
  LkCreatedKey *created;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 201);
  created = lk_wire_parse_created (reply_text (reply), reply_length (reply), &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_nonnull (created->client_secret);
  g_assert_cmpuint (strlen (created->client_secret), >=, 32);

  return created;
}

static char *
json_string_member (Reply      *reply,
                    const char *member)
{
  g_autoptr(JsonNode) node = json_from_string (reply_text (reply), NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node),
                                                               member, NULL));
}

/* Tests */

static void
test_token (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = sign_in_admin (session, sim);
  const char *id = lk_simulator_get_admin_client_id (sim);
  const char *secret = lk_simulator_get_admin_client_secret (sim);
  const char *grant = LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS;

  g_assert_true (g_str_has_prefix (lk_simulator_get_base_url (sim), "http://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (bearer, "Bearer "));
  {
    g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
    g_autofree char *token_url = lk_simulator_get_token_url (sim);

    g_assert_nonnull (platform);
    g_assert_cmpint (lk_platform_get_region (platform), ==, LK_REGION_CUSTOM);
    g_assert_cmpstr (lk_platform_get_api_base (platform), ==, lk_simulator_get_base_url (sim));
    g_assert_cmpstr (lk_platform_get_token_url (platform), ==, token_url);
    g_assert_null (lk_platform_get_ca_file (platform));
  }
  g_assert_cmpuint (strlen (bearer), >, 7 + 32);

  /* Wrong secret, unknown client, no credentials: 401 invalid_client */
  {
    g_autoptr(Reply) reply = request_token (session, sim, id, "wrong-secret", grant);
    g_autofree char *code = json_string_member (reply, LK_WIRE_OAUTH_ERROR);

    assert_error_body (reply, 401, NULL, NULL);
    g_assert_cmpstr (code, ==, "invalid_client");
  }
  {
    g_autoptr(Reply) reply = request_token (session, sim, "no-such-client", secret, grant);

    assert_error_body (reply, 401, NULL, NULL);
  }
  {
    g_autoptr(Reply) reply = request_token (session, sim, NULL, NULL, grant);

    assert_error_body (reply, 401, NULL, NULL);
  }

  /* Wrong or missing grant type: 400 */
  {
    g_autoptr(Reply) reply = request_token (session, sim, id, secret,
                                            LK_WIRE_FORM_GRANT_TYPE "=password");
    g_autofree char *code = json_string_member (reply, LK_WIRE_OAUTH_ERROR);

    assert_error_body (reply, 400, NULL, NULL);
    g_assert_cmpstr (code, ==, "unsupported_grant_type");
  }
  {
    g_autoptr(Reply) reply = request_token (session, sim, id, secret, "");

    assert_error_body (reply, 400, NULL, NULL);
  }

  /* Each token is new */
  {
    g_autofree char *again = sign_in_admin (session, sim);

    g_assert_cmpstr (again, !=, bearer);
  }
}

static void
test_whoami (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = sign_in_admin (session, sim);
  g_autoptr(GError) error = NULL;
  g_autoptr(LkApiKey) me = NULL;

  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    g_assert_no_error (reply->error);
    g_assert_cmpuint (reply->status, ==, 200);
    me = lk_wire_parse_whoami (reply_text (reply), reply_length (reply), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (lk_api_key_get_name (me), ==, "Tenant admin");
    g_assert_cmpstr (lk_api_key_get_client_id (me), ==, lk_simulator_get_admin_client_id (sim));
    g_assert_true (lk_permissions_is_all (lk_api_key_get_permissions (me)));
    g_assert_cmpint (lk_api_key_get_expires_at (me), >, lk_simulator_get_now (sim));
  }

  /* No token, a made-up token */
  {
    g_autoptr(Reply) reply = api_get (session, sim, NULL, LK_WIRE_PATH_WHOAMI);

    assert_error_body (reply, 401, NULL, NULL);
  }
  {
    g_autoptr(Reply) reply = api_get (session, sim, "Bearer 0123456789abcdef", LK_WIRE_PATH_WHOAMI);

    assert_error_body (reply, 401, NULL, NULL);
  }

  /* Unknown path */
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, "/api/v1/nothing-here");

    assert_error_body (reply, 404, NULL, NULL);
  }

  /* Revoked tokens */
  lk_simulator_revoke_tokens (sim);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    assert_error_body (reply, 401, NULL, NULL);
  }
}

static void
test_token_expiry (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  gint64 start = lk_time_now ();
  g_autofree char *bearer = NULL;

  lk_simulator_set_now (sim, start);
  lk_simulator_set_token_lifetime (sim, 60);
  bearer = sign_in_admin (session, sim);

  lk_simulator_set_now (sim, start + 59);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    g_assert_cmpuint (reply->status, ==, 200);
  }

  lk_simulator_set_now (sim, start + 60);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    assert_error_body (reply, 401, NULL, NULL);
  }

  /* Back to real time */
  lk_simulator_set_now (sim, 0);
  g_assert_cmpint (ABS (lk_simulator_get_now (sim) - lk_time_now ()), <=, 1);
}

static void
test_list_pages (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 last_created = G_MININT64;
  g_autofree char *last_id = g_strdup ("");
  guint total = 0, offset = 0, n_pages = 0;

  lk_simulator_seed (sim, 2500);
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), >=, 2500 + 25);
  bearer = sign_in_admin (session, sim);

  do
    {
      g_autofree char *path = g_strdup_printf ("%s?%s=%u&%s=%u", LK_WIRE_PATH_KEYS,
                                               LK_WIRE_QUERY_OFFSET, offset,
                                               LK_WIRE_QUERY_LIMIT, 100);
      g_autoptr(Reply) reply = api_get (session, sim, bearer, path);
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(GError) error = NULL;
      guint page_offset = 0, page_total = 0;

      g_assert_no_error (reply->error);
      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_true (lk_wire_parse_key_page (reply_text (reply), reply_length (reply),
                                             &items, &page_offset, &page_total, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (page_offset, ==, offset);
      g_assert_cmpuint (page_total, ==, lk_simulator_get_n_keys (sim));
      total = page_total;
      g_assert_cmpuint (items->len, ==, MIN (100, total - offset));

      for (guint i = 0; i < items->len; i++)
        {
          LkApiKey *key = g_ptr_array_index (items, i);
          gint64 created = lk_api_key_get_created_at (key);

          g_assert_true (created > last_created ||
                         (created == last_created && strcmp (lk_api_key_get_id (key), last_id) > 0));
          g_assert_true (g_hash_table_add (seen, g_strdup (lk_api_key_get_id (key))));
          last_created = created;
          g_free (last_id);
          last_id = g_strdup (lk_api_key_get_id (key));
        }

      offset += items->len;
      n_pages++;
    }
  while (offset < total);

  g_assert_cmpuint (g_hash_table_size (seen), ==, total);
  g_assert_cmpuint (n_pages, ==, (total + 99) / 100);

  /* Default limit is the maximum; past the end is an empty page */
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);
    g_autoptr(GPtrArray) items = NULL;
    guint page_offset, page_total;

    g_assert_true (lk_wire_parse_key_page (reply_text (reply), reply_length (reply),
                                           &items, &page_offset, &page_total, NULL));
    g_assert_cmpuint (items->len, ==, LK_WIRE_PAGE_LIMIT_MAX);
  }
  {
    g_autofree char *path = g_strdup_printf ("%s?%s=%u", LK_WIRE_PATH_KEYS,
                                             LK_WIRE_QUERY_OFFSET, total + 5);
    g_autoptr(Reply) reply = api_get (session, sim, bearer, path);
    g_autoptr(JsonNode) node = NULL;
    JsonObject *page;

    /* (lk_wire_parse_key_page refuses an offset past the total, so read
     * the page by hand.) */
    g_assert_cmpuint (reply->status, ==, 200);
    node = json_from_string (reply_text (reply), NULL);
    g_assert_nonnull (node);
    page = json_node_get_object (node);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, LK_WIRE_PAGE_ITEMS)), ==, 0);
    g_assert_cmpint (json_object_get_int_member (page, LK_WIRE_PAGE_OFFSET), ==, total + 5);
    g_assert_cmpint (json_object_get_int_member (page, LK_WIRE_PAGE_TOTAL), ==, total);
  }
  {
    g_autofree char *path = g_strdup_printf ("%s?%s=1", LK_WIRE_PATH_KEYS, LK_WIRE_QUERY_LIMIT);
    g_autoptr(Reply) reply = api_get (session, sim, bearer, path);
    g_autoptr(GPtrArray) items = NULL;
    guint page_offset, page_total;

    g_assert_true (lk_wire_parse_key_page (reply_text (reply), reply_length (reply),
                                           &items, &page_offset, &page_total, NULL));
    g_assert_cmpuint (items->len, ==, 1);
  }

  /* Bad limits and offsets name the field */
  {
    const char *bad_limits[] = { "0", "101", "-1", "abc", "", "1e2" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_limits); i++)
      {
        g_autofree char *path = g_strdup_printf ("%s?%s=%s", LK_WIRE_PATH_KEYS,
                                                 LK_WIRE_QUERY_LIMIT, bad_limits[i]);
        g_autoptr(Reply) reply = api_get (session, sim, bearer, path);

        assert_error_body (reply, 422, LK_WIRE_QUERY_LIMIT, NULL);
      }
  }
  {
    g_autofree char *path = g_strdup_printf ("%s?%s=-3", LK_WIRE_PATH_KEYS, LK_WIRE_QUERY_OFFSET);
    g_autoptr(Reply) reply = api_get (session, sim, bearer, path);

    assert_error_body (reply, 422, LK_WIRE_QUERY_OFFSET, NULL);
  }
}

static void
test_create_validation (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  /* Midday UTC, so whole days are unambiguous */
  gint64 now = (lk_time_now () / DAY) * DAY + DAY / 2;
  g_autofree char *bearer = NULL;
  g_autofree char *name64 = g_strnfill (64, 'n');
  g_autofree char *name65 = g_strnfill (65, 'n');
  LkPermissions none = { { 0 } };
  LkPermissions scanner;
  guint n_before;

  lk_simulator_set_now (sim, now);
  lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &scanner);
  bearer = sign_in_admin (session, sim);
  n_before = lk_simulator_get_n_keys (sim);

  /* Names */
  {
    const char *bad_names[] = { "", "   ", "tab\there", "bell\007", name65 };

    for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
      {
        g_autoptr(Reply) reply = api_create (session, sim, bearer, NULL, bad_names[i],
                                             now + 30 * DAY, &none);

        assert_error_body (reply, 422, "name", NULL);
      }
  }
  {
    g_autoptr(Reply) reply = api_create (session, sim, bearer, NULL, name64, now + 30 * DAY, &none);
    g_autoptr(LkCreatedKey) created = assert_created (reply);

    g_assert_cmpstr (lk_api_key_get_name (created->key), ==, name64);
    /* Empty permissions mean all of them, and the reply says so */
    g_assert_true (lk_permissions_is_all (lk_api_key_get_permissions (created->key)));
    g_assert_cmpstr (lk_api_key_get_created_by (created->key), ==, "Tenant admin");
    g_assert_cmpint (lk_api_key_get_created_at (created->key), ==, now);
    g_assert_nonnull (reply->location);
  }
  {
    /* Trimmed, then unique: the same name again is a conflict */
    g_autoptr(Reply) reply = api_create (session, sim, bearer, NULL, "  Nightly job  ",
                                         now + 30 * DAY, &scanner);
    g_autoptr(LkCreatedKey) created = assert_created (reply);
    g_autoptr(Reply) again = api_create (session, sim, bearer, NULL, "Nightly job",
                                         now + 30 * DAY, &scanner);

    g_assert_cmpstr (lk_api_key_get_name (created->key), ==, "Nightly job");
    g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (created->key), &scanner));
    assert_error_body (again, 409, "name", NULL);
  }
  {
    /* Right-to-left text and emoji are fine */
    g_autoptr(Reply) reply = api_create (session, sim, bearer, NULL,
                                         "מפתח סריקה 🔑", now + 30 * DAY, &scanner);
    g_autoptr(LkCreatedKey) created = assert_created (reply);
  }

  /* Expiry: 1 to 365 whole days ahead */
  {
    gint64 bad_expiries[] = { now - DAY, now, now + 3600, now + 366 * DAY, now + 500 * DAY };

    for (guint i = 0; i < G_N_ELEMENTS (bad_expiries); i++)
      {
        g_autofree char *name = g_strdup_printf ("Bad expiry %u", i);
        g_autoptr(Reply) reply = api_create (session, sim, bearer, NULL, name,
                                             bad_expiries[i], &scanner);

        assert_error_body (reply, 422, "expires_at", NULL);
      }
  }
  {
    g_autoptr(Reply) one = api_create (session, sim, bearer, NULL, "One day", now + DAY, &scanner);
    g_autoptr(Reply) year = api_create (session, sim, bearer, NULL, "A year", now + 365 * DAY, &scanner);
    g_autoptr(LkCreatedKey) created_one = assert_created (one);
    g_autoptr(LkCreatedKey) created_year = assert_created (year);

    g_assert_cmpint (lk_api_key_get_expires_at (created_year->key), ==, now + 365 * DAY);
  }

  /* A body that is not a create request */
  {
    g_autofree char *url = api_url (sim, LK_WIRE_PATH_KEYS);
    g_autoptr(Reply) reply = send_request (session, "POST", url, bearer, NULL,
                                           "application/json", "{\"name\": 12");

    assert_error_body (reply, 400, NULL, NULL);
  }

  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_before + 5);

  /* The new key works: its secret gets a token, whoami names it */
  {
    g_autoptr(Reply) reply = api_create (session, sim, bearer, NULL, "Fresh", now + 10 * DAY, &none);
    g_autoptr(LkCreatedKey) created = assert_created (reply);
    g_autofree char *fresh = sign_in (session, sim, lk_api_key_get_client_id (created->key),
                                      created->client_secret);
    g_autoptr(Reply) who = api_get (session, sim, fresh, LK_WIRE_PATH_WHOAMI);
    g_autoptr(LkApiKey) me = lk_wire_parse_whoami (reply_text (who), reply_length (who), NULL);
    g_autoptr(LkApiKey) stored = lk_simulator_find_key_by_name (sim, "Fresh");

    g_assert_nonnull (me);
    g_assert_cmpstr (lk_api_key_get_id (me), ==, lk_api_key_get_id (created->key));
    g_assert_nonnull (stored);
    g_assert_cmpstr (lk_api_key_get_id (stored), ==, lk_api_key_get_id (created->key));
  }
}

static void
test_idempotency (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  gint64 now = lk_time_now ();
  g_autofree char *bearer = NULL;
  g_autoptr(LkCreatedKey) first = NULL;
  g_autoptr(LkCreatedKey) second = NULL;
  LkPermissions none = { { 0 } };
  guint n_before;

  lk_simulator_set_now (sim, now);
  bearer = sign_in_admin (session, sim);
  n_before = lk_simulator_get_n_keys (sim);

  {
    g_autoptr(Reply) a = api_create (session, sim, bearer, "idem-1", "Retried key", now + 30 * DAY, &none);
    g_autoptr(Reply) b = api_create (session, sim, bearer, "idem-1", "Retried key", now + 30 * DAY, &none);

    first = assert_created (a);
    second = assert_created (b);
    g_assert_cmpstr (reply_text (a), ==, reply_text (b));
  }
  g_assert_cmpstr (lk_api_key_get_id (first->key), ==, lk_api_key_get_id (second->key));
  g_assert_cmpstr (first->client_secret, ==, second->client_secret);
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_before + 1);

  /* The same Idempotency-Key with another body is refused */
  {
    g_autoptr(Reply) reply = api_create (session, sim, bearer, "idem-1", "Another name",
                                         now + 30 * DAY, &none);

    assert_error_body (reply, 422, LK_WIRE_HEADER_IDEMPOTENCY, NULL);
  }

  /* After 24 hours the key is forgotten: the request runs again */
  lk_simulator_set_now (sim, now + DAY + 1);
  g_free (bearer);
  bearer = sign_in_admin (session, sim);
  {
    g_autoptr(Reply) reply = api_create (session, sim, bearer, "idem-1", "Retried key",
                                         now + 30 * DAY, &none);

    assert_error_body (reply, 409, "name", NULL);
  }

  /* Without an Idempotency-Key each request makes a key */
  {
    g_autoptr(Reply) a = api_create (session, sim, bearer, NULL, "No idem A", now + 30 * DAY, &none);
    g_autoptr(Reply) b = api_create (session, sim, bearer, NULL, "No idem B", now + 30 * DAY, &none);
    g_autoptr(LkCreatedKey) ca = assert_created (a);
    g_autoptr(LkCreatedKey) cb = assert_created (b);

    g_assert_cmpstr (lk_api_key_get_id (ca->key), !=, lk_api_key_get_id (cb->key));
  }
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_before + 3);
}

static void
test_delete (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = sign_in_admin (session, sim);
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(LkApiKey) other = NULL;
  g_autoptr(LkSecretString) secret = NULL;
  guint n_before;

  lk_simulator_seed (sim, 0);
  key = lk_simulator_add_key (sim, "Short-lived", NULL, 0, &secret);
  g_assert_nonnull (key);
  g_assert_nonnull (secret);
  /* Names are unique here too */
  g_assert_null (lk_simulator_add_key (sim, "Short-lived", NULL, 0, NULL));
  n_before = lk_simulator_get_n_keys (sim);

  {
    g_autoptr(Reply) reply = api_delete (session, sim, bearer, lk_api_key_get_id (key));

    g_assert_no_error (reply->error);
    g_assert_cmpuint (reply->status, ==, 204);
  }
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_before - 1);
  g_assert_null (lk_simulator_lookup_key (sim, lk_api_key_get_id (key)));
  {
    g_autoptr(Reply) reply = api_delete (session, sim, bearer, lk_api_key_get_id (key));

    assert_error_body (reply, 404, NULL, NULL);
  }
  {
    g_autoptr(Reply) reply = api_delete (session, sim, bearer, "no-such-key");

    assert_error_body (reply, 404, NULL, NULL);
  }

  /* A deleted key's secret no longer gets a token */
  {
    g_autoptr(Reply) reply = request_token (session, sim, lk_api_key_get_client_id (key), secret,
                                            LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS);

    assert_error_body (reply, 401, NULL, NULL);
  }

  /* Removed behind the client's back */
  other = lk_simulator_add_key (sim, "Removed elsewhere", NULL, 0, NULL);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (other)));
  g_assert_false (lk_simulator_remove_key (sim, lk_api_key_get_id (other)));
  {
    g_autoptr(Reply) reply = api_delete (session, sim, bearer, lk_api_key_get_id (other));

    assert_error_body (reply, 404, NULL, NULL);
  }
}

static void
test_permissions (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(LkApiKey) reader = NULL;
  g_autoptr(LkApiKey) scanner_key = NULL;
  g_autoptr(LkApiKey) victim = NULL;
  g_autoptr(LkSecretString) reader_secret = NULL;
  g_autoptr(LkSecretString) scanner_secret = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *needs_write = NULL;
  g_autofree char *needs_delete = NULL;
  g_autofree char *needs_read = NULL;
  LkPermissions read_only, scanner, none = { { 0 } };

  lk_preset_apply (LK_PRESET_READ_ONLY, &read_only);
  lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &scanner);
  reader = lk_simulator_add_key (sim, "Read-only admin", &read_only, 0, &reader_secret);
  scanner_key = lk_simulator_add_key (sim, "Scanner", &scanner, 0, &scanner_secret);
  victim = lk_simulator_add_key (sim, "Victim", NULL, 0, NULL);
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (reader), &read_only));
  g_assert_true (lk_permissions_is_all (lk_api_key_get_permissions (victim)));

  {
    g_autofree char *write = lk_permission_describe (LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE);
    g_autofree char *del = lk_permission_describe (LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE);
    g_autofree char *read = lk_permission_describe (LK_CATEGORY_API_KEYS, LK_ACCESS_READ);

    needs_write = g_strconcat ("Needs ", write, NULL);
    needs_delete = g_strconcat ("Needs ", del, NULL);
    needs_read = g_strconcat ("Needs ", read, NULL);
    g_assert_cmpstr (needs_write, ==, "Needs API Keys: Write");
  }

  /* Read-only: may list and ask who it is, nothing else */
  bearer = sign_in (session, sim, lk_api_key_get_client_id (reader), reader_secret);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);

    g_assert_cmpuint (reply->status, ==, 200);
  }
  {
    g_autoptr(Reply) reply = api_create (session, sim, bearer, "x", "Not allowed",
                                         lk_time_now () + 30 * DAY, &none);

    assert_error_body (reply, 403, NULL, needs_write);
  }
  {
    g_autoptr(Reply) reply = api_delete (session, sim, bearer, lk_api_key_get_id (victim));

    assert_error_body (reply, 403, NULL, needs_delete);
  }
  g_assert_nonnull (lk_simulator_find_key_by_name (sim, "Victim"));
  g_assert_null (lk_simulator_find_key_by_name (sim, "Not allowed"));

  /* Model Scanner preset: not even the list */
  g_clear_pointer (&bearer, g_free);
  bearer = sign_in (session, sim, lk_api_key_get_client_id (scanner_key), scanner_secret);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);

    assert_error_body (reply, 403, NULL, needs_read);
  }
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);
    g_autoptr(LkApiKey) me = lk_wire_parse_whoami (reply_text (reply), reply_length (reply), NULL);

    g_assert_nonnull (me);
    g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (me), &scanner));
  }
}

static void
test_key_expiry (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  gint64 now = lk_time_now ();
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(LkSecretString) secret = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *bearer = NULL;
  guint n_before;

  lk_simulator_set_now (sim, now);
  key = lk_simulator_add_key (sim, "Expires soon", NULL, now + 2 * DAY, &secret);
  lk_simulator_set_token_lifetime (sim, 3 * DAY);
  admin = sign_in_admin (session, sim);
  bearer = sign_in (session, sim, lk_api_key_get_client_id (key), secret);
  n_before = lk_simulator_get_n_keys (sim);

  lk_simulator_set_now (sim, now + 2 * DAY - 1);
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_before);

  /* Its token outlives the key, but dies with it */
  lk_simulator_set_now (sim, now + 2 * DAY);
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_before - 1);
  g_assert_null (lk_simulator_lookup_key (sim, lk_api_key_get_id (key)));
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    assert_error_body (reply, 401, NULL, NULL);
  }
  {
    g_autoptr(Reply) reply = request_token (session, sim, lk_api_key_get_client_id (key), secret,
                                            LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS);

    assert_error_body (reply, 401, NULL, NULL);
  }
  {
    g_autoptr(Reply) reply = api_get (session, sim, admin, LK_WIRE_PATH_KEYS);
    g_autoptr(GPtrArray) items = NULL;
    guint offset, total;

    g_assert_true (lk_wire_parse_key_page (reply_text (reply), reply_length (reply),
                                           &items, &offset, &total, NULL));
    g_assert_cmpuint (total, ==, n_before - 1);
    for (guint i = 0; i < items->len; i++)
      g_assert_cmpstr (lk_api_key_get_id (g_ptr_array_index (items, i)), !=, lk_api_key_get_id (key));
  }
}

static void
test_faults (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = sign_in_admin (session, sim);
  gint64 now = lk_time_now ();
  LkPermissions none = { { 0 } };

  lk_simulator_set_now (sim, now);

  /* 500, once; other methods and paths untouched */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_500, 0, 1);
  {
    g_autoptr(Reply) other = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);
    g_autoptr(Reply) failed = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);
    g_autoptr(Reply) fine = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);

    g_assert_cmpuint (other->status, ==, 200);
    assert_error_body (failed, 500, NULL, NULL);
    g_assert_cmpuint (fine->status, ==, 200);
  }

  /* 429 and 503 carry Retry-After; a count of 2 lasts two requests */
  lk_simulator_add_fault (sim, NULL, LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_HTTP_429, 7, 2);
  lk_simulator_add_fault (sim, NULL, LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_HTTP_503, 3, 1);
  {
    g_autoptr(Reply) a = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);
    g_autoptr(Reply) b = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);
    g_autoptr(Reply) c = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);
    g_autoptr(Reply) d = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    assert_error_body (a, 429, NULL, NULL);
    g_assert_cmpstr (a->retry_after, ==, "7");
    assert_error_body (b, 429, NULL, NULL);
    assert_error_body (c, 503, NULL, NULL);
    g_assert_cmpstr (c->retry_after, ==, "3");
    g_assert_cmpuint (d->status, ==, 200);
  }

  /* Malformed JSON: 200 with a body no parser accepts */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_MALFORMED_JSON, 0, 1);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);
    g_autoptr(GPtrArray) items = NULL;
    g_autoptr(GError) error = NULL;
    guint offset, total;

    g_assert_cmpuint (reply->status, ==, 200);
    g_assert_false (lk_wire_parse_key_page (reply_text (reply), reply_length (reply),
                                            &items, &offset, &total, &error));
    g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
    g_assert_null (json_from_string (reply_text (reply), NULL));
  }

  /* The token is refused once, as if it had expired */
  lk_simulator_add_fault (sim, NULL, LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_HTTP_401, 0, 1);
  {
    g_autoptr(Reply) a = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);
    g_autoptr(Reply) b = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    assert_error_body (a, 401, NULL, NULL);
    g_assert_cmpuint (b->status, ==, 200);
  }

  /* Latency delays the reply, which still comes */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_LATENCY, 400, 1);
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    g_assert_cmpuint (reply->status, ==, 200);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
  }

  /* Latency beyond the client's timeout: the client gives up; the late
   * reply to a closed connection harms nothing */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_LATENCY, 1500, 1);
  {
    g_autoptr(SoupSession) impatient = soup_session_new_with_options ("timeout", 1, NULL);
    g_autoptr(Reply) reply = api_get (impatient, sim, bearer, LK_WIRE_PATH_WHOAMI);

    g_assert_error (reply->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    lk_test_spin (1000);
  }
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    g_assert_cmpuint (reply->status, ==, 200);
  }

  /* Truncated body: the client sees a broken reply; the create happened */
  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_TRUNCATED_BODY, 0, 1);
  {
    g_autoptr(Reply) reply = api_create (session, sim, bearer, "trunc", "Truncated reply",
                                         now + 30 * DAY, &none);
    g_autoptr(LkApiKey) key = NULL;

    assert_truncated (reply);
    key = lk_simulator_find_key_by_name (sim, "Truncated reply");
    g_assert_nonnull (key);
  }
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_TRUNCATED_BODY, 0, 1);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);

    assert_truncated (reply);
  }

  /* Dropped after commit: no reply, but the key exists, and a retry with
   * the same Idempotency-Key returns it with its secret */
  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 1);
  {
    guint n_before = lk_simulator_get_n_keys (sim);
    guint posts_before = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS);
    g_autoptr(Reply) lost = api_create (session, sim, bearer, "drop-1", "Lost reply",
                                        now + 30 * DAY, &none);
    g_autoptr(LkApiKey) key = lk_simulator_find_key_by_name (sim, "Lost reply");
    g_autoptr(Reply) retry = NULL;
    g_autoptr(LkCreatedKey) created = NULL;

    g_assert_nonnull (lost->error);
    g_assert_nonnull (key);
    g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS), >=, posts_before + 1);

    retry = api_create (session, sim, bearer, "drop-1", "Lost reply", now + 30 * DAY, &none);
    created = assert_created (retry);
    g_assert_cmpstr (lk_api_key_get_id (created->key), ==, lk_api_key_get_id (key));
    g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_before + 1);
  }

  /* A GET dropped on a reused connection: libsoup itself sends an
   * idempotent request again once, so the client sees the second reply */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 1);
  {
    guint gets_before = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS);
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_KEYS);
    guint n_gets = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS) - gets_before;

    if (reply->error == NULL)
      {
        g_assert_cmpuint (reply->status, ==, 200);
        g_assert_cmpuint (n_gets, ==, 2);
      }
    else
      g_assert_cmpuint (n_gets, ==, 1);
  }

  /* The same for a DELETE: the first request deletes, the second finds
   * nothing */
  lk_simulator_add_fault (sim, "DELETE", NULL, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 1);
  {
    g_autoptr(LkApiKey) doomed = lk_simulator_add_key (sim, "Dropped delete", NULL, 0, NULL);
    g_autoptr(Reply) reply = api_delete (session, sim, bearer, lk_api_key_get_id (doomed));
    guint n_deletes = lk_simulator_count_requests (sim, "DELETE", NULL);
    g_autoptr(LkApiKey) gone = lk_simulator_lookup_key (sim, lk_api_key_get_id (doomed));

    g_assert_null (gone);
    if (reply->error == NULL)
      {
        assert_error_body (reply, 404, NULL, NULL);
        g_assert_cmpuint (n_deletes, ==, 2);
      }
    else
      g_assert_cmpuint (n_deletes, ==, 1);
  }

  /* No reply at all: the client's own timeout ends the wait */
  lk_simulator_add_fault (sim, "DELETE", NULL, LK_SIM_FAULT_NO_REPLY, 0, 1);
  {
    g_autoptr(SoupSession) impatient = soup_session_new_with_options ("timeout", 1, NULL);
    g_autoptr(Reply) reply = api_delete (impatient, sim, bearer, "whatever");

    g_assert_error (reply->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  }

  /* An endless fault until cleared */
  lk_simulator_add_fault (sim, NULL, NULL, LK_SIM_FAULT_HTTP_503, 1, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

      g_assert_cmpuint (reply->status, ==, 503);
    }
  lk_simulator_clear_faults (sim);
  {
    g_autoptr(Reply) reply = api_get (session, sim, bearer, LK_WIRE_PATH_WHOAMI);

    g_assert_cmpuint (reply->status, ==, 200);
  }

  /* Counters */
  g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_WHOAMI), ==, 14);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "DELETE", NULL), >=, 2);
  g_assert_cmpuint (lk_simulator_count_requests (sim, NULL, LK_WIRE_PATH_TOKEN), ==, 1);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "PUT", NULL), ==, 0);
}

/* Requests still held when the simulator stops end without a crash. */
static void
test_stop_with_held_requests (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = sign_in_admin (session, sim);
  g_autofree char *url = api_url (sim, LK_WIRE_PATH_WHOAMI);
  g_autoptr(SoupMessage) held = soup_message_new ("GET", url);
  g_autoptr(SoupMessage) slow = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) held_result = NULL;
  g_autoptr(GAsyncResult) slow_result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  lk_simulator_add_fault (sim, NULL, LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_NO_REPLY, 0, 1);
  lk_simulator_add_fault (sim, NULL, LK_WIRE_PATH_WHOAMI, LK_SIM_FAULT_LATENCY, 60000, 1);
  soup_message_headers_replace (soup_message_get_request_headers (held), "Authorization", bearer);
  soup_message_headers_replace (soup_message_get_request_headers (slow), "Authorization", bearer);
  soup_session_send_and_read_async (session, held, G_PRIORITY_DEFAULT, NULL,
                                    lk_test_store_result, &held_result);
  lk_test_spin (200);
  soup_session_send_and_read_async (session, slow, G_PRIORITY_DEFAULT, NULL,
                                    lk_test_store_result, &slow_result);
  lk_test_spin (300);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_WHOAMI), ==, 2);
  g_assert_null (held_result);
  g_assert_null (slow_result);

  lk_simulator_stop (sim);
  g_assert_null (lk_simulator_get_base_url (sim));

  lk_test_wait_result (&held_result, WAIT_MS);
  lk_test_wait_result (&slow_result, WAIT_MS);
  body = soup_session_send_and_read_finish (session, held_result, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&body, g_bytes_unref);
  body = soup_session_send_and_read_finish (session, slow_result, &error);
  g_assert_nonnull (error);

  g_assert_finalize_object (g_steal_pointer (&sim));
}

static char *
make_certificate (char **out_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lk-sim-tls-XXXXXX", &error);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *err_text = NULL;
  int status = 0;

  g_assert_no_error (error);
  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = {
      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
      "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", NULL
    };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, &err_text, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("openssl failed: %s", err_text);
  }

  *out_dir = g_steal_pointer (&dir);
  return g_steal_pointer (&cert);
}

static void
remove_certificate (const char *dir)
{
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);

  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}

static void
test_https (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *cert_file = make_certificate (&dir);
  g_autofree char *key_file = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(SoupSession) trusting = NULL;
  g_autoptr(SoupSession) plain = new_session ();
  g_autofree char *bearer = NULL;

  g_assert_no_error (error);
  g_assert_true (lk_simulator_start (sim, 0, certificate, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (lk_simulator_get_base_url (sim), "https://127.0.0.1:"));

  /* Without the CA: a TLS error */
  {
    g_autoptr(Reply) reply = api_get (plain, sim, NULL, LK_WIRE_PATH_WHOAMI);

    g_assert_nonnull (reply->error);
    g_assert_true (reply->error->domain == G_TLS_ERROR ||
                   reply->error->domain == G_IO_ERROR);
  }

  /* Trusting it: the whole contract works */
  database = g_tls_file_database_new (cert_file, &error);
  g_assert_no_error (error);
  trusting = soup_session_new_with_options ("timeout", 10, "tls-database", database, NULL);
  bearer = sign_in_admin (trusting, sim);
  {
    g_autoptr(Reply) reply = api_get (trusting, sim, bearer, LK_WIRE_PATH_WHOAMI);

    g_assert_no_error (reply->error);
    g_assert_cmpuint (reply->status, ==, 200);
  }

  /* Faults that take the connection work over TLS too */
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_TRUNCATED_BODY, 0, 1);
  {
    g_autoptr(Reply) reply = api_get (trusting, sim, bearer, LK_WIRE_PATH_KEYS);

    assert_truncated (reply);
  }

  lk_simulator_stop (sim);
  remove_certificate (dir);
}

static void
test_program (void)
{
  const char *bin = g_getenv ("LK_SIM_BIN");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(SoupSession) session = new_session ();

  if (bin == NULL)
    {
      g_test_skip ("LK_SIM_BIN is not set");
      return;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, bin, "--keys", "50", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      char *colon;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      colon = strstr (line, ": ");
      g_assert_nonnull (colon);
      *colon = '\0';
      g_hash_table_insert (lines, g_strdup (line), g_strdup (colon + 2));
    }

  g_assert_true (g_str_has_prefix (g_hash_table_lookup (lines, "url"), "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (g_hash_table_lookup (lines, "token-url"), LK_WIRE_PATH_TOKEN));

  /* The printed admin key signs in and sees the seeded tenant */
  {
    g_autofree char *auth = basic_auth (g_hash_table_lookup (lines, "client-id"),
                                        g_hash_table_lookup (lines, "client-secret"));
    g_autoptr(Reply) token = send_request (session, "POST", g_hash_table_lookup (lines, "token-url"),
                                           auth, NULL, "application/x-www-form-urlencoded",
                                           LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS);
    g_autofree char *access = NULL;
    g_autofree char *bearer = NULL;
    g_autofree char *url = NULL;
    g_autoptr(Reply) page = NULL;
    g_autoptr(GPtrArray) items = NULL;
    guint offset, total;

    g_assert_cmpuint (token->status, ==, 200);
    g_assert_true (lk_wire_parse_token (reply_text (token), reply_length (token), &access, NULL, NULL));
    bearer = g_strconcat ("Bearer ", access, NULL);
    url = g_strconcat (g_hash_table_lookup (lines, "url"), LK_WIRE_PATH_KEYS, NULL);
    page = send_request (session, "GET", url, bearer, NULL, NULL, NULL);
    g_assert_cmpuint (page->status, ==, 200);
    g_assert_true (lk_wire_parse_key_page (reply_text (page), reply_length (page),
                                           &items, &offset, &total, NULL));
    g_assert_cmpuint (total, >=, 50 + 25);
  }

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_large_tenant (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  lk_simulator_seed (sim, 100000);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("seeding 100,000 keys took %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), >=, 100000);

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  bearer = sign_in_admin (session, sim);

  /* A page deep in the list is as quick as the first */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s?%s=%u&%s=100", LK_WIRE_PATH_KEYS,
                                               LK_WIRE_QUERY_OFFSET, 99000 + i,
                                               LK_WIRE_QUERY_LIMIT);
      g_autoptr(Reply) reply = api_get (session, sim, bearer, path);

      g_assert_cmpuint (reply->status, ==, 200);
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("20 deep pages took %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

/* Run last: every message logged so far holds no secret or token. */
static void
test_no_secret_in_logs (void)
{
  g_autoptr(LkSimulator) sim = start_simulator ();
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *bearer = sign_in_admin (session, sim);
  g_autoptr(Reply) reply = api_create (session, sim, bearer, "log-1", "Logged?",
                                       lk_time_now () + 5 * DAY, NULL);
  g_autoptr(LkCreatedKey) created = assert_created (reply);
  g_autoptr(Reply) deleted = api_delete (session, sim, bearer, lk_api_key_get_id (created->key));

  g_assert_cmpuint (deleted->status, ==, 204);
  /* The simulator did log these requests */
  g_assert_nonnull (strstr (captured_log->str, LK_WIRE_PATH_KEYS));
  g_assert_null (strstr (captured_log->str, created->client_secret));
  g_assert_null (strstr (captured_log->str, lk_simulator_get_admin_client_secret (sim)));
  g_assert_null (strstr (captured_log->str, bearer + strlen ("Bearer ")));
  g_assert_null (strstr (captured_log->str, "Authorization"));
}

int
main (int   argc,
      char *argv[])
{
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/simulator/token", test_token);
  g_test_add_func ("/lk/simulator/whoami", test_whoami);
  g_test_add_func ("/lk/simulator/token-expiry", test_token_expiry);
  g_test_add_func ("/lk/simulator/list-pages", test_list_pages);
  g_test_add_func ("/lk/simulator/create-validation", test_create_validation);
  g_test_add_func ("/lk/simulator/idempotency", test_idempotency);
  g_test_add_func ("/lk/simulator/delete", test_delete);
  g_test_add_func ("/lk/simulator/permissions", test_permissions);
  g_test_add_func ("/lk/simulator/key-expiry", test_key_expiry);
  g_test_add_func ("/lk/simulator/faults", test_faults);
  g_test_add_func ("/lk/simulator/stop-with-held-requests", test_stop_with_held_requests);
  g_test_add_func ("/lk/simulator/https", test_https);
  g_test_add_func ("/lk/simulator/program", test_program);
  g_test_add_func ("/lk/simulator/large-tenant", test_large_tenant);
  g_test_add_func ("/lk/simulator/no-secret-in-logs", test_no_secret_in_logs);

  return g_test_run ();
}
