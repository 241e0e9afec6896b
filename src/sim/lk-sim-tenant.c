/* lk-sim-tenant.c: the simulated tenant's state
 *
 * Storage is shaped for large tenants: each key is one allocation (the
 * strings sit behind the fixed part), keys live in one array sorted by
 * (created_at, id), so a page is a slice of it, and expired keys are
 * purged as the platform deletes them, so the array is always the list.
 * Secrets are never kept: only their SHA-256 digests.  The seed data is
 * in lk-sim-seed.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sim-tenant"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include "lk-secret.h"
#include "lk-sim-reply.h"
#include "lk-sim-tenant-private.h"
#include "lk-time.h"
#include "lk-wire.h"

#define IDEMPOTENCY_WINDOW     LK_SIM_SECONDS_PER_DAY

typedef struct {
  char   *key_id;
  gint64  expires_at;
} SimToken;

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
  LkSimIdempotent *record = data;

  lk_secret_free_sized (record->body, record->length);
  g_free (record->location);
  g_free (record);
}

static void
digest_of (const char *data,
           gsize       length,
           guint8      out[LK_SIM_DIGEST_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize out_length = LK_SIM_DIGEST_LENGTH;

  g_checksum_update (checksum, (const guchar *) data, length);
  g_checksum_get_digest (checksum, out, &out_length);
}

/* In constant time. */
gboolean
lk_sim_digest_equal (const guint8 *a,
                     const guint8 *b)
{
  guint8 diff = 0;

  for (guint i = 0; i < LK_SIM_DIGEST_LENGTH; i++)
    diff |= a[i] ^ b[i];

  return diff == 0;
}

/* Random */

/* Bytes for tokens and secrets come from the kernel's CSPRNG; the GRand
 * (seeded from /dev/urandom too) only makes identifiers. */
static void
random_bytes (LkSimTenant *self,
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
random_hex (LkSimTenant *self,
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
  lk_secret_wipe (bytes, n_bytes);

  return out;
}

/* A UUID-shaped identifier (version 4 layout). */
void
lk_sim_tenant_make_uuid (LkSimTenant *self,
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
char *
lk_sim_tenant_new_secret (LkSimTenant *self)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  guint8 bytes[64];
  char *out;
  guint n = 0;

  g_assert (self != NULL);

  out = g_malloc (49);
  while (n < 48)
    {
      random_bytes (self, bytes, sizeof bytes);
      /* 62 * 4 = 248: rejecting 248..255 keeps every character equally likely */
      for (guint i = 0; i < sizeof bytes && n < 48; i++)
        if (bytes[i] < 248)
          out[n++] = alphabet[bytes[i] % 62];
    }
  out[48] = '\0';
  lk_secret_wipe (bytes, sizeof bytes);

  return out;
}

/* Clock */

void
lk_sim_tenant_set_now (LkSimTenant *self,
                       gint64       now)
{
  g_assert (self != NULL);

  self->now = now;
}

gint64
lk_sim_tenant_get_now (LkSimTenant *self)
{
  g_assert (self != NULL);

  return self->now != 0 ? self->now : lk_time_now ();
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

int
lk_sim_key_compare (gconstpointer a,
                    gconstpointer b)
{
  const LkSimKey *ka = *(LkSimKey * const *) a;
  const LkSimKey *kb = *(LkSimKey * const *) b;

  return compare_order (ka->created_at, ka->id, kb->created_at, kb->id);
}

/* The first index whose key sorts at or after @key. */
static guint
lower_bound (LkSimTenant    *self,
             const LkSimKey *key)
{
  guint lo = 0, hi = self->keys->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const LkSimKey *other = g_ptr_array_index (self->keys, mid);

      if (compare_order (other->created_at, other->id, key->created_at, key->id) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

LkSimKey *
lk_sim_key_new (const char          *id,
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
  LkSimKey *key = g_malloc (sizeof (LkSimKey) + id_len + name_len + client_len);

  memcpy (key->id, id, id_len);
  memcpy (key->id + id_len, name, name_len);
  memcpy (key->id + id_len + name_len, client_id, client_len);
  key->name = key->id + id_len;
  key->client_id = key->id + id_len + name_len;
  key->created_by = created_by != NULL ? g_intern_string (created_by) : NULL;
  key->created_at = created_at;
  key->expires_at = expires_at;
  key->permissions = *permissions;
  memset (key->secret_digest, 0, LK_SIM_DIGEST_LENGTH);

  return key;
}

LkApiKey *
lk_sim_key_to_api_key (const LkSimKey *key)
{
  g_assert (key != NULL);

  return lk_api_key_new (key->id, key->name, key->client_id, key->created_by,
                         key->created_at, key->expires_at, &key->permissions);
}

void
lk_sim_tenant_index_key (LkSimTenant *self,
                         LkSimKey    *key)
{
  g_hash_table_insert (self->keys_by_id, key->id, key);
  g_hash_table_insert (self->keys_by_name, (char *) key->name, key);
  g_hash_table_insert (self->keys_by_client, (char *) key->client_id, key);
  self->next_expiry = MIN (self->next_expiry, key->expires_at);
}

static void
unindex_key (LkSimTenant *self,
             LkSimKey    *key)
{
  g_hash_table_remove (self->keys_by_id, key->id);
  g_hash_table_remove (self->keys_by_name, key->name);
  g_hash_table_remove (self->keys_by_client, key->client_id);
}

/* Expired keys are deleted, as the platform does.  Cheap when nothing
 * expired since the last call. */
static void
purge_expired (LkSimTenant *self)
{
  gint64 now = lk_sim_tenant_get_now (self);
  guint kept = 0;

  if (now < self->next_expiry)
    return;

  self->next_expiry = G_MAXINT64;
  for (guint i = 0; i < self->keys->len; i++)
    {
      LkSimKey *key = g_ptr_array_index (self->keys, i);

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

LkSimKey *
lk_sim_tenant_add_key (LkSimTenant         *self,
                       const char          *name,
                       const char          *created_by,
                       gint64               created_at,
                       gint64               expires_at,
                       const LkPermissions *permissions,
                       const char          *secret)
{
  char id[37], client_id[37];
  LkSimKey *key;

  g_assert (self != NULL);
  g_assert (name != NULL && permissions != NULL);

  lk_sim_tenant_make_uuid (self, id);
  lk_sim_tenant_make_uuid (self, client_id);
  key = lk_sim_key_new (id, name, client_id, created_by, created_at, expires_at, permissions);
  if (secret != NULL)
    digest_of (secret, strlen (secret), key->secret_digest);
  else
    for (guint i = 0; i < LK_SIM_DIGEST_LENGTH; i++)
      key->secret_digest[i] = g_rand_int (self->rand) & 0xff;

  g_ptr_array_insert (self->keys, lower_bound (self, key), key);
  lk_sim_tenant_index_key (self, key);
  return key;
}

LkSimKey *
lk_sim_tenant_lookup_key (LkSimTenant *self,
                          const char  *id)
{
  g_assert (self != NULL);

  purge_expired (self);
  return g_hash_table_lookup (self->keys_by_id, id);
}

LkSimKey *
lk_sim_tenant_find_key_by_name (LkSimTenant *self,
                                const char  *name)
{
  g_assert (self != NULL);

  purge_expired (self);
  return g_hash_table_lookup (self->keys_by_name, name);
}

LkSimKey *
lk_sim_tenant_authenticate (LkSimTenant *self,
                            const char  *client_id,
                            const char  *secret)
{
  guint8 digest[LK_SIM_DIGEST_LENGTH];
  LkSimKey *key;

  g_assert (self != NULL);
  g_assert (client_id != NULL && secret != NULL);

  purge_expired (self);
  key = g_hash_table_lookup (self->keys_by_client, client_id);
  digest_of (secret, strlen (secret), digest);
  if (key != NULL && !lk_sim_digest_equal (digest, key->secret_digest))
    key = NULL;

  return key;
}

void
lk_sim_tenant_delete_key (LkSimTenant *self,
                          LkSimKey    *key)
{
  guint index;

  g_assert (self != NULL && key != NULL);

  index = lower_bound (self, key);
  g_assert (index < self->keys->len && g_ptr_array_index (self->keys, index) == key);
  unindex_key (self, key);
  g_ptr_array_steal_index (self->keys, index);
  g_free (key);
}

guint
lk_sim_tenant_get_n_keys (LkSimTenant *self)
{
  g_assert (self != NULL);

  purge_expired (self);
  return self->keys->len;
}

const LkSimKey *
lk_sim_tenant_get_key (LkSimTenant *self,
                       guint        index)
{
  g_assert (self != NULL);
  g_assert (index < self->keys->len);

  return g_ptr_array_index (self->keys, index);
}

/* Tokens */

void
lk_sim_tenant_set_token_lifetime (LkSimTenant *self,
                                  guint        seconds)
{
  g_assert (self != NULL);

  self->token_lifetime = seconds;
}

guint
lk_sim_tenant_get_token_lifetime (LkSimTenant *self)
{
  g_assert (self != NULL);

  return self->token_lifetime;
}

char *
lk_sim_tenant_issue_token (LkSimTenant    *self,
                           const LkSimKey *key)
{
  char *token;
  SimToken *entry;
  gint64 now;

  g_assert (self != NULL && key != NULL);

  token = random_hex (self, 32);
  entry = g_new0 (SimToken, 1);
  now = lk_sim_tenant_get_now (self);

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

LkSimKey *
lk_sim_tenant_key_for_token (LkSimTenant *self,
                             const char  *token)
{
  SimToken *entry;

  g_assert (self != NULL && token != NULL);

  entry = g_hash_table_lookup (self->tokens, token);
  if (entry == NULL || entry->expires_at <= lk_sim_tenant_get_now (self))
    return NULL;

  return lk_sim_tenant_lookup_key (self, entry->key_id);
}

void
lk_sim_tenant_revoke_tokens (LkSimTenant *self)
{
  g_assert (self != NULL);

  g_hash_table_remove_all (self->tokens);
}

/* Idempotency */

void
lk_sim_tenant_digest_create (const char          *name,
                             gint64               expires_at,
                             const LkPermissions *permissions,
                             guint8               out[LK_SIM_DIGEST_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length = LK_SIM_DIGEST_LENGTH;

  g_checksum_update (checksum, (const guchar *) name, strlen (name) + 1);
  g_checksum_update (checksum, (const guchar *) &expires_at, sizeof expires_at);
  g_checksum_update (checksum, permissions->access, sizeof permissions->access);
  g_checksum_get_digest (checksum, out, &length);
}

LkSimIdempotent *
lk_sim_tenant_lookup_create (LkSimTenant *self,
                             const char  *idempotency_key,
                             gint64       now)
{
  LkSimIdempotent *record;

  g_assert (self != NULL && idempotency_key != NULL);

  record = g_hash_table_lookup (self->idempotent, idempotency_key);
  if (record != NULL && now - record->at >= IDEMPOTENCY_WINDOW)
    {
      g_hash_table_remove (self->idempotent, idempotency_key);
      record = NULL;
    }

  return record;
}

void
lk_sim_tenant_remember_create (LkSimTenant  *self,
                               const char   *idempotency_key,
                               const guint8  request_digest[LK_SIM_DIGEST_LENGTH],
                               gint64        now,
                               const char   *body,
                               gsize         length,
                               const char   *location)
{
  LkSimIdempotent *record;

  g_assert (self != NULL && idempotency_key != NULL);

  record = g_new0 (LkSimIdempotent, 1);
  memcpy (record->request_digest, request_digest, LK_SIM_DIGEST_LENGTH);
  record->at = now;
  record->body = g_memdup2 (body, length);
  record->length = length;
  record->location = g_strdup (location);
  g_hash_table_insert (self->idempotent, g_strdup (idempotency_key), record);
}

/* Life */

LkSimTenant *
lk_sim_tenant_new (void)
{
  LkSimTenant *self = g_new0 (LkSimTenant, 1);

  self->rand = g_rand_new ();
  self->id = g_uuid_string_random ();
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->keys_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys_by_client = g_hash_table_new (g_str_hash, g_str_equal);
  self->next_expiry = G_MAXINT64;
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal,
                                        (GDestroyNotify) lk_secret_free, sim_token_free);
  self->token_lifetime = LK_WIRE_DEFAULT_TOKEN_LIFETIME;
  self->idempotent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sim_idempotent_free);

  return self;
}

void
lk_sim_tenant_free (LkSimTenant *self)
{
  if (self == NULL)
    return;

  g_hash_table_destroy (self->keys_by_id);
  g_hash_table_destroy (self->keys_by_name);
  g_hash_table_destroy (self->keys_by_client);
  g_ptr_array_free (self->keys, TRUE);
  g_hash_table_destroy (self->tokens);
  g_hash_table_destroy (self->idempotent);
  g_rand_free (self->rand);
  g_free (self->id);
  g_free (self);
}

const char *
lk_sim_tenant_get_id (LkSimTenant *self)
{
  g_assert (self != NULL);

  return self->id;
}
