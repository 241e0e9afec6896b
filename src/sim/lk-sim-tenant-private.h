/* lk-sim-tenant-private.h: the tenant's storage, for its own files
 *
 * lk-sim-tenant.c keeps the keys, tokens and idempotency store;
 * lk-sim-seed.c fills a tenant with seed data through the same storage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-sim-tenant.h"

G_BEGIN_DECLS

struct _LkSimTenant
{
  GRand       *rand;
  char        *id;            /* whoami's "tenant_id" */
  GPtrArray   *keys;            /* LkSimKey, sorted by (created_at, id); owns */
  GHashTable  *keys_by_id;      /* id -> LkSimKey */
  GHashTable  *keys_by_name;    /* name -> LkSimKey */
  GHashTable  *keys_by_client;  /* client ID -> LkSimKey */
  gint64       next_expiry;     /* earliest expires_at of any key */
  guint        serial;          /* for generated names */

  GHashTable  *tokens;          /* token -> SimToken */
  guint        token_lifetime;
  GHashTable  *idempotent;      /* Idempotency-Key -> LkSimIdempotent */

  gint64       now;             /* 0 = real time */
};

/* One allocation holding the key and its strings; not yet in a tenant. */
LkSimKey *lk_sim_key_new           (const char          *id,
                                    const char          *name,
                                    const char          *client_id,
                                    const char          *created_by,
                                    gint64               created_at,
                                    gint64               expires_at,
                                    const LkPermissions *permissions);
/* List order: by creation time, then id (for g_ptr_array_sort()). */
int       lk_sim_key_compare       (gconstpointer        a,
                                    gconstpointer        b);
void      lk_sim_tenant_make_uuid  (LkSimTenant         *self,
                                    char                 out[37]);
/* Adds @key to the lookup tables (not to the sorted array). */
void      lk_sim_tenant_index_key  (LkSimTenant         *self,
                                    LkSimKey            *key);

G_END_DECLS
