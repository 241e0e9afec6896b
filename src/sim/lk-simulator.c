/* lk-simulator.c: the platform simulator, the server
 *
 * One tenant (lk-sim-tenant.c) served over HTTP(S) on 127.0.0.1 with the
 * contract of docs/platform-api.md by the handlers of lk-sim-handlers.c.
 * This file is the object the rest of the code holds: it listens, passes
 * each request to the handlers, injects faults, and offers the tenant to
 * tests and demos.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-simulator"

#include "config.h"

#include <libsoup/soup.h>

#include "lk-sim-handlers.h"
#include "lk-sim-reply.h"
#include "lk-sim-tenant.h"
#include "lk-simulator.h"
#include "lk-wire.h"

#define SECONDS_PER_DAY        (G_GINT64_CONSTANT (24) * 60 * 60)
#define ADMIN_KEY_NAME         "Tenant admin"
#define ADMIN_KEY_OWNER        "owner@example.com"
#define DEFAULT_ADD_KEY_DAYS   90

typedef struct {
  char       *method;   /* NULL = any */
  char       *prefix;   /* NULL = any */
  LkSimFault  fault;
  guint       param;
  guint       remaining;
  gboolean    forever;
} SimFaultRule;

typedef struct {
  char  *method;
  char  *path;
  guint  count;
} SimCount;

/* A message held back by the LATENCY fault. */
typedef struct {
  LkSimulator       *self;
  SoupServerMessage *msg;
  guint              source_id;
} SimDelayed;

struct _LkSimulator
{
  GObject          parent_instance;

  LkSimTenant     *tenant;
  char            *admin_client_id;
  char            *admin_client_secret;

  GPtrArray       *faults;        /* SimFaultRule */
  GHashTable      *counts;        /* "METHOD path" -> SimCount */

  SoupServer      *server;
  guint16          port;
  char            *base_url;
  GPtrArray       *delayed;       /* SimDelayed */
  GPtrArray       *held_streams;  /* GIOStream of NO_REPLY requests */
};

G_DEFINE_FINAL_TYPE (LkSimulator, lk_simulator, G_TYPE_OBJECT)

static void
sim_fault_rule_free (gpointer data)
{
  SimFaultRule *rule = data;

  g_free (rule->method);
  g_free (rule->prefix);
  g_free (rule);
}

static void
sim_count_free (gpointer data)
{
  SimCount *count = data;

  g_free (count->method);
  g_free (count->path);
  g_free (count);
}

/* Serving */

static void
count_request (LkSimulator *self,
               const char  *method,
               const char  *path)
{
  g_autofree char *id = g_strconcat (method, " ", path, NULL);
  SimCount *count = g_hash_table_lookup (self->counts, id);

  if (count == NULL)
    {
      count = g_new0 (SimCount, 1);
      count->method = g_strdup (method);
      count->path = g_strdup (path);
      g_hash_table_insert (self->counts, g_steal_pointer (&id), count);
    }
  count->count++;
}

/* Takes one use of the first fault matching the request, if any. */
static gboolean
take_fault (LkSimulator *self,
            const char  *method,
            const char  *path,
            gboolean     skip_latency,
            LkSimFault  *out_fault,
            guint       *out_param)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      SimFaultRule *rule = g_ptr_array_index (self->faults, i);

      if (rule->method != NULL && g_ascii_strcasecmp (rule->method, method) != 0)
        continue;
      if (rule->prefix != NULL && !g_str_has_prefix (path, rule->prefix))
        continue;
      if (skip_latency && rule->fault == LK_SIM_FAULT_LATENCY)
        continue;

      *out_fault = rule->fault;
      *out_param = rule->param;
      if (!rule->forever && --rule->remaining == 0)
        g_ptr_array_remove_index (self->faults, i);
      return TRUE;
    }

  return FALSE;
}

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
} SimRawWrite;

static void
on_raw_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SimRawWrite *write = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close_async (write->stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed, NULL);
  g_object_unref (write->stream);
  lk_sim_wipe_free (write->data, write->length);
  g_free (write);
}

/* Takes the connection away from the server; writes @prefix_length bytes
 * of @reply (headers included, Content-Length the full body) then closes.
 * With @hold, keeps the connection open without writing anything. */
static void
send_raw (LkSimulator       *self,
          SoupServerMessage *msg,
          LkSimReply          *reply,
          gboolean           truncate,
          gboolean           hold)
{
  g_autoptr(GIOStream) stream = NULL;
  GString *text;
  SimRawWrite *write;

  /* A status keeps the server from answering the message itself. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;

  if (hold)
    {
      g_ptr_array_add (self->held_streams, g_steal_pointer (&stream));
      return;
    }

  if (!truncate)
    {
      g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed, NULL);
      return;
    }

  text = g_string_new (NULL);
  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", reply->status,
                          lk_sim_status_title (reply->status));
  g_string_append_printf (text, "Content-Type: %s\r\n",
                          reply->content_type != NULL ? reply->content_type : LK_SIM_CONTENT_TYPE_JSON);
  g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\n", reply->length);
  g_string_append (text, "Connection: close\r\n\r\n");
  g_string_append_len (text, reply->body != NULL ? reply->body : "", reply->length / 2);

  write = g_new0 (SimRawWrite, 1);
  write->stream = g_steal_pointer (&stream);
  write->length = text->len;
  write->data = g_string_free (text, FALSE);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (write->stream),
                                   write->data, write->length, G_PRIORITY_DEFAULT,
                                   NULL, on_raw_written, write);
}

static void serve (LkSimulator       *self,
                   SoupServerMessage *msg,
                   gboolean           after_latency);

static gboolean
on_delay_done (gpointer user_data)
{
  SimDelayed *delayed = user_data;
  LkSimulator *self = delayed->self;

  delayed->source_id = 0;
  serve (self, delayed->msg, TRUE);
  soup_server_message_unpause (delayed->msg);
  g_ptr_array_remove_fast (self->delayed, delayed);

  return G_SOURCE_REMOVE;
}

static void
sim_delayed_free (gpointer data)
{
  SimDelayed *delayed = data;

  g_clear_handle_id (&delayed->source_id, g_source_remove);
  g_object_unref (delayed->msg);
  g_free (delayed);
}

static void
serve (LkSimulator       *self,
       SoupServerMessage *msg,
       gboolean           after_latency)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *path = g_uri_get_path (uri);
  const char *query_text = g_uri_get_query (uri);
  g_autoptr(GHashTable) query = query_text != NULL ? soup_form_decode (query_text) : NULL;
  LkSimReply reply = { 0 };
  LkSimFault fault;
  guint param;

  if (!after_latency)
    count_request (self, method, path);

  /* A fault's prefix may name the query too ("/api/v1/api-keys?offset=100&"). */
  g_autofree char *target = query_text != NULL ? g_strconcat (path, "?", query_text, NULL)
                                               : g_strdup (path);

  if (!take_fault (self, method, target, after_latency, &fault, &param))
    {
      lk_sim_handle_request (self->tenant, msg, path, query, &reply);
      g_debug ("Simulator: %s %s -> %u", method, path, reply.status);
      lk_sim_reply_apply (&reply, msg);
      lk_sim_reply_clear (&reply);
      return;
    }

  g_debug ("Simulator: %s %s -> fault %d", method, path, fault);

  switch (fault)
    {
    case LK_SIM_FAULT_LATENCY:
      {
        SimDelayed *delayed = g_new0 (SimDelayed, 1);

        delayed->self = self;
        delayed->msg = g_object_ref (msg);
        delayed->source_id = g_timeout_add (param, on_delay_done, delayed);
        g_ptr_array_add (self->delayed, delayed);
        soup_server_message_pause (msg);
      }
      return;

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
      if (strcmp (path, LK_WIRE_PATH_TOKEN) == 0)
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
      lk_sim_handle_request (self->tenant, msg, path, query, &reply);
      send_raw (self, msg, &reply, TRUE, FALSE);
      lk_sim_reply_clear (&reply);
      return;

    case LK_SIM_FAULT_DROP_AFTER_COMMIT:
      lk_sim_handle_request (self->tenant, msg, path, query, &reply);
      send_raw (self, msg, &reply, FALSE, FALSE);
      lk_sim_reply_clear (&reply);
      return;

    case LK_SIM_FAULT_NO_REPLY:
      send_raw (self, msg, &reply, FALSE, TRUE);
      return;

    default:
      g_assert_not_reached ();
    }

  lk_sim_reply_apply (&reply, msg);
  lk_sim_reply_clear (&reply);
}

static void
on_server_request (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  serve (LK_SIMULATOR (user_data), msg, FALSE);
}

/* GObject */

static void
lk_simulator_dispose (GObject *object)
{
  LkSimulator *self = LK_SIMULATOR (object);

  lk_simulator_stop (self);

  G_OBJECT_CLASS (lk_simulator_parent_class)->dispose (object);
}

static void
lk_simulator_finalize (GObject *object)
{
  LkSimulator *self = LK_SIMULATOR (object);

  g_clear_pointer (&self->tenant, lk_sim_tenant_free);
  g_ptr_array_free (self->faults, TRUE);
  g_hash_table_destroy (self->counts);
  g_ptr_array_free (self->delayed, TRUE);
  g_ptr_array_free (self->held_streams, TRUE);
  g_free (self->admin_client_id);
  lk_secret_free (self->admin_client_secret);
  g_free (self->base_url);

  G_OBJECT_CLASS (lk_simulator_parent_class)->finalize (object);
}

static void
lk_simulator_class_init (LkSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_simulator_dispose;
  object_class->finalize = lk_simulator_finalize;
}

static void
lk_simulator_init (LkSimulator *self)
{
  self->tenant = lk_sim_tenant_new ();
  self->faults = g_ptr_array_new_with_free_func (sim_fault_rule_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sim_count_free);
  self->delayed = g_ptr_array_new_with_free_func (sim_delayed_free);
  self->held_streams = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Public API */

LkSimulator *
lk_simulator_new (void)
{
  LkSimulator *self = g_object_new (LK_TYPE_SIMULATOR, NULL);
  LkPermissions all;
  gint64 now = lk_sim_tenant_get_now (self->tenant);
  LkSimKey *admin;

  lk_permissions_set_all (&all);
  self->admin_client_secret = lk_sim_tenant_new_secret (self->tenant);
  admin = lk_sim_tenant_add_key (self->tenant, ADMIN_KEY_NAME, ADMIN_KEY_OWNER,
                                 now - 400 * SECONDS_PER_DAY, now + 365 * SECONDS_PER_DAY,
                                 &all, self->admin_client_secret);
  self->admin_client_id = g_strdup (admin->client_id);

  return self;
}

void
lk_simulator_seed (LkSimulator *self,
                   guint        n_extra)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  lk_sim_tenant_seed (self->tenant, n_extra);
}

gboolean
lk_simulator_start (LkSimulator      *self,
                    guint16           port,
                    GTlsCertificate  *certificate,
                    GError          **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  /* The address is 127.0.0.1 itself, so no IPV4_ONLY (listen() refuses
   * family options with an address). */
  SoupServerListenOptions options = 0;
  GSList *uris;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), FALSE);
  g_return_val_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lk_simulator_stop (self);

  server = soup_server_new ("server-header", "layer-keys-sim ", NULL);
  if (certificate != NULL)
    {
      g_object_set (server, "tls-certificate", certificate, NULL);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  soup_server_add_handler (server, NULL, on_server_request, self, NULL);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (server, address, options, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  if (uris == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The simulator is not listening on any address.");
      return FALSE;
    }
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->base_url = g_strdup_printf ("%s://127.0.0.1:%u",
                                    certificate != NULL ? "https" : "http", self->port);
  self->server = g_steal_pointer (&server);
  g_debug ("Simulator: listening on %s", self->base_url);

  return TRUE;
}

void
lk_simulator_stop (LkSimulator *self)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  /* Held messages go with their connections. */
  g_ptr_array_set_size (self->delayed, 0);
  for (guint i = 0; i < self->held_streams->len; i++)
    g_io_stream_close (g_ptr_array_index (self->held_streams, i), NULL, NULL);
  g_ptr_array_set_size (self->held_streams, 0);

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  self->port = 0;
  g_clear_pointer (&self->base_url, g_free);
}

guint16
lk_simulator_get_port (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  return self->port;
}

const char *
lk_simulator_get_base_url (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);

  return self->base_url;
}

char *
lk_simulator_get_token_url (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (self->base_url != NULL, NULL);

  return g_strconcat (self->base_url, LK_WIRE_PATH_TOKEN, NULL);
}

LkPlatform *
lk_simulator_get_platform (LkSimulator *self)
{
  g_autofree char *token_url = NULL;
  g_autoptr(GError) error = NULL;
  LkPlatform *platform;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (self->base_url != NULL, NULL);

  token_url = lk_simulator_get_token_url (self);
  platform = lk_platform_new_custom (self->base_url, token_url, NULL, &error);
  if (platform == NULL)
    g_critical ("The simulator's own address was refused: %s", error->message);

  return platform;
}

const char *
lk_simulator_get_admin_client_id (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);

  return self->admin_client_id;
}

const char *
lk_simulator_get_admin_client_secret (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);

  return self->admin_client_secret;
}

/* Returns NULL when a live key already has @name. */
LkApiKey *
lk_simulator_add_key (LkSimulator          *self,
                      const char           *name,
                      const LkPermissions  *permissions,
                      gint64                expires_at,
                      char                **out_client_secret)
{
  g_autoptr(LkSecretString) secret = NULL;
  LkPermissions effective = { { 0 } };
  gint64 now;
  LkSimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (out_client_secret != NULL)
    *out_client_secret = NULL;

  if (lk_sim_tenant_find_key_by_name (self->tenant, name) != NULL)
    return NULL;

  now = lk_sim_tenant_get_now (self->tenant);
  if (permissions != NULL)
    effective = *permissions;
  if (lk_permissions_is_empty (&effective))
    lk_permissions_set_all (&effective);
  if (expires_at == 0)
    expires_at = now + DEFAULT_ADD_KEY_DAYS * SECONDS_PER_DAY;

  secret = lk_sim_tenant_new_secret (self->tenant);
  key = lk_sim_tenant_add_key (self->tenant, name, ADMIN_KEY_OWNER, now, expires_at,
                               &effective, secret);
  if (out_client_secret != NULL)
    *out_client_secret = g_steal_pointer (&secret);

  return lk_sim_key_to_api_key (key);
}

gboolean
lk_simulator_remove_key (LkSimulator *self,
                         const char  *key_id)
{
  LkSimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), FALSE);
  g_return_val_if_fail (key_id != NULL, FALSE);

  key = lk_sim_tenant_lookup_key (self->tenant, key_id);
  if (key == NULL)
    return FALSE;

  lk_sim_tenant_delete_key (self->tenant, key);
  return TRUE;
}

LkApiKey *
lk_simulator_lookup_key (LkSimulator *self,
                         const char  *key_id)
{
  LkSimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (key_id != NULL, NULL);

  key = lk_sim_tenant_lookup_key (self->tenant, key_id);
  return key != NULL ? lk_sim_key_to_api_key (key) : NULL;
}

LkApiKey *
lk_simulator_find_key_by_name (LkSimulator *self,
                               const char  *name)
{
  LkSimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  key = lk_sim_tenant_find_key_by_name (self->tenant, name);
  return key != NULL ? lk_sim_key_to_api_key (key) : NULL;
}

guint
lk_simulator_get_n_keys (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  return lk_sim_tenant_get_n_keys (self->tenant);
}

void
lk_simulator_set_now (LkSimulator *self,
                      gint64       now)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  lk_sim_tenant_set_now (self->tenant, now);
}

gint64
lk_simulator_get_now (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  return lk_sim_tenant_get_now (self->tenant);
}

void
lk_simulator_set_token_lifetime (LkSimulator *self,
                                 guint        seconds)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  lk_sim_tenant_set_token_lifetime (self->tenant, seconds);
}

void
lk_simulator_revoke_tokens (LkSimulator *self)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  lk_sim_tenant_revoke_tokens (self->tenant);
}


void
lk_simulator_add_fault (LkSimulator *self,
                        const char  *method,
                        const char  *path_prefix,
                        LkSimFault   fault,
                        guint        param,
                        guint        count)
{
  SimFaultRule *rule;

  g_return_if_fail (LK_IS_SIMULATOR (self));
  g_return_if_fail ((guint) fault <= LK_SIM_FAULT_HTTP_401);

  rule = g_new0 (SimFaultRule, 1);
  rule->method = g_strdup (method);
  rule->prefix = g_strdup (path_prefix);
  rule->fault = fault;
  rule->param = param;
  rule->remaining = count;
  rule->forever = count == 0;
  g_ptr_array_add (self->faults, rule);
}

void
lk_simulator_clear_faults (LkSimulator *self)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  g_ptr_array_set_size (self->faults, 0);
}

guint
lk_simulator_count_requests (LkSimulator *self,
                             const char  *method,
                             const char  *path_prefix)
{
  GHashTableIter iter;
  gpointer value;
  guint total = 0;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  g_hash_table_iter_init (&iter, self->counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SimCount *count = value;

      if (method != NULL && g_ascii_strcasecmp (count->method, method) != 0)
        continue;
      if (path_prefix != NULL && !g_str_has_prefix (count->path, path_prefix))
        continue;
      total += count->count;
    }

  return total;
}
