/* lk-key-health.h: what makes a key need attention
 *
 * A key's health is a set of flags, worked out from the key alone (and
 * the clock, lk_time_now()):
 *   EXPIRES_SOON      it expires within the warning window (or expired);
 *   ALL_PERMISSIONS   it may do everything: all permissions chosen, or
 *                     none (which the platform turns into all);
 *   LONG_LIFETIME     it lives more than LK_KEY_HEALTH_MAX_LIFETIME_DAYS
 *                     from creation to expiry;
 *   SECRET_ELSEWHERE  its secret is on no computer the app knows of (not
 *                     in this computer's keyring): for information only.
 * The first three make a key "need attention" (LK_KEY_HEALTH_ATTENTION).
 *
 * And the keyring's side: a stale item is a secret stored here for a key
 * ID that the platform no longer lists.  It opens nothing; the user may
 * remove it (lk_credential_store_forget_key_async(), exactly that key ID).
 *
 * No GTK here: the list draws the marks (src/ui/keys/table), the tests
 * check them against a prepared tenant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-types.h"

G_BEGIN_DECLS

typedef enum {
  LK_KEY_HEALTH_OK               = 0,
  LK_KEY_HEALTH_EXPIRES_SOON     = 1 << 0,
  LK_KEY_HEALTH_ALL_PERMISSIONS  = 1 << 1,
  LK_KEY_HEALTH_LONG_LIFETIME    = 1 << 2,
  LK_KEY_HEALTH_SECRET_ELSEWHERE = 1 << 3,
} LkKeyHealth;

/* The flags that make a key need attention (the informational one aside). */
#define LK_KEY_HEALTH_ATTENTION (LK_KEY_HEALTH_EXPIRES_SOON | \
                                 LK_KEY_HEALTH_ALL_PERMISSIONS | \
                                 LK_KEY_HEALTH_LONG_LIFETIME)

/* A key living longer than this, from creation to expiry, is flagged. */
#define LK_KEY_HEALTH_MAX_LIFETIME_DAYS 90

/* The flags of @key now (lk_time_now()), warning of an expiry within
 * @warning_days calendar days. */
LkKeyHealth  lk_key_health_check     (LkApiKey    *key,
                                      guint        warning_days);
/* Whether @key needs attention (any of LK_KEY_HEALTH_ATTENTION). */
gboolean     lk_key_health_needs_attention (LkApiKey *key,
                                            guint     warning_days);
/* Why, in sentences a person reads (tooltip, screen reader), one per
 * flag, in the order of the flags; NULL for LK_KEY_HEALTH_OK. */
char        *lk_key_health_describe  (LkKeyHealth  health,
                                      guint        warning_days);

/* ---- Stale keyring items ---- */

typedef struct {
  char *key_id;
  char *name;      /* as stored with the item; may be NULL */
} LkStaleItem;

void         lk_stale_item_free      (LkStaleItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkStaleItem, lk_stale_item_free)

/* The key IDs of @stored (a set, as lk_credential_store_find_keys_finish()
 * returns) that no key of @keys (a GListModel of LkApiKey, a complete
 * list) has, sorted: a GPtrArray of char*. */
GPtrArray   *lk_key_health_stale_ids (GHashTable  *stored,
                                      GListModel  *keys);

/* Searches @store for @platform_id's API-key items, and returns those
 * whose key ID @keys (a complete list) lacks: a GPtrArray of LkStaleItem,
 * sorted by name then key ID.  One item per key ID.  Nothing secret is
 * read. */
void         lk_key_health_find_stale_async  (LkCredentialStore   *store,
                                              const char          *platform_id,
                                              GListModel          *keys,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray   *lk_key_health_find_stale_finish (LkCredentialStore   *store,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
