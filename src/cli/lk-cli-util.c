/* lk-cli-util.c: what every command of layer-keys-cli needs
 *
 * A process that holds secrets (no core dumps, not traceable), secrets
 * read from the environment and standard input and written to standard
 * output without copies left behind, the main-loop glue for the core's
 * asynchronous API, and one-line errors with their exit status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-util"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "lk-cli.h"
#include "lk-secret.h"

/* Longest secret read from standard input. */
#define SECRET_LINE_MAX 4096

static struct rlimit caller_core_limit;
static gboolean have_caller_core_limit;

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

void
lk_cli_harden (void)
{
  /* Remembered so the child of exec gets the caller's limit back. */
  have_caller_core_limit = getrlimit (RLIMIT_CORE, &caller_core_limit) == 0;
  lk_secret_protect_process ();
}

void
lk_cli_restore_core_limit (void)
{
  if (have_caller_core_limit)
    setrlimit (RLIMIT_CORE, &caller_core_limit);
}

char *
lk_cli_take_env_secret (void)
{
  char *value = getenv (LK_CLI_SECRET_ENV);
  char *copy = NULL;

  if (value == NULL)
    return NULL;

  if (value[0] != '\0')
    copy = g_strdup (value);

  /* The environment block is ours to write; what stays there would reach
   * every child and /proc/PID/environ. */
  lk_secret_wipe (value, strlen (value));
  g_unsetenv (LK_CLI_SECRET_ENV);

  return copy;
}

gboolean
lk_cli_is_terminal (int fd)
{
  return isatty (fd) == 1;
}

char *
lk_cli_read_secret_line (const char  *prompt,
                         GError     **error)
{
  g_autofree char *buffer = g_malloc0 (SECRET_LINE_MAX + 1);
  gboolean terminal = lk_cli_is_terminal (STDIN_FILENO);
  struct termios saved, quiet;
  gboolean echo_off = FALSE;
  gsize length = 0;
  gboolean ended = FALSE;
  char *secret;

  if (terminal)
    {
      /* Echo off first (dropping what was typed ahead, as getpass does),
       * then the prompt: what is typed after it is kept, and not shown. */
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
      if (prompt != NULL)
        {
          fputs (prompt, stderr);
          fflush (stderr);
        }
    }

  /* One byte at a time: stdio would keep a copy in its buffer, and read
   * past the line. */
  while (length < SECRET_LINE_MAX)
    {
      char c;
      ssize_t n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (c == '\n')
        {
          ended = TRUE;
          break;
        }
      buffer[length++] = c;
    }

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fputc ('\n', stderr);
    }

  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';

  if (!ended && length == SECRET_LINE_MAX)
    {
      lk_secret_wipe (buffer, SECRET_LINE_MAX);
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                   /* Translators: %d is a number of bytes */
                   _("The secret on standard input is longer than %d bytes."), SECRET_LINE_MAX);
      return NULL;
    }

  if (length == 0)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("--secret-stdin was given, but standard input holds no secret."));
      return NULL;
    }

  if (!g_utf8_validate (buffer, (gssize) length, NULL))
    {
      lk_secret_wipe (buffer, length);
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("The secret on standard input is not valid text."));
      return NULL;
    }

  secret = g_strndup (buffer, length);
  lk_secret_wipe (buffer, length);
  return secret;
}

GString *
lk_cli_secret_text_new (gsize secret_length)
{
  /* Each byte escaped to at most six (\u001f), plus the names and
   * punctuation of a few lines. */
  return g_string_sized_new (secret_length * 6 + 1024);
}

static void
wipe_string (GString *text)
{
  if (text->str != NULL)
    lk_secret_wipe (text->str, text->allocated_len);
  g_string_free (text, TRUE);
}

gboolean
lk_cli_write_secret_text (GString  *text,
                          GError  **error)
{
  gsize written = 0;
  int saved_errno = 0;

  /* Straight to the descriptor: nothing of it stays in a stdio buffer. */
  fflush (stdout);
  while (written < text->len)
    {
      ssize_t n = write (STDOUT_FILENO, text->str + written, text->len - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          saved_errno = errno;
          break;
        }
      written += (gsize) n;
    }

  wipe_string (text);

  if (saved_errno != 0)
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                   /* Translators: %s is the system's reason, e.g. “Broken pipe” */
                   _("Could not write to standard output: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

void
lk_cli_async_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert (*slot == NULL);
  *slot = g_object_ref (result);
}

GAsyncResult *
lk_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

int
lk_cli_exit_status (const GError *error)
{
  if (error == NULL)
    return LK_CLI_EXIT_OK;

  if (error->domain == LK_CLI_ERROR)
    {
      switch ((LkCliError) error->code)
        {
        case LK_CLI_ERROR_USAGE:
          return LK_CLI_EXIT_USAGE;
        case LK_CLI_ERROR_NO_SUCH:
        case LK_CLI_ERROR_AMBIGUOUS:
          return LK_CLI_EXIT_NO_SUCH;
        case LK_CLI_ERROR_FAILED:
        default:
          return LK_CLI_EXIT_FAILED;
        }
    }

  if (error->domain == G_OPTION_ERROR)
    return LK_CLI_EXIT_USAGE;

  if (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND))
    return LK_CLI_EXIT_NO_SUCH;

  return LK_CLI_EXIT_FAILED;
}

/* Control characters (a newline in a message, an escape sequence in a
 * key's name) would break the one line, or the terminal. */
char *
lk_cli_printable (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  if (!g_utf8_validate (text, -1, NULL))
    return g_utf8_make_valid (text, -1);

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r' || c == '\t')
        g_string_append_c (out, ' ');
      else if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

void
lk_cli_print_error (const GError *error)
{
  g_autofree char *message = lk_cli_printable (error->message);

  fflush (stdout);
  g_printerr ("%s: %s\n", LK_CLI_PROGRAM, message);
}

void
lk_cli_warn (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *printable = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  printable = lk_cli_printable (message);
  fflush (stdout);
  g_printerr ("%s: %s\n", LK_CLI_PROGRAM, printable);
}

char *
lk_cli_format_date (gint64 unix_time)
{
  g_autoptr (GDateTime) time = NULL;

  if (unix_time <= 0)
    return g_strdup (_("never"));

  time = g_date_time_new_from_unix_utc (unix_time);
  if (time == NULL)
    return g_strdup ("?");

  return g_date_time_format (time, "%Y-%m-%d");
}

char *
lk_cli_format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) time = NULL;

  if (unix_time <= 0)
    return NULL;

  time = g_date_time_new_from_unix_utc (unix_time);
  if (time == NULL)
    return NULL;

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}
