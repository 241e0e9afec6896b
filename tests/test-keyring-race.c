/* test-keyring-race.c: the keyring store while another program changes items
 *
 * Runs in the private session of build-aux/dev test (its own D-Bus and an
 * unlocked gnome-keyring).  keyring-hammer, a second process, stores and
 * deletes items in a loop while a LkSecretStore connects, searches,
 * stores, reads and deletes, for RACE_SECONDS.  Now and then the test
 * keeps its main loop busy for a moment, as the window does while it
 * fills a long key table, so the keyring's change signals pile up and
 * arrive together.
 *
 * What fails it: a GLib critical (libsecret 0.20.5 finishing one of its
 * tasks twice; see "Other programs in the keyring at the same time" in
 * docs/security.md), which is fatal in a test, or a wrong answer: a
 * search that fails because an item it found was deleted before it was
 * read, a forget that reports an error because the item was already gone,
 * our own key not found.  The race runs in a subprocess, so a critical is
 * reported as this test failing, with its message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-keyring-race"

#include "config.h"

#include <signal.h>

#include "lk-secret-store-private.h"
#include "lk-test-keyring.h"
#include "lk-test-util.h"

#define RACE_SECONDS   12
#define BUSY_MS        150

/* Every key of @platform, through a store of its own. */
static void
forget_platform (const char *platform)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (GHashTable) keys = NULL;
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  gpointer key_id;

  keys = lk_test_find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key_id, NULL))
    {
      g_assert_true (lk_test_forget_key (store, platform, key_id, &error));
      g_assert_no_error (error);
    }
}

/* The round's checks; each failure is fatal. */
static void
race_round (LkCredentialStore *store,
            const char        *platform,
            const char        *shared,
            guint              round)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) keys = NULL;
  g_autoptr (LkApiKey) own = NULL;
  g_autoptr (LkApiKey) other = NULL;
  g_autofree char *own_id = g_strdup_printf ("race-own-%u", round);
  g_autofree char *shared_id = g_strdup_printf ("race-shared-%u", round);
  g_autofree char *secret = g_strdup_printf ("race-secret-%u", round);
  g_autofree char *label = NULL;
  g_autofree char *shared_label = NULL;
  g_autoptr (LkSecretString) found = NULL;

  /* Ours, on the platform whose items the other program keeps adding and
   * removing; and one on the platform whose items it deletes. */
  own = lk_test_make_key (own_id, "Race", "client-race");
  other = lk_test_make_key (shared_id, "Race", "client-race");
  label = lk_test_save_key (store, platform, own, secret, &error);
  g_assert_no_error (error);
  shared_label = lk_test_save_key (store, shared, other, secret, &error);
  g_assert_no_error (error);

  /* Busy: the other program goes on meanwhile. */
  g_usleep (BUSY_MS * 1000);

  keys = lk_test_find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (keys, own_id));

  found = lk_test_lookup_key (store, platform, own_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);

  /* Removed by us or by the other program first: forgotten either way. */
  g_assert_true (lk_test_forget_key (store, shared, shared_id, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_forget_key (store, platform, own_id, &error));
  g_assert_no_error (error);

  lk_test_spin (20);
}

static void
race_child (void)
{
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GSubprocess) hammer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *hammer_path = g_test_build_filename (G_TEST_BUILT, "keyring-hammer", NULL);
  g_autofree char *seconds = g_strdup_printf ("%d", RACE_SECONDS + 10);
  g_autofree char *out = NULL;
  const char *platform = g_getenv ("LK_TEST_RACE_PLATFORM");
  const char *shared = g_getenv ("LK_TEST_RACE_SHARED");
  gint64 deadline;
  guint round;

  g_assert_nonnull (platform);
  g_assert_nonnull (shared);

  hammer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             hammer_path, platform, shared, seconds, NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + RACE_SECONDS * G_USEC_PER_SEC;
  for (round = 0; g_get_monotonic_time () < deadline; round++)
    {
      /* A new store now and then: it connects, and looks at the default
       * collection, while the other program changes it. */
      if (round % 4 == 0)
        {
          g_clear_object (&store);
          store = lk_secret_store_new ();
        }

      race_round (store, platform, shared, round);
    }

  g_subprocess_send_signal (hammer, SIGTERM);
  g_subprocess_communicate_utf8 (hammer, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%u rounds; the other program: %s", round, out != NULL ? out : "(nothing)");

  /* Whatever arrives late finds the tasks finished, once. */
  lk_test_spin (500);
}

static void
test_race (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *platform = g_strdup_printf ("https://api.race-%.8s.example", uuid);
  g_autofree char *shared = g_strdup_printf ("https://api.shared-%.8s.example", uuid);

  if (g_test_subprocess ())
    {
      race_child ();
      return;
    }

  if (!lk_test_need_keyring ())
    return;

  g_setenv ("LK_TEST_RACE_PLATFORM", platform, TRUE);
  g_setenv ("LK_TEST_RACE_SHARED", shared, TRUE);
  g_test_trap_subprocess (NULL, (RACE_SECONDS + 20) * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);

  /* Whatever a failed run left behind. */
  forget_platform (platform);
  forget_platform (shared);

  g_test_trap_assert_passed ();
}

/* Two stores (the app and layer-keys-cli, say) forget the same key at the
 * same moment: both find the item, one deletes it, and the other's delete
 * meets an item that is gone.  Both have forgotten it.  libsecret 0.20.5's
 * secret_service_clear() returned that task twice (an error, then TRUE),
 * every time: no other program needed. */
static void
forget_twice_child (void)
{
  g_autoptr (LkCredentialStore) first = lk_secret_store_new ();
  g_autoptr (LkCredentialStore) second = lk_secret_store_new ();
  g_autofree char *platform = lk_test_random_platform ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *key_id = g_strdup_printf ("twice-%u", i);
      g_autoptr (LkApiKey) key = lk_test_make_key (key_id, "Twice", "client-twice");
      g_autofree char *label = lk_test_save_key (first, platform, key, "twice-secret", &error);
      g_autoptr (GAsyncResult) result_first = NULL;
      g_autoptr (GAsyncResult) result_second = NULL;

      g_assert_no_error (error);

      /* The second store learns the keyring first, so both take the same
       * path (the fast one) from here. */
      g_assert_true (lk_test_forget_key (second, platform, "not-there", &error));
      g_assert_no_error (error);

      lk_credential_store_forget_key_async (first, platform, key_id, NULL,
                                            lk_test_store_result, &result_first);
      lk_credential_store_forget_key_async (second, platform, key_id, NULL,
                                            lk_test_store_result, &result_second);
      lk_test_wait_result (&result_first, LK_TEST_KEYRING_WAIT_MS);
      lk_test_wait_result (&result_second, LK_TEST_KEYRING_WAIT_MS);
      g_assert_true (lk_credential_store_forget_key_finish (first, result_first, &error));
      g_assert_no_error (error);
      g_assert_true (lk_credential_store_forget_key_finish (second, result_second, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 0);
    }

  lk_test_spin (200);
}

static void
test_forget_twice (void)
{
  if (g_test_subprocess ())
    {
      forget_twice_child ();
      return;
    }

  if (!lk_test_need_keyring ())
    return;

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The store keeps the default collection's proxy.  GDBusProxy empties its
 * property cache when the service's name changes hands and fills it again
 * later; an item created or deleted by another program in between reached
 * libsecret 0.20.5's handler, which read the missing Items property and
 * crashed (a SEGV in g_variant_iter_init(), seen once in test-ui-accounts).
 * The cache is emptied here by hand, as a new owner would find it. */
static void
items_not_cached_child (void)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autofree char *platform = lk_test_random_platform ();
  g_autoptr (LkApiKey) first = lk_test_make_key ("uncached-1", "Uncached", "client-uncached-1");
  g_autoptr (LkApiKey) second = lk_test_make_key ("uncached-2", "Uncached", "client-uncached-2");
  g_autofree char *label = NULL;
  g_autofree char *output = NULL;
  g_autoptr (GHashTable) keys = NULL;
  g_autoptr (GError) error = NULL;
  SecretCollection *collection;

  label = lk_test_save_key (store, platform, first, "uncached-secret-1", &error);
  g_assert_no_error (error);
  collection = LK_SECRET_STORE (store)->collection;
  g_assert_nonnull (collection);

  g_dbus_proxy_set_cached_property (G_DBUS_PROXY (collection), "Items", NULL);

  /* Another program stores an item, then deletes it: ItemCreated, then
   * ItemDeleted, on the default collection. */
  output = lk_test_secret_tool ("other-secret", FALSE, "store", "--label=Other program",
                                "lk-test-uncached", platform, NULL);
  g_assert_nonnull (output);
  g_clear_pointer (&output, g_free);
  lk_test_spin (300);
  output = lk_test_secret_tool (NULL, FALSE, "clear", "lk-test-uncached", platform, NULL);
  g_assert_nonnull (output);
  lk_test_spin (300);

  /* The store goes on, looking the collection up again. */
  g_free (lk_test_save_key (store, platform, second, "uncached-secret-2", &error));
  g_assert_no_error (error);
  keys = lk_test_find_keys (store, platform, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 2);
  g_assert_true (lk_test_forget_key (store, platform, "uncached-1", &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_forget_key (store, platform, "uncached-2", &error));
  g_assert_no_error (error);
}

static void
test_items_not_cached (void)
{
  if (g_test_subprocess ())
    {
      items_not_cached_child ();
      return;
    }

  if (!lk_test_need_keyring ())
    return;

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/keyring-race/forget-twice", test_forget_twice);
  g_test_add_func ("/lk/keyring-race/items-not-cached", test_items_not_cached);
  g_test_add_func ("/lk/keyring-race/other-program", test_race);

  return g_test_run ();
}
