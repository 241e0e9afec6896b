/* layer-keys-bench.c: Layer Keys with the benchmark probe attached
 *
 * The application of `layer-keys`, unchanged (the same ui library, the
 * same start), plus the probe of lk-bench-probe.c attached to each
 * window it opens, so that build-aux/bench can time the first frame
 * that shows the list and the frames of a scroll through it, or the
 * create dialog's driver of lk-bench-create.c (LK_BENCH_WATCH=create).  The
 * shipped binary carries no probe and reads no LK_BENCH_* variable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-bench"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lk-bench-create.h"
#include "lk-bench-probe.h"
#include "lk-sign-in-page.h"
#include "lk-window.h"

/* The first GtkListView inside @widget. */
static GtkListView *
find_list_view (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget))
    return GTK_LIST_VIEW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListView *found = find_list_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* LK_BENCH_WATCH=sign-in-error (issue 19, the platform unreachable): the
 * probe's model gets one item when the sign-in page's error is mapped,
 * so the probe records the first frame painted with the error on screen.
 * Its text goes to standard error, for build-aux/bench to check. */
static void
on_sign_in_error_mapped (GtkWidget *error_box,
                         gpointer   user_data)
{
  GListStore *shown = user_data;
  GtkWidget *page = gtk_widget_get_ancestor (error_box, LK_TYPE_SIGN_IN_PAGE);
  GObject *heading = gtk_widget_get_template_child (page, LK_TYPE_SIGN_IN_PAGE, "error_heading");
  GObject *body = gtk_widget_get_template_child (page, LK_TYPE_SIGN_IN_PAGE, "error_body");

  g_printerr ("sign-in-error: %s | %s\n",
              gtk_label_get_text (GTK_LABEL (heading)), gtk_label_get_text (GTK_LABEL (body)));
  if (g_list_model_get_n_items (G_LIST_MODEL (shown)) == 0)
    g_list_store_append (shown, error_box);
}

static void
watch_sign_in_error (GtkWindow *window)
{
  g_autoptr (GListStore) shown = g_list_store_new (GTK_TYPE_WIDGET);
  GObject *page = gtk_widget_get_template_child (GTK_WIDGET (window), LK_TYPE_WINDOW, "sign_in_page");
  GObject *error_box;

  if (page == NULL)
    g_error ("The window has no sign-in page for the probe to watch");
  error_box = gtk_widget_get_template_child (GTK_WIDGET (page), LK_TYPE_SIGN_IN_PAGE, "error_box");
  g_signal_connect_data (error_box, "map", G_CALLBACK (on_sign_in_error_mapped),
                         g_object_ref (shown), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  lk_bench_probe_attach (window, G_LIST_MODEL (shown), NULL);
}

/* Each window, as soon as the application has it (before it is shown):
 * the list is populated once the model of the keys view's list holds
 * the keys. */
static void
on_window_added (GtkApplication *application,
                 GtkWindow      *window,
                 gpointer        user_data)
{
  LkKeysView *keys_view;
  GtkListView *list_view = NULL;
  GtkWidget *scroller;

  if (!LK_IS_WINDOW (window))
    return;

  if (g_strcmp0 (g_getenv ("LK_BENCH_WATCH"), "sign-in-error") == 0)
    {
      watch_sign_in_error (window);
      return;
    }

  /* (The window builds its keys view when it signs in; this builds it
   * a little earlier, during the same start, to watch its list.) */
  keys_view = lk_window_get_keys_view (LK_WINDOW (window));
  if (keys_view != NULL)
    list_view = find_list_view (GTK_WIDGET (keys_view));
  if (list_view == NULL)
    g_error ("The window has no list of keys for the probe to watch");

  /* LK_BENCH_WATCH=create (issue 19): the create dialog, driven and
   * timed by lk-bench-create.c instead of the first-frame probe. */
  if (g_strcmp0 (g_getenv ("LK_BENCH_WATCH"), "create") == 0)
    {
      lk_bench_create_attach (window, G_LIST_MODEL (gtk_list_view_get_model (list_view)));
      return;
    }

  scroller = gtk_widget_get_ancestor (GTK_WIDGET (list_view), GTK_TYPE_SCROLLED_WINDOW);
  lk_bench_probe_attach (window,
                         G_LIST_MODEL (gtk_list_view_get_model (list_view)),
                         scroller ? GTK_SCROLLED_WINDOW (scroller) : NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (LkApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = lk_application_new ();
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
