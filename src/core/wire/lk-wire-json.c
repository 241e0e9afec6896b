/* lk-wire-json.c: reading and writing JSON bodies, with the wire's checks
 *
 * The parsers take raw bytes from the network.  They check the size, the
 * encoding and the nesting depth before handing the bytes to JSON-GLib, then
 * check the type of every member they read.  Their error messages name the
 * field but never quote the body: a body may hold a secret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-wire"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-secret.h"
#include "lk-error.h"
#include "lk-time.h"
#include "lk-wire.h"
#include "lk-wire-json.h"

/* Errors */

static gboolean
set_malformed (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY, message);
  return FALSE;
}

gboolean
lk_wire_field_missing (LkWireSide   side,
                       const char  *field,
                       GError     **error)
{
  if (side == LK_WIRE_SIDE_REQUEST)
    g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                 /* Translators: %s is a field name of a request, e.g. "name" */
                 _("The request lacks the “%s” field."), field);
  else
    g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                 /* Translators: %s is a field name of the platform's reply, e.g. "name" */
                 _("The platform’s reply lacks the “%s” field. Check the platform address, or try again later."),
                 field);
  return FALSE;
}

gboolean
lk_wire_field_invalid (LkWireSide   side,
                       const char  *field,
                       GError     **error)
{
  if (side == LK_WIRE_SIDE_REQUEST)
    g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                 /* Translators: %s is a field name of a request, e.g. "name" */
                 _("The request has an invalid “%s” field."), field);
  else
    g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                 /* Translators: %s is a field name of the platform's reply, e.g. "name" */
                 _("The platform’s reply has an invalid “%s” field. Check the platform address, or try again later."),
                 field);
  return FALSE;
}

/* Loading */

/* TRUE when the nesting of arrays and objects stays within the limit.
 * Brackets inside strings do not count.  The input is valid UTF-8. */
static gboolean
nesting_is_shallow (const char *data,
                    gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > LK_WIRE_MAX_NESTING_DEPTH)
            return FALSE;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }

  return TRUE;
}

gboolean
lk_wire_body_is_plausible (const char *data,
                           gsize       length)
{
  /* g_utf8_validate() also refuses NUL bytes, which JSON-GLib would stop at. */
  return data != NULL && length > 0 && length <= LK_WIRE_MAX_REPLY_SIZE &&
         g_utf8_validate (data, (gssize) length, NULL) &&
         nesting_is_shallow (data, length);
}

JsonParser *
lk_wire_load_object (const char  *data,
                     gsize        length,
                     LkWireSide   side,
                     JsonObject **out_object,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (out_object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *out_object = NULL;

  if (data == NULL || length == 0)
    {
      if (side == LK_WIRE_SIDE_REQUEST)
        g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                             _("The request has no body."));
      else
        set_malformed (error, _("The platform sent an empty reply. Try again later."));
      return NULL;
    }

  if (length > LK_WIRE_MAX_REPLY_SIZE)
    {
      if (side == LK_WIRE_SIDE_REQUEST)
        g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                             _("The request is too large."));
      else
        set_malformed (error, _("The platform’s reply is too large. Check the platform address, or try again later."));
      return NULL;
    }

  if (!lk_wire_body_is_plausible (data, length))
    goto not_json;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    goto not_json;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto not_json;

  *out_object = json_node_get_object (root);
  return g_steal_pointer (&parser);

not_json:
  if (side == LK_WIRE_SIDE_REQUEST)
    g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                         _("The request is not a JSON object."));
  else
    set_malformed (error, _("The platform sent a reply that is not valid JSON. Check the platform address, or try again later."));
  return NULL;
}

/* Members */

gboolean
lk_wire_node_is_type (JsonNode *node,
                      GType     type)
{
  return node != NULL &&
         JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == type;
}

gboolean
lk_wire_get_string (JsonObject  *object,
                    const char  *field,
                    gboolean     required,
                    gsize        max_length,
                    LkWireSide   side,
                    const char **out,
                    GError     **error)
{
  JsonNode *node;
  const char *value;

  g_return_val_if_fail (object != NULL && field != NULL && out != NULL, FALSE);

  node = json_object_get_member (object, field);
  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? lk_wire_field_missing (side, field, error) : TRUE;

  if (!lk_wire_node_is_type (node, G_TYPE_STRING))
    return lk_wire_field_invalid (side, field, error);

  value = json_node_get_string (node);
  if (value == NULL || (required && *value == '\0'))
    return lk_wire_field_invalid (side, field, error);
  if (strnlen (value, max_length + 1) > max_length)
    return lk_wire_field_invalid (side, field, error);
  /* The body is valid UTF-8, but an escape such as \ud800 (half a
   * surrogate pair) decodes to bytes that are not. */
  if (!g_utf8_validate (value, -1, NULL))
    return lk_wire_field_invalid (side, field, error);

  *out = value;
  return TRUE;
}

gboolean
lk_wire_get_time (JsonObject  *object,
                  const char  *field,
                  LkWireSide   side,
                  gint64      *out,
                  GError     **error)
{
  const char *text;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!lk_wire_get_string (object, field, TRUE, LK_WIRE_MAX_FIELD_LENGTH, side, &text, error))
    return FALSE;

  if (!lk_time_parse_rfc3339 (text, out))
    return lk_wire_field_invalid (side, field, error);

  return TRUE;
}

gboolean
lk_wire_get_count (JsonObject  *object,
                   const char  *field,
                   gboolean     required,
                   guint       *out,
                   GError     **error)
{
  JsonNode *node;
  gint64 value;

  g_return_val_if_fail (object != NULL && field != NULL && out != NULL, FALSE);

  node = json_object_get_member (object, field);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? lk_wire_field_missing (LK_WIRE_SIDE_REPLY, field, error) : TRUE;

  if (!lk_wire_node_is_type (node, G_TYPE_INT64))
    return lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, field, error);

  value = json_node_get_int (node);
  if (value < 0 || value > G_MAXUINT)
    return lk_wire_field_invalid (LK_WIRE_SIDE_REPLY, field, error);

  *out = (guint) value;
  return TRUE;
}

gboolean
lk_wire_get_permissions (JsonObject     *object,
                         LkWireSide      side,
                         gboolean        required,
                         LkPermissions  *out,
                         GError        **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL && out != NULL, FALSE);

  node = json_object_get_member (object, LK_WIRE_FIELD_PERMISSIONS);
  lk_permissions_clear (out);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? lk_wire_field_missing (side, LK_WIRE_FIELD_PERMISSIONS, error) : TRUE;

  if (!lk_permissions_from_json (node, out, NULL))
    return lk_wire_field_invalid (side, LK_WIRE_FIELD_PERMISSIONS, error);

  return TRUE;
}

void
lk_wire_wipe_string_member (JsonObject *object,
                            const char *field)
{
  JsonNode *node;
  char *text;

  g_return_if_fail (object != NULL && field != NULL);

  node = json_object_get_member (object, field);
  if (!lk_wire_node_is_type (node, G_TYPE_STRING))
    return;

  text = (char *) json_node_get_string (node);
  if (text != NULL)
    lk_secret_wipe (text, strlen (text));
}

/* Writing */

char *
lk_wire_node_to_data (JsonNode *node,
                      gsize    *out_length)
{
  g_autoptr(JsonGenerator) generator = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, out_length);
}

char *
lk_wire_object_to_data (JsonObject *object,
                        gsize      *out_length)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return lk_wire_node_to_data (node, out_length);
}

void
lk_wire_set_time_member (JsonObject *object,
                         const char *field,
                         gint64      unix_time)
{
  g_autofree char *text = NULL;

  g_return_if_fail (object != NULL && field != NULL);

  text = lk_time_format_rfc3339 (unix_time);
  json_object_set_string_member (object, field, text);
}

