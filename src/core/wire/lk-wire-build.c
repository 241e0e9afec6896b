/* lk-wire-build.c: the create body (built by the client, read by the
 * simulator and by the client's recovery of unsettled creates) and key paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-wire"

#include "config.h"

#include "lk-wire.h"
#include "lk-wire-json.h"

char *
lk_wire_build_create_body (const char          *name,
                           gint64               expires_at,
                           const LkPermissions *permissions,
                           gsize               *out_length)
{
  g_autoptr(JsonObject) object = NULL;
  LkPermissions none = { { 0 } };

  g_return_val_if_fail (name != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, LK_WIRE_FIELD_NAME, name);
  lk_wire_set_time_member (object, LK_WIRE_FIELD_EXPIRES_AT, expires_at);
  json_object_set_member (object, LK_WIRE_FIELD_PERMISSIONS,
                          lk_permissions_to_json (permissions != NULL ? permissions : &none));

  return lk_wire_object_to_data (object, out_length);
}

char *
lk_wire_build_key_path (const char *id)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  return g_strconcat (LK_WIRE_PATH_KEY_PREFIX, escaped, NULL);
}

gboolean
lk_wire_parse_create_body (const char     *data,
                           gsize           length,
                           char          **out_name,
                           gint64         *out_expires_at,
                           LkPermissions  *out_permissions,
                           GError        **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  const char *name;
  gint64 expires_at;
  LkPermissions permissions;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_name != NULL)
    *out_name = NULL;

  parser = lk_wire_load_object (data, length, LK_WIRE_SIDE_REQUEST, &object, error);
  if (parser == NULL)
    return FALSE;

  /* Types only: the caller checks the name's length and the expiry range
   * and answers 422 for those. */
  if (!lk_wire_get_string (object, LK_WIRE_FIELD_NAME, FALSE, LK_WIRE_MAX_FIELD_LENGTH,
                           LK_WIRE_SIDE_REQUEST, &name, error))
    return FALSE;
  if (name == NULL)
    return lk_wire_field_missing (LK_WIRE_SIDE_REQUEST, LK_WIRE_FIELD_NAME, error);

  if (!lk_wire_get_time (object, LK_WIRE_FIELD_EXPIRES_AT, LK_WIRE_SIDE_REQUEST,
                         &expires_at, error) ||
      !lk_wire_get_permissions (object, LK_WIRE_SIDE_REQUEST, FALSE, &permissions, error))
    return FALSE;

  if (out_name != NULL)
    *out_name = g_strdup (name);
  if (out_expires_at != NULL)
    *out_expires_at = expires_at;
  if (out_permissions != NULL)
    *out_permissions = permissions;

  return TRUE;
}
