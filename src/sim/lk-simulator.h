/* lk-simulator.h: the platform simulator
 *
 * Serves the contract of docs/platform-api.md from memory on a SoupServer
 * bound to 127.0.0.1, with the same permission checks, validation,
 * idempotency and expiry as the platform.  Fault injection and request
 * counters for tests are a separate, test-only library
 * (faults/lk-simulator-faults.h), built on lk-simulator-hook.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "lk-api-key.h"
#include "lk-permissions.h"
#include "lk-platform.h"

G_BEGIN_DECLS

#define LK_TYPE_SIMULATOR (lk_simulator_get_type ())
G_DECLARE_FINAL_TYPE (LkSimulator, lk_simulator, LK, SIMULATOR, GObject)

/* An empty tenant with one admin key holding all permissions. */
LkSimulator *lk_simulator_new                 (void);
/* Adds a realistic tenant: a few dozen keys with varied names, permissions
 * and expiries, plus @n_extra generated keys (for large-tenant tests). */
void         lk_simulator_seed                (LkSimulator         *self,
                                               guint                n_extra);
/* Listens on 127.0.0.1:@port (0 = any free port).  With @certificate, HTTPS. */
gboolean     lk_simulator_start               (LkSimulator         *self,
                                               guint16              port,
                                               GTlsCertificate     *certificate,
                                               GError             **error);
void         lk_simulator_stop                (LkSimulator         *self);
guint16      lk_simulator_get_port            (LkSimulator         *self);
/* "http://127.0.0.1:PORT" (https with a certificate) */
const char  *lk_simulator_get_base_url        (LkSimulator         *self);
/* base URL + "/oauth2/token" */
char        *lk_simulator_get_token_url       (LkSimulator         *self);
/* A custom LkPlatform pointing at this simulator (no CA file). */
LkPlatform  *lk_simulator_get_platform        (LkSimulator         *self);

const char  *lk_simulator_get_admin_client_id     (LkSimulator     *self);
const char  *lk_simulator_get_admin_client_secret (LkSimulator     *self);
/* Adds a key directly (as if created elsewhere); returns its LkApiKey and
 * secret.  @expires_at 0 = in 90 days. */
LkApiKey    *lk_simulator_add_key             (LkSimulator         *self,
                                               const char          *name,
                                               const LkPermissions *permissions,
                                               gint64               expires_at,
                                               char               **out_client_secret);
/* Removes a key as if deleted elsewhere. */
gboolean     lk_simulator_remove_key          (LkSimulator         *self,
                                               const char          *key_id);
LkApiKey    *lk_simulator_lookup_key          (LkSimulator         *self,
                                               const char          *key_id);
LkApiKey    *lk_simulator_find_key_by_name    (LkSimulator         *self,
                                               const char          *name);
guint        lk_simulator_get_n_keys          (LkSimulator         *self);

/* The simulator's clock (Unix seconds).  Defaults to real time; a fixed
 * value makes expiry deterministic.  0 returns to real time. */
void         lk_simulator_set_now             (LkSimulator         *self,
                                               gint64               now);
gint64       lk_simulator_get_now             (LkSimulator         *self);
/* The tenant's ID, which whoami gives as "tenant_id". */
const char  *lk_simulator_get_tenant_id       (LkSimulator         *self);
/* Lifetime of new tokens in seconds (default 3600). */
void         lk_simulator_set_token_lifetime  (LkSimulator         *self,
                                               guint                seconds);
/* Invalidates every token issued so far. */
void         lk_simulator_revoke_tokens       (LkSimulator         *self);

G_END_DECLS
