/* lk-export.c: a list of API keys as CSV or JSON, for auditors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-export"

#include "config.h"

#include <json-glib/json-glib.h>

#include "lk-api-key.h"
#include "lk-export.h"
#include "lk-permissions.h"
#include "lk-time.h"
#include "lk-wire.h"

/* ---- CSV ---- */

static gboolean
runs_as_formula (const char *text)
{
  return text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
         text[0] == '\t' || text[0] == '\r';
}

static void
csv_append_field (GString    *out,
                  const char *text,
                  gboolean    last)
{
  if (text == NULL)
    text = "";

  g_string_append_c (out, '"');
  if (runs_as_formula (text))
    g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  g_string_append (out, last ? "\r\n" : ",");
}

static char *
format_time (gint64 unix_time)
{
  return unix_time != 0 ? lk_time_format_rfc3339 (unix_time) : NULL;
}

static void
csv_append_key (GString  *out,
                LkApiKey *key)
{
  g_autofree char *created = format_time (lk_api_key_get_created_at (key));
  g_autofree char *expires = format_time (lk_api_key_get_expires_at (key));
  g_autofree char *permissions = lk_permissions_to_summary (lk_api_key_get_permissions (key));

  csv_append_field (out, lk_api_key_get_name (key), FALSE);
  csv_append_field (out, lk_api_key_get_client_id (key), FALSE);
  csv_append_field (out, created, FALSE);
  csv_append_field (out, expires, FALSE);
  csv_append_field (out, permissions, FALSE);
  csv_append_field (out, lk_api_key_get_has_local_secret (key) ? "yes" : "no", TRUE);
}

static GBytes *
export_csv (GListModel *keys)
{
  GString *out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (keys);

  csv_append_field (out, "Name", FALSE);
  csv_append_field (out, "Client ID", FALSE);
  csv_append_field (out, "Created", FALSE);
  csv_append_field (out, "Expires", FALSE);
  csv_append_field (out, "Permissions", FALSE);
  csv_append_field (out, "Secret on this computer", TRUE);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      csv_append_key (out, key);
    }

  return g_string_free_to_bytes (out);
}

/* ---- JSON ---- */

static void
json_add_time (JsonBuilder *builder,
               const char  *member,
               gint64       unix_time)
{
  g_autofree char *text = format_time (unix_time);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static GBytes *
export_json (GListModel *keys)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  guint n = g_list_model_get_n_items (keys);
  char *text;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, lk_api_key_get_name (key));
      json_builder_set_member_name (builder, "client_id");
      json_builder_add_string_value (builder, lk_api_key_get_client_id (key));
      json_add_time (builder, "created_at", lk_api_key_get_created_at (key));
      json_add_time (builder, "expires_at", lk_api_key_get_expires_at (key));
      json_builder_set_member_name (builder, "permissions");
      json_builder_add_value (builder, lk_permissions_to_json (lk_api_key_get_permissions (key)));
      json_builder_set_member_name (builder, "secret_on_this_computer");
      json_builder_add_boolean_value (builder, lk_api_key_get_has_local_secret (key));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

/* ---- Public ---- */

GBytes *
lk_export_keys_to_bytes (GListModel     *keys,
                         LkExportFormat  format)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (keys), NULL);

  switch (format)
    {
    case LK_EXPORT_CSV:
      return export_csv (keys);
    case LK_EXPORT_JSON:
      return export_json (keys);
    default:
      g_return_val_if_reached (NULL);
    }
}

LkExportFormat
lk_export_format_for_name (const char *name)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (name != NULL, LK_EXPORT_CSV);

  folded = g_ascii_strdown (name, -1);
  return g_str_has_suffix (folded, ".json") ? LK_EXPORT_JSON : LK_EXPORT_CSV;
}

static void
on_replaced (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_export_keys_to_file_async (GListModel          *keys,
                              LkExportFormat       format,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) bytes = NULL;

  g_return_if_fail (G_IS_LIST_MODEL (keys));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_export_keys_to_file_async);

  bytes = lk_export_keys_to_bytes (keys, format);
  /* (the bytes are kept alive by the task until the write is done) */
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_replaced, g_steal_pointer (&task));
}

gboolean
lk_export_keys_to_file_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_export_keys_to_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
