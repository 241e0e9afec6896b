/* lk-token.c: the bearer token of LkClient
 *
 * One token per client, fetched from the token endpoint with the client
 * credentials (RFC 6749) when a request needs one and none is valid, and
 * renewed a little before it expires.  Requests that need a token while
 * one is on its way wait in a queue and all get the same one (or the same
 * error).  A fetch started for credentials that changed meanwhile is not
 * used: the next one is.
 *
 * The client authenticates with HTTP Basic as RFC 6749 §2.3.1 says: the
 * client ID and secret are each form-encoded (application/x-www-form-
 * urlencoded, Appendix B) before they are joined with ':' and Base64'd,
 * so that a secret holding '%', '+', ':' or a space reaches a compliant
 * server intact.
 *
 * The fetch does not hold the client: it looks at the client's
 * cancellable (cancelled in dispose) before touching it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-token"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-client-private.h"
#include "lk-secret.h"
#include "lk-secret-reply.h"
#include "lk-wire.h"

/* The token request's form: RFC 6749 client credentials. */
#define TOKEN_REQUEST_BODY LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS
#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded"
#define TOKEN_MARGIN_SECONDS 30

typedef struct {
  LkClient     *client;        /* unowned: checked through client_cancellable */
  GCancellable *client_cancellable;
  guint         serial;
} TokenFetch;

static void token_fetch_start (LkClient *self);

/* ------------------------------------------------------------------------
 * The Basic credentials
 * ------------------------------------------------------------------------ */

static gboolean
form_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* The length of @text form-encoded. */
static gsize
form_encoded_length (const char *text)
{
  gsize length = 0;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    length += (form_unreserved (*p) || *p == ' ') ? 1 : 3;

  return length;
}

/* Writes @text form-encoded at @out (room for form_encoded_length());
 * returns the end. */
static char *
form_encode_to (const char *text,
                char       *out)
{
  static const char hex[] = "0123456789ABCDEF";

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (form_unreserved (*p))
        *out++ = (char) *p;
      else if (*p == ' ')
        *out++ = '+';
      else
        {
          *out++ = '%';
          *out++ = hex[*p >> 4];
          *out++ = hex[*p & 0xf];
        }
    }

  return out;
}

char *
lk_client_basic_authorization (const char *client_id,
                               const char *client_secret)
{
  g_autofree char *joined = NULL;
  g_autofree char *encoded = NULL;
  gsize id_length, secret_length;
  char *end;
  char *header;

  g_return_val_if_fail (client_id != NULL, NULL);
  g_return_val_if_fail (client_secret != NULL, NULL);

  /* Every buffer has its final size from the start: one that grew would
   * leave copies of the secret behind. */
  id_length = form_encoded_length (client_id);
  secret_length = form_encoded_length (client_secret);
  joined = g_malloc (id_length + 1 + secret_length + 1);
  end = form_encode_to (client_id, joined);
  *end++ = ':';
  end = form_encode_to (client_secret, end);
  *end = '\0';

  encoded = g_base64_encode ((const guchar *) joined, (gsize) (end - joined));
  header = g_strconcat ("Basic ", encoded, NULL);

  lk_secret_wipe (joined, (gsize) (end - joined));
  lk_secret_wipe (encoded, strlen (encoded));
  return header;
}

char *
lk_client_token_basic_authorization (LkClient *self)
{
  g_assert (LK_IS_CLIENT (self));
  g_assert (lk_client_has_credentials (self));

  return lk_client_basic_authorization (self->client_id, self->client_secret);
}

static void
token_fetch_free (TokenFetch *fetch)
{
  g_clear_object (&fetch->client_cancellable);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenFetch, token_fetch_free)

/* Hands every waiting request the token, or the error. */
static void
token_waiters_dispatch (LkClient     *self,
                        const char   *token,
                        const GError *error)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->token_waiters)) != NULL)
    {
      lk_client_request_token_ready (task, token, error);
      g_object_unref (task);
    }
}

/* How long a token that lives @expires_in seconds is used: renewed 30 s
 * before it expires; a very short one for half its life. */
static gint64
token_use_seconds (gint64 expires_in)
{
  if (expires_in <= 0)
    expires_in = LK_WIRE_DEFAULT_TOKEN_LIFETIME;

  return expires_in > 2 * TOKEN_MARGIN_SECONDS ? expires_in - TOKEN_MARGIN_SECONDS : expires_in / 2;
}

static void
on_token_reply (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TokenFetch) fetch = user_data;
  LkClient *self;
  g_autoptr(LkClientReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkSecretString) token = NULL;
  gint64 expires_in = 0;

  reply = lk_client_request_finish (result, &error);

  /* The client was disposed; its waiters are cancelled by their own
   * cancellables. */
  if (g_cancellable_is_cancelled (fetch->client_cancellable))
    return;

  self = fetch->client;
  self->token_fetching = FALSE;

  if (fetch->serial != self->credentials_serial)
    {
      /* The credentials changed meanwhile: this token is not theirs. */
      if (lk_client_has_credentials (self))
        token_fetch_start (self);
      else
        {
          g_autoptr(GError) not_signed_in = lk_client_error_not_signed_in ();

          token_waiters_dispatch (self, NULL, not_signed_in);
        }
      return;
    }

  /* The first token URL is not there: ask the platform's other one. */
  if (reply == NULL && lk_client_token_url_fall_back (self, &error))
    {
      token_fetch_start (self);
      return;
    }

  if (reply != NULL)
    {
      gsize length = 0;
      char *data = lk_client_reply_steal_data (reply, &length);

      /* Read without JSON-GLib's copies of the token. */
      lk_secret_reply_parse_token (data, length, &token, &expires_in, &error);
      lk_secret_free_sized (data, length);
    }

  if (token != NULL)
    {
      gint64 valid = token_use_seconds (expires_in);

      g_clear_pointer (&self->token, lk_secret_free);
      self->token = g_strdup (token);
      self->token_valid_until = g_get_monotonic_time () + valid * G_USEC_PER_SEC;
      g_debug ("new token, valid for %" G_GINT64_FORMAT " s", valid);
    }
  else if (error == NULL)
    error = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                                 _("The platform’s sign-in reply could not be read."));

  token_waiters_dispatch (self, token, error);
}

static void
token_fetch_start (LkClient *self)
{
  g_autoptr(GBytes) body = NULL;
  TokenFetch *fetch;

  g_assert (!self->token_fetching);
  self->token_fetching = TRUE;

  fetch = g_new0 (TokenFetch, 1);
  fetch->client = self;
  fetch->client_cancellable = g_object_ref (self->cancellable);
  fetch->serial = self->credentials_serial;

  body = g_bytes_new_static (TOKEN_REQUEST_BODY, strlen (TOKEN_REQUEST_BODY));
  lk_client_request_token_async (self, body, FORM_CONTENT_TYPE, self->cancellable,
                                 on_token_reply, fetch);
}

const char *
lk_client_token_lookup (LkClient *self)
{
  g_assert (LK_IS_CLIENT (self));

  if (self->token != NULL && g_get_monotonic_time () < self->token_valid_until)
    return self->token;

  return NULL;
}

void
lk_client_token_wait (LkClient *self,
                      GTask    *request)
{
  g_assert (LK_IS_CLIENT (self));
  g_assert (G_IS_TASK (request));

  g_queue_push_tail (&self->token_waiters, g_object_ref (request));

  if (!self->token_fetching)
    token_fetch_start (self);
}

gboolean
lk_client_token_unwait (LkClient *self,
                        GTask    *request)
{
  g_assert (LK_IS_CLIENT (self));

  if (!g_queue_remove (&self->token_waiters, request))
    return FALSE;

  g_object_unref (request);
  return TRUE;
}

void
lk_client_token_drop (LkClient   *self,
                      const char *token)
{
  g_assert (LK_IS_CLIENT (self));

  if (self->token != NULL && token != NULL && g_str_equal (self->token, token))
    {
      g_clear_pointer (&self->token, lk_secret_free);
      self->token_valid_until = 0;
    }
}

void
lk_client_token_reset (LkClient *self)
{
  g_assert (LK_IS_CLIENT (self));

  self->credentials_serial++;
  g_clear_pointer (&self->token, lk_secret_free);
  self->token_valid_until = 0;
}
