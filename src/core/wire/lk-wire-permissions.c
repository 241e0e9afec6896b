/* lk-wire-permissions.c: permissions as the platform spells them
 *
 * The names of categories and access bits on the wire, and the JSON form
 * of LkPermissions: {"api_keys": ["read"], "users": ["read", "write"]}.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-wire"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-error.h"
#include "lk-wire.h"

static const char * const categories[LK_N_CATEGORIES] = {
  [LK_CATEGORY_API_KEYS]        = LK_WIRE_CATEGORY_API_KEYS,
  [LK_CATEGORY_DETECTIONS]      = LK_WIRE_CATEGORY_DETECTIONS,
  [LK_CATEGORY_INFERENCE]       = LK_WIRE_CATEGORY_INFERENCE,
  [LK_CATEGORY_MODEL_INVENTORY] = LK_WIRE_CATEGORY_MODEL_INVENTORY,
  [LK_CATEGORY_MODEL_SCANNER]   = LK_WIRE_CATEGORY_MODEL_SCANNER,
  [LK_CATEGORY_USERS]           = LK_WIRE_CATEGORY_USERS,
};

/* Single access bits in display order. */
static const struct {
  LkAccess    access;
  const char *wire_name;
} accesses[] = {
  { LK_ACCESS_READ,   LK_WIRE_ACCESS_READ },
  { LK_ACCESS_WRITE,  LK_WIRE_ACCESS_WRITE },
  { LK_ACCESS_DELETE, LK_WIRE_ACCESS_DELETE },
};

JsonNode *
lk_permissions_to_json (const LkPermissions *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    {
      LkAccess access = self->access[i] & LK_ACCESS_ALL;
      JsonArray *array;

      if (access == LK_ACCESS_NONE)
        continue;

      array = json_array_new ();
      for (guint j = 0; j < G_N_ELEMENTS (accesses); j++)
        if (access & accesses[j].access)
          json_array_add_string_element (array, accesses[j].wire_name);
      json_object_set_array_member (object, categories[i], array);
    }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}

static gboolean
malformed_permissions (GError **error)
{
  g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
               /* Translators: "permissions" is a field name of the platform's reply */
               _("The platform sent an invalid “permissions” field."));
  return FALSE;
}

static gboolean
access_from_wire_name (const char *name,
                       LkAccess   *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (accesses); i++)
    {
      if (g_strcmp0 (name, accesses[i].wire_name) == 0)
        {
          *out = accesses[i].access;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
lk_permissions_from_json (JsonNode       *node,
                          LkPermissions  *out,
                          GError        **error)
{
  LkPermissions result = { { 0 } };
  JsonObject *object;
  JsonObjectIter iter;
  const char *member_name;
  JsonNode *member;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      lk_permissions_clear (out);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return malformed_permissions (error);

  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member_name, &member))
    {
      LkCategory category;
      JsonArray *array;
      guint n;

      if (!lk_category_from_wire_name (member_name, &category))
        continue;   /* unknown category: a newer platform, ignored */

      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        return malformed_permissions (error);

      array = json_node_get_array (member);
      n = json_array_get_length (array);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          LkAccess access;

          if (element == NULL || !JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            return malformed_permissions (error);

          if (access_from_wire_name (json_node_get_string (element), &access))
            result.access[category] |= access;
        }
    }

  *out = result;
  return TRUE;
}

const char *
lk_category_get_wire_name (LkCategory category)
{
  g_return_val_if_fail ((guint) category < LK_N_CATEGORIES, NULL);

  return categories[category];
}

gboolean
lk_category_from_wire_name (const char *name,
                            LkCategory *out)
{
  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    {
      if (strcmp (name, categories[i]) == 0)
        {
          if (out != NULL)
            *out = (LkCategory) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
lk_access_get_wire_name (LkAccess access)
{
  for (guint i = 0; i < G_N_ELEMENTS (accesses); i++)
    if (access == accesses[i].access)
      return accesses[i].wire_name;

  g_return_val_if_reached (NULL);
}
