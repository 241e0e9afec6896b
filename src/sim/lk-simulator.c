/* lk-simulator.c: the platform simulator
 *
 * One tenant held in memory and served over HTTP(S) on 127.0.0.1 with the
 * contract of docs/platform-api.md.  Every path and field name comes from
 * lk-wire.h; replies are built with the lk_wire_* builders.
 *
 * Storage is shaped for large tenants: each key is one allocation (the
 * strings sit behind the fixed part), keys live in one array sorted by
 * (created_at, id), so a page is a slice of it, and expired keys are
 * purged as the platform deletes them, so the array is always the list.
 * Secrets are never kept: only their SHA-256 digests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "LkSim"

#include "config.h"

#include <string.h>
#include <sys/random.h>
#include <libsoup/soup.h>

#include "lk-error.h"
#include "lk-sim-wire.h"
#include "lk-simulator.h"
#include "lk-time.h"
#include "lk-wire.h"

#define SECONDS_PER_DAY        (G_GINT64_CONSTANT (24) * 60 * 60)
#define IDEMPOTENCY_WINDOW     SECONDS_PER_DAY
#define ADMIN_KEY_NAME         "Tenant admin"
#define ADMIN_KEY_OWNER        "owner@example.com"
#define DEFAULT_ADD_KEY_DAYS   90
#define DIGEST_LENGTH          32

/* RFC 6585; libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

#define CONTENT_TYPE_JSON      "application/json"
#define CONTENT_TYPE_PROBLEM   "application/problem+json"

/* One key of the tenant.  The id, name and client ID are stored after the
 * struct in one allocation. */
typedef struct {
  gint64         created_at;
  gint64         expires_at;
  const char    *created_by;   /* interned, may be NULL */
  const char    *name;         /* points into data */
  const char    *client_id;    /* points into data */
  LkPermissions  permissions;
  guint8         secret_digest[DIGEST_LENGTH];
  char           id[];         /* id, then name, then client ID */
} SimKey;

typedef struct {
  char   *key_id;
  gint64  expires_at;
} SimToken;

/* A successful create, remembered for its Idempotency-Key. */
typedef struct {
  guint8  request_digest[DIGEST_LENGTH];
  gint64  at;
  char   *body;      /* holds the client secret: wiped on free */
  gsize   length;
  char   *location;
} SimIdempotent;

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

/* A reply before it goes on the wire. */
typedef struct {
  guint        status;
  const char  *content_type;
  char        *body;          /* may hold a secret: wiped on clear */
  gsize        length;
  guint        retry_after;   /* 0 = none */
  const char  *www_authenticate;
  char        *location;
} SimReply;

/* A message held back by the LATENCY fault. */
typedef struct {
  LkSimulator       *self;
  SoupServerMessage *msg;
  guint              source_id;
} SimDelayed;

struct _LkSimulator
{
  GObject      parent_instance;

  GRand       *rand;
  GPtrArray   *keys;            /* SimKey, sorted by (created_at, id); owns */
  GHashTable  *keys_by_id;      /* id -> SimKey */
  GHashTable  *keys_by_name;    /* name -> SimKey */
  GHashTable  *keys_by_client;  /* client ID -> SimKey */
  gint64       next_expiry;     /* earliest expires_at of any key */
  guint        serial;          /* for generated names */

  GHashTable  *tokens;          /* token -> SimToken */
  guint        token_lifetime;
  GHashTable  *idempotent;      /* Idempotency-Key -> SimIdempotent */

  GPtrArray   *faults;          /* SimFaultRule */
  GHashTable  *counts;          /* "METHOD path" -> SimCount */

  gint64       now;             /* 0 = real time */

  char        *admin_client_id;
  char        *admin_client_secret;

  SoupServer  *server;
  guint16      port;
  char        *base_url;
  GPtrArray   *delayed;         /* SimDelayed */
  GPtrArray   *held_streams;    /* GIOStream of NO_REPLY requests */
};

G_DEFINE_FINAL_TYPE (LkSimulator, lk_simulator, G_TYPE_OBJECT)

/* Small helpers */

static void
wipe_free (char  *data,
           gsize  length)
{
  if (data == NULL)
    return;
  explicit_bzero (data, length);
  g_free (data);
}

static void
sim_token_free (gpointer data)
{
  SimToken *token = data;

  g_free (token->key_id);
  g_free (token);
}

static void
sim_idempotent_free (gpointer data)
{
  SimIdempotent *record = data;

  wipe_free (record->body, record->length);
  g_free (record->location);
  g_free (record);
}

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

static void
sim_reply_clear (SimReply *reply)
{
  wipe_free (reply->body, reply->length);
  g_free (reply->location);
  memset (reply, 0, sizeof *reply);
}

static void
digest_of (const char *data,
           gsize       length,
           guint8      out[DIGEST_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize out_length = DIGEST_LENGTH;

  g_checksum_update (checksum, (const guchar *) data, length);
  g_checksum_get_digest (checksum, out, &out_length);
}

static gboolean
digest_equal (const guint8 *a,
              const guint8 *b)
{
  guint8 diff = 0;

  for (guint i = 0; i < DIGEST_LENGTH; i++)
    diff |= a[i] ^ b[i];

  return diff == 0;
}

/* Bytes for tokens and secrets come from the kernel's CSPRNG; the GRand
 * (seeded from /dev/urandom too) only makes identifiers. */
static void
random_bytes (LkSimulator *self,
              guint8      *out,
              gsize        length)
{
  gsize filled = 0;

  while (filled < length)
    {
      ssize_t n = getrandom (out + filled, length - filled, 0);

      if (n <= 0)
        break;
      filled += (gsize) n;
    }

  for (; filled < length; filled++)
    out[filled] = g_rand_int (self->rand) & 0xff;
}

static char *
random_hex (LkSimulator *self,
            guint        n_bytes)
{
  static const char digits[] = "0123456789abcdef";
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  char *out = g_malloc (n_bytes * 2 + 1);

  random_bytes (self, bytes, n_bytes);
  for (guint i = 0; i < n_bytes; i++)
    {
      out[i * 2] = digits[bytes[i] >> 4];
      out[i * 2 + 1] = digits[bytes[i] & 0xf];
    }
  out[n_bytes * 2] = '\0';
  explicit_bzero (bytes, n_bytes);

  return out;
}

/* A UUID-shaped identifier (version 4 layout). */
static void
random_uuid (LkSimulator *self,
             char         out[37])
{
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (self->rand);

  g_snprintf (out, 37, "%08x-%04x-4%03x-%04x-%04x%08x",
              w[0], w[1] >> 16, w[1] & 0xfff,
              0x8000 | (w[2] >> 16 & 0x3fff), w[2] & 0xffff, w[3]);
}

/* 48 characters of [A-Za-z0-9]: about 285 bits. */
static char *
random_secret (LkSimulator *self)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  guint8 bytes[64];
  char *out = g_malloc (49);
  guint n = 0;

  while (n < 48)
    {
      random_bytes (self, bytes, sizeof bytes);
      /* 62 * 4 = 248: rejecting 248..255 keeps every character equally likely */
      for (guint i = 0; i < sizeof bytes && n < 48; i++)
        if (bytes[i] < 248)
          out[n++] = alphabet[bytes[i] % 62];
    }
  out[48] = '\0';
  explicit_bzero (bytes, sizeof bytes);

  return out;
}

/* Keys */

static int
compare_order (gint64      created_a,
               const char *id_a,
               gint64      created_b,
               const char *id_b)
{
  if (created_a != created_b)
    return created_a < created_b ? -1 : 1;
  return strcmp (id_a, id_b);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const SimKey *ka = *(SimKey * const *) a;
  const SimKey *kb = *(SimKey * const *) b;

  return compare_order (ka->created_at, ka->id, kb->created_at, kb->id);
}

/* The first index whose key sorts at or after @key. */
static guint
lower_bound (LkSimulator  *self,
             const SimKey *key)
{
  guint lo = 0, hi = self->keys->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const SimKey *other = g_ptr_array_index (self->keys, mid);

      if (compare_order (other->created_at, other->id, key->created_at, key->id) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static SimKey *
sim_key_new (const char          *id,
             const char          *name,
             const char          *client_id,
             const char          *created_by,
             gint64               created_at,
             gint64               expires_at,
             const LkPermissions *permissions)
{
  gsize id_len = strlen (id) + 1;
  gsize name_len = strlen (name) + 1;
  gsize client_len = strlen (client_id) + 1;
  SimKey *key = g_malloc (sizeof (SimKey) + id_len + name_len + client_len);

  memcpy (key->id, id, id_len);
  memcpy (key->id + id_len, name, name_len);
  memcpy (key->id + id_len + name_len, client_id, client_len);
  key->name = key->id + id_len;
  key->client_id = key->id + id_len + name_len;
  key->created_by = created_by != NULL ? g_intern_string (created_by) : NULL;
  key->created_at = created_at;
  key->expires_at = expires_at;
  key->permissions = *permissions;
  memset (key->secret_digest, 0, DIGEST_LENGTH);

  return key;
}

static LkApiKey *
sim_key_to_api_key (const SimKey *key)
{
  return lk_api_key_new (key->id, key->name, key->client_id, key->created_by,
                         key->created_at, key->expires_at, &key->permissions);
}

static void
index_key (LkSimulator *self,
           SimKey      *key)
{
  g_hash_table_insert (self->keys_by_id, key->id, key);
  g_hash_table_insert (self->keys_by_name, (char *) key->name, key);
  g_hash_table_insert (self->keys_by_client, (char *) key->client_id, key);
  self->next_expiry = MIN (self->next_expiry, key->expires_at);
}

static void
unindex_key (LkSimulator *self,
             SimKey      *key)
{
  g_hash_table_remove (self->keys_by_id, key->id);
  g_hash_table_remove (self->keys_by_name, key->name);
  g_hash_table_remove (self->keys_by_client, key->client_id);
}

static void
insert_key (LkSimulator *self,
            SimKey      *key)
{
  g_ptr_array_insert (self->keys, lower_bound (self, key), key);
  index_key (self, key);
}

static void
delete_key (LkSimulator *self,
            SimKey      *key)
{
  guint index = lower_bound (self, key);

  g_assert (index < self->keys->len && g_ptr_array_index (self->keys, index) == key);
  unindex_key (self, key);
  g_ptr_array_steal_index (self->keys, index);
}

/* Expired keys are deleted, as the platform does.  Cheap when nothing
 * expired since the last call. */
static void
purge_expired (LkSimulator *self)
{
  gint64 now = lk_simulator_get_now (self);
  guint kept = 0;

  if (now < self->next_expiry)
    return;

  self->next_expiry = G_MAXINT64;
  for (guint i = 0; i < self->keys->len; i++)
    {
      SimKey *key = g_ptr_array_index (self->keys, i);

      if (key->expires_at <= now)
        {
          g_debug ("Simulator: key %s expired", key->id);
          unindex_key (self, key);
          g_free (key);
          continue;
        }
      self->next_expiry = MIN (self->next_expiry, key->expires_at);
      self->keys->pdata[kept++] = key;
    }
  /* The removed keys are freed already: shrink without the free func. */
  self->keys->len = kept;
}

static SimKey *
add_key (LkSimulator         *self,
         const char          *name,
         const char          *created_by,
         gint64               created_at,
         gint64               expires_at,
         const LkPermissions *permissions,
         const char          *secret /* nullable */)
{
  char id[37], client_id[37];
  SimKey *key;

  random_uuid (self, id);
  random_uuid (self, client_id);
  key = sim_key_new (id, name, client_id, created_by, created_at, expires_at, permissions);
  if (secret != NULL)
    digest_of (secret, strlen (secret), key->secret_digest);
  else
    for (guint i = 0; i < DIGEST_LENGTH; i++)
      key->secret_digest[i] = g_rand_int (self->rand) & 0xff;

  insert_key (self, key);
  return key;
}

static SimKey *
lookup_live_key (LkSimulator *self,
                 const char  *id)
{
  purge_expired (self);
  return g_hash_table_lookup (self->keys_by_id, id);
}

/* Tokens */

static char *
issue_token (LkSimulator  *self,
             const SimKey *key)
{
  char *token = random_hex (self, 32);
  SimToken *entry = g_new0 (SimToken, 1);
  gint64 now = lk_simulator_get_now (self);

  /* Forget expired tokens now and then. */
  if (g_hash_table_size (self->tokens) > 256)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->tokens);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((SimToken *) value)->expires_at <= now)
          g_hash_table_iter_remove (&iter);
    }

  entry->key_id = g_strdup (key->id);
  entry->expires_at = now + self->token_lifetime;
  g_hash_table_insert (self->tokens, g_strdup (token), entry);

  return token;
}

static SimKey *
key_for_token (LkSimulator *self,
               const char  *token)
{
  SimToken *entry = g_hash_table_lookup (self->tokens, token);

  if (entry == NULL || entry->expires_at <= lk_simulator_get_now (self))
    return NULL;

  return lookup_live_key (self, entry->key_id);
}

/* Replies */

static const char *
status_title (guint status)
{
  if (status == STATUS_TOO_MANY_REQUESTS)
    return "Too Many Requests";
  return soup_status_get_phrase (status);
}

static void
reply_json (SimReply   *reply,
            guint       status,
            char       *body /* owned */)
{
  reply->status = status;
  reply->content_type = CONTENT_TYPE_JSON;
  reply->body = body;
  reply->length = body != NULL ? strlen (body) : 0;
}

static void
reply_error (SimReply   *reply,
             guint       status,
             const char *detail,
             const char *field)
{
  reply->status = status;
  reply->content_type = CONTENT_TYPE_PROBLEM;
  reply->body = lk_wire_build_error_body (status_title (status), detail, field);
  reply->length = strlen (reply->body);
}

/* RFC 6749 token errors carry an "error" code besides the problem fields. */
static void
reply_oauth_error (SimReply   *reply,
                   guint       status,
                   const char *code,
                   const char *detail)
{
  reply->status = status;
  reply->content_type = CONTENT_TYPE_PROBLEM;
  reply->body = lk_wire_build_oauth_error_body (status_title (status), detail, code);
  reply->length = strlen (reply->body);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    reply->www_authenticate = "Basic realm=\"layer-keys-sim\"";
}

static void
reply_unauthorized (SimReply   *reply,
                    const char *detail)
{
  reply_error (reply, SOUP_STATUS_UNAUTHORIZED, detail, NULL);
  reply->www_authenticate = "Bearer error=\"invalid_token\"";
}

static char *
node_to_data (JsonNode *node,
              gsize    *out_length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, out_length);
}

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
  explicit_bzero (decoded, length);
  colon = strchr (text, ':');
  if (colon == NULL || strlen (text) != length)
    {
      wipe_free (text, length);
      return FALSE;
    }

  *colon = '\0';
  /* RFC 6749 2.3.1: both parts are form-encoded before joining. */
  *out_id = g_uri_unescape_string (text, NULL);
  *out_secret = g_uri_unescape_string (colon + 1, NULL);
  if (*out_id == NULL)
    *out_id = g_strdup (text);
  if (*out_secret == NULL)
    *out_secret = g_strdup (colon + 1);
  wipe_free (text, length);

  return TRUE;
}

static void
handle_token (LkSimulator       *self,
              SoupServerMessage *msg,
              SimReply          *reply)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *form_text = NULL;
  const char *grant;
  char *client_id = NULL, *secret = NULL;
  SimKey *key = NULL;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use POST to obtain a token.", NULL);
      return;
    }

  form_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  form = soup_form_decode (form_text);
  grant = g_hash_table_lookup (form, LK_WIRE_FORM_GRANT_TYPE);
  if (grant == NULL)
    {
      reply_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                         "The request lacks the grant_type parameter.");
      return;
    }
  if (strcmp (grant, LK_WIRE_GRANT_CLIENT_CREDENTIALS) != 0)
    {
      reply_oauth_error (reply, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                         "Only the client_credentials grant is supported.");
      return;
    }

  if (parse_basic (header_value (msg, "Authorization"), &client_id, &secret))
    {
      guint8 digest[DIGEST_LENGTH];

      purge_expired (self);
      key = g_hash_table_lookup (self->keys_by_client, client_id);
      digest_of (secret, strlen (secret), digest);
      if (key != NULL && !digest_equal (digest, key->secret_digest))
        key = NULL;
    }
  lk_secret_free (secret);
  g_free (client_id);

  if (key == NULL)
    {
      reply_oauth_error (reply, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                         "The client ID or secret is wrong, or the key has expired.");
      return;
    }

  {
    g_autoptr(LkSecretString) token = issue_token (self, key);

    reply_json (reply, SOUP_STATUS_OK,
                lk_wire_build_token_reply (token, self->token_lifetime));
  }
}

/* Checks the bearer token and, when @category is valid, one permission.
 * Returns the calling key, or NULL with @reply set. */
static SimKey *
authorize (LkSimulator       *self,
           SoupServerMessage *msg,
           LkCategory         category,
           LkAccess           access,
           SimReply          *reply)
{
  const char *header = header_value (msg, "Authorization");
  SimKey *key;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      reply_unauthorized (reply, "The request lacks a bearer token.");
      return NULL;
    }

  key = key_for_token (self, header + 7);
  if (key == NULL)
    {
      reply_unauthorized (reply, "The access token is invalid or has expired.");
      return NULL;
    }

  if (category < LK_N_CATEGORIES &&
      !lk_permissions_allows (&key->permissions, category, access))
    {
      g_autofree char *needed = lk_permission_describe (category, access);
      g_autofree char *detail = g_strdup_printf ("Needs %s", needed);

      reply_error (reply, SOUP_STATUS_FORBIDDEN, detail, NULL);
      return NULL;
    }

  return key;
}

static void
handle_whoami (LkSimulator       *self,
               SoupServerMessage *msg,
               SimReply          *reply)
{
  SimKey *caller = authorize (self, msg, LK_N_CATEGORIES, LK_ACCESS_NONE, reply);
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (caller == NULL)
    return;

  key = sim_key_to_api_key (caller);
  node = lk_wire_whoami_to_json (key);
  reply_json (reply, SOUP_STATUS_OK, node_to_data (node, NULL));
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
handle_list (LkSimulator       *self,
             SoupServerMessage *msg,
             GHashTable        *query,
             SimReply          *reply)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint offset, limit, end;

  if (authorize (self, msg, LK_CATEGORY_API_KEYS, LK_ACCESS_READ, reply) == NULL)
    return;

  if (!parse_query_number (query, LK_WIRE_QUERY_OFFSET, 0, 0, G_MAXINT32, &offset))
    {
      reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                   "offset must be a whole number of 0 or more.", LK_WIRE_QUERY_OFFSET);
      return;
    }
  if (!parse_query_number (query, LK_WIRE_QUERY_LIMIT, LK_WIRE_PAGE_LIMIT_MAX,
                           1, LK_WIRE_PAGE_LIMIT_MAX, &limit))
    {
      g_autofree char *detail = g_strdup_printf ("limit must be a whole number from 1 to %u.",
                                                 LK_WIRE_PAGE_LIMIT_MAX);

      reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, detail, LK_WIRE_QUERY_LIMIT);
      return;
    }

  purge_expired (self);
  end = MIN ((guint64) offset + limit, self->keys->len);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_ITEMS);
  json_builder_begin_array (builder);
  for (guint i = offset; i < end; i++)
    {
      g_autoptr(LkApiKey) key = sim_key_to_api_key (g_ptr_array_index (self->keys, i));

      json_builder_add_value (builder, lk_wire_key_to_json (key, NULL));
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_OFFSET);
  json_builder_add_int_value (builder, offset);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_LIMIT);
  json_builder_add_int_value (builder, limit);
  json_builder_set_member_name (builder, LK_WIRE_PAGE_TOTAL);
  json_builder_add_int_value (builder, self->keys->len);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  reply_json (reply, SOUP_STATUS_OK, node_to_data (node, NULL));
}

/* Whole days between the UTC dates of @now and @then. */
static gint64
utc_days_between (gint64 now,
                  gint64 then)
{
  gint64 a = now >= 0 ? now / SECONDS_PER_DAY : (now - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
  gint64 b = then >= 0 ? then / SECONDS_PER_DAY : (then - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;

  return b - a;
}

/* NULL when @name is acceptable; otherwise why not. */
static const char *
check_name (const char *name)
{
  glong n_chars;

  if (!g_utf8_validate (name, -1, NULL))
    return "The name is not valid UTF-8.";

  n_chars = g_utf8_strlen (name, -1);
  if (n_chars < 1)
    return "The name must not be empty.";
  if (n_chars > LK_WIRE_NAME_MAX_CHARS)
    return "The name is longer than 64 characters.";

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        return "The name must not contain control characters.";
    }

  return NULL;
}

static void
create_digest (const char          *name,
               gint64               expires_at,
               const LkPermissions *permissions,
               guint8               out[DIGEST_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length = DIGEST_LENGTH;

  g_checksum_update (checksum, (const guchar *) name, strlen (name) + 1);
  g_checksum_update (checksum, (const guchar *) &expires_at, sizeof expires_at);
  g_checksum_update (checksum, permissions->access, sizeof permissions->access);
  g_checksum_get_digest (checksum, out, &length);
}

static void
handle_create (LkSimulator       *self,
               SoupServerMessage *msg,
               SimReply          *reply)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw_name = NULL;
  g_autoptr(LkApiKey) api_key = NULL;
  g_autoptr(LkSecretString) secret = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *idempotency_key = header_value (msg, LK_WIRE_HEADER_IDEMPOTENCY);
  guint8 request_digest[DIGEST_LENGTH];
  LkPermissions permissions;
  const char *problem;
  gint64 expires_at, now, days;
  SimKey *caller, *key;
  char *name;

  caller = authorize (self, msg, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE, reply);
  if (caller == NULL)
    return;

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (!lk_wire_parse_create_body (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  &raw_name, &expires_at, &permissions, &error))
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, error->message, NULL);
      return;
    }

  name = g_strstrip (raw_name);
  if (lk_permissions_is_empty (&permissions))
    lk_permissions_set_all (&permissions);
  now = lk_simulator_get_now (self);

  if (idempotency_key != NULL)
    {
      SimIdempotent *record = g_hash_table_lookup (self->idempotent, idempotency_key);

      create_digest (name, expires_at, &permissions, request_digest);
      if (record != NULL && now - record->at >= IDEMPOTENCY_WINDOW)
        {
          g_hash_table_remove (self->idempotent, idempotency_key);
          record = NULL;
        }
      if (record != NULL)
        {
          if (!digest_equal (record->request_digest, request_digest))
            {
              reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                           "This Idempotency-Key was already used with a different request.",
                           LK_WIRE_HEADER_IDEMPOTENCY);
              return;
            }
          g_debug ("Simulator: create replayed for its Idempotency-Key");
          reply->status = SOUP_STATUS_CREATED;
          reply->content_type = CONTENT_TYPE_JSON;
          reply->body = g_memdup2 (record->body, record->length);
          reply->length = record->length;
          reply->location = g_strdup (record->location);
          return;
        }
    }

  problem = check_name (name);
  if (problem != NULL)
    {
      reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, problem, "name");
      return;
    }

  purge_expired (self);
  if (g_hash_table_contains (self->keys_by_name, name))
    {
      reply_error (reply, SOUP_STATUS_CONFLICT,
                   "A key with this name already exists.", "name");
      return;
    }

  days = utc_days_between (now, expires_at);
  if (expires_at <= now || days < LK_WIRE_EXPIRY_MIN_DAYS || days > LK_WIRE_EXPIRY_MAX_DAYS)
    {
      g_autofree char *detail =
        g_strdup_printf ("The expiry must be between %d and %d days ahead.",
                         LK_WIRE_EXPIRY_MIN_DAYS, LK_WIRE_EXPIRY_MAX_DAYS);

      reply_error (reply, SOUP_STATUS_UNPROCESSABLE_ENTITY, detail, "expires_at");
      return;
    }

  secret = random_secret (self);
  key = add_key (self, name, caller->name, now, expires_at, &permissions, secret);
  api_key = sim_key_to_api_key (key);
  node = lk_wire_key_to_json (api_key, secret);

  reply_json (reply, SOUP_STATUS_CREATED, NULL);
  reply->body = node_to_data (node, &reply->length);
  reply->location = lk_wire_build_key_path (key->id);
  g_debug ("Simulator: created key %s", key->id);

  /* The node holds a copy of the secret. */
  {
    JsonObject *object = json_node_get_object (node);
    GList *members = json_object_get_members (object);

    for (GList *l = members; l != NULL; l = l->next)
      {
        JsonNode *member = json_object_get_member (object, l->data);
        const char *text;

        if (JSON_NODE_HOLDS_VALUE (member) &&
            json_node_get_value_type (member) == G_TYPE_STRING &&
            (text = json_node_get_string (member)) != NULL &&
            strcmp (text, secret) == 0)
          explicit_bzero ((char *) text, strlen (text));
      }
    g_list_free (members);
  }

  if (idempotency_key != NULL)
    {
      SimIdempotent *record = g_new0 (SimIdempotent, 1);

      memcpy (record->request_digest, request_digest, DIGEST_LENGTH);
      record->at = now;
      record->body = g_memdup2 (reply->body, reply->length);
      record->length = reply->length;
      record->location = g_strdup (reply->location);
      g_hash_table_insert (self->idempotent, g_strdup (idempotency_key), record);
    }
}

static void
handle_delete (LkSimulator       *self,
               SoupServerMessage *msg,
               const char        *path,
               SimReply          *reply)
{
  g_autofree char *id = NULL;
  SimKey *key;

  if (authorize (self, msg, LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE, reply) == NULL)
    return;

  id = g_uri_unescape_string (path + strlen (LK_WIRE_PATH_KEY_PREFIX), NULL);
  key = id != NULL ? lookup_live_key (self, id) : NULL;
  if (key == NULL)
    {
      reply_error (reply, SOUP_STATUS_NOT_FOUND, "There is no API key with this ID.", NULL);
      return;
    }

  g_debug ("Simulator: deleted key %s", key->id);
  delete_key (self, key);
  g_free (key);
  reply->status = SOUP_STATUS_NO_CONTENT;
}

static void
handle_request (LkSimulator       *self,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                SimReply          *reply)
{
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (path, LK_WIRE_PATH_TOKEN) == 0)
    handle_token (self, msg, reply);
  else if (strcmp (path, LK_WIRE_PATH_WHOAMI) == 0)
    {
      if (strcmp (method, SOUP_METHOD_GET) == 0)
        handle_whoami (self, msg, reply);
      else
        reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use GET.", NULL);
    }
  else if (strcmp (path, LK_WIRE_PATH_KEYS) == 0)
    {
      if (strcmp (method, SOUP_METHOD_GET) == 0)
        handle_list (self, msg, query, reply);
      else if (strcmp (method, SOUP_METHOD_POST) == 0)
        handle_create (self, msg, reply);
      else
        reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use GET or POST.", NULL);
    }
  else if (g_str_has_prefix (path, LK_WIRE_PATH_KEY_PREFIX) &&
           path[strlen (LK_WIRE_PATH_KEY_PREFIX)] != '\0' &&
           strchr (path + strlen (LK_WIRE_PATH_KEY_PREFIX), '/') == NULL)
    {
      if (strcmp (method, SOUP_METHOD_DELETE) == 0)
        handle_delete (self, msg, path, reply);
      else
        reply_error (reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use DELETE.", NULL);
    }
  else
    reply_error (reply, SOUP_STATUS_NOT_FOUND, "There is nothing at this path.", NULL);
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

typedef struct {
  char  *data;
  gsize  length;
} SimWipe;

static void
sim_wipe_free (gpointer data)
{
  SimWipe *wipe = data;

  wipe_free (wipe->data, wipe->length);
  g_free (wipe);
}

static void
apply_reply (SoupServerMessage *msg,
             SimReply          *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, reply->status, NULL);
  if (reply->retry_after > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u", reply->retry_after);

      soup_message_headers_replace (headers, LK_WIRE_HEADER_RETRY_AFTER, value);
    }
  if (reply->www_authenticate != NULL)
    soup_message_headers_replace (headers, "WWW-Authenticate", reply->www_authenticate);
  if (reply->location != NULL)
    soup_message_headers_replace (headers, "Location", reply->location);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  /* The body moves to the message as bytes that are wiped when libsoup
   * frees them: a create's reply holds the new key's secret. */
  if (reply->body != NULL)
    {
      SimWipe *wipe = g_new0 (SimWipe, 1);
      g_autoptr(GBytes) bytes = NULL;

      wipe->data = g_steal_pointer (&reply->body);
      wipe->length = reply->length;
      bytes = g_bytes_new_with_free_func (wipe->data, wipe->length, sim_wipe_free, wipe);
      soup_message_headers_set_content_type (headers, reply->content_type, NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
    }
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
  wipe_free (write->data, write->length);
  g_free (write);
}

/* Takes the connection away from the server; writes @prefix_length bytes
 * of @reply (headers included, Content-Length the full body) then closes.
 * With @hold, keeps the connection open without writing anything. */
static void
send_raw (LkSimulator       *self,
          SoupServerMessage *msg,
          SimReply          *reply,
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
                          status_title (reply->status));
  g_string_append_printf (text, "Content-Type: %s\r\n",
                          reply->content_type != NULL ? reply->content_type : CONTENT_TYPE_JSON);
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
  SimReply reply = { 0 };
  LkSimFault fault;
  guint param;

  if (!after_latency)
    count_request (self, method, path);

  /* A fault's prefix may name the query too ("/api/v1/api-keys?offset=100&"). */
  g_autofree char *target = query_text != NULL ? g_strconcat (path, "?", query_text, NULL)
                                               : g_strdup (path);

  if (!take_fault (self, method, target, after_latency, &fault, &param))
    {
      handle_request (self, msg, path, query, &reply);
      g_debug ("Simulator: %s %s -> %u", method, path, reply.status);
      apply_reply (msg, &reply);
      sim_reply_clear (&reply);
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
      reply_error (&reply, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                   "The platform failed to handle the request.", NULL);
      break;

    case LK_SIM_FAULT_HTTP_429:
      reply_error (&reply, STATUS_TOO_MANY_REQUESTS,
                   "Too many requests: slow down and try again later.", NULL);
      reply.retry_after = param;
      break;

    case LK_SIM_FAULT_HTTP_503:
      reply_error (&reply, SOUP_STATUS_SERVICE_UNAVAILABLE,
                   "The platform is briefly unavailable: try again later.", NULL);
      reply.retry_after = param;
      break;

    case LK_SIM_FAULT_HTTP_401:
      if (strcmp (path, LK_WIRE_PATH_TOKEN) == 0)
        reply_oauth_error (&reply, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                           "The client ID or secret is wrong, or the key has expired.");
      else
        reply_unauthorized (&reply, "The access token has expired.");
      break;

    case LK_SIM_FAULT_MALFORMED_JSON:
      reply_json (&reply, SOUP_STATUS_OK,
                  g_strdup_printf ("{\"%s\": [{\"%s", LK_WIRE_PAGE_ITEMS, "\x01<html>"));
      break;

    case LK_SIM_FAULT_TRUNCATED_BODY:
      handle_request (self, msg, path, query, &reply);
      send_raw (self, msg, &reply, TRUE, FALSE);
      sim_reply_clear (&reply);
      return;

    case LK_SIM_FAULT_DROP_AFTER_COMMIT:
      handle_request (self, msg, path, query, &reply);
      send_raw (self, msg, &reply, FALSE, FALSE);
      sim_reply_clear (&reply);
      return;

    case LK_SIM_FAULT_NO_REPLY:
      send_raw (self, msg, &reply, FALSE, TRUE);
      return;

    default:
      g_assert_not_reached ();
    }

  apply_reply (msg, &reply);
  sim_reply_clear (&reply);
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

/* Seed data: a realistic tenant. */

typedef struct {
  const char *name;
  const char *created_by;
  int         created_days_ago;
  int         expires_in_days;
  int         preset;      /* -1 = use the access table; 0..LK_N_PRESETS-1; 99 = all */
  guint8      access[LK_N_CATEGORIES];
} SeedKey;

#define R LK_ACCESS_READ
#define W LK_ACCESS_WRITE
#define D LK_ACCESS_DELETE
/* access: api_keys, detections, inference, model_inventory, model_scanner, users */
static const SeedKey seed_keys[] = {
  { "CI model scanner", "maria.lopez@example.com", 120, 245, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "Staging inference gateway", "j.chen@example.com", 95, 270, -1, { 0, 0, R | W, 0, 0, 0 } },
  { "SOC detections export", "secops@example.com", 300, 64, -1, { 0, R, 0, 0, 0, 0 } },
  { "Production inference gateway", "j.chen@example.com", 210, 155, -1, { 0, 0, R | W, 0, 0, 0 } },
  { "Model registry sync", "priya.nair@example.com", 180, 185, -1, { 0, 0, 0, R | W | D, 0, 0 } },
  { "Security dashboard (read only)", "tom.becker@example.com", 60, 300, LK_PRESET_READ_ONLY, { 0 } },
  { "Nightly model audit", "priya.nair@example.com", 45, 120, -1, { 0, 0, 0, R, R, 0 } },
  { "Research notebook", "a.okafor@example.com", 14, 30, -1, { 0, 0, R, R, 0, 0 } },
  { "SIEM forwarder", "secops@example.com", 330, 35, -1, { 0, R, 0, 0, 0, 0 } },
  { "Incident response automation", "secops@example.com", 150, 215, -1, { 0, R | W, R, 0, 0, 0 } },
  { "User provisioning (SCIM)", "it-identity@example.com", 240, 125, -1, { 0, 0, 0, 0, 0, R | W | D } },
  { "Key rotation bot", "platform-team@example.com", 90, 90, -1, { R | W | D, 0, 0, 0, 0, 0 } },
  { "Terraform platform config", "platform-team@example.com", 75, 290, 99, { 0 } },
  { "GitHub Actions scanner", "maria.lopez@example.com", 30, 300, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "GitLab CI scanner", "devops@example.com", 200, 165, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "Hugging Face mirror scan", "a.okafor@example.com", 20, 100, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "Data science sandbox", "a.okafor@example.com", 8, 52, -1, { 0, 0, R | W, R, 0, 0 } },
  { "Compliance evidence export", "grc@example.com", 340, 25, LK_PRESET_READ_ONLY, { 0 } },
  { "Grafana detections panel", "tom.becker@example.com", 110, 255, -1, { 0, R, 0, 0, 0, 0 } },
  { "Legacy integration (to retire)", "platform-team@example.com", 363, 2, 99, { 0 } },
  { "Red team exercise", "redteam@example.com", 25, 5, -1, { 0, R, R | W, R, 0, 0 } },
  { "Vendor assessment", "grc@example.com", 83, 6, LK_PRESET_READ_ONLY, { 0 } },
  { "Airflow model pipeline", "priya.nair@example.com", 130, 235, -1, { 0, 0, 0, R | W, W, 0 } },
  { "Kubernetes admission scanner", "devops@example.com", 55, 255, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "MLflow registry hook", "priya.nair@example.com", 160, 3, -1, { 0, 0, 0, R | W, 0, 0 } },
  { "Splunk app", "secops@example.com", 280, 85, -1, { 0, R, 0, 0, 0, 0 } },
  { "Access review script", "grc@example.com", 40, 140, -1, { R, 0, 0, 0, 0, R } },
  { "Onboarding automation", "it-identity@example.com", 100, 180, -1, { 0, 0, 0, 0, 0, R | W } },
  { "Backup inventory export", "tom.becker@example.com", 5, 7, -1, { 0, 0, 0, R, 0, 0 } },
  { "Sentinel connector", "secops@example.com", 12, 200, -1, { 0, R | W, 0, 0, 0, 0 } },
  { "Support diagnostics (temporary)", "support@example.com", 1, 4, -1, { R, R, R, R, R, R } },
};
#undef R
#undef W
#undef D

static const char * const generated_owners[] = {
  "maria.lopez@example.com", "j.chen@example.com", "priya.nair@example.com",
  "tom.becker@example.com", "secops@example.com", "devops@example.com", NULL,
};

void
lk_simulator_seed (LkSimulator *self,
                   guint        n_extra)
{
  gint64 now;

  g_return_if_fail (LK_IS_SIMULATOR (self));

  now = lk_simulator_get_now (self);

  for (guint i = 0; i < G_N_ELEMENTS (seed_keys); i++)
    {
      const SeedKey *seed = &seed_keys[i];
      LkPermissions permissions = { { 0 } };

      if (g_hash_table_contains (self->keys_by_name, seed->name))
        continue;

      if (seed->preset == 99)
        lk_permissions_set_all (&permissions);
      else if (seed->preset >= 0)
        lk_preset_apply ((LkPreset) seed->preset, &permissions);
      else
        memcpy (permissions.access, seed->access, sizeof permissions.access);

      /* Spread creation over the day so the order is not by name. */
      add_key (self, seed->name, seed->created_by,
               now - seed->created_days_ago * SECONDS_PER_DAY - (gint64) (i * 3517) % 86400,
               now + seed->expires_in_days * SECONDS_PER_DAY - 3600,
               &permissions, NULL);
    }

  if (n_extra == 0)
    return;

  /* Generated keys: appended unsorted, then sorted once. */
  for (guint i = 0; i < n_extra; i++)
    {
      char name[64], id[37], client_id[37];
      LkPermissions permissions = { { 0 } };
      guint serial = ++self->serial;
      SimKey *key;

      g_snprintf (name, sizeof name, "Generated key %06u", serial);
      if (g_hash_table_contains (self->keys_by_name, name))
        continue;

      switch (serial % 5)
        {
        case 0: lk_permissions_set_all (&permissions); break;
        case 1: lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &permissions); break;
        case 2: lk_preset_apply (LK_PRESET_READ_ONLY, &permissions); break;
        case 3: lk_permissions_set (&permissions, LK_CATEGORY_INFERENCE, LK_ACCESS_READ | LK_ACCESS_WRITE); break;
        default: lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ); break;
        }

      random_uuid (self, id);
      random_uuid (self, client_id);
      key = sim_key_new (id, name, client_id, generated_owners[serial % 6],
                         now - (gint64) (serial % 700) * SECONDS_PER_DAY - serial % 86400,
                         now + (gint64) (2 + serial * 37 % 299) * SECONDS_PER_DAY,
                         &permissions);
      for (guint b = 0; b < DIGEST_LENGTH; b += 4)
        {
          guint32 r = g_rand_int (self->rand);
          memcpy (key->secret_digest + b, &r, 4);
        }
      g_ptr_array_add (self->keys, key);
      index_key (self, key);
    }
  g_ptr_array_sort (self->keys, compare_keys);
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

  g_hash_table_destroy (self->keys_by_id);
  g_hash_table_destroy (self->keys_by_name);
  g_hash_table_destroy (self->keys_by_client);
  g_ptr_array_free (self->keys, TRUE);
  g_hash_table_destroy (self->tokens);
  g_hash_table_destroy (self->idempotent);
  g_ptr_array_free (self->faults, TRUE);
  g_hash_table_destroy (self->counts);
  g_ptr_array_free (self->delayed, TRUE);
  g_ptr_array_free (self->held_streams, TRUE);
  g_free (self->admin_client_id);
  lk_secret_free (self->admin_client_secret);
  g_free (self->base_url);
  g_rand_free (self->rand);

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
  self->rand = g_rand_new ();
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->keys_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys_by_client = g_hash_table_new (g_str_hash, g_str_equal);
  self->next_expiry = G_MAXINT64;
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal,
                                        (GDestroyNotify) lk_secret_free, sim_token_free);
  self->token_lifetime = LK_WIRE_DEFAULT_TOKEN_LIFETIME;
  self->idempotent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sim_idempotent_free);
  self->faults = g_ptr_array_new_with_free_func (sim_fault_rule_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sim_count_free);
  self->delayed = g_ptr_array_new_with_free_func (sim_delayed_free);
  self->held_streams = g_ptr_array_new_with_free_func (g_object_unref);
}

LkSimulator *
lk_simulator_new (void)
{
  LkSimulator *self = g_object_new (LK_TYPE_SIMULATOR, NULL);
  LkPermissions all;
  gint64 now = lk_simulator_get_now (self);
  SimKey *admin;

  lk_permissions_set_all (&all);
  self->admin_client_secret = random_secret (self);
  admin = add_key (self, ADMIN_KEY_NAME, ADMIN_KEY_OWNER,
                   now - 400 * SECONDS_PER_DAY, now + 365 * SECONDS_PER_DAY,
                   &all, self->admin_client_secret);
  self->admin_client_id = g_strdup (admin->client_id);

  return self;
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
  SimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (out_client_secret != NULL)
    *out_client_secret = NULL;

  purge_expired (self);
  if (g_hash_table_contains (self->keys_by_name, name))
    return NULL;

  now = lk_simulator_get_now (self);
  if (permissions != NULL)
    effective = *permissions;
  if (lk_permissions_is_empty (&effective))
    lk_permissions_set_all (&effective);
  if (expires_at == 0)
    expires_at = now + DEFAULT_ADD_KEY_DAYS * SECONDS_PER_DAY;

  secret = random_secret (self);
  key = add_key (self, name, ADMIN_KEY_OWNER, now, expires_at, &effective, secret);
  if (out_client_secret != NULL)
    *out_client_secret = g_steal_pointer (&secret);

  return sim_key_to_api_key (key);
}

gboolean
lk_simulator_remove_key (LkSimulator *self,
                         const char  *key_id)
{
  SimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), FALSE);
  g_return_val_if_fail (key_id != NULL, FALSE);

  key = lookup_live_key (self, key_id);
  if (key == NULL)
    return FALSE;

  delete_key (self, key);
  g_free (key);
  return TRUE;
}

LkApiKey *
lk_simulator_lookup_key (LkSimulator *self,
                         const char  *key_id)
{
  SimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (key_id != NULL, NULL);

  key = lookup_live_key (self, key_id);
  return key != NULL ? sim_key_to_api_key (key) : NULL;
}

LkApiKey *
lk_simulator_find_key_by_name (LkSimulator *self,
                               const char  *name)
{
  SimKey *key;

  g_return_val_if_fail (LK_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  purge_expired (self);
  key = g_hash_table_lookup (self->keys_by_name, name);
  return key != NULL ? sim_key_to_api_key (key) : NULL;
}

guint
lk_simulator_get_n_keys (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  purge_expired (self);
  return self->keys->len;
}

void
lk_simulator_set_now (LkSimulator *self,
                      gint64       now)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  self->now = now;
}

gint64
lk_simulator_get_now (LkSimulator *self)
{
  g_return_val_if_fail (LK_IS_SIMULATOR (self), 0);

  return self->now != 0 ? self->now : lk_time_now ();
}

void
lk_simulator_set_token_lifetime (LkSimulator *self,
                                 guint        seconds)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  self->token_lifetime = seconds;
}

void
lk_simulator_revoke_tokens (LkSimulator *self)
{
  g_return_if_fail (LK_IS_SIMULATOR (self));

  g_hash_table_remove_all (self->tokens);
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
