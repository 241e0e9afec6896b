/* lk-keyring-private.h: what the credential stores share
 *
 * The two schemas and the attribute sets that fit them, and the errors a
 * person reads: one copy for the base class (which builds the attribute
 * sets of its typed API) and for both implementations (which check them,
 * and in the memory store's case, match them the way the keyring does).
 * Internal to src/core/keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
/* The build defines SECRET_WITH_UNSTABLE, which makes libsecret 0.20 warn
 * unless this is acknowledged.  Of the unstable API, only the D-Bus path
 * calls (secret-paths.h) are used, by lk-secret-store-items.c. */
#ifndef SECRET_API_SUBJECT_TO_CHANGE
#define SECRET_API_SUBJECT_TO_CHANGE
#endif
#include <libsecret/secret.h>

#include "lk-credential-store.h"
#include "lk-error.h"

G_BEGIN_DECLS

/* The libsecret schema of @kind: its name, its flags (whether a search
 * matches on the name) and its attribute names. */
const SecretSchema *lk_keyring_schema              (LkSchemaKind  kind);

/* An attribute set: GHashTable char* -> char*, both owned. */
GHashTable         *lk_keyring_attributes_new      (void);
void                lk_keyring_attributes_add      (GHashTable   *attributes,
                                                    const char   *name,
                                                    const char   *value);
GHashTable         *lk_keyring_attributes_copy     (GHashTable   *attributes);

/* Whether @attributes may be handed to the keyring for @kind: only
 * attributes of its schema, none of them empty; every one of them when
 * @all_required (a store), at least one otherwise (a search or a clear:
 * an empty set would match every item of the keyring). */
gboolean            lk_keyring_attributes_fit      (LkSchemaKind  kind,
                                                    GHashTable   *attributes,
                                                    gboolean      all_required);

/* The attributes of @kind's schema that @attributes has, or NULL when one
 * of them is missing or empty. */
GHashTable         *lk_keyring_attributes_pick     (LkSchemaKind  kind,
                                                    GHashTable   *attributes);

/* The same names with the same values. */
gboolean            lk_keyring_attributes_equal    (GHashTable   *a,
                                                    GHashTable   *b);

/* Whether a search for @query of @query_kind finds an item of @item_kind
 * with @item_attributes, as the Secret Service decides it: every attribute
 * of the query, with the same value, and the same schema unless the
 * query's schema does not match on its name. */
gboolean            lk_keyring_item_matches        (LkSchemaKind  query_kind,
                                                    GHashTable   *query,
                                                    LkSchemaKind  item_kind,
                                                    GHashTable   *item_attributes);

/* An LK_STORE_ERROR of @code with the sentence a person reads for it. */
GError             *lk_keyring_error_new           (LkStoreError  code);

G_END_DECLS
