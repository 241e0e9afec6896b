/* test-keyring-changes.c: keyring items changed by other programs while
 * the keys view shows them (issue 21, “Items changed under us”)
 *
 *   /lk/keyring-changes/under-the-list
 *       The real keys view over the real simulator (HTTP on 127.0.0.1)
 *       and the session's real keyring, with keyring-hammer adding and
 *       deleting items of another platform the whole time.  secret-tool,
 *       another program, deletes one of our items, stores an item with our
 *       exact attributes for a key we never stored, and another connection
 *       locks and unlocks the default collection.  After each change, the
 *       next refresh shows the Keyring column as the keyring now is, the
 *       view shows the list (no error), and looking a key's secret up
 *       finds what secret-tool stored or says “not found”: never the old
 *       answer, never a crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>

#include <adwaita.h>

#include "lk-client.h"
#include "lk-key-cells.h"
#include "lk-keys-view.h"
#include "lk-simulator.h"
#include "lk-test-keyring.h"
#include "lk-test-keys.h"
#include "lk-test-util.h"

#define DAY ((gint64) 24 * 60 * 60)
#define WAIT_MS 20000

typedef struct {
  LkKeysView *view;
  gint64      before;
} RefreshWait;

static gboolean
refreshed_since (gpointer data)
{
  RefreshWait *wait = data;

  return lk_keys_view_get_last_refresh (wait->view) > wait->before;
}

/* A refresh of @view, waited for until the list and its keyring marks
 * are in (the marks come before the view says it refreshed). */
static void
refresh (LkKeysView *view)
{
  RefreshWait wait = { view, lk_keys_view_get_last_refresh (view) };

  lk_keys_view_refresh (view);
  g_assert_true (lk_test_wait_until (refreshed_since, &wait, WAIT_MS));
  lk_test_spin (50);
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");
}

/* Whether the list marks @key_id as stored here, checking the Keyring
 * column's tooltip says the same. */
static gboolean
shown_as_stored (LkClient   *client,
                 const char *key_id)
{
  GListModel *keys = lk_client_get_keys (client);

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);
      g_autofree char *tip = NULL;
      gboolean stored;

      if (!g_str_equal (lk_api_key_get_id (key), key_id))
        continue;

      stored = lk_api_key_get_has_local_secret (key);
      tip = lk_key_cells_dup_tooltip (key, LK_KEY_COLUMN_KEYRING, 7);
      g_test_message ("%s: %s", key_id, tip);
      g_assert_cmpint (strstr (tip, "no computer") == NULL, ==, stored);
      return stored;
    }

  g_assert_not_reached ();
}

/* secret-tool, another program, stores @secret for @key with exactly the
 * attributes Layer Keys gives an API key's item. */
static void
tool_store (const char *platform_id,
            LkApiKey   *key,
            const char *secret)
{
  g_autofree char *expires = g_strdup ("2027-03-01");
  g_autofree char *out = NULL;

  out = lk_test_secret_tool (secret, FALSE, "store", "--label=Stored by secret-tool",
                             "key-id", lk_api_key_get_id (key),
                             "client-id", lk_api_key_get_client_id (key),
                             "name", lk_api_key_get_name (key),
                             "platform", platform_id,
                             "expires", expires, NULL);
  g_assert_nonnull (out);
}

static void
tool_clear (const char *platform_id,
            const char *key_id)
{
  g_autofree char *out = lk_test_secret_tool (NULL, FALSE, "clear", "key-id", key_id,
                                              "platform", platform_id, NULL);

  g_assert_nonnull (out);
  g_assert_cmpuint (lk_test_direct_count ("key-id", key_id), ==, 0);
}

static void
assert_secret (LkCredentialStore *store,
               const char        *platform_id,
               const char        *key_id,
               const char        *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkSecretString) found = lk_test_lookup_key (store, platform_id, key_id, &error);

  if (expected == NULL)
    {
      g_assert_null (found);
      g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, expected);
    }
}

static void
test_under_the_list (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkSimulator) sim = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  g_autoptr (LkApiKey) kept = NULL;
  g_autoptr (LkApiKey) added = NULL;
  g_autoptr (GSubprocess) hammer = NULL;
  g_autofree char *hammer_path = g_test_build_filename (G_TEST_BUILT, "keyring-hammer", NULL);
  g_autofree char *other_platform = lk_test_random_platform ();
  g_autofree char *shared_platform = lk_test_random_platform ();
  g_autofree char *kept_secret = NULL;
  g_autofree char *added_secret = NULL;
  g_autofree char *label = NULL;
  g_autofree char *hammer_out = NULL;
  const char *platform_id;
  GtkWidget *window;
  LkKeysView *view;

  if (!lk_test_need_keyring ())
    return;

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);
  platform_id = lk_platform_get_id (platform);
  store = lk_secret_store_new ();

  /* Two keys: one whose secret this computer keeps, one it never had. */
  {
    LkPermissions permissions = { { 0 } };
    gint64 expires = lk_simulator_get_now (sim) + 60 * DAY;

    lk_permissions_set (&permissions, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ);
    kept = lk_simulator_add_key (sim, "Kept here", &permissions, expires, &kept_secret);
    added = lk_simulator_add_key (sim, "Stored elsewhere", &permissions, expires, &added_secret);
    g_assert_nonnull (kept);
    g_assert_nonnull (added);
  }
  label = lk_test_save_key (store, platform_id, kept, kept_secret, &error);
  g_assert_no_error (error);

  /* Another program changes the keyring all along. */
  hammer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             hammer_path, other_platform, shared_platform, "60", NULL);
  g_assert_no_error (error);

  client = lk_client_new (platform);
  lk_client_set_store (client, store);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  view = LK_KEYS_VIEW (lk_keys_view_new ());
  lk_keys_view_set_can_read (view, TRUE);
  lk_keys_view_set_client (view, client);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));

  /* As the keyring was. */
  refresh (view);
  g_assert_true (shown_as_stored (client, lk_api_key_get_id (kept)));
  g_assert_false (shown_as_stored (client, lk_api_key_get_id (added)));

  /* secret-tool deletes our item and stores one with our attributes. */
  tool_clear (platform_id, lk_api_key_get_id (kept));
  tool_store (platform_id, added, "stored-by-secret-tool");
  refresh (view);
  g_assert_false (shown_as_stored (client, lk_api_key_get_id (kept)));
  g_assert_true (shown_as_stored (client, lk_api_key_get_id (added)));
  assert_secret (store, platform_id, lk_api_key_get_id (kept), NULL);
  assert_secret (store, platform_id, lk_api_key_get_id (added), "stored-by-secret-tool");

  /* The item replaced by another program: the new secret, not the old. */
  tool_store (platform_id, added, "replaced-by-secret-tool");
  assert_secret (store, platform_id, lk_api_key_get_id (added), "replaced-by-secret-tool");

  /* The keyring locked and unlocked elsewhere (the screen lock, Seahorse)
   * while the view is open, and the item back: noticed without restarting. */
  lk_test_lock_keyring ();
  lk_test_unlock_keyring ();
  tool_store (platform_id, kept, "back-again");
  refresh (view);
  g_assert_true (shown_as_stored (client, lk_api_key_get_id (kept)));
  g_assert_true (shown_as_stored (client, lk_api_key_get_id (added)));
  assert_secret (store, platform_id, lk_api_key_get_id (kept), "back-again");

  /* Both deleted elsewhere: both unmarked, and nothing stale is offered
   * (the keys still exist). */
  tool_clear (platform_id, lk_api_key_get_id (kept));
  tool_clear (platform_id, lk_api_key_get_id (added));
  refresh (view);
  g_assert_false (shown_as_stored (client, lk_api_key_get_id (kept)));
  g_assert_false (shown_as_stored (client, lk_api_key_get_id (added)));
  g_assert_cmpuint (lk_stale_items_get_n_items (lk_test_keys_view_get_stale_items (view)), ==, 0);

  /* The other program really was at work the whole time. */
  g_subprocess_send_signal (hammer, SIGTERM);
  g_subprocess_communicate_utf8 (hammer, NULL, NULL, &hammer_out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("keyring-hammer: %s", hammer_out);
  g_assert_true (g_subprocess_get_if_exited (hammer));
  g_assert_cmpint (g_subprocess_get_exit_status (hammer), ==, 0);
  g_assert_cmpint (g_ascii_strtoll (hammer_out, NULL, 10), >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  lk_test_spin (50);
  lk_secret_free (g_steal_pointer (&kept_secret));
  lk_secret_free (g_steal_pointer (&added_secret));
  lk_simulator_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") != NULL)
    {
      gtk_init ();
      adw_init ();
      g_test_add_func ("/lk/keyring-changes/under-the-list", test_under_the_list);
    }

  return g_test_run ();
}
