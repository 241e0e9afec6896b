/* test-ui-rotate.c: rotating keys from the window, for real
 *
 * Real widgets under Xvfb, the simulator over HTTP on 127.0.0.1 with its
 * fault injection, and the real keyring of the test session; the rotation
 * journal in a state folder of this test's own (XDG_STATE_HOME).  Rotate…
 * on a row opens the dialog, Rotate runs the rotation, and the list, the
 * platform and the dialog's pages show what became of both keys.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "lk-application.h"
#include "lk-keys-view.h"
#include "lk-memory-store.h"
#include "lk-time.h"
#include "lk-rotate-dialog.h"
#include "lk-rotation.h"
#include "lk-secret-view.h"
#include "lk-sign-in-page.h"
#include "lk-simulator.h"
#include "lk-test-keys.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"
#include "lk-wire.h"
#include "lk-window.h"
#include "lk-workload-hint.h"

#define WAIT_MS 20000

static LkApplication *app;
static LkSimulator *sim;
static char *state_home;

/* ---- Helpers ---- */

#define WINDOW_CHILD(w, name) lk_test_ui_template_child ((w), LK_TYPE_WINDOW, (name))
#define VIEW_CHILD(v, name) lk_test_ui_template_child ((v), LK_TYPE_KEYS_VIEW, (name))
#define DIALOG_CHILD(d, name) lk_test_ui_template_child ((d), LK_TYPE_ROTATE_DIALOG, (name))

static LkKeysView *
keys_view_of (LkWindow *win)
{
  return lk_window_get_keys_view (win);
}

static gboolean
list_complete (gpointer data)
{
  LkWindow *win = data;
  LkClient *client = lk_test_ui_get_client (win);

  return client != NULL &&
         !lk_client_get_loading (client) &&
         g_strcmp0 (lk_test_keys_view_get_state (keys_view_of (win)), "list") == 0 &&
         g_list_model_get_n_items (lk_client_get_keys (client)) == lk_simulator_get_n_keys (sim);
}

static LkWindow *
signed_in_window (const char *client_id,
                  const char *secret)
{
  GSettings *settings = lk_application_get_settings (app);
  g_autofree char *token_url = lk_simulator_get_token_url (sim);
  LkSignInPage *page;
  LkWindow *win;

  g_settings_reset (settings, "last-client-id");
  win = lk_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1000, 700);
  gtk_window_present (GTK_WINDOW (win));
  lk_test_ui_wait_for_page (win, "sign-in");

  page = LK_SIGN_IN_PAGE (WINDOW_CHILD (win, "sign_in_page"));
  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, client_id);
  lk_sign_in_page_set_secret (page, secret);
  lk_sign_in_page_set_remember (page, FALSE);
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");
  if (!lk_test_wait_until (list_complete, win, WAIT_MS))
    g_error ("the list did not complete");
  /* (the start-up resume of rotations runs after the list: let it end) */
  lk_test_spin (300);
  return win;
}

static LkWindow *
admin_window (void)
{
  return signed_in_window (lk_simulator_get_admin_client_id (sim),
                           lk_simulator_get_admin_client_secret (sim));
}

static void
close_window (LkWindow *win)
{
  g_object_ref (win);
  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (50);
  g_assert_finalize_object (win);
}

/* A key made "elsewhere", to rotate: Model Scanner read/write, 30 days. */
static LkApiKey *
add_key (const char *name)
{
  LkPermissions permissions = { { 0 } };
  g_autofree char *secret = NULL;
  LkApiKey *key;

  lk_permissions_set (&permissions, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ | LK_ACCESS_WRITE);
  key = lk_simulator_add_key (sim, name, &permissions, g_get_real_time () / G_USEC_PER_SEC + 30 * 86400,
                              &secret);
  lk_secret_free (g_steal_pointer (&secret));
  return key;
}

static gboolean
model_has (LkWindow   *win,
           const char *key_id)
{
  GListModel *keys = lk_client_get_keys (lk_test_ui_get_client (win));

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
sim_has (const char *key_id)
{
  g_autoptr (LkApiKey) key = lk_simulator_lookup_key (sim, key_id);

  return key != NULL;
}

static void
select_key (LkWindow   *win,
            const char *key_id)
{
  g_assert_true (lk_keys_view_select_key (keys_view_of (win), key_id));
  g_assert_cmpuint (lk_keys_view_get_n_selected (keys_view_of (win)), ==, 1);
}

static LkRotateDialog *
find_dialog (LkWindow *win)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (LK_IS_ROTATE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (win))
      return l->data;

  return NULL;
}

/* Rotate… on the selected key: its dialog. */
static LkRotateDialog *
open_rotate (LkWindow   *win,
             const char *key_id)
{
  LkRotateDialog *dialog;

  select_key (win, key_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.rotate-selected", NULL));
  lk_test_spin (50);
  dialog = find_dialog (win);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (lk_rotate_dialog_get_page (dialog), ==, "plan");
  return dialog;
}

typedef struct {
  LkRotateDialog *dialog;
  const char     *page;
} PageWait;

static gboolean
dialog_left_working (gpointer data)
{
  LkRotateDialog *dialog = data;
  const char *page = lk_rotate_dialog_get_page (dialog);

  return g_strcmp0 (page, "working") != 0 && g_strcmp0 (page, "plan") != 0;
}

/* Rotate: waits for the page after "working". */
static const char *
press_rotate (LkRotateDialog *dialog)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotate.rotate", NULL));
  g_assert_cmpstr (lk_rotate_dialog_get_page (dialog), ==, "working");
  if (!lk_test_wait_until (dialog_left_working, dialog, WAIT_MS))
    g_error ("the rotation did not end");
  return lk_rotate_dialog_get_page (dialog);
}

static void
close_dialog (LkRotateDialog *dialog)
{
  g_object_ref (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotate.done", NULL));
  lk_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_object_unref (dialog);
}

/* ---- Rotate now ---- */

static void
test_now (void)
{
  g_autoptr (LkApiKey) old = add_key ("Scanner in CI");
  g_autoptr (LkApiKey) successor = NULL;
  LkWindow *win = admin_window ();
  LkRotateDialog *dialog = open_rotate (win, lk_api_key_get_id (old));
  GtkEditable *name_row = GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row"));
  g_autofree char *name = g_strdup (gtk_editable_get_text (name_row));
  LkSecretView *secret_view;
  LkWorkloadHint *hint;
  LkCreatedKey *created;
  g_autofree char *id_line = NULL;

  /* The successor is shown before anything happens: the old name and a
   * suffix, the same permissions, the old key deleted now. */
  g_assert_true (g_str_has_prefix (name, "Scanner in CI (rotated "));
  g_assert_true (lk_permissions_equal (lk_permission_grid_get_permissions (DIALOG_CHILD (dialog, "grid")),
                                       lk_api_key_get_permissions (old)));
  g_assert_cmpuint (adw_combo_row_get_selected (DIALOG_CHILD (dialog, "delete_row")), ==, 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (DIALOG_CHILD (dialog, "days_spin")), ==, 30);

  /* An invalid name disables Rotate and says why. */
  gtk_editable_set_text (name_row, "");
  g_assert_true (gtk_widget_get_visible (DIALOG_CHILD (dialog, "plan_error")));
  g_assert_false (gtk_widget_get_sensitive (DIALOG_CHILD (dialog, "rotate_button")));
  gtk_editable_set_text (name_row, "Scanner in CI, rotated");
  g_assert_false (gtk_widget_get_visible (DIALOG_CHILD (dialog, "plan_error")));

  g_assert_cmpstr (press_rotate (dialog), ==, "secret");

  /* The platform: the successor, not the old key; the list likewise. */
  successor = lk_simulator_find_key_by_name (sim, "Scanner in CI, rotated");
  g_assert_nonnull (successor);
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (successor),
                                       lk_api_key_get_permissions (old)));
  g_assert_false (sim_has (lk_api_key_get_id (old)));
  g_assert_false (model_has (win, lk_api_key_get_id (old)));
  g_assert_true (model_has (win, lk_api_key_get_id (successor)));

  /* The show-once page: the successor's secret, stored. */
  secret_view = DIALOG_CHILD (dialog, "secret_view");
  created = lk_secret_view_get_created (secret_view);
  g_assert_nonnull (created);
  g_assert_cmpstr (lk_api_key_get_id (created->key), ==, lk_api_key_get_id (successor));
  g_assert_true (created->stored);
  g_assert_true (lk_secret_view_get_secret_safe (secret_view));

  /* The workload's lines: the secret only once revealed. */
  hint = DIALOG_CHILD (dialog, "workload_hint");
  id_line = g_strconcat ("export HIDDENLAYER_CLIENT_ID=", lk_api_key_get_client_id (successor), NULL);
  g_assert_nonnull (strstr (lk_workload_hint_get_text (hint), id_line));
  g_assert_nonnull (strstr (lk_workload_hint_get_text (hint), "export HL_CLIENT_ID="));
  g_assert_null (strstr (lk_workload_hint_get_text (hint), created->client_secret));
  lk_workload_hint_set_revealed (hint, TRUE);
  {
    g_autofree char *line = g_strconcat ("export HL_CLIENT_SECRET=", created->client_secret, NULL);

    g_assert_nonnull (strstr (lk_workload_hint_get_text (hint), line));
  }
  g_assert_nonnull (strstr (gtk_label_get_text (DIALOG_CHILD (dialog, "old_key_label")), "were deleted"));

  close_dialog (dialog);
  close_window (win);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (successor)));
}

/* ---- Rotate with a delay, then Delete Now; Keep Key ---- */

static LkKeyRowWidget *
row_of (LkWindow   *win,
        const char *key_id)
{
  GtkWidget *list = GTK_WIDGET (lk_test_key_table_get_list_view (lk_test_keys_view_get_table (keys_view_of (win))));

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      LkKeyRow *key_row;

      if (row == NULL || !LK_IS_KEY_ROW_WIDGET (row))
        continue;
      key_row = lk_key_row_widget_get_row (LK_KEY_ROW_WIDGET (row));
      if (key_row != NULL && lk_key_row_get_key (key_row) != NULL &&
          g_strcmp0 (lk_api_key_get_id (lk_key_row_get_key (key_row)), key_id) == 0)
        return LK_KEY_ROW_WIDGET (row);
    }

  return NULL;
}

typedef struct {
  LkWindow   *win;
  const char *key_id;
  const char *text;      /* the Expires cell starts with it; NULL: not "Retires" */
} RowWait;

static gboolean
row_says (gpointer data)
{
  RowWait *wait = data;
  LkKeyRowWidget *row = row_of (wait->win, wait->key_id);
  g_autofree char *text = row != NULL ? lk_test_key_row_dup_text (row, LK_KEY_COLUMN_EXPIRES) : NULL;

  if (text == NULL)
    return FALSE;
  if (wait->text == NULL)
    return !g_str_has_prefix (text, "Retires");
  return g_str_has_prefix (text, wait->text);
}

static gboolean
key_gone (gpointer data)
{
  RowWait *wait = data;

  return !sim_has (wait->key_id) && !model_has (wait->win, wait->key_id);
}

static LkApiKey *
rotate_later (LkWindow   *win,
              LkApiKey   *old,
              const char *successor_name)
{
  LkRotateDialog *dialog = open_rotate (win, lk_api_key_get_id (old));
  LkApiKey *successor;

  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row")), successor_name);
  /* After 1 Day */
  adw_combo_row_set_selected (DIALOG_CHILD (dialog, "delete_row"), 2);
  g_assert_cmpstr (press_rotate (dialog), ==, "secret");
  g_assert_nonnull (strstr (gtk_label_get_text (DIALOG_CHILD (dialog, "old_key_label")), "keeps working until"));
  close_dialog (dialog);

  successor = lk_simulator_find_key_by_name (sim, successor_name);
  g_assert_nonnull (successor);
  /* Both keys work meanwhile. */
  g_assert_true (sim_has (lk_api_key_get_id (old)));
  g_assert_true (model_has (win, lk_api_key_get_id (old)));
  return successor;
}

static void
test_later (void)
{
  g_autoptr (LkApiKey) old = add_key ("Nightly scan");
  g_autoptr (LkApiKey) kept = add_key ("Registry sync");
  g_autoptr (LkApiKey) successor = NULL;
  g_autoptr (LkApiKey) kept_successor = NULL;
  LkWindow *win = admin_window ();
  RowWait wait = { win, lk_api_key_get_id (old), "Retires in 24 hours" };
  RowWait kept_wait = { win, lk_api_key_get_id (kept), "Retires in 24 hours" };

  successor = rotate_later (win, old, "Nightly scan 2");
  /* The old key's row says when it retires. */
  if (!lk_test_wait_until (row_says, &wait, WAIT_MS))
    g_error ("the old key's row does not say it retires");

  /* Delete Now: gone from the platform and the list. */
  select_key (win, lk_api_key_get_id (old));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-now", NULL));
  if (!lk_test_wait_until (key_gone, &wait, WAIT_MS))
    g_error ("Delete Now did not delete the old key");
  g_assert_true (sim_has (lk_api_key_get_id (successor)));

  /* Keep Key: the deletion is cancelled, the key stays. */
  kept_successor = rotate_later (win, kept, "Registry sync 2");
  if (!lk_test_wait_until (row_says, &kept_wait, WAIT_MS))
    g_error ("the kept key's row does not say it retires");
  select_key (win, lk_api_key_get_id (kept));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.keep-key", NULL));
  kept_wait.text = NULL;
  if (!lk_test_wait_until (row_says, &kept_wait, WAIT_MS))
    g_error ("the kept key's row still says it retires");
  lk_test_ui_wait_for_toast (win, "is kept");
  g_assert_true (sim_has (lk_api_key_get_id (kept)));

  close_window (win);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (successor)));
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (kept)));
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (kept_successor)));
}

/* ---- Without API Keys: Delete ---- */

static void
test_no_delete (void)
{
  LkPermissions write_only = { { 0 } };
  g_autoptr (LkApiKey) admin = NULL;
  g_autoptr (LkApiKey) old = add_key ("Untouchable");
  g_autofree char *secret = NULL;
  LkWindow *win;
  GtkWidget *button;

  lk_permissions_set (&write_only, LK_CATEGORY_API_KEYS, LK_ACCESS_READ | LK_ACCESS_WRITE);
  admin = lk_simulator_add_key (sim, "Admin without delete", &write_only, 0, &secret);
  win = signed_in_window (lk_api_key_get_client_id (admin), secret);

  select_key (win, lk_api_key_get_id (old));
  button = VIEW_CHILD (keys_view_of (win), "rotate_button");
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "API Keys: Delete"));
  gtk_widget_activate_action (GTK_WIDGET (win), "win.rotate-selected", NULL);
  lk_test_spin (200);
  g_assert_null (find_dialog (win));

  /* A notification's Rotate… says why instead. */
  lk_window_rotate_key (win, lk_api_key_get_id (old));
  lk_test_spin (100);
  g_assert_null (find_dialog (win));
  lk_test_ui_wait_for_toast (win, "API Keys: Delete");
  g_assert_true (sim_has (lk_api_key_get_id (old)));

  close_window (win);
  lk_secret_free (g_steal_pointer (&secret));
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (admin)));
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (old)));
}

/* ---- The successor does not verify: rolled back ---- */

static void
test_rollback (void)
{
  g_autoptr (LkApiKey) old = add_key ("Scanner in staging");
  g_autoptr (LkApiKey) successor = NULL;
  LkWindow *win = admin_window ();
  LkRotateDialog *dialog = open_rotate (win, lk_api_key_get_id (old));
  AdwStatusPage *error_page;
  guint n_keys = lk_simulator_get_n_keys (sim);

  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row")), "Staging successor");
  /* The admin's token is cached: the next token request is the successor's. */
  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_HTTP_401, 0, 1);
  g_assert_cmpstr (press_rotate (dialog), ==, "error");
  lk_simulator_clear_faults (sim);

  error_page = DIALOG_CHILD (dialog, "error_page");
  g_assert_cmpstr (adw_status_page_get_title (error_page), ==, "Rotation Undone");
  g_assert_nonnull (strstr (adw_status_page_get_description (error_page), "still works"));
  g_assert_nonnull (strstr (adw_status_page_get_description (error_page), "deleted again"));

  /* The old key is untouched, the successor gone. */
  successor = lk_simulator_find_key_by_name (sim, "Staging successor");
  g_assert_null (successor);
  g_assert_true (sim_has (lk_api_key_get_id (old)));
  g_assert_true (model_has (win, lk_api_key_get_id (old)));
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_keys);

  /* Try Again goes back to the plan, as it was. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotate.back", NULL));
  g_assert_cmpstr (lk_rotate_dialog_get_page (dialog), ==, "plan");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row"))), ==,
                   "Staging successor");
  gtk_window_close (GTK_WINDOW (dialog));

  close_window (win);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (old)));
}

/* ---- A key made by an earlier run, its secret lost for good ---- */

static gint64 clock_offset;

static guint n_unsettled_records (void);

static gboolean
n_unsettled_records_is_before (gpointer data)
{
  return n_unsettled_records () == GPOINTER_TO_UINT (data);
}

static gint64
moved_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC + clock_offset;
}

static gboolean
has_message_dialog (gpointer data)
{
  return lk_test_ui_find_message_dialog (data) != NULL;
}

static guint
n_unsettled_records (void)
{
  g_autofree char *path = g_build_filename (state_home, "layer-keys", "unsettled-creates.json", NULL);
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  for (const char *p = strstr (text, "\"idempotency-key\""); p != NULL;
       p = strstr (p + 1, "\"idempotency-key\""))
    n++;
  return n;
}

/* Custody, point 2: a create whose reply never came, past the platform's
 * 24 hours, made a key whose secret nobody has.  The next sign-in names
 * it and offers to delete it; Delete deletes it and settles the record. */
static void
test_lost_create (void)
{
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr (LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr (LkApiKey) made = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkCreatedKey) created = NULL;
  LkClient *client = lk_client_new (platform);
  AdwMessageDialog *dialog;
  LkWindow *win;
  guint before = n_unsettled_records ();

  /* An earlier run: every reply of its create is lost. */
  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 5);
  lk_client_set_retry_policy (client, 2, 10);
  lk_client_set_store (client, store);
  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 0);
  lk_client_create_key_async (client, "Made, secret lost", lk_time_now () + 30 * 86400, NULL, NULL,
                              lk_test_store_result, &result);
  created = lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_null (created);
  g_assert_nonnull (error);
  lk_simulator_clear_faults (sim);
  /* The process ends. */
  g_object_unref (client);
  lk_test_spin (200);
  made = lk_simulator_find_key_by_name (sim, "Made, secret lost");
  g_assert_nonnull (made);
  g_assert_cmpuint (n_unsettled_records (), ==, before + 1);

  /* A day and an hour later, on both sides. */
  clock_offset = 86400 + 3600;
  lk_simulator_set_now (sim, lk_time_now () + clock_offset);
  lk_time_set_clock (moved_clock, NULL);

  win = admin_window ();
  g_assert_true (lk_test_wait_until (has_message_dialog, win, WAIT_MS));
  dialog = lk_test_ui_find_message_dialog (win);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Made, secret lost"));
  g_assert_true (sim_has (lk_api_key_get_id (made)));

  adw_message_dialog_response (dialog, "delete");
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) n_unsettled_records_is_before,
                                     GUINT_TO_POINTER (before), WAIT_MS));
  g_assert_false (sim_has (lk_api_key_get_id (made)));

  close_window (win);
  lk_time_set_clock (NULL, NULL);
  lk_simulator_set_now (sim, 0);
  clock_offset = 0;
}

/* ---- The screenshot of docs/screenshots (build-aux/screenshots) ---- */

static void
test_screenshot (void)
{
  const char *dir = g_getenv ("LK_SCREENSHOT_DIR");
  LkPermissions permissions = { { 0 } };
  g_autofree char *secret = NULL;
  g_autoptr (LkApiKey) old = NULL;
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  LkRotateDialog *dialog;
  LkWindow *win;
  int width, height;

  lk_permissions_set (&permissions, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ | LK_ACCESS_WRITE);
  lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
  old = lk_simulator_add_key (sim, "Scanner in CI", &permissions,
                              g_get_real_time () / G_USEC_PER_SEC + 20 * 86400, &secret);
  lk_secret_free (g_steal_pointer (&secret));
  win = admin_window ();
  dialog = open_rotate (win, lk_api_key_get_id (old));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 900);
  /* After 1 Day */
  adw_combo_row_set_selected (DIALOG_CHILD (dialog, "delete_row"), 2);

  /* Let the layout settle, then draw the window as it is. */
  lk_test_spin (2000);
  width = gtk_widget_get_width (GTK_WIDGET (dialog));
  height = gtk_widget_get_height (GTK_WIDGET (dialog));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (dialog));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (dialog)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, "rotate-dialog.png", NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s", path);

  gtk_window_close (GTK_WINDOW (dialog));
  close_window (win);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (old)));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  /* Before anything asks GLib where the state folder is. */
  state_home = g_dir_make_tmp ("lk-ui-rotate-XXXXXX", NULL);
  g_assert_nonnull (state_home);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  if (!lk_test_have_secret_service () || g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring and X server)");
      return g_test_run ();
    }

  gtk_init ();
  adw_init ();

  sim = lk_simulator_new ();
  if (!lk_simulator_start (sim, 0, NULL, &error))
    g_error ("simulator: %s", error->message);

  app = lk_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);

  g_test_add_func ("/lk/ui-rotate/now", test_now);
  g_test_add_func ("/lk/ui-rotate/later", test_later);
  g_test_add_func ("/lk/ui-rotate/no-delete-permission", test_no_delete);
  g_test_add_func ("/lk/ui-rotate/rollback", test_rollback);
  g_test_add_func ("/lk/ui-rotate/lost-create", test_lost_create);
  /* Only when asked for (build-aux/screenshots): it checks nothing. */
  if (g_getenv ("LK_SCREENSHOT_DIR") != NULL)
    g_test_add_func ("/lk/ui-rotate/screenshot", test_screenshot);

  ret = g_test_run ();

  g_clear_object (&app);
  lk_simulator_stop (sim);
  g_clear_object (&sim);

  {
    g_autofree char *folder = g_build_filename (state_home, "layer-keys", NULL);
    g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (folder, name, NULL);

        g_unlink (path);
      }
    g_rmdir (folder);
    g_rmdir (state_home);
  }
  g_free (state_home);
  return ret;
}
