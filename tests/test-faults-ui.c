/* test-faults-ui.c: the desktop app under platform faults, for real
 *
 * Real widgets under Xvfb, the simulator over HTTP on 127.0.0.1 with its
 * fault injection, and the real keyring of the test session.  For list,
 * create and delete, each fault must end in a message a person can see, no
 * spinner left spinning, no secret lost, and an app that works again once
 * the fault is gone.  Closing a window in the middle of an operation must
 * cancel it without a crash (run this under build-aux/dev test --sanitize
 * too), and a keyring that vanishes after sign-in must leave the secret on
 * screen with Retry and Save to File.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "lk-application.h"
#include "lk-create-dialog.h"
#include "lk-credential-store.h"
#include "lk-keys-view.h"
#include "lk-secret-view.h"
#include "lk-sign-in-page.h"
#include "lk-simulator.h"
#include "lk-test-keys.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"
#include "lk-wire.h"
#include "lk-window.h"

#define WAIT_MS 20000
/* The client's request timeout in these tests, and a latency beyond it. */
#define TIMEOUT_SECONDS 1
#define LATENCY_MS 2500

static LkApplication *app;
static LkSimulator *sim;
static guint16 sim_port;

typedef enum {
  OP_LIST,
  OP_CREATE,
  OP_DELETE,
} Operation;

static const char *const op_names[] = { "list", "create", "delete" };

typedef enum {
  OUTCOME_ERROR,          /* a message says what went wrong */
  OUTCOME_SUCCESS,        /* handled without bothering the user */
  OUTCOME_SESSION_ENDED,  /* the key is no longer accepted */
} Outcome;

typedef struct {
  const char *name;
  LkSimFault  fault;
  guint       param;
  gboolean    stop_server;   /* connection refused */
  gboolean    revoke;        /* tokens revoked, then one 401 */
  Outcome     outcome;
} FaultCase;

static const FaultCase fault_cases[] = {
  { "timeout",        LK_SIM_FAULT_LATENCY,        LATENCY_MS, FALSE, FALSE, OUTCOME_ERROR },
  { "500",            LK_SIM_FAULT_HTTP_500,       0,          FALSE, FALSE, OUTCOME_ERROR },
  { "429",            LK_SIM_FAULT_HTTP_429,       1,          FALSE, FALSE, OUTCOME_ERROR },
  { "503",            LK_SIM_FAULT_HTTP_503,       1,          FALSE, FALSE, OUTCOME_ERROR },
  { "malformed-json", LK_SIM_FAULT_MALFORMED_JSON, 0,          FALSE, FALSE, OUTCOME_ERROR },
  { "truncated-body", LK_SIM_FAULT_TRUNCATED_BODY, 0,          FALSE, FALSE, OUTCOME_ERROR },
  { "refused",        0,                           0,          TRUE,  FALSE, OUTCOME_ERROR },
  { "no-reply",       LK_SIM_FAULT_NO_REPLY,       0,          FALSE, FALSE, OUTCOME_ERROR },
  { "token-expired",  LK_SIM_FAULT_HTTP_401,       0,          FALSE, TRUE,  OUTCOME_SUCCESS },
  { "token-rejected", LK_SIM_FAULT_HTTP_401,       0,          FALSE, FALSE, OUTCOME_SESSION_ENDED },
};

typedef struct {
  Operation        op;
  const FaultCase *fault;
} FaultTest;

/* ---- Helpers ---- */

#define WINDOW_CHILD(w, name) lk_test_ui_template_child ((w), LK_TYPE_WINDOW, (name))
#define VIEW_CHILD(v, name) lk_test_ui_template_child ((v), LK_TYPE_KEYS_VIEW, (name))
#define DIALOG_CHILD(d, name) lk_test_ui_template_child ((d), LK_TYPE_CREATE_DIALOG, (name))
#define SECRET_CHILD(v, name) lk_test_ui_template_child ((v), LK_TYPE_SECRET_VIEW, (name))

static LkKeysView *
keys_view_of (LkWindow *win)
{
  return lk_window_get_keys_view (win);
}

static LkSignInPage *
sign_in_page_of (LkWindow *win)
{
  return LK_SIGN_IN_PAGE (WINDOW_CHILD (win, "sign_in_page"));
}

static void
reset_settings (void)
{
  GSettings *settings = lk_application_get_settings (app);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static gboolean
list_settled (gpointer data)
{
  LkWindow *win = data;
  LkClient *client = lk_test_ui_get_client (win);

  return client != NULL &&
         !lk_client_get_loading (client) &&
         g_strcmp0 (lk_test_keys_view_get_state (keys_view_of (win)), "loading") != 0;
}

static gboolean
list_complete (gpointer data)
{
  LkWindow *win = data;

  return list_settled (win) &&
         g_list_model_get_n_items (lk_client_get_keys (lk_test_ui_get_client (win))) ==
           lk_simulator_get_n_keys (sim);
}

static void
wait_for_list (LkWindow *win)
{
  if (!lk_test_wait_until (list_complete, win, WAIT_MS))
    g_error ("the list did not complete: state %s", lk_test_keys_view_get_state (keys_view_of (win)));
}

typedef struct {
  LkWindow *win;
  gint64    before;
} RefreshWait;

static gboolean
refreshed_since (gpointer data)
{
  RefreshWait *wait = data;

  return lk_keys_view_get_last_refresh (keys_view_of (wait->win)) > wait->before &&
         list_complete (wait->win);
}

/* Waits for a list that started after @before to complete. */
static void
wait_for_refresh (LkWindow *win,
                  gint64    before)
{
  RefreshWait wait = { win, before };

  if (!lk_test_wait_until (refreshed_since, &wait, WAIT_MS))
    g_error ("no list completed: state %s, last toast “%s”",
             lk_test_keys_view_get_state (keys_view_of (win)), lk_test_ui_get_toast (win));
}

/* A window signed in as the simulator's admin, its list complete, its
 * client tuned to fail fast. */
static LkWindow *
admin_window (void)
{
  LkWindow *win;
  LkSignInPage *page;
  LkClient *client;
  g_autofree char *token_url = lk_simulator_get_token_url (sim);

  reset_settings ();
  win = lk_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1000, 700);
  gtk_window_present (GTK_WINDOW (win));
  lk_test_ui_wait_for_page (win, "sign-in");

  page = sign_in_page_of (win);
  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, lk_simulator_get_admin_client_id (sim));
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (sim));
  lk_sign_in_page_set_remember (page, FALSE);
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");
  wait_for_list (win);

  client = lk_test_ui_get_client (win);
  lk_client_set_timeout (client, TIMEOUT_SECONDS);
  lk_client_set_retry_policy (client, 3, 8);
  return win;
}

static void
destroy_and_check_gone (GtkWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (window);
  lk_test_spin (100);
  g_assert_finalize_object (window);
}

/* No spinner on screen is left spinning (a spinner on a page that is not
 * shown does not count: it does not draw). */
static gboolean
spinner_on_screen (GtkWidget *spinner)
{
  return gtk_spinner_get_spinning (GTK_SPINNER (spinner)) && gtk_widget_get_mapped (spinner);
}

static gboolean
no_spinner (gpointer data)
{
  LkWindow *win = data;

  return !spinner_on_screen (WINDOW_CHILD (win, "loading_spinner")) &&
         !spinner_on_screen (WINDOW_CHILD (win, "signing_in_spinner")) &&
         !spinner_on_screen (VIEW_CHILD (keys_view_of (win), "loading_spinner"));
}

/* Within a page transition, every spinner on screen has stopped. */
static void
assert_no_spinner (LkWindow *win)
{
  if (!lk_test_wait_until (no_spinner, win, 2000))
    g_error ("a spinner still spins: header %d, signing in %d, list %d",
             spinner_on_screen (WINDOW_CHILD (win, "loading_spinner")),
             spinner_on_screen (WINDOW_CHILD (win, "signing_in_spinner")),
             spinner_on_screen (VIEW_CHILD (keys_view_of (win), "loading_spinner")));
}

static void
apply_fault (const FaultCase *fault,
             const char      *method,
             const char      *path)
{
  if (fault->stop_server)
    lk_simulator_stop (sim);
  else if (fault->revoke)
    {
      /* Expired behind the client's back, mid-operation: one 401. */
      lk_simulator_revoke_tokens (sim);
      lk_simulator_add_fault (sim, method, path, fault->fault, fault->param, 1);
    }
  else
    lk_simulator_add_fault (sim, method, path, fault->fault, fault->param, 0);
}

static void
clear_fault (const FaultCase *fault)
{
  g_autoptr(GError) error = NULL;

  lk_simulator_clear_faults (sim);
  if (fault->stop_server)
    {
      g_assert_true (lk_simulator_start (sim, sim_port, NULL, &error));
      g_assert_no_error (error);
    }
}

/* Once the fault is gone, what is checked is that things work again, not
 * how fast: the client gets a usual timeout back.  (Under the sanitizers
 * the main loop can stall for two seconds, and a request sent at once
 * then ran out of the 1 s the faults are tested with.) */
static void
usual_timeout (LkWindow *win)
{
  lk_client_set_timeout (lk_test_ui_get_client (win), 10);
}

/* After the fault is gone: a list works again. */
static void
assert_usable (LkWindow *win)
{
  gint64 before;

  usual_timeout (win);
  before = lk_keys_view_get_last_refresh (keys_view_of (win));

  g_assert_cmpstr (lk_test_ui_get_page (win), ==, "keys");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.refresh", NULL));
  wait_for_refresh (win, before);
  g_assert_cmpstr (lk_test_keys_view_get_state (keys_view_of (win)), ==, "list");
  assert_no_spinner (win);
}

static gboolean
has_error_heading (gpointer data)
{
  return lk_test_ui_get_sign_in_error (data) != NULL;
}

/* The key is no longer accepted: the window says so on the sign-in page,
 * and signing in again works. */
static void
assert_session_ended_and_recover (LkWindow *win)
{
  LkSignInPage *page = sign_in_page_of (win);
  const char *heading;

  lk_test_ui_wait_for_page (win, "sign-in");
  g_assert_true (lk_test_wait_until (has_error_heading, page, WAIT_MS));
  heading = lk_test_ui_get_sign_in_error (page);
  g_assert_cmpuint (strlen (heading), >, 0);
  assert_no_spinner (win);

  lk_simulator_clear_faults (sim);
  /* The secret left the form when the first sign-in succeeded (custody
   * issue, point 10): the user types it again. */
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (sim));
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");
  wait_for_list (win);
}

/* ---- List ---- */

static void
run_list (const FaultCase *fault)
{
  LkWindow *win = admin_window ();
  LkKeysView *view = keys_view_of (win);
  gint64 before = lk_keys_view_get_last_refresh (view);

  apply_fault (fault, "GET", LK_WIRE_PATH_KEYS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.refresh", NULL));

  switch (fault->outcome)
    {
    case OUTCOME_ERROR:
      /* The rows already shown stay; the error banner says why they are
       * not fresh (a reason is too long for a toast), with Retry. */
      lk_test_ui_wait_for_error_banner (win, "Could not refresh the list");
      g_assert_cmpuint (strlen (lk_test_ui_get_error_banner (win)), >, strlen ("Could not refresh the list: "));
      g_assert_null (lk_test_ui_get_toast (win));
      g_assert_true (list_settled (win));
      g_assert_cmpint (lk_keys_view_get_last_refresh (view), ==, before);
      g_assert_cmpstr (lk_test_keys_view_get_state (view), ==, "list");
      assert_no_spinner (win);
      clear_fault (fault);
      usual_timeout (win);
      /* Retry lists again; the banner goes. */
      lk_test_ui_press_error_banner (win, "_Retry");
      wait_for_refresh (win, before);
      g_assert_null (lk_test_ui_get_error_banner (win));
      break;

    case OUTCOME_SUCCESS:
      wait_for_refresh (win, before);
      g_assert_null (lk_test_ui_get_toast (win));
      g_assert_null (lk_test_ui_get_error_banner (win));
      assert_no_spinner (win);
      clear_fault (fault);
      break;

    case OUTCOME_SESSION_ENDED:
      assert_session_ended_and_recover (win);
      break;

    default:
      g_assert_not_reached ();
    }

  assert_usable (win);
  destroy_and_check_gone (GTK_WINDOW (win));
}

/* ---- Create ---- */

static LkCreateDialog *
find_create_dialog (LkWindow *win)
{
  return lk_test_ui_find_dialog (win, LK_TYPE_CREATE_DIALOG);
}

static const char *
dialog_page (LkCreateDialog *dialog)
{
  return gtk_stack_get_visible_child_name (DIALOG_CHILD (dialog, "stack"));
}

static LkCreateDialog *
open_create_dialog (LkWindow   *win,
                    const char *name)
{
  LkCreateDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new-key", NULL));
  dialog = find_create_dialog (win);
  g_assert_nonnull (dialog);
  lk_test_spin (50);

  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row")), name);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  g_assert_cmpstr (dialog_page (dialog), ==, "summary");
  return dialog;
}

static void
start_create (LkCreateDialog *dialog)
{
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.create", NULL);
  g_assert_true (lk_test_create_dialog_creating (dialog));
}

static void
finish_create (LkCreateDialog *dialog)
{
  if (!lk_test_wait_until (lk_test_create_dialog_created_or_failed, dialog, WAIT_MS))
    g_error ("the create dialog is still working after %u ms", WAIT_MS);
  g_assert_false (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "working_spinner")));
  g_assert_false (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "create_spinner")));
}

/* The visible error label of the dialog with the longest text, or NULL. */
static const char *
dialog_error_text (LkCreateDialog *dialog)
{
  static const char *const labels[] = { "summary_error", "form_error", "name_error" };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      GtkWidget *label = DIALOG_CHILD (dialog, labels[i]);

      if (gtk_widget_get_visible (label) && gtk_widget_get_mapped (label) &&
          gtk_label_get_text (GTK_LABEL (label))[0] != '\0')
        return gtk_label_get_text (GTK_LABEL (label));
    }

  return NULL;
}

static char *
keyring_lookup (const char *key_id)
{
  g_autoptr(LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  lk_credential_store_lookup_key_async (store, lk_platform_get_id (platform), key_id, NULL,
                                        lk_test_store_result, &result);
  secret = lk_credential_store_lookup_key_finish (store, lk_test_wait_result (&result, WAIT_MS), &error);
  if (secret == NULL)
    g_test_message ("keyring lookup of %s: %s", key_id, error->message);
  return secret;
}

/* If the platform holds a key named @name, its secret is on the dialog's
 * secret page or in the keyring: a committed key is never without one. */
static gboolean
check_no_lost_secret (LkCreateDialog *dialog,
                      const char     *name)
{
  g_autoptr(LkApiKey) on_platform = lk_simulator_find_key_by_name (sim, name);
  g_autoptr(LkSecretString) stored = NULL;
  g_autofree char *message = NULL;
  LkCreatedKey *shown;

  if (on_platform == NULL)
    return TRUE;

  shown = lk_test_create_dialog_get_created (dialog);
  if (shown != NULL && g_strcmp0 (lk_api_key_get_id (shown->key), lk_api_key_get_id (on_platform)) == 0)
    {
      g_assert_cmpstr (dialog_page (dialog), ==, "secret");
      return TRUE;
    }

  stored = keyring_lookup (lk_api_key_get_id (on_platform));
  if (stored != NULL)
    return TRUE;

  message = g_strdup_printf ("the platform created “%s”, but its secret is neither on screen "
                             "nor in the keyring", name);
  g_error ("%s", message);
  return FALSE;
}

static void
close_secret_page (LkCreateDialog *dialog)
{
  LkCreatedKey *created = lk_test_create_dialog_get_created (dialog);
  g_autoptr(LkSecretString) stored = NULL;

  g_assert_nonnull (created);
  g_assert_true (created->stored);
  stored = keyring_lookup (lk_api_key_get_id (created->key));
  g_assert_cmpstr (stored, ==, created->client_secret);

  g_object_ref (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  lk_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_object_unref (dialog);
}

static void
run_create (const FaultCase *fault)
{
  LkWindow *win = admin_window ();
  g_autofree char *name = g_strdup_printf ("Fault %s", fault->name);
  LkCreateDialog *dialog = open_create_dialog (win, name);
  const char *message;

  apply_fault (fault, "POST", LK_WIRE_PATH_KEYS);
  start_create (dialog);
  finish_create (dialog);

  switch (fault->outcome)
    {
    case OUTCOME_ERROR:
      g_assert_cmpstr (dialog_page (dialog), !=, "secret");
      message = dialog_error_text (dialog);
      if (message == NULL)
        g_error ("no error is shown on the %s page", dialog_page (dialog));
      g_test_message ("%s: “%s”", fault->name, message);
      g_assert_true (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "create_button")) ||
                     g_str_equal (dialog_page (dialog), "form"));
      break;

    case OUTCOME_SUCCESS:
      g_assert_cmpstr (dialog_page (dialog), ==, "secret");
      break;

    case OUTCOME_SESSION_ENDED:
      /* The dialog says the key was refused; the window learns it at its
       * next request. */
      g_assert_cmpstr (dialog_page (dialog), ==, "summary");
      message = dialog_error_text (dialog);
      g_assert_nonnull (message);
      g_test_message ("%s: “%s”", fault->name, message);
      break;

    default:
      g_assert_not_reached ();
    }
  assert_no_spinner (win);

  /* A reply that comes late may still create the key: wait for it. */
  if (fault->fault == LK_SIM_FAULT_LATENCY && !fault->stop_server)
    lk_test_spin (LATENCY_MS + 500);
  clear_fault (fault);

  if (!g_str_equal (dialog_page (dialog), "secret"))
    {
      /* Once the fault is gone, the same dialog creates the key.  When the
       * platform made it already, asking again repeats the same request,
       * and the platform's replay brings back the one secret. */
      if (g_str_equal (dialog_page (dialog), "form"))
        gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
      start_create (dialog);
      finish_create (dialog);
      if (!g_str_equal (dialog_page (dialog), "secret"))
        g_error ("after the fault, the create still fails: %s", dialog_error_text (dialog));
    }
  g_assert_true (check_no_lost_secret (dialog, name));
  close_secret_page (dialog);

  assert_usable (win);
  destroy_and_check_gone (GTK_WINDOW (win));
}

/* ---- Delete ---- */

static void
select_key (LkWindow   *win,
            const char *key_id)
{
  LkKeysView *view = keys_view_of (win);
  GListModel *sorted = lk_test_keys_view_get_shown_keys (view);
  GtkSelectionModel *selection = lk_test_keys_view_get_selection (view);

  gtk_selection_model_unselect_all (selection);
  for (guint i = 0; i < g_list_model_get_n_items (sorted); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (sorted, i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        {
          gtk_selection_model_select_item (selection, i, TRUE);
          g_assert_cmpuint (lk_keys_view_get_n_selected (view), ==, 1);
          return;
        }
    }

  g_error ("key %s is not in the list", key_id);
}

static void
confirm_delete (LkWindow   *win,
                const char *key_id)
{
  AdwMessageDialog *dialog;

  select_key (win, key_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-selected", NULL));
  dialog = lk_test_ui_find_message_dialog (win);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "delete");
}

static gboolean
key_gone (gpointer data)
{
  g_autoptr(LkApiKey) key = lk_simulator_lookup_key (sim, data);

  return key == NULL;
}

typedef struct {
  LkWindow   *win;
  const char *failed;
} DeleteToastWait;

static gboolean
delete_answered (gpointer data)
{
  DeleteToastWait *wait = data;
  const char *toast = lk_test_ui_get_toast (wait->win);
  const char *banner = lk_test_ui_get_error_banner (wait->win);

  /* Deleted: a toast; not deleted: the error banner says why. */
  return (toast != NULL && strstr (toast, "Deleted 1 key") != NULL) ||
         (banner != NULL && strstr (banner, wait->failed) != NULL);
}

static void
run_delete (const FaultCase *fault)
{
  g_autofree char *name = g_strdup_printf ("Fault delete %s", fault->name);
  g_autoptr(LkApiKey) key = lk_simulator_add_key (sim, name, NULL, 0, NULL);
  g_autofree char *key_id = g_strdup (lk_api_key_get_id (key));
  LkWindow *win = admin_window ();

  apply_fault (fault, "DELETE", LK_WIRE_PATH_KEY_PREFIX);
  confirm_delete (win, key_id);

  switch (fault->outcome)
    {
    case OUTCOME_ERROR:
      {
        g_autofree char *expected = g_strdup_printf ("Could not delete “%s”: ", name);
        DeleteToastWait wait = { win, expected };
        g_autofree char *answer = NULL;

        if (!lk_test_wait_until (delete_answered, &wait, WAIT_MS))
          g_error ("nothing tells how the delete went; the last toast said “%s”, the banner “%s”",
                   lk_test_ui_get_toast (win), lk_test_ui_get_error_banner (win));
        /* (kept: the toast goes after a while) */
        answer = g_strdup (lk_test_ui_get_error_banner (win) != NULL ?
                           lk_test_ui_get_error_banner (win) : lk_test_ui_get_toast (win));
        g_test_message ("%s: “%s”", fault->name, answer);
        assert_no_spinner (win);
        clear_fault (fault);

        if (strstr (answer, "Deleted 1 key") != NULL)
          {
            /* Said to be deleted: then it must be gone on the platform. */
            if (!key_gone (key_id))
              g_error ("the window says the key was deleted, but the platform still has it");
          }
        else
          {
            g_assert_cmpuint (strlen (answer), >, strlen (expected));
            if (fault->fault == LK_SIM_FAULT_LATENCY && !fault->stop_server)
              /* The platform got it late and deleted the key after all. */
              g_assert_true (lk_test_wait_until (key_gone, key_id, LATENCY_MS + 2000));
            else
              g_assert_false (key_gone (key_id));
          }
      }
      break;

    case OUTCOME_SUCCESS:
      lk_test_ui_wait_for_toast (win, "Deleted 1 key");
      g_assert_true (key_gone (key_id));
      clear_fault (fault);
      break;

    case OUTCOME_SESSION_ENDED:
      assert_session_ended_and_recover (win);
      g_assert_false (key_gone (key_id));
      break;

    default:
      g_assert_not_reached ();
    }

  /* Once the fault is gone, deleting works (or finds it gone already). */
  assert_usable (win);
  if (!key_gone (key_id))
    {
      confirm_delete (win, key_id);
      g_assert_true (lk_test_wait_until (key_gone, key_id, WAIT_MS));
      lk_test_ui_wait_for_toast (win, "Deleted 1 key");
    }
  assert_usable (win);
  destroy_and_check_gone (GTK_WINDOW (win));
}

static void
test_fault (gconstpointer data)
{
  const FaultTest *test = data;

  switch (test->op)
    {
    case OP_LIST:
      run_list (test->fault);
      break;
    case OP_CREATE:
      run_create (test->fault);
      break;
    case OP_DELETE:
      run_delete (test->fault);
      break;
    default:
      g_assert_not_reached ();
    }

  lk_simulator_clear_faults (sim);
}

/* ---- The keyring goes away between sign-in and create ---- */

static void
test_keyring_gone (void)
{
  LkWindow *win = admin_window ();
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  LkCreateDialog *dialog;
  LkSecretView *view;
  LkCreatedKey *created;
  GtkWidget *secret_label;

  /* Signed in with the keyring there; it is gone when the key arrives. */
  lk_client_set_store (lk_test_ui_get_client (win), store);
  lk_memory_store_set_failure (LK_MEMORY_STORE (store), LK_STORE_ERROR_NO_SERVICE);

  dialog = open_create_dialog (win, "Keyring gone");
  start_create (dialog);
  finish_create (dialog);
  g_assert_cmpstr (dialog_page (dialog), ==, "secret");
  view = LK_SECRET_VIEW (DIALOG_CHILD (dialog, "secret_view"));

  created = lk_test_create_dialog_get_created (dialog);
  g_assert_nonnull (created);
  g_assert_false (created->stored);
  g_assert_error (created->store_error, LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE);

  /* It says so, offers Retry and Save to File, and shows the secret. */
  g_assert_true (gtk_widget_get_mapped (SECRET_CHILD (view, "failure_box")));
  g_assert_true (gtk_widget_get_mapped (SECRET_CHILD (view, "retry_button")));
  g_assert_true (gtk_widget_is_sensitive (SECRET_CHILD (view, "retry_button")));
  g_assert_true (gtk_widget_get_mapped (SECRET_CHILD (view, "save_button")));
  g_assert_true (gtk_widget_is_sensitive (SECRET_CHILD (view, "save_button")));
  g_assert_cmpuint (strlen (gtk_label_get_text (SECRET_CHILD (view, "status_detail"))), >, 0);
  secret_label = SECRET_CHILD (view, "secret_label");
  gtk_toggle_button_set_active (SECRET_CHILD (view, "reveal_button"), TRUE);
  g_assert_true (gtk_widget_get_mapped (secret_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (secret_label)), ==, created->client_secret);
  g_assert_false (lk_secret_view_get_secret_safe (view));
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 0);

  /* The dialog does not let the secret go. */
  gtk_window_close (GTK_WINDOW (dialog));
  lk_test_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (lk_test_create_dialog_get_created (dialog) == created);

  /* Retry while the keyring is still gone: still on screen. */
  g_signal_emit_by_name (SECRET_CHILD (view, "retry_button"), "clicked");
  lk_test_spin (300);
  g_assert_false (created->stored);
  g_assert_false (gtk_spinner_get_spinning (SECRET_CHILD (view, "retry_spinner")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (secret_label)), ==, created->client_secret);

  /* The keyring is back: Retry stores it and the dialog may close. */
  lk_memory_store_set_failure (LK_MEMORY_STORE (store), -1);
  g_signal_emit_by_name (SECRET_CHILD (view, "retry_button"), "clicked");
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_secret_view_get_secret_safe, view, WAIT_MS));
  g_assert_true (created->stored);
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 1);
  g_object_ref (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  lk_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (lk_test_create_dialog_get_created (dialog));
  g_object_unref (dialog);

  assert_usable (win);
  destroy_and_check_gone (GTK_WINDOW (win));
}

/* ---- Closing windows in the middle of an operation ---- */

static void
weak_ref_clear (gpointer *location)
{
  if (*location != NULL)
    g_object_remove_weak_pointer (G_OBJECT (*location), location);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Destroys @win (and then closes @also, a dialog that outlives its
 * parent, as its close button does) while an operation waits on the
 * platform; the windows and the client must go away, and nothing may run
 * on after. */
static void
destroy_while_pending (LkWindow  *win,
                       GtkWindow *also)
{
  gpointer client = lk_test_ui_get_client (win);
  gpointer window = win;
  gpointer other = also;
  guint requests = lk_simulator_count_requests (sim, NULL, NULL);

  g_assert_nonnull (client);
  g_object_add_weak_pointer (client, &client);
  g_object_add_weak_pointer (window, &window);
  if (other != NULL)
    g_object_add_weak_pointer (other, &other);

  gtk_window_destroy (GTK_WINDOW (win));
  if (!lk_test_wait_until (pointer_cleared, &window, WAIT_MS))
    g_error ("the window was not finalized after it was destroyed mid-operation");
  if (other != NULL)
    {
      lk_test_spin (100);
      if (other != NULL)
        gtk_window_close (GTK_WINDOW (other));
      if (!lk_test_wait_until (pointer_cleared, &other, 3000))
        g_error ("the dialog was not finalized after it was destroyed mid-operation (%u refs)",
                 G_OBJECT (other)->ref_count);
    }
  if (!lk_test_wait_until (pointer_cleared, &client, WAIT_MS))
    g_error ("the client outlived its windows");

  /* Nothing runs on: no request is sent after the windows are gone. */
  lk_test_spin (TIMEOUT_SECONDS * 1000 + 500);
  g_assert_cmpuint (lk_simulator_count_requests (sim, NULL, NULL), ==, requests);

  weak_ref_clear (&client);
  weak_ref_clear (&window);
  weak_ref_clear (&other);
  lk_simulator_clear_faults (sim);
}

typedef struct {
  const char *method;
  const char *path;
  guint       before;
} RequestWait;

static gboolean
request_arrived (gpointer data)
{
  RequestWait *wait = data;

  return lk_simulator_count_requests (sim, wait->method, wait->path) > wait->before;
}

/* Waits until the platform has received a request sent after @before was
 * counted: from then on it is pending there. */
static void
wait_for_request (const char *method,
                  const char *path,
                  guint       before)
{
  RequestWait wait = { method, path, before };

  if (!lk_test_wait_until (request_arrived, &wait, WAIT_MS))
    g_error ("no %s %s reached the platform", method, path);
}

static void
test_close_during_list (void)
{
  LkWindow *win = admin_window ();
  guint lists = lk_simulator_count_requests (sim, "GET", LK_WIRE_PATH_KEYS);

  /* A long timeout: the window goes first. */
  lk_client_set_timeout (lk_test_ui_get_client (win), 30);
  lk_simulator_add_fault (sim, "GET", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_NO_REPLY, 0, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.refresh", NULL));
  wait_for_request ("GET", LK_WIRE_PATH_KEYS, lists);
  g_assert_true (lk_client_get_loading (lk_test_ui_get_client (win)));
  destroy_while_pending (win, NULL);
}

static void
test_close_during_delete (void)
{
  g_autoptr(LkApiKey) key = lk_simulator_add_key (sim, "Closed during delete", NULL, 0, NULL);
  LkWindow *win = admin_window ();
  guint deletes = lk_simulator_count_requests (sim, "DELETE", NULL);

  lk_client_set_timeout (lk_test_ui_get_client (win), 30);
  lk_simulator_add_fault (sim, "DELETE", NULL, LK_SIM_FAULT_NO_REPLY, 0, 0);
  confirm_delete (win, lk_api_key_get_id (key));
  wait_for_request ("DELETE", NULL, deletes);
  destroy_while_pending (win, NULL);
  g_assert_true (lk_simulator_remove_key (sim, lk_api_key_get_id (key)));
}

static void
test_close_during_sign_in (void)
{
  LkWindow *win;
  LkSignInPage *page;
  gpointer window;
  guint tokens;
  g_autofree char *token_url = lk_simulator_get_token_url (sim);

  reset_settings ();
  win = lk_window_new (app);
  gtk_window_present (GTK_WINDOW (win));
  lk_test_ui_wait_for_page (win, "sign-in");
  page = sign_in_page_of (win);
  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, lk_simulator_get_admin_client_id (sim));
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (sim));

  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_NO_REPLY, 0, 0);
  tokens = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_TOKEN);
  g_assert_true (lk_sign_in_page_submit (page));
  wait_for_request ("POST", LK_WIRE_PATH_TOKEN, tokens);
  g_assert_null (lk_test_ui_get_client (win));

  window = win;
  g_object_add_weak_pointer (window, &window);
  gtk_window_destroy (GTK_WINDOW (win));
  if (!lk_test_wait_until (pointer_cleared, &window, WAIT_MS))
    g_error ("the window was not finalized after it was destroyed mid-sign-in");
  lk_test_spin (500);
  lk_simulator_clear_faults (sim);
}

static void
test_close_during_create (void)
{
  LkWindow *win = admin_window ();
  LkCreateDialog *dialog;
  gpointer weak_dialog = NULL;
  guint n_keys = lk_simulator_get_n_keys (sim);
  guint posts;

  lk_client_set_timeout (lk_test_ui_get_client (win), 30);
  lk_simulator_add_fault (sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_NO_REPLY, 0, 0);

  /* The dialog closed while the platform has not answered. */
  dialog = open_create_dialog (win, "Closed during create");
  posts = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS);
  start_create (dialog);
  wait_for_request ("POST", LK_WIRE_PATH_KEYS, posts);
  weak_dialog = dialog;
  g_object_add_weak_pointer (weak_dialog, &weak_dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  if (!lk_test_wait_until (pointer_cleared, &weak_dialog, WAIT_MS))
    g_error ("the create dialog was not finalized after it was closed mid-create");
  g_assert_false (lk_client_get_loading (lk_test_ui_get_client (win)));

  /* The main window destroyed under an open dialog that is creating, then
   * the dialog. */
  dialog = open_create_dialog (win, "Closed during create 2");
  posts = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS);
  start_create (dialog);
  wait_for_request ("POST", LK_WIRE_PATH_KEYS, posts);
  destroy_while_pending (win, GTK_WINDOW (dialog));
  lk_test_spin (300);
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_keys);
}

/* ---- Setup ---- */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) tests = g_ptr_array_new_with_free_func (g_free);

  if (!lk_test_ui_setup (&argc, &argv, &app, &sim))
    return g_test_run ();
  sim_port = lk_simulator_get_port (sim);

  for (guint op = OP_LIST; op <= OP_DELETE; op++)
    for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
      {
        FaultTest *test = g_new0 (FaultTest, 1);
        g_autofree char *path = NULL;

        test->op = op;
        test->fault = &fault_cases[i];
        g_ptr_array_add (tests, test);
        path = g_strdup_printf ("/lk/faults-ui/%s/%s", op_names[op], fault_cases[i].name);
        g_test_add_data_func (path, test, test_fault);
      }

  g_test_add_func ("/lk/faults-ui/keyring/gone-after-sign-in", test_keyring_gone);
  g_test_add_func ("/lk/faults-ui/close/during-sign-in", test_close_during_sign_in);
  g_test_add_func ("/lk/faults-ui/close/during-list", test_close_during_list);
  g_test_add_func ("/lk/faults-ui/close/during-create", test_close_during_create);
  g_test_add_func ("/lk/faults-ui/close/during-delete", test_close_during_delete);

  return lk_test_ui_run (&app, &sim);
}
