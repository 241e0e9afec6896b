/* test-bad-input.c: input at and beyond the limits, end to end
 *
 * What test-client (the validators' messages) and test-wire (every reply
 * field missing, null, mistyped or 10 MB long; the Custom region's URL and
 * CA file rules) already prove is not repeated here.  This file takes the
 * same inputs through the simulator, as the platform would see them:
 *   - key names at the limits, right-to-left, emoji, control characters:
 *     what the client accepts round-trips exactly; what it refuses is
 *     refused before sending, and the platform refuses it too;
 *   - expiry dates in the past, today, 365 and 366 days ahead, across
 *     both daylight-saving changes of a real time zone;
 *   - Custom regions whose URLs try to pass for loopback, and CA files
 *     that are dangling links, behind a file, hold no certificate, or
 *     cannot be read (by a user who is not root).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "lk-client.h"
#include "lk-simulator.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 30000
#define DAY (24 * 60 * 60)
#define ZONE "Europe/London"

/* ---- Helpers ---- */

static LkClient *
client_for (LkSimulator *sim)
{
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  LkClient *client = lk_client_new (platform);

  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 10);
  return client;
}

static LkCreatedKey *
create_key (LkClient    *client,
            const char  *name,
            gint64       expires_at,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_create_key_async (client, name, expires_at, NULL, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_client_create_key_finish (client, result, error);
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

/* Sends a request to the simulator with a plain SoupSession, as a client
 * that does not validate anything would.  Returns the status. */
static guint
raw_request (LkSimulator  *sim,
             const char   *method,
             const char   *path,
             const char   *authorization,
             const char   *content_type,
             const char   *body,
             gsize         length,
             GBytes      **out_reply)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (lk_simulator_get_base_url (sim), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) request_body = g_bytes_new (body, length);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *reply;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_message_set_request_body_from_bytes (msg, content_type, request_body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lk_test_store_result, &result);
  reply = soup_session_send_and_read_finish (session, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);

  if (out_reply != NULL)
    *out_reply = reply;
  else
    g_bytes_unref (reply);
  return soup_message_get_status (msg);
}

/* "Bearer TOKEN" for the simulator's admin, fetched by hand. */
static char *
raw_bearer (LkSimulator *sim)
{
  g_autofree char *pair = g_strconcat (lk_simulator_get_admin_client_id (sim), ":",
                                       lk_simulator_get_admin_client_secret (sim), NULL);
  g_autofree char *basic_value = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *basic = g_strconcat ("Basic ", basic_value, NULL);
  const char *form = LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 expires_in = 0;
  gsize length = 0;
  const char *data;
  guint status;

  status = raw_request (sim, "POST", LK_WIRE_PATH_TOKEN, basic,
                       "application/x-www-form-urlencoded", form, strlen (form), &reply);
  g_assert_cmpuint (status, ==, 200);
  data = g_bytes_get_data (reply, &length);
  g_assert_true (lk_wire_parse_token (data, length, &token, &expires_in, &error));
  g_assert_no_error (error);

  return g_strconcat ("Bearer ", token, NULL);
}

/* ---- Key names ---- */

typedef struct {
  const char *label;
  const char *name;
  gboolean    valid;
} NameCase;

static void
test_names (void)
{
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) long64 = g_string_new (NULL);
  g_autoptr(GString) long65 = g_string_new (NULL);
  g_autoptr(GString) emoji64 = g_string_new (NULL);
  g_autoptr(GString) emoji65 = g_string_new (NULL);
  g_autoptr(GString) rtl64 = g_string_new (NULL);
  g_autofree char *bearer = NULL;
  gint64 expires_at = lk_time_now () + 30 * DAY;
  LkClient *client;

  for (int i = 0; i < 64; i++)
    {
      g_string_append_c (long64, 'k');
      g_string_append (emoji64, "🔑");
      g_string_append (rtl64, "ש");
    }
  g_string_append_printf (long65, "%sk", long64->str);
  g_string_append_printf (emoji65, "%s🔑", emoji64->str);

  {
    const NameCase cases[] = {
      { "empty",                 "",                                  FALSE },
      { "only spaces",           "     ",                             FALSE },
      { "only a tab",            "\t",                                FALSE },
      { "64 characters",         long64->str,                         TRUE },
      { "65 characters",         long65->str,                         FALSE },
      { "64 emoji",              emoji64->str,                        TRUE },
      { "65 emoji",              emoji65->str,                        FALSE },
      { "64 Hebrew letters",     rtl64->str,                          TRUE },
      { "right-to-left",         "מפתח סריקה",                        TRUE },
      { "mixed directions",      "مفتاح scanner 🔐 2",                 TRUE },
      { "emoji sequence",        "team 👩‍👩‍👧‍👦 key",                      TRUE },
      { "combining marks",       "cafe\xcc\x81 key",                  TRUE },
      { "padded",                "   trimmed name   ",                TRUE },
      { "control character",     "bad\x01name",                       FALSE },
      { "newline",               "two\nlines",                        FALSE },
      { "delete character",      "bad\x7fname",                       FALSE },
      { "C1 control",            "bad\xc2\x85name",                   FALSE },
      { "escape sequence",       "\x1b[31mred\x1b[0m",                FALSE },
      { "invalid UTF-8",         "bad\xff\xfe",                       FALSE },
    };

    g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
    g_assert_no_error (error);
    client = client_for (sim);
    bearer = raw_bearer (sim);

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(LkCreatedKey) created = NULL;
        g_autoptr(GError) local_error = NULL;
        guint posts = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS);
        gboolean locally_valid = lk_validate_key_name (cases[i].name, &local_error);

        g_test_message ("name: %s", cases[i].label);
        if (locally_valid != cases[i].valid)
          g_error ("“%s” should be %s", cases[i].label, cases[i].valid ? "accepted" : "refused");

        created = create_key (client, cases[i].name, expires_at, &error);
        if (cases[i].valid)
          {
            g_autofree char *trimmed = g_strstrip (g_strdup (cases[i].name));
            LkApiKey *row;

            /* Accepted: stored and listed exactly as typed, less the
             * surrounding spaces. */
            g_assert_no_error (error);
            g_assert_nonnull (created);
            g_assert_cmpstr (lk_api_key_get_name (created->key), ==, trimmed);
            g_assert_true (list_keys (client, &error));
            g_assert_no_error (error);
            row = find_row (client, lk_api_key_get_id (created->key));
            g_assert_nonnull (row);
            g_assert_cmpstr (lk_api_key_get_name (row), ==, trimmed);
            {
              g_autoptr(LkApiKey) on_platform = lk_simulator_lookup_key (sim, lk_api_key_get_id (created->key));

              g_assert_cmpstr (lk_api_key_get_name (on_platform), ==, trimmed);
            }
          }
        else
          {
            g_autoptr(GBytes) reply = NULL;
            guint status;

            /* Refused before anything is sent, with the validator's words. */
            g_assert_null (created);
            g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
            g_assert_cmpstr (error->message, ==, local_error->message);
            g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS), ==, posts);
            g_clear_error (&error);

            /* And the platform refuses it too, from a client that does not
             * check (invalid UTF-8 cannot even be put into JSON). */
            if (g_utf8_validate (cases[i].name, -1, NULL))
              {
                gsize length = 0;
                g_autofree char *body = lk_wire_build_create_body (cases[i].name, expires_at, NULL, &length);

                status = raw_request (sim, "POST", LK_WIRE_PATH_KEYS, bearer, "application/json",
                                      body, length, &reply);
                if (status != 400 && status != 422)
                  g_error ("the platform answered %u to the name “%s”", status, cases[i].label);
              }
          }
      }

    /* A name that was just taken: refused by the platform, with a reason. */
    {
      g_autoptr(LkCreatedKey) again = create_key (client, "   trimmed name ", expires_at, &error);

      g_assert_null (again);
      g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT);
      g_assert_cmpuint (strlen (error->message), >, 0);
      g_clear_error (&error);
    }
  }

  /* Separators the platform counts as control characters: whichever side
   * refuses, the user gets a clear error about the name. */
  {
    const char *const separators[] = { "line\xe2\x80\xa8separator", "para\xe2\x80\xa9separator" };

    for (guint i = 0; i < G_N_ELEMENTS (separators); i++)
      {
        g_autoptr(LkCreatedKey) created = create_key (client, separators[i], expires_at, &error);

        g_assert_null (created);
        g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
        g_assert_cmpuint (strlen (error->message), >, 0);
        g_test_message ("separator %u: %s", i, error->message);
        g_clear_error (&error);
      }
  }

  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

/* ---- Expiry across daylight-saving changes ---- */

static gint64
local_time (int year,
            int month,
            int day,
            int hour,
            int minute)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (year, month, day, hour, minute, 0);

  g_assert_nonnull (when);
  return g_date_time_to_unix (when);
}

static gint64
add_local_days (gint64 now,
                int    days)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now);
  g_autoptr(GDateTime) later = g_date_time_add_days (local, days);

  return g_date_time_to_unix (later);
}

/* A clock that says whatever *@user_data holds. */
static gint64
fixed_clock (gpointer user_data)
{
  return *(const gint64 *) user_data;
}

static void
check_expiry_around (LkSimulator *sim,
                     LkClient    *client,
                     const char  *label,
                     gint64       now,
                     gboolean     change_tomorrow)
{
  gint64 tomorrow = add_local_days (now, 1);
  gint64 in_365 = add_local_days (now, 365);
  gint64 in_366 = add_local_days (now, 366);
  g_autoptr(GDateTime) local_now = g_date_time_new_from_unix_local (now);
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GError) error = NULL;
  struct {
    const char *what;
    gint64      expires_at;
    gboolean    valid;
  } cases[] = {
    { "an hour ago",     now - 3600,    FALSE },
    { "later today",     0,             FALSE },
    { "tomorrow",        tomorrow,      TRUE },
    { "in 365 days",     in_365,        TRUE },
    { "in 366 days",     in_366,        FALSE },
  };

  midnight = g_date_time_new_local (g_date_time_get_year (local_now), g_date_time_get_month (local_now),
                                    g_date_time_get_day_of_month (local_now), 23, 59, 0);
  cases[1].expires_at = g_date_time_to_unix (midnight);

  /* The day count is in calendar days, whatever the clocks did. */
  g_assert_cmpint (lk_time_days_between (now, tomorrow), ==, 1);
  if (change_tomorrow)
    g_assert_cmpint (tomorrow - now, !=, DAY);
  g_assert_cmpint (lk_time_days_between (now, in_365), ==, 365);

  lk_time_set_clock (fixed_clock, &now);
  lk_simulator_set_now (sim, now);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LkCreatedKey) created = NULL;
      g_autofree char *name = g_strdup_printf ("%s, %s", label, cases[i].what);
      guint posts = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS);
      gboolean valid = lk_validate_expiry (now, cases[i].expires_at, &error);

      g_test_message ("%s: %s", label, cases[i].what);
      if (valid != cases[i].valid)
        g_error ("%s: an expiry %s should be %s", label, cases[i].what,
                 cases[i].valid ? "accepted" : "refused");
      if (!valid)
        {
          g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
          g_assert_nonnull (strstr (error->message, "365"));
          g_clear_error (&error);
        }

      created = create_key (client, name, cases[i].expires_at, &error);
      if (!cases[i].valid)
        {
          g_assert_null (created);
          g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
          g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS), ==, posts);
          g_clear_error (&error);
          continue;
        }

      /* Accepted here: the platform takes it, or says clearly why not. */
      if (created == NULL)
        {
          g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
          g_assert_nonnull (strstr (error->message, "expires_at"));
          g_test_message ("the platform counts days otherwise: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      {
        g_autoptr(LkApiKey) on_platform = lk_simulator_lookup_key (sim, lk_api_key_get_id (created->key));

        g_assert_cmpint (lk_api_key_get_expires_at (on_platform), ==, cases[i].expires_at);
        g_assert_cmpint (lk_api_key_get_days_until_expiry (created->key), ==,
                         lk_time_days_between (now, cases[i].expires_at));
      }
    }

  lk_time_set_clock (NULL, NULL);
  lk_simulator_set_now (sim, 0);
}

static void
test_expiry_dst (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (ZONE);
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(GError) error = NULL;
  LkClient *client;

  if (zone == NULL)
    {
      g_test_skip ("the time zone " ZONE " is not installed (tzdata)");
      return;
    }

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  client = client_for (sim);

  /* The clocks go forward on 2026-03-29 (a 23-hour day) and back on
   * 2026-10-25 (a 25-hour day). */
  check_expiry_around (sim, client, "spring", local_time (2026, 3, 28, 12, 0), TRUE);
  check_expiry_around (sim, client, "autumn", local_time (2026, 10, 24, 12, 0), TRUE);
  /* Half past midnight in summer time: UTC is still on the day before. */
  check_expiry_around (sim, client, "summer midnight", local_time (2027, 10, 31, 0, 30), FALSE);

  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

/* ---- Custom regions ---- */

static void
test_custom_urls (void)
{
  g_autofree char *huge = NULL;
  g_autoptr(GString) long_url = g_string_new ("https://a.example/");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (long_url, 'x');
  huge = g_string_free (g_steal_pointer (&long_url), FALSE);

  {
    /* Plain http that only looks like this computer: always refused. */
    const char *const disguised[] = {
      "http://127.0.0.1@evil.example",
      "http://127.0.0.1:80@evil.example/",
      "http://localhost@evil.example",
      "http://evil.example#@127.0.0.1",
      "http://evil.example?@127.0.0.1",
      "http://127.0.0.1.evil.example",
      "http://localhost.evil.example:8080",
      "http://2130706433",
      "http://0x7f.0.0.1",
    };
    /* Not URLs of a platform at all. */
    const char *const unparsable[] = {
      "https://[::1",
      "https://a.example:99999",
      "https://a.example:-1",
      "javascript:alert(1)",
      "file:///etc/passwd",
      "data:text/plain,hello",
      "//a.example/path",
      "https:/a.example",
      "https://\xff\xfe.example",
      " ",
    };

    for (guint i = 0; i < G_N_ELEMENTS (disguised); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(LkPlatform) platform = lk_platform_new_custom (disguised[i], "https://auth.example/token",
                                                                 NULL, &error);

        if (platform != NULL)
          g_error ("plain http to %s was accepted", disguised[i]);
        g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
        g_assert_nonnull (strstr (error->message, "API URL"));

        /* The same as the token URL, which carries the secret. */
        g_clear_error (&error);
        platform = lk_platform_new_custom ("https://a.example", disguised[i], NULL, &error);
        if (platform != NULL)
          g_error ("plain http to %s was accepted for the token", disguised[i]);
        g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
        g_assert_nonnull (strstr (error->message, "token URL"));
      }

    for (guint i = 0; i < G_N_ELEMENTS (unparsable); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(LkPlatform) platform = lk_platform_new_custom (unparsable[i], "https://auth.example/token",
                                                                 NULL, &error);

        if (platform != NULL)
          g_error ("“%s” was accepted as an API URL", unparsable[i]);
        g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
        g_assert_nonnull (strstr (error->message, "API URL"));
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
      }
  }

  /* A control character or a space in an address: refused (it would
   * reach the request line and the keyring's "platform" attribute). */
  {
    static const char *const bad[] = {
      "https://a.example/\n", "https://a.example/\r\nX-Injected: 1", "https://a.example/a b", "\thttps://a.example",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(LkPlatform) platform = lk_platform_new_custom (bad[i], "https://a.example/token",
                                                                 NULL, &error);

        g_assert_null (platform);
        g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
        g_clear_error (&error);
        platform = lk_platform_new_custom ("https://a.example", bad[i], NULL, &error);
        g_assert_null (platform);
        g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
      }
  }

  /* Absurdly long: no crash, and a message of a sane length, either way. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LkPlatform) platform = lk_platform_new_custom (huge, "https://a.example/token", NULL, &error);

    if (platform == NULL)
      {
        g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
        g_assert_cmpuint (strlen (error->message), <, 1000);
      }
    else
      g_assert_true (g_str_has_prefix (lk_platform_get_api_base (platform), "https://"));
  }
}

static void
assert_ca_refused (const char *ca_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkPlatform) platform = lk_platform_new_custom ("https://a.example", "https://a.example/token",
                                                           ca_file, &error);

  if (platform != NULL)
    g_error ("the CA file %s was accepted", ca_file);
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
  g_assert_nonnull (strstr (error->message, "CA file"));
}

static gboolean
make_ca (const char *dir,
         char      **out_cert,
         char      **out_key)
{
  g_autofree char *key = g_build_filename (dir, "ca.key", NULL);
  g_autofree char *cert = g_build_filename (dir, "ca.pem", NULL);
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=Layer Keys bad input CA",
    NULL,
  };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return FALSE;

  *out_cert = g_steal_pointer (&cert);
  *out_key = g_steal_pointer (&key);
  return TRUE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static void
test_custom_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *dangling = NULL;
  g_autofree char *behind_file = NULL;
  g_autofree char *unreadable = NULL;
  g_autofree char *contents = NULL;

  if (g_test_subprocess ())
    {
      /* As a user who is not root, a mode-000 file cannot be read. */
      const char *path = g_getenv ("LK_TEST_UNREADABLE");

      g_assert_nonnull (path);
      if (geteuid () == 0)
        {
          g_assert_cmpint (setgid (65534), ==, 0);
          g_assert_cmpint (setuid (65534), ==, 0);
        }
      g_assert_false (g_file_get_contents (path, &contents, NULL, NULL));
      assert_ca_refused (path);
      return;
    }

  dir = g_dir_make_tmp ("lk-test-bad-input-XXXXXX", &error);
  g_assert_no_error (error);

  if (!make_ca (dir, &cert, &key))
    {
      g_test_skip ("openssl could not make a certificate");
      remove_tree (dir);
      return;
    }

  /* The good one is accepted: the refusals below are about the file. */
  {
    g_autoptr(LkPlatform) platform = lk_platform_new_custom ("https://a.example", "https://a.example/token",
                                                             cert, &error);

    g_assert_no_error (error);
    g_assert_nonnull (platform);
  }

  /* A link to nowhere. */
  dangling = g_build_filename (dir, "dangling.pem", NULL);
  g_assert_cmpint (symlink ("/nonexistent/ca.pem", dangling), ==, 0);
  assert_ca_refused (dangling);

  /* A path that goes through a file. */
  behind_file = g_build_filename (cert, "ca.pem", NULL);
  assert_ca_refused (behind_file);

  /* A private key, not a certificate. */
  assert_ca_refused (key);

  /* Unreadable: mode 000, tried by a user who is not root. */
  g_assert_true (g_file_get_contents (cert, &contents, NULL, NULL));
  unreadable = g_build_filename (dir, "unreadable.pem", NULL);
  g_assert_true (g_file_set_contents (unreadable, contents, -1, NULL));
  g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_setenv ("LK_TEST_UNREADABLE", unreadable, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("LK_TEST_UNREADABLE");
  g_test_trap_assert_passed ();

  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* A zone with daylight-saving time, whatever the machine uses. */
  g_setenv ("TZ", ZONE, TRUE);
  tzset ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/bad-input/names", test_names);
  g_test_add_func ("/lk/bad-input/expiry-dst", test_expiry_dst);
  g_test_add_func ("/lk/bad-input/custom-urls", test_custom_urls);
  g_test_add_func ("/lk/bad-input/custom-ca-file", test_custom_ca_file);

  return g_test_run ();
}
