/* lk-simulator.c: the platform simulator, the server
 *
 * One tenant (lk-sim-tenant.c) served over HTTP(S) on 127.0.0.1 with the
 * contract of docs/platform-api.md by the handlers of lk-sim-handlers.c.
 * This file is the object the rest of the code holds: it listens, passes
 * each request to the handlers (and to the hook, when one is installed:
 * lk-simulator-hook.h), and offers the tenant to tests and demos.
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
#include "lk-simulator-hook.h"
#include "lk-wire.h"

#define ADMIN_KEY_NAME         "Tenant admin"
#define ADMIN_KEY_OWNER        "owner@example.com"
#define DEFAULT_ADD_KEY_DAYS   90

struct _LkSimulator
{
  GObject          parent_instance;

  LkSimTenant     *tenant;
  char            *admin_client_id;
  char            *admin_client_secret;

  const LkSimHook *hook;          /* NULL = none */
  gpointer         hook_state;

  SoupServer      *server;
  guint16          port;
  char            *base_url;
};

G_DEFINE_FINAL_TYPE (LkSimulator, lk_simulator, G_TYPE_OBJECT)

/* Data on a SoupServerMessage: the body's bytes so far, and whether it
 * passed LK_WIRE_MAX_REQUEST_SIZE. */
#define BODY_RECEIVED  "lk-sim-body-received"
#define BODY_TOO_LARGE "lk-sim-body-too-large"

/* The hook attached to each new simulator. */
static const LkSimHook *installed_hook;

void
lk_simulator_install_hook (const LkSimHook *hook)
{
  g_return_if_fail (hook == NULL ||
                    (hook->attach != NULL && hook->detach != NULL &&
                     hook->before != NULL && hook->stopped != NULL));

  g_atomic_pointer_set (&installed_hook, hook);
}

gpointer
lk_simulator_get_hook_state (LkSimulator     *self,
                             const LkSimHook *hook)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (hook != NULL, NULL);

  return self->hook == hook ? self->hook_state : NULL;
}

/* Serving */

void
lk_simulator_serve_message (LkSimulator       *self,
                            SoupServerMessage *msg)
{
  GUri *uri;
  const char *path, *query_text;
  g_autoptr(GHashTable) query = NULL;
  LkSimReply reply = { 0 };

  g_return_if_fail (LK_IS_SIMULATOR (self));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  if (self->hook != NULL &&
      self->hook->before (self, msg, self->hook_state) == LK_SIM_HOOK_TAKEN)
    return;

  if (g_object_get_data (G_OBJECT (msg), BODY_TOO_LARGE) != NULL)
    {
      lk_sim_reply_error (&reply, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                          "The request body is larger than 1 MB.", NULL);
      g_debug ("Simulator: %s %s -> %u", soup_server_message_get_method (msg),
               g_uri_get_path (soup_server_message_get_uri (msg)), reply.status);
      lk_sim_reply_apply (&reply, msg);
      lk_sim_reply_clear (&reply);
      return;
    }

  uri = soup_server_message_get_uri (msg);
  path = g_uri_get_path (uri);
  query_text = g_uri_get_query (uri);
  if (query_text != NULL)
    query = soup_form_decode (query_text);

  lk_sim_handle_request (self->tenant, msg, path, query, &reply);
  g_debug ("Simulator: %s %s -> %u", soup_server_message_get_method (msg), path, reply.status);
  lk_sim_reply_apply (&reply, msg);
  lk_sim_reply_clear (&reply);

  if (self->hook != NULL && self->hook->after != NULL)
    self->hook->after (self, msg, self->hook_state);
}

/* Request bodies: counted as they arrive, never kept past the limit. */

static void
mark_too_large (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* Read the rest (so the reply can be sent) but keep none of it. */
  g_object_set_data (G_OBJECT (msg), BODY_TOO_LARGE, GINT_TO_POINTER (TRUE));
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  gsize received = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), BODY_RECEIVED));

  if (g_object_get_data (G_OBJECT (msg), BODY_TOO_LARGE) != NULL)
    return;

  received += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), BODY_RECEIVED, GSIZE_TO_POINTER (received));
  if (received > LK_WIRE_MAX_REQUEST_SIZE)
    mark_too_large (msg);
}

static void
on_got_headers (SoupServerMessage *msg,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  /* A declared length over the limit is refused before a byte is kept;
   * a chunked body when it passes the limit. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > LK_WIRE_MAX_REQUEST_SIZE)
    mark_too_large (msg);
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), NULL);
}

static void
on_server_request (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  lk_simulator_serve_message (LK_SIMULATOR (user_data), msg);
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

  if (self->hook != NULL)
    self->hook->detach (g_steal_pointer (&self->hook_state));
  g_clear_pointer (&self->tenant, lk_sim_tenant_free);
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
  self->hook = g_atomic_pointer_get (&installed_hook);
  if (self->hook != NULL)
    self->hook_state = self->hook->attach (self);
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
                                 now - 400 * LK_SIM_SECONDS_PER_DAY,
                                 now + 365 * LK_SIM_SECONDS_PER_DAY,
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
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), NULL);

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

  /* Messages a hook held back go with their connections. */
  if (self->hook != NULL)
    self->hook->stopped (self, self->hook_state);

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
    expires_at = now + DEFAULT_ADD_KEY_DAYS * LK_SIM_SECONDS_PER_DAY;

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

const char *
lk_simulator_get_tenant_id (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);

  return lk_sim_tenant_get_id (self->tenant);
}
