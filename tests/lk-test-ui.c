/* lk-test-ui.c: helpers the tests of the window share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-test-ui"

#include "config.h"

#include <string.h>

#include "lk-error-banner.h"
#include "lk-test-ui.h"
#include "lk-test-util.h"

/* ---- The set-up ---- */

gboolean
lk_test_ui_setup (int            *argc,
                  char         ***argv,
                  LkApplication **app,
                  LkSimulator   **sim)
{
  g_autoptr (GError) error = NULL;

  g_test_init (argc, argv, NULL);

  if (!lk_test_have_secret_service () || g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs the private session of build-aux/dev (keyring and X server)");
      return FALSE;
    }

  gtk_init ();
  adw_init ();

  *sim = lk_simulator_new ();
  lk_simulator_seed (*sim, 0);
  if (!lk_simulator_start (*sim, 0, NULL, &error))
    g_error ("simulator: %s", error->message);

  *app = lk_application_new ();
  g_application_set_flags (G_APPLICATION (*app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (*app), NULL, &error))
    g_error ("register: %s", error->message);

  return TRUE;
}

int
lk_test_ui_run (LkApplication **app,
                LkSimulator   **sim)
{
  int ret = g_test_run ();

  g_clear_object (app);
  lk_simulator_stop (*sim);
  g_clear_object (sim);
  return ret;
}

/* ---- Windows ---- */

LkWindow *
lk_test_ui_new_window (LkApplication *app)
{
  LkWindow *win = lk_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (win), 1000, 700);
  gtk_window_present (GTK_WINDOW (win));
  return win;
}

void
lk_test_ui_close_window (LkWindow *win)
{
  g_object_ref (win);
  gtk_window_destroy (GTK_WINDOW (win));
  lk_test_spin (50);
  g_assert_finalize_object (win);
}

gpointer
lk_test_ui_find_dialog (LkWindow *win,
                        GType     type)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (win) &&
        gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

AdwMessageDialog *
lk_test_ui_find_message_dialog (LkWindow *win)
{
  return lk_test_ui_find_dialog (win, ADW_TYPE_MESSAGE_DIALOG);
}

gpointer
lk_test_ui_template_child (gpointer    widget,
                           GType       type,
                           const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (object == NULL)
    g_error ("%s has no template child “%s”", G_OBJECT_TYPE_NAME (widget), name);
  return object;
}

LkClient *
lk_test_ui_get_client (LkWindow *win)
{
  return lk_session_get_client (lk_window_get_session (win));
}

const char *
lk_test_ui_get_page (LkWindow *win)
{
  return gtk_stack_get_visible_child_name (lk_test_ui_template_child (win, LK_TYPE_WINDOW, "stack"));
}

typedef struct {
  LkWindow   *win;
  const char *text;
  GtkWidget  *dismissed;   /* compared only: it may be gone */
} WindowWait;

static gboolean
page_is (gpointer data)
{
  WindowWait *wait = data;

  return g_strcmp0 (lk_test_ui_get_page (wait->win), wait->text) == 0;
}

void
lk_test_ui_wait_for_page (LkWindow   *win,
                          const char *page)
{
  WindowWait wait = { win, page, NULL };

  if (!lk_test_wait_until (page_is, &wait, LK_TEST_UI_WAIT_MS))
    g_error ("the window shows page %s, not %s", lk_test_ui_get_page (win), page);
}

/* The toast shown: the last toast widget of the overlay (one that is
 * leaving may still be there, before it).  Its title is the label of its
 * first child; its last child is the button that dismisses it. */
static GtkWidget *
shown_toast (LkWindow *win)
{
  GtkWidget *overlay = lk_test_ui_template_child (win, LK_TYPE_WINDOW, "toast_overlay");

  for (GtkWidget *child = gtk_widget_get_last_child (overlay);
       child != NULL;
       child = gtk_widget_get_prev_sibling (child))
    if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
      return child;

  return NULL;
}

static GtkLabel *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label (child);

      if (label != NULL)
        return label;
    }

  return NULL;
}

const char *
lk_test_ui_get_toast (LkWindow *win)
{
  GtkWidget *toast = shown_toast (win);
  GtkLabel *title;

  if (toast == NULL)
    return NULL;

  title = find_label (gtk_widget_get_first_child (toast));
  g_assert_nonnull (title);
  return gtk_label_get_text (title);
}

const char *
lk_test_ui_get_error_banner (LkWindow *win)
{
  GtkWidget *overlay = lk_test_ui_template_child (win, LK_TYPE_WINDOW, "toast_overlay");
  GtkWidget *banner = gtk_widget_get_prev_sibling (overlay);

  /* The window puts it between the header bar and the pages. */
  g_assert_true (LK_IS_ERROR_BANNER (banner));
  if (!gtk_widget_get_visible (banner))
    return NULL;
  return lk_error_banner_get_message (LK_ERROR_BANNER (banner));
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
lk_test_ui_press_error_banner (LkWindow   *win,
                               const char *label)
{
  GtkWidget *overlay = lk_test_ui_template_child (win, LK_TYPE_WINDOW, "toast_overlay");
  GtkWidget *button = find_button (gtk_widget_get_prev_sibling (overlay), label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
banner_contains (gpointer data)
{
  WindowWait *wait = data;
  const char *text = lk_test_ui_get_error_banner (wait->win);

  return text != NULL && strstr (text, wait->text) != NULL;
}

void
lk_test_ui_wait_for_error_banner (LkWindow   *win,
                                  const char *text)
{
  WindowWait wait = { win, text, NULL };

  if (!lk_test_wait_until (banner_contains, &wait, LK_TEST_UI_WAIT_MS))
    g_error ("no error banner says “%s”; it says “%s”", text, lk_test_ui_get_error_banner (win));
}

static gboolean
toast_contains (gpointer data)
{
  WindowWait *wait = data;
  GtkWidget *toast = shown_toast (wait->win);
  const char *text = lk_test_ui_get_toast (wait->win);

  if (text == NULL)
    return FALSE;
  if (strstr (text, wait->text) != NULL)
    return TRUE;

  /* Another toast: dismiss it (once), so that the next one shows. */
  if (toast != wait->dismissed)
    {
      wait->dismissed = toast;
      g_signal_emit_by_name (gtk_widget_get_last_child (toast), "clicked");
    }
  return FALSE;
}

void
lk_test_ui_wait_for_toast (LkWindow   *win,
                           const char *text)
{
  WindowWait wait = { win, text, NULL };

  if (!lk_test_wait_until (toast_contains, &wait, LK_TEST_UI_WAIT_MS))
    g_error ("no toast says “%s”; the one shown says “%s”", text, lk_test_ui_get_toast (win));
}

const char *
lk_test_ui_get_sign_in_error (LkSignInPage *page)
{
  GtkWidget *box = lk_test_ui_template_child (page, LK_TYPE_SIGN_IN_PAGE, "error_box");

  if (!gtk_widget_get_visible (box))
    return NULL;

  return gtk_label_get_text (lk_test_ui_template_child (page, LK_TYPE_SIGN_IN_PAGE, "error_heading"));
}

GObject *
lk_test_ui_get_demo_simulator (LkWindow *win)
{
  GObject *simulator = NULL;

  g_object_get (lk_test_ui_template_child (win, LK_TYPE_WINDOW, "demo"), "simulator", &simulator, NULL);
  if (simulator != NULL)
    g_object_unref (simulator);   /* the demo keeps it */
  return simulator;
}
