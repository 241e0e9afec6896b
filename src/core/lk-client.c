/* lk-client.c: the platform client
 *
 * Two layers live here.  A "request" is one HTTP exchange as the contract
 * wants it: a bearer token (fetched once and shared by everyone waiting
 * for it), a timeout on every attempt, retries on connection errors, 429
 * and 503 within a bounded budget, one new token after a 401, and a reply
 * size limit.  On top of it, the public operations (sign in, list, create,
 * delete) turn replies into LkApiKey objects, the keys model and the
 * credential store.
 *
 * Ownership: each public operation is a GTask whose source object is the
 * client, so the client lives as long as one runs.  Internal requests do
 * not hold the client; the token fetch in particular only touches it after
 * checking that the client was not disposed.  Disposing the client cancels
 * its GCancellable, to which every operation's cancellable is chained.
 *
 * Nothing secret is ever logged: debug messages name the method, the path
 * and the status, never a header or a body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-client.h"
#include "lk-time.h"
#include "lk-wire.h"

/* The token request's form: RFC 6749 client credentials. */
#define TOKEN_REQUEST_BODY LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS

#define DEFAULT_TIMEOUT_SECONDS     30
#define DEFAULT_MAX_ATTEMPTS        4
#define DEFAULT_MAX_TOTAL_SECONDS   60
#define DEFAULT_PAGE_SIZE           100
#define TOKEN_MARGIN_SECONDS        30
#define RETRY_AFTER_CAP_SECONDS     10
#define BACKOFF_FIRST_MS            250
#define BACKOFF_CAP_MS              4000
#define READ_CHUNK_SIZE             (64 * 1024)
#define MAX_LIST_OFFSET             10000000
/* After the first page, a list puts its keys in the store once this many
 * have arrived, or LIST_BATCH_MS after the first of them arrived, whichever
 * comes first (and always at the end).  Every change of the store goes
 * through the window's sorting, search, selection and table, and what the
 * main loop spends there the next pages wait for: the first page shows at
 * once, a list of 10,000 keys then comes in one go, a longer one four
 * times a second. */
#define LIST_BATCH_KEYS             20000
#define LIST_BATCH_MS               250
#define MAX_DETAIL_CHARS            200

#define JSON_CONTENT_TYPE "application/json"
#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded"

struct _LkClient
{
  GObject            parent_instance;

  LkPlatform        *platform;
  LkCredentialStore *store;
  GListStore        *keys;
  LkApiKey          *whoami;
  char              *client_id;
  char              *client_secret;      /* wiped */

  SoupSession       *session;
  GError            *platform_error;     /* why requests cannot be made */
  GCancellable      *cancellable;        /* cancelled in dispose */

  char              *token;              /* wiped */
  gint64             token_valid_until;  /* monotonic µs */
  guint              credentials_serial;
  gboolean           token_fetching;
  GQueue             token_waiters;      /* of GTask (requests), each a ref */

  GCancellable      *list_cancellable;   /* of the list in progress */
  gboolean           loading;
  gint64             listed_at;          /* monotonic µs, 0: never */
  /* Keys of the list in progress not yet in @keys: after the first page,
   * pages are put in the store in batches (see list_add_page()). */
  GPtrArray         *list_pending;       /* of LkApiKey */
  GSource           *list_flush;         /* timeout, thread-default context */

  /* Creates whose outcome is unknown (no reply, cut short, server error),
   * by trimmed name: asking again for the same key repeats the very same
   * request with the same Idempotency-Key, so the platform's replay brings
   * the one secret back instead of "name taken". */
  GHashTable        *unsettled_creates;  /* char* -> UnsettledCreate* */

  guint              timeout;
  guint              max_attempts;
  guint              max_total;
  guint              page_size;
};

G_DEFINE_FINAL_TYPE (LkClient, lk_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLATFORM,
  PROP_STORE,
  PROP_KEYS,
  PROP_WHOAMI,
  PROP_LOADING,
  PROP_CLIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------
 * Cancellable chains
 * ------------------------------------------------------------------------ */

static void
on_parent_cancelled (GCancellable *parent,
                     gpointer      child)
{
  g_cancellable_cancel (G_CANCELLABLE (child));
}

static gulong
chain_cancellable (GCancellable *parent,
                   GCancellable *child)
{
  if (parent == NULL)
    return 0;

  return g_cancellable_connect (parent, G_CALLBACK (on_parent_cancelled),
                                g_object_ref (child), g_object_unref);
}

static void
unchain_cancellable (GCancellable *parent,
                     gulong       *handler_id)
{
  /* A cancelled parent never runs its handlers again, and disconnecting
   * from inside its emission would deadlock: leave it connected then. */
  if (parent != NULL && *handler_id != 0 && !g_cancellable_is_cancelled (parent))
    g_cancellable_disconnect (parent, *handler_id);
  *handler_id = 0;
}

/* The cancellable of one public operation: cancelled by the caller's or
 * by the client's. */
typedef struct {
  GCancellable *cancellable;
  GCancellable *parents[2];
  gulong        ids[2];
} Chain;

static void
chain_init (Chain        *chain,
            GCancellable *caller,
            GCancellable *client)
{
  GCancellable *parents[2] = { caller, client };

  chain->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (parents); i++)
    {
      chain->parents[i] = parents[i] ? g_object_ref (parents[i]) : NULL;
      chain->ids[i] = chain_cancellable (parents[i], chain->cancellable);
    }
}

static void
chain_clear (Chain *chain)
{
  for (guint i = 0; i < G_N_ELEMENTS (chain->parents); i++)
    {
      unchain_cancellable (chain->parents[i], &chain->ids[i]);
      g_clear_object (&chain->parents[i]);
    }
  g_clear_object (&chain->cancellable);
}

/* ------------------------------------------------------------------------
 * Error messages
 * ------------------------------------------------------------------------ */

/* A piece of an error body, made fit for a sentence: one line, bounded. */
static char *
sanitize_detail (const char *text)
{
  GString *out;
  const char *p;
  guint n = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  out = g_string_new (NULL);
  for (p = text; *p != '\0' && n < MAX_DETAIL_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");

  g_strstrip (out->str);
  if (out->str[0] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

static GError *
error_from_status (guint    status,
                   GBytes  *body,
                   gboolean token_endpoint)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *field = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  gsize length = 0;
  const char *data = NULL;

  if (body != NULL)
    data = g_bytes_get_data (body, &length);
  lk_wire_parse_error_body (data, length, &title, &detail, &field);

  /* What the platform said, in one short line. */
  text = sanitize_detail (detail != NULL ? detail : title);
  name = sanitize_detail (field);

  if (token_endpoint && (status == 400 || status == 401 || status == 403))
    return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED,
                                _("The client ID or secret was not accepted, or the key has expired."));

  switch (status)
    {
    case 400:
    case 422:
      if (name != NULL && text != NULL)
        /* Translators: the first %s is a field of a request ("name",
         * "expires_at"), the second what the platform said about it. */
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            _("The platform did not accept the field “%s”: %s"), name, text);
      if (name != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            _("The platform did not accept the field “%s”. Check it and try again."), name);
      if (text != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            _("The platform did not accept the request: %s"), text);
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                                  _("The platform did not accept the request. Check what you entered and try again."));

    case 401:
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED,
                                  _("The platform no longer accepts this sign-in. Sign in again."));

    case 403:
      if (text != NULL)
        /* Translators: %s is what the platform says is missing, such as
         * "Needs API Keys: Write". */
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED,
                            _("The signed-in key may not do this (%s). Sign in with a key that has this permission."),
                            text);
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED,
                                  _("The signed-in key may not do this. Sign in with a key that has the needed permission."));

    case 404:
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND,
                                  _("The platform does not know this item; it may have been deleted."));

    case 409:
      if (text != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT,
                            _("The platform refused the change: %s"), text);
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT,
                                  _("A key with this name already exists. Choose another name."));

    case 429:
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_RATE_LIMITED,
                                  _("The platform is receiving too many requests. Wait a minute and try again."));

    default:
      break;
    }

  if (status >= 500 && status < 600)
    return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_SERVER_ERROR,
                        _("The platform had a problem (error %u). Try again later."), status);

  if (status >= 400 && status < 500)
    return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                        _("The platform refused the request (error %u)."), status);

  return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                      _("The platform gave an unexpected answer (status %u)."), status);
}

static GError *
timeout_error (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK,
                              _("The platform did not answer in time. Check your network connection and try again."));
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              _("The operation was cancelled."));
}

static GError *
not_signed_in_error (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_SIGNED_IN,
                              _("Enter a client ID and secret to sign in."));
}

/* ------------------------------------------------------------------------
 * Requests
 * ------------------------------------------------------------------------ */

typedef struct {
  guint   status;
  GBytes *body;
} Reply;

/* Replies may hold a token or a new key's secret: wipe them all. */
static void
wipe_bytes (GBytes *bytes)
{
  gsize size = 0;
  gpointer data = g_bytes_unref_to_data (bytes, &size);

  /* An empty reply comes back as NULL data. */
  if (data != NULL)
    explicit_bzero (data, size);
  g_free (data);
}

typedef GBytes WipedBytes;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WipedBytes, wipe_bytes)

static void
wipe_byte_array (GByteArray *array)
{
  if (array->data != NULL)
    explicit_bzero (array->data, array->len);
  g_byte_array_unref (array);
}

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, wipe_bytes);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

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
  goffset       expected_length;  /* Content-Length, or 0 when not given */
  GSource      *wait_timer;
  GSource      *wait_cancel;
} Request;

static void request_attempt     (GTask *task);
static void request_need_token  (GTask *task);
static void token_fetch_start   (LkClient *self);

/* Timeouts go to the thread-default main context, as libsoup's callbacks
 * do: a client may live in a thread of its own (see LkAccountPrefetch). */
static GSource *
add_timeout (guint        ms,
             GSourceFunc  func,
             gpointer     data,
             const char  *name)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_set_name (source, name);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

static void
clear_timeout (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
request_end_attempt (Request *req)
{
  clear_timeout (&req->timer);
  if (req->attempt_cancellable != NULL)
    {
      unchain_cancellable (req->cancellable, &req->attempt_chain);
      g_clear_object (&req->attempt_cancellable);
    }
  g_clear_object (&req->stream);
  g_clear_pointer (&req->buffer, wipe_byte_array);
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

/* Both end the request and drop the reference the pending request held. */
static void
request_return_error (GTask  *task,
                      GError *error)
{
  Request *req = g_task_get_task_data (task);

  request_end_attempt (req);
  request_clear_wait (req);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
request_return_reply (GTask *task,
                      Reply *reply)
{
  Request *req = g_task_get_task_data (task);

  request_end_attempt (req);
  request_clear_wait (req);
  g_task_return_pointer (task, reply, (GDestroyNotify) reply_free);
  g_object_unref (task);
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  if (req->waiting_token)
    {
      /* A bearer request: its operation keeps the client alive. */
      req->waiting_token = FALSE;
      if (g_queue_remove (&req->client->token_waiters, task))
        g_object_unref (task);
    }

  request_return_error (task, cancelled_error ());
  return G_SOURCE_REMOVE;
}

static void
request_watch_cancel (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  req->wait_cancel = g_cancellable_source_new (req->cancellable);
  g_source_set_callback (req->wait_cancel, G_SOURCE_FUNC (on_wait_cancelled), task, NULL);
  g_source_attach (req->wait_cancel, g_task_get_context (task));
}

static gboolean
on_retry_timer (gpointer user_data)
{
  GTask *task = user_data;
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

  req->wait_timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (req->wait_timer, on_retry_timer, task, NULL);
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

/* A create whose reply was lost (no answer in time, or cut short) may
 * have taken effect on the platform: its secret then exists only in the
 * reply we did not get.  The same Idempotency-Key makes repeating it safe,
 * and the platform answers with the very same key and secret.  Other
 * requests report such a failure, so a platform that never answers fails
 * after one timeout, not after several. */
static gboolean
request_retry_lost_reply (GTask *task)
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
  GError *mapped;
  guint delay = 0;

  request_end_attempt (req);

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      request_return_error (task, cancelled_error ());
      return;
    }

  if (req->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_debug ("%s %s: no answer in time", req->method, req->log_path);
      if (!request_retry_lost_reply (task))
        request_return_error (task, timeout_error ());
      return;
    }

  if (is_tls_problem (req, error))
    {
      GTlsCertificateFlags flags = req->msg ? soup_message_get_tls_peer_certificate_errors (req->msg) : 0;

      g_debug ("%s %s: TLS failed (flags 0x%x)", req->method, req->log_path, flags);
      if (flags != 0 || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        mapped = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_TLS,
                                      _("The platform’s certificate is not trusted. If your platform uses a private certificate authority, choose its CA file in Custom region settings."));
      else
        mapped = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_TLS,
                                      _("A secure connection to the platform could not be set up. Check the platform address and its certificate."));
      request_return_error (task, mapped);
      return;
    }

  g_debug ("%s %s: connection failed (%s %d)", req->method, req->log_path,
           g_quark_to_string (error->domain), error->code);

  if (error->domain == G_RESOLVER_ERROR)
    mapped = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK,
                                  _("The platform’s address could not be found. Check your network connection and the platform address."));
  else
    mapped = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK,
                                  _("Could not connect to the platform. Check your network connection and try again."));

  /* No reply at all, or a connection closed before one: safe to repeat,
   * since only GET, DELETE and POSTs with an Idempotency-Key retry. */
  if (request_can_retry (req, 0, &delay))
    {
      g_error_free (mapped);
      request_retry_later (task, delay);
      return;
    }

  request_return_error (task, mapped);
}

static void
client_drop_token (LkClient   *self,
                   const char *token)
{
  if (self->token != NULL && token != NULL && g_str_equal (self->token, token))
    {
      g_clear_pointer (&self->token, lk_secret_free);
      self->token_valid_until = 0;
    }
}

/* The whole reply is in req->buffer. */
static void
request_got_reply (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(Reply) unused = g_new0 (Reply, 1);
  GBytes *body;
  guint status;
  guint delay = 0;
  Reply *reply;

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
      request_return_error (task, cancelled_error ());
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED && req->bearer && !req->reauthorized)
    {
      /* The token expired or was revoked: one new token, one more try. */
      req->reauthorized = TRUE;
      client_drop_token (req->client, req->token);
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

  request_return_error (task, error_from_status (status, body, req->token_endpoint));
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(WipedBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      request_end_attempt (req);
      if (g_cancellable_is_cancelled (req->cancellable))
        request_return_error (task, cancelled_error ());
      else if (req->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          if (!request_retry_lost_reply (task))
            request_return_error (task, timeout_error ());
        }
      else
        {
          g_debug ("%s %s: reply cut short (%s %d)", req->method, req->log_path,
                   g_quark_to_string (error->domain), error->code);
          if (!request_retry_lost_reply (task))
            request_return_error (task,
                                  g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                                                       _("The platform’s reply was cut short. Try again.")));
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
          if (!request_retry_lost_reply (task))
            request_return_error (task,
                                  g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                                                       _("The platform’s reply was cut short. Try again.")));
          return;
        }
      request_got_reply (task);
      return;
    }

  if (req->buffer->len + g_bytes_get_size (chunk) > LK_WIRE_MAX_REPLY_SIZE)
    {
      request_return_error (task,
                            g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                                                 _("The platform’s reply was too large.")));
      return;
    }

  g_byte_array_append (req->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   req->attempt_cancellable, on_body_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  SoupMessageHeaders *headers;
  GInputStream *stream;
  goffset expected = 0;

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
      request_return_error (task,
                            g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                                                 _("The platform’s reply was too large.")));
      return;
    }

  req->expected_length = expected;
  /* Sized up front: growing it would leave copies of a secret behind. */
  req->buffer = g_byte_array_sized_new ((guint) MAX (expected, 4096));
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   req->attempt_cancellable, on_body_read, task);
}

static gboolean
on_attempt_timeout (gpointer user_data)
{
  Request *req = user_data;

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
      request_return_error (task, cancelled_error ());
      return;
    }

  req->attempt++;
  req->timed_out = FALSE;
  g_clear_object (&req->msg);

  req->msg = soup_message_new (req->method, req->url);
  if (req->msg == NULL)
    {
      request_return_error (task,
                            g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                                                 _("The platform address is not a valid URL.")));
      return;
    }

  /* Credentials never follow a redirect. */
  soup_message_add_flags (req->msg, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", JSON_CONTENT_TYPE);
  if (req->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", req->authorization);
  else if (req->token != NULL)
    {
      g_autoptr(LkSecretString) value = g_strconcat ("Bearer ", req->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (req->idempotency_key != NULL)
    soup_message_headers_replace (headers, LK_WIRE_HEADER_IDEMPOTENCY, req->idempotency_key);
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->msg, req->content_type, req->body);

  req->attempt_cancellable = g_cancellable_new ();
  req->attempt_chain = chain_cancellable (req->cancellable, req->attempt_cancellable);
  req->timer = add_timeout (req->timeout * 1000, on_attempt_timeout, req,
                            "[layer-keys] request timeout");

  g_debug ("%s %s (attempt %u)", req->method, req->log_path, req->attempt);
  soup_session_send_async (req->session, req->msg, G_PRIORITY_DEFAULT,
                           req->attempt_cancellable, on_sent, task);
}

/* Only for bearer requests, whose operation keeps the client alive. */
static void
request_need_token (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  LkClient *self = req->client;

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      request_return_error (task, cancelled_error ());
      return;
    }

  if (self->token != NULL && g_get_monotonic_time () < self->token_valid_until)
    {
      g_clear_pointer (&req->token, lk_secret_free);
      req->token = g_strdup (self->token);
      request_attempt (task);
      return;
    }

  if (self->client_id == NULL || self->client_secret == NULL)
    {
      request_return_error (task, not_signed_in_error ());
      return;
    }

  req->waiting_token = TRUE;
  g_queue_push_tail (&self->token_waiters, g_object_ref (task));
  request_watch_cancel (task);

  if (!self->token_fetching)
    token_fetch_start (self);
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
  GTask *task;
  Request *req;

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
      req->url = g_strdup (lk_platform_get_token_url (self->platform));
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
      g_autofree char *joined = NULL;
      g_autoptr(LkSecretString) encoded = NULL;

      if (self->client_id == NULL || self->client_secret == NULL)
        {
          request_return_error (task, not_signed_in_error ());
          return;
        }
      joined = g_strconcat (self->client_id, ":", self->client_secret, NULL);
      encoded = g_base64_encode ((const guchar *) joined, strlen (joined));
      req->authorization = g_strconcat ("Basic ", encoded, NULL);
      /* joined holds the secret too */
      lk_secret_free (g_steal_pointer (&joined));
      request_attempt (task);
    }
  else
    request_need_token (task);
}

static Reply *
request_finish (GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == request_start, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * The token
 * ------------------------------------------------------------------------ */

typedef struct {
  LkClient     *client;        /* unowned: checked through client_cancellable */
  GCancellable *client_cancellable;
  guint         serial;
} TokenFetch;

static void
token_fetch_free (TokenFetch *fetch)
{
  g_clear_object (&fetch->client_cancellable);
  g_free (fetch);
}

static void
token_waiters_dispatch (LkClient     *self,
                        const char   *token,
                        const GError *error)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->token_waiters)) != NULL)
    {
      Request *req = g_task_get_task_data (task);

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

      g_object_unref (task);
    }
}

static void
on_token_reply (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TokenFetch *fetch = user_data;
  LkClient *self;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkSecretString) token = NULL;
  gint64 expires_in = 0;

  reply = request_finish (result, &error);

  if (g_cancellable_is_cancelled (fetch->client_cancellable))
    {
      /* The client was disposed; its waiters are cancelled by their own
       * cancellables. */
      token_fetch_free (fetch);
      return;
    }

  self = fetch->client;
  self->token_fetching = FALSE;

  if (fetch->serial != self->credentials_serial)
    {
      /* The credentials changed meanwhile: this token is not theirs. */
      token_fetch_free (fetch);
      if (self->client_id != NULL && self->client_secret != NULL)
        token_fetch_start (self);
      else
        {
          g_autoptr(GError) not_signed_in = not_signed_in_error ();

          token_waiters_dispatch (self, NULL, not_signed_in);
        }
      return;
    }
  token_fetch_free (fetch);

  if (reply != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (reply->body, &length);

      lk_wire_parse_token (data, length, &token, &expires_in, &error);
    }

  if (token != NULL)
    {
      gint64 valid;

      if (expires_in <= 0)
        expires_in = LK_WIRE_DEFAULT_TOKEN_LIFETIME;
      /* Renew 30 s before it expires; a very short token for half its life. */
      valid = expires_in > 2 * TOKEN_MARGIN_SECONDS ? expires_in - TOKEN_MARGIN_SECONDS : expires_in / 2;

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
  request_start (self, SOUP_METHOD_POST, NULL, body, FORM_CONTENT_TYPE, NULL, TRUE,
                 self->cancellable, on_token_reply, fetch);
}

/* ------------------------------------------------------------------------
 * Public operations
 * ------------------------------------------------------------------------ */

typedef struct {
  char          *name;             /* trimmed */
  char          *idempotency_key;
  GBytes        *body;             /* exactly what was sent */
  gint64         expires_at;
  LkPermissions  permissions;
  gint64         started;          /* monotonic µs */
} UnsettledCreate;

/* The platform keeps an Idempotency-Key for 24 hours; stay well inside. */
#define UNSETTLED_CREATE_LIFETIME_USEC (12 * G_TIME_SPAN_HOUR)

static void
unsettled_create_free (UnsettledCreate *create)
{
  g_free (create->name);
  g_free (create->idempotency_key);
  g_clear_pointer (&create->body, g_bytes_unref);
  g_free (create);
}

/* Whether a failed create may have taken effect on the platform. */
static gboolean
create_outcome_unknown (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (error->domain != LK_CLIENT_ERROR)
    return TRUE;

  switch ((LkClientError) error->code)
    {
    case LK_CLIENT_ERROR_NETWORK:
    case LK_CLIENT_ERROR_MALFORMED_REPLY:
    case LK_CLIENT_ERROR_SERVER_ERROR:
    case LK_CLIENT_ERROR_RATE_LIMITED:
    case LK_CLIENT_ERROR_TLS:
      return TRUE;
    case LK_CLIENT_ERROR_AUTHENTICATION_FAILED:
    case LK_CLIENT_ERROR_PERMISSION_DENIED:
    case LK_CLIENT_ERROR_NOT_FOUND:
    case LK_CLIENT_ERROR_CONFLICT:
    case LK_CLIENT_ERROR_INVALID_INPUT:
    case LK_CLIENT_ERROR_INVALID_PLATFORM:
    case LK_CLIENT_ERROR_NOT_SIGNED_IN:
    default:
      return FALSE;
    }
}

typedef struct {
  Chain              chain;
  /* create, delete: the store as it was when the operation started, so a
   * secret still reaches it when the client goes away meanwhile */
  LkCredentialStore *store;
  char              *platform_id;
  /* list */
  guint         offset;           /* of the next page to read */
  guint         limit;
  gboolean      first_page;
  guint         total;            /* as the latest page gave it */
  gboolean      have_total;
  GQueue        pages;            /* Page requests in flight or arrived, by offset */
  guint         asked;            /* the offset of the next page to ask for */
  gboolean      pages_done;       /* no page reply is wanted any more */
  /* create */
  LkCreatedKey    *created;
  UnsettledCreate *create;        /* what was sent, should the outcome be unknown */
  /* create, store_secret */
  gboolean      stored_now;
  /* delete */
  char         *key_id;
} Op;

/* One page of a list, asked for; its reply, once it came (pages may come
 * out of order over the two connections, and are read in order). */
typedef struct {
  guint         offset;
  GCancellable *cancellable;
  gulong        cancel_id;
  GBytes       *body;           /* or @error, once it arrived */
  GError       *error;
} Page;

static gboolean
page_arrived (const Page *page)
{
  return page->body != NULL || page->error != NULL;
}

static void
page_free (Page   *page,
           Op     *op)
{
  if (page->cancellable != NULL)
    unchain_cancellable (op->chain.cancellable, &page->cancel_id);
  g_clear_object (&page->cancellable);
  g_clear_pointer (&page->body, g_bytes_unref);
  g_clear_error (&page->error);
  g_free (page);
}

static void
op_free (Op *op)
{
  Page *page;

  while ((page = g_queue_pop_head (&op->pages)) != NULL)
    page_free (page, op);
  chain_clear (&op->chain);
  g_clear_object (&op->store);
  g_free (op->platform_id);
  g_clear_pointer (&op->created, lk_created_key_unref);
  g_clear_pointer (&op->create, unsettled_create_free);
  g_free (op->key_id);
  g_free (op);
}

static GTask *
op_task_new (LkClient            *self,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task;
  Op *op = g_new0 (Op, 1);

  chain_init (&op->chain, cancellable, self->cancellable);
  task = g_task_new (self, op->chain.cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  return task;
}

static Op *
op_of (GTask *task)
{
  return g_task_get_task_data (task);
}

static void
op_keep_store (LkClient *self,
               Op       *op)
{
  g_set_object (&op->store, self->store);
  op->platform_id = g_strdup (lk_platform_get_id (self->platform));
}

/* TRUE when dispose ran: then the client's fields are not to be used. */
static gboolean
client_disposed (LkClient *self)
{
  return g_cancellable_is_cancelled (self->cancellable);
}

static GError *
malformed_error (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                              _("The platform’s reply could not be read. Try again later."));
}

/* Parsers report their own MALFORMED_REPLY; make sure nothing else leaks. */
static GError *
parse_error (GError *error)
{
  if (error == NULL)
    return malformed_error ();
  if (!g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY))
    {
      g_error_free (error);
      return malformed_error ();
    }
  return error;
}

/* ---- sign in ---- */

static void
on_whoami_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkClient *self = g_task_get_source_object (task);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  GError *error = NULL;
  gsize length;
  const char *data;

  reply = request_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_bytes_get_data (reply->body, &length);
  whoami = lk_wire_parse_whoami (data, length, &error);
  if (whoami == NULL)
    {
      g_task_return_error (task, parse_error (error));
      return;
    }

  if (g_task_return_error_if_cancelled (task) || client_disposed (self))
    return;

  if (g_set_object (&self->whoami, whoami))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WHOAMI]);

  g_task_return_pointer (task, g_steal_pointer (&whoami), g_object_unref);
}

void
lk_client_sign_in_async (LkClient            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, lk_client_sign_in_async, cancellable, callback, user_data);

  if (self->client_id == NULL || self->client_secret == NULL)
    {
      g_task_return_error (task, not_signed_in_error ());
      g_object_unref (task);
      return;
    }

  request_start (self, SOUP_METHOD_GET, LK_WIRE_PATH_WHOAMI, NULL, NULL, NULL, FALSE,
                 op_of (task)->chain.cancellable, on_whoami_reply, task);
}

LkApiKey *
lk_client_sign_in_finish (LkClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_sign_in_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- list ---- */

static void
set_loading (LkClient *self,
             gboolean  loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Puts the keys gathered so far at the end of the store. */
static void
list_flush (LkClient *self)
{
  clear_timeout (&self->list_flush);

  if (self->list_pending == NULL || self->list_pending->len == 0)
    return;

  g_list_store_splice (self->keys, g_list_model_get_n_items (G_LIST_MODEL (self->keys)), 0,
                       self->list_pending->pdata, self->list_pending->len);
  g_ptr_array_set_size (self->list_pending, 0);
}

static gboolean
on_list_flush_timeout (gpointer user_data)
{
  LkClient *self = user_data;

  /* Removed in dispose, so the client is alive. */
  g_clear_pointer (&self->list_flush, g_source_unref);
  list_flush (self);

  return G_SOURCE_REMOVE;
}

/* Takes the keys of one page: the first page replaces what the store held,
 * later ones are gathered and put in the store in batches. */
static void
list_add_page (LkClient  *self,
               Op        *op,
               GPtrArray *items)
{
  if (op->first_page)
    {
      list_flush (self);
      g_list_store_splice (self->keys, 0, g_list_model_get_n_items (G_LIST_MODEL (self->keys)),
                           items->pdata, items->len);
      op->first_page = FALSE;
      return;
    }

  if (self->list_pending == NULL)
    self->list_pending = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (self->list_pending, g_object_ref (g_ptr_array_index (items, i)));

  if (self->list_pending->len >= LIST_BATCH_KEYS)
    list_flush (self);
  else if (self->list_pending->len > 0 && self->list_flush == NULL)
    self->list_flush = add_timeout (LIST_BATCH_MS, on_list_flush_timeout, self,
                                    "[layer-keys] list batch");
}

/* Drops the page requests in flight, if any: their replies are not
 * wanted. */
static void
list_stop_pages (Op *op)
{
  Page *page;

  op->pages_done = TRUE;
  while ((page = g_queue_pop_head (&op->pages)) != NULL)
    {
      if (page->cancellable != NULL)
        g_cancellable_cancel (page->cancellable);
      page_free (page, op);
    }
}

/* Ends a list: the error (or NULL for success) goes to the caller. */
static void
list_done (GTask  *task,
           GError *error)
{
  LkClient *self = g_task_get_source_object (task);
  Op *op = op_of (task);

  list_stop_pages (op);

  if (!client_disposed (self) && self->list_cancellable == op->chain.cancellable)
    {
      /* The pages that did arrive stay, as they would have one by one. */
      list_flush (self);
      g_clear_object (&self->list_cancellable);
      if (error == NULL && !g_cancellable_is_cancelled (op->chain.cancellable))
        self->listed_at = g_get_monotonic_time ();
      set_loading (self, FALSE);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);

  g_object_unref (task);
}

static void
on_local_keys_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  LkClient *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  found = lk_credential_store_find_keys_finish (LK_CREDENTIAL_STORE (source), result, &error);

  if (g_cancellable_is_cancelled (op_of (task)->chain.cancellable))
    {
      list_done (task, cancelled_error ());
      return;
    }

  if (found == NULL)
    {
      /* Not an error of the list: the keys are there, only the marks are not. */
      g_debug ("Could not tell which secrets are stored here: %s", error->message);
      list_done (task, NULL);
      return;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (self->keys), i);

      lk_api_key_set_has_local_secret (key, g_hash_table_contains (found, lk_api_key_get_id (key)));
    }

  list_done (task, NULL);
}

/* Pages asked for ahead of the one being read: a second request waits at
 * the platform while it answers the first, so it never idles between
 * them (libsoup opens a second connection for it). */
#define LIST_PAGES_IN_FLIGHT 2

static void list_fetch_page (GTask *task,
                             guint  offset);

/* Asks for the pages after those in flight, up to LIST_PAGES_IN_FLIGHT,
 * as far as the total the latest page gave says there are: a list never
 * asks for a page it does not need, unless the keys shrink meanwhile. */
static void
list_fetch_ahead (GTask *task)
{
  Op *op = op_of (task);

  while (g_queue_get_length (&op->pages) < LIST_PAGES_IN_FLIGHT)
    {
      if (!op->have_total || op->asked >= op->total || op->asked >= MAX_LIST_OFFSET)
        return;
      list_fetch_page (task, op->asked);
    }
}

/* Reads the page at the head of the queue; FALSE when the list ended
 * (well or not). */
static gboolean
list_read_page (GTask *task,
                Page  *page)
{
  LkClient *self = g_task_get_source_object (task);
  Op *op = op_of (task);
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;
  guint offset = 0;
  guint total = 0;
  gsize length;
  const char *data;

  if (page->error != NULL)
    {
      list_done (task, g_steal_pointer (&page->error));
      return FALSE;
    }

  data = g_bytes_get_data (page->body, &length);
  if (!lk_wire_parse_key_page (data, length, &items, &offset, &total, &error))
    {
      list_done (task, parse_error (error));
      return FALSE;
    }

  if (offset != op->offset || items->len > op->limit)
    {
      g_debug ("list page: asked for offset %u limit %u, got offset %u with %u items",
               op->offset, op->limit, offset, items->len);
      list_done (task, malformed_error ());
      return FALSE;
    }

  list_add_page (self, op, items);

  op->offset += items->len;
  op->total = total;
  op->have_total = TRUE;

  /* A short page is the last; so is reaching the total the platform gave
   * with its latest page (it may change while we read). */
  if (items->len < op->limit || op->offset >= total || op->offset >= MAX_LIST_OFFSET)
    {
      list_stop_pages (op);
      list_flush (self);
      if (self->store != NULL)
        lk_credential_store_find_keys_async (self->store, lk_platform_get_id (self->platform),
                                             op->chain.cancellable, on_local_keys_found, task);
      else
        list_done (task, NULL);
      return FALSE;
    }

  return TRUE;
}

static void
on_list_page (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  /* Each page request holds a reference; the list itself holds another
   * until list_done(). */
  g_autoptr(GTask) page_ref = user_data;
  GTask *task = page_ref;
  Op *op = op_of (task);
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;
  Page *page = NULL;

  reply = request_finish (result, &error);

  /* A request dropped when the list ended without it. */
  if (op->pages_done)
    {
      g_clear_error (&error);
      return;
    }

  for (GList *l = op->pages.head; l != NULL; l = l->next)
    if (((Page *) l->data)->cancellable != NULL &&
        g_task_get_cancellable (G_TASK (result)) == ((Page *) l->data)->cancellable)
      page = l->data;
  if (page == NULL)
    {
      /* not ours any more (cannot happen while the pages are kept) */
      g_clear_error (&error);
      return;
    }

  unchain_cancellable (op->chain.cancellable, &page->cancel_id);
  g_clear_object (&page->cancellable);
  if (reply != NULL)
    page->body = g_bytes_ref (reply->body);
  else
    page->error = error;
  g_clear_pointer (&reply, reply_free);

  if (g_cancellable_is_cancelled (op->chain.cancellable))
    {
      list_done (task, cancelled_error ());
      return;
    }

  /* The pages that are there, in order; the next ones asked for before
   * each is read, so the platform works on them meanwhile. */
  while ((page = g_queue_peek_head (&op->pages)) != NULL && page_arrived (page))
    {
      g_queue_pop_head (&op->pages);
      list_fetch_ahead (task);
      if (!list_read_page (task, page))
        {
          page_free (page, op);
          return;
        }
      page_free (page, op);
    }

  /* More to read: the total may have grown past what is asked for. */
  list_fetch_ahead (task);
  if (g_queue_is_empty (&op->pages))
    list_fetch_page (task, op->offset);
}

/* Asks for the page at @offset; the request holds a reference on the list. */
static void
list_fetch_page (GTask *task,
                 guint  offset)
{
  LkClient *self = g_task_get_source_object (task);
  Op *op = op_of (task);
  g_autofree char *path = NULL;
  Page *page = g_new0 (Page, 1);

  /* Its own cancellable, so that a list that ends while it is in flight
   * can drop it. */
  page->offset = offset;
  op->asked = MAX (op->asked, offset + op->limit);
  page->cancellable = g_cancellable_new ();
  page->cancel_id = chain_cancellable (op->chain.cancellable, page->cancellable);
  g_queue_push_tail (&op->pages, page);

  path = g_strdup_printf ("%s?%s=%u&%s=%u", LK_WIRE_PATH_KEYS,
                          LK_WIRE_QUERY_OFFSET, offset,
                          LK_WIRE_QUERY_LIMIT, op->limit);
  request_start (self, SOUP_METHOD_GET, path, NULL, NULL, NULL, FALSE,
                 page->cancellable, on_list_page, g_object_ref (task));
}

void
lk_client_list_keys_async (LkClient            *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, lk_client_list_keys_async, cancellable, callback, user_data);
  op = op_of (task);
  op->offset = 0;
  op->limit = CLAMP (self->page_size, 1, LK_WIRE_PAGE_LIMIT_MAX);
  op->first_page = TRUE;

  /* A new list replaces the one in progress; what that one had read stays
   * until the first page of this one replaces it. */
  if (self->list_cancellable != NULL)
    g_cancellable_cancel (self->list_cancellable);
  list_flush (self);
  g_set_object (&self->list_cancellable, op->chain.cancellable);
  set_loading (self, TRUE);

  if (self->client_id == NULL || self->client_secret == NULL)
    {
      list_done (task, not_signed_in_error ());
      return;
    }

  list_fetch_page (task, op->offset);
}

gboolean
lk_client_list_keys_finish (LkClient      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_list_keys_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- create ---- */

static void
created_set_stored (LkCreatedKey *created,
                    char         *label,
                    GError       *error)
{
  g_clear_pointer (&created->store_label, g_free);
  g_clear_error (&created->store_error);
  created->stored = label != NULL;
  created->store_label = label;
  created->store_error = error;
  if (created->stored)
    lk_api_key_set_has_local_secret (created->key, TRUE);
}

static void
create_done (GTask *task)
{
  LkClient *self = g_task_get_source_object (task);
  Op *op = op_of (task);

  if (!client_disposed (self))
    {
      /* After the keys a list has read so far, as before batching. */
      list_flush (self);
      g_list_store_append (self->keys, op->created->key);
    }

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, lk_created_key_ref (op->created),
                           (GDestroyNotify) lk_created_key_unref);
  g_object_unref (task);
}

static void
on_created_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = op_of (task);
  GError *error = NULL;
  char *label;

  label = lk_credential_store_save_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (label == NULL)
    g_debug ("The new key’s secret was not stored: %s", error->message);
  created_set_stored (op->created, label, error);

  create_done (task);
}

/* Records or forgets the create of @op, by whether its outcome is known. */
static void
create_settle (LkClient     *self,
               Op           *op,
               const GError *error)
{
  if (op->create == NULL || client_disposed (self))
    return;

  if (error != NULL && create_outcome_unknown (error))
    {
      char *name = op->create->name;

      g_hash_table_replace (self->unsettled_creates, name, g_steal_pointer (&op->create));
    }
  else
    g_hash_table_remove (self->unsettled_creates, op->create->name);
}

static void
on_create_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  LkClient *self = g_task_get_source_object (task);
  Op *op = op_of (task);
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;
  gsize length;
  const char *data;

  reply = request_finish (result, &error);
  if (reply == NULL)
    {
      create_settle (self, op, error);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data = g_bytes_get_data (reply->body, &length);
  op->created = lk_wire_parse_created (data, length, &error);
  if (op->created == NULL)
    {
      error = parse_error (error);
      create_settle (self, op, error);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  create_settle (self, op, NULL);

  /* The secret exists nowhere else: it goes to the store even when the
   * caller cancelled or the client went away meanwhile, within the
   * store's own time limit. */
  if (op->store != NULL)
    {
      lk_credential_store_save_key_async (op->store, op->platform_id,
                                          op->created->key, op->created->client_secret,
                                          NULL, on_created_saved, task);
      return;
    }

  create_done (task);
}

void
lk_client_create_key_async (LkClient            *self,
                            const char          *name,
                            gint64               expires_at,
                            const LkPermissions *permissions,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *idempotency_key = NULL;
  UnsettledCreate *unsettled;
  Op *op;
  LkPermissions none = { { 0 } };
  GError *error = NULL;
  GTask *task;
  char *data;
  gsize length = 0;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, lk_client_create_key_async, cancellable, callback, user_data);
  op_keep_store (self, op_of (task));

  if (!lk_validate_key_name (name, &error) ||
      !lk_validate_expiry (lk_time_now (), expires_at, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (self->client_id == NULL || self->client_secret == NULL)
    {
      g_task_return_error (task, not_signed_in_error ());
      g_object_unref (task);
      return;
    }

  trimmed = g_strstrip (g_strdup (name));
  if (permissions == NULL)
    permissions = &none;

  /* Asking again for a key whose create ended without a known outcome:
   * the same expiry day and permissions repeat that very request. */
  unsettled = g_hash_table_lookup (self->unsettled_creates, trimmed);
  if (unsettled != NULL &&
      g_get_monotonic_time () - unsettled->started < UNSETTLED_CREATE_LIFETIME_USEC &&
      lk_time_days_between (unsettled->expires_at, expires_at) == 0 &&
      lk_permissions_equal (&unsettled->permissions, permissions))
    {
      g_debug ("POST %s: repeating an earlier create whose outcome is unknown", LK_WIRE_PATH_KEYS);
      body = g_bytes_ref (unsettled->body);
      idempotency_key = g_strdup (unsettled->idempotency_key);
      expires_at = unsettled->expires_at;
    }
  else
    {
      data = lk_wire_build_create_body (trimmed, expires_at, permissions, &length);
      body = g_bytes_new_take (data, length);
      /* One key for every attempt of this create: a retry after a lost
       * reply gets the same key back, never a second one. */
      idempotency_key = g_uuid_string_random ();
    }

  op = op_of (task);
  op->create = g_new0 (UnsettledCreate, 1);
  op->create->name = g_strdup (trimmed);
  op->create->idempotency_key = g_strdup (idempotency_key);
  op->create->body = g_bytes_ref (body);
  op->create->expires_at = expires_at;
  op->create->permissions = *permissions;
  op->create->started = unsettled != NULL && g_str_equal (unsettled->idempotency_key, idempotency_key)
                          ? unsettled->started : g_get_monotonic_time ();

  request_start (self, SOUP_METHOD_POST, LK_WIRE_PATH_KEYS, body, JSON_CONTENT_TYPE,
                 idempotency_key, FALSE, op_of (task)->chain.cancellable, on_create_reply, task);
}

LkCreatedKey *
lk_client_create_key_finish (LkClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_create_key_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- store a secret again ---- */

static void
on_secret_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = op_of (task);
  GError *error = NULL;
  char *label;

  label = lk_credential_store_save_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  created_set_stored (op->created, label, error ? g_error_copy (error) : NULL);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_client_store_secret_async (LkClient            *self,
                              LkCreatedKey        *created,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (created != NULL && created->key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, lk_client_store_secret_async, cancellable, callback, user_data);
  op = op_of (task);
  op->created = lk_created_key_ref (created);

  if (self->store == NULL)
    {
      g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE,
                               _("No keyring is available to store the secret in."));
      g_object_unref (task);
      return;
    }

  if (created->client_secret == NULL || created->client_secret[0] == '\0')
    {
      g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_INVALID,
                               _("There is no secret left to store."));
      g_object_unref (task);
      return;
    }

  lk_credential_store_save_key_async (self->store, lk_platform_get_id (self->platform),
                                      created->key, created->client_secret,
                                      op->chain.cancellable, on_secret_saved, task);
}

gboolean
lk_client_store_secret_finish (LkClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_store_secret_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- delete ---- */

static void
remove_key_row (LkClient   *self,
                const char *key_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (self->keys), i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        {
          g_list_store_remove (self->keys, i);
          return;
        }
    }

  /* Read by the list in progress but not yet in the store. */
  for (guint i = 0; self->list_pending != NULL && i < self->list_pending->len; i++)
    {
      if (g_strcmp0 (lk_api_key_get_id (g_ptr_array_index (self->list_pending, i)), key_id) == 0)
        {
          g_ptr_array_remove_index (self->list_pending, i);
          return;
        }
    }
}

static void
delete_done (GTask *task)
{
  LkClient *self = g_task_get_source_object (task);

  if (!client_disposed (self))
    remove_key_row (self, op_of (task)->key_id);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_key_forgotten (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!lk_credential_store_forget_key_finish (LK_CREDENTIAL_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The key is gone from the platform, which is what was asked; a
     * leftover keyring item holds a secret that no longer opens anything. */
    g_message ("The deleted key’s keyring item could not be removed: %s", error->message);

  delete_done (task);
}

static void
on_delete_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  LkClient *self = g_task_get_source_object (task);
  Op *op = op_of (task);
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;

  reply = request_finish (result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          error = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND,
                                       _("This key no longer exists on the platform; it may have expired or been deleted elsewhere."));
          if (!client_disposed (self))
            remove_key_row (self, op->key_id);
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* The contract answers a delete with 204 and no body.  Anything else is
   * not proof that the key is gone: keep its row and keyring item. */
  if (reply->status != SOUP_STATUS_NO_CONTENT &&
      reply->body != NULL && g_bytes_get_size (reply->body) > 0)
    {
      g_debug ("DELETE: unexpected %u reply with a body", reply->status);
      g_task_return_new_error (task, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                               _("The platform gave an unexpected answer, so the key may not have been deleted. Refresh the list to check."));
      g_object_unref (task);
      return;
    }

  /* The key is gone from the platform: its secret opens nothing now, and
   * the clean-up finishes even if the caller stops waiting. */
  if (op->store != NULL)
    {
      lk_credential_store_forget_key_async (op->store, op->platform_id, op->key_id,
                                            NULL, on_key_forgotten, task);
      return;
    }

  delete_done (task);
}

void
lk_client_delete_key_async (LkClient            *self,
                            const char          *key_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GTask *task;
  Op *op;

  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, lk_client_delete_key_async, cancellable, callback, user_data);
  op = op_of (task);
  op->key_id = g_strdup (key_id);
  op_keep_store (self, op);

  if (key_id == NULL || key_id[0] == '\0')
    {
      g_task_return_new_error (task, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                               _("No key was chosen to delete."));
      g_object_unref (task);
      return;
    }

  if (self->client_id == NULL || self->client_secret == NULL)
    {
      g_task_return_error (task, not_signed_in_error ());
      g_object_unref (task);
      return;
    }

  escaped = g_uri_escape_string (key_id, NULL, FALSE);
  path = g_strconcat (LK_WIRE_PATH_KEY_PREFIX, escaped, NULL);
  request_start (self, SOUP_METHOD_DELETE, path, NULL, NULL, NULL, FALSE,
                 op->chain.cancellable, on_delete_reply, task);
}

gboolean
lk_client_delete_key_finish (LkClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_client_delete_key_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * The object
 * ------------------------------------------------------------------------ */

LkClient *
lk_client_new (LkPlatform *platform)
{
  g_return_val_if_fail (platform != NULL, NULL);

  return g_object_new (LK_TYPE_CLIENT, "platform", platform, NULL);
}

LkPlatform *
lk_client_get_platform (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->platform;
}

void
lk_client_set_credentials (LkClient   *self,
                           const char *client_id,
                           const char *client_secret)
{
  gboolean id_changed;

  g_return_if_fail (LK_IS_CLIENT (self));

  id_changed = g_strcmp0 (self->client_id, client_id) != 0;

  g_free (self->client_id);
  self->client_id = (client_id && *client_id) ? g_strdup (client_id) : NULL;
  g_clear_pointer (&self->client_secret, lk_secret_free);
  self->client_secret = (client_secret && *client_secret) ? g_strdup (client_secret) : NULL;

  /* Whatever the old credentials obtained is not theirs any more. */
  self->credentials_serial++;
  g_clear_pointer (&self->token, lk_secret_free);
  self->token_valid_until = 0;

  if (id_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_ID]);
  if (self->whoami != NULL)
    {
      g_clear_object (&self->whoami);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WHOAMI]);
    }
}

const char *
lk_client_get_client_id (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->client_id;
}

void
lk_client_set_store (LkClient          *self,
                     LkCredentialStore *store)
{
  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (store == NULL || LK_IS_CREDENTIAL_STORE (store));

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

LkCredentialStore *
lk_client_get_store (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->store;
}

GListModel *
lk_client_get_keys (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return G_LIST_MODEL (self->keys);
}

LkApiKey *
lk_client_get_whoami (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->whoami;
}

gint64
lk_client_get_listed_at (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), 0);

  return self->listed_at;
}

struct _LkClientSession
{
  char      *token;              /* wiped */
  gint64     token_valid_until;  /* monotonic µs: the same clock in every thread */
  LkApiKey  *whoami;
  GPtrArray *keys;
  gint64     listed_at;
};

void
lk_client_session_free (LkClientSession *session)
{
  if (session == NULL)
    return;

  g_clear_pointer (&session->token, lk_secret_free);
  g_clear_object (&session->whoami);
  g_clear_pointer (&session->keys, g_ptr_array_unref);
  g_free (session);
}

GPtrArray *
lk_client_session_get_keys (LkClientSession *session)
{
  /* NULL: signed in, not listed */
  g_return_val_if_fail (session != NULL, NULL);

  return session->keys;
}

LkClientSession *
lk_client_export_session (LkClient *self)
{
  LkClientSession *session;
  guint n;

  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  if (self->token == NULL || self->whoami == NULL)
    return NULL;

  session = g_new0 (LkClientSession, 1);
  session->token = g_strdup (self->token);
  session->token_valid_until = self->token_valid_until;
  session->whoami = g_object_ref (self->whoami);

  /* Signed in, but the keys not (all) listed: the session only. */
  if (self->listed_at == 0 || self->loading)
    return session;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->keys));
  session->listed_at = self->listed_at;
  session->keys = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (session->keys, g_list_model_get_item (G_LIST_MODEL (self->keys), i));

  return session;
}

void
lk_client_import_session (LkClient        *self,
                          LkClientSession *session)
{
  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (session != NULL);

  g_clear_pointer (&self->token, lk_secret_free);
  self->token = g_steal_pointer (&session->token);
  self->token_valid_until = session->token_valid_until;

  g_set_object (&self->whoami, session->whoami);
  if (session->keys != NULL)
    {
      g_list_store_splice (self->keys, 0, g_list_model_get_n_items (G_LIST_MODEL (self->keys)),
                           session->keys->pdata, session->keys->len);
      self->listed_at = session->listed_at;
    }
  lk_client_session_free (session);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WHOAMI]);
}

gboolean
lk_client_get_loading (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);

  return self->loading;
}

void
lk_client_set_timeout (LkClient *self,
                       guint     seconds)
{
  g_return_if_fail (LK_IS_CLIENT (self));

  self->timeout = MAX (seconds, 1);
  if (self->session != NULL)
    g_object_set (self->session,
                  "timeout", self->timeout,
                  "idle-timeout", self->timeout,
                  NULL);
}

void
lk_client_set_retry_policy (LkClient *self,
                            guint     max_attempts,
                            guint     max_total_seconds)
{
  g_return_if_fail (LK_IS_CLIENT (self));

  self->max_attempts = MAX (max_attempts, 1);
  self->max_total = max_total_seconds;
}

void
lk_client_set_page_size (LkClient *self,
                         guint     page_size)
{
  g_return_if_fail (LK_IS_CLIENT (self));

  self->page_size = CLAMP (page_size, 1, LK_WIRE_PAGE_LIMIT_MAX);
}

static void
lk_client_constructed (GObject *object)
{
  LkClient *self = LK_CLIENT (object);
  const char *ca_file;

  G_OBJECT_CLASS (lk_client_parent_class)->constructed (object);

  g_assert (self->platform != NULL);

  self->session = soup_session_new_with_options ("timeout", self->timeout,
                                                 "idle-timeout", self->timeout,
                                                 "user-agent", "LayerKeys/" PACKAGE_VERSION " ",
                                                 NULL);

  /* Verification is always on; a CA file only says whom to trust. */
  ca_file = lk_platform_get_ca_file (self->platform);
  if (ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = NULL;
      g_autoptr(GError) error = NULL;

      database = g_tls_file_database_new (ca_file, &error);
      if (database != NULL)
        soup_session_set_tls_database (self->session, database);
      else
        {
          g_debug ("CA file unusable: %s", error->message);
          self->platform_error = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                                                      _("The CA file could not be read. Choose a file in PEM format in Custom region settings."));
        }
    }
}

static void
lk_client_dispose (GObject *object)
{
  LkClient *self = LK_CLIENT (object);

  /* Everything started by the client ends with CANCELLED; callbacks look
   * at this cancellable before touching the client. */
  g_cancellable_cancel (self->cancellable);

  g_clear_object (&self->list_cancellable);
  clear_timeout (&self->list_flush);
  g_clear_pointer (&self->list_pending, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->whoami);

  G_OBJECT_CLASS (lk_client_parent_class)->dispose (object);
}

static void
lk_client_finalize (GObject *object)
{
  LkClient *self = LK_CLIENT (object);

  g_warn_if_fail (g_queue_is_empty (&self->token_waiters));

  g_clear_object (&self->session);
  g_clear_object (&self->keys);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->platform, lk_platform_unref);
  g_clear_error (&self->platform_error);
  g_clear_pointer (&self->unsettled_creates, g_hash_table_unref);
  g_free (self->client_id);
  g_clear_pointer (&self->client_secret, lk_secret_free);
  g_clear_pointer (&self->token, lk_secret_free);

  G_OBJECT_CLASS (lk_client_parent_class)->finalize (object);
}

static void
lk_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LkClient *self = LK_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PLATFORM:
      g_value_set_boxed (value, self->platform);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_KEYS:
      g_value_set_object (value, self->keys);
      break;
    case PROP_WHOAMI:
      g_value_set_object (value, self->whoami);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LkClient *self = LK_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PLATFORM:
      self->platform = g_value_dup_boxed (value);
      break;
    case PROP_STORE:
      lk_client_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_client_class_init (LkClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lk_client_constructed;
  object_class->dispose = lk_client_dispose;
  object_class->finalize = lk_client_finalize;
  object_class->get_property = lk_client_get_property;
  object_class->set_property = lk_client_set_property;

  properties[PROP_PLATFORM] =
    g_param_spec_boxed ("platform", NULL, NULL,
                        LK_TYPE_PLATFORM,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LK_TYPE_CREDENTIAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYS] =
    g_param_spec_object ("keys", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WHOAMI] =
    g_param_spec_object ("whoami", NULL, NULL,
                         LK_TYPE_API_KEY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lk_client_init (LkClient *self)
{
  self->keys = g_list_store_new (LK_TYPE_API_KEY);
  self->unsettled_creates = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                   (GDestroyNotify) unsettled_create_free);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->token_waiters);
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->max_total = DEFAULT_MAX_TOTAL_SECONDS;
  self->page_size = DEFAULT_PAGE_SIZE;
}
