/* lk-sim-tenant.h: the simulated tenant's state
 *
 * The keys of one tenant, the tokens issued to them, the creates
 * remembered for their Idempotency-Key, and the clock they expire by.  No
 * HTTP here: the handlers (lk-sim-handlers.c) read and change a tenant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "lk-api-key.h"
#include "lk-permissions.h"

G_BEGIN_DECLS

#define LK_SIM_DIGEST_LENGTH 32
#define LK_SIM_SECONDS_PER_DAY (G_GINT64_CONSTANT (24) * 60 * 60)

typedef struct _LkSimTenant LkSimTenant;

/* One key of the tenant.  Read-only outside lk-sim-tenant.c.  The id, name
 * and client ID are stored after the struct, in one allocation. */
typedef struct {
  gint64         created_at;
  gint64         expires_at;
  const char    *created_by;   /* interned, may be NULL */
  const char    *name;         /* points into id */
  const char    *client_id;    /* points into id */
  LkPermissions  permissions;
  guint8         secret_digest[LK_SIM_DIGEST_LENGTH];
  char           id[];         /* id, then name, then client ID */
} LkSimKey;

/* A successful create, remembered for its Idempotency-Key. */
typedef struct {
  guint8  request_digest[LK_SIM_DIGEST_LENGTH];
  gint64  at;
  char   *body;      /* holds the client secret: wiped on free */
  gsize   length;
  char   *location;
} LkSimIdempotent;

LkSimTenant     *lk_sim_tenant_new               (void);
void             lk_sim_tenant_free              (LkSimTenant         *self);
/* The tenant's ID, as whoami gives it. */
const char      *lk_sim_tenant_get_id            (LkSimTenant         *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkSimTenant, lk_sim_tenant_free)

/* The tenant's clock (Unix seconds); 0 = real time. */
void             lk_sim_tenant_set_now           (LkSimTenant         *self,
                                                  gint64               now);
gint64           lk_sim_tenant_get_now           (LkSimTenant         *self);

/* Keys.  Expired keys are deleted first, as the platform does, so every
 * key a lookup returns is live. */
LkSimKey        *lk_sim_tenant_add_key           (LkSimTenant         *self,
                                                  const char          *name,
                                                  const char          *created_by,
                                                  gint64               created_at,
                                                  gint64               expires_at,
                                                  const LkPermissions *permissions,
                                                  const char          *secret /* nullable */);
LkSimKey        *lk_sim_tenant_lookup_key        (LkSimTenant         *self,
                                                  const char          *id);
LkSimKey        *lk_sim_tenant_find_key_by_name  (LkSimTenant         *self,
                                                  const char          *name);
/* The key with this client ID and secret, or NULL. */
LkSimKey        *lk_sim_tenant_authenticate      (LkSimTenant         *self,
                                                  const char          *client_id,
                                                  const char          *secret);
void             lk_sim_tenant_delete_key        (LkSimTenant         *self,
                                                  LkSimKey            *key);
/* Keys in list order: by creation time, then id. */
guint            lk_sim_tenant_get_n_keys        (LkSimTenant         *self);
const LkSimKey  *lk_sim_tenant_get_key           (LkSimTenant         *self,
                                                  guint                index);
LkApiKey        *lk_sim_key_to_api_key           (const LkSimKey      *key);

/* A realistic tenant: a few dozen keys, plus @n_extra generated ones. */
void             lk_sim_tenant_seed              (LkSimTenant         *self,
                                                  guint                n_extra);

/* A new client secret: 48 characters of [A-Za-z0-9].  Free it with
 * lk_secret_free(). */
char            *lk_sim_tenant_new_secret        (LkSimTenant         *self);

/* Tokens */
void             lk_sim_tenant_set_token_lifetime (LkSimTenant        *self,
                                                  guint                seconds);
guint            lk_sim_tenant_get_token_lifetime (LkSimTenant        *self);
/* Free the token with lk_secret_free(). */
char            *lk_sim_tenant_issue_token       (LkSimTenant         *self,
                                                  const LkSimKey      *key);
/* The live key a live token was issued to, or NULL. */
LkSimKey        *lk_sim_tenant_key_for_token     (LkSimTenant         *self,
                                                  const char          *token);
void             lk_sim_tenant_revoke_tokens     (LkSimTenant         *self);

/* Idempotency */
void             lk_sim_tenant_digest_create     (const char          *name,
                                                  gint64               expires_at,
                                                  const LkPermissions *permissions,
                                                  guint8               out[LK_SIM_DIGEST_LENGTH]);
/* The create remembered for @idempotency_key within the last day, or NULL
 * (an older one is forgotten). */
LkSimIdempotent *lk_sim_tenant_lookup_create     (LkSimTenant         *self,
                                                  const char          *idempotency_key,
                                                  gint64               now);
void             lk_sim_tenant_remember_create   (LkSimTenant         *self,
                                                  const char          *idempotency_key,
                                                  const guint8         request_digest[LK_SIM_DIGEST_LENGTH],
                                                  gint64               now,
                                                  const char          *body,
                                                  gsize                length,
                                                  const char          *location);
gboolean         lk_sim_digest_equal             (const guint8        *a,
                                                  const guint8        *b);

G_END_DECLS
