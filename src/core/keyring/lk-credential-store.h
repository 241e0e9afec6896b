/* lk-credential-store.h: where secrets are kept
 *
 * An abstract store with three implementations: LkSecretStore (the system
 * keyring through libsecret's SecretService API), LkVolatileStore (this
 * process's memory, for the demo where the keyring has no session
 * collection) and LkMemoryStore (tests/, for tests of code that is not
 * about the keyring).  Subclasses implement three
 * generic operations; the typed API below, with its refusal rules, lives in
 * the base class so every implementation obeys it.
 *
 * Two schemas, named under the application ID:
 *   io.github.layerkeys.LayerKeys.ApiKey   key-id, client-id, name, platform, expires
 *   io.github.layerkeys.LayerKeys.Account  platform, client-id
 * Attributes and labels never hold a secret.  Only our items are found,
 * read, marked or removed: items of these schemas, and API keys stored
 * by hand with exactly the five attributes above (and no schema but
 * org.freedesktop.Secret.Generic); never another program's item that
 * merely shares a key-id or a platform.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "lk-api-key.h"
#include "lk-platform.h"
#include "lk-types.h"

G_BEGIN_DECLS

#define LK_SCHEMA_NAME_API_KEY "io.github.layerkeys.LayerKeys.ApiKey"
#define LK_SCHEMA_NAME_ACCOUNT "io.github.layerkeys.LayerKeys.Account"

typedef enum {
  LK_SCHEMA_API_KEY,
  LK_SCHEMA_ACCOUNT,
} LkSchemaKind;

/* One item found by a search. */
typedef struct {
  GHashTable *attributes;   /* char* -> char* */
  char       *label;
  char       *secret;       /* NULL unless asked for; wiped on free */
} LkStoredItem;

void lk_stored_item_free (LkStoredItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkStoredItem, lk_stored_item_free)

/* The remembered admin account. */
struct _LkAccount {
  char *client_id;
  char *client_secret;      /* wiped on free */
};

void lk_account_free (LkAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkAccount, lk_account_free)

#define LK_TYPE_CREDENTIAL_STORE (lk_credential_store_get_type ())
G_DECLARE_DERIVABLE_TYPE (LkCredentialStore, lk_credential_store, LK, CREDENTIAL_STORE, GObject)

struct _LkCredentialStoreClass
{
  GObjectClass parent_class;

  /* Store one item (replacing an item with the same attributes). */
  void       (*store_async)   (LkCredentialStore   *self,
                               LkSchemaKind         schema,
                               GHashTable          *attributes,
                               const char          *label,
                               const char          *secret,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
  gboolean   (*store_finish)  (LkCredentialStore   *self,
                               GAsyncResult        *result,
                               GError             **error);
  /* All items of @schema whose attributes include @attributes, and that
   * are ours (an API key stored by hand counts: see the README).  An
   * empty set is refused, except for the account schema, which matches
   * on its name: then every remembered sign-in. */
  void       (*search_async)  (LkCredentialStore   *self,
                               LkSchemaKind         schema,
                               GHashTable          *attributes,
                               gboolean             with_secrets,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
  GPtrArray *(*search_finish) (LkCredentialStore   *self,
                               GAsyncResult        *result,
                               GError             **error);   /* of LkStoredItem */
  /* Remove every item of @schema that is ours and whose attributes
   * include @attributes (with @exact, are exactly @attributes, xdg:schema
   * aside); returns how many.  Never an item of another program that
   * merely has the attributes. */
  void       (*clear_async)   (LkCredentialStore   *self,
                               LkSchemaKind         schema,
                               GHashTable          *attributes,
                               gboolean             exact,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
  gboolean   (*clear_finish)  (LkCredentialStore   *self,
                               GAsyncResult        *result,
                               guint               *out_removed,
                               GError             **error);

  gpointer padding[8];
};

/* The label an API key's item gets: "HiddenLayer API key “NAME”". */
char       *lk_credential_store_key_label            (const char *name);

/* Saves a new key's secret: one item per key ID and platform (an item of
 * the same key with other details is removed, once the new one is stored).
 * Finish returns the label (g_free). */
void        lk_credential_store_save_key_async       (LkCredentialStore   *self,
                                                      const char          *platform_id,
                                                      LkApiKey            *key,
                                                      const char          *client_secret,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char       *lk_credential_store_save_key_finish      (LkCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* The secret of one key (lk_secret_free), or NULL with
 * LK_STORE_ERROR_NOT_FOUND. */
void        lk_credential_store_lookup_key_async     (LkCredentialStore   *self,
                                                      const char          *platform_id,
                                                      const char          *key_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char       *lk_credential_store_lookup_key_finish    (LkCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* The key IDs of @platform_id whose secrets are stored here, in one search:
 * a set (GHashTable char* -> NULL, g_hash_table_contains). */
void        lk_credential_store_find_keys_async      (LkCredentialStore   *self,
                                                      const char          *platform_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GHashTable *lk_credential_store_find_keys_finish     (LkCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Removes the items of one key, matched by key-id AND platform.  Empty
 * arguments are refused with LK_STORE_ERROR_INVALID before anything is
 * asked of the service.  Finishes TRUE also when there was nothing to
 * remove. */
void        lk_credential_store_forget_key_async     (LkCredentialStore   *self,
                                                      const char          *platform_id,
                                                      const char          *key_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean    lk_credential_store_forget_key_finish    (LkCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Removes the API-key items of every key of @platform_id (ours only):
 * what the demo stored, when it ends.  An empty @platform_id is refused
 * with LK_STORE_ERROR_INVALID.  Finishes TRUE also when there was
 * nothing to remove. */
void        lk_credential_store_forget_platform_keys_async  (LkCredentialStore   *self,
                                                             const char          *platform_id,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean    lk_credential_store_forget_platform_keys_finish (LkCredentialStore   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* ---- The admin's own sign-in ("Remember in keyring") ----
 *
 * A remembered sign-in is bound to its whole platform: its item carries
 * the API URL ("platform"), the token URL ("token-url") and the SHA-256 of
 * the CA file ("ca-sha256", "none" without one), and its secret is handed
 * back only for a platform on which all three are the same.  Sign-ins
 * remembered before they were bound (with "platform" and "client-id"
 * alone) are never used to sign in: the next sign-in replaces them. */

/* Remembers @client_id's sign-in on @platform: one item per API URL and
 * client ID (the items of that pair made for other platform settings, or
 * before sign-ins were bound, are removed once the new one is stored).
 * A CA file that cannot be read fails with LK_CLIENT_ERROR_INVALID_PLATFORM. */
void        lk_credential_store_remember_account_async (LkCredentialStore   *self,
                                                        LkPlatform          *platform,
                                                        const char          *client_id,
                                                        const char          *client_secret,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean    lk_credential_store_remember_account_finish (LkCredentialStore  *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);
/* The sign-in of @client_id remembered for exactly @platform (API URL,
 * token URL and CA), or NULL with
 *   LK_STORE_ERROR_NOT_FOUND         nothing is remembered for @client_id;
 *   LK_STORE_ERROR_PLATFORM_CHANGED  a sign-in is remembered for @client_id,
 *                                    but for other platform settings (or
 *                                    from before sign-ins were bound): the
 *                                    secret goes nowhere; ask the user to
 *                                    sign in again, @client_id filled in;
 *   LK_CLIENT_ERROR_INVALID_PLATFORM the CA file cannot be read. */
void        lk_credential_store_find_account_async   (LkCredentialStore   *self,
                                                      LkPlatform          *platform,
                                                      const char          *client_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
LkAccount  *lk_credential_store_find_account_finish  (LkCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* What the keyring says of one remembered sign-in: nothing secret. */
typedef struct {
  char     *platform_id;    /* the API URL */
  char     *client_id;
  char     *token_url;      /* NULL: remembered before sign-ins were bound */
  gboolean  has_ca;         /* bound to a CA file (which it does not name) */
  char     *label;
} LkRememberedAccount;

void lk_remembered_account_free (LkRememberedAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkRememberedAccount, lk_remembered_account_free)

/* Every sign-in remembered in the keyring (of @client_id only, unless it
 * is NULL): items of the account schema alone, read one by one by their
 * D-Bus paths like every search, never a secret.  One entry per API URL
 * and client ID (a bound item before one remembered before sign-ins were
 * bound), sorted by API URL, then client ID.  Finish returns a
 * GPtrArray of LkRememberedAccount, empty when there are none. */
void        lk_credential_store_list_accounts_async  (LkCredentialStore   *self,
                                                      const char          *client_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray  *lk_credential_store_list_accounts_finish (LkCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Forget: removes the sign-ins of @client_id on @platform_id (bound or
 * not, whatever their token URL and CA); with @client_id NULL, those of
 * every client ID on @platform_id.  Never an API-key item. */
void        lk_credential_store_forget_account_async (LkCredentialStore   *self,
                                                      const char          *platform_id,
                                                      const char          *client_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean    lk_credential_store_forget_account_finish(LkCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* ---- Implementations ---- */

#define LK_TYPE_SECRET_STORE (lk_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (LkSecretStore, lk_secret_store, LK, SECRET_STORE, LkCredentialStore)
/* The system keyring (default collection).  Connects lazily on first use. */
LkCredentialStore *lk_secret_store_new       (void);
/* The same, with a connection of its own rather than libsecret's shared
 * one, so it can run in a thread of its own (with a thread-default main
 * context), and it never asks the desktop to unlock anything: a locked
 * keyring is LK_STORE_ERROR_LOCKED. */
LkCredentialStore *lk_secret_store_new_quiet (void);
/* The demo's keyring: the Secret Service's session collection (in memory,
 * gone at logout), items labelled as demo keys.  Fails with
 * LK_STORE_ERROR_NOT_FOUND where the service has no session collection. */
LkCredentialStore *lk_secret_store_new_demo  (void);

#define LK_TYPE_VOLATILE_STORE (lk_volatile_store_get_type ())
G_DECLARE_DERIVABLE_TYPE (LkVolatileStore, lk_volatile_store, LK, VOLATILE_STORE, LkCredentialStore)

/* A subclass (the tests' store, which can be told to fail or to answer
 * late) overrides the _async vfuncs of LkCredentialStoreClass and chains
 * up; the _finish ones take the answers of both. */
struct _LkVolatileStoreClass
{
  LkCredentialStoreClass parent_class;

  gpointer padding[4];
};

/* This process's memory, nothing else: the demo's store where the Secret
 * Service has no session collection.  Its secrets die with the process. */
LkCredentialStore *lk_volatile_store_new         (void);
/* How many items it holds, of either schema. */
guint              lk_volatile_store_get_n_items (LkVolatileStore *self);

G_END_DECLS
