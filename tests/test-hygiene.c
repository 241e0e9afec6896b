/* test-hygiene.c: where secrets go, and where they must not
 *
 * One full run through the real desktop app (sign in with "Remember",
 * create a key, copy its secret, reveal it, delete the key) in a child
 * process with every debug message on.  Then:
 *   - its output names neither the admin's secret, nor the new key's
 *     secret, nor an access token, nor an Authorization header;
 *   - GSettings, as the app wrote it, holds none of them;
 *   - the clipboard let go of the secret after the clear delay;
 *   - no file under the test's HOME or XDG folders, except the keyring's,
 *     holds a secret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "lk-application.h"
#include "lk-clipboard.h"
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
/* The smallest clipboard-clear-seconds the schema allows. */
#define CLEAR_SECONDS 5
/* The simulator's access tokens: 32 random bytes in lowercase hex. */
#define TOKEN_PATTERN "[0-9a-f]{64}"

/* ---- The child: one full run ---- */

/* Every log message of the child, as the default writer prints them, so
 * the child can look for what it cannot name in advance (the tokens). */
static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (captured_log != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          if (fields[i].value == NULL || g_strcmp0 (fields[i].key, "MESSAGE") != 0)
            continue;
          if (fields[i].length < 0)
            g_string_append (captured_log, fields[i].value);
          else
            g_string_append_len (captured_log, fields[i].value, fields[i].length);
          g_string_append_c (captured_log, '\n');
        }
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* Where the child got to, for the parent to tell when the child fails. */
static char *stage_path;

static void
stage (const char *what)
{
  if (stage_path != NULL)
    g_file_set_contents (stage_path, what, -1, NULL);
}

static gboolean
list_complete (gpointer data)
{
  LkWindow *win = data;
  LkClient *client = lk_test_ui_get_client (win);
  LkSimulator *sim = g_object_get_data (G_OBJECT (win), "lk-test-sim");

  return client != NULL && !lk_client_get_loading (client) &&
         g_list_model_get_n_items (lk_client_get_keys (client)) == lk_simulator_get_n_keys (sim);
}

static gboolean
clipboard_released (gpointer data)
{
  return !lk_clipboard_holds_secret ();
}

typedef struct {
  gboolean  done;
  char     *text;
} ReadText;

static void
on_read_text (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadText *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static char *
read_clipboard (GtkWidget *widget)
{
  ReadText read = { FALSE, NULL };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_read_text, &read);
  g_assert_true (lk_test_wait_for_flag (&read.done, WAIT_MS));
  return read.text;
}

static gboolean
key_gone (gpointer data)
{
  LkSimulator *sim = g_object_get_data (G_OBJECT (data), "lk-test-sim");
  const char *key_id = g_object_get_data (G_OBJECT (data), "lk-test-key-id");
  g_autoptr(LkApiKey) key = lk_simulator_lookup_key (sim, key_id);

  return key == NULL;
}

/* No value of any key of the app's settings holds @needle. */
static void
assert_settings_clean (GSettings  *settings,
                       const char *const *needles)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), >, 5);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      for (guint j = 0; needles[j] != NULL; j++)
        if (strstr (text, needles[j]) != NULL)
          g_error ("GSettings key %s holds a secret", keys[i]);
      if (g_regex_match_simple (TOKEN_PATTERN, text, 0, 0))
        g_error ("GSettings key %s holds something like an access token", keys[i]);
    }
}

static void
full_run (const char *secrets_path)
{
  g_autoptr(LkSimulator) sim = NULL;
  g_autoptr(LkApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) secrets = g_string_new (NULL);
  g_autofree char *token_url = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *after = NULL;
  g_autofree char *last_client_id = NULL;
  GSettings *settings;
  LkWindow *win;
  LkSignInPage *page;
  LkCreateDialog *dialog = NULL;
  LkSecretView *view;
  LkCreatedKey *created;
  AdwMessageDialog *confirm = NULL;

  captured_log = g_string_new (NULL);

  sim = lk_simulator_new ();
  lk_simulator_seed (sim, 0);
  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  token_url = lk_simulator_get_token_url (sim);

  app = lk_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  settings = lk_application_get_settings (app);
  /* The shortest delay the schema allows. */
  g_settings_set_uint (settings, "clipboard-clear-seconds", CLEAR_SECONDS);

  /* Sign in through the form, remembered in the keyring. */
  stage ("signing in");
  win = lk_window_new (app);
  g_object_set_data (G_OBJECT (win), "lk-test-sim", sim);
  gtk_window_present (GTK_WINDOW (win));
  lk_test_ui_wait_for_page (win, "sign-in");
  page = LK_SIGN_IN_PAGE (lk_test_ui_template_child (win, LK_TYPE_WINDOW, "sign_in_page"));
  lk_sign_in_page_set_region (page, LK_REGION_CUSTOM);
  lk_sign_in_page_set_custom (page, lk_simulator_get_base_url (sim), token_url, NULL);
  lk_sign_in_page_set_client_id (page, lk_simulator_get_admin_client_id (sim));
  lk_sign_in_page_set_secret (page, lk_simulator_get_admin_client_secret (sim));
  lk_sign_in_page_set_remember (page, TRUE);
  g_assert_true (lk_sign_in_page_submit (page));
  lk_test_ui_wait_for_page (win, "keys");
  g_assert_true (lk_test_wait_until (list_complete, win, WAIT_MS));
  /* A refreshed token goes through the log too. */
  lk_simulator_revoke_tokens (sim);

  /* Create. */
  stage ("creating");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.new-key", NULL));
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (LK_IS_CREATE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
        dialog = l->data;
  }
  g_assert_nonnull (dialog);
  lk_test_spin (50);
  gtk_editable_set_text (GTK_EDITABLE (lk_test_ui_template_child (dialog, LK_TYPE_CREATE_DIALOG, "name_row")),
                         "Hygiene key");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.create", NULL);
  g_assert_true (lk_test_wait_until (lk_test_create_dialog_created_or_failed, dialog, WAIT_MS));
  created = lk_test_create_dialog_get_created (dialog);
  g_assert_nonnull (created);
  g_assert_true (created->stored);
  key_id = g_strdup (lk_api_key_get_id (created->key));
  client_secret = g_strdup (created->client_secret);
  view = LK_SECRET_VIEW (lk_test_ui_template_child (dialog, LK_TYPE_CREATE_DIALOG, "secret_view"));

  /* Reveal, then copy, the secret. */
  stage ("copying");
  gtk_toggle_button_set_active (lk_test_ui_template_child (view, LK_TYPE_SECRET_VIEW, "reveal_button"), TRUE);
  g_assert_cmpstr (gtk_label_get_text (lk_test_ui_template_child (view, LK_TYPE_SECRET_VIEW, "secret_label")), ==,
                   client_secret);
  g_signal_emit_by_name (lk_test_ui_template_child (view, LK_TYPE_SECRET_VIEW, "copy_secret_button"), "clicked");
  g_assert_true (lk_clipboard_holds_secret ());
  copied = read_clipboard (GTK_WIDGET (view));
  g_assert_cmpstr (copied, ==, client_secret);

  /* Cleared after the delay, not before. */
  stage ("waiting for the clipboard to be cleared");
  lk_test_spin ((CLEAR_SECONDS - 2) * 1000);
  g_assert_true (lk_clipboard_holds_secret ());
  g_assert_true (lk_test_wait_until (clipboard_released, NULL, 4000));
  after = read_clipboard (GTK_WIDGET (win));
  g_assert_true (after == NULL || strstr (after, client_secret) == NULL);

  /* Done: the dialog closes, and wipes what showed the secret. */
  g_object_ref (dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.done", NULL);
  lk_test_spin (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (lk_test_create_dialog_get_created (dialog));
  g_object_unref (dialog);

  /* Delete it through the list. */
  stage ("deleting");
  g_object_set_data_full (G_OBJECT (win), "lk-test-key-id", g_strdup (key_id), g_free);
  {
    LkKeysView *keys_view = lk_window_get_keys_view (win);
    GListModel *sorted = lk_test_keys_view_get_shown_keys (keys_view);
    GtkSelectionModel *selection = lk_test_keys_view_get_selection (keys_view);
    g_autoptr(GList) toplevels = NULL;
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (sorted) && !found; i++)
      {
        g_autoptr(LkApiKey) key = g_list_model_get_item (sorted, i);

        if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
          {
            gtk_selection_model_select_item (selection, i, TRUE);
            found = TRUE;
          }
      }
    g_assert_true (found);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.delete-selected", NULL));
    toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l != NULL; l = l->next)
      if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
        confirm = l->data;
    g_assert_nonnull (confirm);
    adw_message_dialog_response (confirm, "delete");
  }
  g_assert_true (lk_test_wait_until (key_gone, win, WAIT_MS));
  lk_test_spin (500);

  /* The settings the app wrote: the client ID, never a secret. */
  stage ("checking GSettings");
  last_client_id = g_settings_get_string (settings, "last-client-id");
  g_assert_cmpstr (last_client_id, ==, lk_simulator_get_admin_client_id (sim));
  {
    const char *needles[] = { client_secret, lk_simulator_get_admin_client_secret (sim), NULL };

    assert_settings_clean (settings, needles);
  }
  g_settings_sync ();

  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (200);

  /* The log was on and spoke of requests, but never of a token. */
  stage ("checking the log");
  g_assert_nonnull (strstr (captured_log->str, LK_WIRE_PATH_WHOAMI));
  if (g_regex_match_simple (TOKEN_PATTERN, captured_log->str, 0, 0))
    g_error ("the log holds something like an access token");
  g_assert_null (strstr (captured_log->str, client_secret));
  g_assert_null (strstr (captured_log->str, lk_simulator_get_admin_client_secret (sim)));
  g_string_free (g_steal_pointer (&captured_log), TRUE);

  /* Tell the parent what must not appear anywhere. */
  g_string_append_printf (secrets, "%s\n%s\n", lk_simulator_get_admin_client_secret (sim), client_secret);
  g_assert_true (g_file_set_contents (secrets_path, secrets->str, -1, &error));
  g_assert_no_error (error);
  lk_secret_free (g_steal_pointer (&client_secret));

  lk_simulator_stop (sim);
}

/* ---- The parent: look at what the child left ---- */

/* Whether @haystack (which may hold NUL bytes) contains @needle. */
static gboolean
bytes_contain (const char *haystack,
               gsize       length,
               const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= length && i <= length - n; i++)
    if (haystack[i] == needle[0] && memcmp (haystack + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

static void
walk_files (const char         *dir,
            const char *const  *skip,
            char              **needles,
            guint              *n_files)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (!g_strv_contains (skip, path))
            walk_files (path, skip, needles, n_files);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;   /* sockets of the session's services */

      if (!g_file_get_contents (path, &contents, &length, NULL))
        g_error ("cannot read %s", path);
      (*n_files)++;
      for (guint i = 0; needles[i] != NULL; i++)
        if (needles[i][0] != '\0' && bytes_contain (contents, length, needles[i]))
          g_error ("%s holds a secret", path);
      if (g_regex_match_simple (TOKEN_PATTERN, contents, 0, 0) && g_utf8_validate (contents, length, NULL))
        g_test_message ("%s holds a 64-digit hex string (checked by hand: not a token?)", path);
    }
}

static void
test_full_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *secrets_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *keyring_dir = NULL;
  g_autofree char *home_keyring_dir = NULL;
  g_auto(GStrv) lines = NULL;
  const char *roots[6];
  guint n_files = 0;

  if (g_test_subprocess ())
    {
      stage_path = g_strconcat (g_getenv ("LK_TEST_SECRETS_FILE"), ".stage", NULL);
      stage ("starting");
      full_run (g_getenv ("LK_TEST_SECRETS_FILE"));
      stage ("done");
      g_clear_pointer (&stage_path, g_free);
      return;
    }

  /* Outside HOME and the XDG folders, which are searched below. */
  dir = g_dir_make_tmp ("lk-hygiene-run-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_false (g_str_has_prefix (dir, g_get_home_dir ()));
  secrets_path = g_build_filename (dir, "secrets", NULL);
  g_setenv ("LK_TEST_SECRETS_FILE", secrets_path, TRUE);

  /* On from the child's first line. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_unsetenv ("LK_TEST_SECRETS_FILE");
  stage_path = g_strconcat (secrets_path, ".stage", NULL);
  if (!g_test_trap_has_passed ())
    {
      g_autofree char *where = NULL;

      g_file_get_contents (stage_path, &where, NULL, NULL);
      g_test_message ("the child failed while %s", where ? where : "starting");
      g_unlink (secrets_path);
    }
  g_unlink (stage_path);
  g_clear_pointer (&stage_path, g_free);
  if (!g_test_trap_has_passed ())
    g_rmdir (dir);
  g_test_trap_assert_passed ();

  /* The debug log was on and spoke of requests. */
  g_test_trap_assert_stdout ("*" LK_WIRE_PATH_WHOAMI "*");

  g_assert_true (g_file_get_contents (secrets_path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *pattern = NULL;

      if (lines[i][0] == '\0')
        continue;
      g_assert_cmpuint (strlen (lines[i]), >=, 16);
      pattern = g_strdup_printf ("*%s*", lines[i]);
      g_test_trap_assert_stdout_unmatched (pattern);
      g_test_trap_assert_stderr_unmatched (pattern);
    }
  g_test_trap_assert_stdout_unmatched ("*Authorization*");
  g_test_trap_assert_stderr_unmatched ("*Authorization*");
  g_test_trap_assert_stdout_unmatched ("*Bearer *");
  g_test_trap_assert_stderr_unmatched ("*Bearer *");
  g_test_trap_assert_stdout_unmatched ("*Basic *");
  g_test_trap_assert_stderr_unmatched ("*Basic *");
  g_test_trap_assert_stdout_unmatched ("*access_token*");
  g_test_trap_assert_stderr_unmatched ("*access_token*");

  /* No file of the session, except the keyring's, holds a secret. */
  keyring_dir = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  home_keyring_dir = g_build_filename (g_get_home_dir (), ".local", "share", "keyrings", NULL);
  roots[0] = g_get_home_dir ();
  roots[1] = g_get_user_config_dir ();
  roots[2] = g_get_user_data_dir ();
  roots[3] = g_get_user_cache_dir ();
  roots[4] = g_get_user_runtime_dir ();
  roots[5] = g_get_user_state_dir ();
  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      const char *skip[] = { keyring_dir, home_keyring_dir, NULL };

      walk_files (roots[i], skip, lines, &n_files);
    }
  g_assert_cmpuint (n_files, >, 0);
  g_test_message ("searched %u files", n_files);

  lk_secret_free (g_steal_pointer (&contents));
  g_unlink (secrets_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  if (!lk_test_have_secret_service () || g_getenv ("DISPLAY") == NULL ||
      g_strcmp0 (g_getenv ("GSETTINGS_BACKEND"), "memory") != 0)
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring, X server, memory GSettings)");
      return g_test_run ();
    }

  if (g_test_subprocess ())
    {
      gtk_init ();
      adw_init ();
    }

  g_test_add_func ("/lk/hygiene/full-run", test_full_run);

  return g_test_run ();
}
