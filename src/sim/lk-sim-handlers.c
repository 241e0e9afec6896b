/* lk-sim-handlers.c: the simulator's HTTP handlers
 *
 * One function per endpoint of docs/platform-api.md: each checks the
 * caller (a client secret for the token, a bearer token and a permission
 * for the rest), reads the request, changes the tenant and fills a reply.
 * Every path and field name comes from lk-wire.h; bodies are read and
 * built by lk-sim-wire.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sim-handlers"

#include "config.h"

#include <string.h>

#include "lk-secret.h"
#include "lk-error.h"
#include "lk-key-rules.h"
#include "lk-sim-handlers.h"
#include "lk-sim-wire.h"
#include "lk-wire.h"
#include "lk-wire-json.h"


/* Request parsing */

static const char *
header_value (SoupServerMessage *msg,
              const char        *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name);
}

/* Splits "Basic base64(id:secret)".  Both outputs are wiped by the caller. */
static gboolean
parse_basic (const char  *header,
             char       **out_id,
             char       **out_secret)
{
  g_autofree guchar *decoded = NULL;
  gsize length = 0;
  char *text, *colon;

  *out_id = *out_secret = NULL;

  if (header == NULL || g_ascii_strncasecmp (header, "Basic ", 6) != 0)
    return FALSE;

  decoded = g_base64_decode (header + 6, &length);
  if (decoded == NULL || length == 0)
    return FALSE;

  text = g_strndup ((const char *) decoded, length);
  lk_secret_wipe (decoded, length);
  colon = strchr (text, ':');
  if (colon == NULL || strlen (text) != length)
    {
      lk_secret_free_sized (text, length);
      return FALSE;
    }

  *colon = '\0';
  /* RFC 6749 2.3.1: both parts are form-encoded ('+' a space, then %XX)
   * before joining; a part that does not decode is refused, as a
   * compliant server does. */
  g_strdelimit (text, "+", ' ');
  g_strdelimit (colon + 1, "+", ' ');
  *out_id = g_uri_unescape_string (text, NULL);
  *out_secret = g_uri_unescape_string (colon + 1, NULL);
  if (*out_id == NULL || *out_secret == NULL)
    {
      g_clear_pointer (out_id, g_free);
      g_clear_pointer (out_secret, lk_secret_free);
      lk_secret_free_sized (text, length);
      return FALSE;
    }
  lk_secret_free_sized (text, length);

  return TRUE;
}

/* A decimal number in [min, max]; anything else fails. */
static gboolean
parse_query_number (GHashTable *query,
                    const char *name,
                    guint       fallback,
                    guint       min,
                    guint       max,
                    guint      *out)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 value;

  *out = fallback;
  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    return FALSE;

  *out = (guint) value;
  return TRUE;
}

static void
reply_node (LkSimReply *reply,
            guint       status,
            JsonNode   *node)
{
  lk_sim_reply_json (reply, status, NULL);
  reply->body = lk_wire_node_to_data (node, &reply->length);
}

/* The token endpoint */

static void
handle_token (LkSimTenant       *tenant,
              SoupServerMessage *msg,
              LkSimReply        *reply)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *form_text = NULL;
  g_autoptr(LkSecretString) token = NULL;
  const char *grant;
  char *client_id = NULL, *secret = NULL;
  LkSimKey *key = NULL;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      lk_sim_reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use POST to obtain a token.", NULL);
      return;
    }

  form_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  form = soup_form_decode (form_text);
  grant = g_hash_table_lookup (form, LK_WIRE_FORM_GRANT_TYPE);
  if (grant == NULL)
    {
      lk_sim_reply_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                                "The request lacks the grant_type parameter.");
      return;
    }
  if (strcmp (grant, LK_WIRE_GRANT_CLIENT_CREDENTIALS) != 0)
    {
      lk_sim_reply_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                                "Only the client_credentials grant is supported.");
      return;
    }

  if (parse_basic (header_value (msg, "Authorization"), &client_id, &secret))
    key = lk_sim_tenant_authenticate (tenant, client_id, secret);
  lk_secret_free (secret);
  g_free (client_id);

  if (key == NULL)
    {
      lk_sim_reply_oauth_error (reply, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                                "The client ID or secret is wrong, or the key has expired.");
      return;
    }

  token = lk_sim_tenant_issue_token (tenant, key);
  lk_sim_reply_json (reply, SOUP_STATUS_OK,
                     lk_wire_build_token_reply (token, lk_sim_tenant_get_token_lifetime (tenant)));
}

/* Checks the bearer token and, when @category is valid, one permission.
 * Returns the calling key, or NULL with @reply set. */
static LkSimKey *
authorize (LkSimTenant       *tenant,
           SoupServerMessage *msg,
           LkCategory         category,
           LkAccess           access,
           LkSimReply        *reply)
{
  const char *header = header_value (msg, "Authorization");
  LkSimKey *key;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      lk_sim_reply_unauthorized (reply, "The request lacks a bearer token.");
      return NULL;
    }

  key = lk_sim_tenant_key_for_token (tenant, header + 7);
  if (key == NULL)
    {
      lk_sim_reply_unauthorized (reply, "The access token is invalid or has expired.");
      return NULL;
    }

  if (category < LK_N_CATEGORIES &&
      !lk_permissions_allows (&key->permissions, category, access))
    {
      g_autofree char *needed = lk_permission_describe (category, access);
      g_autofree char *detail = g_strdup_printf ("Needs %s", needed);

      lk_sim_reply_error (reply, SOUP_STATUS_FORBIDDEN, detail, NULL);
      return NULL;
    }

  return key;
}

/* whoami */

static void
handle_whoami (LkSimTenant       *tenant,
               SoupServerMessage *msg,
               LkSimReply        *reply)
{
  LkSimKey *caller = authorize (tenant, msg, LK_N_CATEGORIES, LK_ACCESS_NONE, reply);
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (caller == NULL)
    return;

  key = lk_sim_key_to_api_key (caller);
  node = lk_wire_whoami_to_json (key);
  json_object_set_string_member (json_node_get_object (node), LK_WIRE_FIELD_TENANT_ID,
                                 lk_sim_tenant_get_id (tenant));
  reply_node (reply, SOUP_STATUS_OK, node);
}

/* List */

static void
handle_list (LkSimTenant       *tenant,
             SoupServerMessage *msg,
             GHashTable        *query,
             LkSimReply        *reply)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint offset, limit, end, total;

  if (authorize (tenant, msg, LK_CATEGORY_API_KEYS, LK_ACCESS_READ, reply) == NULL)
    return;

  if (!parse_query_number (query, LK_WIRE_QUERY_OFFSET, 0, 0, G_MAXINT32, &offset))
    {
      lk_sim_reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                          "offset must be a whole number of 0 or more.", LK_WIRE_QUERY_OFFSET);
      return;
    }
  if (!parse_query_number (query, LK_WIRE_QUERY_LIMIT, LK_WIRE_PAGE_LIMIT_MAX,
                           1, LK_WIRE_PAGE_LIMIT_MAX, &limit))
    {
      g_autofree char *detail = g_strdup_printf ("limit must be a whole number from 1 to %u.",
                                                 LK_WIRE_PAGE_LIMIT_MAX);

      lk_sim_reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, detail, LK_WIRE_QUERY_LIMIT);
      return;
    }

  total = lk_sim_tenant_get_n_keys (tenant);
  end = MIN ((guint64) offset + limit, total);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_ITEMS);
  json_builder_begin_array (builder);
  for (guint i = offset; i < end; i++)
    {
      g_autoptr(LkApiKey) key = lk_sim_key_to_api_key (lk_sim_tenant_get_key (tenant, i));

      json_builder_add_value (builder, lk_wire_key_to_json (key, NULL));
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_OFFSET);
  json_builder_add_int_value (builder, offset);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_LIMIT);
  json_builder_add_int_value (builder, limit);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_TOTAL);
  json_builder_add_int_value (builder, total);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  reply_node (reply, SOUP_STATUS_OK, node);
}

/* Create */

static gboolean
invalid_input (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT, message);
  return FALSE;
}

/* The client's rule (lk-key-rules.c), worded as the platform words it:
 * in English, whatever the locale. */
static gboolean
validate_key_name (const char  *name,
                   GError     **error)
{
  switch (lk_key_name_check (name))
    {
    case LK_KEY_NAME_OK:
      return TRUE;
    case LK_KEY_NAME_NOT_UTF8:
      return invalid_input (error, "The name is not valid UTF-8.");
    case LK_KEY_NAME_EMPTY:
      return invalid_input (error, "The name must not be empty.");
    case LK_KEY_NAME_TOO_LONG:
      return invalid_input (error, "The name is longer than 64 characters.");
    case LK_KEY_NAME_CONTROL_CHARACTER:
    case LK_KEY_NAME_LINE_SEPARATOR:
      return invalid_input (error, "The name must not contain control characters.");
    default:
      return invalid_input (error, "The name contains characters that are not allowed.");
    }
}

/* Whole days between the UTC dates of @now and @then. */
static gint64
utc_days_between (gint64 now,
                  gint64 then)
{
  const gint64 day = LK_SIM_SECONDS_PER_DAY;
  gint64 a = now >= 0 ? now / day : (now - day + 1) / day;
  gint64 b = then >= 0 ? then / day : (then - day + 1) / day;

  return b - a;
}

/* To be replaced by lk_validate_expiry() (lk-key-rules.h) */
static gboolean
validate_expiry (gint64   now,
                 gint64   expires_at,
                 GError **error)
{
  gint64 days = utc_days_between (now, expires_at);

  if (expires_at <= now || days < LK_WIRE_EXPIRY_MIN_DAYS || days > LK_WIRE_EXPIRY_MAX_DAYS)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                   "The expiry must be between %d and %d days ahead.",
                   LK_WIRE_EXPIRY_MIN_DAYS, LK_WIRE_EXPIRY_MAX_DAYS);
      return FALSE;
    }

  return TRUE;
}

/* The create reply's node holds a copy of the secret: wipe it. */
static void
wipe_secret_copies (JsonNode   *node,
                    const char *secret)
{
  JsonObject *object = json_node_get_object (node);
  GList *members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *member = json_object_get_member (object, l->data);
      const char *text;

      if (lk_wire_node_is_type (member, G_TYPE_STRING) &&
          (text = json_node_get_string (member)) != NULL &&
          strcmp (text, secret) == 0)
        lk_secret_wipe ((char *) text, strlen (text));
    }
  g_list_free (members);
}

/* Answers a create whose Idempotency-Key was seen: TRUE when @reply is set
 * (a replay, or 422 for a different request under the same key). */
static gboolean
replay_create (LkSimTenant  *tenant,
               const char   *idempotency_key,
               const guint8  request_digest[LK_SIM_DIGEST_LENGTH],
               gint64        now,
               LkSimReply   *reply)
{
  LkSimIdempotent *record = lk_sim_tenant_lookup_create (tenant, idempotency_key, now);

  if (record == NULL)
    return FALSE;

  if (!lk_sim_digest_equal (record->request_digest, request_digest))
    {
      lk_sim_reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                          "This Idempotency-Key was already used with a different request.",
                          LK_WIRE_HEADER_IDEMPOTENCY);
      return TRUE;
    }

  g_debug ("Simulator: create replayed for its Idempotency-Key");
  /* The remembered body is not NUL-terminated. */
  reply->status = SOUP_STATUS_CREATED;
  reply->content_type = LK_SIM_CONTENT_TYPE_JSON;
  reply->body = g_memdup2 (record->body, record->length);
  reply->length = record->length;
  reply->location = g_strdup (record->location);
  return TRUE;
}

static void
handle_create (LkSimTenant       *tenant,
               SoupServerMessage *msg,
               LkSimReply        *reply)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw_name = NULL;
  g_autoptr(LkApiKey) api_key = NULL;
  g_autoptr(LkSecretString) secret = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *idempotency_key = header_value (msg, LK_WIRE_HEADER_IDEMPOTENCY);
  g_autofree char *scoped_key = NULL;
  guint8 request_digest[LK_SIM_DIGEST_LENGTH];
  LkPermissions permissions;
  gint64 expires_at, now;
  LkSimKey *caller, *key;
  char *name;

  caller = authorize (tenant, msg, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE, reply);
  if (caller == NULL)
    return;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (!lk_wire_parse_create_body (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  &raw_name, &expires_at, &permissions, &error))
    {
      lk_sim_reply_error (reply, SOUP_STATUS_BAD_REQUEST, error->message, NULL);
      return;
    }

  name = g_strstrip (raw_name);
  if (lk_permissions_is_empty (&permissions))
    lk_permissions_set_all (&permissions);
  now = lk_sim_tenant_get_now (tenant);

  /* Idempotency-Keys are the caller's own: another key that sends the
   * same one can neither replay this create (and read its secret) nor
   * be refused because of it. */
  if (idempotency_key != NULL)
    scoped_key = g_strconcat (caller->client_id, " ", idempotency_key, NULL);

  if (scoped_key != NULL)
    {
      lk_sim_tenant_digest_create (name, expires_at, &permissions, request_digest);
      if (replay_create (tenant, scoped_key, request_digest, now, reply))
        return;
    }

  if (!validate_key_name (name, &error))
    {
      lk_sim_reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, error->message,
                          LK_WIRE_FIELD_NAME);
      return;
    }

  if (lk_sim_tenant_find_key_by_name (tenant, name) != NULL)
    {
      lk_sim_reply_error (reply, SOUP_STATUS_CONFLICT,
                          "A key with this name already exists.", LK_WIRE_FIELD_NAME);
      return;
    }

  if (!validate_expiry (now, expires_at, &error))
    {
      lk_sim_reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, error->message,
                          LK_WIRE_FIELD_EXPIRES_AT);
      return;
    }

  secret = lk_sim_tenant_new_secret (tenant);
  key = lk_sim_tenant_add_key (tenant, name, caller->name, now, expires_at, &permissions, secret);
  api_key = lk_sim_key_to_api_key (key);
  node = lk_wire_key_to_json (api_key, secret);

  reply_node (reply, SOUP_STATUS_CREATED, node);
  reply->location = lk_wire_build_key_path (key->id);
  g_debug ("Simulator: created key %s", key->id);
  wipe_secret_copies (node, secret);

  if (scoped_key != NULL)
    lk_sim_tenant_remember_create (tenant, scoped_key, request_digest, now,
                                   reply->body, reply->length, reply->location);
}

/* Delete */

static void
handle_delete (LkSimTenant       *tenant,
               SoupServerMessage *msg,
               const char        *path,
               LkSimReply        *reply)
{
  g_autofree char *id = NULL;
  LkSimKey *key;

  if (authorize (tenant, msg, LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE, reply) == NULL)
    return;

  id = g_uri_unescape_string (path + strlen (LK_WIRE_PATH_KEY_PREFIX), NULL);
  key = id != NULL ? lk_sim_tenant_lookup_key (tenant, id) : NULL;
  if (key == NULL)
    {
      lk_sim_reply_error (reply, SOUP_STATUS_NOT_FOUND, "There is no API key with this ID.", NULL);
      return;
    }

  g_debug ("Simulator: deleted key %s", key->id);
  lk_sim_tenant_delete_key (tenant, key);
  reply->status = SOUP_STATUS_NO_CONTENT;
}

/* Routes */

void
lk_sim_handle_request (LkSimTenant       *tenant,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       LkSimReply        *reply)
{
  const char *method;

  g_assert (tenant != NULL);
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));
  g_assert (path != NULL && reply != NULL);

  method = soup_server_message_get_method (msg);

  if (strcmp (path, LK_WIRE_PATH_TOKEN) == 0)
    handle_token (tenant, msg, reply);
  else if (strcmp (path, LK_WIRE_PATH_WHOAMI) == 0)
    {
      if (strcmp (method, SOUP_METHOD_GET) == 0)
        handle_whoami (tenant, msg, reply);
      else
        lk_sim_reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use GET.", NULL);
    }
  else if (strcmp (path, LK_WIRE_PATH_KEYS) == 0)
    {
      if (strcmp (method, SOUP_METHOD_GET) == 0)
        handle_list (tenant, msg, query, reply);
      else if (strcmp (method, SOUP_METHOD_POST) == 0)
        handle_create (tenant, msg, reply);
      else
        lk_sim_reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use GET or POST.", NULL);
    }
  else if (g_str_has_prefix (path, LK_WIRE_PATH_KEY_PREFIX) &&
           path[strlen (LK_WIRE_PATH_KEY_PREFIX)] != '\0' &&
           strchr (path + strlen (LK_WIRE_PATH_KEY_PREFIX), '/') == NULL)
    {
      if (strcmp (method, SOUP_METHOD_DELETE) == 0)
        handle_delete (tenant, msg, path, reply);
      else
        lk_sim_reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use DELETE.", NULL);
    }
  else
    lk_sim_reply_error (reply, SOUP_STATUS_NOT_FOUND, "There is nothing at this path.", NULL);
}
