/* test-key-health.c: which keys need attention, and stale keyring items
 *
 *   /lk/key-health/flags        each flag of lk_key_health_check() on keys
 *                               made by hand, with the clock pinned;
 *   /lk/key-health/description  the row's spoken description: a
 *                               rotation's retirement and the marks, each
 *                               a whole sentence, joined by a space;
 *   /lk/key-health/tenant       a prepared tenant (the real simulator over
 *                               HTTP on 127.0.0.1, the real keyring): each
 *                               mark on the right keys of the real keys
 *                               view, its tooltip saying why, the Needs
 *                               Attention filter, the stale items offered,
 *                               and removing one removes exactly that item.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>
#include <string.h>

#include <adwaita.h>

#include "lk-client.h"
#include "lk-key-cells.h"
#include "lk-key-health.h"
#include "lk-keys-view.h"
#include "lk-simulator.h"
#include "lk-stale-items.h"
#include "lk-test-keyring.h"
#include "lk-test-keys.h"
#include "lk-test-util.h"
#include "lk-time.h"

#define DAY ((gint64) 24 * 60 * 60)
#define NOW ((gint64) 1800000000)   /* 2027-01-15 */

static gint64
pinned_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static LkApiKey *
make_key (const char          *name,
          gint64               created_at,
          gint64               expires_at,
          const LkPermissions *permissions,
          gboolean             local)
{
  g_autofree char *id = g_strdup_printf ("id-%s", name);
  LkApiKey *key = lk_api_key_new (id, name, "client", "admin", created_at, expires_at, permissions);

  lk_api_key_set_has_local_secret (key, local);
  return key;
}

static void
test_flags (void)
{
  gint64 now = NOW;
  LkPermissions narrow = { { 0 } };
  LkPermissions all = { { 0 } };
  LkPermissions none = { { 0 } };
  g_autoptr (LkApiKey) healthy = NULL;
  g_autoptr (LkApiKey) soon = NULL;
  g_autoptr (LkApiKey) expired = NULL;
  g_autoptr (LkApiKey) all_key = NULL;
  g_autoptr (LkApiKey) none_key = NULL;
  g_autoptr (LkApiKey) long_key = NULL;
  g_autoptr (LkApiKey) ninety = NULL;
  g_autoptr (LkApiKey) elsewhere = NULL;
  g_autofree char *why = NULL;

  lk_time_set_clock (pinned_clock, &now);
  lk_permissions_set (&narrow, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
  lk_permissions_set_all (&all);

  healthy = make_key ("healthy", now - 10 * DAY, now + 30 * DAY, &narrow, TRUE);
  soon = make_key ("soon", now - 10 * DAY, now + 5 * DAY, &narrow, TRUE);
  expired = make_key ("expired", now - 10 * DAY, now - DAY, &narrow, TRUE);
  all_key = make_key ("all", now - 10 * DAY, now + 30 * DAY, &all, TRUE);
  none_key = make_key ("none", now - 10 * DAY, now + 30 * DAY, &none, TRUE);
  long_key = make_key ("long", now - 10 * DAY, now + 81 * DAY, &narrow, TRUE);
  ninety = make_key ("ninety", now - 10 * DAY, now + 80 * DAY, &narrow, TRUE);
  elsewhere = make_key ("elsewhere", now - 10 * DAY, now + 30 * DAY, &narrow, FALSE);

  g_assert_cmpint (lk_key_health_check (healthy, 7), ==, LK_KEY_HEALTH_OK);
  g_assert_cmpint (lk_key_health_check (soon, 7), ==, LK_KEY_HEALTH_EXPIRES_SOON);
  /* the window is the user's: 5 days is not within 4 */
  g_assert_cmpint (lk_key_health_check (soon, 4), ==, LK_KEY_HEALTH_OK);
  g_assert_cmpint (lk_key_health_check (expired, 7), ==, LK_KEY_HEALTH_EXPIRES_SOON);
  g_assert_cmpint (lk_key_health_check (all_key, 7), ==, LK_KEY_HEALTH_ALL_PERMISSIONS);
  /* none chosen is all, on the platform */
  g_assert_cmpint (lk_key_health_check (none_key, 7), ==, LK_KEY_HEALTH_ALL_PERMISSIONS);
  g_assert_cmpint (lk_key_health_check (long_key, 7), ==, LK_KEY_HEALTH_LONG_LIFETIME);
  /* exactly 90 days is not longer than 90 */
  g_assert_cmpint (lk_key_health_check (ninety, 7), ==, LK_KEY_HEALTH_OK);
  g_assert_cmpint (lk_key_health_check (elsewhere, 7), ==, LK_KEY_HEALTH_SECRET_ELSEWHERE);
  /* informational only */
  g_assert_false (lk_key_health_needs_attention (elsewhere, 7));
  g_assert_true (lk_key_health_needs_attention (long_key, 7));

  /* Time passes: the healthy key enters the window. */
  now += 24 * DAY;
  g_assert_cmpint (lk_key_health_check (healthy, 7), ==, LK_KEY_HEALTH_EXPIRES_SOON);

  g_assert_null (lk_key_health_describe (LK_KEY_HEALTH_OK, 7));
  why = lk_key_health_describe (LK_KEY_HEALTH_ATTENTION | LK_KEY_HEALTH_SECRET_ELSEWHERE, 7);
  g_assert_nonnull (strstr (why, "within 7 days"));
  g_assert_nonnull (strstr (why, "all permissions"));
  g_assert_nonnull (strstr (why, "90 days"));
  g_assert_nonnull (strstr (why, "no computer"));

  lk_time_set_clock (NULL, NULL);
}

/* ---- A prepared tenant ---- */

typedef struct {
  const char  *name;
  int          expires_in_days;
  int          access;          /* -1: all permissions; -2: none chosen */
  gboolean     stored;          /* its secret in this computer's keyring */
  gboolean     deleted;         /* removed from the platform after */
  LkKeyHealth  expected;
} Prepared;

static const Prepared prepared[] = {
  { "health healthy", 30, LK_ACCESS_READ, TRUE, FALSE, LK_KEY_HEALTH_OK },
  { "health soon", 3, LK_ACCESS_READ, TRUE, FALSE, LK_KEY_HEALTH_EXPIRES_SOON },
  { "health all", 30, -1, TRUE, FALSE, LK_KEY_HEALTH_ALL_PERMISSIONS },
  { "health none chosen", 30, -2, TRUE, FALSE, LK_KEY_HEALTH_ALL_PERMISSIONS },
  { "health long", 200, LK_ACCESS_READ, TRUE, FALSE, LK_KEY_HEALTH_LONG_LIFETIME },
  { "health elsewhere", 30, LK_ACCESS_READ, FALSE, FALSE, LK_KEY_HEALTH_SECRET_ELSEWHERE },
  { "health stale one", 30, LK_ACCESS_READ, TRUE, TRUE, 0 },
  { "health stale two", 30, LK_ACCESS_READ, TRUE, TRUE, 0 },
};

static gboolean
stale_count_is (gpointer data)
{
  guint n;

  g_object_get (((gpointer *) data)[0], "n-items", &n, NULL);
  return n == GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
test_tenant (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkSimulator) sim = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  g_autoptr (GHashTable) stored = NULL;
  char *ids[G_N_ELEMENTS (prepared)];
  const char *platform_id;
  GtkWidget *window;
  LkKeysView *view;
  LkStaleItems *stale;
  GListModel *keys, *shown;
  gpointer wait[2];
  guint n_attention = 0;

  if (!lk_test_need_keyring ())
    return;

  sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  platform = lk_simulator_get_platform (sim);
  platform_id = lk_platform_get_id (platform);
  store = lk_secret_store_new ();

  /* The tenant, and the keyring as this computer has it. */
  for (guint i = 0; i < G_N_ELEMENTS (prepared); i++)
    {
      LkPermissions permissions = { { 0 } };
      g_autoptr (LkApiKey) key = NULL;
      g_autofree char *label = NULL;
      char *secret = NULL;

      if (prepared[i].access == -1)
        lk_permissions_set_all (&permissions);
      else if (prepared[i].access >= 0)
        lk_permissions_set (&permissions, LK_CATEGORY_MODEL_SCANNER, prepared[i].access);
      key = lk_simulator_add_key (sim, prepared[i].name, &permissions,
                                  lk_simulator_get_now (sim) + prepared[i].expires_in_days * DAY,
                                  &secret);
      g_assert_nonnull (key);
      ids[i] = g_strdup (lk_api_key_get_id (key));
      if (prepared[i].stored)
        {
          label = lk_test_save_key (store, platform_id, key, secret, &error);
          g_assert_no_error (error);
        }
      if (prepared[i].deleted)
        g_assert_true (lk_simulator_remove_key (sim, ids[i]));
      lk_secret_free (secret);
    }

  client = lk_client_new (platform);
  lk_client_set_store (client, store);
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, 20000), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  view = LK_KEYS_VIEW (lk_keys_view_new ());
  lk_keys_view_set_can_read (view, TRUE);
  lk_keys_view_set_client (view, client);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  lk_keys_view_refresh (view);
  while (lk_keys_view_get_last_refresh (view) == 0)
    g_main_context_iteration (NULL, TRUE);
  lk_test_spin (100);

  /* Each mark on the right keys, and what the row says of it. */
  keys = lk_client_get_keys (client);
  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);
      LkKeyHealth health = lk_key_health_check (key, 7);
      g_autofree char *name_tip = NULL;
      g_autofree char *keyring_tip = NULL;
      gboolean mine = FALSE;

      if (lk_key_health_needs_attention (key, 7))
        n_attention++;
      for (guint p = 0; p < G_N_ELEMENTS (prepared); p++)
        if (g_str_equal (lk_api_key_get_id (key), ids[p]))
          {
            g_assert_false (prepared[p].deleted);
            g_test_message ("%s: %x", prepared[p].name, health);
            g_assert_cmpint (health, ==, prepared[p].expected);
            mine = TRUE;
          }
      if (!mine)
        continue;

      /* The row's tooltips say why (the same texts as its description). */
      name_tip = lk_key_cells_dup_tooltip (key, LK_KEY_COLUMN_NAME, 7);
      keyring_tip = lk_key_cells_dup_tooltip (key, LK_KEY_COLUMN_KEYRING, 7);
      g_assert_true (g_str_has_prefix (name_tip, lk_api_key_get_name (key)));
      g_assert_cmpint (strstr (name_tip, "within 7 days") != NULL, ==, (health & LK_KEY_HEALTH_EXPIRES_SOON) != 0);
      g_assert_cmpint (strstr (name_tip, "all permissions") != NULL, ==, (health & LK_KEY_HEALTH_ALL_PERMISSIONS) != 0);
      g_assert_cmpint (strstr (name_tip, "longer than 90") != NULL, ==, (health & LK_KEY_HEALTH_LONG_LIFETIME) != 0);
      g_assert_cmpint (strstr (keyring_tip, "no computer") != NULL, ==, (health & LK_KEY_HEALTH_SECRET_ELSEWHERE) != 0);
    }

  /* Needs Attention: exactly the marked keys. */
  shown = lk_test_keys_view_get_shown_keys (view);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, g_list_model_get_n_items (keys));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "keys.needs-attention", NULL));
  lk_test_spin (50);
  g_assert_true (lk_test_keys_view_get_search_mode (view));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n_attention);
  g_assert_cmpuint (n_attention, >=, 4);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (shown, i);

      g_assert_true (lk_key_health_needs_attention (key, 7));
      g_assert_cmpstr (lk_api_key_get_id (key), !=, ids[0]);
      g_assert_cmpstr (lk_api_key_get_id (key), !=, ids[5]);
    }
  /* A shorter warning window drops "health soon" (3 days). */
  g_object_set (view, "expiry-warning-days", 2, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n_attention - 1);
  g_object_set (view, "expiry-warning-days", 7, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "keys.needs-attention", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, g_list_model_get_n_items (keys));

  /* The stale items: the two deleted keys, offered for removal. */
  stale = lk_test_keys_view_get_stale_items (view);
  wait[0] = stale;
  wait[1] = GUINT_TO_POINTER (2);
  g_assert_true (lk_test_wait_until (stale_count_is, wait, 10000));

  /* Removing one removes exactly that item. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (stale), "stale.remove", "s", ids[6]));
  wait[1] = GUINT_TO_POINTER (1);
  g_assert_true (lk_test_wait_until (stale_count_is, wait, 10000));
  stored = lk_test_find_keys (store, platform_id, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (stored, ids[6]));
  g_assert_true (g_hash_table_contains (stored, ids[7]));
  for (guint p = 0; p < 6; p++)
    g_assert_cmpint (g_hash_table_contains (stored, ids[p]), ==, prepared[p].stored);
  g_assert_cmpuint (g_hash_table_size (stored), ==, 6);

  /* An ID that is not offered removes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (stale), "stale.remove", "s", ids[0]));
  lk_test_spin (300);
  g_clear_pointer (&stored, g_hash_table_unref);
  stored = lk_test_find_keys (store, platform_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (stored), ==, 6);

  gtk_window_destroy (GTK_WINDOW (window));
  lk_test_spin (50);
  lk_test_forget_key (store, platform_id, ids[7], NULL);
  for (guint p = 0; p < G_N_ELEMENTS (prepared); p++)
    {
      lk_test_forget_key (store, platform_id, ids[p], NULL);
      g_free (ids[p]);
    }
  lk_simulator_stop (sim);
}

/* The row's spoken description: whole sentences, joined by a space. */
static void
test_description (void)
{
  gint64 now = NOW;
  LkPermissions narrow = { { 0 } };
  LkPermissions all = { { 0 } };
  g_autoptr (LkApiKey) healthy = NULL;
  g_autoptr (LkApiKey) all_key = NULL;
  g_autofree char *none = NULL;
  g_autofree char *retiring = NULL;
  g_autofree char *both = NULL;
  g_autofree char *marked = NULL;
  g_autofree char *due = NULL;

  lk_time_set_clock (pinned_clock, &now);
  lk_permissions_set (&narrow, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
  lk_permissions_set_all (&all);
  healthy = make_key ("healthy", now - 10 * DAY, now + 30 * DAY, &narrow, TRUE);
  all_key = make_key ("all", now - 10 * DAY, now + 30 * DAY, &all, TRUE);

  none = lk_key_cells_dup_description (healthy, now, 0, 7);
  g_assert_null (none);

  /* A retirement alone is a sentence with its own full stop. */
  retiring = lk_key_cells_dup_description (healthy, now, now + DAY, 7);
  g_assert_cmpstr (retiring, ==, "A rotation deletes this key in 24 hours.");
  due = lk_key_cells_dup_description (healthy, now, now - 1, 7);
  g_assert_cmpstr (due, ==, "A rotation deletes this key now.");

  /* The health alone, unchanged. */
  marked = lk_key_cells_dup_description (all_key, now, 0, 7);
  g_assert_cmpstr (marked, ==, "Has all permissions: give it only those it needs.");

  /* Both: two whole sentences, one space between, no added punctuation. */
  both = lk_key_cells_dup_description (all_key, now, now + 3 * DAY, 7);
  g_assert_cmpstr (both, ==, "A rotation deletes this key in 3 days. "
                             "Has all permissions: give it only those it needs.");

  lk_time_set_clock (NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/key-health/flags", test_flags);
  g_test_add_func ("/lk/key-health/description", test_description);

  if (g_getenv ("DISPLAY") != NULL)
    {
      gtk_init ();
      adw_init ();
      g_test_add_func ("/lk/key-health/tenant", test_tenant);
    }

  return g_test_run ();
}
