/* test-store.c: the credential stores, against a real gnome-keyring-daemon
 *
 * Runs in the private session of build-aux/dev test: its own D-Bus session
 * with an unlocked gnome-keyring.  Items are checked directly through
 * libsecret and through secret-tool, the way an admin's scripts see them
 * (lk-test-keyring.c).  The failures (no Secret Service, a silent one, a
 * locked keyring) and the first connection are in test-store-failures.c,
 * in the same program.
 *
 * Each case stands alone: it makes its own store, and lk_test_need_keyring()
 * first puts the keyring back as every case starts from (unlocked, no item
 * of ours left).  So they pass in any order: the test-store-orders test
 * (build-aux/test-orders) runs each alone, all in reverse, and shuffled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <string.h>

#include "lk-test-keyring.h"
#include "lk-test-util.h"
#include "test-store.h"

/* ---- Looking at an item ---- */

/* Whether the store lists a sign-in of @client_id on @platform; what it
 * lists of it is never secret. */
static gboolean
has_remembered (LkCredentialStore *store,
                const char        *platform,
                const char        *client_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) accounts = lk_test_list_accounts (store, NULL, &error);
  gboolean found = FALSE;

  g_assert_no_error (error);
  for (guint i = 0; i < accounts->len; i++)
    {
      LkRememberedAccount *account = g_ptr_array_index (accounts, i);
      g_autofree char *token_url = NULL;

      if (g_strcmp0 (account->platform_id, platform) != 0 ||
          g_strcmp0 (account->client_id, client_id) != 0)
        continue;

      token_url = g_strconcat (platform, "/oauth2/token", NULL);
      g_assert_false (found);
      g_assert_cmpstr (account->token_url, ==, token_url);
      g_assert_false (account->has_ca);
      g_assert_nonnull (strstr (account->label, client_id));
      found = TRUE;
    }

  return found;
}

/* The attributes are exactly the NULL-terminated name/value pairs. */
static void
assert_attributes_exactly (GHashTable *attributes,
                           ...)
{
  va_list args;
  const char *name;
  guint n = 0;

  va_start (args, attributes);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      g_assert_cmpstr (g_hash_table_lookup (attributes, name), ==, value);
      n++;
    }
  va_end (args);

  g_assert_cmpuint (g_hash_table_size (attributes), ==, n);
}

static void
assert_secret_not_in_metadata (SecretItem *item,
                               const char *secret)
{
  g_autoptr (GHashTable) attributes = secret_item_get_attributes (item);
  g_autofree char *label = secret_item_get_label (item);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_null (strstr (label, secret));
  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_null (strstr (key, secret));
      g_assert_null (strstr (value, secret));
    }
}

static char *
item_secret (SecretItem *item)
{
  g_autoptr (SecretValue) value = secret_item_get_secret (item);

  g_assert_nonnull (value);
  return g_strdup (secret_value_get_text (value));
}

/* ---- The system keyring ---- */

static void
test_secret_roundtrip (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkApiKey) other = NULL;
  g_autoptr (LkApiKey) elsewhere = NULL;
  g_autoptr (LkApiKey) renamed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *platform2 = lk_test_random_platform ();
  g_autofree char *key_id = lk_test_random_id ("key-");
  g_autofree char *other_id = lk_test_random_id ("key-");
  g_autofree char *client_id = lk_test_random_id ("client-");
  g_autofree char *label = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autofree char *secret = lk_test_random_id ("s3cret-");
  g_autoptr (GHashTable) attributes = NULL;
  GList *items;
  SecretItem *item;
  gboolean ok;

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  key = lk_test_make_key (key_id, "Scanner CI", client_id);

  label = lk_test_save_key (store, platform, key, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (label, ==, "HiddenLayer API key “Scanner CI”");
  {
    g_autofree char *expected = lk_credential_store_key_label ("Scanner CI");

    g_assert_cmpstr (label, ==, expected);
  }

  /* The item as any keyring client sees it. */
  items = lk_test_direct_search ("key-id", key_id);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = items->data;
  attributes = secret_item_get_attributes (item);
  assert_attributes_exactly (attributes,
                             "key-id", key_id,
                             "client-id", client_id,
                             "name", "Scanner CI",
                             "platform", platform,
                             "expires", "2027-03-01",
                             "xdg:schema", LK_SCHEMA_NAME_API_KEY,
                             NULL);
  {
    g_autofree char *item_label = secret_item_get_label (item);
    g_autofree char *stored_secret = item_secret (item);
    g_autofree char *path = NULL;
    g_autofree char *prefix = NULL;
    g_autoptr (SecretService) service = lk_test_direct_service ();
    g_autoptr (SecretCollection) collection = NULL;

    g_assert_cmpstr (item_label, ==, "HiddenLayer API key “Scanner CI”");
    g_assert_cmpstr (stored_secret, ==, secret);
    assert_secret_not_in_metadata (item, secret);

    /* It is in the default collection. */
    collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                   SECRET_COLLECTION_NONE, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (collection);
    prefix = g_strconcat (g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)), "/", NULL);
    g_object_get (item, "g-object-path", &path, NULL);
    g_assert_true (g_str_has_prefix (path, prefix));
  }
  g_list_free_full (items, g_object_unref);

  /* A plain lookup by the documented attributes, with no schema. */
  {
    g_autoptr (SecretService) service = lk_test_direct_service ();
    g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr (SecretValue) value = NULL;

    g_hash_table_insert (query, (char *) "key-id", key_id);
    g_hash_table_insert (query, (char *) "platform", platform);
    value = secret_service_lookup_sync (service, NULL, query, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (value);
    g_assert_cmpstr (secret_value_get_content_type (value), ==, "text/plain");
    g_assert_cmpstr (secret_value_get_text (value), ==, secret);
  }

  /* Read back through the store. */
  found = lk_test_lookup_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);

  /* Saving again replaces: still one item. */
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform, key, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 1);

  /* So does saving it with other details (a new name): the outdated item
   * is gone when the save finishes. */
  renamed = lk_test_make_key (key_id, "Scanner CI (renamed)", client_id);
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform, renamed, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (label, ==, "HiddenLayer API key “Scanner CI (renamed)”");
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 1);
  items = lk_test_direct_search ("key-id", key_id);
  {
    g_autoptr (GHashTable) renamed_attributes = secret_item_get_attributes (items->data);

    g_assert_cmpstr (g_hash_table_lookup (renamed_attributes, "name"), ==, "Scanner CI (renamed)");
  }
  g_list_free_full (items, g_object_unref);

  /* lk_test_find_keys: this platform's keys only. */
  other = lk_test_make_key (other_id, "Other", client_id);
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform, other, "other-secret", &error);
  g_assert_no_error (error);
  elsewhere = lk_test_make_key (key_id, "Same ID elsewhere", client_id);
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform2, elsewhere, "elsewhere-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 2);

  key_ids = lk_test_find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (key_ids), ==, 2);
  g_assert_true (g_hash_table_contains (key_ids, key_id));
  g_assert_true (g_hash_table_contains (key_ids, other_id));
  g_clear_pointer (&key_ids, g_hash_table_unref);

  /* Forget: by key ID and platform only. */
  ok = lk_test_forget_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (lk_test_direct_count ("platform", platform), ==, 1);   /* "Other" */
  g_assert_cmpuint (lk_test_direct_count ("platform", platform2), ==, 1);  /* same ID, other platform */

  g_clear_pointer (&found, lk_secret_free);
  found = lk_test_lookup_key (store, platform, key_id, &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);

  key_ids = lk_test_find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (key_ids, key_id));
  g_assert_true (g_hash_table_contains (key_ids, other_id));

  /* Nothing left to remove is not an error. */
  ok = lk_test_forget_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  ok = lk_test_forget_key (store, platform, other_id, &error);
  g_assert_no_error (error);
  ok = lk_test_forget_key (store, platform2, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 0);
  g_assert_cmpuint (lk_test_direct_count ("key-id", other_id), ==, 0);
}

static void
test_secret_save_refused (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkApiKey) nameless = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *key_id = lk_test_random_id ("key-");
  g_autofree char *label = NULL;

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  key = lk_test_make_key (key_id, "Refused", "client-refused");

  label = lk_test_save_key (store, NULL, key, "secret", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_assert_null (label);
  g_clear_error (&error);

  label = lk_test_save_key (store, platform, key, "", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  nameless = lk_test_make_key (key_id, "", "client-refused");
  label = lk_test_save_key (store, platform, nameless, "secret", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (lk_test_remember_account (store, platform, NULL, "secret", &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 0);
  g_assert_cmpuint (lk_test_direct_count ("platform", platform), ==, 0);
}

/* An item the app stored, as an admin finds it from a shell. */
static void
test_secret_interop_app_to_tool (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *key_id = lk_test_random_id ("key-");
  g_autofree char *client_id = lk_test_random_id ("client-");
  g_autofree char *secret = lk_test_random_id ("tool-secret-");
  g_autofree char *label = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expect = NULL;

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  key = lk_test_make_key (key_id, "Model Scanner CLI", client_id);
  label = lk_test_save_key (store, platform, key, secret, &error);
  g_assert_no_error (error);

  out = lk_test_secret_tool (NULL, TRUE, "search", "--all", "key-id", key_id, NULL);
  g_assert_nonnull (out);
  g_test_message ("secret-tool search:\n%s", out);
  expect = g_strdup_printf ("attribute.key-id = %s\n", key_id);
  g_assert_nonnull (strstr (out, expect));
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("attribute.client-id = %s\n", client_id);
  g_assert_nonnull (strstr (out, expect));
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("attribute.platform = %s\n", platform);
  g_assert_nonnull (strstr (out, expect));
  g_assert_nonnull (strstr (out, "attribute.name = Model Scanner CLI\n"));
  g_assert_nonnull (strstr (out, "attribute.expires = 2027-03-01\n"));
  g_assert_nonnull (strstr (out, "label = HiddenLayer API key “Model Scanner CLI”\n"));
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("secret = %s\n", secret);
  g_assert_nonnull (strstr (out, expect));
  g_clear_pointer (&out, g_free);

  /* The documented way to use it in a script. */
  out = lk_test_secret_tool (NULL, FALSE, "lookup", "client-id", client_id, NULL);
  g_assert_nonnull (out);
  g_strchomp (out);
  g_assert_cmpstr (out, ==, secret);
  g_clear_pointer (&out, g_free);

  out = lk_test_secret_tool (NULL, FALSE, "lookup", "key-id", key_id, "platform", platform, NULL);
  g_assert_nonnull (out);
  g_strchomp (out);
  g_assert_cmpstr (out, ==, secret);

  g_assert_true (lk_test_forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
  g_assert_null (lk_test_secret_tool (NULL, FALSE, "lookup", "client-id", client_id, NULL));
}

/* An item stored by secret-tool (schema org.freedesktop.Secret.Generic)
 * with the documented attributes, as the app finds it. */
static void
test_secret_interop_tool_to_app (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *key_id = lk_test_random_id ("key-");
  g_autofree char *client_id = lk_test_random_id ("client-");
  g_autofree char *secret = lk_test_random_id ("from-tool-");
  g_autofree char *out = NULL;

  if (!lk_test_need_keyring ())
    return;

  out = lk_test_secret_tool (secret, FALSE, "store", "--label=Stored by hand",
                             "key-id", key_id, "client-id", client_id, "name", "By hand",
                             "platform", platform, "expires", "2027-01-31", NULL);
  g_assert_nonnull (out);

  store = lk_secret_store_new ();

  found = lk_test_lookup_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);

  key_ids = lk_test_find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (key_ids), ==, 1);
  g_assert_true (g_hash_table_contains (key_ids, key_id));

  g_assert_true (lk_test_forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 0);
}

static void
test_secret_forget_refuses (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key_a = NULL;
  g_autoptr (LkApiKey) key_b = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *id_a = lk_test_random_id ("key-a-");
  g_autofree char *id_b = lk_test_random_id ("key-b-");
  g_autofree char *other_app = lk_test_random_id ("org.example.Other-");
  g_autofree char *label = NULL;
  g_autofree char *out = NULL;
  struct {
    const char *platform;
    const char *key_id;
  } partial[] = {
    { NULL, id_a },
    { "", id_a },
    { platform, NULL },
    { platform, "" },
    { NULL, NULL },
    { "", "" },
  };

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  key_a = lk_test_make_key (id_a, "A", "client-a");
  key_b = lk_test_make_key (id_b, "B", "client-b");
  label = lk_test_save_key (store, platform, key_a, "secret-a", &error);
  g_assert_no_error (error);
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform, key_b, "secret-b", &error);
  g_assert_no_error (error);
  g_assert_true (lk_test_remember_account (store, platform, "client-admin", "secret-admin", &error));
  g_assert_no_error (error);

  /* Some other application's item. */
  out = lk_test_secret_tool ("not-ours", FALSE, "store", "--label=Another app",
                             "application", other_app, "user", "bob", NULL);
  g_assert_nonnull (out);

  for (guint i = 0; i < G_N_ELEMENTS (partial); i++)
    {
      gint64 start = g_get_monotonic_time ();

      g_assert_false (lk_test_forget_key (store, partial[i].platform, partial[i].key_id, &error));
      g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
      g_assert_nonnull (error->message);
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
    }

  g_assert_cmpuint (lk_test_direct_count ("key-id", id_a), ==, 1);
  g_assert_cmpuint (lk_test_direct_count ("key-id", id_b), ==, 1);
  g_assert_cmpuint (lk_test_direct_count ("application", other_app), ==, 1);
  g_assert_cmpuint (lk_test_direct_count ("platform", platform), ==, 3);

  /* A whole forget removes that key's item and nothing else. */
  g_assert_true (lk_test_forget_key (store, platform, id_a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("key-id", id_a), ==, 0);
  g_assert_cmpuint (lk_test_direct_count ("key-id", id_b), ==, 1);
  g_assert_cmpuint (lk_test_direct_count ("application", other_app), ==, 1);
  g_assert_cmpuint (lk_test_direct_count ("platform", platform), ==, 2);

  g_assert_true (lk_test_forget_key (store, platform, id_b, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_forget_account (store, platform, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("platform", platform), ==, 0);
  g_assert_cmpuint (lk_test_direct_count ("application", other_app), ==, 1);

  g_clear_pointer (&out, g_free);
  out = lk_test_secret_tool (NULL, FALSE, "clear", "application", other_app, NULL);
  g_assert_nonnull (out);
}

static void
test_secret_account (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *client_id = lk_test_random_id ("admin-");
  g_autofree char *secret = lk_test_random_id ("admin-secret-");
  g_autofree char *key_id = lk_test_random_id ("key-");
  g_autofree char *label = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  GList *items;

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  g_assert_true (lk_test_remember_account (store, platform, client_id, secret, &error));
  g_assert_no_error (error);
  /* A key of the same platform, which signing out must leave alone. */
  key = lk_test_make_key (key_id, "Stays", "client-stays");
  label = lk_test_save_key (store, platform, key, "secret-stays", &error);
  g_assert_no_error (error);

  items = lk_test_direct_search ("client-id", client_id);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  attributes = secret_item_get_attributes (items->data);
  {
    g_autofree char *token_url = g_strconcat (platform, "/oauth2/token", NULL);

    assert_attributes_exactly (attributes,
                               "platform", platform,
                               "client-id", client_id,
                               "token-url", token_url,
                               "ca-sha256", "none",
                               "xdg:schema", LK_SCHEMA_NAME_ACCOUNT,
                               NULL);
  }
  assert_secret_not_in_metadata (items->data, secret);
  {
    g_autofree char *item_label = secret_item_get_label (items->data);
    g_autofree char *expected = g_strdup_printf ("HiddenLayer sign-in for %s on %s",
                                                 client_id, platform);

    g_assert_cmpstr (item_label, ==, expected);
  }
  g_list_free_full (items, g_object_unref);

  /* A restart: a new store object finds it. */
  g_assert_finalize_object (g_steal_pointer (&store));
  store = lk_secret_store_new ();

  /* Listed (without its secret) ... */
  g_assert_true (has_remembered (store, platform, client_id));

  /* ... and found, secret and all. */
  account = lk_test_find_account (store, platform, client_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpstr (account->client_id, ==, client_id);
  g_assert_cmpstr (account->client_secret, ==, secret);
  g_clear_pointer (&account, lk_account_free);

  account = lk_test_find_account (store, platform, "someone-else", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_assert_null (account);
  g_clear_error (&error);

  /* Sign out. */
  g_assert_true (lk_test_forget_account (store, platform, client_id, &error));
  g_assert_no_error (error);
  account = lk_test_find_account (store, platform, client_id, &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (has_remembered (store, platform, client_id));
  g_assert_cmpuint (lk_test_direct_count ("client-id", client_id), ==, 0);
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 1);

  g_assert_true (lk_test_forget_account (store, "", client_id, &error) == FALSE);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (lk_test_forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
}

/* A fresh store connects once, however many requests arrive together (as
 * at start-up: the remembered sign-in and the key list). */
static void
test_secret_concurrent (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autoptr (LkPlatform) bound = NULL;
  GAsyncResult *saved[4] = { NULL, };
  GAsyncResult *account_result = NULL;
  LkApiKey *keys[G_N_ELEMENTS (saved)];
  char *key_ids[G_N_ELEMENTS (saved)];

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
    {
      g_autofree char *name = g_strdup_printf ("Concurrent %u", i);

      key_ids[i] = lk_test_random_id ("key-");
      keys[i] = lk_test_make_key (key_ids[i], name, "client-concurrent");
      lk_credential_store_save_key_async (store, platform, keys[i], "concurrent-secret", NULL,
                                          lk_test_store_result, &saved[i]);
    }
  bound = lk_test_platform_for_id (platform);
  lk_credential_store_remember_account_async (store, bound, "admin-concurrent", "admin-secret",
                                              NULL, lk_test_store_result, &account_result);

  for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
    {
      g_autofree char *label = NULL;

      lk_test_wait_result (&saved[i], LK_TEST_KEYRING_WAIT_MS);
      label = lk_credential_store_save_key_finish (store, saved[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (label);
      g_clear_object (&saved[i]);
    }
  lk_test_wait_result (&account_result, LK_TEST_KEYRING_WAIT_MS);
  g_assert_true (lk_credential_store_remember_account_finish (store, account_result, &error));
  g_assert_no_error (error);
  g_clear_object (&account_result);

  {
    g_autoptr (GHashTable) found = lk_test_find_keys (store, platform, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (found), ==, G_N_ELEMENTS (saved));
  }

  for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
    {
      g_assert_true (lk_test_forget_key (store, platform, key_ids[i], &error));
      g_assert_no_error (error);
      g_object_unref (keys[i]);
      g_free (key_ids[i]);
    }
  g_assert_true (lk_test_forget_account (store, platform, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("platform", platform), ==, 0);
}

/* ---- The in-memory store ---- */

static void
test_memory_roundtrip (void)
{
  g_autoptr (LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr (LkApiKey) key = lk_test_make_key ("key-1", "Memory", "client-1");
  g_autoptr (LkApiKey) key2 = lk_test_make_key ("key-2", "Memory 2", "client-2");
  g_autoptr (LkApiKey) renamed = lk_test_make_key ("key-1", "Memory renamed", "client-1");
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autofree char *label = NULL;
  const char *platform = "https://api.memory.example";

  label = lk_test_save_key (store, platform, key, "memory-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (label, ==, "HiddenLayer API key “Memory”");
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform, key, "memory-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 1);
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform, renamed, "memory-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 1);
  g_clear_pointer (&label, g_free);
  label = lk_test_save_key (store, platform, key2, "memory-secret-2", &error);
  g_assert_no_error (error);
  g_assert_true (lk_test_remember_account (store, platform, "admin", "admin-secret", &error));
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 3);
  g_assert_true (has_remembered (store, platform, "admin"));

  found = lk_test_lookup_key (store, platform, "key-2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "memory-secret-2");

  key_ids = lk_test_find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (key_ids), ==, 2);
  g_assert_true (g_hash_table_contains (key_ids, "key-1"));
  g_assert_true (g_hash_table_contains (key_ids, "key-2"));

  account = lk_test_find_account (store, platform, "admin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->client_id, ==, "admin");
  g_assert_cmpstr (account->client_secret, ==, "admin-secret");

  g_assert_false (lk_test_forget_key (store, platform, "", &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 3);

  g_assert_true (lk_test_forget_key (store, platform, "key-1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 2);
  g_assert_true (lk_test_forget_account (store, platform, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&store));
}

static void
test_memory_async (void)
{
  g_autoptr (LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr (LkApiKey) key = lk_test_make_key ("key-1", "Memory", "client-1");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  /* Never completes before the _async call returns. */
  lk_credential_store_save_key_async (store, "https://api.memory.example", key, "s", NULL,
                                      lk_test_store_result, &result);
  g_assert_null (result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  label = lk_credential_store_save_key_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (label);
}

static void
test_memory_failure (void)
{
  g_autoptr (LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr (LkApiKey) key = lk_test_make_key ("key-1", "Memory", "client-1");
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;
  g_autofree char *label = NULL;
  const char *platform = "https://api.memory.example";
  int codes[] = {
    LK_STORE_ERROR_NO_SERVICE, LK_STORE_ERROR_LOCKED, LK_STORE_ERROR_TIMEOUT,
    LK_STORE_ERROR_FAILED,
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      lk_memory_store_set_failure (LK_MEMORY_STORE (store), codes[i]);

      label = lk_test_save_key (store, platform, key, "secret", &error);
      g_assert_error (error, LK_STORE_ERROR, codes[i]);
      g_assert_null (label);
      g_assert_null (strstr (error->message, "secret"));
      g_clear_error (&error);

      key_ids = lk_test_find_keys (store, platform, &error);
      g_assert_error (error, LK_STORE_ERROR, codes[i]);
      g_assert_null (key_ids);
      g_clear_error (&error);

      g_assert_false (lk_test_forget_key (store, platform, "key-1", &error));
      g_assert_error (error, LK_STORE_ERROR, codes[i]);
      g_clear_error (&error);

      /* Refusals come first: the store is never asked. */
      g_assert_false (lk_test_forget_key (store, platform, NULL, &error));
      g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
      g_clear_error (&error);

      g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 0);
    }

  lk_memory_store_set_failure (LK_MEMORY_STORE (store), -1);
  label = lk_test_save_key (store, platform, key, "secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/store/memory/roundtrip", test_memory_roundtrip);
  g_test_add_func ("/lk/store/memory/async", test_memory_async);
  g_test_add_func ("/lk/store/memory/failure", test_memory_failure);
  g_test_add_func ("/lk/store/secret/roundtrip", test_secret_roundtrip);
  g_test_add_func ("/lk/store/secret/save-refused", test_secret_save_refused);
  g_test_add_func ("/lk/store/secret/interop-app-to-tool", test_secret_interop_app_to_tool);
  g_test_add_func ("/lk/store/secret/interop-tool-to-app", test_secret_interop_tool_to_app);
  g_test_add_func ("/lk/store/secret/forget-refuses", test_secret_forget_refuses);
  g_test_add_func ("/lk/store/secret/account", test_secret_account);
  g_test_add_func ("/lk/store/secret/cancel", test_secret_cancel);
  g_test_add_func ("/lk/store/secret/dispose-cancels", test_secret_dispose_cancels);
  g_test_add_func ("/lk/store/secret/concurrent", test_secret_concurrent);
  g_test_add_func ("/lk/store/secret/first-connection", test_secret_first_connection);
  g_test_add_func ("/lk/store/secret/no-service", test_secret_no_service);
  g_test_add_func ("/lk/store/secret/silent-service", test_secret_silent_service);
  g_test_add_func ("/lk/store/secret/locked-later", test_secret_locked_later);
  g_test_add_func ("/lk/store/secret/locked", test_secret_locked);

  return g_test_run ();
}
