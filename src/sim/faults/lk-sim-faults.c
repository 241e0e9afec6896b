/* lk-sim-faults.c: fault injection and request counters (tests only)
 *
 * Installs itself as the simulator's request hook (lk-simulator-hook.h)
 * when the program starts, so every simulator a test creates counts its
 * requests from the first one.  Before a request is handled, a matching
 * fault rule may answer it instead (an error status, a body that is not
 * JSON), hold it back (latency, no reply at all), or mark it; after the
 * simulator has answered a marked request, its connection is cut: the
 * reply is truncated, or dropped after the request took effect.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sim-faults"

#include "config.h"

#include <libsoup/soup.h>

#include "lk-secret.h"
#include "lk-sim-reply.h"
#include "lk-simulator-faults.h"
#include "lk-simulator-hook.h"
#include "lk-wire.h"

/* Data on a message: served again after its latency (so neither counted
 * nor delayed twice), and the fault to apply once it is answered. */
#define DATA_AFTER_LATENCY "lk-sim-faults-after-latency"
#define DATA_PENDING_FAULT "lk-sim-faults-pending"

typedef struct {
  char       *method;   /* NULL = any */
  char       *prefix;   /* NULL = any */
  LkSimFault  fault;
  guint       param;
  guint       remaining;
  gboolean    forever;
} FaultRule;

typedef struct {
  char  *method;
  char  *path;
  guint  count;
} RequestCount;

/* The state of one simulator. */
typedef struct {
  GPtrArray  *rules;         /* FaultRule */
  GHashTable *counts;        /* "METHOD path" -> RequestCount */
  GPtrArray  *delayed;       /* Delayed: messages held back by LATENCY */
  GPtrArray  *held_streams;  /* GIOStream of NO_REPLY requests */
  GHashTable *connections;   /* "address:port" of every client connection seen */
} Faults;

/* A message held back by the LATENCY fault. */
typedef struct {
  LkSimulator       *simulator;
  Faults            *faults;
  SoupServerMessage *msg;
  guint              source_id;
} Delayed;

static void
fault_rule_free (gpointer data)
{
  FaultRule *rule = data;

  g_free (rule->method);
  g_free (rule->prefix);
  g_free (rule);
}

static void
request_count_free (gpointer data)
{
  RequestCount *count = data;

  g_free (count->method);
  g_free (count->path);
  g_free (count);
}

static void
delayed_free (gpointer data)
{
  Delayed *delayed = data;

  g_clear_handle_id (&delayed->source_id, g_source_remove);
  g_object_unref (delayed->msg);
  g_free (delayed);
}

/* Counting */

static void
count_request (Faults     *self,
               const char *method,
               const char *path)
{
  g_autofree char *id = g_strconcat (method, " ", path, NULL);
  RequestCount *count = g_hash_table_lookup (self->counts, id);

  if (count == NULL)
    {
      count = g_new0 (RequestCount, 1);
      count->method = g_strdup (method);
      count->path = g_strdup (path);
      g_hash_table_insert (self->counts, g_steal_pointer (&id), count);
    }
  count->count++;
}

/* Takes one use of the first rule matching the request, if any. */
static gboolean
take_fault (Faults      *self,
            const char  *method,
            const char  *target,
            gboolean     skip_latency,
            LkSimFault  *out_fault,
            guint       *out_param)
{
  for (guint i = 0; i < self->rules->len; i++)
    {
      FaultRule *rule = g_ptr_array_index (self->rules, i);

      if (rule->method != NULL && g_ascii_strcasecmp (rule->method, method) != 0)
        continue;
      if (rule->prefix != NULL && !g_str_has_prefix (target, rule->prefix))
        continue;
      if (skip_latency && rule->fault == LK_SIM_FAULT_LATENCY)
        continue;

      *out_fault = rule->fault;
      *out_param = rule->param;
      if (!rule->forever && --rule->remaining == 0)
        g_ptr_array_remove_index (self->rules, i);
      return TRUE;
    }

  return FALSE;
}

/* Latency */

static gboolean
on_delay_done (gpointer user_data)
{
  Delayed *delayed = user_data;

  delayed->source_id = 0;
  lk_simulator_serve_message (delayed->simulator, delayed->msg);
  soup_server_message_unpause (delayed->msg);
  g_ptr_array_remove_fast (delayed->faults->delayed, delayed);

  return G_SOURCE_REMOVE;
}

static void
delay (Faults            *self,
       LkSimulator       *simulator,
       SoupServerMessage *msg,
       guint              milliseconds)
{
  Delayed *delayed = g_new0 (Delayed, 1);

  g_object_set_data (G_OBJECT (msg), DATA_AFTER_LATENCY, GINT_TO_POINTER (TRUE));
  delayed->simulator = simulator;
  delayed->faults = self;
  delayed->msg = g_object_ref (msg);
  delayed->source_id = g_timeout_add (milliseconds, on_delay_done, delayed);
  g_ptr_array_add (self->delayed, delayed);
  soup_server_message_pause (msg);
}

/* Raw connections */

static void
on_stream_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
}

typedef struct {
  GIOStream *stream;
  char      *data;
  gsize      length;
} RawWrite;

static void
on_raw_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RawWrite *write = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close_async (write->stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed, NULL);
  g_object_unref (write->stream);
  lk_secret_free_sized (write->data, write->length);
  g_free (write);
}

/* The reply set on @msg as it would go on the wire, headers and all, with
 * its full Content-Length but only the first half of its body. */
static GString *
truncated_reply (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  guint status = soup_server_message_get_status (msg);
  gsize length = body->length;
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", status, lk_sim_status_title (status));
  g_string_append_printf (text, "Content-Type: %s\r\n",
                          content_type != NULL ? content_type : LK_SIM_CONTENT_TYPE_JSON);
  g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\n", length);
  g_string_append (text, "Connection: close\r\n\r\n");

  /* Chunk by chunk: flattening the body would leave an unwiped copy of a
   * secret behind. */
  for (gsize offset = 0; offset < length / 2;)
    {
      g_autoptr(GBytes) chunk = soup_message_body_get_chunk (body, offset);
      gsize size = chunk != NULL ? g_bytes_get_size (chunk) : 0;

      if (size == 0)
        break;
      size = MIN (size, length / 2 - offset);
      g_string_append_len (text, g_bytes_get_data (chunk, NULL), size);
      offset += size;
    }

  return text;
}

/* Takes the connection of @msg, which has its reply, away from the server;
 * writes the reply cut in half then closes (TRUNCATED_BODY), or closes
 * without writing anything (DROP_AFTER_COMMIT). */
static void
cut_connection (SoupServerMessage *msg,
                gboolean           truncate)
{
  g_autoptr(GIOStream) stream = NULL;
  RawWrite *write;
  GString *text;

  if (!truncate)
    {
      stream = soup_server_message_steal_connection (msg);
      if (stream != NULL)
        g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed, NULL);
      return;
    }

  /* Read the reply while the message still has it. */
  text = truncated_reply (msg);
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      gsize length = text->len;

      lk_secret_free_sized (g_string_free (text, FALSE), length);
      return;
    }

  write = g_new0 (RawWrite, 1);
  write->stream = g_steal_pointer (&stream);
  write->length = text->len;
  write->data = g_string_free (text, FALSE);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (write->stream),
                                   write->data, write->length, G_PRIORITY_DEFAULT,
                                   NULL, on_raw_written, write);
}

/* Keeps the connection of @msg open without ever answering. */
static void
hold (Faults            *self,
      SoupServerMessage *msg)
{
  GIOStream *stream;

  /* A status keeps the server from answering the message itself. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_ptr_array_add (self->held_streams, stream);
}

/* The hook */

static gpointer
faults_attach (LkSimulator *simulator)
{
  Faults *self = g_new0 (Faults, 1);

  self->rules = g_ptr_array_new_with_free_func (fault_rule_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, request_count_free);
  self->delayed = g_ptr_array_new_with_free_func (delayed_free);
  self->held_streams = g_ptr_array_new_with_free_func (g_object_unref);
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return self;
}

static void
faults_detach (gpointer state)
{
  Faults *self = state;

  g_ptr_array_free (self->rules, TRUE);
  g_hash_table_destroy (self->counts);
  g_ptr_array_free (self->delayed, TRUE);
  g_ptr_array_free (self->held_streams, TRUE);
  g_hash_table_destroy (self->connections);
  g_free (self);
}

static LkSimHookResult
faults_before (LkSimulator       *simulator,
               SoupServerMessage *msg,
               gpointer           state)
{
  Faults *self = state;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  gboolean after_latency = g_object_get_data (G_OBJECT (msg), DATA_AFTER_LATENCY) != NULL;
  g_autofree char *target = NULL;
  LkSimReply reply = { 0 };
  LkSimFault fault;
  guint param;

  if (!after_latency)
    {
      GSocketAddress *remote = soup_server_message_get_remote_address (msg);

      count_request (self, method, path);
      if (remote != NULL)
        g_hash_table_add (self->connections,
                          g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote)));
    }

  /* A fault's prefix may name the query too ("/api/v1/api-keys?offset=100&"). */
  target = query != NULL ? g_strconcat (path, "?", query, NULL) : g_strdup (path);
  if (!take_fault (self, method, target, after_latency, &fault, &param))
    return LK_SIM_HOOK_CONTINUE;

  g_debug ("Simulator: %s %s -> fault %d", method, path, fault);

  switch (fault)
    {
    case LK_SIM_FAULT_LATENCY:
      delay (self, simulator, msg, param);
      return LK_SIM_HOOK_TAKEN;

    case LK_SIM_FAULT_HTTP_500:
      lk_sim_reply_error (&reply, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                          "The platform failed to handle the request.", NULL);
      break;

    case LK_SIM_FAULT_HTTP_429:
      lk_sim_reply_error (&reply, LK_SIM_STATUS_TOO_MANY_REQUESTS,
                          "Too many requests: slow down and try again later.", NULL);
      reply.retry_after = param;
      break;

    case LK_SIM_FAULT_HTTP_503:
      lk_sim_reply_error (&reply, SOUP_STATUS_SERVICE_UNAVAILABLE,
                          "The platform is briefly unavailable: try again later.", NULL);
      reply.retry_after = param;
      break;

    case LK_SIM_FAULT_HTTP_401:
      if (g_strcmp0 (path, LK_WIRE_PATH_TOKEN) == 0)
        lk_sim_reply_oauth_error (&reply, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                                  "The client ID or secret is wrong, or the key has expired.");
      else
        lk_sim_reply_unauthorized (&reply, "The access token has expired.");
      break;

    case LK_SIM_FAULT_MALFORMED_JSON:
      lk_sim_reply_json (&reply, SOUP_STATUS_OK,
                         g_strdup_printf ("{\"%s\": [{\"%s", LK_WIRE_PAGE_ITEMS, "\x01<html>"));
      break;

    case LK_SIM_FAULT_TRUNCATED_BODY:
    case LK_SIM_FAULT_DROP_AFTER_COMMIT:
      /* The request takes effect; faults_after() cuts the connection. */
      g_object_set_data (G_OBJECT (msg), DATA_PENDING_FAULT, GINT_TO_POINTER (fault + 1));
      return LK_SIM_HOOK_CONTINUE;

    case LK_SIM_FAULT_NO_REPLY:
      hold (self, msg);
      return LK_SIM_HOOK_TAKEN;

    default:
      g_assert_not_reached ();
    }

  lk_sim_reply_apply (&reply, msg);
  lk_sim_reply_clear (&reply);
  return LK_SIM_HOOK_TAKEN;
}

static void
faults_after (LkSimulator       *simulator,
              SoupServerMessage *msg,
              gpointer           state)
{
  int pending = GPOINTER_TO_INT (g_object_steal_data (G_OBJECT (msg), DATA_PENDING_FAULT));

  if (pending != 0)
    cut_connection (msg, pending - 1 == LK_SIM_FAULT_TRUNCATED_BODY);
}

static void
faults_stopped (LkSimulator *simulator,
                gpointer     state)
{
  Faults *self = state;

  g_ptr_array_set_size (self->delayed, 0);
  for (guint i = 0; i < self->held_streams->len; i++)
    g_io_stream_close (g_ptr_array_index (self->held_streams, i), NULL, NULL);
  g_ptr_array_set_size (self->held_streams, 0);
}

static const LkSimHook faults_hook = {
  .attach = faults_attach,
  .detach = faults_detach,
  .before = faults_before,
  .after = faults_after,
  .stopped = faults_stopped,
};

/* Runs when the program starts, before any simulator exists: linking this
 * library is all a test does to have counters and faults. */
__attribute__ ((constructor)) static void
install_faults_hook (void)
{
  lk_simulator_install_hook (&faults_hook);
}

static Faults *
faults_of (LkSimulator *simulator)
{
  return lk_simulator_get_hook_state (simulator, &faults_hook);
}

/* Public API */

void
lk_simulator_add_fault (LkSimulator *self,
                        const char  *method,
                        const char  *path_prefix,
                        LkSimFault   fault,
                        guint        param,
                        guint        count)
{
  Faults *faults;
  FaultRule *rule;

  g_return_if_fail (LK_IS_SIMULATOR (self));
  g_return_if_fail ((guint) fault <= LK_SIM_FAULT_HTTP_401);

  faults = faults_of (self);
  g_return_if_fail (faults != NULL);

  rule = g_new0 (FaultRule, 1);
  rule->method = g_strdup (method);
  rule->prefix = g_strdup (path_prefix);
  rule->fault = fault;
  rule->param = param;
  rule->remaining = count;
  rule->forever = count == 0;
  g_ptr_array_add (faults->rules, rule);
}

void
lk_simulator_clear_faults (LkSimulator *self)
{
  Faults *faults;

  g_return_if_fail (LK_IS_SIMULATOR (self));

  faults = faults_of (self);
  g_return_if_fail (faults != NULL);

  g_ptr_array_set_size (faults->rules, 0);
}

guint
lk_simulator_count_connections (LkSimulator *self)
{
  Faults *faults;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  faults = faults_of (self);
  g_return_val_if_fail (faults != NULL, 0);

  return g_hash_table_size (faults->connections);
}

guint
lk_simulator_count_requests (LkSimulator *self,
                             const char  *method,
                             const char  *path_prefix)
{
  GHashTableIter iter;
  gpointer value;
  Faults *faults;
  guint total = 0;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  faults = faults_of (self);
  g_return_val_if_fail (faults != NULL, 0);

  g_hash_table_iter_init (&iter, faults->counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RequestCount *count = value;

      if (method != NULL && g_ascii_strcasecmp (count->method, method) != 0)
        continue;
      if (path_prefix != NULL && !g_str_has_prefix (count->path, path_prefix))
        continue;
      total += count->count;
    }

  return total;
}
