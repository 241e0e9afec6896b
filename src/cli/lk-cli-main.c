/* lk-cli-main.c: layer-keys-cli, the command-line companion of Layer Keys
 *
 * Hands the secrets Layer Keys stores to scripts and CI: to one child
 * process (exec), as export lines (env) or as a fresh access token
 * (token), and manages the tenant's keys (list, create, delete, rotate)
 * as the app does, built on src/core without GTK.
 *
 * This program runs the commands that need only the keyring (env, exec,
 * list --stored, accounts) and links nothing of the network, so that
 * `eval "$(layer-keys-cli env KEY)"` starts about as fast as secret-tool
 * (issue 19).  For the others it executes layer-keys-cli-platform in its
 * place, with the same arguments (lk-cli-handover.c); `list` is parsed
 * here first, to see whether it is --stored.
 *
 * main() makes the process safe to hold secrets, refuses a secret given
 * as an argument, finds the command, and either hands it over (the admin
 * secret still in the environment, for the platform program) or takes
 * the admin secret out of the environment (no child inherits it) and
 * runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "lk-cli.h"
#include "lk-secret.h"

typedef int (*LkCliCommandFunc) (LkCli      *cli,
                                 LkCliArgs  *args,
                                 GError    **error);

/* Run here ("list" too, with --stored). */
static const struct {
  const char       *name;
  LkCliCommandFunc  run;
} commands[] = {
  { "accounts", lk_cli_cmd_accounts },
  { "env", lk_cli_cmd_env },
  { "exec", lk_cli_cmd_exec },
};

/* Run by layer-keys-cli-platform ("list" too, without --stored). */
static const char * const platform_commands[] = {
  "create", "delete", "rotate", "token",
};

static LkCliCommandFunc
lookup_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return commands[i].run;

  return NULL;
}

static gboolean
is_platform_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (platform_commands); i++)
    if (g_str_equal (platform_commands[i], name))
      return TRUE;

  return FALSE;
}

/* A command run here needs no admin secret: out of the environment with
 * it, so that no child (exec's) inherits it. */
static void
drop_env_secret (void)
{
  g_autoptr (LkSecretString) secret = lk_cli_take_env_secret ();
}

/* `list`: --stored here, the tenant's list by the platform program. */
static int
run_list (LkCli      *cli,
          LkCliArgs  *args,
          char      **argv,
          GError    **error)
{
  gboolean stored = FALSE;

  if (!lk_cli_parse_list (cli, args, &stored, error))
    return LK_CLI_EXIT_USAGE;

  if (!stored)
    return lk_cli_hand_over (argv, error);

  drop_env_secret ();
  return lk_cli_list_stored (cli, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  LkCli cli = { 0 };
  LkCliArgs args = { 0 };
  LkCliCommandFunc run = NULL;
  const char *command;
  int command_index;
  int status;

  /* First of all: this process may be about to hold secrets. */
  lk_cli_harden ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname (LK_CLI_PROGRAM);

  if (!lk_cli_refuse_secret_arguments (argc, argv, &error))
    {
      drop_env_secret ();
      lk_cli_print_error (error);
      return lk_cli_exit_status (error);
    }

  command_index = lk_cli_find_command (argc, argv);
  if (command_index == 0)
    {
      drop_env_secret ();
      return lk_cli_run_without_command (argc, argv);
    }
  command = argv[command_index];

  if (g_str_equal (command, "help"))
    {
      drop_env_secret ();
      lk_cli_print_overview (stdout);
      return LK_CLI_EXIT_OK;
    }

  if (is_platform_command (command))
    {
      status = lk_cli_hand_over (argv, &error);
      drop_env_secret ();
      lk_cli_print_error (error);
      return status;
    }

  if (!g_str_equal (command, "list"))
    {
      run = lookup_command (command);
      if (run == NULL)
        {
          drop_env_secret ();
          error = lk_cli_unknown_command_error (command);
          lk_cli_print_error (error);
          return LK_CLI_EXIT_USAGE;
        }
    }

  lk_cli_split_arguments (argc, argv, command_index, &args);
  if (run == NULL)
    status = run_list (&cli, &args, argv, &error);
  else
    {
      drop_env_secret ();
      status = run (&cli, &args, &error);
    }
  if (error != NULL)
    {
      lk_cli_print_error (error);
      /* The error decides, except for exec's 126 and 127. */
      if (status <= LK_CLI_EXIT_NO_SUCH)
        status = lk_cli_exit_status (error);
    }

  /* Whatever happened, the secret leaves the environment before exit. */
  drop_env_secret ();
  g_strfreev (args.argv);
  g_strfreev (args.rest);
  lk_cli_clear (&cli);
  return status;
}
