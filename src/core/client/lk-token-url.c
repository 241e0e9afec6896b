/* lk-token-url.c: which token URL LkClient asks
 *
 * HiddenLayer's current SDKs ask for tokens at {API URL}/oauth2/token,
 * older ones at auth.hiddenlayer.ai (issue 20).  LkClient asks the
 * platform's token URL first; when that cannot be reached or answers 404,
 * it asks the platform's fallback token URL (when it has one), and keeps
 * using the one that answered.  When both fail, one error names both, and
 * the next fetch starts again at the first.
 *
 * Only the URLs and the reasons go into the error: never a credential.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-token-url"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-client-private.h"

const char *
lk_client_token_url (LkClient *self)
{
  const char *fallback;

  g_assert (LK_IS_CLIENT (self));

  fallback = lk_platform_get_fallback_token_url (self->platform);
  if (self->token_fallback && fallback != NULL)
    return fallback;

  return lk_platform_get_token_url (self->platform);
}

gboolean
lk_token_url_is_absent (const GError *error)
{
  return g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK) ||
         g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING);
}

GError *
lk_token_url_both_failed (const char   *first,
                          const GError *first_error,
                          const char   *fallback,
                          const GError *fallback_error)
{
  return g_error_new (LK_CLIENT_ERROR, fallback_error->code,
                      /* Translators: the first and third %s are web
                       * addresses, the second and fourth say what went
                       * wrong there (whole sentences) */
                      _("Neither token URL gave a token. %s: %s %s: %s Check the platform’s addresses and your network connection."),
                      first, first_error->message, fallback, fallback_error->message);
}

gboolean
lk_client_token_url_fall_back (LkClient  *self,
                               GError   **error)
{
  const char *first;
  const char *fallback;
  GError *both;

  g_assert (LK_IS_CLIENT (self));
  g_assert (error != NULL && *error != NULL);

  first = lk_platform_get_token_url (self->platform);
  fallback = lk_platform_get_fallback_token_url (self->platform);
  if (fallback == NULL)
    return FALSE;

  if (!self->token_fallback)
    {
      if (!lk_token_url_is_absent (*error))
        return FALSE;

      g_debug ("no token endpoint at the token URL: asking the fallback token URL");
      g_clear_error (&self->token_first_error);
      self->token_first_error = g_error_copy (*error);
      self->token_fallback = TRUE;
      return TRUE;
    }

  /* The fallback was asked, and failed. */
  self->token_fallback = FALSE;
  if (!lk_token_url_is_absent (*error) || self->token_first_error == NULL)
    return FALSE;

  both = lk_token_url_both_failed (first, self->token_first_error, fallback, *error);
  g_clear_error (&self->token_first_error);
  g_clear_error (error);
  *error = both;
  return FALSE;
}
