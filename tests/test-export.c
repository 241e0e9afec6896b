/* test-export.c: lk-export.c's CSV and JSON, read back and compared
 *
 * Headless: LkApiKey objects built here, including names the platform's
 * name rules refuse (newlines), since an export must survive any name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lk-api-key.h"
#include "lk-export.h"
#include "lk-permissions.h"
#include "lk-time.h"
#include "lk-wire.h"

static const char *names[] = {
  "plain",
  "commas, and more, commas",
  "say \"hello\" twice \"\"",
  "two\nlines\r\nand CRLF",
  "Ünïcödé 鍵 🔑",
  "=HYPERLINK(\"http://evil\",\"x\")",
  "+1+1",
  "-2",
  "@SUM(A1)",
  "\tTabbed",
  "",
};

/* A strict RFC 4180 reader: every field quoted, CRLF line ends. */
static GPtrArray *
parse_csv (const char *text,
           gsize       length)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  const char *p = text;
  const char *end = text + length;

  while (p < end)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func (g_free);

      for (;;)
        {
          GString *field = g_string_new (NULL);

          g_assert_cmpint (*p, ==, '"');
          p++;
          for (;;)
            {
              g_assert_true (p < end);
              if (*p == '"' && p + 1 < end && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p++);
            }
          g_ptr_array_add (row, g_string_free (field, FALSE));
          if (*p == ',')
            {
              p++;
              continue;
            }
          g_assert_true (p + 1 < end + 1 && p[0] == '\r' && p[1] == '\n');
          p += 2;
          break;
        }
      g_ptr_array_add (rows, row);
    }

  return rows;
}

static GListStore *
make_keys (void)
{
  GListStore *store = g_list_store_new (LK_TYPE_API_KEY);
  g_autoptr (LkPermissions) permissions = lk_permissions_new ();

  lk_permissions_set (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_READ | LK_ACCESS_WRITE);
  lk_permissions_set (permissions, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("key-%u", i);
      g_autofree char *client_id = g_strdup_printf ("client-%u", i);
      g_autoptr (LkApiKey) key = lk_api_key_new (id, names[i], client_id, "someone",
                                                 1700000000 + i * 86400,
                                                 i % 3 == 0 ? 0 : 1800000000 + i,
                                                 permissions);

      lk_api_key_set_has_local_secret (key, i % 2 == 0);
      g_list_store_append (store, key);
    }

  return store;
}

static char *
expected_csv_field (const char *text)
{
  if (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
      text[0] == '\t' || text[0] == '\r')
    return g_strconcat ("'", text, NULL);
  return g_strdup (text);
}

static char *
format_or_empty (gint64 t)
{
  return t != 0 ? lk_time_format_rfc3339 (t) : g_strdup ("");
}

static void
test_csv (void)
{
  g_autoptr (GListStore) keys = make_keys ();
  g_autoptr (GBytes) bytes = lk_export_keys_to_bytes (G_LIST_MODEL (keys), LK_EXPORT_CSV);
  gsize length;
  const char *text = g_bytes_get_data (bytes, &length);
  g_autoptr (GPtrArray) rows = NULL;
  GPtrArray *header;

  g_assert_true (g_utf8_validate (text, length, NULL));
  rows = parse_csv (text, length);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (names) + 1);

  header = rows->pdata[0];
  g_assert_cmpuint (header->len, ==, 6);
  g_assert_cmpstr (header->pdata[0], ==, "Name");
  g_assert_cmpstr (header->pdata[1], ==, "Client ID");
  g_assert_cmpstr (header->pdata[2], ==, "Created");
  g_assert_cmpstr (header->pdata[3], ==, "Expires");
  g_assert_cmpstr (header->pdata[4], ==, "Permissions");
  g_assert_cmpstr (header->pdata[5], ==, "Secret on this computer");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (keys), i);
      GPtrArray *row = rows->pdata[i + 1];
      g_autofree char *name = expected_csv_field (names[i]);
      g_autofree char *created = format_or_empty (lk_api_key_get_created_at (key));
      g_autofree char *expires = format_or_empty (lk_api_key_get_expires_at (key));
      g_autofree char *permissions = lk_permissions_to_summary (lk_api_key_get_permissions (key));

      g_assert_cmpuint (row->len, ==, 6);
      g_assert_cmpstr (row->pdata[0], ==, name);
      g_assert_cmpstr (row->pdata[1], ==, lk_api_key_get_client_id (key));
      g_assert_cmpstr (row->pdata[2], ==, created);
      g_assert_cmpstr (row->pdata[3], ==, expires);
      g_assert_cmpstr (row->pdata[4], ==, permissions);
      g_assert_cmpstr (row->pdata[5], ==, i % 2 == 0 ? "yes" : "no");
    }

  /* Nothing a spreadsheet runs: no field opens with a formula sign. */
  for (guint r = 0; r < rows->len; r++)
    {
      GPtrArray *row = rows->pdata[r];

      for (guint f = 0; f < row->len; f++)
        g_assert_null (strchr ("=+-@\t\r", ((char *) row->pdata[f])[0] == '\0'
                                            ? 'x' : ((char *) row->pdata[f])[0]));
    }
}

static void
test_json (void)
{
  g_autoptr (GListStore) keys = make_keys ();
  g_autoptr (GBytes) bytes = lk_export_keys_to_bytes (G_LIST_MODEL (keys), LK_EXPORT_JSON);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize length;
  const char *text = g_bytes_get_data (bytes, &length);
  JsonArray *array;

  g_assert_true (json_parser_load_from_data (parser, text, length, &error));
  g_assert_no_error (error);
  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "keys");
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (names));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (keys), i);
      g_autoptr (LkPermissions) permissions = lk_permissions_new ();
      JsonObject *object = json_array_get_object_element (array, i);
      g_autofree char *created = lk_time_format_rfc3339 (lk_api_key_get_created_at (key));

      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, names[i]);
      g_assert_cmpstr (json_object_get_string_member (object, "client_id"), ==,
                       lk_api_key_get_client_id (key));
      g_assert_cmpstr (json_object_get_string_member (object, "created_at"), ==, created);
      if (lk_api_key_get_expires_at (key) == 0)
        g_assert_true (json_object_get_null_member (object, "expires_at"));
      else
        {
          g_autofree char *expires = lk_time_format_rfc3339 (lk_api_key_get_expires_at (key));

          g_assert_cmpstr (json_object_get_string_member (object, "expires_at"), ==, expires);
        }
      g_assert_true (lk_permissions_from_json (json_object_get_member (object, "permissions"),
                                               permissions, &error));
      g_assert_no_error (error);
      g_assert_true (lk_permissions_equal (permissions, lk_api_key_get_permissions (key)));
      g_assert_cmpint (json_object_get_boolean_member (object, "secret_on_this_computer"), ==, i % 2 == 0);
      g_assert_cmpuint (json_object_get_size (object), ==, 6);
    }
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_file (void)
{
  g_autoptr (GListStore) keys = make_keys ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lk-export-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "keys.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GBytes) expected = lk_export_keys_to_bytes (G_LIST_MODEL (keys), LK_EXPORT_JSON);
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_no_error (error);
  g_assert_cmpint (lk_export_format_for_name ("keys.JSON"), ==, LK_EXPORT_JSON);
  g_assert_cmpint (lk_export_format_for_name ("keys.csv"), ==, LK_EXPORT_CSV);
  g_assert_cmpint (lk_export_format_for_name ("keys"), ==, LK_EXPORT_CSV);

  g_file_set_contents (path, "an older, longer file that the export replaces", -1, NULL);
  lk_export_keys_to_file_async (G_LIST_MODEL (keys), LK_EXPORT_JSON, file, NULL, on_written, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (lk_export_keys_to_file_finish (result, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/export/csv", test_csv);
  g_test_add_func ("/lk/export/json", test_json);
  g_test_add_func ("/lk/export/file", test_file);

  return g_test_run ();
}
