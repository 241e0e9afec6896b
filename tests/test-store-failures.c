/* test-store-failures.c: the Secret Service store when things go wrong
 *
 * Part of test-store (see test-store.c).  An operation cancelled, or its
 * store disposed; a store's first connection; a session bus without a
 * Secret Service, one that never answers; and a keyring locked before or
 * after the store first used it.  The cases that need a different bus run
 * in subprocesses, because libsecret and GIO cache the session bus for the
 * life of a process; the lock cases unlock the keyring again before they
 * assert, and the next case's lk_test_need_keyring() unlocks it whatever
 * happened.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <string.h>

#include "lk-test-keyring.h"
#include "lk-test-util.h"
#include "test-store.h"

/* ---- Cut short ---- */

/* A caller's cancellation ends an operation promptly, with CANCELLED. */
void
test_secret_cancel (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  lk_credential_store_find_keys_async (store, "https://api.cancel.example", cancellable,
                                       lk_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  key_ids = lk_credential_store_find_keys_finish (store, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (key_ids);
}

/* Disposing the store (as its owner going away does) cancels what runs. */
void
test_secret_dispose_cancels (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) key_ids = NULL;

  if (!lk_test_need_keyring ())
    return;

  store = lk_secret_store_new ();
  lk_credential_store_find_keys_async (store, "https://api.dispose.example", NULL,
                                       lk_test_store_result, &result);
  g_object_run_dispose (G_OBJECT (store));
  lk_test_wait_result (&result, LK_TEST_KEYRING_WAIT_MS);
  key_ids = lk_credential_store_find_keys_finish (store, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (key_ids);
}

/* ---- The first connection ---- */

/* In a subprocess, where no connection to the Secret Service exists yet:
 * operations that start together each connect, each with a service
 * instance of its own.  Whatever the store keeps must stay valid after
 * those operations are done: the keyring changing later (an item added)
 * must not reach a collection whose service is gone (a critical, fatal
 * here). */
static void
first_connection_child (void)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  GAsyncResult *results[4] = { NULL, };
  char *key_ids[G_N_ELEMENTS (results) + 2];

  for (guint i = 0; i < G_N_ELEMENTS (key_ids); i++)
    key_ids[i] = lk_test_random_id ("key-");

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (LkApiKey) key = lk_test_make_key (key_ids[i], "First connection", "client-first");

      lk_credential_store_save_key_async (store, platform, key, "first-secret", NULL,
                                          lk_test_store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *label = NULL;

      lk_test_wait_result (&results[i], LK_TEST_KEYRING_WAIT_MS);
      label = lk_credential_store_save_key_finish (store, results[i], &error);
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }

  /* The operations above are done and their references dropped. */
  for (guint i = G_N_ELEMENTS (results); i < G_N_ELEMENTS (key_ids); i++)
    {
      g_autoptr (LkApiKey) key = lk_test_make_key (key_ids[i], "First connection", "client-first");
      g_autofree char *label = lk_test_save_key (store, platform, key, "later-secret", &error);
      g_autoptr (LkSecretString) found = NULL;

      g_assert_no_error (error);
      lk_test_spin (200);
      found = lk_test_lookup_key (store, platform, key_ids[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, "later-secret");
    }

  for (guint i = 0; i < G_N_ELEMENTS (key_ids); i++)
    {
      g_assert_true (lk_test_forget_key (store, platform, key_ids[i], &error));
      g_assert_no_error (error);
      g_free (key_ids[i]);
    }
  lk_test_spin (200);
}

void
test_secret_first_connection (void)
{
  if (g_test_subprocess ())
    {
      first_connection_child ();
      return;
    }

  if (!lk_test_need_keyring ())
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
  g_autoptr (LkApiKey) key = lk_test_make_key ("key-fail", "Will fail", "client-fail");
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = g_strdup ("the-only-copy-of-this-secret");
  g_autofree char *label = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  label = lk_test_save_key (store, "https://api.fail.example", key, secret, &error);
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

void
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

void
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
  found = lk_test_lookup_key (store, platform, key_id, &error);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED) ||
                 g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_TIMEOUT));
  g_assert_null (found);
  g_clear_error (&error);

  key_ids = lk_test_find_keys (store, platform, &error);
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
    quietly = lk_test_lookup_key (quiet, platform, key_id, &error);
    g_assert_null (quietly);
    g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, LK_STORE_TIMEOUT_SECONDS * G_USEC_PER_SEC);
    g_assert_true (lk_test_default_collection_locked (bus, NULL));
  }
}

void
test_secret_locked (void)
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *key_id = lk_test_random_id ("key-");
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

  if (!lk_test_need_keyring ())
    return;

  /* A key stored while the keyring is open. */
  store = lk_secret_store_new ();
  key = lk_test_make_key (key_id, "Locked away", "client-locked");
  label = lk_test_save_key (store, platform, key, "locked-secret", &error);
  g_assert_no_error (error);
  g_setenv ("LK_TEST_LOCKED_PLATFORM", platform, TRUE);
  g_setenv ("LK_TEST_LOCKED_KEY_ID", key_id, TRUE);

  service = lk_test_direct_service ();
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
  lk_test_unlock_keyring ();
  {
    g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

    g_assert_false (lk_test_default_collection_locked (bus, NULL));
  }

  /* And the keyring works again, for this store too. */
  {
    g_autoptr (LkSecretString) found = lk_test_lookup_key (store, platform, key_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (found, ==, "locked-secret");
  }
  g_assert_true (lk_test_forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);

  g_test_trap_assert_passed ();
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
      lk_test_unlock_keyring ();
      found = lk_test_lookup_key (store, platform, key_id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, "locked-later-secret");
      g_clear_pointer (&found, lk_secret_free);

      lk_test_lock_keyring ();
      start = g_get_monotonic_time ();

      switch (step)
        {
        case 0:
          found = lk_test_lookup_key (store, platform, key_id, &error);
          g_assert_null (found);
          break;
        case 1:
          key_ids = lk_test_find_keys (store, platform, &error);
          g_assert_null (key_ids);
          break;
        case 2:
          g_assert_false (lk_test_forget_key (store, platform, key_id, &error));
          break;
        case 3:
          other = lk_test_make_key ("key-locked-later-other", "Other", "client-other");
          other_label = lk_test_save_key (store, platform, other, "other-secret", &error);
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

void
test_secret_locked_later (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkSecretString) found = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *platform = lk_test_random_platform ();
  g_autofree char *key_id = lk_test_random_id ("key-");
  g_autofree char *label = NULL;

  if (g_test_subprocess ())
    {
      locked_later_child ();
      return;
    }

  if (!lk_test_need_keyring ())
    return;

  /* A key stored while the keyring is open, by a store that is connected
   * before the keyring changes (as in /lk/store/secret/locked). */
  store = lk_secret_store_new ();
  key = lk_test_make_key (key_id, "Locked later", "client-locked-later");
  label = lk_test_save_key (store, platform, key, "locked-later-secret", &error);
  g_assert_no_error (error);

  g_setenv ("LK_TEST_LOCKED_PLATFORM", platform, TRUE);
  g_setenv ("LK_TEST_LOCKED_KEY_ID", key_id, TRUE);
  g_test_trap_subprocess (NULL, 90 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);

  /* Unlock again before asserting, so a failure leaves the keyring usable. */
  lk_test_unlock_keyring ();

  /* The refused forget removed nothing, the refused save stored nothing. */
  found = lk_test_lookup_key (store, platform, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "locked-later-secret");
  g_assert_cmpuint (lk_test_direct_count ("key-id", "key-locked-later-other"), ==, 0);
  g_assert_true (lk_test_forget_key (store, platform, key_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 0);

  g_test_trap_assert_passed ();
}
