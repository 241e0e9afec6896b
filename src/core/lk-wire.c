/* lk-wire.c: the platform's wire contract in one place
 *
 * The parsers take raw bytes from the network.  They check the size, the
 * encoding and the nesting depth before handing the bytes to JSON-GLib, then
 * check the type of every member they read.  Their error messages name the
 * field but never quote the body: a reply may hold a secret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-error.h"
#include "lk-time.h"
#include "lk-wire.h"

/* Field names. */
#define F_ACCESS_TOKEN  "access_token"
#define F_TOKEN_TYPE    "token_type"
#define F_EXPIRES_IN    "expires_in"
#define F_ID            "id"
#define F_KEY_ID        "key_id"
#define F_NAME          "name"
#define F_CLIENT_ID     "client_id"
#define F_CLIENT_SECRET "client_secret"
#define F_CREATED_AT    "created_at"
#define F_CREATED_BY    "created_by"
#define F_EXPIRES_AT    "expires_at"
#define F_PERMISSIONS   "permissions"
#define F_ITEMS         LK_WIRE_PAGE_ITEMS
#define F_OFFSET        LK_WIRE_PAGE_OFFSET
#define F_LIMIT         LK_WIRE_PAGE_LIMIT
#define F_TOTAL         LK_WIRE_PAGE_TOTAL
#define F_TYPE          "type"
#define F_TITLE         "title"
#define F_DETAIL        "detail"
#define F_ERRORS        "errors"
#define F_FIELD         "field"
#define F_POINTER       "pointer"
#define F_MESSAGE       "message"
#define F_MSG           "msg"
#define F_LOC           "loc"
#define F_OAUTH_ERROR   LK_WIRE_OAUTH_ERROR
#define F_OAUTH_DETAIL  "error_description"

#define TOKEN_TYPE_BEARER "Bearer"

/* Replies of the contract nest five deep at most; anything much deeper is
 * refused before JSON-GLib's recursive parser sees it. */
#define MAX_NESTING_DEPTH 32

/* Longest lifetime a token reply may claim (seconds). */
#define MAX_TOKEN_LIFETIME (G_GINT64_CONSTANT (10) * 365 * 24 * 60 * 60)

typedef enum {
  SIDE_REPLY,     /* the platform's reply: LK_CLIENT_ERROR_MALFORMED_REPLY */
  SIDE_REQUEST,   /* a request to the simulator: LK_CLIENT_ERROR_INVALID_INPUT */
} Side;

/* Errors */

static gboolean
set_malformed (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY, message);
  return FALSE;
}

static gboolean
field_missing (Side         side,
               const char  *field,
               GError     **error)
{
  if (side == SIDE_REQUEST)
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

static gboolean
field_invalid (Side         side,
               const char  *field,
               GError     **error)
{
  if (side == SIDE_REQUEST)
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
          if (++depth > MAX_NESTING_DEPTH)
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

/* Parses @data into a JSON tree whose root is an object.  Returns the
 * parser (which owns the tree) and the root object. */
static JsonParser *
load_object (const char  *data,
             gsize        length,
             Side         side,
             JsonObject **out_object,
             GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  *out_object = NULL;

  if (data == NULL || length == 0)
    {
      if (side == SIDE_REQUEST)
        g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                             _("The request has no body."));
      else
        set_malformed (error, _("The platform sent an empty reply. Try again later."));
      return NULL;
    }

  if (length > LK_WIRE_MAX_REPLY_SIZE)
    {
      if (side == SIDE_REQUEST)
        g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                             _("The request is too large."));
      else
        set_malformed (error, _("The platform’s reply is too large. Check the platform address, or try again later."));
      return NULL;
    }

  /* Also refuses NUL bytes, which JSON-GLib would stop at. */
  if (!g_utf8_validate (data, (gssize) length, NULL) ||
      !nesting_is_shallow (data, length))
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
  if (side == SIDE_REQUEST)
    g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                         _("The request is not a JSON object."));
  else
    set_malformed (error, _("The platform sent a reply that is not valid JSON. Check the platform address, or try again later."));
  return NULL;
}

/* Members */

static gboolean
node_is_type (JsonNode *node,
              GType     type)
{
  return node != NULL &&
         JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == type;
}

/* Reads a string member.  Required strings must be present and non-empty;
 * an optional one may be missing or null (then *out is NULL).  Strings
 * longer than @max_length bytes are refused. */
static gboolean
get_string (JsonObject  *object,
            const char  *field,
            gboolean     required,
            gsize        max_length,
            Side         side,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);
  const char *value;

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? field_missing (side, field, error) : TRUE;

  if (!node_is_type (node, G_TYPE_STRING))
    return field_invalid (side, field, error);

  value = json_node_get_string (node);
  if (value == NULL || (required && *value == '\0'))
    return field_invalid (side, field, error);
  if (strnlen (value, max_length + 1) > max_length)
    return field_invalid (side, field, error);
  /* The body is valid UTF-8, but an escape such as \ud800 (half a
   * surrogate pair) decodes to bytes that are not. */
  if (!g_utf8_validate (value, -1, NULL))
    return field_invalid (side, field, error);

  *out = value;
  return TRUE;
}

static gboolean
get_time (JsonObject  *object,
          const char  *field,
          Side         side,
          gint64      *out,
          GError     **error)
{
  const char *text;

  if (!get_string (object, field, TRUE, LK_WIRE_MAX_FIELD_LENGTH, side, &text, error))
    return FALSE;

  if (!lk_time_parse_rfc3339 (text, out))
    return field_invalid (side, field, error);

  return TRUE;
}

/* A required non-negative integer that fits in a guint. */
static gboolean
get_count (JsonObject  *object,
           const char  *field,
           gboolean     required,
           guint       *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);
  gint64 value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? field_missing (SIDE_REPLY, field, error) : TRUE;

  if (!node_is_type (node, G_TYPE_INT64))
    return field_invalid (SIDE_REPLY, field, error);

  value = json_node_get_int (node);
  if (value < 0 || value > G_MAXUINT)
    return field_invalid (SIDE_REPLY, field, error);

  *out = (guint) value;
  return TRUE;
}

static gboolean
get_permissions (JsonObject     *object,
                 Side            side,
                 gboolean        required,
                 LkPermissions  *out,
                 GError        **error)
{
  JsonNode *node = json_object_get_member (object, F_PERMISSIONS);

  lk_permissions_clear (out);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? field_missing (side, F_PERMISSIONS, error) : TRUE;

  if (!lk_permissions_from_json (node, out, NULL))
    return field_invalid (side, F_PERMISSIONS, error);

  return TRUE;
}

/* Overwrites the text of a string node, so that a secret does not linger
 * in the parser's tree after it was copied out. */
static void
wipe_string_member (JsonObject *object,
                    const char *field)
{
  JsonNode *node = json_object_get_member (object, field);
  char *text;

  if (!node_is_type (node, G_TYPE_STRING))
    return;

  text = (char *) json_node_get_string (node);
  if (text != NULL)
    explicit_bzero (text, strlen (text));
}

/* Token */

static gboolean
get_expires_in (JsonObject  *object,
                gint64      *out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, F_EXPIRES_IN);
  gint64 value;

  *out = LK_WIRE_DEFAULT_TOKEN_LIFETIME;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (node_is_type (node, G_TYPE_INT64))
    value = json_node_get_int (node);
  else if (node_is_type (node, G_TYPE_STRING))
    {
      /* Some OAuth servers send the number as a string. */
      if (!g_ascii_string_to_signed (json_node_get_string (node), 10,
                                     1, MAX_TOKEN_LIFETIME, &value, NULL))
        return field_invalid (SIDE_REPLY, F_EXPIRES_IN, error);
    }
  else
    return field_invalid (SIDE_REPLY, F_EXPIRES_IN, error);

  if (value <= 0 || value > MAX_TOKEN_LIFETIME)
    return field_invalid (SIDE_REPLY, F_EXPIRES_IN, error);

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

  parser = load_object (data, length, SIDE_REPLY, &object, error);
  if (parser == NULL)
    return FALSE;

  ok = get_string (object, F_ACCESS_TOKEN, TRUE, LK_WIRE_MAX_TOKEN_LENGTH, SIDE_REPLY, &token, error) &&
       get_string (object, F_TOKEN_TYPE, FALSE, LK_WIRE_MAX_FIELD_LENGTH, SIDE_REPLY, &token_type, error) &&
       get_expires_in (object, &expires_in, error);

  if (ok && token_type != NULL && g_ascii_strcasecmp (token_type, TOKEN_TYPE_BEARER) != 0)
    ok = field_invalid (SIDE_REPLY, F_TOKEN_TYPE, error);

  if (ok)
    {
      *out_token = g_strdup (token);
      if (out_expires_in != NULL)
        *out_expires_in = expires_in;
    }

  wipe_string_member (object, F_ACCESS_TOKEN);
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

  if (!get_string (object, id_field, TRUE, LK_WIRE_MAX_FIELD_LENGTH, SIDE_REPLY, &id, error) ||
      !get_string (object, F_NAME, TRUE, LK_WIRE_MAX_FIELD_LENGTH, SIDE_REPLY, &name, error) ||
      !get_string (object, F_CLIENT_ID, TRUE, LK_WIRE_MAX_FIELD_LENGTH, SIDE_REPLY, &client_id, error))
    return NULL;

  if (with_created &&
      (!get_time (object, F_CREATED_AT, SIDE_REPLY, &created_at, error) ||
       !get_string (object, F_CREATED_BY, FALSE, LK_WIRE_MAX_FIELD_LENGTH, SIDE_REPLY, &created_by, error)))
    return NULL;

  if (!get_time (object, F_EXPIRES_AT, SIDE_REPLY, &expires_at, error) ||
      !get_permissions (object, SIDE_REPLY, TRUE, &permissions, error))
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
      field_invalid (SIDE_REPLY, F_ITEMS, error);
      return NULL;
    }

  return key_from_object (json_node_get_object (node), F_ID, TRUE, error);
}

LkApiKey *
lk_wire_parse_whoami (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = load_object (data, length, SIDE_REPLY, &object, error);
  if (parser == NULL)
    return NULL;

  return key_from_object (object, F_KEY_ID, FALSE, error);
}

/* A fast reader for key pages.
 *
 * A list of 100,000 keys spent most of its time having JSON-GLib build a
 * tree (a node and a hash table per key) and freeing it again.  This reader
 * walks the text once and builds the keys directly, but only for the plain
 * shape the platform sends: strings without escapes, counts as plain
 * digits, each member once.  Anything else (an escape, a duplicate member,
 * a number with a fraction, a missing or invalid field, trailing text...)
 * makes it give up, and the tree parser below reads the page as before,
 * with all its checks and error messages.  So it accepts nothing the tree
 * parser refuses, and gives the same keys for what it accepts. */

typedef struct {
  const char *p;
  const char *end;
} Scan;

typedef struct {
  const char *text;
  gsize       len;
  gboolean    is_null;
} Span;

static void
scan_ws (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_char (Scan *s,
           char  c)
{
  scan_ws (s);
  if (s->p < s->end && *s->p == c)
    {
      s->p++;
      return TRUE;
    }
  return FALSE;
}

/* A string without escapes or control characters. */
static gboolean
scan_string (Scan  *s,
             Span  *out)
{
  const char *start;

  scan_ws (s);
  if (s->p >= s->end || *s->p != '"')
    return FALSE;
  start = ++s->p;
  while (s->p < s->end)
    {
      guchar c = (guchar) *s->p;

      if (c == '"')
        {
          out->text = start;
          out->len = (gsize) (s->p - start);
          out->is_null = FALSE;
          s->p++;
          return TRUE;
        }
      if (c == '\\' || c < 0x20)
        return FALSE;
      s->p++;
    }
  return FALSE;
}

static gboolean
scan_literal (Scan       *s,
              const char *literal)
{
  gsize n = strlen (literal);

  scan_ws (s);
  if ((gsize) (s->end - s->p) < n || memcmp (s->p, literal, n) != 0)
    return FALSE;
  s->p += n;
  /* "nullx" and the like: what follows must end the value. */
  if (s->p < s->end && g_ascii_isalnum (*s->p))
    return FALSE;
  return TRUE;
}

/* A string or null. */
static gboolean
scan_string_or_null (Scan *s,
                     Span *out)
{
  scan_ws (s);
  if (s->p < s->end && *s->p == 'n')
    {
      out->text = NULL;
      out->len = 0;
      out->is_null = TRUE;
      return scan_literal (s, "null");
    }
  return scan_string (s, out);
}

/* Plain digits, no leading zero, that fit in a guint; not followed by a
 * fraction or an exponent. */
static gboolean
scan_count (Scan  *s,
            guint *out)
{
  guint64 value = 0;
  guint n = 0;

  scan_ws (s);
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    {
      if (++n > 10)
        return FALSE;
      value = value * 10 + (guint64) (*s->p - '0');
      s->p++;
    }
  if (n == 0 || (n > 1 && s->p[-(int) n] == '0') || value > G_MAXUINT)
    return FALSE;
  if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean scan_skip_value (Scan *s,
                                 guint depth);

/* Members of an object whose values are skipped; the '{' is read. */
static gboolean
scan_skip_object (Scan  *s,
                  guint  depth)
{
  Span name;

  if (scan_char (s, '}'))
    return TRUE;
  do
    {
      if (!scan_string (s, &name) || !scan_char (s, ':') || !scan_skip_value (s, depth + 1))
        return FALSE;
    }
  while (scan_char (s, ','));
  return scan_char (s, '}');
}

/* Any value of a plain shape: strings without escapes, literals, integers
 * of up to 15 digits, arrays and objects of those. */
static gboolean
scan_skip_value (Scan  *s,
                 guint  depth)
{
  Span span;

  if (depth > MAX_NESTING_DEPTH)
    return FALSE;

  scan_ws (s);
  if (s->p >= s->end)
    return FALSE;

  switch (*s->p)
    {
    case '"':
      return scan_string (s, &span);
    case 'n':
      return scan_literal (s, "null");
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case '{':
      s->p++;
      return scan_skip_object (s, depth);
    case '[':
      s->p++;
      if (scan_char (s, ']'))
        return TRUE;
      do
        {
          if (!scan_skip_value (s, depth + 1))
            return FALSE;
        }
      while (scan_char (s, ','));
      return scan_char (s, ']');
    default:
      {
        guint n = 0;

        if (*s->p == '-')
          s->p++;
        while (s->p < s->end && g_ascii_isdigit (*s->p))
          {
            if (++n > 15)
              return FALSE;
            s->p++;
          }
        if (n == 0 || (n > 1 && s->p[-(int) n] == '0'))
          return FALSE;
        if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
          return FALSE;
        return TRUE;
      }
    }
}

static gboolean
span_is (const Span *span,
         const char *text)
{
  gsize n = strlen (text);

  return span->len == n && memcmp (span->text, text, n) == 0;
}

/* The permissions object: known categories must hold arrays of strings
 * (unknown access names are ignored), unknown categories are ignored, as
 * lk_permissions_from_json() does. */
static gboolean
scan_permissions (Scan          *s,
                  LkPermissions *out)
{
  guint seen = 0;
  Span name;

  lk_permissions_clear (out);

  if (!scan_char (s, '{'))
    return FALSE;
  if (scan_char (s, '}'))
    return TRUE;

  do
    {
      int category = -1;

      if (!scan_string (s, &name) || !scan_char (s, ':'))
        return FALSE;

      for (guint c = 0; c < LK_N_CATEGORIES; c++)
        {
          if (span_is (&name, lk_category_get_wire_name ((LkCategory) c)))
            {
              category = (int) c;
              break;
            }
        }

      if (category < 0)
        {
          if (!scan_skip_value (s, 3))
            return FALSE;
          continue;
        }

      if (seen & (1u << category))
        return FALSE;
      seen |= 1u << category;

      if (!scan_char (s, '['))
        return FALSE;
      if (scan_char (s, ']'))
        continue;
      do
        {
          static const LkAccess accesses[] = { LK_ACCESS_READ, LK_ACCESS_WRITE, LK_ACCESS_DELETE };
          Span access;

          if (!scan_string (s, &access))
            return FALSE;
          for (guint a = 0; a < G_N_ELEMENTS (accesses); a++)
            {
              if (span_is (&access, lk_access_get_wire_name (accesses[a])))
                out->access[category] |= accesses[a];
            }
        }
      while (scan_char (s, ','));
      if (!scan_char (s, ']'))
        return FALSE;
    }
  while (scan_char (s, ','));

  return scan_char (s, '}');
}

/* Copies a string member into @buf (LK_WIRE_MAX_FIELD_LENGTH + 1 bytes),
 * with get_string()'s checks; NULL when it fails them. */
static const char *
span_copy (const Span *span,
           gboolean    required,
           char       *buf)
{
  if (span->is_null || span->len > LK_WIRE_MAX_FIELD_LENGTH ||
      (required && span->len == 0))
    return NULL;
  memcpy (buf, span->text, span->len);
  buf[span->len] = '\0';
  return buf;
}

enum {
  KEY_ID, KEY_NAME, KEY_CLIENT_ID, KEY_CREATED_AT, KEY_CREATED_BY, KEY_EXPIRES_AT,
  N_KEY_STRINGS
};

/* One key object, as key_from_object (object, F_ID, TRUE) reads it. */
static LkApiKey *
scan_key (Scan *s,
          char *buf)
{
  static const char * const names[N_KEY_STRINGS] = {
    F_ID, F_NAME, F_CLIENT_ID, F_CREATED_AT, F_CREATED_BY, F_EXPIRES_AT
  };
  Span spans[N_KEY_STRINGS];
  const char *text[N_KEY_STRINGS];
  gboolean have_permissions = FALSE;
  LkPermissions permissions;
  guint seen = 0;
  gint64 created_at, expires_at;
  Span name;

  if (!scan_char (s, '{'))
    return NULL;
  if (scan_char (s, '}'))
    return NULL;

  do
    {
      guint i;

      if (!scan_string (s, &name) || !scan_char (s, ':'))
        return NULL;

      if (span_is (&name, F_PERMISSIONS))
        {
          if (have_permissions || !scan_permissions (s, &permissions))
            return NULL;
          have_permissions = TRUE;
          continue;
        }

      for (i = 0; i < N_KEY_STRINGS; i++)
        {
          if (span_is (&name, names[i]))
            break;
        }
      if (i == N_KEY_STRINGS)
        {
          if (!scan_skip_value (s, 2))
            return NULL;
          continue;
        }
      if ((seen & (1u << i)) || !scan_string_or_null (s, &spans[i]))
        return NULL;
      seen |= 1u << i;
    }
  while (scan_char (s, ','));

  if (!scan_char (s, '}') || !have_permissions)
    return NULL;

  for (guint i = 0; i < N_KEY_STRINGS; i++)
    {
      char *slot = buf + i * (LK_WIRE_MAX_FIELD_LENGTH + 1);

      if (!(seen & (1u << i)))
        {
          if (i != KEY_CREATED_BY)
            return NULL;
          text[i] = NULL;
        }
      else if (i == KEY_CREATED_BY && spans[i].is_null)
        text[i] = NULL;
      else if ((text[i] = span_copy (&spans[i], i != KEY_CREATED_BY, slot)) == NULL)
        return NULL;
    }

  if (!lk_time_parse_rfc3339 (text[KEY_CREATED_AT], &created_at) ||
      !lk_time_parse_rfc3339 (text[KEY_EXPIRES_AT], &expires_at))
    return NULL;

  return lk_api_key_new (text[KEY_ID], text[KEY_NAME], text[KEY_CLIENT_ID], text[KEY_CREATED_BY],
                         created_at, expires_at, &permissions);
}

/* The whole page; FALSE (and nothing set) when the tree parser is to
 * read it.  @data is valid UTF-8 and shallow. */
static gboolean
scan_key_page (const char  *data,
               gsize        length,
               GPtrArray  **out_items,
               guint       *out_offset,
               guint       *out_total)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *buf = NULL;
  Scan s = { data, data + length };
  guint offset = 0, limit = 0, total = 0, seen = 0;
  Span name;

  enum { SEEN_ITEMS = 1, SEEN_OFFSET = 2, SEEN_LIMIT = 4, SEEN_TOTAL = 8 };

  if (!scan_char (&s, '{') || scan_char (&s, '}'))
    return FALSE;

  buf = g_malloc (N_KEY_STRINGS * (LK_WIRE_MAX_FIELD_LENGTH + 1));

  do
    {
      if (!scan_string (&s, &name) || !scan_char (&s, ':'))
        return FALSE;

      if (span_is (&name, F_ITEMS))
        {
          if ((seen & SEEN_ITEMS) || !scan_char (&s, '['))
            return FALSE;
          seen |= SEEN_ITEMS;
          items = g_ptr_array_new_full (128, g_object_unref);
          if (scan_char (&s, ']'))
            continue;
          do
            {
              LkApiKey *key = scan_key (&s, buf);

              if (key == NULL)
                return FALSE;
              g_ptr_array_add (items, key);
            }
          while (scan_char (&s, ','));
          if (!scan_char (&s, ']'))
            return FALSE;
        }
      else if (span_is (&name, F_OFFSET))
        {
          if ((seen & SEEN_OFFSET) || !scan_count (&s, &offset))
            return FALSE;
          seen |= SEEN_OFFSET;
        }
      else if (span_is (&name, F_TOTAL))
        {
          if ((seen & SEEN_TOTAL) || !scan_count (&s, &total))
            return FALSE;
          seen |= SEEN_TOTAL;
        }
      else if (span_is (&name, F_LIMIT))
        {
          if (seen & SEEN_LIMIT)
            return FALSE;
          seen |= SEEN_LIMIT;
          scan_ws (&s);
          if (s.p < s.end && *s.p == 'n' ? !scan_literal (&s, "null") : !scan_count (&s, &limit))
            return FALSE;
        }
      else if (!scan_skip_value (&s, 1))
        return FALSE;
    }
  while (scan_char (&s, ','));

  if (!scan_char (&s, '}'))
    return FALSE;
  scan_ws (&s);
  if (s.p != s.end)
    return FALSE;

  if ((seen & (SEEN_ITEMS | SEEN_OFFSET | SEEN_TOTAL)) != (SEEN_ITEMS | SEEN_OFFSET | SEEN_TOTAL))
    return FALSE;
  if (items->len > 0 && (guint64) offset + items->len > total)
    return FALSE;

  *out_items = g_steal_pointer (&items);
  if (out_offset != NULL)
    *out_offset = offset;
  if (out_total != NULL)
    *out_total = total;
  return TRUE;
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

  /* The same checks load_object() makes first. */
  if (data != NULL && length > 0 && length <= LK_WIRE_MAX_REPLY_SIZE &&
      g_utf8_validate (data, (gssize) length, NULL) &&
      nesting_is_shallow (data, length) &&
      scan_key_page (data, length, out_items, out_offset, out_total))
    return TRUE;

  parser = load_object (data, length, SIDE_REPLY, &object, error);
  if (parser == NULL)
    return FALSE;

  items_node = json_object_get_member (object, F_ITEMS);
  if (items_node == NULL || JSON_NODE_HOLDS_NULL (items_node))
    return field_missing (SIDE_REPLY, F_ITEMS, error);
  if (!JSON_NODE_HOLDS_ARRAY (items_node))
    return field_invalid (SIDE_REPLY, F_ITEMS, error);

  if (!get_count (object, F_OFFSET, TRUE, &offset, error) ||
      !get_count (object, F_LIMIT, FALSE, &limit, error) ||
      !get_count (object, F_TOTAL, TRUE, &total, error))
    return FALSE;

  array = json_node_get_array (items_node);
  n = json_array_get_length (array);

  /* A page never reaches past the total: a client paging on would
   * otherwise never stop.  An empty page past the end is a valid answer
   * (the list shrank while it was being read). */
  if (n > 0 && (guint64) offset + n > total)
    return field_invalid (SIDE_REPLY, F_TOTAL, error);

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

  parser = load_object (data, length, SIDE_REPLY, &object, error);
  if (parser == NULL)
    return NULL;

  if (get_string (object, F_CLIENT_SECRET, TRUE, LK_WIRE_MAX_FIELD_LENGTH, SIDE_REPLY, &secret, error))
    {
      key = key_from_object (object, F_ID, TRUE, error);
      if (key != NULL)
        created = lk_created_key_new (key, secret);
    }

  wipe_string_member (object, F_CLIENT_SECRET);
  return created;
}

/* Error bodies */

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

  if (!node_is_type (node, G_TYPE_STRING))
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
  *out_field = dup_display_string (json_object_get_member (entry, F_FIELD));
  if (*out_field == NULL)
    *out_field = field_from_pointer (json_object_get_member (entry, F_POINTER));

  *out_message = dup_display_string (json_object_get_member (entry, F_MESSAGE));
  if (*out_message == NULL)
    *out_message = dup_display_string (json_object_get_member (entry, F_DETAIL));
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
  *out_message = dup_display_string (json_object_get_member (entry, F_MSG));

  loc = json_object_get_member (entry, F_LOC);
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

  parser = load_object (data, length, SIDE_REPLY, &object, NULL);
  if (parser == NULL)
    return;

  title = dup_display_string (json_object_get_member (object, F_TITLE));

  detail_node = json_object_get_member (object, F_DETAIL);
  if (detail_node != NULL && JSON_NODE_HOLDS_ARRAY (detail_node))
    parse_detail_list (detail_node, &field, &message);
  else
    detail = dup_display_string (detail_node);

  if (field == NULL && message == NULL)
    parse_errors_entry (json_object_get_member (object, F_ERRORS), &field, &message);

  /* An OAuth 2 token endpoint: {"error": "invalid_client",
   * "error_description": "..."} (RFC 6749, section 5.2). */
  if (title == NULL)
    title = dup_display_string (json_object_get_member (object, F_OAUTH_ERROR));
  if (detail == NULL && message == NULL)
    message = dup_display_string (json_object_get_member (object, F_OAUTH_DETAIL));

  if (detail == NULL)
    detail = g_steal_pointer (&message);

  if (out_title != NULL)
    *out_title = g_steal_pointer (&title);
  if (out_detail != NULL)
    *out_detail = g_steal_pointer (&detail);
  if (out_field != NULL)
    *out_field = g_steal_pointer (&field);
}

/* Builders */

static char *
node_to_string (JsonNode *node,
                gsize    *out_length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, out_length);
}

static char *
object_to_string (JsonObject *object,
                  gsize      *out_length)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return node_to_string (node, out_length);
}

static void
set_time_member (JsonObject *object,
                 const char *field,
                 gint64      unix_time)
{
  g_autofree char *text = lk_time_format_rfc3339 (unix_time);

  json_object_set_string_member (object, field, text);
}

char *
lk_wire_build_create_body (const char          *name,
                           gint64               expires_at,
                           const LkPermissions *permissions,
                           gsize               *out_length)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *expires = lk_time_format_rfc3339 (expires_at);
  LkPermissions none = { { 0 } };

  g_return_val_if_fail (name != NULL, NULL);

  json_object_set_string_member (object, F_NAME, name);
  json_object_set_string_member (object, F_EXPIRES_AT, expires);
  json_object_set_member (object, F_PERMISSIONS,
                          lk_permissions_to_json (permissions != NULL ? permissions : &none));

  return object_to_string (object, out_length);
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

  parser = load_object (data, length, SIDE_REQUEST, &object, error);
  if (parser == NULL)
    return FALSE;

  /* Types only: the caller checks the name's length and the expiry range
   * and answers 422 for those. */
  if (!get_string (object, F_NAME, FALSE, LK_WIRE_MAX_FIELD_LENGTH, SIDE_REQUEST, &name, error))
    return FALSE;
  if (name == NULL)
    return field_missing (SIDE_REQUEST, F_NAME, error);

  if (!get_time (object, F_EXPIRES_AT, SIDE_REQUEST, &expires_at, error) ||
      !get_permissions (object, SIDE_REQUEST, FALSE, &permissions, error))
    return FALSE;

  if (out_name != NULL)
    *out_name = g_strdup (name);
  if (out_expires_at != NULL)
    *out_expires_at = expires_at;
  if (out_permissions != NULL)
    *out_permissions = permissions;

  return TRUE;
}

JsonNode *
lk_wire_key_to_json (LkApiKey   *key,
                     const char *client_secret)
{
  JsonObject *object;
  JsonNode *node;
  const char *created_by;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, F_ID, lk_api_key_get_id (key));
  json_object_set_string_member (object, F_NAME, lk_api_key_get_name (key));
  json_object_set_string_member (object, F_CLIENT_ID, lk_api_key_get_client_id (key));
  set_time_member (object, F_CREATED_AT, lk_api_key_get_created_at (key));
  set_time_member (object, F_EXPIRES_AT, lk_api_key_get_expires_at (key));
  created_by = lk_api_key_get_created_by (key);
  if (created_by != NULL)
    json_object_set_string_member (object, F_CREATED_BY, created_by);
  else
    json_object_set_null_member (object, F_CREATED_BY);
  json_object_set_member (object, F_PERMISSIONS,
                          lk_permissions_to_json (lk_api_key_get_permissions (key)));
  if (client_secret != NULL)
    json_object_set_string_member (object, F_CLIENT_SECRET, client_secret);

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
  json_object_set_string_member (object, F_KEY_ID, lk_api_key_get_id (key));
  json_object_set_string_member (object, F_NAME, lk_api_key_get_name (key));
  json_object_set_string_member (object, F_CLIENT_ID, lk_api_key_get_client_id (key));
  set_time_member (object, F_EXPIRES_AT, lk_api_key_get_expires_at (key));
  json_object_set_member (object, F_PERMISSIONS,
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

  json_object_set_string_member (object, F_ACCESS_TOKEN, access_token);
  json_object_set_string_member (object, F_TOKEN_TYPE, TOKEN_TYPE_BEARER);
  json_object_set_int_member (object, F_EXPIRES_IN, expires_in);

  reply = object_to_string (object, NULL);
  wipe_string_member (object, F_ACCESS_TOKEN);
  return reply;
}

char *
lk_wire_build_error_body (const char *title,
                          const char *detail,
                          const char *field)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, F_TYPE, "about:blank");
  if (title != NULL)
    json_object_set_string_member (object, F_TITLE, title);
  if (detail != NULL)
    json_object_set_string_member (object, F_DETAIL, detail);

  if (field != NULL)
    {
      JsonArray *errors = json_array_new ();
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, F_FIELD, field);
      if (detail != NULL)
        json_object_set_string_member (entry, F_MESSAGE, detail);
      json_array_add_object_element (errors, entry);
      json_object_set_array_member (object, F_ERRORS, errors);
    }

  return object_to_string (object, NULL);
}

char *
lk_wire_build_key_path (const char *id)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  return g_strconcat (LK_WIRE_PATH_KEY_PREFIX, escaped, NULL);
}
