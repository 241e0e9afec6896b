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

#include <glib/gi18n.h>

#include "lk-client-private.h"
#include "lk-wire.h"

#define MAX_DETAIL_CHARS 200

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
        /* Translators: the first %s is a field of a request ("name",
         * "expires_at"), the second what the platform said about it. */
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            _("The platform did not accept the field “%s”: %s"), name, text);
      if (name != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            _("The platform did not accept the field “%s”. Check it and try again."), name);
      if (text != NULL)
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                            _("The platform did not accept the request: %s"), text);
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                                  _("The platform did not accept the request. Check what you entered and try again."));

    case 401:
      return g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED,
                                  _("The platform no longer accepts this sign-in. Sign in again."));

    case 403:
      if (text != NULL)
        /* Translators: %s is what the platform says is missing, such as
         * "Needs API Keys: Write". */
        return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED,
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
                        _("The platform had a problem (error %u). Try again later."), status);

  if (status >= 400 && status < 500)
    return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT,
                        _("The platform refused the request (error %u)."), status);

  return g_error_new (LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY,
                      _("The platform gave an unexpected answer (status %u)."), status);
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
