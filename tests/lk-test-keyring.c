/* lk-test-keyring.c: the keyring as the store tests see it
 *
 * The credential store's operations run to their end (bounded), the
 * keyring looked at directly (through a libsecret connection of the
 * test's own, and through secret-tool, as an admin's scripts see it), and
 * the keyring put back as every case starts from: unlocked, with no item
 * a test could have left.  For test-store and test-keyring-race, which run
 * in the private session of build-aux/dev test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-test-keyring"

#include "config.h"

#include <string.h>

#include "lk-test-keyring.h"
#include "lk-test-util.h"

#define KEYRING_PASSWORD   "layer-keys-test"   /* as in build-aux/session-inner */

/* ---- Helpers ---- */

char *
lk_test_random_id (const char *prefix)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strconcat (prefix, uuid, NULL);
}

char *
lk_test_random_platform (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("https://api.%.8s.example", uuid);
}

LkApiKey *
lk_test_make_key (const char *id,
                  const char *name,
                  const char *client_id)
{
  /* 2027-03-01T12:00:00Z */
  return lk_api_key_new (id, name, client_id, "admin@example.com",
                         1788048000, 1803902400, NULL);
}

char *
lk_test_save_key (LkCredentialStore  *store,
                  const char         *platform,
                  LkApiKey           *key,
                  const char         *secret,
                  GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_save_key_async (store, platform, key, secret, NULL,
                                      lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_save_key_finish (store, result, error);
}

LkSecretString *
lk_test_lookup_key (LkCredentialStore  *store,
                    const char         *platform,
                    const char         *key_id,
                    GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_lookup_key_async (store, platform, key_id, NULL,
                                        lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_lookup_key_finish (store, result, error);
}

GHashTable *
lk_test_find_keys (LkCredentialStore  *store,
                   const char         *platform,
                   GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_find_keys_async (store, platform, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_find_keys_finish (store, result, error);
}

gboolean
lk_test_forget_key (LkCredentialStore  *store,
                    const char         *platform,
                    const char         *key_id,
                    GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_forget_key_async (store, platform, key_id, NULL,
                                        lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_forget_key_finish (store, result, error);
}

LkPlatform *
lk_test_platform_for_id (const char *platform)
{
  g_autofree char *token_url = NULL;

  if (platform == NULL || platform[0] == '\0')
    return NULL;

  token_url = g_strconcat (platform, "/oauth2/token", NULL);
  return lk_platform_new_custom (platform, token_url, NULL, NULL);
}

gboolean
lk_test_remember_account (LkCredentialStore  *store,
                          const char         *platform,
                          const char         *client_id,
                          const char         *secret,
                          GError            **error)
{
  g_autoptr (LkPlatform) bound = lk_test_platform_for_id (platform);
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_remember_account_async (store, bound, client_id, secret, NULL,
                                              lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_remember_account_finish (store, result, error);
}

LkAccount *
lk_test_find_account (LkCredentialStore  *store,
                      const char         *platform,
                      const char         *client_id,
                      GError            **error)
{
  g_autoptr (LkPlatform) bound = lk_test_platform_for_id (platform);
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_find_account_async (store, bound, client_id, NULL,
                                          lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_find_account_finish (store, result, error);
}

GPtrArray *
lk_test_list_accounts (LkCredentialStore  *store,
                       const char         *client_id,
                       GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_list_accounts_async (store, client_id, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_list_accounts_finish (store, result, error);
}

gboolean
lk_test_forget_account (LkCredentialStore  *store,
                        const char         *platform,
                        const char         *client_id,
                        GError            **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  lk_credential_store_forget_account_async (store, platform, client_id, NULL,
                                            lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  return lk_credential_store_forget_account_finish (store, result, error);
}

void
lk_test_remember_unbound (LkCredentialStore *store,
                          const char        *platform,
                          const char        *client_id,
                          const char        *secret)
{
  LkCredentialStoreClass *klass = LK_CREDENTIAL_STORE_GET_CLASS (store);
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *label = g_strdup_printf ("HiddenLayer sign-in for %s on %s", client_id, platform);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_hash_table_insert (attributes, (gpointer) "platform", (gpointer) platform);
  g_hash_table_insert (attributes, (gpointer) "client-id", (gpointer) client_id);
  klass->store_async (store, LK_SCHEMA_ACCOUNT, attributes, label, secret, NULL,
                      lk_test_store_result, &result);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  g_assert_true (klass->store_finish (store, result, &error));
  g_assert_no_error (error);
}

/* ---- Looking at the keyring directly ---- */

/* A connection of the test's own, without SECRET_SERVICE_LOAD_COLLECTIONS:
 * libsecret 0.20.5 reloads a loaded collection's items whenever another
 * process changes them, and that reload can finish its task twice (a
 * critical, fatal in a test) when an item is deleted before it is read.
 * libsecret's shared instance, with collections loaded, made this process
 * depend on what the cases before it did to the keyring. */
SecretService *
lk_test_direct_service (void)
{
  g_autoptr (GError) error = NULL;
  SecretService *service;

  service = secret_service_open_sync (SECRET_TYPE_SERVICE, NULL, SECRET_SERVICE_OPEN_SESSION,
                                      NULL, &error);
  g_assert_no_error (error);
  return service;
}

/* Every item (of any schema) whose attribute @name is @value, with secrets. */
GList *
lk_test_direct_search (const char *name,
                       const char *value)
{
  g_autoptr (SecretService) service = lk_test_direct_service ();
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

guint
lk_test_direct_count (const char *name,
                      const char *value)
{
  GList *items = lk_test_direct_search (name, value);
  guint n = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n;
}

/* Runs secret-tool (bounded by timeout(1)) in a UTF-8 locale with @input
 * on stdin; returns its stdout (followed by its stderr when @with_stderr:
 * "search" prints the attributes there), or NULL when it fails. */
char *
lk_test_secret_tool (const char *input,
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

/* ---- Locking and unlocking ---- */

/* The default collection's object path and whether it is locked, asked
 * of the service itself (libsecret's proxies cache properties). */
gboolean
lk_test_default_collection_locked (GDBusConnection  *connection,
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
void
lk_test_unlock_keyring (void)
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

  if (!lk_test_default_collection_locked (connection, &collection))
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

/* Locks the default collection, as another program or the screen lock
 * would, behind the back of any LkSecretStore. */
void
lk_test_lock_keyring (void)
{
  g_autoptr (SecretService) service = lk_test_direct_service ();
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

/* ---- Every case from the same keyring ---- */

/* Whether an item's attributes are those a test of ours stores: our two
 * schemas, the attributes of our API-key items (secret-tool's, too), and
 * the "other application" of /lk/store/secret/forget-refuses. */
static gboolean
is_test_item (GVariant *attributes)
{
  const char *schema = NULL;
  const char *application = NULL;
  const char *ignored;

  if (g_variant_lookup (attributes, "xdg:schema", "&s", &schema) &&
      (g_str_equal (schema, LK_SCHEMA_NAME_API_KEY) || g_str_equal (schema, LK_SCHEMA_NAME_ACCOUNT)))
    return TRUE;

  if (g_variant_lookup (attributes, "key-id", "&s", &ignored) ||
      g_variant_lookup (attributes, "platform", "&s", &ignored))
    return TRUE;

  return g_variant_lookup (attributes, "application", "&s", &application) &&
         g_str_has_prefix (application, "org.example.Other-");
}

static GVariant *
get_property (GDBusConnection *bus,
              const char      *path,
              const char      *interface,
              const char      *name,
              GError         **error)
{
  g_autoptr (GVariant) reply = NULL;
  GVariant *value = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", path,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", interface, name),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                                       5000, NULL, error);
  if (reply != NULL)
    g_variant_get (reply, "(v)", &value);

  return value;
}

void
lk_test_keyring_fresh (void)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) items = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *collection = NULL;
  GVariantIter iter;
  const char *item;
  guint n_removed = 0;

  /* A case that locked it and failed before unlocking it again. */
  lk_test_unlock_keyring ();

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lk_test_default_collection_locked (bus, &collection));

  items = get_property (bus, collection, "org.freedesktop.Secret.Collection", "Items", &error);
  g_assert_no_error (error);

  g_variant_iter_init (&iter, items);
  while (g_variant_iter_next (&iter, "&o", &item))
    {
      g_autoptr (GVariant) attributes = NULL;
      g_autoptr (GVariant) reply = NULL;
      g_autoptr (GError) item_error = NULL;

      attributes = get_property (bus, item, "org.freedesktop.Secret.Item", "Attributes", &item_error);
      if (attributes == NULL || !is_test_item (attributes))
        continue;

      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", item,
                                           "org.freedesktop.Secret.Item", "Delete", NULL,
                                           G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                                           5000, NULL, &item_error);
      g_assert_no_error (item_error);
      n_removed++;
    }

  if (n_removed > 0)
    g_test_message ("removed %u keyring items an earlier case left", n_removed);
}

gboolean
lk_test_need_keyring (void)
{
  if (!lk_test_have_secret_service ())
    {
      g_test_skip ("no Secret Service on the session bus; run under build-aux/dev test");
      return FALSE;
    }

  /* These tests lock the default collection, unlock it with the test
   * keyring's password and remove items: never on a person's own keyring. */
  if (g_getenv ("LK_TEST_SCRATCH") == NULL)
    {
      g_test_skip ("not in the private session of build-aux/dev test");
      return FALSE;
    }

  lk_test_keyring_fresh ();
  return TRUE;
}
