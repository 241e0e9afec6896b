/* lk-wire-scan.c: the one-pass reader of key pages
 *
 * A list of 100,000 keys spent most of its time having JSON-GLib build a
 * tree (a node and a hash table per key) and freeing it again.  This reader
 * walks the text once and builds the keys directly, but only for the plain
 * shape the platform sends: strings without escapes, counts as plain
 * digits, each member once.  Anything else (an escape, a duplicate member,
 * a number with a fraction, a missing or invalid field, trailing text...)
 * makes it give up, and the tree parser of lk-wire-parse.c reads the page
 * as before, with all its checks and error messages.  So it accepts nothing
 * the tree parser refuses, and gives the same keys for what it accepts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-wire"

#include "config.h"

#include <string.h>

#include "lk-time.h"
#include "lk-wire.h"
#include "lk-wire-json.h"
#include "lk-wire-scan.h"

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

  if (depth > LK_WIRE_MAX_NESTING_DEPTH)
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

/* One key object, as lk_wire_key_from_json() reads it. */
static LkApiKey *
scan_key (Scan *s,
          char *buf)
{
  static const char * const names[N_KEY_STRINGS] = {
    LK_WIRE_FIELD_ID, LK_WIRE_FIELD_NAME, LK_WIRE_FIELD_CLIENT_ID,
    LK_WIRE_FIELD_CREATED_AT, LK_WIRE_FIELD_CREATED_BY, LK_WIRE_FIELD_EXPIRES_AT
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

      if (span_is (&name, LK_WIRE_FIELD_PERMISSIONS))
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

gboolean
lk_wire_scan_key_page (const char  *data,
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

  g_assert (data != NULL && out_items != NULL);

  if (!scan_char (&s, '{') || scan_char (&s, '}'))
    return FALSE;

  buf = g_malloc (N_KEY_STRINGS * (LK_WIRE_MAX_FIELD_LENGTH + 1));

  do
    {
      if (!scan_string (&s, &name) || !scan_char (&s, ':'))
        return FALSE;

      if (span_is (&name, LK_WIRE_PAGE_ITEMS))
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
      else if (span_is (&name, LK_WIRE_PAGE_OFFSET))
        {
          if ((seen & SEEN_OFFSET) || !scan_count (&s, &offset))
            return FALSE;
          seen |= SEEN_OFFSET;
        }
      else if (span_is (&name, LK_WIRE_PAGE_TOTAL))
        {
          if ((seen & SEEN_TOTAL) || !scan_count (&s, &total))
            return FALSE;
          seen |= SEEN_TOTAL;
        }
      else if (span_is (&name, LK_WIRE_PAGE_LIMIT))
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

