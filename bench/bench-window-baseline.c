/* bench-window-baseline.c: the smallest GTK 4 + libadwaita window
 *
 * The baseline of "time to a populated window" and of peak memory: an
 * AdwApplication with one AdwApplicationWindow holding a label.  It
 * records its first frame with the same probe as Layer Keys
 * (LK_BENCH_FIRST_FRAME=FILE), then quits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

#include "lk-bench-probe.h"

static void
on_activate (GtkApplication *application)
{
  GtkWidget *window = adw_application_window_new (application);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Layer Keys benchmark baseline"));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);

  lk_bench_probe_attach (GTK_WINDOW (window), NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AdwApplication) application = NULL;

  application = adw_application_new ("io.github.layerkeys.LayerKeys.BenchBaseline",
                                     G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (on_activate), NULL);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
