/* test-wire.c: the wire parsers and builders against good, bad and hostile
 * replies; the LkApiKey model; platform profiles and their validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <malloc.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "lk-error.h"
#include "lk-platform.h"
#include "lk-sim-wire.h"
#include "lk-time.h"
#include "lk-wire.h"

#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define LK_HAVE_ASAN 1
# endif
#endif

/* Put into replies to check that no error message quotes a body. */
#define MARKER "Zq7-MARKER-not-for-messages"

/* Helpers */

static JsonObject *
object_from_text (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

static const char key_json[] =
  "{\"id\": \"key-1\", \"name\": \"CI scanner\", \"client_id\": \"cid-1\","
  " \"created_at\": \"2026-01-02T03:04:05Z\", \"expires_at\": \"2026-12-31T00:00:00+01:00\","
  " \"created_by\": \"admin@example.com\","
  " \"permissions\": {\"model_inventory\": [\"read\", \"write\"], \"model_scanner\": [\"write\"]}}";

static const char whoami_json[] =
  "{\"key_id\": \"admin-1\", \"name\": \"Admin\", \"client_id\": \"cid-admin\","
  " \"expires_at\": \"2027-01-01T00:00:00Z\","
  " \"permissions\": {\"api_keys\": [\"read\", \"write\", \"delete\"]}}";

static const char token_json[] =
  "{\"access_token\": \"tok-abc\", \"token_type\": \"Bearer\", \"expires_in\": 120}";

/* A created reply: key_json plus a client secret. */
static char *
created_text (void)
{
  g_autoptr(JsonObject) object = object_from_text (key_json);

  json_object_set_string_member (object, "client_secret", MARKER);
  return object_to_text (object);
}

static char *
page_text (guint n, guint offset, guint total)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *items = json_array_new ();

  for (guint i = 0; i < n; i++)
    {
      JsonObject *key = object_from_text (key_json);
      g_autofree char *id = g_strdup_printf ("key-%u", offset + i);

      json_object_set_string_member (key, "id", id);
      json_array_add_object_element (items, key);
    }
  json_object_set_array_member (object, "items", items);
  json_object_set_int_member (object, "offset", offset);
  json_object_set_int_member (object, "limit", 100);
  json_object_set_int_member (object, "total", total);

  return object_to_text (object);
}

/* The parsers behind one signature: returns TRUE on success. */
typedef gboolean (*ParseFunc) (const char *data, gsize length, GError **error);

static gboolean
parse_token (const char *data, gsize length, GError **error)
{
  g_autoptr(LkSecretString) token = NULL;
  gint64 expires_in = 0;
  gboolean ok = lk_wire_parse_token (data, length, &token, &expires_in, error);

  g_assert_true (ok == (token != NULL));
  return ok;
}

static gboolean
parse_whoami (const char *data, gsize length, GError **error)
{
  g_autoptr(LkApiKey) key = lk_wire_parse_whoami (data, length, error);

  return key != NULL;
}

static gboolean
parse_page (const char *data, gsize length, GError **error)
{
  g_autoptr(GPtrArray) items = NULL;
  gboolean ok = lk_wire_parse_key_page (data, length, &items, NULL, NULL, error);

  g_assert_true (ok == (items != NULL));
  return ok;
}

static gboolean
parse_created (const char *data, gsize length, GError **error)
{
  g_autoptr(LkCreatedKey) created = lk_wire_parse_created (data, length, error);

  return created != NULL;
}

static gboolean
parse_key_object (const char *data, gsize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LkApiKey) key = NULL;

  g_assert_true (json_parser_load_from_data (parser, data, length, NULL));
  key = lk_wire_key_from_json (json_parser_get_root (parser), error);
  return key != NULL;
}

/* Asserts that @parse refuses @data with MALFORMED_REPLY, with a message
 * that names @field (when given) and quotes nothing of the body. */
static void
assert_refused (ParseFunc   parse,
                const char *data,
                gsize       length,
                const char *field)
{
  g_autoptr(GError) error = NULL;

  if (parse (data, length, &error))
    g_error ("accepted %.200s", data != NULL ? data : "(null)");
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_assert_null (strstr (error->message, MARKER));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 300);

  if (field != NULL)
    {
      g_autofree char *quoted = g_strdup_printf ("“%s”", field);

      if (strstr (error->message, quoted) == NULL)
        g_error ("“%s” does not name %s", error->message, field);
    }
}

static void
assert_accepted (ParseFunc   parse,
                 const char *data)
{
  g_autoptr(GError) error = NULL;

  if (!parse (data, strlen (data), &error))
    g_error ("refused %.300s: %s", data, error->message);
}

static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

typedef enum {
  REQUIRED_STRING,
  OPTIONAL_STRING,
  TIME,
  PERMISSIONS,
  COUNT,
  ARRAY,
} FieldKind;

/* Every way of getting @field wrong in @base, each refused and named. */
static void
check_field (ParseFunc   parse,
             const char *base,
             const char *field,
             FieldKind   kind)
{
  g_autofree char *long_string = g_strnfill (LK_WIRE_MAX_FIELD_LENGTH + 1, 'a');
  g_autofree char *max_string = g_strnfill (LK_WIRE_MAX_FIELD_LENGTH, 'a');
  enum { MISSING, NULL_VALUE, NUMBER, FLOAT, BOOLEAN, ARRAY_VALUE, OBJECT, STRING,
         EMPTY_STRING, LONG_STRING, MAX_STRING, LONE_SURROGATE, BAD_TIME, NEGATIVE, N_VARIANTS };

  for (guint variant = 0; variant < N_VARIANTS; variant++)
    {
      g_autoptr(JsonObject) object = object_from_text (base);
      g_autofree char *text = NULL;
      gboolean expect_ok = FALSE;

      switch (variant)
        {
        case MISSING:
          json_object_remove_member (object, field);
          expect_ok = kind == OPTIONAL_STRING;
          break;
        case NULL_VALUE:
          json_object_set_null_member (object, field);
          expect_ok = kind == OPTIONAL_STRING;
          break;
        case NUMBER:
          json_object_set_int_member (object, field, 42);
          expect_ok = kind == COUNT;
          break;
        case FLOAT:
          json_object_set_double_member (object, field, 1.5);
          break;
        case BOOLEAN:
          json_object_set_boolean_member (object, field, TRUE);
          break;
        case ARRAY_VALUE:
          json_object_set_array_member (object, field, json_array_new ());
          expect_ok = kind == ARRAY;
          break;
        case OBJECT:
          json_object_set_object_member (object, field, json_object_new ());
          expect_ok = kind == PERMISSIONS;
          break;
        case STRING:
          json_object_set_string_member (object, field, MARKER);
          expect_ok = kind == REQUIRED_STRING || kind == OPTIONAL_STRING;
          break;
        case EMPTY_STRING:
          json_object_set_string_member (object, field, "");
          expect_ok = kind == OPTIONAL_STRING;
          break;
        case LONG_STRING:
          json_object_set_string_member (object, field, long_string);
          break;
        case MAX_STRING:
          json_object_set_string_member (object, field, max_string);
          expect_ok = kind == REQUIRED_STRING || kind == OPTIONAL_STRING;
          break;
        case LONE_SURROGATE:
          {
            g_autofree char *text_with_escape = NULL;
            g_autofree char *placeholder = NULL;

            /* JSON-GLib decodes \ud800 to bytes that are not UTF-8. */
            json_object_set_string_member (object, field, "@SURROGATE@");
            placeholder = object_to_text (object);
            text_with_escape = replace_all (placeholder, "@SURROGATE@", "a\\ud800b");
            assert_refused (parse, text_with_escape, strlen (text_with_escape), field);
          }
          continue;
        case BAD_TIME:
          json_object_set_string_member (object, field, "2026-13-45T99:00:00Z");
          expect_ok = kind == REQUIRED_STRING || kind == OPTIONAL_STRING;
          break;
        case NEGATIVE:
          json_object_set_int_member (object, field, -1);
          break;
        default:
          g_assert_not_reached ();
        }

      text = object_to_text (object);
      if (expect_ok)
        assert_accepted (parse, text);
      else
        assert_refused (parse, text, strlen (text), field);
    }
}

/* Bodies no parser may accept. */
static void
check_hostile_bodies (ParseFunc   parse,
                      const char *good)
{
  static const char *const bodies[] = {
    "", " ", "null", "true", "42", "\"" MARKER "\"", "[]", "[{}]", "{}",
    "{", "}", "{\"", "{\"id\":", "{\"id\": \"x\",}", "{id: 1}", "{'id': 'x'}",
    "<html><body>502 Bad Gateway " MARKER "</body></html>",
    "Internal Server Error",
    "{\"items\": [] } trailing",
    "\xef\xbb\xbf{}",
  };
  gsize good_length = strlen (good);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autofree char *nul_inside = NULL;
  g_autofree char *not_utf8 = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    assert_refused (parse, bodies[i], strlen (bodies[i]), NULL);

  /* No data at all. */
  assert_refused (parse, NULL, 0, NULL);
  assert_refused (parse, good, 0, NULL);

  /* Every truncation of a good reply. */
  for (gsize len = 1; len < good_length; len++)
    {
      g_autofree char *prefix = g_strndup (good, len);

      /* Not NUL-terminated where it stops: copy to an exact-size buffer. */
      char *exact = g_memdup2 (good, len);

      assert_refused (parse, exact, len, NULL);
      g_free (exact);
      assert_refused (parse, prefix, len, NULL);
    }

  /* A NUL byte inside, and bytes that are not UTF-8. */
  nul_inside = g_strdup (good);
  nul_inside[good_length / 2] = '\0';
  assert_refused (parse, nul_inside, good_length, NULL);

  not_utf8 = g_strdup (good);
  for (char *p = not_utf8; *p; p++)
    if (*p == 'a' || *p == 'e')
      *p = '\xff';
  assert_refused (parse, not_utf8, good_length, NULL);

  /* Deep nesting that would exhaust a recursive parser's stack. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  assert_refused (parse, deep->str, deep->len, NULL);
  g_string_truncate (deep, 0);
  g_string_append (deep, "{\"items\": ");
  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "{\"a\":");
  assert_refused (parse, deep->str, deep->len, NULL);
}

/* Token */

static void
test_token_good (void)
{
  static const struct {
    const char *json;
    const char *token;
    gint64      expires_in;
  } cases[] = {
    { "{\"access_token\": \"tok\", \"token_type\": \"Bearer\", \"expires_in\": 120}", "tok", 120 },
    { "{\"access_token\": \"tok\", \"token_type\": \"bearer\", \"expires_in\": 1}", "tok", 1 },
    { "{\"access_token\": \"tok\", \"token_type\": \"BEARER\"}", "tok", 3600 },
    { "{\"access_token\": \"tok\"}", "tok", LK_WIRE_DEFAULT_TOKEN_LIFETIME },
    { "{\"access_token\": \"tok\", \"expires_in\": null, \"token_type\": null}", "tok", 3600 },
    { "{\"access_token\": \"tok\", \"expires_in\": \"600\"}", "tok", 600 },
    { "{\"access_token\": \"tok\", \"scope\": \"x y\", \"ext\": {\"a\": [1, 2]}}", "tok", 3600 },
    { "{\"access_token\": \"a\\u00e9\\\"b\"}", "a\xc3\xa9\"b", 3600 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LkSecretString) token = NULL;
      gint64 expires_in = 0;

      g_assert_true (lk_wire_parse_token (cases[i].json, strlen (cases[i].json),
                                          &token, &expires_in, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (token, ==, cases[i].token);
      g_assert_cmpint (expires_in, ==, cases[i].expires_in);
    }

  /* A long JWT-sized token is fine. */
  {
    g_autofree char *jwt = g_strnfill (8000, 'j');
    g_autofree char *json = g_strdup_printf ("{\"access_token\": \"%s\"}", jwt);
    g_autoptr(LkSecretString) token = NULL;

    g_assert_true (lk_wire_parse_token (json, strlen (json), &token, NULL, NULL));
    g_assert_cmpstr (token, ==, jwt);
  }
}

static void
test_token_bad (void)
{
  static const struct {
    const char *json;
    const char *field;
  } cases[] = {
    { "{\"token_type\": \"Bearer\"}", "access_token" },
    { "{\"access_token\": null}", "access_token" },
    { "{\"access_token\": \"\"}", "access_token" },
    { "{\"access_token\": 42}", "access_token" },
    { "{\"access_token\": [\"" MARKER "\"]}", "access_token" },
    { "{\"access_token\": {\"v\": \"" MARKER "\"}}", "access_token" },
    { "{\"access_token\": \"" MARKER "\", \"token_type\": \"MAC\"}", "token_type" },
    { "{\"access_token\": \"" MARKER "\", \"token_type\": \"\"}", "token_type" },
    { "{\"access_token\": \"" MARKER "\", \"token_type\": 1}", "token_type" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": 0}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": -60}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": 1.5}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": \"soon\"}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": \"-5\"}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": true}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": []}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": 9223372036854775807}", "expires_in" },
    { "{\"access_token\": \"" MARKER "\", \"expires_in\": 1e300}", "expires_in" },
  };
  g_autofree char *huge = g_strnfill (LK_WIRE_MAX_TOKEN_LENGTH + 1, 't');
  g_autofree char *huge_json = g_strdup_printf ("{\"access_token\": \"%s\"}", huge);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (parse_token, cases[i].json, strlen (cases[i].json), cases[i].field);

  assert_refused (parse_token, huge_json, strlen (huge_json), "access_token");
  check_hostile_bodies (parse_token, token_json);
}

/* whoami */

static void
test_whoami_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkApiKey) key = lk_wire_parse_whoami (whoami_json, strlen (whoami_json), &error);
  g_autoptr(JsonObject) extra = object_from_text (whoami_json);
  g_autofree char *extra_text = NULL;
  gint64 expires;

  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpstr (lk_api_key_get_id (key), ==, "admin-1");
  g_assert_cmpstr (lk_api_key_get_name (key), ==, "Admin");
  g_assert_cmpstr (lk_api_key_get_client_id (key), ==, "cid-admin");
  g_assert_null (lk_api_key_get_created_by (key));
  g_assert_cmpint (lk_api_key_get_created_at (key), ==, 0);
  g_assert_true (lk_time_parse_rfc3339 ("2027-01-01T00:00:00Z", &expires));
  g_assert_cmpint (lk_api_key_get_expires_at (key), ==, expires);
  g_assert_cmpint (lk_permissions_get (lk_api_key_get_permissions (key), LK_CATEGORY_API_KEYS), ==, LK_ACCESS_ALL);
  g_assert_cmpint (lk_permissions_get (lk_api_key_get_permissions (key), LK_CATEGORY_USERS), ==, LK_ACCESS_NONE);

  /* Unknown members are ignored, whatever their shape. */
  json_object_set_string_member (extra, "tenant", "acme");
  json_object_set_array_member (extra, "tags", json_array_new ());
  json_object_set_null_member (extra, "id");
  json_object_set_object_member (extra, "meta", json_object_new ());
  extra_text = object_to_text (extra);
  assert_accepted (parse_whoami, extra_text);
}

static void
test_whoami_bad (void)
{
  check_field (parse_whoami, whoami_json, "key_id", REQUIRED_STRING);
  check_field (parse_whoami, whoami_json, "name", REQUIRED_STRING);
  check_field (parse_whoami, whoami_json, "client_id", REQUIRED_STRING);
  check_field (parse_whoami, whoami_json, "expires_at", TIME);
  check_field (parse_whoami, whoami_json, "permissions", PERMISSIONS);
  check_hostile_bodies (parse_whoami, whoami_json);
}

/* Keys and pages */

static void
test_key_good (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LkApiKey) key = NULL;
  g_autofree char *summary = NULL;
  gint64 t;

  g_assert_true (json_parser_load_from_data (parser, key_json, -1, NULL));
  key = lk_wire_key_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lk_api_key_get_id (key), ==, "key-1");
  g_assert_cmpstr (lk_api_key_get_name (key), ==, "CI scanner");
  g_assert_cmpstr (lk_api_key_get_client_id (key), ==, "cid-1");
  g_assert_cmpstr (lk_api_key_get_created_by (key), ==, "admin@example.com");
  g_assert_true (lk_time_parse_rfc3339 ("2026-01-02T03:04:05Z", &t));
  g_assert_cmpint (lk_api_key_get_created_at (key), ==, t);
  g_assert_true (lk_time_parse_rfc3339 ("2026-12-30T23:00:00Z", &t));
  g_assert_cmpint (lk_api_key_get_expires_at (key), ==, t);
  summary = lk_permissions_to_summary (lk_api_key_get_permissions (key));
  g_assert_cmpstr (summary, ==, "Model Inventory: Read, Write · Model Scanner: Write");
  g_assert_false (lk_api_key_get_has_local_secret (key));

  /* Names are taken as they are, whatever the script. */
  {
    g_autoptr(JsonObject) object = object_from_text (key_json);
    g_autofree char *text = NULL;

    json_object_set_string_member (object, "name", "مفتاح 🔑 ключ");
    text = object_to_text (object);
    assert_accepted (parse_key_object, text);
  }
}

static void
test_key_bad (void)
{
  g_autoptr(GError) error = NULL;

  check_field (parse_key_object, key_json, "id", REQUIRED_STRING);
  check_field (parse_key_object, key_json, "name", REQUIRED_STRING);
  check_field (parse_key_object, key_json, "client_id", REQUIRED_STRING);
  check_field (parse_key_object, key_json, "created_at", TIME);
  check_field (parse_key_object, key_json, "expires_at", TIME);
  check_field (parse_key_object, key_json, "created_by", OPTIONAL_STRING);
  check_field (parse_key_object, key_json, "permissions", PERMISSIONS);

  /* Not an object at all. */
  g_assert_null (lk_wire_key_from_json (NULL, &error));
  g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  g_clear_error (&error);
  {
    g_autoptr(JsonNode) node = json_from_string ("[1]", NULL);

    g_assert_null (lk_wire_key_from_json (node, &error));
    g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
  }
}

static void
test_ten_megabyte_name (void)
{
  g_autoptr(JsonObject) object = object_from_text (key_json);
  g_autofree char *name = g_strnfill (10 * 1024 * 1024, 'N');
  g_autofree char *text = NULL;
  g_autofree char *page = NULL;
  g_autofree char *created = NULL;

  json_object_set_string_member (object, "name", name);
  text = object_to_text (object);
  assert_refused (parse_key_object, text, strlen (text), "name");

  page = g_strdup_printf ("{\"items\": [%s], \"offset\": 0, \"limit\": 100, \"total\": 1}", text);
  assert_refused (parse_page, page, strlen (page), "name");

  json_object_set_string_member (object, "client_secret", MARKER);
  created = object_to_text (object);
  assert_refused (parse_created, created, strlen (created), "name");
}

static void
test_too_large (void)
{
  gsize size = LK_WIRE_MAX_REPLY_SIZE + 1;
  g_autofree char *body = g_malloc (size);

  /* A valid JSON string, too large as a whole. */
  memset (body, ' ', size);
  body[0] = '{';
  body[size - 1] = '}';
  assert_refused (parse_page, body, size, NULL);
  assert_refused (parse_token, body, size, NULL);
  assert_refused (parse_whoami, body, size, NULL);
  assert_refused (parse_created, body, size, NULL);
}

/* lk_wire_parse_key_page reads plain pages with a fast reader of its own
 * and gives anything else to JSON-GLib.  An unknown member holding an
 * escape makes a page go the JSON-GLib way without changing its meaning,
 * so each page here must give the same answer both ways. */
static gboolean
same_keys (GPtrArray *a,
           GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      LkApiKey *x = a->pdata[i], *y = b->pdata[i];

      if (g_strcmp0 (lk_api_key_get_id (x), lk_api_key_get_id (y)) != 0 ||
          g_strcmp0 (lk_api_key_get_name (x), lk_api_key_get_name (y)) != 0 ||
          g_strcmp0 (lk_api_key_get_client_id (x), lk_api_key_get_client_id (y)) != 0 ||
          g_strcmp0 (lk_api_key_get_created_by (x), lk_api_key_get_created_by (y)) != 0 ||
          lk_api_key_get_created_at (x) != lk_api_key_get_created_at (y) ||
          lk_api_key_get_expires_at (x) != lk_api_key_get_expires_at (y) ||
          !lk_permissions_equal (lk_api_key_get_permissions (x), lk_api_key_get_permissions (y)))
        return FALSE;
    }

  return TRUE;
}

/* Returns whether @page parsed; asserts both ways agree. */
static gboolean
page_parses_both_ways (const char *page)
{
  g_autofree char *slow = NULL;
  g_autoptr(GPtrArray) items_fast = NULL;
  g_autoptr(GPtrArray) items_slow = NULL;
  g_autoptr(GError) error_fast = NULL;
  g_autoptr(GError) error_slow = NULL;
  guint offset_fast = 0, total_fast = 0, offset_slow = 0, total_slow = 0;
  gboolean ok_fast, ok_slow;

  g_assert_true (page[0] == '{');
  slow = g_strconcat ("{\"zz\": \"\\u0041\", ", page + 1, NULL);

  ok_fast = lk_wire_parse_key_page (page, strlen (page), &items_fast, &offset_fast, &total_fast, &error_fast);
  ok_slow = lk_wire_parse_key_page (slow, strlen (slow), &items_slow, &offset_slow, &total_slow, &error_slow);

  g_assert_cmpint (ok_fast, ==, ok_slow);
  if (ok_fast)
    {
      g_assert_cmpuint (offset_fast, ==, offset_slow);
      g_assert_cmpuint (total_fast, ==, total_slow);
      g_assert_true (same_keys (items_fast, items_slow));
    }
  else
    {
      g_assert_error (error_fast, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
      g_assert_error (error_slow, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
      g_assert_cmpstr (error_fast->message, ==, error_slow->message);
    }

  return ok_fast;
}

#define PAGE_KEY \
  "{\"id\": \"k1\", \"name\": \"Ünïcode name\", \"client_id\": \"c1\", " \
  "\"created_at\": \"2026-01-01T00:00:00Z\", \"expires_at\": \"2027-03-28T01:30:00+02:00\", " \
  "\"created_by\": null, \"permissions\": {\"users\": [\"read\", \"bogus\"], " \
  "\"new_category\": {\"x\": [1, 2, {\"y\": null}]}, \"api_keys\": [], " \
  "\"model_scanner\": [\"write\", \"delete\"]}}"

static void
test_page_fast_reader (void)
{
  g_autofree char *generated = page_text (LK_WIRE_PAGE_LIMIT_MAX, 0, 5000);
  static const char * const good[] = {
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"limit\": null, \"total\": 1}",
    "{\"items\": [" PAGE_KEY ", " PAGE_KEY "], \"offset\": 0, \"total\": 2, \"extra\": [true, false, -12, \"s\"]}",
    "{\"items\":[],\"offset\":5,\"total\":0}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 4294967295}\n",
    "{\"items\": [{\"id\": \"a\", \"id\": \"b\", \"name\": \"n\", \"client_id\": \"c\", \"created_at\": \"2026-01-01T00:00:00Z\", "
      "\"expires_at\": \"2026-01-01T00:00:00.5Z\", \"created_by\": \"\", \"permissions\": {\"users\": [\"read\"], \"users\": [\"write\"]}}], "
      "\"offset\": 0, \"total\": 1}",
  };
  static const char * const bad[] = {
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 0}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 1.0}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 4294967296}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"limit\": -1, \"total\": 1}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 1} x",
    "{\"items\": [" PAGE_KEY "], \"total\": 1}",
    "{\"items\": [{\"id\": \"\", \"name\": \"n\", \"client_id\": \"c\", \"created_at\": \"2026-01-01T00:00:00Z\", "
      "\"expires_at\": \"2026-01-01T00:00:00Z\", \"permissions\": {}}], \"offset\": 0, \"total\": 1}",
    "{\"items\": [{\"id\": \"a\", \"name\": \"n\", \"client_id\": \"c\", \"created_at\": \"2026-02-30T00:00:00Z\", "
      "\"expires_at\": \"2026-01-01T00:00:00Z\", \"permissions\": {}}], \"offset\": 0, \"total\": 1}",
    "{\"items\": [{\"id\": \"a\", \"name\": \"n\", \"client_id\": \"c\", \"created_at\": \"2026-01-01T00:00:00Z\", "
      "\"expires_at\": \"2026-01-01T00:00:00Z\", \"permissions\": null}], \"offset\": 0, \"total\": 1}",
    "{\"items\": [{\"id\": \"a\", \"name\": \"n\", \"client_id\": \"c\", \"created_at\": \"2026-01-01T00:00:00Z\", "
      "\"expires_at\": \"2026-01-01T00:00:00Z\", \"permissions\": {\"users\": [\"read\", 1]}}], \"offset\": 0, \"total\": 1}",
  };

  /* Whatever JSON-GLib makes of these, both ways agree. */
  static const char * const either[] = {
    "{\"items\": [" PAGE_KEY "], \"offset\": 00, \"total\": 1}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 1, \"n\": 01}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 1, \"n\": 1e5}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 1, \"n\": [1,]}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 1,}",
    "{\"items\": [" PAGE_KEY "], \"offset\": 0, \"total\": 1}\f",
  };

  for (guint i = 0; i < G_N_ELEMENTS (either); i++)
    page_parses_both_ways (either[i]);
  g_assert_true (page_parses_both_ways (generated));
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (page_parses_both_ways (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (page_parses_both_ways (bad[i]))
        g_error ("bad page %u parsed", i);
    }
}

static void
test_page_good (void)
{
  g_autofree char *text = page_text (3, 10, 13);
  g_autofree char *empty = page_text (0, 0, 0);
  g_autofree char *full = page_text (LK_WIRE_PAGE_LIMIT_MAX, 0, 5000);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  guint offset = 99, total = 99;

  g_assert_true (lk_wire_parse_key_page (text, strlen (text), &items, &offset, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  g_assert_cmpuint (offset, ==, 10);
  g_assert_cmpuint (total, ==, 13);
  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("key-%u", 10 + i);

      g_assert_true (LK_IS_API_KEY (items->pdata[i]));
      g_assert_cmpstr (lk_api_key_get_id (items->pdata[i]), ==, id);
    }
  g_clear_pointer (&items, g_ptr_array_unref);

  g_assert_true (lk_wire_parse_key_page (empty, strlen (empty), &items, &offset, &total, &error));
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_cmpuint (total, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The list shrank while it was read: an empty page past the end is fine. */
  {
    const char *past_end = "{\"items\": [], \"offset\": 200, \"limit\": 100, \"total\": 150}";

    g_assert_true (lk_wire_parse_key_page (past_end, strlen (past_end), &items, &offset, &total, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (items->len, ==, 0);
    g_assert_cmpuint (offset, ==, 200);
    g_assert_cmpuint (total, ==, 150);
    g_clear_pointer (&items, g_ptr_array_unref);
  }

  g_assert_true (lk_wire_parse_key_page (full, strlen (full), &items, NULL, NULL, &error));
  g_assert_cmpuint (items->len, ==, LK_WIRE_PAGE_LIMIT_MAX);

  /* limit is optional */
  {
    g_autoptr(JsonObject) object = object_from_text (text);
    g_autofree char *no_limit = NULL;

    json_object_remove_member (object, "limit");
    no_limit = object_to_text (object);
    assert_accepted (parse_page, no_limit);
  }
}

static void
test_page_bad (void)
{
  g_autofree char *base = page_text (2, 0, 1000);
  static const char *const bad_items[] = {
    "[1]", "[null]", "[\"key\"]", "[[]]", "[{}]",
  };

  check_field (parse_page, base, "items", ARRAY);
  check_field (parse_page, base, "offset", COUNT);
  check_field (parse_page, base, "total", COUNT);

  for (guint i = 0; i < G_N_ELEMENTS (bad_items); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"items\": %s, \"offset\": 0, \"limit\": 100, \"total\": 1}",
                                               bad_items[i]);
      assert_refused (parse_page, text, strlen (text), NULL);
    }

  /* One bad key spoils the page (with its field named). */
  {
    g_autoptr(JsonObject) object = object_from_text (base);
    JsonArray *items = json_object_get_array_member (object, "items");
    g_autofree char *text = NULL;

    json_object_remove_member (json_array_get_object_element (items, 1), "client_id");
    text = object_to_text (object);
    assert_refused (parse_page, text, strlen (text), "client_id");
  }

  /* The page reaches past the total, or the numbers do not fit. */
  {
    static const char *const numbers[] = {
      "\"offset\": 1, \"total\": 2",
      "\"offset\": 0, \"total\": 1",
      "\"offset\": 4294967295, \"total\": 4294967295",
      "\"offset\": 4294967296, \"total\": 4294967296",
      "\"offset\": 0, \"total\": -2",
      "\"offset\": 0, \"total\": 2, \"limit\": -1",
      "\"offset\": 0, \"total\": 2, \"limit\": \"100\"",
    };
    g_autoptr(JsonObject) object = object_from_text (base);
    g_autoptr(JsonNode) items_node = json_node_new (JSON_NODE_ARRAY);
    g_autofree char *items_text = NULL;

    json_node_set_array (items_node, json_object_get_array_member (object, "items"));
    items_text = json_to_string (items_node, FALSE);

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
      {
        g_autofree char *text = g_strdup_printf ("{\"items\": %s, %s}", items_text, numbers[i]);

        assert_refused (parse_page, text, strlen (text), NULL);
      }
  }

  check_hostile_bodies (parse_page, base);
}

/* Create reply */

static void
test_created_good (void)
{
  g_autofree char *text = created_text ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LkCreatedKey) created = lk_wire_parse_created (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpstr (created->client_secret, ==, MARKER);
  g_assert_cmpstr (lk_api_key_get_id (created->key), ==, "key-1");
  g_assert_false (created->stored);
  g_assert_null (created->store_label);
  g_assert_null (created->store_error);

  /* Refcounted */
  lk_created_key_ref (created);
  lk_created_key_unref (created);
  g_assert_cmpstr (created->client_secret, ==, MARKER);
}

static void
test_created_bad (void)
{
  g_autofree char *base = created_text ();

  check_field (parse_created, base, "client_secret", REQUIRED_STRING);
  check_field (parse_created, base, "id", REQUIRED_STRING);
  check_field (parse_created, base, "name", REQUIRED_STRING);
  check_field (parse_created, base, "expires_at", TIME);
  check_field (parse_created, base, "permissions", PERMISSIONS);
  check_hostile_bodies (parse_created, base);
}

/* Error bodies */

static void
test_error_body (void)
{
  static const struct {
    const char *body;
    const char *title;
    const char *detail;
    const char *field;
  } cases[] = {
    /* {detail} */
    { "{\"detail\": \"Needs API Keys: Write\"}", NULL, "Needs API Keys: Write", NULL },
    /* RFC 9457 */
    { "{\"type\": \"about:blank\", \"title\": \"Forbidden\", \"detail\": \"Needs API Keys: Delete\"}",
      "Forbidden", "Needs API Keys: Delete", NULL },
    { "{\"type\": \"about:blank\", \"title\": \"Unprocessable\", \"detail\": \"Too far ahead\","
      " \"errors\": [{\"field\": \"expires_at\", \"message\": \"at most 365 days\"}]}",
      "Unprocessable", "Too far ahead", "expires_at" },
    { "{\"title\": \"Bad\", \"errors\": [{\"pointer\": \"#/name\", \"detail\": \"too long\"}]}",
      "Bad", "too long", "name" },
    { "{\"title\": \"Bad\", \"errors\": [{\"pointer\": \"/name\"}]}", "Bad", NULL, "name" },
    /* FastAPI-style validation list */
    { "{\"detail\": [{\"loc\": [\"body\", \"name\"], \"msg\": \"field required\"}]}",
      NULL, "field required", "name" },
    /* OAuth 2 token endpoint errors */
    { "{\"error\": \"invalid_client\", \"error_description\": \"Unknown client\"}",
      "invalid_client", "Unknown client", NULL },
    { "{\"error\": \"invalid_grant\"}", "invalid_grant", NULL, NULL },
    /* wrong shapes give nothing rather than failing */
    { "{\"detail\": 42, \"title\": [\"x\"]}", NULL, NULL, NULL },
    { "{\"detail\": \"\", \"errors\": \"name\"}", NULL, NULL, NULL },
    { "{\"errors\": [1, 2]}", NULL, NULL, NULL },
    { "{\"errors\": [{\"field\": 7}]}", NULL, NULL, NULL },
    { "{\"detail\": [{\"loc\": \"name\"}]}", NULL, NULL, NULL },
    { "{\"detail\": []}", NULL, NULL, NULL },
    { "{\"detail\": [null]}", NULL, NULL, NULL },
    /* control characters are not passed on */
    { "{\"detail\": \"line\\nbreak\\u0007bell\"}", NULL, "line break bell", NULL },
    { "{\"detail\": \"a\\u202eb\\u0085c\\u2028d\"}", NULL, "a b c d", NULL },
    { "{\"detail\": \"مفتاح 🔑\"}", NULL, "مفتاح 🔑", NULL },
    /* not JSON */
    { "Internal Server Error", NULL, NULL, NULL },
    { "<html>502</html>", NULL, NULL, NULL },
    { "", NULL, NULL, NULL },
    { "[\"detail\"]", NULL, NULL, NULL },
    { "{\"detail\": \"cut", NULL, NULL, NULL },
    { "{\"detail\": \"\xff\xfe\"}", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *field = NULL;

      lk_wire_parse_error_body (cases[i].body, strlen (cases[i].body), &title, &detail, &field);
      g_assert_cmpstr (title, ==, cases[i].title);
      g_assert_cmpstr (detail, ==, cases[i].detail);
      g_assert_cmpstr (field, ==, cases[i].field);
    }

  /* Half a surrogate pair decodes to bytes that are not UTF-8: what is
   * passed on is made valid. */
  {
    const char *body = "{\"title\": \"x\\ud800y\", \"detail\": \"a\\udfffb\"}";
    g_autofree char *title = NULL;
    g_autofree char *detail = NULL;

    lk_wire_parse_error_body (body, strlen (body), &title, &detail, NULL);
    g_assert_nonnull (title);
    g_assert_nonnull (detail);
    g_assert_true (g_utf8_validate (title, -1, NULL));
    g_assert_true (g_utf8_validate (detail, -1, NULL));
    g_assert_true (g_str_has_prefix (title, "x"));
    g_assert_true (g_str_has_prefix (detail, "a"));
  }

  /* Many half surrogate pairs within the limit would pass it once made
   * valid: dropped too. */
  {
    g_autoptr(GString) body = g_string_new ("{\"detail\": \"");
    g_autofree char *detail = NULL;

    while (body->len < LK_WIRE_MAX_FIELD_LENGTH)
      g_string_append (body, "\\ud800");
    g_string_append (body, "\"}");
    lk_wire_parse_error_body (body->str, body->len, NULL, &detail, NULL);
    if (detail != NULL)
      g_assert_cmpuint (strlen (detail), <=, LK_WIRE_MAX_FIELD_LENGTH);
  }

  /* NULL outputs and NULL data are fine. */
  lk_wire_parse_error_body (NULL, 0, NULL, NULL, NULL);
  lk_wire_parse_error_body ("{\"detail\": \"x\"}", 15, NULL, NULL, NULL);

  /* An absurdly long detail is dropped, not passed to a label. */
  {
    g_autofree char *long_detail = g_strnfill (10 * 1024 * 1024, 'd');
    g_autofree char *body = g_strdup_printf ("{\"detail\": \"%s\", \"title\": \"Bad\"}", long_detail);
    g_autofree char *title = NULL;
    g_autofree char *detail = NULL;

    lk_wire_parse_error_body (body, strlen (body), &title, &detail, NULL);
    g_assert_cmpstr (title, ==, "Bad");
    g_assert_null (detail);
  }

  /* Every truncation of a good body, without crashing. */
  {
    const char *body = cases[2].body;

    for (gsize len = 0; len < strlen (body); len++)
      {
        char *exact = g_memdup2 (body, len);
        g_autofree char *title = NULL;

        lk_wire_parse_error_body (exact, len, &title, NULL, NULL);
        g_assert_null (title);
        g_free (exact);
      }
  }
}

/* Builders round-trip through the parsers. */

static void
test_round_trip_create_body (void)
{
  LkPermissions permissions = { { 0 } }, back;
  g_autofree char *body = NULL;
  g_autofree char *name = NULL;
  g_autofree char *no_perms = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  gint64 expires_at = 0;

  lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &permissions);
  body = lk_wire_build_create_body ("scanner “prod” ✓", 1795773600, &permissions, &length);
  g_assert_cmpuint (length, ==, strlen (body));

  g_assert_true (lk_wire_parse_create_body (body, length, &name, &expires_at, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "scanner “prod” ✓");
  g_assert_cmpint (expires_at, ==, 1795773600);
  g_assert_true (lk_permissions_equal (&permissions, &back));

  /* Empty permissions travel as {}, and come back empty. */
  no_perms = lk_wire_build_create_body ("x", 1795773600, NULL, NULL);
  g_assert_nonnull (strstr (no_perms, "\"permissions\":{}"));
  memset (&back, 0xff, sizeof back);
  g_assert_true (lk_wire_parse_create_body (no_perms, strlen (no_perms), NULL, NULL, &back, NULL));
  g_assert_true (lk_permissions_is_empty (&back));
}

static void
test_create_body_bad (void)
{
  static const struct {
    const char *body;
    const char *field;
  } cases[] = {
    { "{\"expires_at\": \"2026-12-01T00:00:00Z\"}", "name" },
    { "{\"name\": null, \"expires_at\": \"2026-12-01T00:00:00Z\"}", "name" },
    { "{\"name\": 5, \"expires_at\": \"2026-12-01T00:00:00Z\"}", "name" },
    { "{\"name\": [\"a\"], \"expires_at\": \"2026-12-01T00:00:00Z\"}", "name" },
    { "{\"name\": \"a\"}", "expires_at" },
    { "{\"name\": \"a\", \"expires_at\": \"next week\"}", "expires_at" },
    { "{\"name\": \"a\", \"expires_at\": 1795773600}", "expires_at" },
    { "{\"name\": \"a\", \"expires_at\": \"2026-12-01T00:00:00Z\", \"permissions\": [\"read\"]}", "permissions" },
    { "{\"name\": \"a\", \"expires_at\": \"2026-12-01T00:00:00Z\", \"permissions\": {\"users\": \"read\"}}", "permissions" },
  };
  static const char *const not_objects[] = { "", "[]", "name=a", "{\"name\": \"a\"" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *quoted = g_strdup_printf ("“%s”", cases[i].field);

      g_assert_false (lk_wire_parse_create_body (cases[i].body, strlen (cases[i].body),
                                                 &name, NULL, NULL, &error));
      g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, quoted));
      g_assert_null (name);
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lk_wire_parse_create_body (not_objects[i], strlen (not_objects[i]),
                                                 NULL, NULL, NULL, &error));
      g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
    }

  /* An empty name is a matter for the caller's 422, not a type error. */
  {
    const char *empty_name = "{\"name\": \"\", \"expires_at\": \"2026-12-01T00:00:00Z\"}";
    g_autofree char *name = NULL;

    g_assert_true (lk_wire_parse_create_body (empty_name, strlen (empty_name), &name, NULL, NULL, NULL));
    g_assert_cmpstr (name, ==, "");
  }
}

static void
test_round_trip_key (void)
{
  LkPermissions permissions = { { 0 } };
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(LkApiKey) no_creator = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) whoami = NULL;
  g_autoptr(LkApiKey) back = NULL;
  g_autoptr(LkApiKey) back_whoami = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(JsonNode) with_secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *whoami_text = NULL;

  lk_permissions_set (&permissions, LK_CATEGORY_USERS, LK_ACCESS_READ | LK_ACCESS_DELETE);
  key = lk_api_key_new ("id-9", "ňame", "client-9", "alice", 1790000000, 1795773600, &permissions);

  node = lk_wire_key_to_json (key, NULL);
  g_assert_false (json_object_has_member (json_node_get_object (node), "client_secret"));
  back = lk_wire_key_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lk_api_key_get_id (back), ==, "id-9");
  g_assert_cmpstr (lk_api_key_get_name (back), ==, "ňame");
  g_assert_cmpstr (lk_api_key_get_client_id (back), ==, "client-9");
  g_assert_cmpstr (lk_api_key_get_created_by (back), ==, "alice");
  g_assert_cmpint (lk_api_key_get_created_at (back), ==, 1790000000);
  g_assert_cmpint (lk_api_key_get_expires_at (back), ==, 1795773600);
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (back), &permissions));

  /* No creator travels as null and comes back NULL. */
  no_creator = lk_api_key_new ("id-10", "n", "c", NULL, 1790000000, 1795773600, &permissions);
  {
    g_autoptr(JsonNode) n = lk_wire_key_to_json (no_creator, NULL);
    g_autoptr(LkApiKey) b = lk_wire_key_from_json (n, &error);

    g_assert_no_error (error);
    g_assert_null (lk_api_key_get_created_by (b));
  }

  with_secret = lk_wire_key_to_json (key, "s3cret");
  text = json_to_string (with_secret, FALSE);
  created = lk_wire_parse_created (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created->client_secret, ==, "s3cret");
  g_assert_cmpstr (lk_api_key_get_id (created->key), ==, "id-9");

  whoami = lk_wire_whoami_to_json (key);
  whoami_text = json_to_string (whoami, FALSE);
  g_assert_nonnull (strstr (whoami_text, "\"key_id\":\"id-9\""));
  back_whoami = lk_wire_parse_whoami (whoami_text, strlen (whoami_text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lk_api_key_get_id (back_whoami), ==, "id-9");
  g_assert_cmpint (lk_api_key_get_expires_at (back_whoami), ==, 1795773600);
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (back_whoami), &permissions));
}

static void
test_round_trip_token_error (void)
{
  g_autofree char *reply = lk_wire_build_token_reply ("tok-\"quoted\"", 300);
  g_autoptr(LkSecretString) token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expires_in = 0;
  g_autofree char *body = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *field = NULL;

  g_assert_true (lk_wire_parse_token (reply, strlen (reply), &token, &expires_in, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok-\"quoted\"");
  g_assert_cmpint (expires_in, ==, 300);

  body = lk_wire_build_error_body ("Unprocessable", "Pick a date within 365 days.", "expires_at");
  g_assert_nonnull (strstr (body, "\"type\":\"about:blank\""));
  lk_wire_parse_error_body (body, strlen (body), &title, &detail, &field);
  g_assert_cmpstr (title, ==, "Unprocessable");
  g_assert_cmpstr (detail, ==, "Pick a date within 365 days.");
  g_assert_cmpstr (field, ==, "expires_at");
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&detail, g_free);
  g_clear_pointer (&field, g_free);

  plain = lk_wire_build_error_body ("Not Found", "No such key.", NULL);
  g_assert_null (strstr (plain, "errors"));
  lk_wire_parse_error_body (plain, strlen (plain), &title, &detail, &field);
  g_assert_cmpstr (title, ==, "Not Found");
  g_assert_cmpstr (detail, ==, "No such key.");
  g_assert_null (field);
}

static void
test_key_path (void)
{
  g_autofree char *plain = lk_wire_build_key_path ("abc-123");
  g_autofree char *odd = lk_wire_build_key_path ("../a b/?#");

  g_assert_cmpstr (plain, ==, "/api/v1/api-keys/abc-123");
  g_assert_true (g_str_has_prefix (odd, LK_WIRE_PATH_KEY_PREFIX));
  g_assert_null (strchr (odd + strlen (LK_WIRE_PATH_KEY_PREFIX), '/'));
  g_assert_null (strchr (odd, '?'));
  g_assert_null (strchr (odd, '#'));
  g_assert_null (strchr (odd, ' '));
}

/* LkApiKey */

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  guint *count = data;

  (*count)++;
}

/* A clock that says whatever *@user_data holds. */
static gint64
fixed_clock (gpointer user_data)
{
  return *(const gint64 *) user_data;
}

static void
test_api_key_properties (void)
{
  LkPermissions permissions = { { 0 } };
  g_autoptr(LkApiKey) key = NULL;
  g_autofree char *id = NULL, *name = NULL, *client_id = NULL, *created_by = NULL;
  g_autoptr(LkPermissions) got = NULL;
  gint64 created_at = 0, expires_at = 0;
  int days = 0;
  gint64 fake_now = 0;
  gboolean has_secret = TRUE;
  guint notified = 0;

  lk_preset_apply (LK_PRESET_READ_ONLY, &permissions);
  key = lk_api_key_new ("k", "Name", "cid", "bob", 100, 1795773600, &permissions);

  g_object_get (key,
                "id", &id, "name", &name, "client-id", &client_id,
                "created-by", &created_by, "created-at", &created_at,
                "expires-at", &expires_at, "permissions", &got,
                "has-local-secret", &has_secret,
                NULL);
  g_assert_cmpstr (id, ==, "k");
  g_assert_cmpstr (name, ==, "Name");
  g_assert_cmpstr (client_id, ==, "cid");
  g_assert_cmpstr (created_by, ==, "bob");
  g_assert_cmpint (created_at, ==, 100);
  g_assert_cmpint (expires_at, ==, 1795773600);
  g_assert_true (lk_permissions_equal (got, &permissions));
  g_assert_false (has_secret);

  /* days until expiry follows the (fake) clock, in calendar days */
  fake_now = 1795773600;
  lk_time_set_clock (fixed_clock, &fake_now);
  g_assert_cmpint (lk_api_key_get_days_until_expiry (key), ==, 0);
  fake_now = 1795514400;   /* three days earlier */
  g_object_get (key, "days-until-expiry", &days, NULL);
  g_assert_cmpint (days, ==, 3);
  fake_now = 1796378400;   /* a week later */
  g_assert_cmpint (lk_api_key_get_days_until_expiry (key), ==, -7);
  lk_time_set_clock (NULL, NULL);

  /* notify only on change */
  g_signal_connect (key, "notify::has-local-secret", G_CALLBACK (on_notify), &notified);
  lk_api_key_set_has_local_secret (key, FALSE);
  g_assert_cmpuint (notified, ==, 0);
  lk_api_key_set_has_local_secret (key, TRUE);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (lk_api_key_get_has_local_secret (key));
  lk_api_key_set_has_local_secret (key, TRUE);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (key, "has-local-secret", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_object_set (key, "has-local-secret", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 2);

  g_assert_finalize_object (g_steal_pointer (&key));
}

static void
test_api_key_construct (void)
{
  LkPermissions permissions = { { 0 } };
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(LkApiKey) bare = NULL;

  lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_WRITE);
  key = g_object_new (LK_TYPE_API_KEY,
                      "id", "k2", "name", "Via properties", "client-id", "c2",
                      "expires-at", (gint64) 0, "permissions", &permissions,
                      NULL);
  g_assert_cmpstr (lk_api_key_get_id (key), ==, "k2");
  g_assert_cmpstr (lk_api_key_get_name (key), ==, "Via properties");
  g_assert_null (lk_api_key_get_created_by (key));
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (key), &permissions));
  /* no expiry */
  g_assert_cmpint (lk_api_key_get_days_until_expiry (key), ==, G_MAXINT);

  bare = lk_api_key_new ("k3", "n", "c", NULL, 0, 0, NULL);
  g_assert_true (lk_permissions_is_empty (lk_api_key_get_permissions (bare)));
}

static void
test_api_key_size (void)
{
  GTypeQuery query;

  /* A hundred thousand keys stay well under 1.5 KB each: the instance
   * itself is small, its four strings are small allocations. */
  g_type_query (LK_TYPE_API_KEY, &query);
  g_assert_cmpuint (query.instance_size, <=, 128);
}

static void
test_api_key_memory (void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(LK_HAVE_ASAN)
  g_test_skip ("AddressSanitizer replaces malloc: heap use is not measurable");
#else
  const guint n = 20000;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_full (n, g_object_unref);
  g_autofree char *page = page_text (LK_WIRE_PAGE_LIMIT_MAX, 0, n);
  struct mallinfo2 before, after;
  gsize per_key;

  /* Keys as a list of 20,000 holds them: parsed from real pages, with
   * realistic strings (ids, 10-character names, client IDs, creators). */
  before = mallinfo2 ();
  for (guint offset = 0; offset < n; offset += LK_WIRE_PAGE_LIMIT_MAX)
    {
      g_autoptr(GPtrArray) items = NULL;

      g_assert_true (lk_wire_parse_key_page (page, strlen (page), &items, NULL, NULL, NULL));
      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (keys, g_object_ref (items->pdata[i]));
    }
  after = mallinfo2 ();

  g_assert_cmpuint (keys->len, ==, n);
  if (after.uordblks <= before.uordblks)
    {
      /* A sanitizer's allocator that the #if above did not recognise. */
      g_test_skip ("this allocator does not report heap use");
      return;
    }
  per_key = (after.uordblks - before.uordblks) / n;
  g_test_message ("heap per key: %" G_GSIZE_FORMAT " bytes", per_key);
  g_assert_cmpuint (per_key, <, 1536);
#endif
}

static void
test_created_key (void)
{
  g_autoptr(LkApiKey) key = lk_api_key_new ("k", "n", "c", NULL, 0, 0, NULL);
  LkCreatedKey *created = lk_created_key_new (key, "the-secret");
  GValue value = G_VALUE_INIT;

  g_assert_cmpstr (created->client_secret, ==, "the-secret");
  g_assert_true (created->key == key);

  g_value_init (&value, LK_TYPE_CREATED_KEY);
  g_value_set_boxed (&value, created);
  g_assert_true (g_value_get_boxed (&value) == created);   /* a reference, not a copy */
  lk_created_key_unref (created);
  g_assert_cmpstr (((LkCreatedKey *) g_value_get_boxed (&value))->client_secret, ==, "the-secret");

  created = g_value_get_boxed (&value);
  created->store_label = g_strdup ("label");
  g_set_error_literal (&created->store_error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED, "locked");
  g_value_unset (&value);   /* last reference: everything freed (checked by ASan) */

  lk_secret_free (NULL);
  lk_secret_free (g_strdup (""));
  lk_secret_free (g_strdup ("wipe me"));
}

/* LkPlatform */

static void
test_platform_regions (void)
{
  g_autoptr(LkPlatform) us = lk_platform_new_region (LK_REGION_US);
  g_autoptr(LkPlatform) eu = lk_platform_new_region (LK_REGION_EU);

  g_assert_cmpint (lk_platform_get_region (us), ==, LK_REGION_US);
  g_assert_cmpstr (lk_platform_get_api_base (us), ==, "https://api.hiddenlayer.ai");
  g_assert_cmpstr (lk_platform_get_token_url (us), ==, "https://api.hiddenlayer.ai/oauth2/token");
  g_assert_cmpstr (lk_platform_get_fallback_token_url (us), ==, "https://auth.hiddenlayer.ai/oauth2/token");
  g_assert_cmpstr (lk_platform_get_id (us), ==, "https://api.hiddenlayer.ai");
  g_assert_null (lk_platform_get_ca_file (us));

  g_assert_cmpint (lk_platform_get_region (eu), ==, LK_REGION_EU);
  g_assert_cmpstr (lk_platform_get_api_base (eu), ==, "https://api.eu.hiddenlayer.ai");
  g_assert_cmpstr (lk_platform_get_token_url (eu), ==, "https://api.eu.hiddenlayer.ai/oauth2/token");
  g_assert_cmpstr (lk_platform_get_fallback_token_url (eu), ==, "https://auth.eu.hiddenlayer.ai/oauth2/token");

  g_assert_cmpstr (lk_region_get_name (LK_REGION_US), ==, "United States");
  g_assert_cmpstr (lk_region_get_name (LK_REGION_EU), ==, "European Union");
  g_assert_nonnull (lk_region_get_name (LK_REGION_CUSTOM));

  /* refcounting */
  lk_platform_unref (lk_platform_ref (us));
  g_assert_cmpstr (lk_platform_get_api_base (us), ==, "https://api.hiddenlayer.ai");
}

static void
test_platform_custom_good (void)
{
  static const struct {
    const char *api;
    const char *token;
    const char *expected_base;
  } cases[] = {
    { "https://keys.example.com/", "https://auth.example.com/oauth2/token", "https://keys.example.com" },
    { "https://keys.example.com/hl//", "https://auth.example.com/token", "https://keys.example.com/hl" },
    { "https://keys.example.com:8443", "https://keys.example.com:8443/token", "https://keys.example.com:8443" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080/oauth2/token", "http://127.0.0.1:8080" },
    { "http://127.10.20.30", "http://localhost/token", "http://127.10.20.30" },
    { "http://localhost:9000/", "http://LOCALHOST:9000/token", "http://localhost:9000" },
    { "http://[::1]:8080", "http://[::1]:8080/token", "http://[::1]:8080" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LkPlatform) platform = lk_platform_new_custom (cases[i].api, cases[i].token, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (lk_platform_get_region (platform), ==, LK_REGION_CUSTOM);
      g_assert_cmpstr (lk_platform_get_api_base (platform), ==, cases[i].expected_base);
      g_assert_cmpstr (lk_platform_get_id (platform), ==, cases[i].expected_base);
      g_assert_cmpstr (lk_platform_get_token_url (platform), ==, cases[i].token);
      g_assert_null (lk_platform_get_ca_file (platform));
    }

  /* An empty CA file name means none. */
  {
    g_autoptr(LkPlatform) platform = lk_platform_new_custom ("https://a.example", "https://a.example/t", "", NULL);

    g_assert_nonnull (platform);
    g_assert_null (lk_platform_get_ca_file (platform));
  }
}

static void
test_platform_custom_bad (void)
{
  static const struct {
    const char *api;
    const char *token;
    const char *names;    /* the field the message must name */
    const char *says;     /* and a word it must say */
  } cases[] = {
    { "http://keys.example.com", "https://auth.example.com/t", "API URL", "https" },
    { "https://keys.example.com", "http://auth.example.com/t", "token URL", "https" },
    { "http://10.0.0.1", "https://auth.example.com/t", "API URL", "https" },
    { "http://128.0.0.1", "https://auth.example.com/t", "API URL", "https" },
    { "http://localhost.example.com", "https://auth.example.com/t", "API URL", "https" },
    { "http://[::2]", "https://auth.example.com/t", "API URL", "https" },
    { "http://0.0.0.0", "https://auth.example.com/t", "API URL", "https" },
    { "not a url", "https://auth.example.com/t", "API URL", "valid" },
    { "https://", "https://auth.example.com/t", "API URL", "valid" },
    { "keys.example.com", "https://auth.example.com/t", "API URL", "valid" },
    { "ftp://keys.example.com", "https://auth.example.com/t", "API URL", "valid" },
    { "https://keys example.com", "https://auth.example.com/t", "API URL", "valid" },
    { "https://keys.example.com", "", "token URL", "missing" },
    { "", "https://auth.example.com/t", "API URL", "missing" },
    { NULL, "https://auth.example.com/t", "API URL", "missing" },
    { "https://keys.example.com", NULL, "token URL", "missing" },
    { "https://user:" MARKER "@keys.example.com", "https://auth.example.com/t", "API URL", "password" },
    { "https://keys.example.com?x=1", "https://auth.example.com/t", "API URL", "query" },
    { "https://keys.example.com", "https://auth.example.com/t#frag", "token URL", "fragment" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LkPlatform) platform = lk_platform_new_custom (cases[i].api, cases[i].token, NULL, &error);

      g_assert_null (platform);
      g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
      if (strstr (error->message, cases[i].names) == NULL || strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: “%s” should name %s and say %s", i, error->message, cases[i].names, cases[i].says);
      g_assert_null (strstr (error->message, MARKER));
    }
}

static gboolean
make_certificate (const char *dir,
                  char      **out_path)
{
  g_autofree char *key = g_build_filename (dir, "ca.key", NULL);
  g_autofree char *cert = g_build_filename (dir, "ca.pem", NULL);
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=Layer Keys test CA",
    NULL,
  };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return FALSE;

  *out_path = g_steal_pointer (&cert);
  return TRUE;
}

static void
test_platform_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lk-test-wire-XXXXXX", &error);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.pem", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.pem", NULL);
  g_autofree char *unreadable = g_build_filename (dir, "unreadable.pem", NULL);
  g_autofree char *cert = NULL;
  const char *bad[] = { missing, garbage, empty, dir };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(LkPlatform) platform = lk_platform_new_custom ("https://a.example", "https://a.example/t", bad[i], &error);

      g_assert_null (platform);
      g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
      g_assert_nonnull (strstr (error->message, "CA file"));
      g_clear_error (&error);
    }

  if (!make_certificate (dir, &cert))
    {
      g_test_incomplete ("openssl could not make a certificate");
    }
  else
    {
      g_autoptr(LkPlatform) platform = lk_platform_new_custom ("https://a.example", "https://a.example/t", cert, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (lk_platform_get_ca_file (platform), ==, cert);

      /* Unreadable: only meaningful when not root, who reads everything. */
      if (geteuid () != 0)
        {
          g_autofree char *contents = NULL;
          g_autoptr(LkPlatform) refused = NULL;

          g_assert_true (g_file_get_contents (cert, &contents, NULL, NULL));
          g_assert_true (g_file_set_contents (unreadable, contents, -1, NULL));
          g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);
          refused = lk_platform_new_custom ("https://a.example", "https://a.example/t", unreadable, &error);
          g_assert_null (refused);
          g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM);
          g_assert_nonnull (strstr (error->message, "CA file"));
          g_clear_error (&error);
          g_unlink (unreadable);
        }
    }

  /* clean up */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

static void
test_url_is_loopback (void)
{
  static const char *const yes[] = {
    "http://127.0.0.1", "http://127.0.0.1:1234/x", "https://127.255.255.254",
    "http://localhost", "http://LocalHost:80", "http://[::1]:9/", "https://[::1]",
  };
  static const char *const no[] = {
    "http://example.com", "http://128.0.0.1", "http://[::2]", "http://10.1.2.3",
    "http://localhost.evil.example", "http://127.0.0.1.evil.example", "ftp://127.0.0.1",
    "127.0.0.1", "", "http://", "garbage", "http://0x7f000001",
  };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (!lk_url_is_loopback (yes[i]))
      g_error ("%s should be loopback", yes[i]);
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (lk_url_is_loopback (no[i]))
      g_error ("%s should not be loopback", no[i]);
  g_assert_false (lk_url_is_loopback (NULL));
}

int
main (int argc, char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  g_setenv ("TZ", "UTC", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/wire/token-good", test_token_good);
  g_test_add_func ("/lk/wire/token-bad", test_token_bad);
  g_test_add_func ("/lk/wire/whoami-good", test_whoami_good);
  g_test_add_func ("/lk/wire/whoami-bad", test_whoami_bad);
  g_test_add_func ("/lk/wire/key-good", test_key_good);
  g_test_add_func ("/lk/wire/key-bad", test_key_bad);
  g_test_add_func ("/lk/wire/ten-megabyte-name", test_ten_megabyte_name);
  g_test_add_func ("/lk/wire/too-large", test_too_large);
  g_test_add_func ("/lk/wire/page-good", test_page_good);
  g_test_add_func ("/lk/wire/page-bad", test_page_bad);
  g_test_add_func ("/lk/wire/page-fast-reader", test_page_fast_reader);
  g_test_add_func ("/lk/wire/created-good", test_created_good);
  g_test_add_func ("/lk/wire/created-bad", test_created_bad);
  g_test_add_func ("/lk/wire/error-body", test_error_body);
  g_test_add_func ("/lk/wire/round-trip-create-body", test_round_trip_create_body);
  g_test_add_func ("/lk/wire/create-body-bad", test_create_body_bad);
  g_test_add_func ("/lk/wire/round-trip-key", test_round_trip_key);
  g_test_add_func ("/lk/wire/round-trip-token-error", test_round_trip_token_error);
  g_test_add_func ("/lk/wire/key-path", test_key_path);
  g_test_add_func ("/lk/api-key/properties", test_api_key_properties);
  g_test_add_func ("/lk/api-key/construct", test_api_key_construct);
  g_test_add_func ("/lk/api-key/size", test_api_key_size);
  g_test_add_func ("/lk/api-key/memory", test_api_key_memory);
  g_test_add_func ("/lk/api-key/created-key", test_created_key);
  g_test_add_func ("/lk/platform/regions", test_platform_regions);
  g_test_add_func ("/lk/platform/custom-good", test_platform_custom_good);
  g_test_add_func ("/lk/platform/custom-bad", test_platform_custom_bad);
  g_test_add_func ("/lk/platform/ca-file", test_platform_ca_file);
  g_test_add_func ("/lk/platform/url-is-loopback", test_url_is_loopback);

  return g_test_run ();
}
