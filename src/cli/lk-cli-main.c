/* lk-cli-main.c: layer-keys-cli, the command-line companion of Layer Keys
 *
 * Hands the secrets Layer Keys stores to scripts and CI: to one child
 * process (exec), as export lines (env) or as a fresh access token
 * (token), and manages the tenant's keys (list, create, delete) as the app
 * does, built on src/core without GTK.
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

#include "lk-cli.h"
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

void
lk_cli_clear (LkCli *cli)
{
  g_clear_pointer (&cli->account, g_free);
  g_clear_pointer (&cli->platform, g_free);
  g_clear_pointer (&cli->token_url, g_free);
  g_clear_pointer (&cli->ca_file, g_free);
  g_clear_pointer (&cli->client_id, g_free);
  g_clear_pointer (&cli->env_secret, lk_secret_free);
  g_clear_object (&cli->settings);
  g_clear_object (&cli->store);
}

static LkCliCommandFunc
lookup_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return commands[i].run;

  return NULL;
}

/* Only options that are not commands: "layer-keys-cli --help" and
 * "--version", or nothing at all. */
static int
run_without_command (int    argc,
                     char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h") ||
          g_str_equal (argv[i], "-?"))
        {
          lk_cli_print_overview (stdout);
          return LK_CLI_EXIT_OK;
        }
      if (g_str_equal (argv[i], "--version"))
        {
          g_print ("%s %s\n", LK_CLI_PROGRAM, PACKAGE_VERSION);
          return LK_CLI_EXIT_OK;
        }
    }

  lk_cli_print_overview (stderr);
  return LK_CLI_EXIT_USAGE;
}

/* Splits @argv at the first "--": the part before (with the command
 * word at @command_index removed) goes to GOption, the part after is
 * the child command of exec. */
static void
split_arguments (int         argc,
                 char      **argv,
                 int         command_index,
                 LkCliArgs  *args)
{
  GPtrArray *before = g_ptr_array_new ();
  GPtrArray *after = g_ptr_array_new ();
  gboolean separated = FALSE;

  for (int i = 0; i < argc; i++)
    {
      if (i == command_index)
        continue;
      if (!separated && i > 0 && g_str_equal (argv[i], "--"))
        {
          separated = TRUE;
          continue;
        }
      g_ptr_array_add (separated ? after : before, g_strdup (argv[i]));
    }

  args->command = argv[command_index];
  args->argc = (int) before->len;
  g_ptr_array_add (before, NULL);
  args->argv = (char **) g_ptr_array_free (before, FALSE);
  if (separated)
    {
      g_ptr_array_add (after, NULL);
      args->rest = (char **) g_ptr_array_free (after, FALSE);
    }
  else
    {
      g_ptr_array_free (after, TRUE);
      args->rest = NULL;
    }
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
      return run_without_command (argc, argv);
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
      g_autofree char *printable = lk_cli_printable (argv[command_index]);

      g_set_error (&error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                   /* Translators: %s is what the user typed as a command */
                   _("There is no command “%s”. Run “layer-keys-cli --help” for the list."),
                   printable);
      lk_cli_print_error (error);
      lk_cli_clear (&cli);
      return LK_CLI_EXIT_USAGE;
    }

  split_arguments (argc, argv, command_index, &args);
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
