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

/* The account attributes that bind a sign-in to its platform, besides
 * "platform" (the API URL) and "client-id". */
#define LK_ACCOUNT_ATTRIBUTE_TOKEN_URL "token-url"
#define LK_ACCOUNT_ATTRIBUTE_CA_SHA256 "ca-sha256"
#define LK_ACCOUNT_NO_CA               "none"

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
 * @all_required (a store; for an account, "platform" and "client-id"
 * with both or neither of the two that bind it to the whole platform), at
 * least one otherwise (a search or a clear: an empty set would match
 * every item of the keyring). */
gboolean            lk_keyring_attributes_fit      (LkSchemaKind  kind,
                                                    GHashTable   *attributes,
                                                    gboolean      all_required);

/* Whether an item may be stored: @attributes fit @kind with all required
 * (lk_keyring_attributes_fit()), with a label and a secret that is not
 * empty. */
gboolean            lk_keyring_store_request_fits  (LkSchemaKind  kind,
                                                    GHashTable   *attributes,
                                                    const char   *label,
                                                    const char   *secret);

/* Whether a search of @kind may be asked with @attributes: as
 * lk_keyring_attributes_fit() (not all required), and for the account
 * schema, which matches on its name, also an empty set (every remembered
 * sign-in, nothing else).  Never for a clear. */
gboolean            lk_keyring_query_fits          (LkSchemaKind  kind,
                                                    GHashTable   *attributes);

/* The attributes of @kind's schema that @attributes has, or NULL when one
 * of them is missing or empty. */
GHashTable         *lk_keyring_attributes_pick     (LkSchemaKind  kind,
                                                    GHashTable   *attributes);

/* The same names with the same values. */
gboolean            lk_keyring_attributes_equal    (GHashTable   *a,
                                                    GHashTable   *b);

/* Whether a search for @query of @query_kind finds an item of @item_kind
 * with @item_attributes and keeps it, as the Secret Service store does:
 * every attribute of the query, with the same value, and (since all its
 * items are ours, under their schema) the same schema. */
gboolean            lk_keyring_item_matches        (LkSchemaKind  query_kind,
                                                    GHashTable   *query,
                                                    LkSchemaKind  item_kind,
                                                    GHashTable   *item_attributes);

/* Whether an item that a search of @kind found, with @attributes as the
 * service gives them (xdg:schema included), is ours to read, mark or
 * remove: an item of @kind's schema; or, for API keys, one stored by hand
 * (secret-tool's org.freedesktop.Secret.Generic, or no schema) whose
 * attributes are exactly the documented five.  An item that merely
 * shares a key-id or a platform is another program's. */
gboolean            lk_keyring_item_is_ours        (LkSchemaKind  kind,
                                                    GHashTable   *attributes);

/* The same attributes, xdg:schema aside. */
gboolean            lk_keyring_attributes_equal_but_schema (GHashTable *a,
                                                            GHashTable *b);

/* An LK_STORE_ERROR of @code with the sentence a person reads for it. */
GError             *lk_keyring_error_new           (LkStoreError  code);

G_END_DECLS
