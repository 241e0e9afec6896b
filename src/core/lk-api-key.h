/* lk-api-key.h: one API key of the tenant, as the platform describes it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "lk-permissions.h"
#include "lk-types.h"
#include "lk-secret.h"

G_BEGIN_DECLS

#define LK_TYPE_API_KEY (lk_api_key_get_type ())
G_DECLARE_FINAL_TYPE (LkApiKey, lk_api_key, LK, API_KEY, GObject)

/* Properties (all readable; the platform's fields are construct-only):
 *   "id"                 string
 *   "name"               string
 *   "client-id"          string
 *   "created-by"         string (may be NULL)
 *   "created-at"         int64, Unix seconds, 0 = unknown
 *   "expires-at"         int64, Unix seconds, 0 = never/unknown
 *   "permissions"        LkPermissions (boxed)
 *   "days-until-expiry"  int, computed from lk_time_now(); G_MAXINT if no expiry
 *   "has-local-secret"   boolean, read-write: its secret is in this computer's keyring
 * No key ever holds a client secret: that travels in LkCreatedKey only. */

LkApiKey            *lk_api_key_new                  (const char          *id,
                                                      const char          *name,
                                                      const char          *client_id,
                                                      const char          *created_by,
                                                      gint64               created_at,
                                                      gint64               expires_at,
                                                      const LkPermissions *permissions);
const char          *lk_api_key_get_id               (LkApiKey *self);
const char          *lk_api_key_get_name             (LkApiKey *self);
/* What lists sort names by: the name case-folded, as a collation key
 * (compare with strcmp; g_utf8_collate_key() of g_utf8_casefold()).
 * lk_api_key_new() makes it with the key; a key made with g_object_new()
 * makes it on first use, in the thread that first asks, and keeps it. */
const char          *lk_api_key_get_name_sort_key    (LkApiKey *self);
const char          *lk_api_key_get_client_id        (LkApiKey *self);
const char          *lk_api_key_get_created_by       (LkApiKey *self);
const char          *lk_api_key_get_tenant_id        (LkApiKey *self);
void                 lk_api_key_set_tenant_id        (LkApiKey   *self,
                                                      const char *tenant_id);
gint64               lk_api_key_get_created_at       (LkApiKey *self);
gint64               lk_api_key_get_expires_at       (LkApiKey *self);
const LkPermissions *lk_api_key_get_permissions      (LkApiKey *self);
int                  lk_api_key_get_days_until_expiry(LkApiKey *self);
gboolean             lk_api_key_get_has_local_secret (LkApiKey *self);
void                 lk_api_key_set_has_local_secret (LkApiKey *self,
                                                      gboolean  has_local_secret);

/* The reply to a create: the key, plus its client secret, the only copy
 * there will ever be.  The secret is wiped when the struct is freed. */
struct _LkCreatedKey {
  LkApiKey *key;
  char     *client_secret;   /* wiped on free; never logged */
  gboolean  stored;          /* TRUE once it is in the credential store */
  char     *store_label;     /* label of the keyring item when stored */
  GError   *store_error;     /* why it is not stored, when not */
};

#define LK_TYPE_CREATED_KEY (lk_created_key_get_type ())
GType         lk_created_key_get_type (void) G_GNUC_CONST;
LkCreatedKey *lk_created_key_new      (LkApiKey           *key,
                                       const char         *client_secret);
LkCreatedKey *lk_created_key_ref      (LkCreatedKey       *self);
void          lk_created_key_unref    (LkCreatedKey       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkCreatedKey, lk_created_key_unref)

G_END_DECLS
