/* test-ui-shell.c: the main window against the simulator, for real
 *
 * Real widgets under Xvfb, the simulator over HTTP on 127.0.0.1 and the
 * real keyring of the test session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "lk-application.h"
#include "lk-create-dialog.h"
#include "lk-credential-store.h"
#include "lk-keys-view.h"
#include "lk-sign-in-page.h"
#include "lk-simulator.h"
#include "lk-test-keys.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-window.h"
#include "lk-wire.h"

#define WAIT_MS 20000

static LkApplication *app;
static LkSimulator *sim;

/* ---- Helpers ---- */

static LkSignInPage *
get_sign_in_page (LkWindow *win)
{
  return LK_SIGN_IN_PAGE (gtk_widget_get_template_child (GTK_WIDGET (win), LK_TYPE_WINDOW, "sign_in_page"));
}

static LkKeysView *
get_keys_view (LkWindow *win)
{
  return lk_window_get_keys_view (win);
}

static GtkWidget *
get_window_child (LkWindow   *win,
                  const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (win), LK_TYPE_WINDOW, name));
}

static void
reset_settings (void)
{
  GSettings *settings = lk_application_get_settings (app);

  g_settings_reset (settings, "region");
  g_settings_reset (settings, "custom-api-url");
  g_settings_reset (settings, "custom-token-url");
  g_settings_reset (settings, "custom-ca-file");
  g_settings_reset (settings, "last-client-id");
}

static gboolean
has_error_heading (gpointer data)
{
  return lk_test_ui_get_sign_in_error (data) != NULL;
}

static gboolean
list_complete (gpointer data)
{
  LkWindow *win = data;
  LkClient *client = lk_test_ui_get_client (win);
  LkKeysView *view = get_keys_view (win);

  return client != NULL &&
         !lk_client_get_loading (client) &&
         g_strcmp0 (lk_test_keys_view_get_state (view), "loading") != 0 &&
         g_list_model_get_n_items (lk_client_get_keys (client)) == lk_simulator_get_n_keys (sim);
}

static void
wait_for_list (LkWindow *win)
{
  if (!lk_test_wait_until (list_complete, win, WAIT_MS))
    g_error ("the list did not complete: %u of %u keys, state %s",
             lk_test_ui_get_client (win) ?
               g_list_model_get_n_items (lk_client_get_keys (lk_test_ui_get_client (win))) : 0,
             lk_simulator_get_n_keys (sim),
             lk_test_keys_view_get_state (get_keys_view (win)));
}

static void
fill_form (LkWindow   *win,
           const char *client_id,
           const char *secret,
           gboolean    remember)
{
  LkSignInPage *page = get_sign_in_page (win);
  g_autofree char *token_url = lk_simulator_get_token_url (sim);

  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, client_id);
  lk_sign_in_page_set_secret (page, secret);
  lk_sign_in_page_set_remember (page, remember);
}

static gboolean
secret_row_is_empty (gpointer page)
{
  g_autoptr (LkSecretString) secret = lk_sign_in_page_dup_secret (page);

  return secret[0] == '\0';
}

static LkWindow *
signed_in_window (const char *client_id,
                  const char *secret)
{
  LkWindow *win;

  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  fill_form (win, client_id, secret, FALSE);
  g_assert_true (lk_sign_in_page_submit (get_sign_in_page (win)));
  lk_test_ui_wait_for_page (win, "keys");
  /* The admin's secret does not stay in the password row for the whole
   * session (custody issue, point 10). */
  g_assert_true (lk_test_wait_until (secret_row_is_empty, get_sign_in_page (win), WAIT_MS));
  return win;
}

static LkWindow *
admin_window (void)
{
  LkWindow *win = signed_in_window (lk_simulator_get_admin_client_id (sim),
                                    lk_simulator_get_admin_client_secret (sim));

  wait_for_list (win);
  return win;
}

static void
select_positions (LkWindow    *win,
                  const guint *positions,
                  guint        n)
{
  GtkSelectionModel *selection = lk_test_keys_view_get_selection (get_keys_view (win));

  gtk_selection_model_unselect_all (selection);
  for (guint i = 0; i < n; i++)
    gtk_selection_model_select_item (selection, positions[i], FALSE);
  g_assert_cmpuint (lk_keys_view_get_n_selected (get_keys_view (win)), ==, n);
}

static gboolean
store_lookup_account (const char *client_id,
                      GError    **error)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkAccount) account = NULL;

  lk_credential_store_find_account_async (store, platform, client_id,
                                          NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  account = lk_credential_store_find_account_finish (store, result, error);
  if (account != NULL)
    g_assert_cmpstr (account->client_id, ==, client_id);
  return account != NULL;
}

/* ---- Tests ---- */

static void
test_sign_in_bad (void)
{
  LkWindow *win;
  LkSignInPage *page;
  guint tokens_before;

  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  page = get_sign_in_page (win);

  /* An empty secret is refused inline, before anything is sent. */
  tokens_before = lk_simulator_count_requests (sim, "POST", "/oauth2/token");
  fill_form (win, lk_simulator_get_admin_client_id (sim), "", FALSE);
  g_assert_false (lk_sign_in_page_submit (page));
  g_assert_nonnull (lk_test_ui_get_sign_in_error (page));
  g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", "/oauth2/token"), ==, tokens_before);

  /* A plain-http platform that is not this computer is refused inline. */
  lk_sign_in_page_set_custom (page, "http://example.com", "http://example.com/oauth2/token", NULL);
  lk_sign_in_page_set_secret (page, "whatever");
  g_assert_false (lk_sign_in_page_submit (page));
  g_assert_nonnull (lk_test_ui_get_sign_in_error (page));

  /* A wrong secret: the platform says no, the page says so and stays. */
  fill_form (win, lk_simulator_get_admin_client_id (sim), "not-the-secret", FALSE);
  g_assert_true (lk_sign_in_page_submit (page));
  g_assert_null (lk_test_ui_get_sign_in_error (page));
  g_assert_true (lk_test_wait_until (has_error_heading, page, WAIT_MS));
  g_assert_cmpstr (lk_test_ui_get_sign_in_error (page), ==, "Not accepted");
  g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", "/oauth2/token"), >, tokens_before);
  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "sign-in");
  g_assert_null (lk_test_ui_get_client (win));
  /* The form keeps what was typed. */
  g_assert_cmpstr (lk_sign_in_page_get_client_id (page), ==, lk_simulator_get_admin_client_id (sim));

  /* Nothing reachable on a closed port: a network message. */
  lk_sign_in_page_set_custom (page, "http://127.0.0.1:9", "http://127.0.0.1:9/oauth2/token", NULL);
  g_assert_true (lk_sign_in_page_submit (page));
  g_assert_true (lk_test_wait_until (has_error_heading, page, WAIT_MS));
  g_assert_nonnull (strstr (lk_test_ui_get_sign_in_error (page), "reach"));
  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "sign-in");

  /* Never signed in: the keys page was never built (issue 19: building
   * it cost a start that ends here a fifth of its first frame). */
  g_assert_null (gtk_stack_get_child_by_name (lk_test_ui_template_child (win, LK_TYPE_WINDOW, "stack"),
                                              "keys"));

  lk_test_ui_close_window (win);
}

static void
test_sign_in_remembered (void)
{
  const char *admin_id = lk_simulator_get_admin_client_id (sim);
  LkWindow *win;
  g_autoptr (GError) error = NULL;
  GSettings *settings = lk_application_get_settings (app);
  g_autofree char *last_client_id = NULL;

  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  fill_form (win, admin_id, lk_simulator_get_admin_client_secret (sim), TRUE);
  g_assert_true (lk_sign_in_page_submit (get_sign_in_page (win)));
  lk_test_ui_wait_for_page (win, "keys");
  g_assert_cmpstr (lk_client_get_client_id (lk_test_ui_get_client (win)), ==, admin_id);
  wait_for_list (win);

  /* The account went to the keyring, the form's other fields to GSettings. */
  lk_test_spin (500);
  g_assert_true (store_lookup_account (admin_id, &error));
  g_assert_no_error (error);
  last_client_id = g_settings_get_string (settings, "last-client-id");
  g_assert_cmpstr (last_client_id, ==, admin_id);
  lk_test_ui_close_window (win);

  /* A new window signs in by itself. */
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "keys");
  g_assert_cmpstr (lk_client_get_client_id (lk_test_ui_get_client (win)), ==, admin_id);
  wait_for_list (win);
  lk_test_ui_close_window (win);

  /* As when the application starts: signed in and listed by the
   * prefetch, which the next window takes over instead of doing it
   * again (one token, one whoami): a window that comes before it is done
   * waits for it, one that comes after takes its result at once. */
  for (guint wait_first = 0; wait_first < 2; wait_first++)
    {
      guint tokens = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN);
      guint whoamis = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_WHOAMI);

      lk_application_start_prefetch (app);
      g_assert_null (lk_application_take_prefetch (app, "no-such-platform", admin_id));
      if (wait_first)
        lk_test_spin (500);
      win = lk_test_ui_new_window (app);
      lk_test_ui_wait_for_page (win, "keys");
      wait_for_list (win);
      g_assert_cmpstr (lk_client_get_client_id (lk_test_ui_get_client (win)), ==, admin_id);
      g_assert_cmpuint (g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (get_keys_view (win))), ==,
                        lk_simulator_get_n_keys (sim));
      g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN), ==, tokens + 1);
      g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_WHOAMI), ==, whoamis + 1);
      /* taken once */
      g_assert_null (lk_application_take_prefetch (app,
                                                   lk_platform_get_id (lk_client_get_platform (lk_test_ui_get_client (win))),
                                                   admin_id));
      if (!wait_first)
        lk_test_ui_close_window (win);
    }

  /* Forget This Account… (confirmed) forgets it and empties the secret
   * field (test-ui-accounts.c: Sign Out keeps it). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.forget-account", NULL));
  lk_test_spin (100);
  g_assert_nonnull (lk_test_ui_find_message_dialog (win));
  adw_message_dialog_response (lk_test_ui_find_message_dialog (win), "forget");
  lk_test_ui_wait_for_page (win, "sign-in");
  g_assert_null (lk_test_ui_get_client (win));
  {
    g_autoptr (LkSecretString) secret = lk_sign_in_page_dup_secret (get_sign_in_page (win));
    g_assert_cmpstr (secret, ==, "");
  }
  lk_test_spin (500);
  g_assert_false (store_lookup_account (admin_id, &error));
  g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  lk_test_ui_close_window (win);

  /* The next window asks, with the client ID filled in. */
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  lk_test_spin (300);
  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "sign-in");
  g_assert_cmpstr (lk_sign_in_page_get_client_id (get_sign_in_page (win)), ==, admin_id);
  g_assert_null (lk_test_ui_get_sign_in_error (get_sign_in_page (win)));
  lk_test_ui_close_window (win);
}

static void
test_remembered_key_gone (void)
{
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  LkSignInPage *page;
  LkWindow *win;

  key = lk_simulator_add_key (sim, "Remembered, then deleted", NULL, 0, &secret);
  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  fill_form (win, lk_api_key_get_client_id (key), secret, TRUE);
  g_assert_true (lk_sign_in_page_submit (get_sign_in_page (win)));
  lk_test_ui_wait_for_page (win, "keys");
  lk_test_spin (500);
  g_assert_true (store_lookup_account (lk_api_key_get_client_id (key), &error));
  g_assert_no_error (error);
  lk_test_ui_close_window (win);

  /* The key was deleted elsewhere: the next start says so, with the
   * client ID filled in, instead of signing in. */
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (key)));
  win = lk_test_ui_new_window (app);
  page = get_sign_in_page (win);
  g_assert_true (lk_test_wait_until (has_error_heading, page, WAIT_MS));
  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "sign-in");
  g_assert_cmpstr (lk_test_ui_get_sign_in_error (page), ==, "Could not sign in with the remembered key");
  g_assert_cmpstr (lk_sign_in_page_get_client_id (page), ==, lk_api_key_get_client_id (key));
  g_assert_null (lk_test_ui_get_client (win));
  lk_test_ui_close_window (win);

  lk_credential_store_forget_account_async (store, lk_platform_get_id (platform),
                                            lk_api_key_get_client_id (key), NULL,
                                            lk_test_store_result, &result);
  g_assert_true (lk_credential_store_forget_account_finish (store, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
}


/* Custody point 3 on the sign-in page: the remembered sign-in was bound to
 * another token URL, so its secret is not sent, and the page says to sign
 * in again (not that the keyring could not be read). */
static void
test_remembered_platform_changed (void)
{
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *elsewhere = g_strconcat (lk_simulator_get_base_url (sim), "/elsewhere/oauth2/token", NULL);
  GtkLabel *body;
  LkSignInPage *page;
  LkWindow *win;

  key = lk_simulator_add_key (sim, "Remembered, then moved", NULL, 0, &secret);
  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  fill_form (win, lk_api_key_get_client_id (key), secret, TRUE);
  g_assert_true (lk_sign_in_page_submit (get_sign_in_page (win)));
  lk_test_ui_wait_for_page (win, "keys");
  lk_test_spin (500);
  g_assert_true (store_lookup_account (lk_api_key_get_client_id (key), &error));
  g_assert_no_error (error);
  lk_test_ui_close_window (win);

  /* Another token URL in the settings: the next start does not sign in. */
  g_settings_set_string (lk_application_get_settings (app), "custom-token-url", elsewhere);
  win = lk_test_ui_new_window (app);
  page = get_sign_in_page (win);
  g_assert_true (lk_test_wait_until (has_error_heading, page, WAIT_MS));
  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "sign-in");
  g_assert_cmpstr (lk_test_ui_get_sign_in_error (page), ==, "Sign in again");
  body = lk_test_ui_template_child (page, LK_TYPE_SIGN_IN_PAGE, "error_body");
  g_assert_nonnull (strstr (gtk_label_get_text (body), "was not sent"));
  g_assert_nonnull (strstr (gtk_label_get_text (body), "another token URL or CA file"));
  g_assert_cmpstr (lk_sign_in_page_get_client_id (page), ==, lk_api_key_get_client_id (key));
  g_assert_null (lk_test_ui_get_client (win));
  lk_test_ui_close_window (win);

  lk_credential_store_forget_account_async (store, lk_platform_get_id (platform),
                                            lk_api_key_get_client_id (key), NULL,
                                            lk_test_store_result, &result);
  g_assert_true (lk_credential_store_forget_account_finish (store, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  reset_settings ();
}

static void
test_list_sort_filter (void)
{
  LkWindow *win = admin_window ();
  LkKeysView *view = get_keys_view (win);
  LkClient *client = lk_test_ui_get_client (win);
  GListModel *sorted = lk_test_keys_view_get_shown_keys (view);
  GListModel *filtered = lk_test_keys_view_get_shown_keys (view);
  LkKeyTable *table = lk_test_keys_view_get_table (view);
  guint n = g_list_model_get_n_items (sorted);
  g_autoptr (LkApiKey) first = NULL;
  g_autofree char *needle = NULL;
  guint expected = 0;
  guint list_requests;

  /* Every live key of the tenant, nothing else. */
  g_assert_cmpuint (n, >, 10);
  g_assert_cmpuint (n, ==, lk_simulator_get_n_keys (sim));
  g_assert_cmpuint (g_list_model_get_n_items (filtered), ==, n);
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");

  /* Sorted by name (the default), both ways. */
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (LkApiKey) a = g_list_model_get_item (sorted, i - 1);
      g_autoptr (LkApiKey) b = g_list_model_get_item (sorted, i);
      g_autofree char *fa = g_utf8_casefold (lk_api_key_get_name (a), -1);
      g_autofree char *fb = g_utf8_casefold (lk_api_key_get_name (b), -1);

      g_assert_cmpint (g_utf8_collate (fa, fb), <=, 0);
    }
  lk_key_table_sort_by (table, LK_KEY_COLUMN_NAME, GTK_SORT_DESCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (LkApiKey) a = g_list_model_get_item (sorted, i - 1);
      g_autoptr (LkApiKey) b = g_list_model_get_item (sorted, i);
      g_autofree char *fa = g_utf8_casefold (lk_api_key_get_name (a), -1);
      g_autofree char *fb = g_utf8_casefold (lk_api_key_get_name (b), -1);

      g_assert_cmpint (g_utf8_collate (fa, fb), >=, 0);
    }

  /* By expiry: the soonest first, "never" last. */
  lk_key_table_sort_by (table, LK_KEY_COLUMN_EXPIRES, GTK_SORT_ASCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (LkApiKey) a = g_list_model_get_item (sorted, i - 1);
      g_autoptr (LkApiKey) b = g_list_model_get_item (sorted, i);
      gint64 ea = lk_api_key_get_expires_at (a) ? lk_api_key_get_expires_at (a) : G_MAXINT64;
      gint64 eb = lk_api_key_get_expires_at (b) ? lk_api_key_get_expires_at (b) : G_MAXINT64;

      g_assert_cmpint (ea, <=, eb);
    }
  /* By creation date. */
  lk_key_table_sort_by (table, LK_KEY_COLUMN_CREATED, GTK_SORT_ASCENDING);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr (LkApiKey) a = g_list_model_get_item (sorted, i - 1);
      g_autoptr (LkApiKey) b = g_list_model_get_item (sorted, i);

      g_assert_cmpint (lk_api_key_get_created_at (a), <=, lk_api_key_get_created_at (b));
    }
  lk_key_table_sort_by (table, LK_KEY_COLUMN_NAME, GTK_SORT_ASCENDING);

  /* Search by part of a name, in another case. */
  first = g_list_model_get_item (lk_client_get_keys (client), 3);
  needle = g_utf8_strup (lk_api_key_get_name (first), 4);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (lk_client_get_keys (client), i);
      g_autofree char *name = g_utf8_strup (lk_api_key_get_name (key), -1);
      g_autofree char *client_id = g_utf8_strup (lk_api_key_get_client_id (key), -1);

      if (strstr (name, needle) != NULL || strstr (client_id, needle) != NULL)
        expected++;
    }
  lk_keys_view_set_search_text (view, needle);
  g_assert_cmpuint (g_list_model_get_n_items (filtered), ==, expected);
  g_assert_cmpuint (g_list_model_get_n_items (sorted), ==, expected);
  g_assert_cmpuint (expected, >=, 1);
  g_assert_cmpuint (expected, <, n);

  /* Search by client ID. */
  lk_keys_view_set_search_text (view, lk_api_key_get_client_id (first));
  g_assert_cmpuint (g_list_model_get_n_items (filtered), ==, 1);

  /* Nothing matches: the no-results state. */
  lk_keys_view_set_search_text (view, "no key is called like this");
  g_assert_cmpuint (g_list_model_get_n_items (filtered), ==, 0);
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "no-results");
  lk_keys_view_set_search_text (view, "");
  g_assert_cmpuint (g_list_model_get_n_items (filtered), ==, n);
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");

  /* Copy Client ID puts it on the clipboard. */
  {
    const guint one[] = { 0 };
    g_autoptr (LkApiKey) key = g_list_model_get_item (sorted, 0);
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (win));
    g_autoptr (GAsyncResult) result = NULL;
    g_autofree char *text = NULL;

    select_positions (win, one, 1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "keys.copy-client-id", NULL));
    lk_test_ui_wait_for_toast (win, "Copied the client ID");
    gdk_clipboard_read_text_async (clipboard, NULL, lk_test_store_result, &result);
    text = gdk_clipboard_read_text_finish (clipboard, lk_test_wait_result (&result, WAIT_MS), NULL);
    g_assert_cmpstr (text, ==, lk_api_key_get_client_id (key));
    gtk_selection_model_unselect_all (lk_test_keys_view_get_selection (view));
  }

  /* Ctrl+F's action opens the search bar. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.search", NULL));
  g_assert_true (lk_test_keys_view_get_search_mode (view));

  /* F5's action lists again. */
  list_requests = lk_simulator_count_requests (sim, "GET", "/api/v1/api-keys");
  lk_simulator_add_key (sim, "Added elsewhere", NULL, 0, NULL);
  g_object_unref (lk_simulator_find_key_by_name (sim, "Added elsewhere"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.refresh", NULL));
  wait_for_list (win);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", "/api/v1/api-keys"), >, list_requests);
  g_assert_cmpuint (g_list_model_get_n_items (sorted), ==, n + 1);

  lk_test_ui_close_window (win);
}

/* How many keys of @model match @needle by name or client ID, ignoring
 * case: what the search must show. */
static guint
count_matching (GListModel *model,
                const char *needle)
{
  g_autofree char *folded_needle = g_utf8_casefold (needle, -1);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (model, i);
      g_autofree char *name = g_utf8_casefold (lk_api_key_get_name (key), -1);
      g_autofree char *client_id = g_utf8_casefold (lk_api_key_get_client_id (key), -1);

      if (strstr (name, folded_needle) != NULL || strstr (client_id, folded_needle) != NULL)
        n++;
    }

  return n;
}

/* 10,000 keys: the list arrives in pages, and search and sort work on all
 * of them.  How fast is measured by build-aux/bench, not asserted here. */
static void
test_large_tenant (void)
{
  g_autoptr (LkSimulator) large = lk_simulator_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token_url = NULL;
  const char *const needles[] = { "s", "sc", "sca", "scanner 1", "sca", "" };
  LkWindow *win;
  LkKeysView *view;
  LkClient *client;
  guint n;
  gint64 start;

  lk_simulator_seed (large, 10000);
  g_assert_true (lk_simulator_start (large, 0, NULL, &error));
  g_assert_no_error (error);
  n = lk_simulator_get_n_keys (large);
  g_assert_cmpuint (n, >=, 10000);

  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  token_url = lk_simulator_get_token_url (large);
  lk_sign_in_page_set_region (get_sign_in_page (win), LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (get_sign_in_page (win), lk_simulator_get_base_url (large), token_url, NULL);
  lk_sign_in_page_set_client_id (get_sign_in_page (win), lk_simulator_get_admin_client_id (large));
  lk_sign_in_page_set_secret (get_sign_in_page (win), lk_simulator_get_admin_client_secret (large));
  lk_sign_in_page_set_remember (get_sign_in_page (win), FALSE);
  g_assert_true (lk_sign_in_page_submit (get_sign_in_page (win)));
  lk_test_ui_wait_for_page (win, "keys");
  view = get_keys_view (win);
  client = lk_test_ui_get_client (win);

  /* The first page shows while the rest still arrives. */
  while (g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (view)) == 0)
    g_main_context_iteration (NULL, TRUE);
  if (lk_client_get_loading (client))
    g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");
  start = g_get_monotonic_time ();
  while (lk_client_get_loading (client))
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("listed %u keys in %.1f s after the first page", n,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (view)), ==, n);

  /* Each keystroke of a search narrows or widens to exactly the matching
   * keys (timings are logged for information only). */
  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      gint64 mid;
      start = g_get_monotonic_time ();
      lk_keys_view_set_search_text (view, needles[i]);
      mid = g_get_monotonic_time ();
      g_main_context_iteration (NULL, FALSE);
      g_test_message ("search “%s”: %u rows in %.1f ms (filter %.1f ms)", needles[i],
                      g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (view)),
                      (g_get_monotonic_time () - start) / 1e3, (mid - start) / 1e3);
      g_assert_cmpuint (g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (view)), ==,
                        count_matching (lk_client_get_keys (client), needles[i]));
    }
  g_assert_cmpuint (g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (view)), ==, n);

  start = g_get_monotonic_time ();
  lk_key_table_sort_by (lk_test_keys_view_get_table (view), LK_KEY_COLUMN_EXPIRES, GTK_SORT_ASCENDING);
  g_main_context_iteration (NULL, FALSE);
  g_test_message ("sort by expiry: %.1f ms", (g_get_monotonic_time () - start) / 1e3);
  {
    GListModel *sorted = G_LIST_MODEL (lk_test_keys_view_get_shown_keys (view));

    g_assert_cmpuint (g_list_model_get_n_items (sorted), ==, n);
    for (guint i = 1; i < MIN (n, 500); i++)
      {
        g_autoptr(LkApiKey) a = g_list_model_get_item (sorted, i - 1);
        g_autoptr(LkApiKey) b = g_list_model_get_item (sorted, i);

        g_assert_cmpint (lk_api_key_get_expires_at (a), <=, lk_api_key_get_expires_at (b));
      }
  }

  lk_test_ui_close_window (win);
  lk_simulator_stop (large);
}

/* A shown, populated view with a selection, destroyed while its list
 * changes: nothing of its models may call back into widgets that
 * disposing it already cleared (GTest makes any critical fatal). */
static void
test_destroy_populated_view (void)
{
  LkWindow *win = admin_window ();
  LkClient *client = lk_test_ui_get_client (win);
  GtkWidget *window = gtk_window_new ();
  LkKeysView *view = LK_KEYS_VIEW (lk_keys_view_new ());
  GtkSelectionModel *selection;
  guint n;

  g_object_ref_sink (view);
  lk_keys_view_set_can_read (view, TRUE);
  lk_keys_view_set_client (view, client);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  lk_test_spin (100);

  n = g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (view));
  g_assert_cmpuint (n, ==, lk_simulator_get_n_keys (sim));
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");

  selection = lk_test_keys_view_get_selection (view);
  gtk_selection_model_select_item (selection, 0, FALSE);
  gtk_selection_model_select_item (selection, 2, FALSE);
  g_assert_cmpuint (lk_keys_view_get_n_selected (view), ==, 2);
  lk_key_table_sort_by (lk_test_keys_view_get_table (view), LK_KEY_COLUMN_EXPIRES, GTK_SORT_DESCENDING);
  lk_keys_view_set_search_text (view, "e");
  lk_test_spin (50);

  /* Destroyed while a refresh is under way and the list still changes. */
  lk_keys_view_refresh (view);
  lk_keys_view_set_search_text (view, "");
  gtk_window_destroy (GTK_WINDOW (window));
  lk_test_spin (100);
  g_assert_finalize_object (view);

  /* The window's own view is untouched and still shows every key. */
  g_assert_cmpuint (g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (get_keys_view (win))), ==, n);
  lk_test_ui_close_window (win);
}

static gboolean
key_gone (gpointer data)
{
  g_autoptr (LkApiKey) key = lk_simulator_lookup_key (sim, data);

  return key == NULL;
}

static gboolean
model_lacks (GListModel *model,
             const char *key_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (model, i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        return FALSE;
    }

  return TRUE;
}

static void
test_delete (void)
{
  LkWindow *win = admin_window ();
  LkKeysView *view = get_keys_view (win);
  GListModel *sorted = lk_test_keys_view_get_shown_keys (view);
  guint n = g_list_model_get_n_items (sorted);
  const guint one[] = { 1 };
  const guint several[] = { 2, 4, 6 };
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  AdwMessageDialog *dialog;

  /* One key: the dialog names it and its client ID. */
  select_positions (win, one, 1);
  {
    g_autoptr (LkApiKey) key = g_list_model_get_item (sorted, 1);
    g_ptr_array_add (ids, g_strdup (lk_api_key_get_id (key)));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-selected", NULL));
    dialog = lk_test_ui_find_message_dialog (win);
    g_assert_nonnull (dialog);
    g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), lk_api_key_get_name (key)));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), lk_api_key_get_client_id (key)));
    g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==, ADW_RESPONSE_DESTRUCTIVE);
    g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  }

  /* Cancel does nothing. */
  adw_message_dialog_response (dialog, "cancel");
  lk_test_spin (300);
  g_assert_false (key_gone (g_ptr_array_index (ids, 0)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-selected", NULL));
  dialog = lk_test_ui_find_message_dialog (win);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "delete");
  g_assert_true (lk_test_wait_until (key_gone, g_ptr_array_index (ids, 0), WAIT_MS));
  lk_test_ui_wait_for_toast (win, "Deleted 1 key");
  g_assert_cmpuint (g_list_model_get_n_items (sorted), ==, n - 1);
  g_assert_true (model_lacks (sorted, g_ptr_array_index (ids, 0)));

  /* Several: the dialog counts them. */
  g_ptr_array_set_size (ids, 0);
  select_positions (win, several, G_N_ELEMENTS (several));
  for (guint i = 0; i < G_N_ELEMENTS (several); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (sorted, several[i]);
      g_ptr_array_add (ids, g_strdup (lk_api_key_get_id (key)));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-selected", NULL));
  dialog = lk_test_ui_find_message_dialog (win);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 3 keys?");
  adw_message_dialog_response (dialog, "delete");
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (lk_test_wait_until (key_gone, g_ptr_array_index (ids, i), WAIT_MS));
  lk_test_ui_wait_for_toast (win, "Deleted 3 keys");
  g_assert_cmpuint (g_list_model_get_n_items (sorted), ==, n - 4);
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (model_lacks (sorted, g_ptr_array_index (ids, i)));

  /* A key deleted elsewhere meanwhile: reported, removed, not a failure. */
  select_positions (win, one, 1);
  {
    g_autoptr (LkApiKey) key = g_list_model_get_item (sorted, 1);
    g_autofree char *id = g_strdup (lk_api_key_get_id (key));

    g_assert_true (lk_simulator_remove_key (sim, id));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-selected", NULL));
    dialog = lk_test_ui_find_message_dialog (win);
    g_assert_nonnull (dialog);
    adw_message_dialog_response (dialog, "delete");
    lk_test_ui_wait_for_toast (win, "no longer existed");
    g_assert_nonnull (strstr (lk_test_ui_get_toast (win), lk_api_key_get_name (key)));
    g_assert_true (model_lacks (sorted, id));
    g_assert_cmpuint (g_list_model_get_n_items (sorted), ==, n - 5);
  }

  lk_test_ui_close_window (win);
}

static void
test_read_only (void)
{
  LkPermissions read_only = { { 0 } };
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  LkWindow *win;
  GtkWidget *new_button;
  LkKeysView *view;
  GtkWidget *delete_button;
  const guint one[] = { 0 };

  lk_preset_apply (LK_PRESET_READ_ONLY, &read_only);
  key = lk_simulator_add_key (sim, "Read-only admin", &read_only, 0, &secret);
  win = signed_in_window (lk_api_key_get_client_id (key), secret);
  wait_for_list (win);
  view = get_keys_view (win);

  /* It may list: the list is there. */
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");

  /* It may not create: the button is off and says why. */
  new_button = get_window_child (win, "new_key_button");
  g_assert_false (gtk_widget_get_sensitive (new_button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (new_button), "API Keys: Write"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new-key", NULL) || TRUE);
  lk_test_spin (200);
  {
    g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      g_assert_false (gtk_window_get_transient_for (l->data) == GTK_WINDOW (win) &&
                      gtk_widget_get_visible (l->data));
  }

  /* It may not delete, even with a selection. */
  select_positions (win, one, 1);
  delete_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), LK_TYPE_KEYS_VIEW, "delete_button"));
  g_assert_false (gtk_widget_get_sensitive (delete_button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (delete_button), "API Keys: Delete"));
  gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-selected", NULL);
  lk_test_spin (200);
  g_assert_null (lk_test_ui_find_message_dialog (win));

  lk_test_ui_close_window (win);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (key)));
}

static void
test_no_read (void)
{
  LkPermissions write_only = { { 0 } };
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  LkWindow *win;
  LkKeysView *view;
  guint list_requests = lk_simulator_count_requests (sim, "GET", "/api/v1/api-keys");

  lk_permissions_set (&write_only, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE);
  key = lk_simulator_add_key (sim, "Provisioning robot", &write_only, 0, &secret);
  win = signed_in_window (lk_api_key_get_client_id (key), secret);
  view = get_keys_view (win);

  /* It may not list: the status says which permission, nothing is asked. */
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "no-permission");
  /* The page took the focus, so a screen reader reads it: its title and
   * description are its accessible name and description. */
  {
    GtkWidget *page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), LK_TYPE_KEYS_VIEW,
                                                                 "no_permission_page"));

    g_assert_true (gtk_root_get_focus (GTK_ROOT (win)) == page);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         adw_status_page_get_title (ADW_STATUS_PAGE (page)));
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         adw_status_page_get_description (ADW_STATUS_PAGE (page)));
  }
  g_assert_false (gtk_widget_get_sensitive (get_window_child (win, "search_button")));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (get_window_child (win, "search_button")),
                            "API Keys: Read"));
  gtk_widget_activate_action (GTK_WIDGET (win), "win.refresh", NULL);
  lk_test_spin (300);
  g_assert_cmpuint (lk_simulator_count_requests (sim, "GET", "/api/v1/api-keys"), ==, list_requests);

  /* It may create. */
  g_assert_true (gtk_widget_get_sensitive (get_window_child (win, "new_key_button")));

  lk_test_ui_close_window (win);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (key)));
}

static gboolean
state_is_error (gpointer data)
{
  return g_strcmp0 (lk_test_keys_view_get_state (data), "error") == 0;
}

static void
test_error_and_retry (void)
{
  LkWindow *win;
  LkKeysView *view;
  GtkWidget *retry;

  lk_simulator_add_fault (sim, "GET", "/api/v1/api-keys", LK_SIM_FAULT_HTTP_500, 0, 0);
  win = signed_in_window (lk_simulator_get_admin_client_id (sim),
                          lk_simulator_get_admin_client_secret (sim));
  view = get_keys_view (win);

  g_assert_true (lk_test_wait_until (state_is_error, view, WAIT_MS));
  retry = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), LK_TYPE_KEYS_VIEW, "retry_button"));
  g_assert_true (gtk_widget_get_mapped (retry));
  /* The error page replaced the loading page the focus was on: its
   * button has the focus now, so a screen reader reads the page. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (win)) == retry);

  lk_simulator_clear_faults (sim);
  g_signal_emit_by_name (retry, "clicked");
  wait_for_list (win);
  g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");
  /* And the list when it comes. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (win)),
                                         GTK_WIDGET (lk_test_keys_view_get_table (view))));

  lk_test_ui_close_window (win);
}

static void
test_session_ended (void)
{
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  LkWindow *win;
  LkSignInPage *page;

  key = lk_simulator_add_key (sim, "Short-lived admin", NULL, 0, &secret);
  win = signed_in_window (lk_api_key_get_client_id (key), secret);
  wait_for_list (win);

  /* The key is deleted elsewhere: the next request is refused for good. */
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (key)));
  lk_simulator_revoke_tokens (sim);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.refresh", NULL));
  lk_test_ui_wait_for_page (win, "sign-in");
  page = get_sign_in_page (win);
  g_assert_nonnull (lk_test_ui_get_sign_in_error (page));
  /* The form kept the client ID; the secret left the password row when
   * the sign-in succeeded (custody issue, point 10), so it is typed again. */
  g_assert_cmpstr (lk_sign_in_page_get_client_id (page), ==, lk_api_key_get_client_id (key));
  {
    g_autoptr (LkSecretString) kept = lk_sign_in_page_dup_secret (page);
    g_assert_cmpstr (kept, ==, "");
  }

  lk_test_ui_close_window (win);
}

/* The window's own measure adds the shadow of its decorations: measure
 * what the window shows. */
static void
content_min_width (LkWindow *win,
                   int      *min_width)
{
  gtk_widget_measure (adw_application_window_get_content (ADW_APPLICATION_WINDOW (win)),
                      GTK_ORIENTATION_HORIZONTAL, -1, min_width, NULL, NULL, NULL);
}

static void
test_shortcuts_and_width (void)
{
  LkWindow *win;
  g_auto (GStrv) accels = NULL;
  int min_width = 0;

  /* The shortcuts window comes from the resource, with Ctrl+?. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.new-key");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>n"));
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.refresh");
  g_assert_true (g_strv_contains ((const char * const *) accels, "F5"));
  g_clear_pointer (&accels, g_strfreev);

  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  /* The shortcuts window opens on demand and is destroyed when it closes:
   * the window keeps no hidden toplevel (lk-shortcuts.c, issue 13). */
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-help-overlay", NULL));
  {
    g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
    GtkWindow *shortcuts = NULL;

    for (GList *l = toplevels; l != NULL; l = l->next)
      {
        /* Every toplevel is shown. */
        g_assert_true (gtk_widget_get_visible (l->data));
        if (GTK_IS_SHORTCUTS_WINDOW (l->data))
          shortcuts = l->data;
      }
    g_assert_nonnull (shortcuts);
    g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (win));
    gtk_window_close (shortcuts);
  }
  {
    g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      g_assert_false (GTK_IS_SHORTCUTS_WINDOW (l->data));
  }

  /* Usable at 360 px: the sign-in form and the list fit. */
  content_min_width (win, &min_width);
  g_assert_cmpint (min_width, <=, 360);
  lk_test_ui_close_window (win);

  win = admin_window ();
  content_min_width (win, &min_width);
  g_assert_cmpint (min_width, <=, 360);

  /* Icon-only buttons say what they do. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (get_window_child (win, "new_key_button")), ==, "New Key…");
  g_assert_true (gtk_widget_get_sensitive (get_window_child (win, "new_key_button")));

  /* Ctrl+N's action opens the create dialog over the window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new-key", NULL));
  {
    g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
    GtkWindow *dialog = NULL;

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (LK_IS_CREATE_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == GTK_WINDOW (win))
        dialog = l->data;
    g_assert_nonnull (dialog);
    g_assert_true (gtk_window_get_modal (dialog));
    gtk_window_destroy (dialog);
  }
  lk_test_ui_close_window (win);
}

static gboolean
about_shown (gpointer data)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_ABOUT_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      return TRUE;

  return FALSE;
}

static void
test_about_and_size (void)
{
  GSettings *settings = lk_application_get_settings (app);
  LkWindow *win;
  int width, height;

  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (lk_test_wait_until (about_shown, NULL, WAIT_MS));
  {
    g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (ADW_IS_ABOUT_WINDOW (l->data))
        {
          g_assert_cmpstr (adw_about_window_get_version (l->data), ==, PACKAGE_VERSION);
          g_assert_cmpstr (adw_about_window_get_application_icon (l->data), ==, APP_ID);
          gtk_window_destroy (l->data);
        }
  }

  /* The size is saved on close and restored by the next window. */
  gtk_window_set_default_size (GTK_WINDOW (win), 820, 610);
  lk_test_spin (200);
  g_object_ref (win);
  gtk_window_close (GTK_WINDOW (win));
  lk_test_spin (50);
  g_assert_finalize_object (win);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);

  win = lk_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (win), &width, &height);
  g_assert_cmpint (width, ==, 820);
  g_assert_cmpint (height, ==, 610);
  lk_test_ui_close_window (win);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *path)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* Remembers (or forgets) the account of @key on the test's simulator. */
static void
remember_account (const char *client_id,
                  const char *secret,
                  gboolean    remember)
{
  g_autoptr (LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  if (remember)
    {
      lk_credential_store_remember_account_async (store, platform, client_id, secret, NULL,
                                                  lk_test_store_result, &result);
      g_assert_true (lk_credential_store_remember_account_finish (store, lk_test_wait_result (&result, WAIT_MS),
                                                                  &error));
    }
  else
    {
      lk_credential_store_forget_account_async (store, lk_platform_get_id (platform), client_id, NULL,
                                                lk_test_store_result, &result);
      g_assert_true (lk_credential_store_forget_account_finish (store, lk_test_wait_result (&result, WAIT_MS),
                                                                &error));
    }
  g_assert_no_error (error);
}

/* The list filtered to the keys that need attention, and the account
 * popover with two more remembered accounts (on the test's simulator). */
static void
save_more_screenshots (LkWindow   *win,
                       const char *dir)
{
  g_autofree char *path = NULL;
  g_autoptr (LkApiKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  GtkWidget *account = get_window_child (win, "account_button");
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (account));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_keys_view (win)), "keys.needs-attention", NULL));
  lk_test_spin (800);
  path = g_build_filename (dir, "needs-attention.png", NULL);
  save_screenshot (GTK_WIDGET (win), path);
  g_test_message ("wrote %s", path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_keys_view (win)), "keys.needs-attention", NULL));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (get_window_child (win, "search_button")), FALSE);

  key = lk_simulator_add_key (sim, "Staging admin", NULL, 0, &secret);
  remember_account (lk_simulator_get_admin_client_id (sim), lk_simulator_get_admin_client_secret (sim), TRUE);
  remember_account (lk_api_key_get_client_id (key), secret, TRUE);
  gtk_popover_popup (popover);
  lk_test_spin (1500);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "account-popover.png", NULL);
  save_screenshot (GTK_WIDGET (popover), path);
  g_test_message ("wrote %s", path);
  gtk_popover_popdown (popover);
  remember_account (lk_simulator_get_admin_client_id (sim), NULL, FALSE);
  remember_account (lk_api_key_get_client_id (key), NULL, FALSE);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (key)));
}

static void
test_demo (void)
{
  const char *dir = g_getenv ("LK_SCREENSHOT_DIR");
  const char *extra_dir = g_getenv ("LK_SCREENSHOT_EXTRA_DIR");
  g_autofree char *path = NULL;
  GtkWidget *demo_button;
  LkWindow *win;
  LkSimulator *demo;
  LkClient *client;
  LkPermissions permissions = { { 0 } };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkCreatedKey) created = NULL;
  g_autoptr (GError) error = NULL;

  reset_settings ();
  win = lk_test_ui_new_window (app);
  lk_test_ui_wait_for_page (win, "sign-in");
  demo_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (get_sign_in_page (win)),
                                                           LK_TYPE_SIGN_IN_PAGE, "demo_button"));
  g_signal_emit_by_name (demo_button, "clicked");
  lk_test_ui_wait_for_page (win, "keys");
  demo = LK_SIMULATOR (lk_test_ui_get_demo_simulator (win));
  g_assert_nonnull (demo);
  client = lk_test_ui_get_client (win);
  while (lk_client_get_loading (client) ||
         g_list_model_get_n_items (lk_client_get_keys (client)) != lk_simulator_get_n_keys (demo))
    g_main_context_iteration (NULL, TRUE);

  /* One key made here, so the Keyring column shows its secret is kept. */
  lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &permissions);
  lk_client_create_key_async (client, "Build farm scanner",
                              lk_time_now () + 90 * 24 * 3600, &permissions,
                              NULL, lk_test_store_result, &result);
  created = lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_true (created->stored);
  g_assert_true (lk_api_key_get_has_local_secret (created->key));
  lk_test_spin (1000);

  /* The demo's keys: the seeded tenant plus the new one. */
  g_assert_cmpuint (g_list_model_get_n_items (lk_test_keys_view_get_shown_keys (get_keys_view (win))), ==,
                    lk_simulator_get_n_keys (demo));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (get_window_child (win, "window_title"))),
                            "Demo"));

  /* The screenshots for the README and the metainfo. */
  if (dir != NULL)
    {
      path = g_build_filename (dir, "main-window.png", NULL);
      save_screenshot (GTK_WIDGET (win), path);
      g_test_message ("wrote %s", path);
      save_more_screenshots (win, dir);
    }

  /* More views, to look at during development: the account popover, a
   * narrow window with a selection, the sign-in form with an error. */
  if (extra_dir != NULL)
    {
      dir = extra_dir;
      GtkWidget *account = get_window_child (win, "account_button");
      GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (account));
      const guint some[] = { 1, 2 };

      /* The error banner, with a reason as long as the client's are. */
      lk_window_show_error (win, "Could not refresh the list: The platform did not answer within "
                            "30 seconds. Check your connection, or try again later.", "win.refresh");
      lk_test_spin (800);
      g_clear_pointer (&path, g_free);
      path = g_build_filename (dir, "error-banner.png", NULL);
      save_screenshot (GTK_WIDGET (win), path);
      g_clear_pointer (&path, g_free);
      lk_test_ui_press_error_banner (win, "_Dismiss");
      lk_test_spin (500);
      g_assert_null (lk_test_ui_get_error_banner (win));

      gtk_popover_popup (popover);
      lk_test_spin (800);
      g_clear_pointer (&path, g_free);
      path = g_build_filename (dir, "account-popover.png", NULL);
      save_screenshot (GTK_WIDGET (popover), path);
      gtk_popover_popdown (popover);

      select_positions (win, some, G_N_ELEMENTS (some));
      gtk_window_set_default_size (GTK_WINDOW (win), 360, 640);
      lk_test_spin (800);
      g_free (path);
      path = g_build_filename (dir, "narrow.png", NULL);
      save_screenshot (GTK_WIDGET (win), path);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.sign-out", NULL));
      lk_test_ui_wait_for_page (win, "sign-in");
      {
        g_autofree char *token_url = lk_simulator_get_token_url (demo);

        /* Only the demo on 127.0.0.1 is asked: never a real region. */
        lk_sign_in_page_set_region (get_sign_in_page (win), LK_REGION_CUSTOM);
        lk_sign_in_page_set_custom (get_sign_in_page (win), lk_simulator_get_base_url (demo), token_url, NULL);
      }
      lk_sign_in_page_set_secret (get_sign_in_page (win), "wrong");
      lk_sign_in_page_set_client_id (get_sign_in_page (win), lk_simulator_get_admin_client_id (demo));
      lk_sign_in_page_submit (get_sign_in_page (win));
      lk_test_wait_until (has_error_heading, get_sign_in_page (win), WAIT_MS);
      gtk_window_set_default_size (GTK_WINDOW (win), 1000, 700);
      lk_test_spin (800);
      g_free (path);
      path = g_build_filename (dir, "sign-in.png", NULL);
      save_screenshot (GTK_WIDGET (win), path);
    }

  lk_test_ui_close_window (win);
}

int
main (int   argc,
      char *argv[])
{
  if (!lk_test_ui_setup (&argc, &argv, &app, &sim))
    return g_test_run ();

  g_test_add_func ("/lk/ui-shell/sign-in/bad-credentials", test_sign_in_bad);
  g_test_add_func ("/lk/ui-shell/sign-in/remembered", test_sign_in_remembered);
  g_test_add_func ("/lk/ui-shell/sign-in/remembered-key-gone", test_remembered_key_gone);
  g_test_add_func ("/lk/ui-shell/sign-in/remembered-platform-changed", test_remembered_platform_changed);
  g_test_add_func ("/lk/ui-shell/list/sort-filter-refresh", test_list_sort_filter);
  g_test_add_func ("/lk/ui-shell/list/large-tenant", test_large_tenant);
  g_test_add_func ("/lk/ui-shell/list/destroy-populated-view", test_destroy_populated_view);
  g_test_add_func ("/lk/ui-shell/delete/one-several-vanished", test_delete);
  g_test_add_func ("/lk/ui-shell/permissions/read-only", test_read_only);
  g_test_add_func ("/lk/ui-shell/errors/retry", test_error_and_retry);
  g_test_add_func ("/lk/ui-shell/errors/session-ended", test_session_ended);
  g_test_add_func ("/lk/ui-shell/app/shortcuts-and-width", test_shortcuts_and_width);
  g_test_add_func ("/lk/ui-shell/app/about-and-size", test_about_and_size);
  g_test_add_func ("/lk/ui-shell/permissions/no-read", test_no_read);
  g_test_add_func ("/lk/ui-shell/demo", test_demo);

  return lk_test_ui_run (&app, &sim);
}
