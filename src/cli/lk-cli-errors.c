/* lk-cli-errors.c: what went wrong, told apart
 *
 * Three failures look alike on the wire and mean different things to the
 * person who meets them (issue 20): the credentials were refused; the
 * credentials were accepted, but the platform does not offer an endpoint
 * Layer Keys needs; a key really is gone.  LkClient tells them apart
 * (LK_CLIENT_ERROR_AUTHENTICATION_FAILED, _ENDPOINT_MISSING naming the
 * endpoint and docs/platform-api.md, _NOT_FOUND), as it does for the app's
 * sign-in page; here they only become exit statuses.  Refused
 * credentials are followed by one question to the token endpoint alone,
 * whose answer gives the platform's own words (and the client ID).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-errors"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-cli-platform.h"

static GError *
prefixed (const char   *what,
          const GError *error,
          GQuark        domain,
          int           code)
{
  return g_error_new (domain, code, "%s: %s", what, error->message);
}

/* After refused credentials: the token endpoint's answer, in the
 * platform's words, when it gives one. */
static GError *
explain_refusal (LkCliSession *session,
                 const char   *what,
                 GError       *error)
{
  g_autoptr (GError) token_error = NULL;
  LkCliToken token = { 0 };
  guint status = 0;
  GError *explained;

  if (lk_cli_fetch_token (session->platform, session->client_id, session->client_secret,
                          &token, &status, &token_error))
    {
      /* The token came, the API refused it. */
      lk_cli_token_clear (&token);
      explained = prefixed (what, error, error->domain, error->code);
    }
  else if (status != 0)
    explained = prefixed (what, token_error, error->domain, error->code);
  else
    explained = prefixed (what, error, error->domain, error->code);

  g_error_free (error);
  return explained;
}

GError *
lk_cli_explain_client_error (LkCliSession *session,
                             LkCliStep     step,
                             const char   *what,
                             GError       *error)
{
  GError *explained;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED))
    return explain_refusal (session, what, error);

  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND) &&
      step == LK_CLI_STEP_DELETE)
    /* A key that was listed a moment ago: it is gone (exit 3). */
    explained = prefixed (what, error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH);
  else if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING))
    /* The message names the endpoint and docs/platform-api.md. */
    explained = prefixed (what, error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED);
  else
    explained = prefixed (what, error, error->domain, error->code);

  g_error_free (error);
  return explained;
}
