/* lk-client-errors.c: what went wrong with a request, in LK_CLIENT_ERROR
 *
 * HTTP statuses (with what the platform's error body says), transport
 * failures and replies that are not what the contract says, each as a
 * code a caller can act on and a sentence a person can read.  A message
 * never holds a secret: the only text taken from a reply is the error
 * body's title, detail and field, made fit for one line of a label.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-errors"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-client-private.h"
#include "lk-wire.h"

#define MAX_DETAIL_CHARS 200
#define PLATFORM_API_DOC PROJECT_URL "/blob/main/docs/platform-api.md"

/* A piece of an error body, made fit for a sentence: one line, bounded. */
static char *
sanitize_detail (const char *text)
{
  GString *out;
  const char *p;
  guint n = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  out = g_string_new (NULL);
  for (p = text; *p != '\0' && n < MAX_DETAIL_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (out, c);
    }
  if (*p != '\0')
    g_string_append (out, "…");

  g_strstrip (out->str);
  if (out->str[0] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

GError *
lk_client_error_from_status (guint    status,
                             GBytes  *body,
                             gboolean token_endpoint)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *field = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  gsize length = 0;
  const char *data = NULL;

  if (body != NULL)
    data = g_bytes_get_data (body, &length);
  lk_wire_parse_error_body (data, length, &title, &detail, &field);

  /* What the platform said, in one short line. */
  text = sanitize_detail (detail != NULL ? detail : title);
  name = sanitize_detail (field);

  if (token_endpoint && (status == 400 || status == 401 || status == 403))
    return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED,
                                _("The client ID or secret was not accepted, or the key has expired."));

  switch (status)
    {
    case 400:
    case 422:
      if (name != NULL && text != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            /* Translators: the first %s is a field of a request ("name",
                             * "expires_at"), the second what the platform said about it. */
                            _("The platform did not accept the field “%s”: %s"), name, text);
      if (name != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            /* Translators: %s is the name of a field of the request,
                             * e.g. “expires_at” */
                            _("The platform did not accept the field “%s”. Check it and try again."), name);
      if (text != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            /* Translators: %s is what the platform said */
                            _("The platform did not accept the request: %s"), text);
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                                  _("The platform did not accept the request. Check what you entered and try again."));

    case 401:
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED,
                                  _("The platform no longer accepts this sign-in. Sign in again."));

    case 403:
      if (text != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED,
                            /* Translators: %s is what the platform says is missing, such as
                             * "Needs API Keys: Write". */
                            _("The signed-in key may not do this (%s). Sign in with a key that has this permission."),
                            text);
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED,
                                  _("The signed-in key may not do this. Sign in with a key that has the needed permission."));

    case 404:
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND,
                                  _("The platform does not know this item; it may have been deleted."));

    case 409:
      if (text != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT,
                            /* Translators: %s is what the platform said */
                            _("The platform refused the change: %s"), text);
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT,
                                  _("A key with this name already exists. Choose another name."));

    case 429:
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_RATE_LIMITED,
                                  _("The platform is receiving too many requests. Wait a minute and try again."));

    default:
      break;
    }

  if (status >= 500 && status < 600)
    return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_SERVER_ERROR,
                        /* Translators: %u is an HTTP status code, e.g. 503 */
                        _("The platform had a problem (error %u). Try again later."), status);

  if (status >= 400 && status < 500)
    return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                        /* Translators: %u is an HTTP status code, e.g. 404 */
                        _("The platform refused the request (error %u)."), status);

  return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                      /* Translators: %u is an HTTP status code */
                      _("The platform gave an unexpected answer (status %u)."), status);
}

/* The endpoint a request went to, as docs/platform-api.md names it:
 * "GET /api/v1/whoami", "DELETE /api/v1/api-keys/{id}". */
char *
lk_client_endpoint_name (const char *method,
                         const char *path)
{
  g_autofree char *bare = NULL;
  const char *query;

  g_assert (method != NULL && path != NULL);

  query = strchr (path, '?');
  bare = query ? g_strndup (path, query - path) : g_strdup (path);

  if (g_str_has_prefix (bare, LK_WIRE_PATH_KEY_PREFIX) &&
      bare[strlen (LK_WIRE_PATH_KEY_PREFIX)] != '\0')
    return g_strconcat (method, " " LK_WIRE_PATH_KEY_PREFIX "{id}", NULL);

  return g_strconcat (method, " ", bare, NULL);
}

GError *
lk_client_error_endpoint_missing (const char *endpoint,
                                  guint       status)
{
  g_assert (endpoint != NULL);

  return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING,
                      /* Translators: the first %s is an endpoint such as
                       * "GET /api/v1/whoami", %u an HTTP status such as 404,
                       * the last %s a web address */
                      _("The platform accepted the credentials, but it does not offer %s, which Layer Keys needs (it answered %u). Ask whoever runs the platform whether it offers this endpoint; see %s for what Layer Keys expects."),
                      endpoint, status, PLATFORM_API_DOC);
}

GError *
lk_client_error_no_token_endpoint (const char *token_url,
                                   guint       status)
{
  g_assert (token_url != NULL);

  return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_ENDPOINT_MISSING,
                      /* Translators: the first %s is a web address, %u an
                       * HTTP status such as 404, the last %s a web address */
                      _("There is no token endpoint at %s (it answered %u). Check the token URL; see %s for what Layer Keys expects."),
                      token_url, status, PLATFORM_API_DOC);
}

/* A reply that is not 2xx, to @method @path (the token URL when
 * @token_endpoint): tells an endpoint the platform does not offer from a
 * key that is gone.  A 404 on one key (DELETE) means the key is gone: it
 * was listed.  Everywhere else 404, 405 and 501 mean the endpoint is not
 * there. */
GError *
lk_client_error_from_reply (const char *method,
                            const char *path,
                            guint       status,
                            GBytes     *body,
                            gboolean    token_endpoint)
{
  g_autofree char *endpoint = NULL;
  gboolean missing = FALSE;

  if (status == 404 && token_endpoint)
    return lk_client_error_no_token_endpoint (path, status);

  if (!token_endpoint && method != NULL && path != NULL)
    {
      endpoint = lk_client_endpoint_name (method, path);
      if (status == 405 || status == 501)
        missing = TRUE;
      else if (status == 404)
        missing = !g_str_has_suffix (endpoint, "{id}");
    }

  if (missing)
    return lk_client_error_endpoint_missing (endpoint, status);

  return lk_client_error_from_status (status, body, token_endpoint);
}

/* A request that got no reply: @tls_problem when the secure connection
 * failed (@tls_flags what was wrong with the certificate, if known). */
GError *
lk_client_error_from_transport (const GError         *error,
                                gboolean              tls_problem,
                                GTlsCertificateFlags  tls_flags)
{
  g_assert (error != NULL);

  if (tls_problem)
    {
      if (tls_flags != 0 || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_TLS,
                                    _("The platform’s certificate is not trusted. If your platform uses a private certificate authority, choose its CA file in Custom region settings."));
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_TLS,
                                  _("A secure connection to the platform could not be set up. Check the platform address and its certificate."));
    }

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK,
                                _("The platform’s address could not be found. Check your network connection and the platform address."));

  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK,
                              _("Could not connect to the platform. Check your network connection and try again."));
}

GError *
lk_client_error_timeout (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK,
                              _("The platform did not answer in time. Check your network connection and try again."));
}

GError *
lk_client_error_cut_short (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                              _("The platform’s reply was cut short. Try again."));
}

GError *
lk_client_error_too_large (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                              _("The platform’s reply was too large."));
}

GError *
lk_client_error_bad_url (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                              _("The platform address is not a valid URL."));
}

GError *
lk_client_error_cancelled (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              _("The operation was cancelled."));
}

GError *
lk_client_error_not_signed_in (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_SIGNED_IN,
                              _("Enter a client ID and secret to sign in."));
}

GError *
lk_client_error_malformed (void)
{
  return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                              _("The platform’s reply could not be read. Try again later."));
}

GError *
lk_client_error_list_too_long (guint max_keys)
{
  return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                      /* Translators: %u is the most keys the app reads */
                      ngettext ("The platform listed more than %u key and still said there were more, so the list stopped there. The keys listed so far are shown; check the platform address.",
                                "The platform listed more than %u keys and still said there were more, so the list stopped there. The keys listed so far are shown; check the platform address.",
                                max_keys),
                      max_keys);
}

/* Parsers report their own MALFORMED_REPLY; make sure nothing else leaks. */
GError *
lk_client_error_unreadable (GError *error)
{
  if (error == NULL)
    return lk_client_error_malformed ();
  if (!g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY))
    {
      g_error_free (error);
      return lk_client_error_malformed ();
    }
  return error;
}
