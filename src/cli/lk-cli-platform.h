/* lk-cli-platform.h: what only layer-keys-cli-platform has
 *
 * The commands that talk to the platform (list without --stored, create,
 * delete, rotate, token) sign in with LkClient, and so link libsoup; they
 * live in the program layer-keys-cli-platform, which layer-keys-cli
 * executes in its place (lk-cli.h says why).  It has everything of
 * lk-cli.h too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-cli.h"
#include "lk-client.h"

G_BEGIN_DECLS

/* ---- lk-cli-errors.c: what went wrong, in the platform's words ---- */

typedef enum {
  LK_CLI_STEP_LIST,
  LK_CLI_STEP_CREATE,
  LK_CLI_STEP_DELETE,
} LkCliStep;

typedef struct _LkCliSession LkCliSession;

/* Turns an error of LkClient during @step into the CLI's message and
 * exit status: refused credentials (in the token endpoint's words), a
 * platform without the endpoint the step needs, a key that is gone (as
 * LkClient tells them apart).  Takes @error; returns the error to report. */
GError     *lk_cli_explain_client_error (LkCliSession   *session,
                                         LkCliStep       step,
                                         const char     *what,
                                         GError         *error);

/* ---- lk-cli-session.c: the admin account's session ---- */

struct _LkCliSession {
  LkPlatform *platform;
  char       *client_id;
  char       *client_secret;     /* wiped */
  LkClient   *client;            /* with the credentials and the store */
};

void        lk_cli_session_free         (LkCliSession   *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkCliSession, lk_cli_session_free)

/* Selects the admin account as the options say and makes its client. */
LkCliSession *lk_cli_open_session       (LkCli          *cli,
                                         GError        **error);

/* ---- lk-cli-token.c: the token endpoint ---- */

typedef struct {
  char  *access_token;    /* wiped */
  char  *token_type;
  gint64 expires_in;
} LkCliToken;

void        lk_cli_token_clear          (LkCliToken     *token);

/* Asks @platform's token endpoint for a token (OAuth 2 client
 * credentials).  @out_status is the HTTP status (0 when there was no
 * answer).  Errors say what the platform said, never the secret. */
gboolean    lk_cli_fetch_token          (LkPlatform     *platform,
                                         const char     *client_id,
                                         const char     *client_secret,
                                         LkCliToken     *out_token,
                                         guint          *out_status,
                                         GError        **error);

/* The same, asking the platform's fallback token URL when its token URL
 * cannot be reached or answers 404 (issue 20); *@out_url (may be NULL)
 * is the URL that gave the token.  When both fail, the error names both. */
gboolean    lk_cli_fetch_token_from     (LkPlatform     *platform,
                                         const char     *client_id,
                                         const char     *client_secret,
                                         LkCliToken     *out_token,
                                         guint          *out_status,
                                         const char    **out_url,
                                         GError        **error);

int         lk_cli_cmd_token            (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);

/* ---- lk-cli-keys.c, lk-cli-create.c: the tenant's keys ---- */

int         lk_cli_cmd_list             (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);
int         lk_cli_cmd_create           (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);
int         lk_cli_cmd_delete           (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);

/* ---- lk-cli-rotate.c ---- */

int         lk_cli_cmd_rotate           (LkCli          *cli,
                                         LkCliArgs      *args,
                                         GError        **error);

G_END_DECLS
