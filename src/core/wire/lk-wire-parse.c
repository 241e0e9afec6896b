/* lk-wire-parse.c: the tree parsers of the platform's replies
 *
 * Token, whoami, key objects, key pages and created keys, each read from a
 * JSON-GLib tree with the checks of lk-wire-json.c.  A key page is first
 * offered to the one-pass reader of lk-wire-scan.c, which is faster on the
 * plain shape the platform sends and gives up on anything else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-wire"

#include "config.h"

#include "lk-error.h"
#include "lk-wire.h"
#include "lk-wire-json.h"
#include "lk-wire-scan.h"

/* Longest lifetime a token reply may claim (seconds). */
#define MAX_TOKEN_LIFETIME (G_GINT64_CONSTANT (10) * 365 * 24 * 60 * 60)

/* A string member of a reply, of the usual length. */
static gboolean
get_reply_string (JsonObject  *object,
                  const char  *field,
                  gboolean     required,
                  const char **out,
                  GError     **error)
{
  return lk_wire_get_string (object, field, required, LK_WIRE_MAX_FIELD_LENGTH,
                             LK_WIRE_SIDE_REPLY, out, error);
}

/* Token */

static gboolean
get_expires_in (JsonObject  *object,
                gint64      *out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, LK_WIRE_FIELD_EXPIRES_IN);
  gint64 value;

  *out = LK_WIRE_DEFAULT_TOKEN_LIFETIME;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (lk_wire_node_is_type (node, G_TYPE_INT64))
    value = json_node_get_int (node);
  else if (lk_wire_node_is_type (node, G_TYPE_STRING))
    {
      /* Some OAuth servers send the number as a string. */
      if (!g_ascii_string_to_signed (json_node_get_string (node), 10,
                                     1, MAX_TOKEN_LIFETIME, &value, NULL))
        return lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, LK_WIRE_FIELD_EXPIRES_IN, error);
    }
  else
    return lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, LK_WIRE_FIELD_EXPIRES_IN, error);

  if (value <= 0 || value > MAX_TOKEN_LIFETIME)
    return lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, LK_WIRE_FIELD_EXPIRES_IN, error);

  *out = value;
  return TRUE;
}

gboolean
lk_wire_parse_token (const char  *data,
                     gsize        length,
                     char       **out_token,
                     gint64      *out_expires_in,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  const char *token;
  const char *token_type;
  gint64 expires_in;
  gboolean ok;

  g_return_val_if_fail (out_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_token = NULL;
  if (out_expires_in != NULL)
    *out_expires_in = 0;

  parser = lk_wire_load_object (data, length, LK_WIRE_SIDE_REPLY, &object, error);
  if (parser == NULL)
    return FALSE;

  ok = lk_wire_get_string (object, LK_WIRE_FIELD_ACCESS_TOKEN, TRUE, LK_WIRE_MAX_TOKEN_LENGTH,
                           LK_WIRE_SIDE_REPLY, &token, error) &&
       get_reply_string (object, LK_WIRE_FIELD_TOKEN_TYPE, FALSE, &token_type, error) &&
       get_expires_in (object, &expires_in, error);

  if (ok && token_type != NULL && g_ascii_strcasecmp (token_type, LK_WIRE_TOKEN_TYPE_BEARER) != 0)
    ok = lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, LK_WIRE_FIELD_TOKEN_TYPE, error);

  if (ok)
    {
      *out_token = g_strdup (token);
      if (out_expires_in != NULL)
        *out_expires_in = expires_in;
    }

  lk_wire_wipe_string_member (object, LK_WIRE_FIELD_ACCESS_TOKEN);
  return ok;
}

/* Keys */

static LkApiKey *
key_from_object (JsonObject  *object,
                 const char  *id_field,
                 gboolean     with_created,
                 GError     **error)
{
  const char *id, *name, *client_id, *created_by = NULL;
  gint64 created_at = 0, expires_at;
  LkPermissions permissions;

  if (!get_reply_string (object, id_field, TRUE, &id, error) ||
      !get_reply_string (object, LK_WIRE_FIELD_NAME, TRUE, &name, error) ||
      !get_reply_string (object, LK_WIRE_FIELD_CLIENT_ID, TRUE, &client_id, error))
    return NULL;

  if (with_created &&
      (!lk_wire_get_time (object, LK_WIRE_FIELD_CREATED_AT, LK_WIRE_SIDE_REPLY,
                          &created_at, error) ||
       !get_reply_string (object, LK_WIRE_FIELD_CREATED_BY, FALSE, &created_by, error)))
    return NULL;

  if (!lk_wire_get_time (object, LK_WIRE_FIELD_EXPIRES_AT, LK_WIRE_SIDE_REPLY,
                         &expires_at, error) ||
      !lk_wire_get_permissions (object, LK_WIRE_SIDE_REPLY, TRUE, &permissions, error))
    return NULL;

  return lk_api_key_new (id, name, client_id, created_by,
                         created_at, expires_at, &permissions);
}

LkApiKey *
lk_wire_key_from_json (JsonNode  *node,
                       GError   **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, LK_WIRE_PAGE_ITEMS, error);
      return NULL;
    }

  return key_from_object (json_node_get_object (node), LK_WIRE_FIELD_ID, TRUE, error);
}

LkApiKey *
lk_wire_parse_whoami (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr(LkApiKey) key = NULL;
  const char *tenant_id = NULL;

  parser = lk_wire_load_object (data, length, LK_WIRE_SIDE_REPLY, &object, error);
  if (parser == NULL)
    return NULL;

  key = key_from_object (object, LK_WIRE_FIELD_KEY_ID, FALSE, error);
  if (key == NULL)
    return NULL;

  /* Optional: a platform may say which tenant the key belongs to. */
  if (!get_reply_string (object, LK_WIRE_FIELD_TENANT_ID, FALSE, &tenant_id, error))
    return NULL;
  lk_api_key_set_tenant_id (key, tenant_id);

  return g_steal_pointer (&key);
}

gboolean
lk_wire_parse_key_page (const char  *data,
                        gsize        length,
                        GPtrArray  **out_items,
                        guint       *out_offset,
                        guint       *out_total,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) items = NULL;
  JsonObject *object;
  JsonNode *items_node;
  JsonArray *array;
  guint offset = 0, limit = 0, total = 0, n;

  g_return_val_if_fail (out_items != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_items = NULL;
  if (out_offset != NULL)
    *out_offset = 0;
  if (out_total != NULL)
    *out_total = 0;

  /* The one-pass reader takes what passes the checks of
   * lk_wire_load_object() and has the plain shape; the tree takes the rest. */
  if (lk_wire_body_is_plausible (data, length) &&
      lk_wire_scan_key_page (data, length, out_items, out_offset, out_total))
    return TRUE;

  parser = lk_wire_load_object (data, length, LK_WIRE_SIDE_REPLY, &object, error);
  if (parser == NULL)
    return FALSE;

  items_node = json_object_get_member (object, LK_WIRE_PAGE_ITEMS);
  if (items_node == NULL || JSON_NODE_HOLDS_NULL (items_node))
    return lk_wire_field_missing (LK_WIRE_SIDE_REPLY, LK_WIRE_PAGE_ITEMS, error);
  if (!JSON_NODE_HOLDS_ARRAY (items_node))
    return lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, LK_WIRE_PAGE_ITEMS, error);

  if (!lk_wire_get_count (object, LK_WIRE_PAGE_OFFSET, TRUE, &offset, error) ||
      !lk_wire_get_count (object, LK_WIRE_PAGE_LIMIT, FALSE, &limit, error) ||
      !lk_wire_get_count (object, LK_WIRE_PAGE_TOTAL, TRUE, &total, error))
    return FALSE;

  array = json_node_get_array (items_node);
  n = json_array_get_length (array);

  /* A page never reaches past the total: a client paging on would
   * otherwise never stop.  An empty page past the end is a valid answer
   * (the list shrank while it was being read). */
  if (n > 0 && (guint64) offset + n > total)
    return lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, LK_WIRE_PAGE_TOTAL, error);

  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      LkApiKey *key = lk_wire_key_from_json (json_array_get_element (array, i), error);

      if (key == NULL)
        return FALSE;
      g_ptr_array_add (items, key);
    }

  *out_items = g_steal_pointer (&items);
  if (out_offset != NULL)
    *out_offset = offset;
  if (out_total != NULL)
    *out_total = total;

  return TRUE;
}

LkCreatedKey *
lk_wire_parse_created (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(LkApiKey) key = NULL;
  LkCreatedKey *created = NULL;
  JsonObject *object;
  const char *secret;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = lk_wire_load_object (data, length, LK_WIRE_SIDE_REPLY, &object, error);
  if (parser == NULL)
    return NULL;

  if (get_reply_string (object, LK_WIRE_FIELD_CLIENT_SECRET, TRUE, &secret, error))
    {
      key = key_from_object (object, LK_WIRE_FIELD_ID, TRUE, error);
      if (key != NULL)
        created = lk_created_key_new (key, secret);
    }

  lk_wire_wipe_string_member (object, LK_WIRE_FIELD_CLIENT_SECRET);
  return created;
}

