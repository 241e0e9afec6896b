/* test-store.c: the credential stores, against a real gnome-keyring-daemon
 *
 * Runs in the private session of build-aux/dev test: its own D-Bus session
 * with an unlocked gnome-keyring.  Items are checked directly through
 * libsecret and through secret-tool, the way an admin's scripts see them.
 * The tests that need a different bus (no Secret Service, a service that
 * never answers) run in subprocesses, because libsecret and GIO cache the
 * session bus for the life of a process.  The lock test runs last and
 * unlocks the keyring again whatever happens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
/* The build defines SECRET_WITH_UNSTABLE; see lk-keyring-private.h. */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "lk-credential-store.h"
#include "lk-error.h"
#include "lk-test-util.h"

#define WAIT_MS            10000   /* the bound: an answer within 10 s */
#define KEYRING_PASSWORD   "layer-keys-test"   /* as in build-aux/session-inner */

/* ---- Helpers ---- */

static char *
random_id (const char *prefix)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strconcat (prefix, uuid, NULL);
}

static char *
random_platform (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("https://api.%.8s.example", uuid);
}

static LkApiKey *
make_key (const char *id,
          const char *name,
          const char *client_id)
{
  /* 2027-03-01T12:00:00Z */
  return lk_api_key_new (id, name, client_id, "admin@example.com",
                         1788048000, 1803902400, NULL);
}

static gboolean
need_keyring (void)
{
  if (!lk_test_have_secret_service ())
    {
      g_test_skip ("no Secret Service on the session bus; run under build-aux/dev test");
      return FALSE;
    }
  return TRUE;
}

static char *
save_key (LkCredentialStore  *store,
          const char         *platform,
          LkApiKey           *key,
          const char         *secret,
          GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_save_key_async (store, platform, key, secret, NULL,
                                      lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_save_key_finish (store, result, error);
}

static char *
lookup_key (LkCredentialStore  *store,
            const char         *platform,
            const char         *key_id,
            GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_lookup_key_async (store, platform, key_id, NULL,
                                        lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_lookup_key_finish (store, result, error);
}

static GHashTable *
find_keys (LkCredentialStore  *store,
           const char         *platform,
           GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_find_keys_async (store, platform, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_find_keys_finish (store, result, error);
}

static gboolean
forget_key (LkCredentialStore  *store,
            const char         *platform,
            const char         *key_id,
            GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_forget_key_async (store, platform, key_id, NULL,
                                        lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_forget_key_finish (store, result, error);
}

static gboolean
save_account (LkCredentialStore  *store,
              const char         *platform,
              const char         *client_id,
              const char         *secret,
              GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_save_account_async (store, platform, client_id, secret, NULL,
                                          lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_save_account_finish (store, result, error);
}

static LkAccount *
lookup_account (LkCredentialStore  *store,
                const char         *platform,
                const char         *client_id,
                GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_lookup_account_async (store, platform, client_id, NULL,
                                            lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_lookup_account_finish (store, result, error);
}

static gboolean
forget_account (LkCredentialStore  *store,
                const char         *platform,
                GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_forget_account_async (store, platform, NULL,
                                            lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  return lk_credential_store_forget_account_finish (store, result, error);
}

/* ---- Looking at the keyring directly ---- */

static SecretService *
direct_service (void)
{
  g_autoptr (GError) error = NULL;
  SecretService *service;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                                     NULL, &error);
  g_assert_no_error (error);
  return service;
}

/* Every item (of any schema) whose attribute @name is @value, with secrets. */
static GList *
direct_search (const char *name,
               const char *value)
{
  g_autoptr (SecretService) service = direct_service ();
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  GList *items;

  g_hash_table_insert (attributes, (char *) name, (char *) value);
  items = secret_service_search_sync (service, NULL, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK |
                                      SECRET_SEARCH_LOAD_SECRETS,
                                      NULL, &error);
  g_assert_no_error (error);
  return items;
}

static guint
direct_count (const char *name,
              const char *value)
{
  GList *items = direct_search (name, value);
  guint n = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n;
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

/* Runs secret-tool (bounded by timeout(1)) in a UTF-8 locale with @input
 * on stdin; returns its stdout (followed by its stderr when @with_stderr:
 * "search" prints the attributes there), or NULL when it fails. */
static char *
secret_tool (const char *input,
             gboolean    with_stderr,
             ...)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (char *) "timeout");
  g_ptr_array_add (argv, (char *) "20");
  g_ptr_array_add (argv, (char *) "secret-tool");
  va_start (args, with_stderr);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (!g_subprocess_get_successful (process))
    {
      g_test_message ("secret-tool failed: %s", err);
      return NULL;
    }

  if (with_stderr)
    return g_strconcat (out, err, NULL);

  return g_steal_pointer (&out);
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
  g_autofree char *platform = random_platform ();
  g_autofree char *platform2 = random_platform ();
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *other_id = random_id ("key-");
  g_autofree char *client_id = random_id ("client-");
  g_autofree char *label = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autofree char *secret = random_id ("s3cret-");
  g_autoptr (GHashTable) attributes = NULL;
  GList *items;
  SecretItem *item;
  gboolean ok;

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  key = make_key (key_id, "Scanner CI", client_id);

  label = save_key (store, platform, key, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (label, ==, "HiddenLayer API key “Scanner CI”");
  {
    g_autofree char *expected = lk_credential_store_key_label ("Scanner CI");

    g_assert_cmpstr (label, ==, expected);
  }

  /* The item as any keyring client sees it. */
  items = direct_search ("key-id", key_id);
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
    g_autoptr (SecretService) service = direct_service ();
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
    g_autoptr (SecretService) service = direct_service ();
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
  found = lookup_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);

  /* Saving again replaces: still one item. */
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform, key, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 1);

  /* So does saving it with other details (a new name): the outdated item
   * is gone when the save finishes. */
  renamed = make_key (key_id, "Scanner CI (renamed)", client_id);
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform, renamed, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (label, ==, "HiddenLayer API key “Scanner CI (renamed)”");
  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 1);
  items = direct_search ("key-id", key_id);
  {
    g_autoptr (GHashTable) renamed_attributes = secret_item_get_attributes (items->data);

    g_assert_cmpstr (g_hash_table_lookup (renamed_attributes, "name"), ==, "Scanner CI (renamed)");
  }
  g_list_free_full (items, g_object_unref);

  /* find_keys: this platform's keys only. */
  other = make_key (other_id, "Other", client_id);
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform, other, "other-secret", &error);
  g_assert_no_error (error);
  elsewhere = make_key (key_id, "Same ID elsewhere", client_id);
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform2, elsewhere, "elsewhere-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 2);

  key_ids = find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (key_ids), ==, 2);
  g_assert_true (g_hash_table_contains (key_ids, key_id));
  g_assert_true (g_hash_table_contains (key_ids, other_id));
  g_clear_pointer (&key_ids, g_hash_table_unref);

  /* Forget: by key ID and platform only. */
  ok = forget_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (direct_count ("platform", platform), ==, 1);   /* "Other" */
  g_assert_cmpuint (direct_count ("platform", platform2), ==, 1);  /* same ID, other platform */

  g_clear_pointer (&found, lk_secret_free);
  found = lookup_key (store, platform, key_id, &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);

  key_ids = find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (key_ids, key_id));
  g_assert_true (g_hash_table_contains (key_ids, other_id));

  /* Nothing left to remove is not an error. */
  ok = forget_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  ok = forget_key (store, platform, other_id, &error);
  g_assert_no_error (error);
  ok = forget_key (store, platform2, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 0);
  g_assert_cmpuint (direct_count ("key-id", other_id), ==, 0);
}

static void
test_secret_save_refused (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkApiKey) nameless = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *label = NULL;

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  key = make_key (key_id, "Refused", "client-refused");

  label = save_key (store, NULL, key, "secret", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_assert_null (label);
  g_clear_error (&error);

  label = save_key (store, platform, key, "", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  nameless = make_key (key_id, "", "client-refused");
  label = save_key (store, platform, nameless, "secret", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (save_account (store, platform, NULL, "secret", &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 0);
  g_assert_cmpuint (direct_count ("platform", platform), ==, 0);
}

/* An item the app stored, as an admin finds it from a shell. */
static void
test_secret_interop_app_to_tool (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *client_id = random_id ("client-");
  g_autofree char *secret = random_id ("tool-secret-");
  g_autofree char *label = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expect = NULL;

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  key = make_key (key_id, "Model Scanner CLI", client_id);
  label = save_key (store, platform, key, secret, &error);
  g_assert_no_error (error);

  out = secret_tool (NULL, TRUE, "search", "--all", "key-id", key_id, NULL);
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
  out = secret_tool (NULL, FALSE, "lookup", "client-id", client_id, NULL);
  g_assert_nonnull (out);
  g_strchomp (out);
  g_assert_cmpstr (out, ==, secret);
  g_clear_pointer (&out, g_free);

  out = secret_tool (NULL, FALSE, "lookup", "key-id", key_id, "platform", platform, NULL);
  g_assert_nonnull (out);
  g_strchomp (out);
  g_assert_cmpstr (out, ==, secret);

  g_assert_true (forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
  g_assert_null (secret_tool (NULL, FALSE, "lookup", "client-id", client_id, NULL));
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
  g_autofree char *platform = random_platform ();
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *client_id = random_id ("client-");
  g_autofree char *secret = random_id ("from-tool-");
  g_autofree char *out = NULL;

  if (!need_keyring ())
    return;

  out = secret_tool (secret, FALSE, "store", "--label=Stored by hand",
                     "key-id", key_id, "client-id", client_id, "name", "By hand",
                     "platform", platform, "expires", "2027-01-31", NULL);
  g_assert_nonnull (out);

  store = lk_secret_store_new ();

  found = lookup_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);

  key_ids = find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (key_ids), ==, 1);
  g_assert_true (g_hash_table_contains (key_ids, key_id));

  g_assert_true (forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 0);
}

static void
test_secret_forget_refuses (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key_a = NULL;
  g_autoptr (LkApiKey) key_b = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  g_autofree char *id_a = random_id ("key-a-");
  g_autofree char *id_b = random_id ("key-b-");
  g_autofree char *other_app = random_id ("org.example.Other-");
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

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  key_a = make_key (id_a, "A", "client-a");
  key_b = make_key (id_b, "B", "client-b");
  label = save_key (store, platform, key_a, "secret-a", &error);
  g_assert_no_error (error);
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform, key_b, "secret-b", &error);
  g_assert_no_error (error);
  g_assert_true (save_account (store, platform, "client-admin", "secret-admin", &error));
  g_assert_no_error (error);

  /* Some other application's item. */
  out = secret_tool ("not-ours", FALSE, "store", "--label=Another app",
                     "application", other_app, "user", "bob", NULL);
  g_assert_nonnull (out);

  for (guint i = 0; i < G_N_ELEMENTS (partial); i++)
    {
      gint64 start = g_get_monotonic_time ();

      g_assert_false (forget_key (store, partial[i].platform, partial[i].key_id, &error));
      g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
      g_assert_nonnull (error->message);
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
    }

  g_assert_cmpuint (direct_count ("key-id", id_a), ==, 1);
  g_assert_cmpuint (direct_count ("key-id", id_b), ==, 1);
  g_assert_cmpuint (direct_count ("application", other_app), ==, 1);
  g_assert_cmpuint (direct_count ("platform", platform), ==, 3);

  /* A whole forget removes that key's item and nothing else. */
  g_assert_true (forget_key (store, platform, id_a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("key-id", id_a), ==, 0);
  g_assert_cmpuint (direct_count ("key-id", id_b), ==, 1);
  g_assert_cmpuint (direct_count ("application", other_app), ==, 1);
  g_assert_cmpuint (direct_count ("platform", platform), ==, 2);

  g_assert_true (forget_key (store, platform, id_b, &error));
  g_assert_no_error (error);
  g_assert_true (forget_account (store, platform, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("platform", platform), ==, 0);
  g_assert_cmpuint (direct_count ("application", other_app), ==, 1);

  g_clear_pointer (&out, g_free);
  out = secret_tool (NULL, FALSE, "clear", "application", other_app, NULL);
  g_assert_nonnull (out);
}

static void
test_secret_account (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  g_autofree char *client_id = random_id ("admin-");
  g_autofree char *secret = random_id ("admin-secret-");
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *label = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  GList *items;

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  g_assert_true (save_account (store, platform, client_id, secret, &error));
  g_assert_no_error (error);
  /* A key of the same platform, which signing out must leave alone. */
  key = make_key (key_id, "Stays", "client-stays");
  label = save_key (store, platform, key, "secret-stays", &error);
  g_assert_no_error (error);

  items = direct_search ("client-id", client_id);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  attributes = secret_item_get_attributes (items->data);
  assert_attributes_exactly (attributes,
                             "platform", platform,
                             "client-id", client_id,
                             "xdg:schema", LK_SCHEMA_NAME_ACCOUNT,
                             NULL);
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

  account = lookup_account (store, platform, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpstr (account->client_id, ==, client_id);
  g_assert_cmpstr (account->client_secret, ==, secret);
  g_clear_pointer (&account, lk_account_free);

  account = lookup_account (store, platform, client_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->client_secret, ==, secret);
  g_clear_pointer (&account, lk_account_free);

  account = lookup_account (store, platform, "someone-else", &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_assert_null (account);
  g_clear_error (&error);

  /* Sign out. */
  g_assert_true (forget_account (store, platform, &error));
  g_assert_no_error (error);
  account = lookup_account (store, platform, NULL, &error);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (direct_count ("client-id", client_id), ==, 0);
  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 1);

  g_assert_true (forget_account (store, "", &error) == FALSE);
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
}

/* A caller's cancellation ends an operation promptly, with CANCELLED. */
static void
test_secret_cancel (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  lk_credential_store_find_keys_async (store, "https://api.cancel.example", cancellable,
                                       lk_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  lk_test_wait_result (&result, WAIT_MS);
  key_ids = lk_credential_store_find_keys_finish (store, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (key_ids);
}

/* Disposing the store (as its owner going away does) cancels what runs. */
static void
test_secret_dispose_cancels (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  lk_credential_store_find_keys_async (store, "https://api.dispose.example", NULL,
                                       lk_test_store_result, &result);
  g_object_run_dispose (G_OBJECT (store));
  lk_test_wait_result (&result, WAIT_MS);
  key_ids = lk_credential_store_find_keys_finish (store, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (key_ids);
}

/* A fresh store connects once, however many requests arrive together (as
 * at start-up: the remembered sign-in and the key list). */
static void
test_secret_concurrent (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  GAsyncResult *saved[4] = { NULL, };
  GAsyncResult *account_result = NULL;
  LkApiKey *keys[G_N_ELEMENTS (saved)];
  char *key_ids[G_N_ELEMENTS (saved)];

  if (!need_keyring ())
    return;

  store = lk_secret_store_new ();
  for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
    {
      g_autofree char *name = g_strdup_printf ("Concurrent %u", i);

      key_ids[i] = random_id ("key-");
      keys[i] = make_key (key_ids[i], name, "client-concurrent");
      lk_credential_store_save_key_async (store, platform, keys[i], "concurrent-secret", NULL,
                                          lk_test_store_result, &saved[i]);
    }
  lk_credential_store_save_account_async (store, platform, "admin-concurrent", "admin-secret",
                                          NULL, lk_test_store_result, &account_result);

  for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
    {
      g_autofree char *label = NULL;

      lk_test_wait_result (&saved[i], WAIT_MS);
      label = lk_credential_store_save_key_finish (store, saved[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (label);
      g_clear_object (&saved[i]);
    }
  lk_test_wait_result (&account_result, WAIT_MS);
  g_assert_true (lk_credential_store_save_account_finish (store, account_result, &error));
  g_assert_no_error (error);
  g_clear_object (&account_result);

  {
    g_autoptr (GHashTable) found = find_keys (store, platform, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (found), ==, G_N_ELEMENTS (saved));
  }

  for (guint i = 0; i < G_N_ELEMENTS (saved); i++)
    {
      g_assert_true (forget_key (store, platform, key_ids[i], &error));
      g_assert_no_error (error);
      g_object_unref (keys[i]);
      g_free (key_ids[i]);
    }
  g_assert_true (forget_account (store, platform, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("platform", platform), ==, 0);
}

/* In a subprocess, where no connection to the Secret Service exists yet:
 * operations that start together each connect, and libsecret may hand
 * each its own service instance.  Whatever the store keeps must stay
 * valid after those operations are done: the keyring changing later (an
 * item added, which makes libsecret reload the collection's items) must
 * not reach a collection whose service is gone (a critical, fatal here). */
static void
first_connection_child (void)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  GAsyncResult *results[4] = { NULL, };
  char *key_ids[G_N_ELEMENTS (results) + 2];

  for (guint i = 0; i < G_N_ELEMENTS (key_ids); i++)
    key_ids[i] = random_id ("key-");

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (LkApiKey) key = make_key (key_ids[i], "First connection", "client-first");

      lk_credential_store_save_key_async (store, platform, key, "first-secret", NULL,
                                          lk_test_store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *label = NULL;

      lk_test_wait_result (&results[i], WAIT_MS);
      label = lk_credential_store_save_key_finish (store, results[i], &error);
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }

  /* The operations above are done and their references dropped. */
  for (guint i = G_N_ELEMENTS (results); i < G_N_ELEMENTS (key_ids); i++)
    {
      g_autoptr (LkApiKey) key = make_key (key_ids[i], "First connection", "client-first");
      g_autofree char *label = save_key (store, platform, key, "later-secret", &error);
      g_autoptr (LkSecretString) found = NULL;

      g_assert_no_error (error);
      lk_test_spin (200);
      found = lookup_key (store, platform, key_ids[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, "later-secret");
    }

  for (guint i = 0; i < G_N_ELEMENTS (key_ids); i++)
    {
      g_assert_true (forget_key (store, platform, key_ids[i], &error));
      g_assert_no_error (error);
      g_free (key_ids[i]);
    }
  lk_test_spin (200);
}

static void
test_secret_first_connection (void)
{
  if (g_test_subprocess ())
    {
      first_connection_child ();
      return;
    }

  if (!need_keyring ())
    return;

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ---- Failures ---- */

/* Saves a key with a fresh LkSecretStore on whatever bus is current, and
 * checks the error, the time it took and that the secret is intact. */
static void
assert_save_fails (int         code,
                   int         other_code,
                   gint64      min_usec)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkApiKey) key = make_key ("key-fail", "Will fail", "client-fail");
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = g_strdup ("the-only-copy-of-this-secret");
  g_autofree char *label = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  label = save_key (store, "https://api.fail.example", key, secret, &error);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("failed after %" G_GINT64_FORMAT " ms: %s",
                  elapsed / 1000, error != NULL ? error->message : "(no error)");

  g_assert_null (label);
  g_assert_nonnull (error);
  g_assert_true (error->domain == LK_STORE_ERROR);
  g_assert_true (error->code == code || error->code == other_code);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, >=, min_usec);
  g_assert_null (strstr (error->message, secret));
  g_assert_cmpuint (strlen (error->message), >, 10);

  /* Nothing is lost: the caller still holds the secret. */
  g_assert_cmpstr (secret, ==, "the-only-copy-of-this-secret");
}

static void
test_secret_no_service (void)
{
  if (g_test_subprocess ())
    {
      /* A session bus with nothing on it.  This process has not touched
       * any bus before, so libsecret and GIO connect to this one. */
      g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

      g_test_dbus_up (bus);
      assert_save_fails (LK_STORE_ERROR_NO_SERVICE, LK_STORE_ERROR_NO_SERVICE, 0);
      g_test_dbus_down (bus);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A method call the fake service never answers. */
static void
silent_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  GPtrArray *pending = user_data;

  g_ptr_array_add (pending, g_object_ref (invocation));
}

static void
test_secret_silent_service (void)
{
  if (g_test_subprocess ())
    {
      static const char introspection[] =
        "<node>"
        "  <interface name='org.freedesktop.Secret.Service'>"
        "    <method name='OpenSession'>"
        "      <arg name='algorithm' type='s' direction='in'/>"
        "      <arg name='input' type='v' direction='in'/>"
        "      <arg name='output' type='v' direction='out'/>"
        "      <arg name='result' type='o' direction='out'/>"
        "    </method>"
        "  </interface>"
        "</node>";
      static const GDBusInterfaceVTable vtable = { silent_method_call, NULL, NULL };
      g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_autoptr (GDBusNodeInfo) node = NULL;
      g_autoptr (GDBusConnection) connection = NULL;
      g_autoptr (GPtrArray) pending = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = NULL;
      guint object_id;

      g_test_dbus_up (bus);

      /* The fake service owns the name on its own connection. */
      connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
      g_assert_no_error (error);
      node = g_dbus_node_info_new_for_xml (introspection, &error);
      g_assert_no_error (error);
      object_id = g_dbus_connection_register_object (connection, "/org/freedesktop/secrets",
                                                     node->interfaces[0], &vtable,
                                                     pending, NULL, &error);
      g_assert_no_error (error);
      reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "RequestName",
                                           g_variant_new ("(su)", "org.freedesktop.secrets", 0),
                                           G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                                           5000, NULL, &error);
      g_assert_no_error (error);

      assert_save_fails (LK_STORE_ERROR_TIMEOUT, LK_STORE_ERROR_TIMEOUT,
                         (LK_STORE_TIMEOUT_SECONDS - 1) * G_USEC_PER_SEC);
      g_assert_cmpuint (pending->len, >, 0);

      g_dbus_connection_unregister_object (connection, object_id);
      g_ptr_array_set_size (pending, 0);
      g_dbus_connection_close_sync (connection, NULL, NULL);
      g_test_dbus_down (bus);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The default collection's object path and whether it is locked, asked
 * of the service itself (libsecret's proxies cache properties). */
static gboolean
default_collection_locked (GDBusConnection  *connection,
                           char            **out_path)
{
  g_autoptr (GVariant) alias = NULL;
  g_autoptr (GVariant) locked = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GError) error = NULL;
  const char *path = NULL;

  alias = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"), G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (alias, "(&o)", &path);
  g_assert_cmpstr (path, !=, "/");

  locked = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets", path,
                                        "org.freedesktop.DBus.Properties", "Get",
                                        g_variant_new ("(ss)", "org.freedesktop.Secret.Collection", "Locked"),
                                        G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (locked, "(v)", &value);

  if (out_path != NULL)
    *out_path = g_strdup (path);

  return g_variant_get_boolean (value);
}

/* Unlocks the default collection without a prompt, through gnome-keyring's
 * interface for tools that hold the password (build-aux/session-inner
 * created the keyring with KEYRING_PASSWORD).  A private connection, since
 * the transfer session belongs to the connection that opened it. */
static void
unlock_with_password (void)
{
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *collection = NULL;
  g_autofree char *session = NULL;
  GVariant *password;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  if (!default_collection_locked (connection, &collection))
    return;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "OpenSession",
                                       g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                       G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE,
                                       5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(vo)", NULL, &session);

  password = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, KEYRING_PASSWORD,
                                        strlen (KEYRING_PASSWORD), 1);
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                       "UnlockWithMasterPassword",
                                       g_variant_new ("(o(o@ay@ays))", collection, session,
                                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                                                      password, "text/plain"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);

  g_dbus_connection_close_sync (connection, NULL, NULL);
}

/* In a subprocess, with the default collection locked. */
static void
locked_child (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autoptr (GHashTable) key_ids = NULL;
  g_autoptr (GError) error = NULL;
  const char *platform = g_getenv ("LK_TEST_LOCKED_PLATFORM");
  const char *key_id = g_getenv ("LK_TEST_LOCKED_KEY_ID");
  gint64 start;

  assert_save_fails (LK_STORE_ERROR_LOCKED, LK_STORE_ERROR_TIMEOUT, 0);

  /* A stored key is not reported missing while the keyring is locked. */
  g_assert_nonnull (platform);
  g_assert_nonnull (key_id);
  store = lk_secret_store_new ();
  start = g_get_monotonic_time ();
  found = lookup_key (store, platform, key_id, &error);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED) ||
                 g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_TIMEOUT));
  g_assert_null (found);
  g_clear_error (&error);

  key_ids = find_keys (store, platform, &error);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED) ||
                 g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_TIMEOUT));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* The quiet store (the startup prefetch's) asks for no unlock: locked
   * at once, where asking would wait out the prompt (here, the store's
   * timeout), and the keyring stays locked. */
  {
    g_autoptr (LkCredentialStore) quiet = lk_secret_store_new_quiet ();
    g_autoptr (LkSecretString) quietly = NULL;
    g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

    start = g_get_monotonic_time ();
    quietly = lookup_key (quiet, platform, key_id, &error);
    g_assert_null (quietly);
    g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, LK_STORE_TIMEOUT_SECONDS * G_USEC_PER_SEC);
    g_assert_true (default_collection_locked (bus, NULL));
  }
}

static void
test_secret_locked (void)
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *label = NULL;
  GList *objects;
  int n_locked;

  if (g_test_subprocess ())
    {
      /* The desktop cannot show the unlock prompt here: the daemon has no
       * display, so the prompt fails or never answers. */
      locked_child ();
      return;
    }

  if (!need_keyring ())
    return;

  /* A key stored while the keyring is open. */
  store = lk_secret_store_new ();
  key = make_key (key_id, "Locked away", "client-locked");
  label = save_key (store, platform, key, "locked-secret", &error);
  g_assert_no_error (error);
  g_setenv ("LK_TEST_LOCKED_PLATFORM", platform, TRUE);
  g_setenv ("LK_TEST_LOCKED_KEY_ID", key_id, TRUE);

  service = direct_service ();
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);

  objects = g_list_append (NULL, collection);
  n_locked = secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_cmpint (n_locked, ==, 1);

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);

  /* Unlock again before asserting, so a failure here leaves the keyring
   * usable for the tests that follow. */
  unlock_with_password ();
  {
    g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

    g_assert_false (default_collection_locked (bus, NULL));
  }

  /* And the keyring works again, for this store too. */
  {
    g_autoptr (LkSecretString) found = lookup_key (store, platform, key_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (found, ==, "locked-secret");
  }
  g_assert_true (forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);

  g_test_trap_assert_passed ();
}

/* Locks the default collection, as another program or the screen lock
 * would, behind the back of any LkSecretStore. */
static void
lock_default_collection (void)
{
  g_autoptr (SecretService) service = direct_service ();
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GError) error = NULL;
  GList *objects;
  int n_locked;

  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_append (NULL, collection);
  n_locked = secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_cmpint (n_locked, ==, 1);
}

static void
assert_locked_error (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED) ||
                 g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_TIMEOUT));
}

/* In a subprocess: a store that has already seen the default collection
 * unlocked (and so no longer asks before each operation) meets it locked.
 * Every operation still says "locked" (or, if the service never answers
 * the prompt, "timed out"): a lookup does not report the key missing, a
 * forget does not report success with nothing removed.  Each operation
 * gets the keyring unlocked, one successful lookup, then the lock, so
 * each meets the lock first. */
static void
locked_later_child (void)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (GError) error = NULL;
  const char *platform = g_getenv ("LK_TEST_LOCKED_PLATFORM");
  const char *key_id = g_getenv ("LK_TEST_LOCKED_KEY_ID");

  g_assert_nonnull (platform);
  g_assert_nonnull (key_id);

  for (guint step = 0; step < 4; step++)
    {
      g_autoptr (LkSecretString) found = NULL;
      g_autoptr (GHashTable) key_ids = NULL;
      g_autoptr (LkApiKey) other = NULL;
      g_autofree char *other_label = NULL;
      gint64 start;

      /* While unlocked: the store learns the default collection. */
      unlock_with_password ();
      found = lookup_key (store, platform, key_id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, "locked-later-secret");
      g_clear_pointer (&found, lk_secret_free);

      lock_default_collection ();
      start = g_get_monotonic_time ();

      switch (step)
        {
        case 0:
          found = lookup_key (store, platform, key_id, &error);
          g_assert_null (found);
          break;
        case 1:
          key_ids = find_keys (store, platform, &error);
          g_assert_null (key_ids);
          break;
        case 2:
          g_assert_false (forget_key (store, platform, key_id, &error));
          break;
        case 3:
          other = make_key ("key-locked-later-other", "Other", "client-other");
          other_label = save_key (store, platform, other, "other-secret", &error);
          g_assert_null (other_label);
          break;
        default:
          g_assert_not_reached ();
        }

      g_test_message ("step %u: %s", step, error != NULL ? error->message : "(no error)");
      assert_locked_error (error);
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 11 * G_USEC_PER_SEC);
    }
}

static void
test_secret_locked_later (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = random_platform ();
  g_autofree char *key_id = random_id ("key-");
  g_autofree char *label = NULL;

  if (g_test_subprocess ())
    {
      locked_later_child ();
      return;
    }

  if (!need_keyring ())
    return;

  /* A key stored while the keyring is open, by a store that is connected
   * before the keyring changes (as in /lk/store/secret/locked). */
  store = lk_secret_store_new ();
  key = make_key (key_id, "Locked later", "client-locked-later");
  label = save_key (store, platform, key, "locked-later-secret", &error);
  g_assert_no_error (error);

  g_setenv ("LK_TEST_LOCKED_PLATFORM", platform, TRUE);
  g_setenv ("LK_TEST_LOCKED_KEY_ID", key_id, TRUE);
  g_test_trap_subprocess (NULL, 90 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);

  /* Unlock again before asserting, so a failure leaves the keyring usable. */
  unlock_with_password ();

  /* The refused forget removed nothing, the refused save stored nothing. */
  found = lookup_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "locked-later-secret");
  g_assert_cmpuint (direct_count ("key-id", "key-locked-later-other"), ==, 0);
  g_assert_true (forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (direct_count ("key-id", key_id), ==, 0);

  g_test_trap_assert_passed ();
}

/* ---- The in-memory store ---- */

static void
test_memory_roundtrip (void)
{
  g_autoptr (LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr (LkApiKey) key = make_key ("key-1", "Memory", "client-1");
  g_autoptr (LkApiKey) key2 = make_key ("key-2", "Memory 2", "client-2");
  g_autoptr (LkApiKey) renamed = make_key ("key-1", "Memory renamed", "client-1");
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autofree char *label = NULL;
  const char *platform = "https://api.memory.example";

  label = save_key (store, platform, key, "memory-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (label, ==, "HiddenLayer API key “Memory”");
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform, key, "memory-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 1);
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform, renamed, "memory-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 1);
  g_clear_pointer (&label, g_free);
  label = save_key (store, platform, key2, "memory-secret-2", &error);
  g_assert_no_error (error);
  g_assert_true (save_account (store, platform, "admin", "admin-secret", &error));
  g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 3);

  found = lookup_key (store, platform, "key-2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "memory-secret-2");

  key_ids = find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (key_ids), ==, 2);
  g_assert_true (g_hash_table_contains (key_ids, "key-1"));
  g_assert_true (g_hash_table_contains (key_ids, "key-2"));

  account = lookup_account (store, platform, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->client_id, ==, "admin");
  g_assert_cmpstr (account->client_secret, ==, "admin-secret");

  g_assert_false (forget_key (store, platform, "", &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 3);

  g_assert_true (forget_key (store, platform, "key-1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 2);
  g_assert_true (forget_account (store, platform, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&store));
}

static void
test_memory_async (void)
{
  g_autoptr (LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr (LkApiKey) key = make_key ("key-1", "Memory", "client-1");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  /* Never completes before the _async call returns. */
  lk_credential_store_save_key_async (store, "https://api.memory.example", key, "s", NULL,
                                      lk_test_store_result, &result);
  g_assert_null (result);
  lk_test_wait_result (&result, WAIT_MS);
  label = lk_credential_store_save_key_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (label);
}

static void
test_memory_failure (void)
{
  g_autoptr (LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr (LkApiKey) key = make_key ("key-1", "Memory", "client-1");
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

      label = save_key (store, platform, key, "secret", &error);
      g_assert_error (error, LK_STORE_ERROR, codes[i]);
      g_assert_null (label);
      g_assert_null (strstr (error->message, "secret"));
      g_clear_error (&error);

      key_ids = find_keys (store, platform, &error);
      g_assert_error (error, LK_STORE_ERROR, codes[i]);
      g_assert_null (key_ids);
      g_clear_error (&error);

      g_assert_false (forget_key (store, platform, "key-1", &error));
      g_assert_error (error, LK_STORE_ERROR, codes[i]);
      g_clear_error (&error);

      /* Refusals come first: the store is never asked. */
      g_assert_false (forget_key (store, platform, NULL, &error));
      g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_INVALID);
      g_clear_error (&error);

      g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 0);
    }

  lk_memory_store_set_failure (LK_MEMORY_STORE (store), -1);
  label = save_key (store, platform, key, "secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lk_memory_store_get_n_items (LK_MEMORY_STORE (store)), ==, 1);
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
  g_test_add_func ("/lk/store/secret/no-service", test_secret_no_service);
  g_test_add_func ("/lk/store/secret/silent-service", test_secret_silent_service);
  /* Last: these lock the keyring (and unlock it again). */
  g_test_add_func ("/lk/store/secret/locked-later", test_secret_locked_later);
  g_test_add_func ("/lk/store/secret/locked", test_secret_locked);
  /* After every test that uses the keyring in this process: its child
   * adds and removes items, and libsecret 0.20.5 (the cached service of
   * this process, with the default collection's items loaded) can then
   * return one of its own tasks twice when it reloads them, a fatal
   * critical in a test. */
  g_test_add_func ("/lk/store/secret/first-connection", test_secret_first_connection);

  return g_test_run ();
}
