/* test-store-custody.c: which keyring items are ours, and where a
 * remembered sign-in may go, against the real keyring
 *
 *   - an item another program stored with a key-id and a platform of ours
 *     (secret-tool's "Other app: CI deploy token", key-id=K platform=P
 *     purpose=ci) is not looked up, not counted as a secret on this
 *     computer and not removed, by the store or by the client deleting K;
 *     one stored by hand with exactly the documented attributes is ours;
 *   - a remembered sign-in is bound to its API URL, token URL and CA file:
 *     any of them changed, it is not handed out, and the lookup says the
 *     platform changed; one remembered before sign-ins were bound is not
 *     handed out either.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-simulator.h"
#include "lk-test-keyring.h"
#include "lk-test-util.h"
#include "lk-time.h"

#define WAIT_MS 30000

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static gboolean
need_keyring (void)
{
  if (lk_test_have_secret_service ())
    return TRUE;

  g_test_skip ("needs the private session of build-aux/dev (keyring)");
  return FALSE;
}

static char *
random_id (const char *prefix)
{
  return g_strdup_printf ("%s%08x", prefix, g_random_int ());
}

/* Runs secret-tool store with @secret on stdin. */
static void
secret_tool_store (const char *secret,
                   ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (char *) "timeout");
  g_ptr_array_add (argv, (char *) "20");
  g_ptr_array_add (argv, (char *) "secret-tool");
  g_ptr_array_add (argv, (char *) "store");
  va_start (args, secret);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, secret, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
}

/* Every item of the keyring with attribute @name = @value, any schema. */
static GList *
direct_search (const char *name,
               const char *value)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                                     NULL, &error);
  g_assert_no_error (error);
  g_hash_table_insert (attributes, (char *) name, (char *) value);
  items = secret_service_search_sync (service, NULL, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, NULL, &error);
  g_assert_no_error (error);
  return items;
}

/* How many items have @name = @value and, when not NULL, the label @label. */
static guint
direct_count (const char *name,
              const char *value,
              const char *label)
{
  GList *items = direct_search (name, value);
  guint n = 0;

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autofree char *item_label = secret_item_get_label (l->data);

      if (label == NULL || g_strcmp0 (item_label, label) == 0)
        n++;
    }

  g_list_free_full (items, g_object_unref);
  return n;
}

static void
direct_clear (const char *name,
              const char *value)
{
  GList *items = direct_search (name, value);

  for (GList *l = items; l != NULL; l = l->next)
    g_assert_true (secret_item_delete_sync (l->data, NULL, NULL));
  g_list_free_full (items, g_object_unref);
}

static char *
lookup_key (LkCredentialStore  *store,
            const char         *platform,
            const char         *key_id,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_credential_store_lookup_key_async (store, platform, key_id, NULL, lk_test_store_result, &result);
  return lk_credential_store_lookup_key_finish (store, lk_test_wait_result (&result, WAIT_MS), error);
}

static GHashTable *
find_keys (LkCredentialStore *store,
           const char        *platform)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *found;

  lk_credential_store_find_keys_async (store, platform, NULL, lk_test_store_result, &result);
  found = lk_credential_store_find_keys_finish (store, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  return found;
}

static void
forget_key (LkCredentialStore *store,
            const char        *platform,
            const char        *key_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lk_credential_store_forget_key_async (store, platform, key_id, NULL, lk_test_store_result, &result);
  g_assert_true (lk_credential_store_forget_key_finish (store, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
}

static void
remember (LkCredentialStore *store,
          LkPlatform        *platform,
          const char        *client_id,
          const char        *secret)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lk_credential_store_remember_account_async (store, platform, client_id, secret, NULL,
                                              lk_test_store_result, &result);
  g_assert_true (lk_credential_store_remember_account_finish (store, lk_test_wait_result (&result, WAIT_MS),
                                                              &error));
  g_assert_no_error (error);
}

static LkAccount *
find_account (LkCredentialStore  *store,
              LkPlatform         *platform,
              const char         *client_id,
              GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_credential_store_find_account_async (store, platform, client_id, NULL, lk_test_store_result, &result);
  return lk_credential_store_find_account_finish (store, lk_test_wait_result (&result, WAIT_MS), error);
}

static void
forget_account (LkCredentialStore *store,
                const char        *platform_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lk_credential_store_forget_account_async (store, platform_id, NULL, NULL, lk_test_store_result, &result);
  g_assert_true (lk_credential_store_forget_account_finish (store, lk_test_wait_result (&result, WAIT_MS),
                                                            &error));
  g_assert_no_error (error);
}

static LkPlatform *
custom_platform (const char *api_base,
                 const char *token_url,
                 const char *ca_file)
{
  g_autoptr(GError) error = NULL;
  LkPlatform *platform = lk_platform_new_custom (api_base, token_url, ca_file, &error);

  g_assert_no_error (error);
  return platform;
}

/* A self-signed certificate in @dir/@name, or FALSE without openssl. */
static gboolean
make_certificate (const char *dir,
                  const char *name,
                  char      **out_path)
{
  g_autofree char *cert = g_build_filename (dir, name, NULL);
  g_autofree char *key = g_strconcat (cert, ".key", NULL);
  int status = 0;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
    "-keyout", key, "-out", cert, "-subj", "/CN=platform.example", "-days", "2",
    NULL
  };

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return FALSE;

  g_unlink (key);
  *out_path = g_steal_pointer (&cert);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Only our items
 * ------------------------------------------------------------------------ */

#define OTHER_APP_LABEL "Other app: CI deploy token"

static void
test_only_ours (void)
{
  g_autoptr(LkCredentialStore) store = NULL;
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *platform = random_id ("https://api.custody-");
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *by_hand_id = random_id ("key-by-hand-");
  g_autofree char *superset_id = random_id ("key-superset-");
  g_autofree char *label = NULL;
  char *secret;

  if (!need_keyring ())
    return;

  /* Another program's items: one that shares key-id and platform, one
   * with our five attributes and one more. */
  secret_tool_store ("other-app-secret", "--label=" OTHER_APP_LABEL,
                     "key-id", key_id, "platform", platform, "purpose", "ci", NULL);
  secret_tool_store ("superset-secret", "--label=Other app: superset",
                     "key-id", superset_id, "client-id", "c", "name", "n", "platform", platform,
                     "expires", "never", "purpose", "ci", NULL);
  /* A key added by hand as the README says: exactly the five. */
  secret_tool_store ("by-hand-secret", "--label=By hand",
                     "key-id", by_hand_id, "client-id", "c2", "name", "By hand", "platform", platform,
                     "expires", "2027-01-31", NULL);

  store = lk_secret_store_new ();

  /* Not looked up, not marked. */
  g_assert_null (lookup_key (store, platform, key_id, &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (lookup_key (store, platform, superset_id, &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = find_keys (store, platform);
  g_assert_false (g_hash_table_contains (found, key_id));
  g_assert_false (g_hash_table_contains (found, superset_id));
  g_assert_true (g_hash_table_contains (found, by_hand_id));
  g_assert_cmpuint (g_hash_table_size (found), ==, 1);
  g_clear_pointer (&found, g_hash_table_unref);

  /* The hand-made one is ours. */
  secret = lookup_key (store, platform, by_hand_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "by-hand-secret");
  lk_secret_free (secret);

  /* Not removed: forgetting K with nothing of ours, then with ours. */
  forget_key (store, platform, key_id);
  forget_key (store, platform, superset_id);
  g_assert_cmpuint (direct_count ("key-id", key_id, OTHER_APP_LABEL), ==, 1);
  g_assert_cmpuint (direct_count ("key-id", superset_id, NULL), ==, 1);

  {
    g_autoptr(GAsyncResult) result = NULL;

    key = lk_api_key_new (key_id, "Ours", "client-ours", "admin", lk_time_now (),
                          lk_time_now () + 30 * 86400, NULL);
    lk_credential_store_save_key_async (store, platform, key, "our-secret", NULL,
                                        lk_test_store_result, &result);
    label = lk_credential_store_save_key_finish (store, lk_test_wait_result (&result, WAIT_MS), &error);
    g_assert_no_error (error);
  }
  secret = lookup_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "our-secret");
  lk_secret_free (secret);
  g_assert_cmpuint (direct_count ("key-id", key_id, NULL), ==, 2);

  forget_key (store, platform, key_id);
  g_assert_cmpuint (direct_count ("key-id", key_id, NULL), ==, 1);
  g_assert_cmpuint (direct_count ("key-id", key_id, OTHER_APP_LABEL), ==, 1);

  forget_key (store, platform, by_hand_id);
  g_assert_cmpuint (direct_count ("key-id", by_hand_id, NULL), ==, 0);

  direct_clear ("platform", platform);
}

/* The same through the client: listing does not mark K, deleting K leaves
 * the other program's item. */
static void
test_client_only_ours (void)
{
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkCredentialStore) store = NULL;
  g_autoptr(LkApiKey) key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  LkClient *client;
  LkApiKey *row = NULL;
  GListModel *keys;

  if (!need_keyring ())
    return;

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);
  key = lk_simulator_add_key (sim, "CI deploy", NULL, 0, &secret);

  secret_tool_store ("other-app-secret", "--label=" OTHER_APP_LABEL,
                     "key-id", lk_api_key_get_id (key), "platform", lk_platform_get_id (platform),
                     "purpose", "ci", NULL);

  store = lk_secret_store_new ();
  client = lk_client_new (platform);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_store (client, store);

  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  keys = lk_client_get_keys (client);
  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(LkApiKey) item = g_list_model_get_item (keys, i);

      if (g_str_equal (lk_api_key_get_id (item), lk_api_key_get_id (key)))
        row = item;
    }
  g_assert_nonnull (row);
  g_assert_false (lk_api_key_get_has_local_secret (row));

  lk_client_delete_key_async (client, lk_api_key_get_id (key), NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_delete_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_assert_null (lk_simulator_lookup_key (sim, lk_api_key_get_id (key)));
  g_assert_cmpuint (direct_count ("key-id", lk_api_key_get_id (key), OTHER_APP_LABEL), ==, 1);

  g_clear_object (&result);
  g_assert_finalize_object (client);
  direct_clear ("key-id", lk_api_key_get_id (key));
  lk_simulator_stop (sim);
}

/* ------------------------------------------------------------------------
 * A remembered sign-in is bound to its platform
 * ------------------------------------------------------------------------ */

static void
assert_changed (LkCredentialStore *store,
                LkPlatform        *platform,
                const char        *client_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = find_account (store, platform, client_id, &error);

  g_assert_null (account);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_PLATFORM_CHANGED);
}

static void
assert_found (LkCredentialStore *store,
              LkPlatform        *platform,
              const char        *client_id,
              const char        *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = find_account (store, platform, client_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpstr (account->client_id, ==, client_id);
  g_assert_cmpstr (account->client_secret, ==, secret);
}

static void
test_account_bound (void)
{
  g_autoptr(LkCredentialStore) store = NULL;
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkPlatform) other_token = NULL;
  g_autoptr(LkPlatform) with_ca = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) none = NULL;
  g_autofree char *api = random_id ("https://api.bound-");
  g_autofree char *token = g_strconcat (api, "/oauth2/token", NULL);
  g_autofree char *client_id = random_id ("admin-");
  g_autofree char *dir = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *ca2 = NULL;
  GList *items;

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  platform = custom_platform (api, token, NULL);
  other_token = custom_platform (api, "http://127.0.0.1:4444/oauth2/token", NULL);

  /* All the same: handed out.  The token URL changed: not, and said so. */
  remember (store, platform, client_id, "admin-secret");
  assert_found (store, platform, client_id, "admin-secret");
  assert_changed (store, other_token, client_id);

  /* Its attributes say what it is bound to; the label holds no secret. */
  items = direct_search ("client-id", client_id);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  {
    g_autoptr(GHashTable) attributes = secret_item_get_attributes (items->data);
    g_autofree char *label = secret_item_get_label (items->data);

    g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, LK_SCHEMA_NAME_ACCOUNT);
    g_assert_cmpstr (g_hash_table_lookup (attributes, "platform"), ==, api);
    g_assert_cmpstr (g_hash_table_lookup (attributes, "token-url"), ==, token);
    g_assert_cmpstr (g_hash_table_lookup (attributes, "ca-sha256"), ==, "none");
    g_assert_null (strstr (label, "admin-secret"));
  }
  g_list_free_full (items, g_object_unref);

  /* Another client ID: nothing remembered. */
  none = find_account (store, platform, "someone-else", &error);
  g_assert_null (none);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A CA file: another platform; and so is the same file changed. */
  dir = g_dir_make_tmp ("lk-custody-XXXXXX", &error);
  g_assert_no_error (error);
  if (make_certificate (dir, "ca.pem", &ca) && make_certificate (dir, "ca2.pem", &ca2))
    {
      g_autofree char *contents = NULL;

      with_ca = custom_platform (api, token, ca);
      assert_changed (store, with_ca, client_id);
      remember (store, with_ca, client_id, "admin-secret");
      assert_found (store, with_ca, client_id, "admin-secret");
      /* one item per API URL and client ID: the one without a CA is gone */
      assert_changed (store, platform, client_id);
      g_assert_cmpuint (direct_count ("client-id", client_id, NULL), ==, 1);

      g_assert_true (g_file_get_contents (ca2, &contents, NULL, NULL));
      g_assert_true (g_file_set_contents (ca, contents, -1, NULL));
      assert_changed (store, with_ca, client_id);
      g_unlink (ca);
      g_unlink (ca2);
    }
  else
    g_test_message ("openssl could not make a certificate: the CA part was not tried");
  g_rmdir (dir);

  /* Remembered before sign-ins were bound: not handed out; the next
   * sign-in replaces it. */
  forget_account (store, api);
  lk_test_remember_unbound (store, api, client_id, "old-secret");
  assert_changed (store, platform, client_id);
  remember (store, platform, client_id, "admin-secret");
  assert_found (store, platform, client_id, "admin-secret");
  g_assert_cmpuint (direct_count ("client-id", client_id, NULL), ==, 1);

  /* Listed, without its secret, bound to its token URL. */
  {
    g_autoptr(GPtrArray) accounts = lk_test_list_accounts (store, client_id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (accounts->len, ==, 1);
    g_assert_cmpstr (((LkRememberedAccount *) accounts->pdata[0])->platform_id, ==, api);
    g_assert_cmpstr (((LkRememberedAccount *) accounts->pdata[0])->token_url, ==, token);
  }

  forget_account (store, api);
  g_assert_cmpuint (direct_count ("client-id", client_id, NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/store-custody/only-ours", test_only_ours);
  g_test_add_func ("/lk/store-custody/client-only-ours", test_client_only_ours);
  g_test_add_func ("/lk/store-custody/account-bound", test_account_bound);

  return g_test_run ();
}
