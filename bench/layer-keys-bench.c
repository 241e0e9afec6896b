/* layer-keys-bench.c: Layer Keys with the benchmark probe attached
 *
 * The application of `layer-keys`, unchanged (the same ui library, the
 * same start), plus the probe of lk-bench-probe.c attached to each
 * window it opens, so that build-aux/bench can time the first frame
 * that shows the list and the frames of a scroll through it.  The
 * shipped binary carries no probe and reads no LK_BENCH_* variable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-bench"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lk-bench-probe.h"
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

/* Each window, as soon as the application has it (before it is shown):
 * the list is populated once the model of the keys view's list holds
 * the keys. */
static void
on_window_added (GtkApplication *application,
                 GtkWindow      *window,
                 gpointer        user_data)
{
  GObject *keys_view;
  GtkListView *list_view = NULL;
  GtkWidget *scroller;

  if (!LK_IS_WINDOW (window))
    return;

  keys_view = gtk_widget_get_template_child (GTK_WIDGET (window), LK_TYPE_WINDOW, "keys_view");
  if (keys_view != NULL)
    list_view = find_list_view (GTK_WIDGET (keys_view));
  if (list_view == NULL)
    g_error ("The window has no list of keys for the probe to watch");

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
