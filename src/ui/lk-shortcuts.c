/* lk-shortcuts.c: the keyboard shortcuts window, opened on demand
 *
 * Built from lk-shortcuts-window.ui when win.show-help-overlay runs and
 * destroyed when it closes.  Not the usual gtk/help-overlay.ui that
 * GtkApplication loads into every window: that one is a GtkWindow created
 * hidden with each main window and kept, hidden, for the window's life.
 *
 * A hidden toplevel crashes the app under a screen reader with GTK 4.8
 * (issue 13).  The accessibility root answers GetChildAtIndex with the
 * index-th visible toplevel, but an index past the visible ones falls
 * through to the last toplevel of all, visible or not
 * (gtk/a11y/gtkatspiroot.c, handle_accessible_method, "GetChildAtIndex").
 * A window never shown has no AT-SPI path, so GTK builds an object path
 * from NULL and dies in g_variant_new ().  A reader asks for such an index
 * whenever its count of windows is stale, say right after a dialog closed.
 * So the app keeps no hidden toplevel: every window it creates is shown at
 * once and destroyed, not hidden, when it closes.  test-a11y asks for that
 * index after every step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-shortcuts.h"

#define SHORTCUTS_KEY "lk-shortcuts-window"

static void
on_shortcuts_destroy (GtkWindow *shortcuts,
                      GtkWindow *parent)
{
  if (g_object_get_data (G_OBJECT (parent), SHORTCUTS_KEY) == shortcuts)
    g_object_set_data (G_OBJECT (parent), SHORTCUTS_KEY, NULL);
}

/* Opens the parent's shortcuts window, or raises it if it is open. */
void
lk_shortcuts_show (GtkWindow *parent)
{
  g_autoptr (GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  g_return_if_fail (GTK_IS_WINDOW (parent));

  shortcuts = g_object_get_data (G_OBJECT (parent), SHORTCUTS_KEY);
  if (shortcuts == NULL)
    {
      builder = gtk_builder_new_from_resource ("/io/github/layerkeys/LayerKeys/lk-shortcuts-window.ui");
      shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_window_set_transient_for (shortcuts, parent);
      /* Closing destroys it (the default): no hidden toplevel stays. */
      gtk_window_set_hide_on_close (shortcuts, FALSE);
      g_object_set_data (G_OBJECT (parent), SHORTCUTS_KEY, shortcuts);
      g_signal_connect_object (shortcuts, "destroy",
                               G_CALLBACK (on_shortcuts_destroy), parent, 0);
    }

  gtk_window_present (shortcuts);
}
