/* test-ui-custody.c: a secret the platform sent reaches the user
 *
 * Issue 12, point 1.  The simulator over HTTP on 127.0.0.1 answers a
 * create at once; the keyring (an LkMemoryStore held back, then failing
 * as a keyring that times out) does not.  Meanwhile the user presses
 * Cancel, closes the dialog, or closes the main window, on the working
 * page or before it shows (issue 19: it comes only after a short delay),
 * or quits: the secret must still appear on the show-once page, and
 * quitting while it is kept nowhere else asks first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "lk-application.h"
#include "lk-clipboard.h"
#include "lk-create-dialog.h"
#include "lk-memory-store.h"
#include "lk-secret-view-private.h"
#include "lk-secret-window.h"
#include "lk-simulator.h"
#include "lk-test-keys.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"
#include "lk-wire.h"

#define WAIT_MS LK_TEST_UI_WAIT_MS
/* How long the keyring keeps the create waiting before it fails. */
#define KEYRING_DELAY_MS 2500

static LkSimulator *sim;
static LkApplication *app;

#define DIALOG_CHILD(d, name) lk_test_ui_template_child ((d), LK_TYPE_CREATE_DIALOG, (name))
#define VIEW_CHILD(v, name) lk_test_ui_template_child ((v), LK_TYPE_SECRET_VIEW, (name))

/* ---- Helpers ---- */

/* A keyring that answers after KEYRING_DELAY_MS, with a timeout. */
static LkCredentialStore *
slow_failing_store (void)
{
  LkCredentialStore *store = lk_memory_store_new ();

  lk_memory_store_set_delay (LK_MEMORY_STORE (store), KEYRING_DELAY_MS);
  lk_memory_store_set_failure (LK_MEMORY_STORE (store), LK_STORE_ERROR_TIMEOUT);
  return store;
}

static LkWindow *
admin_window (void)
{
  LkWindow *win = lk_window_new (app);
  LkSignInPage *page;
  g_autofree char *token_url = lk_simulator_get_token_url (sim);

  gtk_window_set_default_size (GTK_WINDOW (win), 1000, 700);
  gtk_window_present (GTK_WINDOW (win));
  lk_test_ui_wait_for_page (win, "sign-in");

  page = LK_SIGN_IN_PAGE (lk_test_ui_template_child (win, LK_TYPE_WINDOW, "sign_in_page"));
  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, lk_simulator_get_admin_client_id (sim));
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (sim));
  lk_sign_in_page_set_remember (page, FALSE);
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");

  return win;
}

static const char *
page_of (LkCreateDialog *dialog)
{
  return gtk_stack_get_visible_child_name (DIALOG_CHILD (dialog, "stack"));
}

static LkCreateDialog *
open_create_dialog (LkWindow   *win,
                    const char *name)
{
  g_autoptr(GList) toplevels = NULL;
  LkCreateDialog *dialog = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new-key", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (LK_IS_CREATE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  lk_test_spin (50);

  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row")), name);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "summary");
  return dialog;
}

static gboolean
key_on_platform (gpointer data)
{
  g_autoptr(LkApiKey) key = lk_simulator_find_key_by_name (sim, data);

  return key != NULL;
}

static gboolean
dialog_shows_working (gpointer data)
{
  return g_strcmp0 (page_of (data), "working") == 0;
}

/* Create, and wait until the platform answered and the reply was read:
 * the keyring is now what the create waits for.  The dialog still shows
 * its summary, with the Create button's spinner (the working page comes
 * only once the create has taken a while). */
static void
create_until_reply (LkCreateDialog *dialog,
                    const char     *name)
{
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.create", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "summary");
  g_assert_true (lk_test_create_dialog_creating (dialog));
  g_assert_true (lk_test_wait_until (key_on_platform, (gpointer) name, WAIT_MS));
}

/* The same, then wait until the working page shows. */
static void
create_until_keyring (LkCreateDialog *dialog,
                      const char     *name)
{
  create_until_reply (dialog, name);
  g_assert_true (lk_test_wait_until (dialog_shows_working, dialog, WAIT_MS));
  lk_test_spin (100);
  g_assert_cmpstr (page_of (dialog), ==, "working");
}

/* The secret @view shows is the one of the key @name on the platform, not
 * stored, with Retry and Save to File, and kept nowhere else. */
static void
assert_shows_unsaved_secret (LkSecretView *view,
                             const char   *name)
{
  g_autoptr(LkApiKey) on_platform = lk_simulator_find_key_by_name (sim, name);
  LkCreatedKey *created = lk_secret_view_get_created (view);

  g_assert_nonnull (on_platform);
  g_assert_nonnull (created);
  g_assert_cmpstr (lk_api_key_get_id (created->key), ==, lk_api_key_get_id (on_platform));
  g_assert_nonnull (created->client_secret);
  g_assert_cmpuint (strlen (created->client_secret), >, 0);
  g_assert_false (created->stored);
  g_assert_true (gtk_widget_get_visible (VIEW_CHILD (view, "failure_box")));
  g_assert_true (gtk_widget_get_visible (VIEW_CHILD (view, "retry_button")));
  g_assert_true (gtk_widget_get_visible (VIEW_CHILD (view, "save_button")));
  g_assert_false (lk_secret_view_get_secret_safe (view));
  g_assert_true (lk_secret_view_find_unsaved () == view);
}

static gboolean
dialog_shows_secret (gpointer data)
{
  return g_strcmp0 (page_of (data), "secret") == 0;
}

static LkSecretWindow *
find_secret_window (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (LK_IS_SECRET_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static gboolean
secret_window_shown (gpointer data)
{
  return find_secret_window () != NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static gboolean
message_dialog_gone (gpointer data)
{
  return find_message_dialog () == NULL;
}

/* Confirms the secret is saved elsewhere; the window may close then. */
static void
confirm_saved_and_close (GtkWindow    *window,
                         LkSecretView *view)
{
  gtk_window_close (window);
  lk_test_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gtk_revealer_get_reveal_child (VIEW_CHILD (view, "keep_open_revealer")));

  gtk_check_button_set_active (VIEW_CHILD (view, "saved_check"), TRUE);
  g_assert_null (lk_secret_view_find_unsaved ());
  g_object_ref (window);
  gtk_window_close (window);
  lk_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_null (lk_secret_view_get_created (view));
  g_object_unref (window);
}

/* ---- Cancel after the reply ---- */

static void
test_cancel_after_reply (void)
{
  LkWindow *win = admin_window ();
  g_autoptr(LkCredentialStore) store = slow_failing_store ();
  LkCreateDialog *dialog;
  LkSecretView *view;

  lk_client_set_store (lk_test_ui_get_client (win), store);
  dialog = open_create_dialog (win, "Cancelled after the reply");
  view = LK_SECRET_VIEW (DIALOG_CHILD (dialog, "secret_view"));
  create_until_keyring (dialog, "Cancelled after the reply");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.cancel", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "summary");

  /* The keyring gives up: the secret comes to the dialog all the same. */
  if (!lk_test_wait_until (dialog_shows_secret, dialog, WAIT_MS))
    g_error ("the platform created the key, but its secret never reached the screen "
             "(the dialog shows “%s”)", page_of (dialog));
  assert_shows_unsaved_secret (view, "Cancelled after the reply");

  confirm_saved_and_close (GTK_WINDOW (dialog), view);
  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (100);
}

/* ---- The dialog closed after the reply ---- */

static void
test_dialog_closed_after_reply (void)
{
  LkWindow *win = admin_window ();
  g_autoptr(LkCredentialStore) store = slow_failing_store ();
  LkCreateDialog *dialog;
  gpointer weak_dialog;
  LkSecretWindow *secret_window;

  lk_client_set_store (lk_test_ui_get_client (win), store);
  dialog = open_create_dialog (win, "Dialog closed after the reply");
  create_until_keyring (dialog, "Dialog closed after the reply");

  weak_dialog = dialog;
  g_object_add_weak_pointer (weak_dialog, &weak_dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.cancel", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.cancel", NULL);
  lk_test_spin (50);
  g_assert_null (find_secret_window ());

  if (!lk_test_wait_until (secret_window_shown, NULL, WAIT_MS))
    g_error ("the platform created the key after its dialog closed, but its secret "
             "never reached the screen");
  g_assert_null (weak_dialog);
  secret_window = find_secret_window ();
  g_assert_true (gtk_window_get_application (GTK_WINDOW (secret_window)) == GTK_APPLICATION (app));
  assert_shows_unsaved_secret (lk_secret_window_get_view (secret_window), "Dialog closed after the reply");

  confirm_saved_and_close (GTK_WINDOW (secret_window), lk_secret_window_get_view (secret_window));
  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (100);
}

/* ---- The dialog closed, or Quit, before the working page showed ---- */

static gboolean
store_asked (gpointer data)
{
  LkMemoryStore *store = data;

  return lk_memory_store_get_n_operations (store) > GPOINTER_TO_UINT (g_object_get_data (data, "lk-test-before"));
}

/* The reply was read (its secret went to the keyring, which holds it
 * back), and the working page did not show yet: the dialog is in the
 * short delay before it (lk-create-dialog-create.c). */
static void
create_until_reply_in_delay (LkCreateDialog    *dialog,
                             LkCredentialStore *store,
                             const char        *name)
{
  g_object_set_data (G_OBJECT (store), "lk-test-before",
                     GUINT_TO_POINTER (lk_memory_store_get_n_operations (LK_MEMORY_STORE (store))));
  create_until_reply (dialog, name);
  g_assert_true (lk_test_wait_until (store_asked, store, WAIT_MS));
  if (g_strcmp0 (page_of (dialog), "summary") != 0)
    g_error ("the reply took longer than the working page’s delay: this test needs a "
             "platform that answers within it");
  g_assert_true (lk_test_create_dialog_creating (dialog));
}

static void
test_dialog_closed_in_delay (void)
{
  LkWindow *win = admin_window ();
  g_autoptr(LkCredentialStore) store = slow_failing_store ();
  LkCreateDialog *dialog;
  gpointer weak_dialog;
  LkSecretWindow *secret_window;

  lk_client_set_store (lk_test_ui_get_client (win), store);
  dialog = open_create_dialog (win, "Dialog closed in the delay");
  create_until_reply_in_delay (dialog, store, "Dialog closed in the delay");

  /* Escape (window.close) as on the working page: the dialog goes. */
  weak_dialog = dialog;
  g_object_add_weak_pointer (weak_dialog, &weak_dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  lk_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (find_secret_window ());

  if (!lk_test_wait_until (secret_window_shown, NULL, WAIT_MS))
    g_error ("the platform created the key while its dialog was closing, but its secret "
             "never reached the screen");
  g_assert_null (weak_dialog);
  secret_window = find_secret_window ();
  g_assert_true (gtk_window_get_application (GTK_WINDOW (secret_window)) == GTK_APPLICATION (app));
  assert_shows_unsaved_secret (lk_secret_window_get_view (secret_window), "Dialog closed in the delay");

  confirm_saved_and_close (GTK_WINDOW (secret_window), lk_secret_window_get_view (secret_window));
  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (100);
}

static void
test_quit_in_delay (void)
{
  LkWindow *win = admin_window ();
  g_autoptr(LkCredentialStore) store = slow_failing_store ();
  LkCreateDialog *dialog;
  gpointer weak_dialog;
  LkSecretWindow *secret_window;
  LkSecretView *view;
  AdwMessageDialog *question;

  g_object_ref (win);
  lk_client_set_store (lk_test_ui_get_client (win), store);
  dialog = open_create_dialog (win, "Quit in the delay");
  weak_dialog = dialog;
  g_object_add_weak_pointer (weak_dialog, &weak_dialog);
  create_until_reply_in_delay (dialog, store, "Quit in the delay");

  /* No secret on screen yet: Quit asks nothing and closes every window,
   * as on the working page; the create goes on. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  lk_test_spin (50);
  g_assert_null (find_message_dialog ());
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (win)));

  /* The secret comes all the same, in a window of its own, and the next
   * Quit asks about it. */
  if (!lk_test_wait_until (secret_window_shown, NULL, WAIT_MS))
    g_error ("the platform created the key as the app was quitting, but its secret "
             "never reached the screen");
  g_assert_null (weak_dialog);
  secret_window = find_secret_window ();
  view = lk_secret_window_get_view (secret_window);
  assert_shows_unsaved_secret (view, "Quit in the delay");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  lk_test_spin (100);
  question = find_message_dialog ();
  g_assert_nonnull (question);
  g_assert_cmpstr (adw_message_dialog_get_heading (question), ==, "Quit Without Saving the Secret?");
  gtk_window_close (GTK_WINDOW (question));
  g_assert_true (lk_test_wait_until (message_dialog_gone, NULL, WAIT_MS));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (secret_window)));

  confirm_saved_and_close (GTK_WINDOW (secret_window), view);
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (win);
  lk_test_spin (100);
}

/* ---- The main window closed after the reply, then Quit ---- */

static void
test_window_closed_then_quit (void)
{
  LkWindow *win = admin_window ();
  g_autoptr(LkCredentialStore) store = slow_failing_store ();
  LkCreateDialog *dialog;
  LkSecretView *view;
  AdwMessageDialog *question;
  g_autofree char *body = NULL;

  lk_client_set_store (lk_test_ui_get_client (win), store);
  dialog = open_create_dialog (win, "Window closed after the reply");
  view = LK_SECRET_VIEW (DIALOG_CHILD (dialog, "secret_view"));
  g_object_ref (dialog);
  create_until_keyring (dialog, "Window closed after the reply");

  gtk_window_close (GTK_WINDOW (win));
  lk_test_spin (100);

  if (!lk_test_wait_until (dialog_shows_secret, dialog, WAIT_MS))
    g_error ("the platform created the key, but its secret never reached the screen "
             "after the main window closed");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_nonnull (g_list_find (gtk_application_get_windows (GTK_APPLICATION (app)), dialog));
  assert_shows_unsaved_secret (view, "Window closed after the reply");

  /* Quit asks first, naming the key; Back keeps everything. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  lk_test_spin (100);
  question = find_message_dialog ();
  g_assert_nonnull (question);
  g_assert_cmpstr (adw_message_dialog_get_heading (question), ==, "Quit Without Saving the Secret?");
  body = g_strdup (adw_message_dialog_get_body (question));
  g_assert_nonnull (strstr (body, "“Window closed after the reply”"));
  g_assert_null (strstr (body, lk_secret_view_get_created (view)->client_secret));
  /* Escape (the close response) is Back. */
  gtk_window_close (GTK_WINDOW (question));
  g_assert_true (lk_test_wait_until (message_dialog_gone, NULL, WAIT_MS));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_nonnull (lk_secret_view_get_created (view));

  /* Once it is saved elsewhere, Quit asks nothing and closes the dialog. */
  gtk_check_button_set_active (VIEW_CHILD (view, "saved_check"), TRUE);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  lk_test_spin (100);
  g_assert_null (find_message_dialog ());
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_object_unref (dialog);
}

/* ---- Only Copy copies, with the hint ---- */

typedef struct {
  gboolean  done;
  char     *mime_type;
  GBytes   *bytes;
} ReadMime;

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ReadMime *read = user_data;

  g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, NULL);
  read->bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));
  read->done = TRUE;
}

static void
on_read_mime (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadMime *read = user_data;
  const char *mime_type = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) out = NULL;

  stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, &mime_type, NULL);
  if (stream == NULL)
    {
      read->done = TRUE;
      return;
    }

  /* The provider writes from this main loop: read without blocking it. */
  read->mime_type = g_strdup (mime_type);
  out = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (out, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, on_spliced, read);
}

/* What the clipboard offers as @mime_type, as a string, or NULL. */
static char *
read_clipboard_as (GdkClipboard *clipboard,
                   const char   *mime_type)
{
  const char *mime_types[] = { mime_type, NULL };
  ReadMime read = { FALSE, NULL, NULL };
  char *text = NULL;

  gdk_clipboard_read_async (clipboard, mime_types, G_PRIORITY_DEFAULT, NULL, on_read_mime, &read);
  g_assert_true (lk_test_wait_for_flag (&read.done, 5000));
  if (read.bytes != NULL)
    {
      g_assert_cmpstr (read.mime_type, ==, mime_type);
      text = g_strndup (g_bytes_get_data (read.bytes, NULL), g_bytes_get_size (read.bytes));
    }
  g_clear_pointer (&read.bytes, g_bytes_unref);
  g_free (read.mime_type);
  return text;
}

static gboolean
clipboard_released (gpointer data)
{
  return !lk_clipboard_holds_secret ();
}

static void
test_copy_only_through_copy (void)
{
  const char *secret = "s3cr3t-only-copy-copies";
  g_autoptr(LkApiKey) key = lk_api_key_new ("key-9", "Hinted key", "client-9", NULL, 0, 0, NULL);
  g_autoptr(LkCreatedKey) created = lk_created_key_new (key, secret);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  LkSecretView *view = LK_SECRET_VIEW (lk_secret_view_new ());
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  GtkLabel *label;
  g_autofree char *text = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *after = NULL;

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  lk_secret_view_set_created (view, NULL, created);
  lk_test_spin (50);

  /* Shown, but not selectable: nothing to select for PRIMARY or Ctrl+C. */
  label = VIEW_CHILD (view, "secret_label");
  gtk_toggle_button_set_active (VIEW_CHILD (view, "reveal_button"), TRUE);
  g_assert_cmpstr (gtk_label_get_text (label), ==, secret);
  g_assert_false (gtk_label_get_selectable (label));
  gtk_toggle_button_set_active (VIEW_CHILD (view, "reveal_button"), FALSE);
  g_assert_false (gtk_label_get_selectable (label));

  /* Copy offers the text with the hint that it is a secret. */
  lk_secret_view_set_clear_seconds (view, 2);
  g_signal_emit_by_name (VIEW_CHILD (view, "copy_secret_button"), "clicked");
  g_assert_true (lk_clipboard_holds_secret ());
  g_assert_true (gdk_content_formats_contain_mime_type (gdk_clipboard_get_formats (clipboard),
                                                        "x-kde-passwordManagerHint"));
  hint = read_clipboard_as (clipboard, "x-kde-passwordManagerHint");
  g_assert_cmpstr (hint, ==, "secret");
  text = read_clipboard_as (clipboard, "text/plain;charset=utf-8");
  g_assert_cmpstr (text, ==, secret);

  /* And takes it back after the delay. */
  g_assert_true (lk_test_wait_until (clipboard_released, NULL, 5000));
  lk_test_spin (300);
  after = read_clipboard_as (clipboard, "text/plain;charset=utf-8");
  g_assert_true (after == NULL || g_strcmp0 (after, secret) != 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

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

  g_test_add_func ("/lk/ui-custody/cancel-after-reply", test_cancel_after_reply);
  g_test_add_func ("/lk/ui-custody/dialog-closed-after-reply", test_dialog_closed_after_reply);
  g_test_add_func ("/lk/ui-custody/window-closed-then-quit", test_window_closed_then_quit);
  g_test_add_func ("/lk/ui-custody/dialog-closed-in-delay", test_dialog_closed_in_delay);
  g_test_add_func ("/lk/ui-custody/quit-in-delay", test_quit_in_delay);
  g_test_add_func ("/lk/ui-custody/copy-only-through-copy", test_copy_only_through_copy);

  ret = g_test_run ();

  g_clear_object (&app);
  lk_simulator_stop (sim);
  g_clear_object (&sim);
  return ret;
}
