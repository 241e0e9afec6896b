/* lk-wire-build.c: what the client sends: the create body and key paths
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
