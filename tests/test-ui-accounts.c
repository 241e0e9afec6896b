/* test-ui-accounts.c: signing out, forgetting an account
 *
 * Real widgets under Xvfb, the simulator over HTTP on 127.0.0.1 and the
 * real keyring of the test session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lk-about.h"
#include "lk-account-list.h"
#include "lk-account-popover.h"
#include "lk-api-key.h"
#include "lk-application.h"
#include "lk-clipboard.h"
#include "lk-preferences-window.h"
#include "lk-secret-view.h"
#include "lk-credential-store.h"
#include "lk-export.h"
#include "lk-keys-export.h"
#include "lk-sign-in-page.h"
#include "lk-simulator.h"
#include "lk-test-keys.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"
#include "lk-window.h"
#include "lk-wire.h"

#define WAIT_MS 20000

static LkApplication *app;
static LkSimulator *sim;

/* ---- Helpers ---- */

static LkSignInPage *
get_sign_in_page (LkWindow *win)
{
  return lk_test_ui_template_child (win, LK_TYPE_WINDOW, "sign_in_page");
}

static gboolean
has_dialog (gpointer data)
{
  return lk_test_ui_find_message_dialog (data) != NULL;
}

static gboolean
store_has_account_of (LkSimulator *of,
                      const char  *client_id)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (of);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  lk_credential_store_find_account_async (store, platform, client_id,
                                          NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  account = lk_credential_store_find_account_finish (store, result, &error);
  if (account == NULL)
    g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  return account != NULL;
}

static gboolean
store_has_account (const char *client_id)
{
  return store_has_account_of (sim, client_id);
}

/* The key IDs of the platform whose secrets the keyring holds. */
static GHashTable *
store_find_keys (void)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GHashTable *found;

  lk_credential_store_find_keys_async (store, lk_platform_get_id (platform), NULL,
                                       lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  found = lk_credential_store_find_keys_finish (store, result, &error);
  g_assert_no_error (error);
  return found;
}

static void
store_save_key (LkApiKey   *key,
                const char *secret)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  lk_credential_store_save_key_async (store, lk_platform_get_id (platform), key, secret, NULL,
                                      lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  label = lk_credential_store_save_key_finish (store, result, &error);
  g_assert_no_error (error);
}

static LkWindow *
admin_window (void)
{
  g_autofree char *token_url = lk_simulator_get_token_url (sim);
  LkSignInPage *page;
  LkWindow *win;

  g_settings_reset (lk_application_get_settings (app), "last-client-id");
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  page = get_sign_in_page (win);
  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, lk_simulator_get_admin_client_id (sim));
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (sim));
  lk_sign_in_page_set_remember (page, FALSE);
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");
  return win;
}

static gboolean
list_complete (gpointer data)
{
  LkClient *client = lk_test_ui_get_client (data);

  return client != NULL && !lk_client_get_loading (client) &&
         g_list_model_get_n_items (lk_client_get_keys (client)) == lk_simulator_get_n_keys (sim);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* What the window's win.export does once a file is chosen. */
static char *
export_to (LkWindow          *win,
           LkKeysExportScope  scope,
           const char        *path)
{
  LkKeysView *view = lk_window_get_keys_view (win);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  char *contents = NULL;

  lk_keys_export_to_file_async (view, scope, file, NULL, on_exported, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_true (lk_keys_export_finish (result, &message, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "keys"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* The CSV as rows of fields, read by Python's csv module. */
static JsonArray *
read_csv (const char *path)
{
  const char *argv[] = {
    "python3", "-c",
    "import csv, json, sys\n"
    "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
    "    print(json.dumps(list(csv.reader(f, strict=True))))\n",
    path, NULL
  };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

/* ---- Tests ---- */

static void
test_sign_out_then_forget (void)
{
  const char *admin_id = lk_simulator_get_admin_client_id (sim);
  GSettings *settings = lk_application_get_settings (app);
  g_autoptr (LkPermissions) permissions = lk_permissions_new ();
  g_autoptr (LkApiKey) key1 = NULL;
  g_autoptr (LkApiKey) key2 = NULL;
  g_autoptr (GHashTable) keys_before = NULL;
  g_autoptr (GHashTable) keys_after = NULL;
  g_autofree char *secret1 = NULL;
  g_autofree char *secret2 = NULL;
  g_autofree char *token_url = lk_simulator_get_token_url (sim);
  LkSignInPage *page;
  LkWindow *win;

  /* Two API keys whose secrets are kept in the keyring. */
  key1 = lk_simulator_add_key (sim, "kept one", permissions, 0, &secret1);
  key2 = lk_simulator_add_key (sim, "kept two", permissions, 0, &secret2);
  store_save_key (key1, secret1);
  store_save_key (key2, secret2);

  /* Signed in from the form, remembered. */
  g_settings_reset (settings, "last-client-id");
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  page = get_sign_in_page (win);
  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, admin_id);
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (sim));
  lk_sign_in_page_set_remember (page, TRUE);
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");
  lk_test_spin (500);
  g_assert_true (store_has_account (admin_id));

  /* Sign Out keeps the remembered item. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.sign-out", NULL));
  lk_test_ui_wait_for_page (win, "sign-in");
  g_assert_null (lk_test_ui_get_client (win));
  lk_test_spin (500);
  g_assert_true (store_has_account (admin_id));
  lk_test_ui_close_window (win);

  /* A new window signs in to it, with no typing. */
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "keys");
  g_assert_cmpstr (lk_client_get_client_id (lk_test_ui_get_client (win)), ==, admin_id);

  /* Forget This Account…: asks first, naming it; Cancel keeps it. */
  keys_before = store_find_keys ();
  g_assert_true (g_hash_table_contains (keys_before, lk_api_key_get_id (key1)));
  g_assert_true (g_hash_table_contains (keys_before, lk_api_key_get_id (key2)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.forget-account", NULL));
  g_assert_true (lk_test_wait_until (has_dialog, win, WAIT_MS));
  {
    const char *body = adw_message_dialog_get_body (lk_test_ui_find_message_dialog (win));
    LkApiKey *whoami = lk_client_get_whoami (lk_test_ui_get_client (win));
    const char *name = lk_api_key_get_name (whoami);

    g_assert_nonnull (strstr (body, name && name[0] ? name : admin_id));
  }
  adw_message_dialog_response (lk_test_ui_find_message_dialog (win), "cancel");
  lk_test_spin (300);
  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "keys");
  g_assert_true (store_has_account (admin_id));

  /* Forget: the item is gone, every API-key item is still there. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.forget-account", NULL));
  g_assert_true (lk_test_wait_until (has_dialog, win, WAIT_MS));
  adw_message_dialog_response (lk_test_ui_find_message_dialog (win), "forget");
  lk_test_ui_wait_for_page (win, "sign-in");
  lk_test_spin (500);
  g_assert_false (store_has_account (admin_id));
  keys_after = store_find_keys ();
  g_assert_cmpuint (g_hash_table_size (keys_after), ==, g_hash_table_size (keys_before));
  g_assert_true (g_hash_table_contains (keys_after, lk_api_key_get_id (key1)));
  g_assert_true (g_hash_table_contains (keys_after, lk_api_key_get_id (key2)));
  lk_test_ui_close_window (win);

  /* And the next window asks. */
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  lk_test_spin (300);
  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "sign-in");
  lk_test_ui_close_window (win);
}

static void
test_export (void)
{
  static const char *names[] = {
    "zqxaudit, with commas",
    "zqxaudit \"quoted\" name",
    "zqxaudit Ünïcödé 鍵",
    "zqxaudit =1+2",
    "zqxaudit plain",
    "=zqxaudit(1,2)",
    "@zqxaudit",
    "-zqxaudit",
  };
  g_autoptr (LkPermissions) permissions = lk_permissions_new ();
  g_autoptr (GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lk-export-XXXXXX", &error);
  g_autofree char *csv_path = g_build_filename (dir, "shown.csv", NULL);
  g_autofree char *json_path = g_build_filename (dir, "all.json", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonArray) rows = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GListModel *shown;
  GListModel *all;
  JsonArray *array;
  LkWindow *win;

  lk_permissions_set (permissions, LK_CATEGORY_API_KEYS, LK_ACCESS_READ);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *secret = NULL;
      g_autoptr (LkApiKey) key = lk_simulator_add_key (sim, names[i], permissions, 0, &secret);

      g_assert_nonnull (key);
      g_ptr_array_add (secrets, secret);
    }

  win = admin_window ();
  g_assert_true (lk_test_wait_until (list_complete, win, WAIT_MS));

  /* The shown list: searched (and sorted as the table sorts). */
  lk_keys_view_set_search_text (lk_window_get_keys_view (win),
                                "zqxaudit");
  shown = lk_keys_view_get_shown_keys (lk_window_get_keys_view (win));
  lk_test_spin (300);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, G_N_ELEMENTS (names));

  csv = export_to (win, LK_KEYS_EXPORT_SHOWN, csv_path);
  rows = read_csv (csv_path);
  g_assert_cmpuint (json_array_get_length (rows), ==, G_N_ELEMENTS (names) + 1);
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (rows, 0), 0), ==, "Name");
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (shown, i);
      JsonArray *row = json_array_get_array_element (rows, i + 1);
      const char *name = lk_api_key_get_name (key);
      /* a formula sign at the start is neutralised */
      g_autofree char *expected = strchr ("=+-@", name[0]) != NULL && name[0] != '\0'
                                  ? g_strconcat ("'", name, NULL) : g_strdup (name);

      g_assert_cmpuint (json_array_get_length (row), ==, 6);
      g_assert_cmpstr (json_array_get_string_element (row, 0), ==, expected);
      g_assert_cmpstr (json_array_get_string_element (row, 1), ==, lk_api_key_get_client_id (key));
      g_assert_cmpstr (json_array_get_string_element (row, 5), ==,
                       lk_api_key_get_has_local_secret (key) ? "yes" : "no");
    }

  /* All the tenant's keys, to JSON (the name says so). */
  all = lk_client_get_keys (lk_test_ui_get_client (win));
  json = export_to (win, LK_KEYS_EXPORT_ALL, json_path);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "keys");
  g_assert_cmpuint (json_array_get_length (array), ==, g_list_model_get_n_items (all));
  g_assert_cmpuint (json_array_get_length (array), ==, lk_simulator_get_n_keys (sim));
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (all, i);
      JsonObject *object = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, lk_api_key_get_name (key));
      g_assert_cmpstr (json_object_get_string_member (object, "client_id"), ==,
                       lk_api_key_get_client_id (key));
    }

  /* No secret anywhere. */
  g_ptr_array_add (secrets, g_strdup (lk_simulator_get_admin_client_secret (sim)));
  for (guint i = 0; i < secrets->len; i++)
    {
      g_assert_null (strstr (csv, secrets->pdata[i]));
      g_assert_null (strstr (json, secrets->pdata[i]));
    }

  /* A window closed with the save dialog or the confirmation still open
   * goes, and nothing is forgotten. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.export", "s", "all"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.forget-account", NULL));
  g_assert_true (lk_test_wait_until (has_dialog, win, WAIT_MS));
  {
    gpointer session = lk_window_get_session (win);
    gpointer view = lk_window_get_keys_view (win);

    g_object_add_weak_pointer (session, &session);
    g_object_add_weak_pointer (view, &view);
    lk_test_ui_close_window (win);
    lk_test_spin (200);
    /* nothing waits for an answer that will never come */
    g_assert_null (session);
    g_assert_null (view);
  }
  g_unlink (csv_path);
  g_unlink (json_path);
  g_rmdir (dir);
}

static gpointer
find_toplevel (GType type)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static gboolean
clipboard_released (gpointer data)
{
  return !lk_clipboard_holds_secret ();
}

static void
test_preferences_clipboard (void)
{
  GSettings *settings = lk_application_get_settings (app);
  g_autoptr (LkApiKey) key = lk_api_key_new ("key-1", "Clipboard key", "client-1234", NULL, 0, 0, NULL);
  g_autoptr (LkCreatedKey) created = lk_created_key_new (key, "s3cr3t-preferences-test");
  LkWindow *win;
  GtkWindow *preferences;
  GtkAdjustment *clipboard;
  GtkAdjustment *expiry;
  GtkWidget *window;
  GtkWidget *overlay;
  LkSecretView *view;
  gint64 copied_at;

  g_settings_reset (settings, "clipboard-clear-seconds");
  g_settings_reset (settings, "expiry-warning-days");
  g_settings_reset (settings, "last-client-id");
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");

  /* Ctrl+comma's action opens them, showing the settings as they are. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  lk_test_spin (100);
  preferences = find_toplevel (LK_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  clipboard = lk_test_ui_template_child (preferences, LK_TYPE_PREFERENCES_WINDOW, "clipboard_adjustment");
  expiry = lk_test_ui_template_child (preferences, LK_TYPE_PREFERENCES_WINDOW, "expiry_adjustment");
  g_assert_cmpfloat (gtk_adjustment_get_value (clipboard), ==, g_settings_get_uint (settings, "clipboard-clear-seconds"));
  g_assert_cmpfloat (gtk_adjustment_get_value (expiry), ==, g_settings_get_uint (settings, "expiry-warning-days"));
  g_assert_cmpuint (g_settings_get_uint (settings, "clipboard-clear-seconds"), >, 10);

  /* The shortest clipboard delay, and a longer warning. */
  gtk_adjustment_set_value (clipboard, 5);
  gtk_adjustment_set_value (expiry, 30);
  g_assert_cmpuint (g_settings_get_uint (settings, "clipboard-clear-seconds"), ==, 5);
  g_assert_cmpuint (g_settings_get_uint (settings, "expiry-warning-days"), ==, 30);
  gtk_window_destroy (preferences);

  /* A secret copied now is cleared after 5 seconds, not the default's. */
  window = gtk_window_new ();
  overlay = adw_toast_overlay_new ();
  view = LK_SECRET_VIEW (lk_secret_view_new ());
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  lk_secret_view_set_created (view, NULL, created);
  lk_test_spin (50);
  g_signal_emit_by_name (lk_test_ui_template_child (view, LK_TYPE_SECRET_VIEW, "copy_secret_button"), "clicked");
  copied_at = g_get_monotonic_time ();
  g_assert_true (lk_clipboard_holds_secret ());
  lk_test_spin (3000);
  g_assert_true (lk_clipboard_holds_secret ());
  g_assert_true (lk_test_wait_until (clipboard_released, NULL, 6000));
  g_assert_cmpint (g_get_monotonic_time () - copied_at, >=, 4 * G_USEC_PER_SEC);

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "clipboard-clear-seconds");
  g_settings_reset (settings, "expiry-warning-days");
  lk_test_ui_close_window (win);
}

static void
test_about_debug_info (void)
{
  g_autofree char *gtk_version = g_strdup_printf ("GTK %u.%u.%u", gtk_get_major_version (),
                                                  gtk_get_minor_version (), gtk_get_micro_version ());
  LkWindow *win = admin_window ();
  AdwAboutWindow *about;
  const char *info;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  lk_test_spin (100);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  /* The bus says who the Secret Service is (the test session's keyring). */
  for (guint i = 0; i < 50 && strstr (adw_about_window_get_debug_info (about), "Secret Service: unknown"); i++)
    lk_test_spin (100);
  info = adw_about_window_get_debug_info (about);
  g_test_message ("%s", info);

  g_assert_nonnull (strstr (info, gtk_version));
  g_assert_nonnull (strstr (info, "libadwaita "));
  g_assert_nonnull (strstr (info, "libsoup "));
  g_assert_nonnull (strstr (info, "libsecret "));
  g_assert_nonnull (strstr (info, "Flatpak: no"));
  g_assert_null (strstr (info, "Secret Service: unknown"));

  /* Nothing of the signed-in account. */
  g_assert_null (strstr (info, lk_simulator_get_admin_client_secret (sim)));
  g_assert_null (strstr (info, lk_simulator_get_admin_client_id (sim)));
  g_assert_null (strstr (info, lk_simulator_get_base_url (sim)));

  gtk_window_destroy (GTK_WINDOW (about));
  lk_test_ui_close_window (win);
}

/* ---- Several accounts ---- */

static void
store_remember (LkSimulator *tenant,
                const char  *client_id,
                const char  *secret)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (tenant);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  lk_credential_store_remember_account_async (store, platform, client_id, secret, NULL,
                                              lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_true (lk_credential_store_remember_account_finish (store, result, &error));
  g_assert_no_error (error);
}

static void
store_forget (LkSimulator *tenant,
              const char  *client_id)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (tenant);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  lk_credential_store_forget_account_async (store, lk_platform_get_id (platform), client_id, NULL,
                                            lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_true (lk_credential_store_forget_account_finish (store, result, &error));
  g_assert_no_error (error);
}

/* Signs @win in from the form to @tenant's admin, remembered. */
static void
sign_in_remembered (LkWindow    *win,
                    LkSimulator *tenant)
{
  g_autofree char *token_url = lk_simulator_get_token_url (tenant);
  LkSignInPage *page = get_sign_in_page (win);

  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (tenant), token_url, NULL);
  lk_sign_in_page_set_client_id (page, lk_simulator_get_admin_client_id (tenant));
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (tenant));
  lk_sign_in_page_set_remember (page, TRUE);
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");
}

typedef struct {
  LkWindow    *win;
  LkSimulator *tenant;
} Shown;

/* @win shows @tenant's keys, all listed. */
static gboolean
shows_tenant (gpointer data)
{
  Shown *shown = data;
  LkClient *client = lk_test_ui_get_client (shown->win);

  return client != NULL && !lk_client_get_loading (client) &&
         g_str_equal (lk_test_ui_get_page (shown->win), "keys") &&
         g_str_equal (lk_platform_get_api_base (lk_client_get_platform (client)),
                      lk_simulator_get_base_url (shown->tenant)) &&
         g_list_model_get_n_items (lk_client_get_keys (client)) == lk_simulator_get_n_keys (shown->tenant);
}

static gboolean
has_key_named (LkWindow   *win,
               const char *name)
{
  GListModel *keys = lk_client_get_keys (lk_test_ui_get_client (win));

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_name (key), name) == 0)
        return TRUE;
    }

  return FALSE;
}

static LkAccountList *
open_account_list (LkWindow *win)
{
  GtkMenuButton *button = lk_test_ui_template_child (win, LK_TYPE_WINDOW, "account_button");
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  gtk_menu_button_popup (button);
  lk_test_spin (50);
  return lk_test_ui_template_child (popover, LK_TYPE_ACCOUNT_POPOVER, "account_list");
}

typedef struct {
  LkAccountList *list;
  LkSimulator   *tenant;
  GtkWidget     *row;
} RowSearch;

/* The list's row of @tenant's admin account, as a person finds it. */
static gboolean
find_row (gpointer data)
{
  RowSearch *search = data;
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (search->tenant);

  search->row = NULL;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (search->list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));
      const char *platform_id = NULL, *client_id = NULL;

      if (target == NULL)
        {
          /* the signed-in account: marked, not a button */
          g_assert_false (gtk_widget_get_sensitive (row));
          continue;
        }
      g_variant_get (target, "(&s&s&sb)", &platform_id, &client_id, NULL, NULL);
      if (g_str_equal (platform_id, lk_platform_get_id (platform)) &&
          g_str_equal (client_id, lk_simulator_get_admin_client_id (search->tenant)))
        search->row = row;
    }

  return search->row != NULL;
}

/* Clicks @tenant's row in the account popover and waits for its keys;
 * returns how many token requests @tenant got meanwhile. */
static guint
switch_to (LkWindow    *win,
           LkSimulator *tenant)
{
  RowSearch search = { open_account_list (win), tenant, NULL };
  Shown shown = { win, tenant };
  guint tokens = lk_simulator_count_requests (tenant, "POST", LK_WIRE_PATH_TOKEN);

  g_assert_true (lk_test_wait_until (find_row, &search, WAIT_MS));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (search.row)), ==, "win.switch-account");
  g_signal_emit_by_name (search.row, "clicked");
  g_assert_true (lk_test_wait_until (shows_tenant, &shown, WAIT_MS));
  lk_test_spin (200);
  return lk_simulator_count_requests (tenant, "POST", LK_WIRE_PATH_TOKEN) - tokens;
}

static const char *
subtitle (LkWindow *win)
{
  return adw_window_title_get_subtitle (lk_test_ui_template_child (win, LK_TYPE_WINDOW, "window_title"));
}

/* Rename Account…, as a person does it: the dialog's entry, then Rename. */
static void
rename_account (LkWindow   *win,
                const char *name)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.rename-account", NULL));
  g_assert_true (lk_test_wait_until (has_dialog, win, WAIT_MS));
  dialog = lk_test_ui_find_message_dialog (win);
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_ENTRY (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  adw_message_dialog_response (dialog, "rename");
  lk_test_spin (100);
}

static GtkWidget *
popover_child (LkWindow   *win,
               const char *name)
{
  GtkMenuButton *button = lk_test_ui_template_child (win, LK_TYPE_WINDOW, "account_button");

  return lk_test_ui_template_child (gtk_menu_button_get_popover (button), LK_TYPE_ACCOUNT_POPOVER, name);
}

static void
test_switch_accounts (void)
{
  g_autoptr (LkSimulator) sim2 = lk_simulator_new ();
  g_autoptr (LkPermissions) permissions = lk_permissions_new ();
  g_autoptr (LkApiKey) key1 = NULL;
  g_autoptr (LkApiKey) key2 = NULL;
  g_autoptr (GHashTable) keys_before = NULL;
  g_autoptr (GHashTable) keys_after = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret1 = NULL;
  g_autofree char *secret2 = NULL;
  g_autofree char *port1 = g_strdup_printf (":%u", lk_simulator_get_port (sim));
  g_autofree char *port2 = NULL;
  Shown shown2 = { NULL, sim2 };
  LkWindow *win;

  /* A second tenant, on a port of its own, each with a key of its own. */
  lk_simulator_seed (sim2, 0);
  g_assert_true (lk_simulator_start (sim2, 0, NULL, &error));
  g_assert_no_error (error);
  port2 = g_strdup_printf (":%u", lk_simulator_get_port (sim2));
  key1 = lk_simulator_add_key (sim, "Only on tenant one", permissions, 0, &secret1);
  key2 = lk_simulator_add_key (sim2, "Only on tenant two", permissions, 0, &secret2);
  store_save_key (key1, secret1);

  /* Both remembered: the first from the form, the second with Add Account…. */
  g_settings_reset (lk_application_get_settings (app), "last-client-id");
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  sign_in_remembered (win, sim);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.add-account", NULL));
  lk_test_ui_wait_for_page (win, "sign-in");
  g_assert_cmpstr (lk_sign_in_page_get_client_id (get_sign_in_page (win)), ==, "");
  sign_in_remembered (win, sim2);
  shown2.win = win;
  g_assert_true (lk_test_wait_until (shows_tenant, &shown2, WAIT_MS));
  g_assert_true (has_key_named (win, "Only on tenant two"));
  g_assert_false (has_key_named (win, "Only on tenant one"));
  /* The subtitle names the account shown, and where. */
  g_assert_nonnull (strstr (subtitle (win), port2));
  lk_test_spin (500);
  g_assert_true (store_has_account_of (sim, lk_simulator_get_admin_client_id (sim)));
  g_assert_true (store_has_account_of (sim2, lk_simulator_get_admin_client_id (sim2)));

  /* Back and forth with one click, no typing: each its own keys, one
   * token request per switch. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (switch_to (win, sim), ==, 1);
      g_assert_true (has_key_named (win, "Only on tenant one"));
      g_assert_false (has_key_named (win, "Only on tenant two"));
      g_assert_nonnull (strstr (subtitle (win), port1));

      g_assert_cmpuint (switch_to (win, sim2), ==, 1);
      g_assert_true (has_key_named (win, "Only on tenant two"));
      g_assert_false (has_key_named (win, "Only on tenant one"));
      g_assert_nonnull (strstr (subtitle (win), port2));
    }
  g_assert_cmpuint (switch_to (win, sim), ==, 1);

  /* The popover says which tenant, as whoami gives it. */
  g_assert_true (gtk_widget_get_visible (popover_child (win, "tenant_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (popover_child (win, "tenant_label"))),
                            lk_simulator_get_tenant_id (sim)));

  /* A name of the user's own: in the title, the popover and the list of
   * accounts, kept in the settings (nothing secret) for the next time. */
  rename_account (win, "  Production EU ");
  g_assert_cmpstr (subtitle (win), ==, "Production EU");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (popover_child (win, "name_label"))), ==, "Production EU");
  g_assert_cmpuint (switch_to (win, sim2), ==, 1);
  g_assert_nonnull (strstr (subtitle (win), port2));
  {
    RowSearch search = { open_account_list (win), sim, NULL };
    GtkWidget *line, *text, *label;

    g_assert_true (lk_test_wait_until (find_row, &search, WAIT_MS));
    line = gtk_button_get_child (GTK_BUTTON (search.row));
    text = gtk_widget_get_last_child (line);
    label = gtk_widget_get_first_child (text);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Production EU");
  }
  g_assert_cmpuint (switch_to (win, sim), ==, 1);
  g_assert_cmpstr (subtitle (win), ==, "Production EU");

  /* Sign Out, then start again: the last account used, with no typing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.sign-out", NULL));
  lk_test_ui_wait_for_page (win, "sign-in");
  lk_test_ui_close_window (win);
  win = lk_test_ui_new_window (app);
  {
    Shown shown1 = { win, sim };

    g_assert_true (lk_test_wait_until (shows_tenant, &shown1, WAIT_MS));
  }
  g_assert_true (has_key_named (win, "Only on tenant one"));
  g_assert_cmpstr (subtitle (win), ==, "Production EU");
  /* An empty name goes back to the key's own. */
  rename_account (win, "");
  g_assert_nonnull (strstr (subtitle (win), port1));

  /* Forget This Account…: only its own item goes; the other accounts
   * (also another client ID on the same platform) and every API-key item
   * stay. */
  store_remember (sim, lk_api_key_get_client_id (key1), secret1);
  keys_before = store_find_keys ();
  g_assert_true (g_hash_table_contains (keys_before, lk_api_key_get_id (key1)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.forget-account", NULL));
  g_assert_true (lk_test_wait_until (has_dialog, win, WAIT_MS));
  adw_message_dialog_response (lk_test_ui_find_message_dialog (win), "forget");
  lk_test_ui_wait_for_page (win, "sign-in");
  lk_test_spin (500);
  g_assert_false (store_has_account_of (sim, lk_simulator_get_admin_client_id (sim)));
  g_assert_true (store_has_account_of (sim2, lk_simulator_get_admin_client_id (sim2)));
  g_assert_true (store_has_account_of (sim, lk_api_key_get_client_id (key1)));
  keys_after = store_find_keys ();
  g_assert_true (g_hash_table_contains (keys_after, lk_api_key_get_id (key1)));
  g_assert_cmpuint (g_hash_table_size (keys_after), ==, g_hash_table_size (keys_before));

  /* The other account is still one click away. */
  sign_in_remembered (win, sim2);
  {
    RowSearch search = { open_account_list (win), sim, NULL };

    lk_test_spin (500);
    g_assert_false (find_row (&search));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.forget-account", NULL));
  g_assert_true (lk_test_wait_until (has_dialog, win, WAIT_MS));
  adw_message_dialog_response (lk_test_ui_find_message_dialog (win), "forget");
  lk_test_ui_wait_for_page (win, "sign-in");
  lk_test_spin (500);
  g_assert_false (store_has_account_of (sim2, lk_simulator_get_admin_client_id (sim2)));
  store_forget (sim, lk_api_key_get_client_id (key1));
  lk_test_ui_close_window (win);
  g_settings_reset (lk_application_get_settings (app), "account-names");
  lk_simulator_stop (sim2);
}


/* ---- Check Connection from the account popover (issue 20) ---- */

static gboolean
check_report_shown (gpointer data)
{
  AdwMessageDialog *dialog = lk_test_ui_find_message_dialog (data);

  return dialog != NULL &&
         (g_strcmp0 (adw_message_dialog_get_heading (dialog), "Every step passed") == 0 ||
          g_strcmp0 (adw_message_dialog_get_heading (dialog), "A step failed") == 0);
}

/* Signed in without remembering (so nothing is in the keyring) and with
 * the form's secret cleared after sign-in: the check runs with what the
 * session holds in memory, and every step passes. */
static void
test_popover_check_connection (void)
{
  const char *admin_id = lk_simulator_get_admin_client_id (sim);
  LkWindow *win = admin_window ();
  GtkMenuButton *button = lk_test_ui_template_child (win, LK_TYPE_WINDOW, "account_button");
  GtkPopover *popover = gtk_menu_button_get_popover (button);
  AdwMessageDialog *dialog;
  const char *body;

  gtk_menu_button_popup (button);
  lk_test_spin (200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (popover), "account.check-connection", NULL));
  g_assert_true (lk_test_wait_until (check_report_shown, win, LK_TEST_UI_WAIT_MS));

  dialog = lk_test_ui_find_message_dialog (win);
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s", body);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Every step passed");
  g_assert_nonnull (strstr (body, admin_id));
  g_assert_nonnull (strstr (body, lk_simulator_get_base_url (sim)));
  g_assert_null (strstr (body, lk_simulator_get_admin_client_secret (sim)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  gtk_window_destroy (GTK_WINDOW (dialog));
  lk_test_ui_close_window (win);
}

int
main (int   argc,
      char *argv[])
{
  if (!lk_test_ui_setup (&argc, &argv, &app, &sim))
    return g_test_run ();

  g_test_add_func ("/lk/ui-accounts/sign-out-then-forget", test_sign_out_then_forget);
  g_test_add_func ("/lk/ui-accounts/switch-accounts", test_switch_accounts);
  g_test_add_func ("/lk/ui-accounts/export", test_export);
  g_test_add_func ("/lk/ui-accounts/popover-check-connection", test_popover_check_connection);
  g_test_add_func ("/lk/ui-accounts/preferences-clipboard", test_preferences_clipboard);
  g_test_add_func ("/lk/ui-accounts/about-debug-info", test_about_debug_info);

  return lk_test_ui_run (&app, &sim);
}
