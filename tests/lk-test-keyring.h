/* lk-test-keyring.h: the keyring as the store tests see it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
/* The build defines SECRET_WITH_UNSTABLE; see lk-keyring-private.h. */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "lk-credential-store.h"
#include "lk-error.h"

G_BEGIN_DECLS

#define LK_TEST_KEYRING_WAIT_MS 10000   /* the bound: an answer within 10 s */

char              *lk_test_random_id          (const char         *prefix);
/* https://api.XXXXXXXX.example, a new one each time */
char              *lk_test_random_platform    (void);
/* A key that expires on 2027-03-01. */
LkApiKey          *lk_test_make_key           (const char         *id,
                                               const char         *name,
                                               const char         *client_id);

/* FALSE (and the case skipped) outside the private session of
 * build-aux/dev test; otherwise the keyring as lk_test_keyring_fresh()
 * leaves it.  The first call of every case that uses the keyring. */
gboolean           lk_test_need_keyring       (void);
/* The default collection unlocked, and no item left that a case of ours
 * stores (our schemas, our attributes, the "other application" item), so
 * a case does not depend on what ran before it. */
void               lk_test_keyring_fresh      (void);

/* The store's operations, waited for (at most LK_TEST_KEYRING_WAIT_MS). */
char              *lk_test_save_key           (LkCredentialStore  *store,
                                               const char         *platform,
                                               LkApiKey           *key,
                                               const char         *secret,
                                               GError            **error);
LkSecretString    *lk_test_lookup_key         (LkCredentialStore  *store,
                                               const char         *platform,
                                               const char         *key_id,
                                               GError            **error);
GHashTable        *lk_test_find_keys          (LkCredentialStore  *store,
                                               const char         *platform,
                                               GError            **error);
gboolean           lk_test_forget_key         (LkCredentialStore  *store,
                                               const char         *platform,
                                               const char         *key_id,
                                               GError            **error);
/* The admin's sign-in on @platform (an API URL), bound to the platform
 * lk_test_platform_for_id() makes of it. */
LkPlatform        *lk_test_platform_for_id    (const char         *platform);
gboolean           lk_test_remember_account   (LkCredentialStore  *store,
                                               const char         *platform,
                                               const char         *client_id,
                                               const char         *secret,
                                               GError            **error);
LkAccount         *lk_test_find_account       (LkCredentialStore  *store,
                                               const char         *platform,
                                               const char         *client_id,
                                               GError            **error);
/* Every remembered sign-in (GPtrArray of LkRememberedAccount). */
GPtrArray         *lk_test_list_accounts      (LkCredentialStore  *store,
                                               const char         *client_id,
                                               GError            **error);
/* @client_id NULL: every sign-in of @platform. */
gboolean           lk_test_forget_account     (LkCredentialStore  *store,
                                               const char         *platform,
                                               const char         *client_id,
                                               GError            **error);
/* A sign-in as it was remembered before sign-ins were bound to their
 * platform: "platform" and "client-id" alone. */
void               lk_test_remember_unbound   (LkCredentialStore  *store,
                                               const char         *platform,
                                               const char         *client_id,
                                               const char         *secret);

/* The keyring looked at directly, through a libsecret connection of the
 * test's own. */
SecretService     *lk_test_direct_service     (void);
/* Every item (of any schema) whose attribute @name is @value, with secrets. */
GList             *lk_test_direct_search      (const char         *name,
                                               const char         *value);
guint              lk_test_direct_count       (const char         *name,
                                               const char         *value);
/* secret-tool with @input on stdin and the NULL-terminated arguments;
 * its stdout (and stderr when @with_stderr), or NULL when it fails. */
char              *lk_test_secret_tool        (const char         *input,
                                               gboolean            with_stderr,
                                               ...) G_GNUC_NULL_TERMINATED;

/* The default collection's object path and whether it is locked, asked of
 * the service itself. */
gboolean           lk_test_default_collection_locked (GDBusConnection  *connection,
                                                      char            **out_path);
/* Unlocks the default collection with the test keyring's password, without
 * a prompt; nothing when it is unlocked. */
void               lk_test_unlock_keyring     (void);
/* Locks the default collection, as another program or the screen lock would. */
void               lk_test_lock_keyring       (void);

G_END_DECLS
