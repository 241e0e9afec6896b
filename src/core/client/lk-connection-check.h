/* lk-connection-check.h: Check Connection, step by step (issue 20)
 *
 * Runs each step a sign-in takes, in order, and says for each whether it
 * passed, how long it took and, when it failed, why: the connection (DNS
 * and TLS), the token, whoami, and the first page of the list.  A step
 * after a failed one that needs it is not run.  The report names the
 * platform's addresses and the client ID, never a secret or a token, so
 * an admin can send it to whoever runs the platform or its proxy.  The
 * token step asks the token URLs as LkClient does (the platform's, then
 * its fallback when the first is unreachable or answers 404) and the
 * report says which one gave the token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-types.h"

G_BEGIN_DECLS

typedef enum {
  LK_CHECK_CONNECT,     /* DNS, TCP and TLS to the API URL */
  LK_CHECK_TOKEN,       /* POST to the token URL with the credentials */
  LK_CHECK_WHOAMI,      /* GET /api/v1/whoami */
  LK_CHECK_LIST,        /* GET /api/v1/api-keys, one key */
  LK_CHECK_N_STEPS
} LkCheckStepKind;

typedef enum {
  LK_CHECK_NOT_RUN,
  LK_CHECK_PASSED,
  LK_CHECK_FAILED,
} LkCheckOutcome;

typedef struct {
  LkCheckStepKind  kind;
  LkCheckOutcome   outcome;
  gint64           duration_us;
  GError          *error;       /* why it failed (LK_CLIENT_ERROR), or NULL */
} LkCheckStep;

typedef struct _LkConnectionCheck LkConnectionCheck;

#define LK_TYPE_CONNECTION_CHECK (lk_connection_check_get_type ())
G_DECLARE_FINAL_TYPE (LkConnectionCheck, lk_connection_check, LK, CONNECTION_CHECK, GObject)

LkConnectionCheck *lk_connection_check_new          (LkPlatform          *platform,
                                                     const char          *client_id,
                                                     const char          *client_secret);
/* The same check for @client's platform and credentials (a signed-in
 * session's: the account popover's Check Connection). */
LkConnectionCheck *lk_connection_check_new_for_client (LkClient       *client);
/* Per-request timeout in seconds (default 15). */
void               lk_connection_check_set_timeout  (LkConnectionCheck   *self,
                                                     guint                seconds);
/* Runs every step; finishes TRUE when all passed.  The steps' outcomes
 * are there either way. */
void               lk_connection_check_run_async    (LkConnectionCheck   *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           lk_connection_check_run_finish   (LkConnectionCheck   *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
const LkCheckStep *lk_connection_check_get_step     (LkConnectionCheck   *self,
                                                     LkCheckStepKind      kind);
/* The token URL that gave a token (the platform's, or its fallback when
 * the first was unreachable or answered 404), or NULL. */
const char        *lk_connection_check_get_token_url_used (LkConnectionCheck *self);
/* "Connection (DNS and TLS)", translated. */
const char        *lk_check_step_get_title          (LkCheckStepKind      kind);
/* The whole report, one line per step, to copy. */
char              *lk_connection_check_get_report   (LkConnectionCheck   *self);

G_END_DECLS
