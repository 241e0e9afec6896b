/* lk-secret-reply.c: the two replies that hold a secret, read without copies
 *
 * The scanner reads just enough JSON to know which string is the
 * top-level member it looks for: strings (with their escapes), objects
 * and arrays (to keep track of the depth), and skips everything else;
 * lk-wire.c then checks the whole reply.  The one copy of the secret it
 * makes is the one it hands on, in a buffer sized once (a buffer that
 * grew would leave a copy behind).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-reply"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-error.h"
#include "lk-secret-reply.h"
#include "lk-secret.h"
#include "lk-wire.h"

/* The members that hold a secret, as lk-wire.c names them. */
#define MEMBER_ACCESS_TOKEN  "access_token"
#define MEMBER_CLIENT_SECRET "client_secret"

/* Deeper than any reply of the contract (lk-wire.c refuses them too). */
#define MAX_DEPTH 64

typedef struct {
  char  *data;
  gsize  length;
  gsize  pos;
} Scanner;

static gboolean skip_value (Scanner *s,
                            guint    depth);

static void
skip_space (Scanner *s)
{
  while (s->pos < s->length &&
         (s->data[s->pos] == ' ' || s->data[s->pos] == '\t' ||
          s->data[s->pos] == '\n' || s->data[s->pos] == '\r'))
    s->pos++;
}

static gboolean
at (Scanner *s,
    char     c)
{
  return s->pos < s->length && s->data[s->pos] == c;
}

/* From the opening quote at s->pos, the position of the closing quote. */
static gboolean
find_string_end (Scanner *s,
                 gsize   *out_end)
{
  gsize i;

  g_assert (at (s, '"'));

  for (i = s->pos + 1; i < s->length; i++)
    {
      guchar c = (guchar) s->data[i];

      if (c == '"')
        {
          *out_end = i;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c == '\\')
        i++;
    }

  return FALSE;
}

static gboolean
read_hex4 (const char *p,
           gunichar   *out)
{
  gunichar value = 0;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return FALSE;
      value = (value << 4) | (gunichar) digit;
    }

  *out = value;
  return TRUE;
}

/* Decodes the string between @start and @end (the quotes excluded) into
 * @out, which has room for @end - @start + 1 bytes: never more than that,
 * since every escape is longer than what it stands for.  Refuses NUL and
 * half surrogate pairs, as lk-wire.c does. */
static gboolean
decode_string (const char *start,
               const char *end,
               char       *out,
               gsize      *out_length)
{
  const char *p = start;
  char *o = out;

  while (p < end)
    {
      gunichar c;

      if (*p != '\\')
        {
          *o++ = *p++;
          continue;
        }

      if (end - p < 2)
        return FALSE;
      switch (p[1])
        {
        case '"':  *o++ = '"';  p += 2; continue;
        case '\\': *o++ = '\\'; p += 2; continue;
        case '/':  *o++ = '/';  p += 2; continue;
        case 'b':  *o++ = '\b'; p += 2; continue;
        case 'f':  *o++ = '\f'; p += 2; continue;
        case 'n':  *o++ = '\n'; p += 2; continue;
        case 'r':  *o++ = '\r'; p += 2; continue;
        case 't':  *o++ = '\t'; p += 2; continue;
        case 'u':  break;
        default:   return FALSE;
        }

      if (end - p < 6 || !read_hex4 (p + 2, &c))
        return FALSE;
      p += 6;
      if (c >= 0xD800 && c <= 0xDBFF)
        {
          gunichar low;

          if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !read_hex4 (p + 2, &low) ||
              low < 0xDC00 || low > 0xDFFF)
            return FALSE;
          p += 6;
          c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        }
      else if ((c >= 0xDC00 && c <= 0xDFFF) || c == 0)
        return FALSE;

      o += g_unichar_to_utf8 (c, o);
    }

  *o = '\0';
  *out_length = (gsize) (o - out);
  return g_utf8_validate (out, (gssize) *out_length, NULL);
}

/* The string at s->pos, decoded (g_free; for a secret, wiped first). */
static char *
read_string (Scanner *s,
             gsize   *out_length)
{
  g_autofree char *decoded = NULL;
  gsize end;

  if (!at (s, '"') || !find_string_end (s, &end))
    return NULL;

  decoded = g_malloc (end - s->pos);
  if (!decode_string (s->data + s->pos + 1, s->data + end, decoded, out_length))
    {
      lk_secret_wipe (decoded, end - s->pos);
      return NULL;
    }

  s->pos = end + 1;
  return g_steal_pointer (&decoded);
}

static gboolean
skip_string (Scanner *s)
{
  gsize end;

  if (!at (s, '"') || !find_string_end (s, &end))
    return FALSE;

  s->pos = end + 1;
  return TRUE;
}

/* Numbers, true, false, null: lk-wire.c checks them; here they only end. */
static gboolean
skip_scalar (Scanner *s)
{
  gsize start = s->pos;

  while (s->pos < s->length &&
         (g_ascii_isalnum (s->data[s->pos]) || s->data[s->pos] == '-' ||
          s->data[s->pos] == '+' || s->data[s->pos] == '.'))
    s->pos++;

  return s->pos > start;
}

static gboolean
skip_container (Scanner *s,
                guint    depth,
                gboolean object)
{
  char close = object ? '}' : ']';

  s->pos++;
  skip_space (s);
  if (at (s, close))
    {
      s->pos++;
      return TRUE;
    }

  for (;;)
    {
      if (object)
        {
          if (!skip_string (s))
            return FALSE;
          skip_space (s);
          if (!at (s, ':'))
            return FALSE;
          s->pos++;
          skip_space (s);
        }
      if (!skip_value (s, depth + 1))
        return FALSE;
      skip_space (s);
      if (at (s, close))
        {
          s->pos++;
          return TRUE;
        }
      if (!at (s, ','))
        return FALSE;
      s->pos++;
      skip_space (s);
    }
}

static gboolean
skip_value (Scanner *s,
            guint    depth)
{
  if (depth > MAX_DEPTH || s->pos >= s->length)
    return FALSE;

  switch (s->data[s->pos])
    {
    case '"':
      return skip_string (s);
    case '{':
      return skip_container (s, depth, TRUE);
    case '[':
      return skip_container (s, depth, FALSE);
    default:
      return skip_scalar (s);
    }
}

/* Overwrites the string whose opening quote is at @start and closing
 * quote at @end with @n '*', quoted, and spaces after: still JSON. */
static void
redact (char  *data,
        gsize  start,
        gsize  end,
        gsize  n)
{
  g_assert (n + 2 <= end - start + 1);

  data[start] = '"';
  memset (data + start + 1, '*', n);
  data[start + 1 + n] = '"';
  memset (data + start + 2 + n, ' ', end - (start + 1 + n));
}

gboolean
lk_secret_reply_take_member (char        *data,
                             gsize        length,
                             const char  *member,
                             char       **out_secret)
{
  Scanner s = { data, length, 0 };
  char *secret = NULL;

  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out_secret != NULL, FALSE);

  *out_secret = NULL;
  if (data == NULL)
    return FALSE;

  skip_space (&s);
  if (!at (&s, '{'))
    return FALSE;
  s.pos++;
  skip_space (&s);

  while (!at (&s, '}'))
    {
      g_autofree char *name = NULL;
      gsize name_length = 0;

      name = read_string (&s, &name_length);
      if (name == NULL)
        goto malformed;
      skip_space (&s);
      if (!at (&s, ':'))
        goto malformed;
      s.pos++;
      skip_space (&s);

      if (g_str_equal (name, member) && strlen (name) == name_length && at (&s, '"'))
        {
          gsize start = s.pos;
          gsize secret_length = 0;

          /* The last one counts, as for JSON-GLib; every one is hidden. */
          g_clear_pointer (&secret, lk_secret_free);
          secret = read_string (&s, &secret_length);
          if (secret == NULL)
            goto malformed;
          redact (data, start, s.pos - 1, secret_length);
        }
      else if (!skip_value (&s, 1))
        goto malformed;

      skip_space (&s);
      if (at (&s, ','))
        {
          s.pos++;
          skip_space (&s);
          if (at (&s, '}'))
            goto malformed;
        }
      else if (!at (&s, '}'))
        goto malformed;
    }

  s.pos++;
  skip_space (&s);
  if (s.pos != length)
    goto malformed;

  *out_secret = secret;
  return TRUE;

malformed:
  lk_secret_free (secret);
  return FALSE;
}

static void
set_not_json (GError **error)
{
  g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                       _("The platform sent a reply that is not valid JSON. Check the platform address, or try again later."));
}

gboolean
lk_secret_reply_parse_token (char    *data,
                             gsize    length,
                             char   **out_token,
                             gint64  *out_expires_in,
                             GError **error)
{
  g_autoptr(LkSecretString) token = NULL;
  g_autoptr(LkSecretString) stand_in = NULL;

  g_return_val_if_fail (out_token != NULL, FALSE);

  *out_token = NULL;
  if (!lk_secret_reply_take_member (data, length, MEMBER_ACCESS_TOKEN, &token))
    {
      set_not_json (error);
      return FALSE;
    }

  if (!lk_wire_parse_token (data, length, &stand_in, out_expires_in, error))
    return FALSE;

  /* The parser found a string where the scanner did (or they disagree
   * about a reply, which then is not one). */
  if (token == NULL || strlen (token) != strlen (stand_in))
    {
      set_not_json (error);
      return FALSE;
    }

  *out_token = g_steal_pointer (&token);
  return TRUE;
}

LkCreatedKey *
lk_secret_reply_parse_created (char    *data,
                               gsize    length,
                               GError **error)
{
  g_autoptr(LkSecretString) secret = NULL;
  LkCreatedKey *created;

  if (!lk_secret_reply_take_member (data, length, MEMBER_CLIENT_SECRET, &secret))
    {
      set_not_json (error);
      return NULL;
    }

  created = lk_wire_parse_created (data, length, error);
  if (created == NULL)
    return NULL;

  if (secret == NULL || strlen (secret) != strlen (created->client_secret))
    {
      lk_created_key_unref (created);
      set_not_json (error);
      return NULL;
    }

  lk_secret_free (created->client_secret);
  created->client_secret = g_steal_pointer (&secret);
  return created;
}
