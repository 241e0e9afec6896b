/* lk-sim-wire.c: the simulator's side of the wire contract
 *
 * Builds the platform's replies, with the field
 * names and body checks of src/core/wire, so a reply the simulator sends is
 * one the client's parsers read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sim-wire"

#include "config.h"

#include "lk-sim-wire.h"
#include "lk-wire.h"
#include "lk-wire-json.h"

/* Replies */

JsonNode *
lk_wire_key_to_json (LkApiKey   *key,
                     const char *client_secret)
{
  JsonObject *object;
  JsonNode *node;
  const char *created_by;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, LK_WIRE_FIELD_ID, lk_api_key_get_id (key));
  json_object_set_string_member (object, LK_WIRE_FIELD_NAME, lk_api_key_get_name (key));
  json_object_set_string_member (object, LK_WIRE_FIELD_CLIENT_ID, lk_api_key_get_client_id (key));
  lk_wire_set_time_member (object, LK_WIRE_FIELD_CREATED_AT, lk_api_key_get_created_at (key));
  lk_wire_set_time_member (object, LK_WIRE_FIELD_EXPIRES_AT, lk_api_key_get_expires_at (key));
  created_by = lk_api_key_get_created_by (key);
  if (created_by != NULL)
    json_object_set_string_member (object, LK_WIRE_FIELD_CREATED_BY, created_by);
  else
    json_object_set_null_member (object, LK_WIRE_FIELD_CREATED_BY);
  json_object_set_member (object, LK_WIRE_FIELD_PERMISSIONS,
                          lk_permissions_to_json (lk_api_key_get_permissions (key)));
  if (client_secret != NULL)
    json_object_set_string_member (object, LK_WIRE_FIELD_CLIENT_SECRET, client_secret);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

JsonNode *
lk_wire_whoami_to_json (LkApiKey *key)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, LK_WIRE_FIELD_KEY_ID, lk_api_key_get_id (key));
  json_object_set_string_member (object, LK_WIRE_FIELD_NAME, lk_api_key_get_name (key));
  json_object_set_string_member (object, LK_WIRE_FIELD_CLIENT_ID, lk_api_key_get_client_id (key));
  lk_wire_set_time_member (object, LK_WIRE_FIELD_EXPIRES_AT, lk_api_key_get_expires_at (key));
  json_object_set_member (object, LK_WIRE_FIELD_PERMISSIONS,
                          lk_permissions_to_json (lk_api_key_get_permissions (key)));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

char *
lk_wire_build_token_reply (const char *access_token,
                           gint64      expires_in)
{
  g_autoptr(JsonObject) object = json_object_new ();
  char *reply;

  g_return_val_if_fail (access_token != NULL, NULL);

  json_object_set_string_member (object, LK_WIRE_FIELD_ACCESS_TOKEN, access_token);
  json_object_set_string_member (object, LK_WIRE_FIELD_TOKEN_TYPE, LK_WIRE_TOKEN_TYPE_BEARER);
  json_object_set_int_member (object, LK_WIRE_FIELD_EXPIRES_IN, expires_in);

  reply = lk_wire_object_to_data (object, NULL);
  lk_wire_wipe_string_member (object, LK_WIRE_FIELD_ACCESS_TOKEN);
  return reply;
}

static JsonObject *
error_object_new (const char *title,
                  const char *detail,
                  const char *field)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, LK_WIRE_FIELD_TYPE, "about:blank");
  if (title != NULL)
    json_object_set_string_member (object, LK_WIRE_FIELD_TITLE, title);
  if (detail != NULL)
    json_object_set_string_member (object, LK_WIRE_FIELD_DETAIL, detail);

  if (field != NULL)
    {
      JsonArray *errors = json_array_new ();
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, LK_WIRE_FIELD_FIELD, field);
      if (detail != NULL)
        json_object_set_string_member (entry, LK_WIRE_FIELD_MESSAGE, detail);
      json_array_add_object_element (errors, entry);
      json_object_set_array_member (object, LK_WIRE_FIELD_ERRORS, errors);
    }

  return object;
}

char *
lk_wire_build_error_body (const char *title,
                          const char *detail,
                          const char *field)
{
  g_autoptr(JsonObject) object = error_object_new (title, detail, field);

  return lk_wire_object_to_data (object, NULL);
}

char *
lk_wire_build_oauth_error_body (const char *title,
                                const char *detail,
                                const char *code)
{
  g_autoptr(JsonObject) object = NULL;

  g_return_val_if_fail (code != NULL, NULL);

  object = error_object_new (title, detail, NULL);
  json_object_set_string_member (object, LK_WIRE_OAUTH_ERROR, code);
  return lk_wire_object_to_data (object, NULL);
}
