/* lk-wire-errors.c: error bodies, whatever their shape
 *
 * {detail}, RFC 9457 problems with their "errors" entries, FastAPI's
 * validation lists and OAuth 2 token errors all come down to a title, a
 * detail and the field they name, made safe to show in a label.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-wire"

#include "config.h"

#include <string.h>

#include "lk-wire.h"
#include "lk-wire-json.h"

/* TRUE for characters that must not reach a label as they are: control
 * characters, line and paragraph separators, and the bidirectional
 * embedding, override and isolate marks that could reorder a message. */
static gboolean
is_unsafe_char (gunichar c)
{
  return g_unichar_iscntrl (c) ||
         c == 0x2028 || c == 0x2029 ||
         (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069);
}

/* A copy of a display string, valid UTF-8, with unsafe characters turned
 * into spaces, or NULL when it is missing, of the wrong type, empty or too
 * long. */
static char *
dup_display_string (JsonNode *node)
{
  g_autofree char *valid = NULL;
  const char *value;
  GString *out;

  if (!lk_wire_node_is_type (node, G_TYPE_STRING))
    return NULL;

  value = json_node_get_string (node);
  if (value == NULL || *value == '\0' ||
      strnlen (value, LK_WIRE_MAX_FIELD_LENGTH + 1) > LK_WIRE_MAX_FIELD_LENGTH)
    return NULL;

  /* An escape such as \ud800 decodes to bytes that are not UTF-8; making
   * them valid may lengthen the text, so the limit is checked again. */
  valid = g_utf8_make_valid (value, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, is_unsafe_char (c) ? ' ' : c);
    }

  if (out->len > LK_WIRE_MAX_FIELD_LENGTH)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

/* "#/name" or "/name" (RFC 6901 pointers) -> "name" */
static char *
field_from_pointer (JsonNode *node)
{
  g_autofree char *pointer = dup_display_string (node);
  const char *p = pointer;

  if (p == NULL)
    return NULL;
  if (*p == '#')
    p++;
  if (*p == '/')
    p++;
  if (*p == '\0')
    return NULL;

  return g_strdup (p);
}

/* The first entry of an "errors" array: {field|pointer, message|detail}. */
static void
parse_errors_entry (JsonNode  *errors,
                    char     **out_field,
                    char     **out_message)
{
  JsonArray *array;
  JsonNode *first;
  JsonObject *entry;

  if (errors == NULL || !JSON_NODE_HOLDS_ARRAY (errors))
    return;

  array = json_node_get_array (errors);
  if (json_array_get_length (array) == 0)
    return;

  first = json_array_get_element (array, 0);
  if (first == NULL || !JSON_NODE_HOLDS_OBJECT (first))
    return;

  entry = json_node_get_object (first);
  *out_field = dup_display_string (json_object_get_member (entry, LK_WIRE_FIELD_FIELD));
  if (*out_field == NULL)
    *out_field = field_from_pointer (json_object_get_member (entry, LK_WIRE_FIELD_POINTER));

  *out_message = dup_display_string (json_object_get_member (entry, LK_WIRE_FIELD_MESSAGE));
  if (*out_message == NULL)
    *out_message = dup_display_string (json_object_get_member (entry, LK_WIRE_FIELD_DETAIL));
}

/* FastAPI-style validation errors: {"detail": [{"loc": [..., "name"], "msg": ...}]} */
static void
parse_detail_list (JsonNode  *detail,
                   char     **out_field,
                   char     **out_message)
{
  JsonArray *array = json_node_get_array (detail);
  JsonNode *first;
  JsonObject *entry;
  JsonNode *loc;

  if (json_array_get_length (array) == 0)
    return;

  first = json_array_get_element (array, 0);
  if (first == NULL || !JSON_NODE_HOLDS_OBJECT (first))
    return;

  entry = json_node_get_object (first);
  *out_message = dup_display_string (json_object_get_member (entry, LK_WIRE_FIELD_MSG));

  loc = json_object_get_member (entry, LK_WIRE_FIELD_LOC);
  if (loc != NULL && JSON_NODE_HOLDS_ARRAY (loc))
    {
      JsonArray *path = json_node_get_array (loc);
      guint n = json_array_get_length (path);

      if (n > 0)
        *out_field = dup_display_string (json_array_get_element (path, n - 1));
    }
}

void
lk_wire_parse_error_body (const char  *data,
                          gsize        length,
                          char       **out_title,
                          char       **out_detail,
                          char       **out_field)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *field = NULL;
  g_autofree char *message = NULL;
  JsonObject *object;
  JsonNode *detail_node;

  if (out_title != NULL)
    *out_title = NULL;
  if (out_detail != NULL)
    *out_detail = NULL;
  if (out_field != NULL)
    *out_field = NULL;

  parser = lk_wire_load_object (data, length, LK_WIRE_SIDE_REPLY, &object, NULL);
  if (parser == NULL)
    return;

  title = dup_display_string (json_object_get_member (object, LK_WIRE_FIELD_TITLE));

  detail_node = json_object_get_member (object, LK_WIRE_FIELD_DETAIL);
  if (detail_node != NULL && JSON_NODE_HOLDS_ARRAY (detail_node))
    parse_detail_list (detail_node, &field, &message);
  else
    detail = dup_display_string (detail_node);

  if (field == NULL && message == NULL)
    parse_errors_entry (json_object_get_member (object, LK_WIRE_FIELD_ERRORS), &field, &message);

  /* An OAuth 2 token endpoint: {"error": "invalid_client",
   * "error_description": "..."} (RFC 6749, section 5.2). */
  if (title == NULL)
    title = dup_display_string (json_object_get_member (object, LK_WIRE_OAUTH_ERROR));
  if (detail == NULL && message == NULL)
    message = dup_display_string (json_object_get_member (object, LK_WIRE_FIELD_OAUTH_DETAIL));

  if (detail == NULL)
    detail = g_steal_pointer (&message);

  if (out_title != NULL)
    *out_title = g_steal_pointer (&title);
  if (out_detail != NULL)
    *out_detail = g_steal_pointer (&detail);
  if (out_field != NULL)
    *out_field = g_steal_pointer (&field);
}

