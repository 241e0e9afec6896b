/* lk-request.c: one HTTP exchange as the contract wants it
 *
 * A request carries a bearer token (lk-token.c fetches one and shares it
 * with every request waiting for it) or, for the token endpoint, the
 * client's Basic credentials.  Every attempt has a timeout; connection
 * errors, 429 and 503 are retried within a bounded budget (429 and 503
 * after the Retry-After the platform asks for, within a cap); a 401 gets
 * one new token and one more try; a reply larger than the contract allows
 * is refused.  A request with an Idempotency-Key (a create) is also
 * resent when its reply was lost, since the platform then replays the one
 * key and secret instead of making a second.
 *
 * Ownership: a request's task has no source object.  Whatever waits for
 * it (libsoup, a retry timer, the token queue) holds a reference, and its
 * callback drops it.  Only bearer requests touch the client, and their
 * operation keeps the client alive.
 *
 * Nothing secret is ever logged: debug messages name the method, the path
 * and the status, never a header or a body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-request"

#include "config.h"

#include <string.h>

#include "lk-client-private.h"
#include "lk-wire.h"

#define RETRY_AFTER_CAP_SECONDS     10
#define BACKOFF_FIRST_MS            250
#define BACKOFF_CAP_MS              4000
#define READ_CHUNK_SIZE             (64 * 1024)

/* ------------------------------------------------------------------------
 * Requests
 * ------------------------------------------------------------------------ */

typedef struct {
  LkClient     *client;          /* unowned; only bearer requests touch it */
  SoupSession  *session;
  GCancellable *cancellable;
  char         *method;
  char         *url;
  char         *log_path;
  GBytes       *body;
  const char   *content_type;
  char         *idempotency_key;
  char         *authorization;   /* wiped: Basic credentials of the token endpoint */
  char         *token;           /* wiped: the bearer token of this attempt */
  gboolean      bearer;
  gboolean      token_endpoint;
  gboolean      retry;
  gboolean      reauthorized;
  gboolean      waiting_token;
  guint         timeout;
  guint         max_attempts;
  gint64        deadline;        /* monotonic µs */
  guint         attempt;

  SoupMessage  *msg;
  GCancellable *attempt_cancellable;
  gulong        attempt_chain;
  GSource      *timer;           /* timeout, thread-default context */
  gboolean      timed_out;
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         buffer_size;     /* what @buffer holds without growing */
  goffset       expected_length;  /* Content-Length, or 0 when not given */
  GSource      *wait_timer;      /* each holds a reference on the task */
  GSource      *wait_cancel;
} Request;

static void request_attempt     (GTask *task);
static void request_need_token  (GTask *task);

static void
request_end_attempt (Request *req)
{
  lk_client_clear_timeout (&req->timer);
  if (req->attempt_cancellable != NULL)
    {
      lk_client_cancellable_unchain (req->cancellable, &req->attempt_chain);
      g_clear_object (&req->attempt_cancellable);
    }
  g_clear_object (&req->stream);
  g_clear_pointer (&req->buffer, lk_secret_byte_array_unref);
}

static void
request_clear_wait (Request *req)
{
  if (req->wait_timer != NULL)
    {
      g_source_destroy (req->wait_timer);
      g_clear_pointer (&req->wait_timer, g_source_unref);
    }
  if (req->wait_cancel != NULL)
    {
      g_source_destroy (req->wait_cancel);
      g_clear_pointer (&req->wait_cancel, g_source_unref);
    }
}

static void
request_free (Request *req)
{
  request_end_attempt (req);
  request_clear_wait (req);
  g_clear_object (&req->msg);
  g_clear_object (&req->session);
  g_clear_object (&req->cancellable);
  g_free (req->method);
  g_free (req->url);
  g_free (req->log_path);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->idempotency_key);
  g_clear_pointer (&req->authorization, lk_secret_free);
  g_clear_pointer (&req->token, lk_secret_free);
  g_free (req);
}

/* Both end the request: nothing waits for it any more. */
static void
request_return_error (GTask  *task,
                      GError *error)
{
  Request *req = g_task_get_task_data (task);

  request_end_attempt (req);
  request_clear_wait (req);
  g_task_return_error (task, error);
}

static void
request_return_reply (GTask         *task,
                      LkClientReply *reply)
{
  Request *req = g_task_get_task_data (task);

  request_end_attempt (req);
  request_clear_wait (req);
  g_task_return_pointer (task, reply, (GDestroyNotify) lk_client_reply_free);
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Request *req = g_task_get_task_data (task);

  if (req->waiting_token)
    {
      /* A bearer request: its operation keeps the client alive. */
      req->waiting_token = FALSE;
      lk_client_token_unwait (req->client, task);
    }

  request_return_error (task, lk_client_error_cancelled ());
  return G_SOURCE_REMOVE;
}

static void
request_watch_cancel (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  g_assert (req->wait_cancel == NULL);

  req->wait_cancel = g_cancellable_source_new (req->cancellable);
  g_source_set_callback (req->wait_cancel, G_SOURCE_FUNC (on_wait_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (req->wait_cancel, g_task_get_context (task));
}

static gboolean
on_retry_timer (gpointer user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  Request *req = g_task_get_task_data (task);

  request_clear_wait (req);
  if (req->bearer)
    request_need_token (task);
  else
    request_attempt (task);

  return G_SOURCE_REMOVE;
}

/* Whether another attempt fits the policy; @retry_after_ms is what the
 * platform asked for (0 = nothing). */
static gboolean
request_can_retry (Request *req,
                   guint    retry_after_ms,
                   guint   *out_delay_ms)
{
  guint delay;

  if (!req->retry || req->attempt >= req->max_attempts)
    return FALSE;

  if (retry_after_ms > 0)
    delay = MIN (retry_after_ms, RETRY_AFTER_CAP_SECONDS * 1000);
  else
    delay = MIN (BACKOFF_FIRST_MS << MIN (req->attempt - 1, 8), BACKOFF_CAP_MS)
            + (guint) g_random_int_range (0, 100);

  if (g_get_monotonic_time () + (gint64) delay * 1000 > req->deadline)
    return FALSE;

  *out_delay_ms = delay;
  return TRUE;
}

static void
request_retry_later (GTask *task,
                     guint  delay_ms)
{
  Request *req = g_task_get_task_data (task);

  g_debug ("%s %s: trying again in %u ms", req->method, req->log_path, delay_ms);

  /* The message of the failed attempt is done with. */
  g_clear_object (&req->msg);

  g_assert (req->wait_timer == NULL);
  req->wait_timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (req->wait_timer, on_retry_timer, g_object_ref (task), g_object_unref);
  g_source_attach (req->wait_timer, g_task_get_context (task));
  request_watch_cancel (task);
}

static guint
parse_retry_after (SoupMessage *msg)
{
  const char *value;
  guint64 seconds = 0;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                        LK_WIRE_HEADER_RETRY_AFTER);
  if (value == NULL)
    return 0;

  /* Seconds only; an HTTP date falls back to the backoff. */
  if (!g_ascii_string_to_unsigned (value, 10, 0, RETRY_AFTER_CAP_SECONDS * 100, &seconds, NULL))
    return 0;

  return (guint) MIN (seconds, RETRY_AFTER_CAP_SECONDS) * 1000;
}

static gboolean
is_tls_problem (Request      *req,
                const GError *error)
{
  if (error->domain == G_TLS_ERROR)
    return TRUE;

  return req->msg != NULL && soup_message_get_tls_peer_certificate_errors (req->msg) != 0;
}

/* A request with an Idempotency-Key (a create) whose reply was lost (no
 * answer in time, or cut short) may have taken effect on the platform:
 * a new key's secret then exists only in the reply we did not get.  The
 * same Idempotency-Key makes repeating it safe, and the platform answers
 * with the very same key and secret.  Other requests report such a
 * failure, so a platform that never answers fails after one timeout, not
 * after several. */
static gboolean
request_resend_lost_reply (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  guint delay = 0;

  if (req->idempotency_key == NULL || g_cancellable_is_cancelled (req->cancellable))
    return FALSE;
  if (!request_can_retry (req, 0, &delay))
    return FALSE;

  req->timed_out = FALSE;
  request_retry_later (task, delay);
  return TRUE;
}

/* A request that got no reply at all. */
static void
request_transport_failed (GTask  *task,
                          GError *error)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;
  guint delay = 0;

  request_end_attempt (req);

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      request_return_error (task, lk_client_error_cancelled ());
      return;
    }

  if (req->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_debug ("%s %s: no answer in time", req->method, req->log_path);
      if (!request_resend_lost_reply (task))
        request_return_error (task, lk_client_error_timeout ());
      return;
    }

  if (is_tls_problem (req, error))
    {
      GTlsCertificateFlags flags = req->msg ? soup_message_get_tls_peer_certificate_errors (req->msg) : 0;

      g_debug ("%s %s: TLS failed (flags 0x%x)", req->method, req->log_path, flags);
      request_return_error (task, lk_client_error_from_transport (error, TRUE, flags));
      return;
    }

  g_debug ("%s %s: connection failed (%s %d)", req->method, req->log_path,
           g_quark_to_string (error->domain), error->code);

  /* No reply at all, or a connection closed before one: safe to repeat,
   * since only GET, DELETE and POSTs with an Idempotency-Key retry. */
  if (request_can_retry (req, 0, &delay))
    {
      request_retry_later (task, delay);
      return;
    }

  request_return_error (task, lk_client_error_from_transport (error, FALSE, 0));
}

/* The reply was cut short, or did not come in time. */
static void
request_reply_lost (GTask  *task,
                    GError *error)
{
  if (!request_resend_lost_reply (task))
    request_return_error (task, error);
  else
    g_error_free (error);
}

/* The whole reply is in req->buffer. */
static void
request_got_reply (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(LkClientReply) unused = g_new0 (LkClientReply, 1);
  GBytes *body;
  guint status;
  guint delay = 0;
  LkClientReply *reply;

  /* Owned by @unused until a reply takes it, so it is wiped either way. */
  body = unused->body = g_byte_array_free_to_bytes (g_steal_pointer (&req->buffer));
  request_end_attempt (req);

  status = soup_message_get_status (req->msg);
  g_debug ("%s %s -> %u", req->method, req->log_path, status);

  /* A whole reply is never thrown away, even when cancelled meanwhile:
   * it may hold the only copy of a new key's secret. */
  if (status >= 200 && status < 300)
    {
      reply = g_steal_pointer (&unused);
      reply->status = status;
      request_return_reply (task, reply);
      return;
    }

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      request_return_error (task, lk_client_error_cancelled ());
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED && req->bearer && !req->reauthorized)
    {
      /* The token expired or was revoked: one new token, one more try. */
      req->reauthorized = TRUE;
      lk_client_token_drop (req->client, req->token);
      g_clear_pointer (&req->token, lk_secret_free);
      g_clear_object (&req->msg);
      request_need_token (task);
      return;
    }

  if ((status == 429 || status == SOUP_STATUS_SERVICE_UNAVAILABLE) &&
      request_can_retry (req, parse_retry_after (req->msg), &delay))
    {
      request_retry_later (task, delay);
      return;
    }

  request_return_error (task, lk_client_error_from_reply (req->method,
                                                          req->token_endpoint ? req->url : req->log_path,
                                                          status, body, req->token_endpoint));
}

/* Appends to req->buffer; a buffer that must grow is moved by hand, and
 * the old one wiped: a realloc() would leave a copy of what it held (a
 * secret, perhaps) in the memory it gives back. */
static void
request_buffer_append (Request      *req,
                       const guint8 *data,
                       gsize         length)
{
  if (req->buffer->len + length > req->buffer_size)
    {
      gsize size = MAX (req->buffer_size * 2, req->buffer->len + length);
      GByteArray *bigger = g_byte_array_sized_new ((guint) size);

      g_byte_array_append (bigger, req->buffer->data, req->buffer->len);
      lk_secret_byte_array_unref (g_steal_pointer (&req->buffer));
      req->buffer = bigger;
      req->buffer_size = size;
    }

  g_byte_array_append (req->buffer, data, (guint) length);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkWipedBytes) chunk = NULL;

  g_assert (G_IS_TASK (task));
  req = g_task_get_task_data (task);

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      request_end_attempt (req);
      if (g_cancellable_is_cancelled (req->cancellable))
        request_return_error (task, lk_client_error_cancelled ());
      else if (req->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        request_reply_lost (task, lk_client_error_timeout ());
      else
        {
          g_debug ("%s %s: reply cut short (%s %d)", req->method, req->log_path,
                   g_quark_to_string (error->domain), error->code);
          request_reply_lost (task, lk_client_error_cut_short ());
        }
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      /* libsoup 3.2 ends the stream quietly when the connection closes
       * before Content-Length bytes arrived: a truncated reply. */
      if (req->expected_length > 0 && (goffset) req->buffer->len < req->expected_length)
        {
          g_debug ("%s %s: reply cut short (%u of %" G_GOFFSET_FORMAT " bytes)", req->method,
                   req->log_path, req->buffer->len, req->expected_length);
          request_end_attempt (req);
          request_reply_lost (task, lk_client_error_cut_short ());
          return;
        }
      request_got_reply (task);
      return;
    }

  if (req->buffer->len + g_bytes_get_size (chunk) > LK_WIRE_MAX_REPLY_SIZE)
    {
      request_return_error (task, lk_client_error_too_large ());
      return;
    }

  request_buffer_append (req, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   req->attempt_cancellable, on_body_read,
                                   g_steal_pointer (&task));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req;
  GError *error = NULL;
  SoupMessageHeaders *headers;
  GInputStream *stream;
  goffset expected = 0;

  g_assert (G_IS_TASK (task));
  req = g_task_get_task_data (task);

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      request_transport_failed (task, error);
      return;
    }

  req->stream = stream;
  headers = soup_message_get_response_headers (req->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    expected = soup_message_headers_get_content_length (headers);
  if (expected > LK_WIRE_MAX_REPLY_SIZE)
    {
      request_return_error (task, lk_client_error_too_large ());
      return;
    }

  req->expected_length = expected;
  /* Sized up front: growing it would leave copies of a secret behind. */
  req->buffer_size = (gsize) MAX (expected, 4096);
  req->buffer = g_byte_array_sized_new ((guint) req->buffer_size);
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   req->attempt_cancellable, on_body_read,
                                   g_steal_pointer (&task));
}

static gboolean
on_attempt_timeout (gpointer user_data)
{
  Request *req = user_data;

  /* Removed when the attempt ends, so the request is alive. */
  g_clear_pointer (&req->timer, g_source_unref);
  req->timed_out = TRUE;
  g_cancellable_cancel (req->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static void
request_attempt (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      request_return_error (task, lk_client_error_cancelled ());
      return;
    }

  req->attempt++;
  req->timed_out = FALSE;
  g_clear_object (&req->msg);

  req->msg = soup_message_new (req->method, req->url);
  if (req->msg == NULL)
    {
      request_return_error (task, lk_client_error_bad_url ());
      return;
    }

  /* Credentials never follow a redirect. */
  soup_message_add_flags (req->msg, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", LK_CLIENT_JSON_CONTENT_TYPE);
  if (req->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", req->authorization);
  else if (req->token != NULL)
    {
      g_autoptr(LkSecretString) value = g_strconcat ("Bearer ", req->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  /* The same key on every attempt: see lk-client-create.c. */
  if (req->idempotency_key != NULL)
    soup_message_headers_replace (headers, LK_WIRE_HEADER_IDEMPOTENCY, req->idempotency_key);
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->msg, req->content_type, req->body);

  req->attempt_cancellable = g_cancellable_new ();
  req->attempt_chain = lk_client_cancellable_chain (req->cancellable, req->attempt_cancellable);
  req->timer = lk_client_add_timeout (req->timeout * 1000, on_attempt_timeout, req,
                                      "[layer-keys] request timeout");

  g_debug ("%s %s (attempt %u)", req->method, req->log_path, req->attempt);
  soup_session_send_async (req->session, req->msg, G_PRIORITY_DEFAULT,
                           req->attempt_cancellable, on_sent, g_object_ref (task));
}

/* Only for bearer requests, whose operation keeps the client alive. */
static void
request_need_token (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  LkClient *self = req->client;
  const char *token;

  g_assert (req->bearer);

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      request_return_error (task, lk_client_error_cancelled ());
      return;
    }

  token = lk_client_token_lookup (self);
  if (token != NULL)
    {
      g_clear_pointer (&req->token, lk_secret_free);
      req->token = g_strdup (token);
      request_attempt (task);
      return;
    }

  if (!lk_client_has_credentials (self))
    {
      request_return_error (task, lk_client_error_not_signed_in ());
      return;
    }

  req->waiting_token = TRUE;
  request_watch_cancel (task);
  lk_client_token_wait (self, task);
}

void
lk_client_request_token_ready (GTask        *task,
                               const char   *token,
                               const GError *error)
{
  Request *req;

  g_assert (G_IS_TASK (task));
  g_assert (token != NULL || error != NULL);
  req = g_task_get_task_data (task);
  g_assert (req->waiting_token);

  req->waiting_token = FALSE;
  request_clear_wait (req);
  if (token != NULL)
    {
      g_clear_pointer (&req->token, lk_secret_free);
      req->token = g_strdup (token);
      request_attempt (task);
    }
  else
    request_return_error (task, g_error_copy (error));
}

static void
request_start (LkClient            *self,
               const char          *method,
               const char          *path,
               GBytes              *body,
               const char          *content_type,
               const char          *idempotency_key,
               gboolean             token_endpoint,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *req;

  g_assert (LK_IS_CLIENT (self));
  g_assert (token_endpoint || path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, request_start);
  /* The request says itself when it was cancelled: a reply that did
   * arrive (a created key) is never thrown away. */
  g_task_set_check_cancellable (task, FALSE);

  req = g_new0 (Request, 1);
  req->client = self;
  req->session = g_object_ref (self->session);
  req->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  req->method = g_strdup (method);
  req->token_endpoint = token_endpoint;
  req->bearer = !token_endpoint;
  if (token_endpoint)
    {
      req->url = g_strdup (lk_client_token_url (self));
      req->log_path = g_strdup ("token endpoint");
    }
  else
    {
      req->url = g_strconcat (lk_platform_get_api_base (self->platform), path, NULL);
      req->log_path = g_strdup (path);
    }
  req->body = body ? g_bytes_ref (body) : NULL;
  req->content_type = content_type;
  req->idempotency_key = g_strdup (idempotency_key);
  req->retry = (g_str_equal (method, SOUP_METHOD_GET) ||
                g_str_equal (method, SOUP_METHOD_DELETE) ||
                idempotency_key != NULL ||
                token_endpoint);
  req->timeout = self->timeout;
  req->max_attempts = self->max_attempts;
  req->deadline = g_get_monotonic_time () + (gint64) self->max_total * G_USEC_PER_SEC;
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);

  if (self->platform_error != NULL)
    {
      request_return_error (task, g_error_copy (self->platform_error));
      return;
    }

  if (token_endpoint)
    {
      if (!lk_client_has_credentials (self))
        {
          request_return_error (task, lk_client_error_not_signed_in ());
          return;
        }
      req->authorization = lk_client_token_basic_authorization (self);
      request_attempt (task);
    }
  else
    request_need_token (task);
}

void
lk_client_request_async (LkClient            *self,
                         const char          *method,
                         const char          *path,
                         GBytes              *body,
                         const char          *content_type,
                         const char          *idempotency_key,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  request_start (self, method, path, body, content_type, idempotency_key, FALSE,
                 cancellable, callback, user_data);
}

void
lk_client_request_token_async (LkClient            *self,
                               GBytes              *body,
                               const char          *content_type,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  request_start (self, SOUP_METHOD_POST, NULL, body, content_type, NULL, TRUE,
                 cancellable, callback, user_data);
}

LkClientReply *
lk_client_request_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_assert (g_task_is_valid (result, NULL));
  g_assert (g_task_get_source_tag (G_TASK (result)) == request_start);

  return g_task_propagate_pointer (G_TASK (result), error);
}
