/* lk-cli-errors.c: what went wrong, told apart
 *
 * Three failures look alike on the wire and mean different things to the
 * person who meets them (issue 20): the credentials were refused; the
 * credentials were accepted, but the platform does not offer an endpoint
 * Layer Keys needs; a key really is gone.  LkClient reports a 404 of the
 * token endpoint and of the API alike (LK_CLIENT_ERROR_NOT_FOUND), and
 * refused credentials without the platform's detail, so a 404 or a refusal
 * is followed by one question to the token endpoint alone, which tells
 * which it was, in the platform's words.  A 404 while deleting a key
 * that was just listed means the key is gone (exit 3).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-errors"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-cli.h"

#define PLATFORM_API_DOC PROJECT_URL "/blob/main/docs/platform-api.md"

/* The endpoint each step needs, as docs/platform-api.md names it (for
 * messages only; the client's wire code has the paths it uses). */
static const char *
step_endpoint (LkCliStep step)
{
  switch (step)
    {
    case LK_CLI_STEP_LIST:
      return "GET /api/v1/api-keys";
    case LK_CLI_STEP_CREATE:
      return "POST /api/v1/api-keys";
    case LK_CLI_STEP_DELETE:
    default:
      return "DELETE /api/v1/api-keys/{id}";
    }
}

static GError *
prefixed (const char   *what,
          const GError *error,
          GQuark        domain,
          int           code)
{
  return g_error_new (domain, code, "%s: %s", what, error->message);
}

/* After a 404 or refused credentials: asks the token endpoint alone,
 * whose answer (with the platform's own words) tells what happened. */
static GError *
diagnose (LkCliSession *session,
          LkCliStep     step,
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
      lk_cli_token_clear (&token);
      if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
        explained = g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                                 /* Translators: the first %s says what failed,
                                  * the second is an endpoint such as
                                  * "GET /api/v1/api-keys", the third a web
                                  * address */
                                 _("%s: the platform accepted the credentials, but it does not offer %s, which Layer Keys needs for this (it answered 404 Not Found). See %s for what Layer Keys expects of a platform."),
                                 what, step_endpoint (step), PLATFORM_API_DOC);
      else
        /* The token came, the API refused it. */
        explained = prefixed (what, error, error->domain, error->code);
    }
  else if (status != 0)
    /* Refused credentials or no token endpoint, in the platform's words. */
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

  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND) &&
      step == LK_CLI_STEP_DELETE)
    {
      /* A key that was listed a moment ago: it is gone. */
      explained = prefixed (what, error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH);
      g_error_free (error);
      return explained;
    }

  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND) ||
      g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED))
    return diagnose (session, step, what, error);

  explained = prefixed (what, error, error->domain, error->code);
  g_error_free (error);
  return explained;
}

GError *
lk_cli_explain_store_error (const char *what,
                            GError     *error)
{
  GError *explained;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE))
    explained = g_error_new (error->domain, error->code,
                             _("%s: no keyring service is running. Start GNOME Keyring or another Secret Service in this session, then try again."),
                             what);
  else if (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED))
    explained = g_error_new (error->domain, error->code,
                             _("%s: the keyring is locked. Unlock it (with Seahorse, or by logging in to the desktop), then try again."),
                             what);
  else
    explained = prefixed (what, error, error->domain, error->code);

  g_error_free (error);
  return explained;
}
