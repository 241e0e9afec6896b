/* main.c: keeps secrets out of core files, sets up gettext, runs the application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-main"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lk-application.h"
#include "lk-secret.h"
#include "lk-state-file.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (LkApplication) app = NULL;
  int status;

  /* Before anything can hold a token or a secret: no core files. */
  lk_secret_protect_process ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = lk_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  /* The state writes the last operations started (a settled create
   * forgotten, a journal step) reach the disk before the process ends. */
  lk_state_file_wait_pending ();
  return status;
}
