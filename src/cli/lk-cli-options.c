/* lk-cli-options.c: the command line of layer-keys-cli
 *
 * "layer-keys-cli [OPTION…] COMMAND [ARGUMENT…] [-- COMMAND…]": global
 * options may come before or after the command word; everything after
 * the first "--" belongs to the child of exec.  A secret is never taken
 * from an argument: other users can read those in the process list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-options"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "lk-cli.h"

G_DEFINE_QUARK (lk-cli-error-quark, lk_cli_error)

/* Options (global and of any command) whose value is the next argument,
 * so that it is not taken for the command word. */
static const char * const options_with_value[] = {
  "--account", "--platform", "--token-url", "--ca-file", "--client-id",
  "--preset", "--permission", "--expires", "--format",
};

/* What people type when they try to give the secret itself. */
static const char * const secret_options[] = {
  "--client-secret", "--client_secret", "--secret", "--password",
};

static gboolean
takes_value (const char *arg)
{
  for (guint i = 0; i < G_N_ELEMENTS (options_with_value); i++)
    if (g_str_equal (arg, options_with_value[i]))
      return TRUE;

  return FALSE;
}

int
lk_cli_find_command (int    argc,
                     char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        return 0;
      if (argv[i][0] == '-')
        {
          if (takes_value (argv[i]))
            i++;
          continue;
        }
      return i;
    }

  return 0;
}

static void
wipe_argument (char *arg)
{
  if (arg != NULL)
    memset (arg, 'x', strlen (arg));
}

gboolean
lk_cli_refuse_secret_arguments (int      argc,
                                char   **argv,
                                GError **error)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;

      for (guint j = 0; j < G_N_ELEMENTS (secret_options); j++)
        {
          const char *option = secret_options[j];
          gsize length = strlen (option);

          if (strncmp (argv[i], option, length) != 0 ||
              (argv[i][length] != '\0' && argv[i][length] != '='))
            continue;

          /* It is in the process list already; at least not for long. */
          if (argv[i][length] == '=')
            wipe_argument (argv[i] + length + 1);
          else if (i + 1 < argc)
            wipe_argument (argv[i + 1]);

          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                       /* Translators: %s is an option such as --client-secret */
                       _("%s is refused: a secret given as an argument can be read by every user of this computer in the process list. Set LAYER_KEYS_CLIENT_SECRET or use --secret-stdin."),
                       option);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
lk_cli_parse (LkCli               *cli,
              LkCliArgs           *args,
              const GOptionEntry  *entries,
              const char          *parameter_string,
              const char          *summary,
              char              ***out_positional,
              GError             **error)
{
  const GOptionEntry global_entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &cli->account,
      N_("Use the remembered account of this client ID"), N_("CLIENT_ID") },
    { "platform", 0, 0, G_OPTION_ARG_STRING, &cli->platform,
      N_("The platform: us, eu, or the API URL of a self-hosted one"), N_("us|eu|URL") },
    { "token-url", 0, 0, G_OPTION_ARG_STRING, &cli->token_url,
      N_("The token endpoint of a --platform URL (default: URL/oauth2/token)"), N_("URL") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &cli->ca_file,
      N_("The certificate authority of a --platform URL (PEM)"), N_("FILE") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &cli->client_id,
      N_("Sign in with this client ID; its secret comes from LAYER_KEYS_CLIENT_SECRET or --secret-stdin"), N_("ID") },
    { "secret-stdin", 0, 0, G_OPTION_ARG_NONE, &cli->secret_stdin,
      N_("Read the secret of --client-id from standard input"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };
  g_autofree char *parameters = g_strconcat (args->command, " ", parameter_string, NULL);
  g_autoptr (GOptionContext) context = g_option_context_new (parameters);
  g_auto (GStrv) argv = g_strdupv (args->argv);
  GPtrArray *positional;

  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
                                    _("Exit status: 0 done, 1 failed, 2 usage error, 3 no such key or account.\nSee layer-keys-cli(1)."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, &argv, error))
    {
      if (error != NULL && *error != NULL && (*error)->domain == G_OPTION_ERROR)
        {
          g_autofree char *message = g_strdup ((*error)->message);

          g_clear_error (error);
          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                       /* Translators: %s says what is wrong with an option;
                        * the second %s is a command such as "list" */
                       _("%s (see “layer-keys-cli %s --help”)"), message, args->command);
        }
      return FALSE;
    }

  positional = g_ptr_array_new ();
  for (guint i = 1; argv[i] != NULL; i++)
    {
      if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          g_autofree char *printable = lk_cli_printable (argv[i]);

          g_ptr_array_free (positional, TRUE);
          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                       /* Translators: the first %s is the unknown option, the second the
                        * command it was given to */
                       _("Unknown option %s (see “layer-keys-cli %s --help”)"),
                       printable, args->command);
          return FALSE;
        }
      g_ptr_array_add (positional, g_strdup (argv[i]));
    }
  /* After "--", arguments are arguments even if they begin with "-" (a
   * key named "-x"); for exec they are the command instead. */
  if (!g_str_equal (args->command, "exec"))
    for (guint i = 0; args->rest != NULL && args->rest[i] != NULL; i++)
      g_ptr_array_add (positional, g_strdup (args->rest[i]));
  g_ptr_array_add (positional, NULL);
  *out_positional = (char **) g_ptr_array_free (positional, FALSE);

  return TRUE;
}

/* Only options that are not commands: "layer-keys-cli --help" and
 * "--version", or nothing at all. */
int
lk_cli_run_without_command (int    argc,
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
void
lk_cli_split_arguments (int         argc,
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

GError *
lk_cli_unknown_command_error (const char *word)
{
  g_autofree char *printable = lk_cli_printable (word);

  return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                      /* Translators: %s is what the user typed as a command */
                      _("There is no command “%s”. Run “layer-keys-cli --help” for the list."),
                      printable);
}

void
lk_cli_print_overview (FILE *stream)
{
  g_autoptr (GString) text = g_string_new (NULL);

  /* Translators: %s is the program's name, layer-keys-cli */
  g_string_append_printf (text, _("Usage: %s [OPTION…] COMMAND [ARGUMENT…]\n"), LK_CLI_PROGRAM);
  g_string_append (text, "\n");
  g_string_append (text, _("Hands the API keys that Layer Keys stored in your keyring to scripts and CI,\n"
                           "and manages the keys of a HiddenLayer tenant.\n"));
  g_string_append (text, "\n");
  g_string_append (text, _("Commands:\n"));
  g_string_append (text, _("  accounts                     The accounts remembered in the keyring\n"));
  g_string_append (text, _("  list [--stored]              The tenant’s keys; --stored: the keys whose secrets\n"
                           "                               are in this keyring, without the network\n"));
  g_string_append (text, _("  create NAME [OPTION…]        Create a key and store its secret in the keyring\n"));
  g_string_append (text, _("  delete KEY…                  Delete keys, and their keyring items\n"));
  g_string_append (text, _("  rotate KEY [--delete-old WHEN]  Replace a key with a verified successor\n"));
  g_string_append (text, _("  env KEY [--format FORMAT]    Print a stored key’s variables for sh, fish or dotenv\n"));
  g_string_append (text, _("  exec KEY -- COMMAND [ARG…]   Run COMMAND with a stored key in its environment only\n"));
  g_string_append (text, _("  token KEY                    Print a fresh access token for a stored key\n"));
  g_string_append (text, "\n");
  g_string_append (text, _("KEY is a key’s name, key ID or client ID.\n"));
  g_string_append (text, "\n");
  g_string_append (text, _("Options of every command:\n"));
  g_string_append (text, _("  --account CLIENT_ID          A remembered account (default: the one Layer Keys\n"
                           "                               last signed in with)\n"));
  g_string_append (text, _("  --platform us|eu|URL         The platform (for env, exec and token: only keys\n"
                           "                               stored for it)\n"));
  g_string_append (text, _("  --token-url URL              The token endpoint of a platform URL\n"));
  g_string_append (text, _("  --ca-file FILE               The certificate authority of a platform URL\n"));
  g_string_append (text, _("  --client-id ID               Sign in with this client ID (and --platform); the\n"
                           "                               secret comes from LAYER_KEYS_CLIENT_SECRET or,\n"
                           "                               with --secret-stdin, from standard input\n"));
  g_string_append (text, _("  --json                       Machine-readable output\n"));
  g_string_append (text, "\n");
  g_string_append (text, _("Exit status: 0 done, 1 failed, 2 usage error, 3 no such key or account.\n"));
  g_string_append (text, _("“layer-keys-cli COMMAND --help” lists a command’s options; see layer-keys-cli(1).\n"));

  fputs (text->str, stream);
}
