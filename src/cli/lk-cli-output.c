/* lk-cli-output.c: text for people, JSON for programs
 *
 * Text goes out as aligned columns or "label: value" lines, every value
 * made printable (a key's name could hold an escape sequence).  --json
 * prints one JSON document per command: keys with the platform's member
 * names (id, name, client_id, expires_at, permissions…).  Neither ever
 * holds a secret; the few outputs that do (env, token) build their text
 * with the helpers below, which make no copies, and wipe it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-output"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "lk-cli.h"
#include "lk-wire.h"

static void
set_time_member (JsonObject *object,
                 const char *name,
                 gint64      unix_time)
{
  g_autofree char *text = lk_cli_format_time (unix_time);

  if (text != NULL)
    json_object_set_string_member (object, name, text);
  else
    json_object_set_null_member (object, name);
}

JsonNode *
lk_cli_key_to_json (LkApiKey *key)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  const char *created_by = lk_api_key_get_created_by (key);

  json_object_set_string_member (object, "id", lk_api_key_get_id (key));
  json_object_set_string_member (object, "name", lk_api_key_get_name (key));
  json_object_set_string_member (object, "client_id", lk_api_key_get_client_id (key));
  set_time_member (object, "created_at", lk_api_key_get_created_at (key));
  set_time_member (object, "expires_at", lk_api_key_get_expires_at (key));
  if (created_by != NULL)
    json_object_set_string_member (object, "created_by", created_by);
  else
    json_object_set_null_member (object, "created_by");
  json_object_set_member (object, "permissions", lk_permissions_to_json (lk_api_key_get_permissions (key)));
  json_object_set_boolean_member (object, "stored", lk_api_key_get_has_local_secret (key));

  json_node_take_object (node, object);
  return node;
}

JsonNode *
lk_cli_stored_key_to_json (LkCliStoredKey *key)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "id", key->key_id);
  json_object_set_string_member (object, "name", key->name);
  json_object_set_string_member (object, "client_id", key->client_id);
  json_object_set_string_member (object, "platform", key->platform);
  /* "YYYY-MM-DD" as the keyring item has it; null for "never" */
  if (g_strcmp0 (key->expires, "never") == 0)
    json_object_set_null_member (object, "expires");
  else
    json_object_set_string_member (object, "expires", key->expires);

  json_node_take_object (node, object);
  return node;
}

void
lk_cli_print_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  json_node_unref (node);

  g_print ("%s\n", text);
}

void
lk_cli_append_json_string (GString    *out,
                           const char *text)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      /* No printf: its scratch buffer would keep a copy. */
      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        {
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

void
lk_cli_append_json_member (GString    *out,
                           gboolean    first,
                           const char *name,
                           const char *value)
{
  g_string_append (out, first ? "{\n  " : ",\n  ");
  lk_cli_append_json_string (out, name);
  g_string_append (out, ": ");
  lk_cli_append_json_string (out, value);
}

/* ---- Tables ---- */

struct _LkCliTable {
  guint      n_columns;
  GPtrArray *rows;        /* of GStrv, the header first */
};

static GStrv
collect_cells (const char *first,
               va_list     args)
{
  GPtrArray *cells = g_ptr_array_new ();

  for (const char *cell = first; cell != NULL; cell = va_arg (args, const char *))
    g_ptr_array_add (cells, lk_cli_printable (cell));
  g_ptr_array_add (cells, NULL);

  return (GStrv) g_ptr_array_free (cells, FALSE);
}

LkCliTable *
lk_cli_table_new (const char *first_header,
                  ...)
{
  LkCliTable *table = g_new0 (LkCliTable, 1);
  va_list args;
  GStrv header;

  va_start (args, first_header);
  header = collect_cells (first_header, args);
  va_end (args);

  table->n_columns = g_strv_length (header);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (table->rows, header);

  return table;
}

void
lk_cli_table_add_row (LkCliTable *table,
                      const char *first_cell,
                      ...)
{
  va_list args;
  GStrv row;

  va_start (args, first_cell);
  row = collect_cells (first_cell, args);
  va_end (args);

  g_assert (g_strv_length (row) == table->n_columns);
  g_ptr_array_add (table->rows, row);
}

void
lk_cli_table_print (LkCliTable *table)
{
  g_autofree glong *widths = g_new0 (glong, table->n_columns);
  g_autoptr (GString) line = g_string_new (NULL);

  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);

      g_string_truncate (line, 0);
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (line, row[c]);
          /* No padding after the last column. */
          if (c + 1 < table->n_columns)
            for (glong pad = g_utf8_strlen (row[c], -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);
    }
}

void
lk_cli_table_free (LkCliTable *table)
{
  if (table == NULL)
    return;

  g_ptr_array_unref (table->rows);
  g_free (table);
}

void
lk_cli_print_fields (const char **labels,
                     const char **values,
                     guint        n_fields)
{
  glong width = 0;

  for (guint i = 0; i < n_fields; i++)
    width = MAX (width, g_utf8_strlen (labels[i], -1));

  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *value = lk_cli_printable (values[i]);
      g_autoptr (GString) label = g_string_new (labels[i]);

      g_string_append_c (label, ':');
      for (glong pad = g_utf8_strlen (labels[i], -1); pad < width + 1; pad++)
        g_string_append_c (label, ' ');
      g_print ("%s %s\n", label->str, value);
    }
}
