/* lk-cli-env.c: a stored key for a program, from the keyring alone
 *
 * Five variables carry a key to HiddenLayer's tools: the SDKs read
 * HIDDENLAYER_CLIENT_ID, HIDDENLAYER_CLIENT_SECRET and
 * HIDDENLAYER_BASE_URL; the Model Scanner CLI and its GitHub Action read
 * HL_CLIENT_ID and HL_CLIENT_SECRET.
 *
 * `exec KEY -- COMMAND…` replaces this process with COMMAND, the
 * variables in its environment and nowhere else (as aws-vault exec and
 * op run do); its exit status is COMMAND's.  `env KEY` prints them for
 * sh, fish or a dotenv file, quoted so that any secret (quotes, $,
 * backslashes, newlines) comes back byte for byte.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-env"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lk-cli.h"
#include "lk-secret.h"

extern char **environ;

/* Shell conventions for a command that could not be run. */
#define EXIT_CANNOT_RUN   126
#define EXIT_NOT_FOUND    127

typedef enum {
  VALUE_CLIENT_ID,
  VALUE_CLIENT_SECRET,
  VALUE_BASE_URL,
} ValueKind;

static const struct {
  const char *name;
  ValueKind   value;
} variables[] = {
  { "HIDDENLAYER_CLIENT_ID", VALUE_CLIENT_ID },
  { "HIDDENLAYER_CLIENT_SECRET", VALUE_CLIENT_SECRET },
  { "HIDDENLAYER_BASE_URL", VALUE_BASE_URL },
  { "HL_CLIENT_ID", VALUE_CLIENT_ID },
  { "HL_CLIENT_SECRET", VALUE_CLIENT_SECRET },
};

static const char *
variable_value (guint           i,
                LkCliStoredKey *key,
                const char     *secret)
{
  switch (variables[i].value)
    {
    case VALUE_CLIENT_ID:
      return key->client_id;
    case VALUE_CLIENT_SECRET:
      return secret;
    case VALUE_BASE_URL:
    default:
      return key->platform;
    }
}

/* Appends @value between single quotes; each character of @escaped is
 * written as @escape_prefix followed by itself, except a single quote,
 * which becomes @quote. */
static void
append_single_quoted (GString    *out,
                      const char *value,
                      const char *quote,
                      gboolean    escape_backslash)
{
  g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (out, quote);
      else if (*p == '\\' && escape_backslash)
        g_string_append (out, "\\\\");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

void
lk_cli_append_assignment (GString     *out,
                          LkCliFormat  format,
                          const char  *name,
                          const char  *value)
{
  switch (format)
    {
    case LK_CLI_FORMAT_FISH:
      /* fish: inside '…' only \' and \\ are escapes; newlines are kept. */
      g_string_append_printf (out, "set -gx %s ", name);
      append_single_quoted (out, value, "\\'", TRUE);
      break;

    case LK_CLI_FORMAT_DOTENV:
      /* As python-dotenv takes a single-quoted value: \' and \\ are
       * escapes, newlines are kept. */
      g_string_append_printf (out, "%s=", name);
      append_single_quoted (out, value, "\\'", TRUE);
      break;

    case LK_CLI_FORMAT_SH:
    default:
      /* POSIX sh: nothing is special inside '…'; a quote ends it, is
       * escaped outside, and a new quoted part begins. */
      g_string_append_printf (out, "export %s=", name);
      append_single_quoted (out, value, "'\\''", FALSE);
      break;
    }

  g_string_append_c (out, '\n');
}

/* The stored key named on the command line, and its secret. */
static LkCliStoredKey *
resolve_with_secret (LkCli    *cli,
                     const char *ident,
                     char    **out_secret,
                     GError  **error)
{
  g_autoptr (LkPlatform) explicit = NULL;
  g_autoptr (LkCliStoredKey) key = NULL;
  g_autoptr (GError) local_error = NULL;

  explicit = lk_cli_explicit_platform (cli, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  key = lk_cli_resolve_stored (cli, ident, explicit != NULL ? lk_platform_get_id (explicit) : NULL,
                               TRUE, error);
  if (key == NULL)
    return NULL;

  *out_secret = lk_cli_stored_secret (cli, key, error);
  if (*out_secret == NULL)
    return NULL;

  return g_steal_pointer (&key);
}

int
lk_cli_cmd_env (LkCli      *cli,
                LkCliArgs  *args,
                GError    **error)
{
  g_autofree char *format_name = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name,
      N_("sh (export lines, the default), fish (set -gx lines) or dotenv (NAME='value' lines)"), N_("FORMAT") },
    { NULL }
  };
  g_auto (GStrv) positional = NULL;
  g_autoptr (LkCliStoredKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  LkCliFormat format = LK_CLI_FORMAT_SH;
  GString *out;

  if (!lk_cli_parse (cli, args, entries, _("KEY"),
                     _("Prints the variables of a stored key (its name, key ID or client ID) for HiddenLayer’s SDKs and Model Scanner CLI, from the keyring alone. Load them with eval \"$(layer-keys-cli env KEY)\"."),
                     &positional, error))
    return LK_CLI_EXIT_USAGE;

  if (positional[0] == NULL || positional[1] != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("env takes one key: its name, key ID or client ID."));
      return LK_CLI_EXIT_USAGE;
    }

  if (format_name == NULL || g_str_equal (format_name, "sh"))
    format = LK_CLI_FORMAT_SH;
  else if (g_str_equal (format_name, "fish"))
    format = LK_CLI_FORMAT_FISH;
  else if (g_str_equal (format_name, "dotenv"))
    format = LK_CLI_FORMAT_DOTENV;
  else
    {
      g_autofree char *printable = lk_cli_printable (format_name);

      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                   /* Translators: %s is what the user gave after --format; sh, fish and
                    * dotenv stay in English */
                   _("--format takes sh, fish or dotenv, not “%s”."), printable);
      return LK_CLI_EXIT_USAGE;
    }

  if (cli->json && format_name != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("Give --json or --format, not both."));
      return LK_CLI_EXIT_USAGE;
    }

  key = resolve_with_secret (cli, positional[0], &secret, error);
  if (key == NULL)
    return LK_CLI_EXIT_FAILED;

  out = lk_cli_secret_text_new (2 * strlen (secret) + 3 * strlen (key->client_id) + strlen (key->platform));
  if (cli->json)
    {
      for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
        lk_cli_append_json_member (out, i == 0, variables[i].name, variable_value (i, key, secret));
      g_string_append (out, "\n}\n");
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
      {
        const char *value = variable_value (i, key, secret);

        /* python-dotenv reads \' before the closing quote as a quote:
         * rather than a file it would read wrong, say so. */
        if (format == LK_CLI_FORMAT_DOTENV && g_str_has_suffix (value, "\\"))
          {
            g_autofree char *name = lk_cli_printable (key->name);

            g_string_free (out, TRUE);
            g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                         /* Translators: %s is a variable name, then a key's name */
                         _("%s of “%s” ends with a backslash, which a dotenv file cannot hold unambiguously: use --format sh, --json or exec."),
                         variables[i].name, name);
            return LK_CLI_EXIT_FAILED;
          }
        lk_cli_append_assignment (out, format, variables[i].name, value);
      }

  return lk_cli_write_secret_text (out, error) ? LK_CLI_EXIT_OK : LK_CLI_EXIT_FAILED;
}

static void
wipe_environment (char **envp)
{
  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    lk_secret_wipe (envp[i], strlen (envp[i]));
  g_strfreev (envp);
}

int
lk_cli_cmd_exec (LkCli      *cli,
                 LkCliArgs  *args,
                 GError    **error)
{
  g_auto (GStrv) positional = NULL;
  g_autoptr (LkCliStoredKey) key = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  g_autofree char *command = NULL;
  char **saved_environ = environ;
  char **envp;
  int saved_errno;

  if (!lk_cli_parse (cli, args, NULL, _("KEY -- COMMAND [ARGUMENT…]"),
                     _("Runs COMMAND with the variables of a stored key (its name, key ID or client ID) in its environment, and nowhere else; exits with COMMAND’s exit status."),
                     &positional, error))
    return LK_CLI_EXIT_USAGE;

  if (positional[0] == NULL || positional[1] != NULL || args->rest == NULL || args->rest[0] == NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("exec takes one key, then -- and the command: layer-keys-cli exec KEY -- COMMAND [ARGUMENT…]"));
      return LK_CLI_EXIT_USAGE;
    }

  key = resolve_with_secret (cli, positional[0], &secret, error);
  if (key == NULL)
    return LK_CLI_EXIT_FAILED;

  envp = g_get_environ ();
  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    envp = g_environ_setenv (envp, variables[i].name, variable_value (i, key, secret), TRUE);

  /* The child is an ordinary program again: its own core limit, and
   * (execve resets it) dumpable. */
  lk_cli_restore_core_limit ();
  fflush (stdout);
  fflush (stderr);
  environ = envp;
  execvp (args->rest[0], args->rest);

  saved_errno = errno;
  lk_cli_harden ();
  environ = saved_environ;
  wipe_environment (envp);

  command = lk_cli_printable (args->rest[0]);
  g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
               /* Translators: %s is a command, then the reason */
               _("Could not run “%s”: %s"), command, g_strerror (saved_errno));
  return saved_errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}
