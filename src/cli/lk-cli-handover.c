/* lk-cli-handover.c: running layer-keys-cli-platform in our place
 *
 * The commands that talk to the platform live in layer-keys-cli-platform
 * (lk-cli.h says why).  It is installed in libexecdir, and found from
 * where this program is: the directory of /proc/self/exe, then the
 * relative path from bindir to libexecdir that meson computed
 * (LK_CLI_PLATFORM_RELATIVE, "../libexec" by default).  The build tree
 * has the two programs at the same relative places, so an uninstalled
 * layer-keys-cli runs the platform program built beside it.  Only when
 * /proc/self/exe cannot be read is the configured libexecdir used.
 * Nothing from the environment chooses the program.
 *
 * The process is replaced (execv), so the exit status, the output and
 * the error messages are the platform program's.  The admin's secret
 * is still in the environment for it (this program leaves it there for
 * those commands); the core limit is given back so that it hardens itself
 * from the caller's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-handover"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "lk-cli.h"

/* Where the platform program is, seen from this program. */
static char *
platform_program_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (self == NULL || !g_path_is_absolute (self))
    return g_build_filename (LK_CLI_LIBEXECDIR, LK_CLI_PLATFORM_PROGRAM, NULL);

  dir = g_path_get_dirname (self);
  path = g_build_filename (dir, LK_CLI_PLATFORM_RELATIVE, LK_CLI_PLATFORM_PROGRAM, NULL);
  /* "bin/../libexec" as "libexec", for the message when it is missing */
  return g_canonicalize_filename (path, NULL);
}

int
lk_cli_hand_over (char   **argv,
                  GError **error)
{
  g_autofree char *path = platform_program_path ();
  int saved_errno;

  lk_cli_restore_core_limit ();
  fflush (stdout);
  fflush (stderr);
  execv (path, argv);

  saved_errno = errno;
  lk_cli_harden ();
  g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
               /* Translators: %s is a program's path, then the reason; the
                * program runs the commands that talk to the platform */
               _("Could not run %s, which runs the commands that talk to the platform: %s. Is Layer Keys installed completely?"),
               path, g_strerror (saved_errno));
  return LK_CLI_EXIT_FAILED;
}
