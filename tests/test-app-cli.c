/* test-app-cli.c: the app and layer-keys-cli at the same time (issue 21,
 * “Two copies of the app”, its test “App and CLI together”)
 *
 *   /lk/app-cli/together
 *       The real simulator over HTTP on 127.0.0.1, the session's real
 *       keyring, one state folder (XDG_STATE_HOME).  The real
 *       layer-keys-cli creates keys and deletes every other one, one
 *       command after another, while the app's side (an LkClient with the
 *       keyring store, as the window has) lists and rotates its own keys
 *       through lk-rotation.h.  Afterwards the platform, the keyring and
 *       the journal agree: what the CLI kept is listed, and marked stored,
 *       at the app's next list; what it deleted is neither on the platform
 *       nor in the keyring nor listed; every rotated key is gone with its
 *       item and its successor is there with its secret; the keyring holds
 *       no item of the tenant for a key the platform does not have; the
 *       journal holds no rotation and no scheduled deletion, and no create
 *       is left unsettled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-rotation.h"
#include "lk-simulator.h"
#include "lk-state-file.h"
#include "lk-test-keyring.h"
#include "lk-test-util.h"
#include "lk-time.h"

#define DAY ((gint64) 24 * 60 * 60)
#define WAIT_MS 30000
#define N_CLI_KEYS 8
#define N_APP_KEYS 4

static char *state_home;

static void
list_keys (LkClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
}

static LkApiKey *
listed_by_name (LkClient   *client,
                const char *name)
{
  GListModel *keys = lk_client_get_keys (client);

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_str_equal (lk_api_key_get_name (key), name))
        return g_steal_pointer (&key);
    }
  return NULL;
}

static void
on_cli_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* The state file's array @member, as another reader finds it. */
static guint
state_array_length (const char *name,
                    const char *member)
{
  g_autofree char *path = g_build_filename (state_home, "layer-keys", name, NULL);
  g_autoptr(LkStateFile) file = lk_state_file_new_for_path (path);
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GError) error = NULL;

  document = lk_state_file_read (file, &error);
  g_assert_no_error (error);
  if (!json_object_has_member (document, member))
    return 0;
  return json_array_get_length (json_object_get_array_member (document, member));
}

static void
test_together (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkCredentialStore) store = NULL;
  g_autoptr(LkClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GPtrArray) old_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) successor_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *script = NULL;
  const char *cli_path = g_getenv ("LK_CLI_BIN");
  const char *platform_id;
  gboolean cli_done = FALSE;
  guint n_lists = 0;
  GHashTableIter iter;
  gpointer stored_id;

  if (!lk_test_need_keyring ())
    return;
  g_assert_nonnull (cli_path);

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);
  platform_id = lk_platform_get_id (platform);
  store = lk_secret_store_new ();

  /* The app's keys, their secrets in the keyring. */
  for (guint i = 0; i < N_APP_KEYS; i++)
    {
      LkPermissions permissions = { { 0 } };
      g_autofree char *name = g_strdup_printf ("app-%u", i);
      g_autofree char *label = NULL;
      char *secret = NULL;
      g_autoptr(LkApiKey) key = NULL;

      lk_permissions_set (&permissions, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ);
      key = lk_simulator_add_key (sim, name, &permissions, lk_time_now () + 30 * DAY, &secret);
      label = lk_test_save_key (store, platform_id, key, secret, &error);
      g_assert_no_error (error);
      lk_secret_free (secret);
      g_ptr_array_add (old_ids, g_strdup (lk_api_key_get_id (key)));
    }

  client = lk_client_new (platform);
  lk_client_set_store (client, store);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  list_keys (client);

  /* The CLI, one command after another: create cli-i, and after each
   * odd one delete the one before it. */
  script = g_strdup_printf ("set -e\n"
                            "i=0\n"
                            "while [ $i -lt %d ]; do\n"
                            "  \"$CLI\" create cli-$i --preset read-only --platform \"$URL\" --client-id \"$ID\" --json >/dev/null\n"
                            "  if [ $((i %% 2)) = 1 ]; then\n"
                            "    \"$CLI\" delete --yes cli-$((i - 1)) --platform \"$URL\" --client-id \"$ID\" >/dev/null\n"
                            "  fi\n"
                            "  i=$((i + 1))\n"
                            "done\n", N_CLI_KEYS);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "CLI", cli_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "URL", lk_platform_get_api_base (platform), TRUE);
  g_subprocess_launcher_setenv (launcher, "ID", lk_simulator_get_admin_client_id (sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "LAYER_KEYS_CLIENT_SECRET",
                                lk_simulator_get_admin_client_secret (sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state_home, TRUE);
  cli = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c", script, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (cli, NULL, on_cli_done, &cli_done);

  /* Meanwhile the app rotates its keys, listing before each, then lists
   * until the CLI is done. */
  for (guint i = 0; i < N_APP_KEYS || !cli_done; i++)
    {
      g_autoptr(LkApiKey) old = NULL;
      g_autoptr(LkRotationPlan) plan = NULL;
      g_autoptr(LkRotationOutcome) outcome = NULL;
      g_autofree char *name = NULL;

      list_keys (client);
      n_lists++;
      if (i >= N_APP_KEYS)
        continue;

      name = g_strdup_printf ("app-%u", i);
      old = listed_by_name (client, name);
      g_assert_nonnull (old);
      plan = lk_rotation_plan_new (old, lk_client_get_keys (client), lk_time_now ());
      g_assert_cmpint (plan->delete_old, ==, LK_ROTATION_DELETE_NOW);
      lk_rotation_run_async (client, plan, NULL, lk_test_store_result, &result);
      outcome = lk_rotation_run_finish (lk_test_wait_result (&result, WAIT_MS), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      g_assert_true (outcome->old_deleted);
      g_ptr_array_add (successor_ids, g_strdup (outcome->successor_id));
    }
  g_test_message ("the app listed %u times while the CLI ran", n_lists);

  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);

  /* The app's next list, and the keyring as it is now. */
  list_keys (client);
  stored = lk_test_find_keys (store, platform_id, &error);
  g_assert_no_error (error);

  /* What the CLI kept and deleted. */
  for (guint i = 0; i < N_CLI_KEYS; i++)
    {
      g_autofree char *name = g_strdup_printf ("cli-%u", i);
      g_autoptr(LkApiKey) on_platform = lk_simulator_find_key_by_name (sim, name);
      g_autoptr(LkApiKey) listed = listed_by_name (client, name);

      if (i % 2 == 0)
        {
          g_assert_null (on_platform);
          g_assert_null (listed);
          continue;
        }
      g_assert_nonnull (on_platform);
      g_assert_nonnull (listed);
      g_assert_true (lk_api_key_get_has_local_secret (listed));
      g_assert_true (g_hash_table_contains (stored, lk_api_key_get_id (on_platform)));
    }

  /* What the app rotated. */
  for (guint i = 0; i < N_APP_KEYS; i++)
    {
      g_autoptr(LkApiKey) old = lk_simulator_lookup_key (sim, old_ids->pdata[i]);
      g_autoptr(LkApiKey) successor = lk_simulator_lookup_key (sim, successor_ids->pdata[i]);
      g_autoptr(LkSecretString) secret = NULL;

      g_assert_null (old);
      g_assert_false (g_hash_table_contains (stored, old_ids->pdata[i]));
      g_assert_nonnull (successor);
      secret = lk_test_lookup_key (store, platform_id, successor_ids->pdata[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (secret);
    }

  /* No item for a key the platform does not have. */
  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, &stored_id, NULL))
    {
      g_autoptr(LkApiKey) key = lk_simulator_lookup_key (sim, stored_id);

      g_assert_nonnull (key);
    }
  g_assert_cmpuint (g_hash_table_size (stored), ==, N_CLI_KEYS / 2 + N_APP_KEYS);

  /* Nothing left half done in the shared state folder (once the app's
   * own writes are in, as they are soon after each operation). */
  lk_state_file_wait_pending ();
  g_assert_cmpuint (state_array_length ("rotations.json", "rotations"), ==, 0);
  g_assert_cmpuint (state_array_length ("rotations.json", "scheduled-deletions"), ==, 0);
  g_assert_cmpuint (state_array_length ("unsettled-creates.json", "unsettled-creates"), ==, 0);

  /* Leave the keyring as it was. */
  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, &stored_id, NULL))
    lk_test_forget_key (store, platform_id, stored_id, NULL);
  g_clear_object (&client);
  lk_simulator_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything asks GLib where the state folder is. */
  state_home = g_dir_make_tmp ("lk-app-cli-XXXXXX", NULL);
  g_assert_nonnull (state_home);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/app-cli/together", test_together);

  return g_test_run ();
}
