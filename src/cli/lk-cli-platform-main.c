/* lk-cli-platform-main.c: layer-keys-cli-platform, the commands of
 * layer-keys-cli that talk to the platform
 *
 * layer-keys-cli runs the keyring-only commands itself and executes this
 * program, with the same arguments, for the others (list without
 * --stored, create, delete, rotate, token), so that it need not load
 * libsoup and what comes with it (lk-cli.h).  This program can run every
 * command, and answers as layer-keys-cli does: same messages, same exit
 * statuses.
 *
 * main() makes the process safe to hold secrets, takes the admin secret
 * out of the environment, refuses a secret given as an argument, finds the
 * command and runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "lk-cli-platform.h"
#include "lk-state-file.h"

typedef int (*LkCliCommandFunc) (LkCli      *cli,
                                 LkCliArgs  *args,
                                 GError    **error);

static const struct {
  const char       *name;
  LkCliCommandFunc  run;
} commands[] = {
  { "accounts", lk_cli_cmd_accounts },
  { "list", lk_cli_cmd_list },
  { "create", lk_cli_cmd_create },
  { "delete", lk_cli_cmd_delete },
  { "rotate", lk_cli_cmd_rotate },
  { "env", lk_cli_cmd_env },
  { "exec", lk_cli_cmd_exec },
  { "token", lk_cli_cmd_token },
};

static LkCliCommandFunc
lookup_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return commands[i].run;

  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  LkCli cli = { 0 };
  LkCliArgs args = { 0 };
  LkCliCommandFunc run;
  int command_index;
  int status;

  /* First of all: this process is about to hold secrets. */
  lk_cli_harden ();
  cli.env_secret = lk_cli_take_env_secret ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname (LK_CLI_PROGRAM);

  if (!lk_cli_refuse_secret_arguments (argc, argv, &error))
    {
      lk_cli_print_error (error);
      lk_cli_clear (&cli);
      return lk_cli_exit_status (error);
    }

  command_index = lk_cli_find_command (argc, argv);
  if (command_index == 0)
    {
      lk_cli_clear (&cli);
      return lk_cli_run_without_command (argc, argv);
    }

  if (g_str_equal (argv[command_index], "help"))
    {
      lk_cli_print_overview (stdout);
      lk_cli_clear (&cli);
      return LK_CLI_EXIT_OK;
    }

  run = lookup_command (argv[command_index]);
  if (run == NULL)
    {
      error = lk_cli_unknown_command_error (argv[command_index]);
      lk_cli_print_error (error);
      lk_cli_clear (&cli);
      return LK_CLI_EXIT_USAGE;
    }

  lk_cli_split_arguments (argc, argv, command_index, &args);
  status = run (&cli, &args, &error);
  if (error != NULL)
    {
      lk_cli_print_error (error);
      /* The error decides, except for exec's 126 and 127. */
      if (status <= LK_CLI_EXIT_NO_SUCH)
        status = lk_cli_exit_status (error);
    }

  g_strfreev (args.argv);
  g_strfreev (args.rest);
  lk_cli_clear (&cli);

  /* A state write the command started (a settled create forgotten) ends
   * before the process does. */
  lk_state_file_wait_pending ();
  return status;
}
