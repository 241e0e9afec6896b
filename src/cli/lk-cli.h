/* lk-cli.h: what the files of layer-keys-cli share
 *
 * layer-keys-cli links src/core alone and uses only its public headers.
 * It is two programs: `layer-keys-cli` runs the commands that need only
 * the keyring (env, exec, list --stored, accounts) and links nothing of
 * the network (no libsoup: it starts as fast as secret-tool); the
 * commands that talk to the platform run in `layer-keys-cli-platform`
 * (libexecdir), which it executes in its place with the same arguments
 * (lk-cli-handover.c).  This header is the front's; lk-cli-platform.h
 * adds what only the platform program has.
 * One LkCli holds the options every command accepts and what is made
 * lazily from them (the settings, the keyring store).  Each command is a
 * function that parses its own options (plus the global ones), does its
 * work with the core's asynchronous API driven by a main loop, and returns
 * an exit status; on failure it sets an error, which main() prints as one
 * line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "lk-api-key.h"
#include "lk-credential-store.h"
#include "lk-error.h"
#include "lk-permissions.h"
#include "lk-platform.h"
#include "lk-platform-settings.h"

G_BEGIN_DECLS

#define LK_CLI_PROGRAM "layer-keys-cli"

/* The environment variable that may hold the admin's secret. */
#define LK_CLI_SECRET_ENV "LAYER_KEYS_CLIENT_SECRET"

typedef enum {
  LK_CLI_EXIT_OK      = 0,
  LK_CLI_EXIT_FAILED  = 1,
  LK_CLI_EXIT_USAGE   = 2,
  LK_CLI_EXIT_NO_SUCH = 3,   /* no such key or account, or more than one */
} LkCliExit;

typedef enum {
  LK_CLI_ERROR_USAGE,        /* exit 2 */
  LK_CLI_ERROR_NO_SUCH,      /* exit 3 */
  LK_CLI_ERROR_AMBIGUOUS,    /* exit 3 */
  LK_CLI_ERROR_FAILED,       /* exit 1 */
} LkCliError;

#define LK_CLI_ERROR (lk_cli_error_quark ())
GQuark lk_cli_error_quark (void);

typedef struct {
  /* Global options */
  char              *account;
  char              *platform;
  char              *token_url;
  char              *ca_file;
  char              *client_id;
  gboolean           secret_stdin;
  gboolean           json;

  /* Taken from the environment at start (and removed from it); wiped */
  char              *env_secret;

  /* Made on first use */
  GSettings         *settings;        /* NULL when the schema is not installed */
  gboolean           settings_tried;
  LkCredentialStore *store;
} LkCli;

void        lk_cli_clear                (LkCli          *cli);

/* The arguments of one command: @args as GOption wants them (argv[0] is
 * the program, the command word removed), @rest what followed "--". */
typedef struct {
  const char *command;
  int         argc;
  char      **argv;
  char      **rest;
} LkCliArgs;

/* ---- lk-cli-options.c: parsing ---- */

/* Parses @args with @entries plus the global options; the positional
 * arguments are returned in @out_positional (NULL-terminated, g_strfreev).
 * --help prints the command's help and exits 0. */
gboolean    lk_cli_parse                (LkCli              *cli,
                                         LkCliArgs          *args,
                                         const GOptionEntry *entries,
                                         const char         *parameter_string,
                                         const char         *summary,
                                         char             ***out_positional,
                                         GError            **error);
/* Refuses a secret given as an argument (and overwrites it in argv so the
 * process list stops showing it).  FALSE with a usage error. */
gboolean    lk_cli_refuse_secret_arguments (int          argc,
                                            char       **argv,
                                            GError     **error);
/* The index of the command word in @argv (before any "--"), or 0. */
int         lk_cli_find_command         (int             argc,
                                         char          **argv);
void        lk_cli_print_overview       (FILE           *stream);
/* The usage error for a command word that is none. */
GError     *lk_cli_unknown_command_error (const char    *word);
/* "layer-keys-cli --help" and "--version", or nothing at all: the exit
 * status (the overview on standard error and a usage status when no
 * command was given). */
int         lk_cli_run_without_command  (int             argc,
                                         char          **argv);
/* Splits @argv at the first "--": the part before (the command word at
 * @command_index removed) for GOption, the part after (exec's command)
 * in @args->rest. */
void        lk_cli_split_arguments      (int             argc,
                                         char          **argv,
                                         int             command_index,
                                         LkCliArgs      *args);

/* ---- lk-cli-util.c: running, secrets, errors ---- */

/* Core dumps off and the process not dumpable or traceable: it holds
 * secrets.  lk_cli_restore_core_limit() gives a child back the caller's
 * limit before exec. */
void        lk_cli_harden               (void);
void        lk_cli_restore_core_limit   (void);
/* Takes LAYER_KEYS_CLIENT_SECRET out of the environment (overwriting it
 * there), so no child ever inherits it.  NULL when unset or empty. */
char       *lk_cli_take_env_secret      (void);
/* Reads one line from standard input (without echo on a terminal, after
 * @prompt); the caller wipes it (lk_secret_free). */
char       *lk_cli_read_secret_line     (const char     *prompt,
                                         GError        **error);
/* A GString for text that will hold secrets of @secret_length bytes in
 * all: big enough from the start, since growing it would leave copies
 * behind in freed memory. */
GString    *lk_cli_secret_text_new      (gsize           secret_length);
/* Writes all of @text to standard output, then wipes and frees it. */
gboolean    lk_cli_write_secret_text    (GString        *text,
                                         GError        **error);

/* Async glue: pass lk_cli_async_done as the callback and a pointer to a
 * NULL GAsyncResult* as user data; lk_cli_wait() runs the main context
 * until it is set. */
void        lk_cli_async_done           (GObject        *source,
                                         GAsyncResult   *result,
                                         gpointer        user_data);
GAsyncResult *lk_cli_wait               (GAsyncResult  **slot);

int         lk_cli_exit_status          (const GError   *error);
/* One line on standard error: "layer-keys-cli: MESSAGE". */
void        lk_cli_print_error          (const GError   *error);
void        lk_cli_warn                 (const char     *format,
                                         ...) G_GNUC_PRINTF (1, 2);
/* A copy of @text fit for a terminal: control characters replaced. */
char       *lk_cli_printable            (const char     *text);
/* "2027-03-01" (UTC), or "never" for 0 */
char       *lk_cli_format_date          (gint64          unix_time);
/* RFC 3339 in UTC, or NULL for 0 */
char       *lk_cli_format_time          (gint64          unix_time);
gboolean    lk_cli_is_terminal          (int             fd);

/* ---- lk-cli-account.c: which platform, which account ---- */

/* The app's settings, or NULL when its schema is not installed. */
GSettings  *lk_cli_get_settings         (LkCli          *cli);
/* --platform (with --token-url and --ca-file); NULL without error when
 * none was given. */
LkPlatform *lk_cli_explicit_platform    (LkCli          *cli,
                                         GError        **error);
/* Whether @platform (may be NULL) is the one whose ID is @platform_id. */
gboolean    lk_cli_platform_is          (LkPlatform     *platform,
                                         const char     *platform_id);
/* The platform Layer Keys last signed in to (United States by default). */
LkPlatform *lk_cli_remembered_platform  (LkCli          *cli,
                                         GError        **error);
/* The platform whose ID (API base) is @platform_id, with the token URL
 * and CA file Layer Keys knows for it (a usage error when --token-url or
 * --ca-file would change those); for one it does not know, --platform's
 * or the default token URL. */
LkPlatform *lk_cli_platform_for_id      (LkCli          *cli,
                                         const char     *platform_id,
                                         GError        **error);
int         lk_cli_cmd_accounts         (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);

/* ---- lk-cli-keyring.c: stored keys and accounts ---- */

/* A keyring error as the CLI's, with @what saying what was being done. */
GError     *lk_cli_explain_store_error  (const char     *what,
                                         GError         *error);

/* A key whose secret is in the keyring, from its item's attributes. */
typedef struct {
  char *key_id;
  char *client_id;
  char *name;
  char *platform;
  char *expires;          /* "YYYY-MM-DD" or "never" */
  char *secret;           /* when resolved with its secret; wiped */
} LkCliStoredKey;

void        lk_cli_stored_key_free      (LkCliStoredKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkCliStoredKey, lk_cli_stored_key_free)


LkCredentialStore *lk_cli_get_store     (LkCli          *cli);
/* The stored keys of @platform_id, sorted by name. */
GPtrArray  *lk_cli_stored_keys_of       (LkCli          *cli,
                                         const char     *platform_id,
                                         GError        **error);
/* The one stored key whose name, key ID or client ID is @ident, on
 * @platform_id (NULL: any platform).  NO_SUCH or AMBIGUOUS otherwise.
 * With @with_secret, the secrets are read with the items (one round trip
 * less than lk_cli_stored_secret() alone; those of keys not chosen are
 * wiped at once). */
LkCliStoredKey *lk_cli_resolve_stored   (LkCli          *cli,
                                         const char     *ident,
                                         const char     *platform_id,
                                         gboolean        with_secret,
                                         GError        **error);
/* The secret of @key (lk_secret_free): the one read with it, or looked
 * up. */
char       *lk_cli_stored_secret        (LkCli          *cli,
                                         LkCliStoredKey *key,
                                         GError        **error);
/* Every remembered account (LkRememberedAccount, of @client_id unless it
 * is NULL), sorted by platform, then client ID; never a secret. */
GPtrArray  *lk_cli_stored_accounts      (LkCli          *cli,
                                         const char     *client_id,
                                         GError        **error);

/* ---- lk-cli-list-stored.c: list --stored ---- */

/* Parses list's options (shared by both programs): *@out_stored is
 * whether --stored was given. */
gboolean    lk_cli_parse_list           (LkCli          *cli,
                                         LkCliArgs      *args,
                                         gboolean       *out_stored,
                                         GError        **error);
/* The keys whose secrets are in this keyring, without the network. */
int         lk_cli_list_stored          (LkCli          *cli,
                                         GError        **error);

/* ---- lk-cli-handover.c: the platform program ---- */

/* Replaces this process with layer-keys-cli-platform, given @argv as it
 * is; returns only when it could not be run (LK_CLI_EXIT_FAILED, and
 * @error says why). */
int         lk_cli_hand_over            (char          **argv,
                                         GError        **error);

/* ---- lk-cli-env.c: handing a stored key to a program ---- */

typedef enum {
  LK_CLI_FORMAT_SH,
  LK_CLI_FORMAT_FISH,
  LK_CLI_FORMAT_DOTENV,
} LkCliFormat;

/* Appends NAME=VALUE as @format spells it, quoted so that the shell or
 * reader gets exactly @value back. */
void        lk_cli_append_assignment    (GString        *out,
                                         LkCliFormat     format,
                                         const char     *name,
                                         const char     *value);

int         lk_cli_cmd_env              (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);
int         lk_cli_cmd_exec             (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);

/* ---- lk-cli-output.c: text and JSON ---- */

JsonNode   *lk_cli_key_to_json          (LkApiKey       *key);
JsonNode   *lk_cli_stored_key_to_json   (LkCliStoredKey *key);
/* Prints @node as JSON on standard output (takes it). */
void        lk_cli_print_json           (JsonNode       *node);

/* JSON for text that holds a secret, built straight into @out (which
 * the caller wipes) rather than through json-glib's copies: a quoted,
 * escaped string; a member of a flat object ("{" before the first; the
 * caller closes it with "\n}\n"). */
void        lk_cli_append_json_string   (GString        *out,
                                         const char     *text);
void        lk_cli_append_json_member   (GString        *out,
                                         gboolean        first,
                                         const char     *name,
                                         const char     *value);

/* A text table: columns aligned, the header first. */
typedef struct _LkCliTable LkCliTable;
LkCliTable *lk_cli_table_new            (const char     *first_header,
                                         ...) G_GNUC_NULL_TERMINATED;
void        lk_cli_table_add_row        (LkCliTable     *table,
                                         const char     *first_cell,
                                         ...) G_GNUC_NULL_TERMINATED;
void        lk_cli_table_print          (LkCliTable     *table);
void        lk_cli_table_free           (LkCliTable     *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkCliTable, lk_cli_table_free)

/* "label:  value" lines, labels aligned. */
void        lk_cli_print_fields         (const char    **labels,
                                         const char    **values,
                                         guint           n_fields);

G_END_DECLS
