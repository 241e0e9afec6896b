/* test-demo.c: the demo leaves nothing behind (issue 20)
 *
 * Against the real keyring of the test session: a key created in the demo
 * goes to the Secret Service's session collection, labelled as a demo
 * key, and the login collection holds no new item; when the demo ends
 * (signed out, or its window closed as when the app quits) the session
 * collection holds none of its items either, and the settings a real
 * sign-in reads are as they were.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-demo"

#include "config.h"

#include <string.h>
#include <libsecret/secret.h>

#include "lk-demo.h"
#include "lk-session.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"
#include "lk-time.h"

static LkApplication *app;
static LkSimulator *sim;

#define WAIT_MS 30000

/* Items of the collection at @alias whose "platform" is @platform_id,
 * as their labels. */
static GPtrArray *
labels_in (const char *alias,
           const char *platform_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, alias, SECRET_COLLECTION_LOAD_ITEMS,
                                                 NULL, &error);
  g_assert_no_error (error);
  if (collection == NULL)
    return labels;

  items = secret_collection_get_items (collection);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_item_get_attributes (l->data);
      const char *platform = g_hash_table_lookup (attributes, "platform");

      if (g_strcmp0 (platform, platform_id) == 0)
        g_ptr_array_add (labels, secret_item_get_label (l->data));
    }
  g_list_free_full (items, g_object_unref);
  return labels;
}

static void
test_demo_keys_in_session_collection (void)
{
  g_autoptr(LkCredentialStore) login = NULL;
  g_autoptr(LkSession) session = NULL;
  g_autoptr(LkDemo) demo = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GPtrArray) in_login = NULL;
  g_autoptr(GPtrArray) in_session = NULL;
  g_autofree char *platform_id = NULL;
  LkClient *client;
  gboolean found = FALSE;

  if (!lk_test_have_secret_service ())
    {
      g_test_skip ("no Secret Service");
      return;
    }

  login = lk_secret_store_new ();
  session = lk_session_new (login);
  demo = g_object_new (LK_TYPE_DEMO, NULL);

  lk_demo_sign_in_async (demo, session, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_true (lk_demo_sign_in_finish (demo, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (lk_session_get_demo (session));

  client = lk_session_get_client (session);
  platform_id = g_strdup (lk_platform_get_id (lk_client_get_platform (client)));
  lk_client_create_key_async (client, "demo-leaves-nothing", lk_time_now () + 30 * 24 * 3600,
                              NULL, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  created = lk_client_create_key_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_true (created->stored);

  /* Nothing in the login keyring ... */
  in_login = labels_in (SECRET_COLLECTION_DEFAULT, platform_id);
  g_assert_cmpuint (in_login->len, ==, 0);
  /* ... the key is in the session collection, labelled as a demo key. */
  in_session = labels_in (SECRET_COLLECTION_SESSION, platform_id);
  /* (beside the two the demo stores for its key-health marks) */
  g_assert_cmpuint (in_session->len, ==, 3);
  for (guint i = 0; i < in_session->len; i++)
    {
      g_assert_nonnull (strstr (in_session->pdata[i], "demo"));
      if (strstr (in_session->pdata[i], "demo-leaves-nothing") != NULL)
        found = TRUE;
    }
  g_assert_true (found);

  lk_session_sign_out (session);
}

/* ---- The demo ends: nothing is left ---- */

/* The settings a real sign-in reads (see the schema in data/). */
static const char * const sign_in_keys[] = {
  "region", "custom-api-url", "custom-token-url", "custom-ca-file", "last-client-id",
};

static char *
settings_snapshot (void)
{
  GSettings *settings = lk_application_get_settings (app);
  GString *snapshot = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sign_in_keys); i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (settings, sign_in_keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_string_append_printf (snapshot, "%s=%s\n", sign_in_keys[i], text);
    }
  return g_string_free (snapshot, FALSE);
}

/* Settings as a real admin left them, so that a write shows. */
static void
set_real_settings (void)
{
  GSettings *settings = lk_application_get_settings (app);

  /* (a closed port on loopback: nothing is ever sent anywhere else) */
  g_settings_set_string (settings, "region", "custom");
  g_settings_set_string (settings, "custom-api-url", "http://127.0.0.1:9");
  g_settings_set_string (settings, "custom-token-url", "http://127.0.0.1:9/oauth2/token");
  g_settings_set_string (settings, "last-client-id", "real-admin-client-id");
}

static guint
count_all_in (const char *alias)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  GList *items;
  guint n;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, alias, SECRET_COLLECTION_LOAD_ITEMS,
                                                 NULL, &error);
  g_assert_no_error (error);
  if (collection == NULL)
    return 0;

  items = secret_collection_get_items (collection);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}

typedef struct {
  const char *platform_id;
} DemoItems;

static gboolean
no_demo_item_left (gpointer data)
{
  DemoItems *items = data;
  g_autoptr(GPtrArray) labels = labels_in (SECRET_COLLECTION_SESSION, items->platform_id);

  return labels->len == 0;
}

typedef enum {
  END_BY_SIGN_OUT,
  END_BY_CLOSING,
} EndBy;

static void
run_demo_then_end (EndBy end_by)
{
  g_autofree char *settings_before = NULL;
  g_autofree char *settings_after = NULL;
  g_autofree char *platform_id = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GPtrArray) in_session = NULL;
  GtkWidget *demo_button;
  LkWindow *win;
  LkClient *client;
  guint login_before;
  DemoItems items;

  set_real_settings ();
  settings_before = settings_snapshot ();
  login_before = count_all_in (SECRET_COLLECTION_DEFAULT);

  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  demo_button = lk_test_ui_template_child (lk_test_ui_template_child (win, LK_TYPE_WINDOW, "sign_in_page"),
                                           LK_TYPE_SIGN_IN_PAGE, "demo_button");
  g_signal_emit_by_name (demo_button, "clicked");
  lk_test_ui_wait_for_page (win, "keys");

  client = lk_test_ui_get_client (win);
  platform_id = g_strdup (lk_platform_get_id (lk_client_get_platform (client)));
  lk_client_create_key_async (client, "demo-ends-clean", lk_time_now () + 30 * 24 * 3600,
                              NULL, NULL, lk_test_store_result, &result);
  created = lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_true (created->stored);

  /* While the demo runs, its items are in the session collection (the new
   * key's and the two of its key-health marks). */
  in_session = labels_in (SECRET_COLLECTION_SESSION, platform_id);
  g_assert_cmpuint (in_session->len, ==, 3);

  items.platform_id = platform_id;
  if (end_by == END_BY_SIGN_OUT)
    {
      g_autoptr(GPtrArray) in_next = NULL;
      g_autofree char *next_platform_id = NULL;
      DemoItems next_items;

      gtk_widget_activate_action (GTK_WIDGET (win), "win.sign-out", NULL);
      lk_test_ui_wait_for_page (win, "sign-in");
      g_assert_true (lk_test_wait_until (no_demo_item_left, &items, WAIT_MS));

      /* The next demo is a new tenant, with its own two items. */
      g_signal_emit_by_name (demo_button, "clicked");
      lk_test_ui_wait_for_page (win, "keys");
      next_platform_id = g_strdup (lk_platform_get_id (lk_client_get_platform (lk_test_ui_get_client (win))));
      g_assert_cmpstr (next_platform_id, !=, platform_id);
      in_next = labels_in (SECRET_COLLECTION_SESSION, next_platform_id);
      g_assert_cmpuint (in_next->len, ==, 2);
      next_items.platform_id = next_platform_id;
      lk_test_ui_close_window (win);
      g_assert_true (lk_demo_wait_for_endings (5000));
      g_assert_true (no_demo_item_left (&next_items));
    }
  else
    {
      /* As when the app quits: the window goes, and the application's
       * shutdown waits for the removal. */
      lk_test_ui_close_window (win);
      g_assert_true (lk_demo_wait_for_endings (5000));
      g_assert_true (no_demo_item_left (&items));
    }

  /* Nothing new in the login collection, and the settings are unchanged. */
  g_assert_cmpuint (count_all_in (SECRET_COLLECTION_DEFAULT), ==, login_before);
  settings_after = settings_snapshot ();
  g_assert_cmpstr (settings_after, ==, settings_before);
}

static void
test_demo_ends_on_sign_out (void)
{
  run_demo_then_end (END_BY_SIGN_OUT);
}

static void
test_demo_ends_with_window (void)
{
  run_demo_then_end (END_BY_CLOSING);
}

int
main (int   argc,
      char *argv[])
{
  if (!lk_test_ui_setup (&argc, &argv, &app, &sim))
    return g_test_run ();

  g_test_add_func ("/lk/demo/keys-in-session-collection", test_demo_keys_in_session_collection);
  g_test_add_func ("/lk/demo/ends-on-sign-out", test_demo_ends_on_sign_out);
  g_test_add_func ("/lk/demo/ends-with-window", test_demo_ends_with_window);

  return lk_test_ui_run (&app, &sim);
}
