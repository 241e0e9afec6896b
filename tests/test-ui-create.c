/* test-ui-create.c: the create dialog and the secret page, for real
 *
 * Real widgets under Xvfb, the simulator over HTTP on 127.0.0.1, and the
 * real keyring of the test session (LkSecretStore), or a failing
 * LkMemoryStore for the keyring failure path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "lk-clipboard.h"
#include "lk-create-dialog.h"
#include "lk-credential-store.h"
#include "lk-permission-grid.h"
#include "lk-secret-view-private.h"
#include "lk-simulator.h"
#include "lk-test-keys.h"
#include "lk-test-util.h"
#include "lk-ui-resources.h"

#define WAIT_MS 20000
#define EXISTING_NAME "Existing Scanner Key"

static LkSimulator *sim;
static LkPlatform *platform;

/* ---- Helpers ---- */

static LkClient *
new_signed_in_client (LkCredentialStore *store)
{
  g_autoptr(LkClient) client = lk_client_new (platform);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;

  lk_client_set_credentials (client,
                             lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_store (client, store);

  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (whoami);

  /* The dialog checks names against the client's model. */
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &list_result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&list_result, WAIT_MS), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&client);
}

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

#define DIALOG_CHILD(d, name) child ((d), LK_TYPE_CREATE_DIALOG, (name))
#define VIEW_CHILD(v, name) child ((v), LK_TYPE_SECRET_VIEW, (name))

static LkCreateDialog *
open_dialog (LkClient *client)
{
  LkCreateDialog *dialog = lk_create_dialog_new (NULL, client);
  const char *width = g_getenv ("LK_SCREENSHOT_WIDTH");

  if (width != NULL)
    gtk_window_set_default_size (GTK_WINDOW (dialog), atoi (width), 640);

  gtk_window_present (GTK_WINDOW (dialog));
  lk_test_spin (50);
  return dialog;
}

static void
set_name (LkCreateDialog *dialog,
          const char     *name)
{
  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row")), name);
}

static gboolean
next_sensitive (LkCreateDialog *dialog)
{
  return gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "next_button"));
}

static const char *
page_of (LkCreateDialog *dialog)
{
  return gtk_stack_get_visible_child_name (DIALOG_CHILD (dialog, "stack"));
}

/* What the dialog's create_activated() waits before the working page. */
#define WORKING_PAGE_DELAY_MS 300

/* When the pages of a create were shown. */
typedef struct {
  gint64 created_at;   /* monotonic µs: Create activated */
  gint64 working_at;   /* the working page shown, or 0 */
  gint64 ended_at;     /* the create over, or 0 */
} PageTimes;

static void
on_page_shown (GtkStack   *stack,
               GParamSpec *pspec,
               PageTimes  *times)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "working") == 0 && times->working_at == 0)
    times->working_at = g_get_monotonic_time ();
}

/* Activates Create on the summary, and checks the dialog says at once
 * that it is creating: the Create button turns into a spinner, nothing
 * can be changed (Back) or sent again, and no page is shown yet. */
static gulong
start_create (LkCreateDialog *dialog,
              PageTimes      *times)
{
  gulong handler;

  g_assert_cmpstr (page_of (dialog), ==, "summary");
  g_assert_true (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "create_button")));
  g_assert_false (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "create_spinner")));
  memset (times, 0, sizeof *times);
  handler = g_signal_connect (DIALOG_CHILD (dialog, "stack"), "notify::visible-child-name",
                              G_CALLBACK (on_page_shown), times);
  times->created_at = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.create", NULL);

  g_assert_cmpstr (page_of (dialog), ==, "summary");
  g_assert_true (lk_test_create_dialog_creating (dialog));
  g_assert_true (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "create_spinner")));
  g_assert_cmpfloat (gtk_widget_get_opacity (DIALOG_CHILD (dialog, "create_label")), ==, 0.0);
  g_assert_false (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "create_button")));
  g_assert_false (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "back_button")));
  return handler;
}

/* Waits until the create started by start_create() is over, and checks
 * that the working page came only once it had taken the delay. */
static void
finish_create (LkCreateDialog *dialog,
               PageTimes      *times,
               gulong          handler)
{
  g_assert_true (lk_test_wait_until (lk_test_create_dialog_created_or_failed, dialog, WAIT_MS));
  times->ended_at = g_get_monotonic_time ();
  g_signal_handler_disconnect (DIALOG_CHILD (dialog, "stack"), handler);

  if (times->working_at != 0)
    g_assert_cmpint (times->working_at - times->created_at, >=, WORKING_PAGE_DELAY_MS * 1000);
  if (times->ended_at - times->created_at < WORKING_PAGE_DELAY_MS * 1000)
    g_assert_cmpint (times->working_at, ==, 0);
  g_test_message ("create over after %" G_GINT64_FORMAT " ms, the working page %s",
                  (times->ended_at - times->created_at) / 1000,
                  times->working_at != 0 ? "shown" : "never shown");
  g_assert_false (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "create_spinner")));
  g_assert_cmpfloat (gtk_widget_get_opacity (DIALOG_CHILD (dialog, "create_label")), ==, 1.0);
}

/* Create on the summary; waits until the platform answered. */
static void
create_on_summary (LkCreateDialog *dialog)
{
  PageTimes times;
  gulong handler = start_create (dialog, &times);

  finish_create (dialog, &times, handler);
}

/* Form -> summary -> create; waits until the platform answered. */
static void
create_through_dialog (LkCreateDialog *dialog)
{
  g_assert_true (next_sensitive (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  create_on_summary (dialog);
  g_assert_cmpstr (page_of (dialog), ==, "secret");
}

static LkPermissionGrid *
grid_of (LkCreateDialog *dialog)
{
  return LK_PERMISSION_GRID (DIALOG_CHILD (dialog, "grid"));
}

static LkSecretView *
view_of (LkCreateDialog *dialog)
{
  return LK_SECRET_VIEW (DIALOG_CHILD (dialog, "secret_view"));
}

static char *
keyring_lookup (const char *key_id)
{
  g_autoptr(LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  lk_credential_store_lookup_key_async (store, lk_platform_get_id (platform), key_id, NULL,
                                        lk_test_store_result, &result);
  secret = lk_credential_store_lookup_key_finish (store, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  return secret;
}

/* Closes and checks that the dialog went away. */
static void
close_dialog (LkCreateDialog *dialog)
{
  g_object_ref (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  lk_test_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (lk_test_create_dialog_get_created (dialog));
  /* Nothing keeps the dialog (and what it showed) alive. */
  g_assert_finalize_object (dialog);
}

static void
save_screenshot_to (GtkWidget  *widget,
                    const char *dir,
                    const char *file_name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL)
    return;

  /* Let transitions and layout settle, and short toasts go. */
  lk_test_spin (3000);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s", path);
}

/* The screenshots of docs/screenshots. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *file_name)
{
  save_screenshot_to (widget, g_getenv ("LK_SCREENSHOT_DIR"), file_name);
}

/* More states, to look at while working on the layout. */
static void
save_extra_screenshot (GtkWidget  *widget,
                       const char *file_name)
{
  save_screenshot_to (widget, g_getenv ("LK_SCREENSHOT_EXTRA_DIR"), file_name);
}

/* ---- Name validation ---- */

static void
test_name_validation (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  GtkWidget *name_row = DIALOG_CHILD (dialog, "name_row");
  GtkWidget *name_error = DIALOG_CHILD (dialog, "name_error");
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autoptr(GString) emoji_name = g_string_new (NULL);

  /* Permissions chosen, so only the name decides. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);

  /* Empty at first: not valid, but no error shown before typing. */
  g_assert_false (next_sensitive (dialog));
  g_assert_false (gtk_widget_get_visible (name_error));

  set_name (dialog, "CI scanner");
  g_assert_true (next_sensitive (dialog));
  g_assert_false (gtk_widget_has_css_class (name_row, "error"));

  set_name (dialog, "");
  g_assert_false (next_sensitive (dialog));
  g_assert_true (gtk_widget_get_visible (name_error));
  g_assert_true (gtk_widget_has_css_class (name_row, "error"));

  for (int i = 0; i < 64; i++)
    g_string_append_c (long_name, 'a');
  set_name (dialog, long_name->str);
  g_assert_true (next_sensitive (dialog));
  g_assert_false (gtk_widget_get_visible (name_error));

  g_string_append_c (long_name, 'a');
  set_name (dialog, long_name->str);
  g_assert_false (next_sensitive (dialog));
  g_assert_true (gtk_widget_get_visible (name_error));
  g_assert_true (gtk_widget_has_css_class (name_row, "error"));

  /* 64 characters of four bytes each: characters count, not bytes. */
  for (int i = 0; i < 64; i++)
    g_string_append (emoji_name, "🔑");
  set_name (dialog, emoji_name->str);
  g_assert_true (next_sensitive (dialog));

  set_name (dialog, "     ");
  g_assert_false (next_sensitive (dialog));

  set_name (dialog, EXISTING_NAME);
  g_assert_false (next_sensitive (dialog));
  g_assert_true (gtk_widget_get_visible (name_error));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (name_error)), EXISTING_NAME));

  /* Trimmed before comparing; the comparison is case-sensitive. */
  set_name (dialog, "  " EXISTING_NAME " ");
  g_assert_false (next_sensitive (dialog));
  set_name (dialog, "existing scanner key");
  g_assert_true (next_sensitive (dialog));

  set_name (dialog, "מפתח סריקה");
  g_assert_true (next_sensitive (dialog));
  set_name (dialog, "مفتاح 🔐 scanner");
  g_assert_true (next_sensitive (dialog));

  set_name (dialog, "bad\tname");
  g_assert_false (next_sensitive (dialog));
  set_name (dialog, "bad\x7fname");
  g_assert_false (next_sensitive (dialog));
  set_name (dialog, "bad\xc2\x85name");   /* U+0085, a C1 control */
  g_assert_false (next_sensitive (dialog));

  set_name (dialog, "fine again");
  g_assert_true (next_sensitive (dialog));
  g_assert_false (gtk_widget_has_css_class (name_row, "error"));

  /* A custom expiry outside 1..365 days blocks too. */
  {
    AdwComboRow *expiry_row = DIALOG_CHILD (dialog, "expiry_row");
    GtkCalendar *calendar = DIALOG_CHILD (dialog, "calendar");
    g_autoptr(GDateTime) today = g_date_time_new_now_local ();
    g_autoptr(GDateTime) too_far = g_date_time_add_days (today, 400);
    g_autoptr(GDateTime) fine = g_date_time_add_days (today, 200);

    adw_combo_row_set_selected (expiry_row, 6);
    g_assert_true (gtk_revealer_get_reveal_child (DIALOG_CHILD (dialog, "calendar_revealer")));
    g_assert_true (next_sensitive (dialog));
    gtk_calendar_select_day (calendar, too_far);
    g_assert_false (next_sensitive (dialog));
    g_assert_true (gtk_widget_get_visible (DIALOG_CHILD (dialog, "expiry_error")));
    gtk_calendar_select_day (calendar, today);
    g_assert_false (next_sensitive (dialog));
    gtk_calendar_select_day (calendar, fine);
    g_assert_true (next_sensitive (dialog));
    adw_combo_row_set_selected (expiry_row, 0);
    g_assert_true (next_sensitive (dialog));
  }

  close_dialog (dialog);
}

/* ---- Presets and the task picker ---- */

static void
check_created_as_shown (LkCreateDialog      *dialog,
                        const char          *name,
                        const LkPermissions *expected)
{
  g_autoptr(LkApiKey) on_platform = lk_simulator_find_key_by_name (sim, name);

  g_assert_nonnull (on_platform);
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (on_platform), expected));
  g_assert_true (lk_permissions_equal (lk_permission_grid_get_permissions (grid_of (dialog)), expected));
}

static void
test_create_with_preset (void)
{
  g_autoptr(LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  LkSecretView *view = view_of (dialog);
  LkPermissions expected = { { 0 } };
  g_autoptr(LkApiKey) on_platform = NULL;
  g_autofree char *stored_secret = NULL;
  LkCreatedKey *created;
  GtkLabel *secret_label;
  const char *summary;

  if (g_getenv ("LK_SCREENSHOT_DIR") != NULL)
    {
      /* Room for most of the grid; LK_SCREENSHOT_WIDTH checks narrow
       * layouts (360). */
      const char *width = g_getenv ("LK_SCREENSHOT_WIDTH");

      gtk_window_set_default_size (GTK_WINDOW (dialog), width ? atoi (width) : 560, 900);
    }
  set_name (dialog, "Model Scanner CI");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_MODEL_SCANNER_HYBRID);
  lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &expected);
  g_assert_true (lk_permissions_equal (lk_permission_grid_get_permissions (grid_of (dialog)), &expected));
  /* The toggles show it: Model Scanner Write on, its Read off. */
  g_assert_true (gtk_check_button_get_active (lk_test_permission_grid_get_toggle (grid_of (dialog), LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_WRITE)));
  g_assert_false (gtk_check_button_get_active (lk_test_permission_grid_get_toggle (grid_of (dialog), LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ)));
  g_assert_false (gtk_widget_get_visible (DIALOG_CHILD (dialog, "empty_box")));
  /* The applied preset is marked, the other is not. */
  g_assert_cmpstr (gtk_image_get_icon_name (DIALOG_CHILD (dialog, "preset_scanner_icon")), ==, "object-select-symbolic");
  g_assert_cmpstr (gtk_image_get_icon_name (DIALOG_CHILD (dialog, "preset_read_only_icon")), ==, "go-next-symbolic");
  if (g_getenv ("LK_SCREENSHOT_DIR") != NULL)
    {
      /* Scrolled to the grid, where the preset shows. */
      GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (grid_of (dialog)), GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      lk_test_spin (500);
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
      save_screenshot (GTK_WIDGET (dialog), "create-dialog.png");
      gtk_adjustment_set_value (adjustment, 0);
    }

  /* The summary names what will be created. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  summary = adw_action_row_get_subtitle (DIALOG_CHILD (dialog, "summary_permissions_row"));
  {
    g_autofree char *expected_summary = lk_permissions_to_summary (&expected);
    g_assert_cmpstr (summary, ==, expected_summary);
  }
  g_assert_cmpstr (adw_action_row_get_subtitle (DIALOG_CHILD (dialog, "summary_name_row")), ==, "Model Scanner CI");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (DIALOG_CHILD (dialog, "summary_expiry_row")), "90"));
  save_extra_screenshot (GTK_WIDGET (dialog), "summary.png");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.back", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "form");

  create_through_dialog (dialog);
  check_created_as_shown (dialog, "Model Scanner CI", &expected);

  /* The secret page: hidden until revealed, then the very secret the
   * keyring holds. */
  created = lk_test_create_dialog_get_created (dialog);
  g_assert_nonnull (created);
  g_assert_true (created->stored);
  stored_secret = keyring_lookup (lk_api_key_get_id (created->key));
  g_assert_nonnull (stored_secret);
  g_assert_cmpstr (stored_secret, ==, created->client_secret);

  secret_label = VIEW_CHILD (view, "secret_label");
  g_assert_null (strstr (gtk_label_get_text (secret_label), stored_secret));
  g_assert_cmpstr (gtk_label_get_text (VIEW_CHILD (view, "id_label")), ==,
                   lk_api_key_get_client_id (created->key));
  g_assert_true (lk_secret_view_get_secret_safe (view));
  g_assert_nonnull (strstr (gtk_label_get_text (VIEW_CHILD (view, "status_label")),
                            "HiddenLayer API key “Model Scanner CI”"));
  g_assert_false (gtk_widget_get_visible (VIEW_CHILD (view, "failure_box")));
  /* No tooltip carries it. */
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (secret_label)));
  if (g_getenv ("LK_SCREENSHOT_DIR") != NULL)
    {
      const char *width = g_getenv ("LK_SCREENSHOT_WIDTH");

      gtk_window_set_default_size (GTK_WINDOW (dialog), width ? atoi (width) : 560, 640);
      save_screenshot (GTK_WIDGET (dialog), "secret-page.png");
    }

  gtk_toggle_button_set_active (VIEW_CHILD (view, "reveal_button"), TRUE);
  g_assert_cmpstr (gtk_label_get_text (secret_label), ==, stored_secret);
  gtk_toggle_button_set_active (VIEW_CHILD (view, "reveal_button"), FALSE);
  g_assert_cmpstr (gtk_label_get_text (secret_label), !=, stored_secret);
  gtk_toggle_button_set_active (VIEW_CHILD (view, "reveal_button"), TRUE);

  /* The client's model has it now; stored, so the dialog closes, and
   * nothing shows the secret any more. */
  on_platform = lk_simulator_find_key_by_name (sim, "Model Scanner CI");
  g_object_ref (view);
  close_dialog (dialog);
  g_assert_cmpstr (gtk_label_get_text (secret_label), ==, "");
  g_object_unref (view);
}

static void
test_create_with_tasks (void)
{
  g_autoptr(LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  GtkCheckButton *upload = lk_test_create_dialog_get_task_check (dialog, "Model Inventory", "Upload");
  GtkCheckButton *close_detection = lk_test_create_dialog_get_task_check (dialog, "Detections", "Close Detection");
  GtkCheckButton *view_detections = lk_test_create_dialog_get_task_check (dialog, "Detections", "List");
  LkPermissions expected = { { 0 } };

  g_assert_nonnull (upload);
  g_assert_nonnull (close_detection);
  g_assert_nonnull (view_detections);

  set_name (dialog, "Triage bot");
  /* A preset first (through its row): the tasks replace it. */
  gtk_widget_activate (DIALOG_CHILD (dialog, "preset_read_only_row"));
  {
    LkPermissions read_only = { { 0 } };

    lk_preset_apply (LK_PRESET_READ_ONLY, &read_only);
    g_assert_true (lk_permissions_equal (lk_permission_grid_get_permissions (grid_of (dialog)), &read_only));
  }
  gtk_check_button_set_active (upload, TRUE);
  gtk_check_button_set_active (view_detections, TRUE);
  gtk_check_button_set_active (close_detection, TRUE);
  gtk_check_button_set_active (view_detections, FALSE);
  adw_expander_row_set_expanded (DIALOG_CHILD (dialog, "task_row"), TRUE);
  save_extra_screenshot (GTK_WIDGET (dialog), "tasks.png");

  lk_permissions_set (&expected, LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_WRITE);
  lk_permissions_set (&expected, LK_CATEGORY_DETECTIONS, LK_ACCESS_WRITE);
  g_assert_true (lk_permissions_equal (lk_permission_grid_get_permissions (grid_of (dialog)), &expected));

  create_through_dialog (dialog);
  check_created_as_shown (dialog, "Triage bot", &expected);
  close_dialog (dialog);
}

static void
test_empty_needs_confirmation (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  GtkCheckButton *confirm = DIALOG_CHILD (dialog, "confirm_all_check");
  GtkWidget *empty_box = DIALOG_CHILD (dialog, "empty_box");
  GtkLabel *empty_label = DIALOG_CHILD (dialog, "empty_label");
  g_autoptr(LkApiKey) on_platform = NULL;

  set_name (dialog, "Everything key");
  g_assert_true (gtk_widget_get_visible (empty_box));
  g_assert_cmpstr (gtk_label_get_text (empty_label), ==,
                   "Not selecting any permissions will create an API key with all permissions enabled.");
  g_assert_false (next_sensitive (dialog));
  save_extra_screenshot (GTK_WIDGET (dialog), "empty.png");

  gtk_check_button_set_active (confirm, TRUE);
  g_assert_true (next_sensitive (dialog));

  /* Choosing something drops the confirmation; clearing asks again. */
  gtk_check_button_set_active (lk_test_permission_grid_get_toggle (grid_of (dialog), LK_CATEGORY_USERS, LK_ACCESS_READ), TRUE);
  g_assert_false (gtk_widget_get_visible (empty_box));
  g_assert_true (next_sensitive (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.clear", NULL);
  g_assert_true (gtk_widget_get_visible (empty_box));
  g_assert_false (gtk_check_button_get_active (confirm));
  g_assert_false (next_sensitive (dialog));

  /* All toggles all three; the three make All active. */
  {
    LkPermissionGrid *grid = grid_of (dialog);

    gtk_check_button_set_active (lk_test_permission_grid_get_toggle (grid, LK_CATEGORY_API_KEYS, LK_ACCESS_ALL), TRUE);
    g_assert_cmpint (lk_permissions_get (lk_permission_grid_get_permissions (grid), LK_CATEGORY_API_KEYS), ==, LK_ACCESS_ALL);
    gtk_check_button_set_active (lk_test_permission_grid_get_toggle (grid, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE), FALSE);
    g_assert_false (gtk_check_button_get_active (lk_test_permission_grid_get_toggle (grid, LK_CATEGORY_API_KEYS, LK_ACCESS_ALL)));
    gtk_check_button_set_active (lk_test_permission_grid_get_toggle (grid, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE), TRUE);
    g_assert_true (gtk_check_button_get_active (lk_test_permission_grid_get_toggle (grid, LK_CATEGORY_API_KEYS, LK_ACCESS_ALL)));
    gtk_check_button_set_active (lk_test_permission_grid_get_toggle (grid, LK_CATEGORY_API_KEYS, LK_ACCESS_ALL), FALSE);
    g_assert_true (lk_permissions_is_empty (lk_permission_grid_get_permissions (grid)));
  }

  gtk_check_button_set_active (confirm, TRUE);
  /* The summary says what the platform will grant. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (DIALOG_CHILD (dialog, "summary_permissions_row")), "All permissions"));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.back", NULL);
  g_assert_true (gtk_check_button_get_active (confirm));
  create_through_dialog (dialog);
  on_platform = lk_simulator_find_key_by_name (sim, "Everything key");
  g_assert_nonnull (on_platform);
  g_assert_true (lk_permissions_is_all (lk_api_key_get_permissions (on_platform)));
  close_dialog (dialog);
}

/* ---- Create errors keep the form ---- */

/* Whether a label under @widget says @text. */
static gboolean
says (GtkWidget  *widget,
      const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (says (w, text))
      return TRUE;
  return FALSE;
}

/* Whether the dialog shows a toast saying @text (an error's message goes
 * to the inline labels only: too long for a toast). */
static gboolean
toast_says (LkCreateDialog *dialog,
            const char     *text)
{
  GtkWidget *overlay = DIALOG_CHILD (dialog, "toast_overlay");

  for (GtkWidget *w = gtk_widget_get_first_child (overlay); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (g_str_equal (G_OBJECT_TYPE_NAME (w), "AdwToastWidget") && says (w, text))
      return TRUE;
  return FALSE;
}

static gboolean
no_toast (gpointer data)
{
  GtkWidget *overlay = DIALOG_CHILD (LK_CREATE_DIALOG (data), "toast_overlay");

  for (GtkWidget *w = gtk_widget_get_first_child (overlay); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (g_str_equal (G_OBJECT_TYPE_NAME (w), "AdwToastWidget"))
      return FALSE;
  return TRUE;
}

static void
test_create_error_keeps_form (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  g_autoptr(LkApiKey) added = NULL;
  g_autofree char *added_secret = NULL;
  GtkLabel *summary_error = DIALOG_CHILD (dialog, "summary_error");

  lk_client_set_retry_policy (client, 1, 5);
  set_name (dialog, "Flaky key");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  /* ("Applied …" goes first: toasts show one at a time.) */
  g_assert_true (lk_test_wait_until (no_toast, dialog, WAIT_MS));

  /* A server error: back on the summary with the message. */
  lk_simulator_add_fault (sim, "POST", NULL, LK_SIM_FAULT_HTTP_500, 0, 0);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  create_on_summary (dialog);
  lk_simulator_clear_faults (sim);
  lk_test_spin (100);
  g_assert_cmpstr (page_of (dialog), ==, "summary");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (summary_error)));
  g_assert_cmpstr (gtk_label_get_text (summary_error), !=, "");
  g_assert_false (toast_says (dialog, gtk_label_get_text (summary_error)));
  g_assert_true (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "create_button")));

  /* The name got taken meanwhile: back on the form, said at the name. */
  added = lk_simulator_add_key (sim, "Flaky key", NULL, 0, &added_secret);
  create_on_summary (dialog);
  g_assert_cmpstr (page_of (dialog), ==, "form");
  g_assert_true (gtk_widget_get_visible (DIALOG_CHILD (dialog, "name_error")));
  g_assert_false (toast_says (dialog, gtk_label_get_text (DIALOG_CHILD (dialog, "name_error"))));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row"))), ==, "Flaky key");
  {
    LkPermissions read_only = { { 0 } };

    lk_preset_apply (LK_PRESET_READ_ONLY, &read_only);
    g_assert_true (lk_permissions_equal (lk_permission_grid_get_permissions (grid_of (dialog)), &read_only));
  }

  set_name (dialog, "Flaky key 2");
  create_through_dialog (dialog);
  close_dialog (dialog);
  lk_secret_free (g_steal_pointer (&added_secret));
}

static gboolean
shows_working_page (gpointer data)
{
  return g_strcmp0 (page_of (data), "working") == 0;
}

/* A slow platform: the summary says it is creating at once, and the
 * working page comes once the create has taken WORKING_PAGE_DELAY_MS. */
static void
test_create_slow (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  PageTimes times;
  gulong handler;
  guint n_keys;

  set_name (dialog, "Slow but sure");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  lk_simulator_add_fault (sim, "POST", NULL, LK_SIM_FAULT_LATENCY, 1500, 1);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  n_keys = lk_simulator_get_n_keys (sim);
  handler = start_create (dialog, &times);

  /* Back and Create do nothing meanwhile. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.create", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "summary");

  g_assert_true (lk_test_wait_until (shows_working_page, dialog, WAIT_MS));
  g_assert_cmpint (times.working_at, !=, 0);
  g_assert_true (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "working_spinner")));
  g_assert_true (gtk_widget_get_visible (DIALOG_CHILD (dialog, "cancel_button")));
  save_extra_screenshot (GTK_WIDGET (dialog), "working.png");

  finish_create (dialog, &times, handler);
  lk_simulator_clear_faults (sim);
  g_assert_cmpstr (page_of (dialog), ==, "secret");
  g_assert_cmpint (times.ended_at - times.created_at, >=, 1500 * 1000);
  g_assert_nonnull (lk_test_create_dialog_get_created (dialog));
  /* One key: the second Create sent nothing. */
  g_assert_cmpuint (lk_simulator_get_n_keys (sim), ==, n_keys + 1);
  g_assert_false (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "working_spinner")));
  close_dialog (dialog);
}

static void
test_create_cancel (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  PageTimes times;
  gulong handler;

  set_name (dialog, "Slow platform");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  lk_simulator_add_fault (sim, "POST", NULL, LK_SIM_FAULT_LATENCY, 2000, 1);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.next", NULL);
  /* Create is not offered twice while one is on its way. */
  handler = start_create (dialog, &times);
  g_assert_true (lk_test_wait_until (shows_working_page, dialog, WAIT_MS));
  g_assert_cmpint (times.working_at - times.created_at, >=, WORKING_PAGE_DELAY_MS * 1000);
  g_assert_false (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "create_button")));
  g_signal_handler_disconnect (DIALOG_CHILD (dialog, "stack"), handler);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.cancel", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "summary");
  g_assert_true (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "create_button")));
  g_assert_false (gtk_spinner_get_spinning (DIALOG_CHILD (dialog, "create_spinner")));
  g_assert_true (gtk_widget_is_sensitive (DIALOG_CHILD (dialog, "back_button")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (DIALOG_CHILD (dialog, "name_row"))), ==, "Slow platform");
  /* The late reply of the cancelled create changes nothing. */
  lk_test_spin (2500);
  g_assert_cmpstr (page_of (dialog), ==, "summary");
  g_assert_null (lk_test_create_dialog_get_created (dialog));
  lk_simulator_clear_faults (sim);

  close_dialog (dialog);
}

/* ---- The keyring failure path ---- */

static gboolean
widget_is_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

static gboolean
is_stored (gpointer data)
{
  LkCreatedKey *created = data;

  return created->stored;
}

static void
test_keyring_failure (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  LkSecretView *view = view_of (dialog);
  LkCreatedKey *created;

  lk_memory_store_set_failure (LK_MEMORY_STORE (store), LK_STORE_ERROR_LOCKED);
  set_name (dialog, "Locked keyring key");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  create_through_dialog (dialog);

  created = lk_test_create_dialog_get_created (dialog);
  g_assert_nonnull (created);
  g_assert_false (created->stored);
  g_assert_nonnull (created->store_error);
  g_assert_true (gtk_widget_get_visible (VIEW_CHILD (view, "failure_box")));
  g_assert_true (gtk_widget_get_visible (VIEW_CHILD (view, "retry_button")));
  g_assert_true (gtk_widget_get_visible (VIEW_CHILD (view, "save_button")));
  g_assert_cmpstr (gtk_label_get_text (VIEW_CHILD (view, "status_detail")), ==,
                   created->store_error->message);
  g_assert_false (lk_secret_view_get_secret_safe (view));

  /* Refused: by the window manager's close, by Escape, by Done. */
  gtk_window_close (GTK_WINDOW (dialog));
  lk_test_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (gtk_revealer_get_reveal_child (VIEW_CHILD (view, "keep_open_revealer")));
  save_extra_screenshot (GTK_WIDGET (dialog), "secret-failure.png");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.done", NULL);
  lk_test_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_nonnull (lk_test_create_dialog_get_created (dialog));

  /* Retry while still failing: still refused. */
  g_signal_emit_by_name (VIEW_CHILD (view, "retry_button"), "clicked");
  g_assert_true (lk_test_wait_until (widget_is_sensitive, VIEW_CHILD (view, "retry_button"), WAIT_MS));
  g_assert_false (created->stored);
  g_assert_false (lk_secret_view_get_secret_safe (view));

  /* The keyring is back: Retry stores it, and then the dialog closes. */
  lk_memory_store_set_failure (LK_MEMORY_STORE (store), -1);
  g_signal_emit_by_name (VIEW_CHILD (view, "retry_button"), "clicked");
  g_assert_true (lk_test_wait_until (is_stored, created, WAIT_MS));
  g_assert_cmpuint (lk_volatile_store_get_n_items (LK_VOLATILE_STORE (store)), ==, 1);
  g_assert_true (lk_secret_view_get_secret_safe (view));
  g_assert_nonnull (strstr (gtk_label_get_text (VIEW_CHILD (view, "status_label")), "Locked keyring key"));
  g_assert_false (gtk_widget_get_visible (VIEW_CHILD (view, "failure_box")));
  close_dialog (dialog);
}

static void
test_keyring_failure_saved_elsewhere (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  LkSecretView *view = view_of (dialog);

  lk_memory_store_set_failure (LK_MEMORY_STORE (store), LK_STORE_ERROR_NO_SERVICE);
  set_name (dialog, "Copied by hand");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  create_through_dialog (dialog);

  gtk_window_close (GTK_WINDOW (dialog));
  lk_test_spin (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  gtk_check_button_set_active (VIEW_CHILD (view, "saved_check"), TRUE);
  g_assert_true (lk_secret_view_get_secret_safe (view));
  close_dialog (dialog);
}

/* ---- Save to file ---- */

static void
test_save_to_file (void)
{
  g_autoptr(LkCredentialStore) store = lk_memory_store_new ();
  g_autoptr(LkClient) client = new_signed_in_client (store);
  LkCreateDialog *dialog = open_dialog (client);
  LkSecretView *view = view_of (dialog);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lk-save-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  LkCreatedKey *created;
  GStatBuf st;

  g_assert_no_error (error);
  lk_memory_store_set_failure (LK_MEMORY_STORE (store), LK_STORE_ERROR_TIMEOUT);
  set_name (dialog, "Saved to a file");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "create.preset", "i", LK_PRESET_READ_ONLY);
  create_through_dialog (dialog);
  created = lk_test_create_dialog_get_created (dialog);
  g_assert_false (lk_secret_view_get_secret_safe (view));

  /* An existing, world-readable file is replaced by a private one. */
  path = g_build_filename (dir, "key.env", NULL);
  g_assert_true (g_file_set_contents (path, "old\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  file = g_file_new_for_path (path);
  lk_secret_view_save_to_file_async (view, file, NULL, lk_test_store_result, &result);
  g_assert_true (lk_secret_view_save_to_file_finish (view, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  expected = g_strdup_printf ("HIDDENLAYER_CLIENT_ID=%s\nHIDDENLAYER_CLIENT_SECRET=%s\n",
                              lk_api_key_get_client_id (created->key), created->client_secret);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_true (lk_secret_view_get_secret_safe (view));
  lk_secret_free (g_steal_pointer (&contents));
  lk_secret_free (g_steal_pointer (&expected));
  g_unlink (path);

  /* A new file is private from the start. */
  lk_secret_view_save_to_file_async (view, file, NULL, lk_test_store_result, &result2);
  g_assert_true (lk_secret_view_save_to_file_finish (view, lk_test_wait_result (&result2, WAIT_MS), &error));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Saved: the dialog may close now. */
  g_assert_true (lk_secret_view_get_secret_safe (view));
  g_assert_nonnull (strstr (gtk_label_get_text (VIEW_CHILD (view, "status_label")), "key.env"));
  close_dialog (dialog);

  g_unlink (path);
  g_rmdir (dir);
}

/* ---- The clipboard ---- */

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

/* The clipboard's text, or NULL when it holds none. */
static char *
read_clipboard_at (GtkWidget *widget,
                   int        line)
{
  ReadText read = { FALSE, NULL };

  g_test_message ("reading the clipboard (line %d)", line);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_read_text, &read);
  g_assert_true (lk_test_wait_for_flag (&read.done, 5000));
  return read.text;
}

#define read_clipboard(w) read_clipboard_at ((w), __LINE__)

static gboolean
clipboard_released (gpointer data)
{
  return !lk_clipboard_holds_secret ();
}

static void
test_clipboard (void)
{
  const char *secret = "s3cr3t-for-the-clipboard-test";
  g_autoptr(LkApiKey) key = lk_api_key_new ("key-1", "Clipboard key", "client-1234",
                                            NULL, 0, 0, NULL);
  g_autoptr(LkCreatedKey) created = lk_created_key_new (key, secret);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  LkSecretView *view = LK_SECRET_VIEW (lk_secret_view_new ());
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  g_autofree char *id_text = NULL;

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  lk_secret_view_set_created (view, NULL, created);
  lk_test_spin (50);

  /* The client ID is not a secret: no clearing. */
  g_signal_emit_by_name (VIEW_CHILD (view, "copy_id_button"), "clicked");
  id_text = read_clipboard (GTK_WIDGET (view));
  g_assert_cmpstr (id_text, ==, "client-1234");
  g_assert_false (lk_clipboard_holds_secret ());

  lk_secret_view_set_clear_seconds (view, 1);
  g_signal_emit_by_name (VIEW_CHILD (view, "copy_secret_button"), "clicked");
  g_assert_true (lk_clipboard_holds_secret ());
  text = read_clipboard (GTK_WIDGET (view));
  g_assert_cmpstr (text, ==, secret);

  /* Cleared after the delay. */
  g_assert_true (lk_test_wait_until (clipboard_released, NULL, 5000));
  after = read_clipboard (GTK_WIDGET (view));
  g_assert_true (after == NULL || g_strcmp0 (after, secret) != 0);
  g_clear_pointer (&after, g_free);
  /* Let the X server's news of that clear arrive before the next copy:
   * GDK takes a stale "owner changed" for someone else's copy. */
  lk_test_spin (300);

  /* Something copied afterwards is not ours to clear. */
  g_signal_emit_by_name (VIEW_CHILD (view, "copy_secret_button"), "clicked");
  /* Two claims of the X selection in one go race in GDK: let the
   * first one settle, as a person copying something else would. */
  lk_test_spin (300);
  g_assert_true (lk_clipboard_holds_secret ());
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (view)), "something else");
  g_assert_false (lk_clipboard_holds_secret ());
  lk_test_spin (1500);
  after = read_clipboard (GTK_WIDGET (view));
  g_assert_cmpstr (after, ==, "something else");
  g_clear_pointer (&after, g_free);
  lk_test_spin (300);

  /* On quit: lk_clipboard_clear_all takes it back at once. */
  lk_secret_view_set_clear_seconds (view, 600);
  g_signal_emit_by_name (VIEW_CHILD (view, "copy_secret_button"), "clicked");
  g_assert_true (lk_clipboard_holds_secret ());
  lk_test_spin (300);
  lk_clipboard_clear_all ();
  g_assert_false (lk_clipboard_holds_secret ());
  lk_test_spin (300);
  after = read_clipboard (GTK_WIDGET (view));
  g_assert_true (after == NULL || g_strcmp0 (after, secret) != 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkApiKey) existing = NULL;
  g_autofree char *existing_secret = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!lk_test_have_secret_service () || g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring and X server)");
      return g_test_run ();
    }

  gtk_init ();
  adw_init ();
  /* Pulls the resources (and their registration) into the test. */
  g_assert_nonnull (lk_ui_get_resource ());

  sim = lk_simulator_new ();
  if (!lk_simulator_start (sim, 0, NULL, &error))
    g_error ("simulator: %s", error->message);
  platform = lk_simulator_get_platform (sim);
  existing = lk_simulator_add_key (sim, EXISTING_NAME, NULL, 0, &existing_secret);

  g_test_add_func ("/lk/ui-create/name-validation", test_name_validation);
  g_test_add_func ("/lk/ui-create/create/preset", test_create_with_preset);
  g_test_add_func ("/lk/ui-create/create/tasks", test_create_with_tasks);
  g_test_add_func ("/lk/ui-create/create/empty-needs-confirmation", test_empty_needs_confirmation);
  g_test_add_func ("/lk/ui-create/create/errors-keep-form", test_create_error_keeps_form);
  g_test_add_func ("/lk/ui-create/create/slow", test_create_slow);
  g_test_add_func ("/lk/ui-create/create/cancel", test_create_cancel);
  g_test_add_func ("/lk/ui-create/keyring/failure-retry", test_keyring_failure);
  g_test_add_func ("/lk/ui-create/keyring/failure-saved-elsewhere", test_keyring_failure_saved_elsewhere);
  g_test_add_func ("/lk/ui-create/keyring/save-to-file", test_save_to_file);
  g_test_add_func ("/lk/ui-create/clipboard", test_clipboard);

  ret = g_test_run ();

  lk_secret_free (g_steal_pointer (&existing_secret));
  g_clear_pointer (&platform, lk_platform_unref);
  lk_simulator_stop (sim);
  g_clear_object (&sim);
  return ret;
}
