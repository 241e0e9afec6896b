/* lk-cli-token.c: access tokens from the platform's token endpoint
 *
 * `token KEY` prints a fresh access token for a stored key, for scripts
 * that call the API themselves:
 *   curl -H "Authorization: Bearer $(layer-keys-cli token ci)" …
 * The same request tells errors apart for the other commands (see
 * lk-cli-errors.c).  LkClient keeps its tokens to itself, so the OAuth 2
 * client-credentials request is made here, with the platform's token URL
 * and CA file, TLS verification on, and no redirect followed (the
 * credentials go to the token URL and nowhere else).  For the regions,
 * when {API URL}/oauth2/token cannot be reached or answers 404, the
 * platform's fallback token URL (auth.hiddenlayer.ai) is asked, as the
 * app does; `token` says on standard error when it answered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-token"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "lk-cli-platform.h"
#include "lk-secret.h"

#define TOKEN_TIMEOUT_SECONDS 30
/* How much of the platform's own words an error repeats. */
#define DETAIL_MAX_CHARS 300
/* A secret the platform's words repeat is replaced; shorter strings than
 * this are words more likely than secrets ("wrong"). */
#define REDACT_MIN_CHARS 8

void
lk_cli_token_clear (LkCliToken *token)
{
  g_clear_pointer (&token->access_token, lk_secret_free);
  g_clear_pointer (&token->token_type, g_free);
  token->expires_in = 0;
}

/* "401, invalid_client: The client ID or secret is wrong." from a
 * problem+json body; never the secret, even if a server echoed it. */
static char *
describe_refusal (guint        status,
                  GBytes      *body,
                  const char  *client_secret)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) text = g_string_new (NULL);
  const char *code = NULL;
  const char *detail = NULL;
  gconstpointer data;
  gsize length = 0;

  g_string_printf (text, "%u", status);

  data = body != NULL ? g_bytes_get_data (body, &length) : NULL;
  if (data != NULL && length > 0 &&
      json_parser_load_from_data (parser, data, (gssize) length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));

      code = json_object_get_string_member_with_default (object, "error", NULL);
      detail = json_object_get_string_member_with_default (object, "detail", NULL);
      if (detail == NULL)
        detail = json_object_get_string_member_with_default (object, "title", NULL);
      if (detail == NULL)
        detail = json_object_get_string_member_with_default (object, "error_description", NULL);
    }

  if (code != NULL)
    g_string_append_printf (text, ", %s", code);
  if (detail != NULL)
    {
      g_autofree char *printable = lk_cli_printable (detail);

      if (g_utf8_strlen (printable, -1) > DETAIL_MAX_CHARS)
        {
          char *end = g_utf8_offset_to_pointer (printable, DETAIL_MAX_CHARS);

          *end = '\0';
          g_string_append_printf (text, ": %s…", printable);
        }
      else
        g_string_append_printf (text, ": %s", printable);
    }

  if (client_secret != NULL && strlen (client_secret) >= REDACT_MIN_CHARS &&
      strstr (text->str, client_secret) != NULL)
    {
      g_autofree char *redacted = NULL;
      g_auto (GStrv) parts = g_strsplit (text->str, client_secret, -1);

      redacted = g_strjoinv ("[secret]", parts);
      g_string_assign (text, redacted);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GError *
transport_error (const char   *url,
                 const GError *error)
{
  if (error->domain == G_TLS_ERROR)
    return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                        /* Translators: %s is a URL, then what TLS said */
                        _("the certificate of %s is not trusted (%s); if the platform uses a private certificate authority, give its CA file"),
                        url, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                        /* Translators: %s is the token endpoint's address, %d a number
                         * of seconds */
                        _("%s did not answer within %d seconds"), url, TOKEN_TIMEOUT_SECONDS);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                        /* Translators: the first %s is the token endpoint's address, the
                         * second why it could not be found */
                        _("the address of %s could not be found (%s)"), url, error->message);

  return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                      /* Translators: %s is a URL, then what the network said */
                      _("could not connect to %s (%s)"), url, error->message);
}

static GError *
status_error (const char *url,
              guint       status,
              GBytes     *body,
              const char *client_id,
              const char *client_secret)
{
  g_autofree char *said = describe_refusal (status, body, client_secret);

  if (status == 400 || status == 401 || status == 403)
    return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                        /* Translators: %s is a client ID, then what the
                         * platform said, e.g. "401, invalid_client: …" */
                        _("the platform refused the client ID %s or its secret, or the key has expired (%s)"),
                        client_id, said);
  if (status == 404 || status == 405 || status == 501)
    return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                        /* Translators: the first %s is the token endpoint's address, the
                         * second what the platform said */
                        _("the platform has no token endpoint at %s (%s)"), url, said);
  if (status == 429)
    return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                        /* Translators: %s is what the platform said */
                        _("the token endpoint is receiving too many requests; wait a minute and try again (%s)"),
                        said);
  if (status >= 500)
    return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                        /* Translators: %s is what the platform said */
                        _("the token endpoint had a problem; try again later (%s)"), said);

  return g_error_new (LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                      /* Translators: %s is what the platform said */
                      _("the token endpoint gave an unexpected answer (%s)"), said);
}

static gboolean
parse_token (GBytes      *body,
             LkCliToken  *out_token,
             GError     **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *access_token;
  gconstpointer data;
  gsize length = 0;

  data = g_bytes_get_data (body, &length);
  if (data == NULL || length == 0 ||
      !json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                           _("the token endpoint’s answer is not the JSON object of the OAuth 2 standard"));
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  access_token = json_object_get_string_member_with_default (object, "access_token", NULL);
  if (access_token == NULL || access_token[0] == '\0')
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                           _("the token endpoint’s answer holds no access token"));
      return FALSE;
    }

  out_token->access_token = g_strdup (access_token);
  out_token->token_type = g_strdup (json_object_get_string_member_with_default (object, "token_type", "Bearer"));
  out_token->expires_in = json_object_get_int_member_with_default (object, "expires_in", 0);
  return TRUE;
}

/* One token request, to @url.  *@out_absent: the address could not be
 * reached (TLS aside: a certificate problem is no reason to try
 * elsewhere) or has no token endpoint (404), so the fallback token URL
 * may be asked. */
static gboolean
fetch_token_at (SoupSession  *session,
                const char   *url,
                const char   *client_id,
                const char   *client_secret,
                LkCliToken   *out_token,
                guint        *out_status,
                gboolean     *out_absent,
                GError      **error)
{
  g_autoptr (SoupMessage) message = NULL;
  g_autoptr (GBytes) request_body = NULL;
  g_autoptr (GError) local_error = NULL;
  SoupMessageHeaders *headers;
  GBytes *body;
  char *authorization;
  guint status;
  gboolean ok;

  *out_status = 0;
  *out_absent = FALSE;

  message = soup_message_new (SOUP_METHOD_POST, url);
  if (message == NULL)
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                   /* Translators: %s is the address the user gave */
                   _("the token URL %s is not a valid address"), url);
      return FALSE;
    }
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  authorization = lk_client_basic_authorization (client_id, client_secret);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  lk_secret_free (authorization);

  request_body = g_bytes_new_static ("grant_type=client_credentials", strlen ("grant_type=client_credentials"));
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", request_body);

  body = soup_session_send_and_read (session, message, NULL, &local_error);
  if (body == NULL)
    {
      *out_absent = local_error->domain != G_TLS_ERROR &&
                    soup_message_get_tls_peer_certificate_errors (message) == 0;
      g_propagate_error (error, transport_error (url, local_error));
      return FALSE;
    }

  status = soup_message_get_status (message);
  *out_status = status;
  if (status != SOUP_STATUS_OK)
    {
      *out_absent = status == SOUP_STATUS_NOT_FOUND;
      g_propagate_error (error, status_error (url, status, body, client_id, client_secret));
      lk_secret_bytes_unref (body);
      return FALSE;
    }

  ok = parse_token (body, out_token, error);
  lk_secret_bytes_unref (body);
  return ok;
}

gboolean
lk_cli_fetch_token_from (LkPlatform   *platform,
                         const char   *client_id,
                         const char   *client_secret,
                         LkCliToken   *out_token,
                         guint        *out_status,
                         const char  **out_url,
                         GError      **error)
{
  const char *url = lk_platform_get_token_url (platform);
  const char *fallback = lk_platform_get_fallback_token_url (platform);
  const char *ca_file = lk_platform_get_ca_file (platform);
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GError) fallback_error = NULL;
  gboolean absent = FALSE;

  *out_status = 0;
  if (out_url != NULL)
    *out_url = NULL;

  session = soup_session_new_with_options ("timeout", TOKEN_TIMEOUT_SECONDS,
                                           "user-agent", LK_CLI_PROGRAM "/" PACKAGE_VERSION,
                                           NULL);
  if (ca_file != NULL)
    {
      g_autoptr (GTlsDatabase) database = g_tls_file_database_new (ca_file, &local_error);

      if (database == NULL)
        {
          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                       /* Translators: the first %s is a file's path, the second why it
                        * cannot be used */
                       _("the CA file %s cannot be used (%s)"), ca_file, local_error->message);
          return FALSE;
        }
      soup_session_set_tls_database (session, database);
    }

  /* HiddenLayer's current form ({API URL}/oauth2/token) first, then, when
   * it cannot be reached or answers 404, the platform's fallback (the
   * auth.* host of older SDKs), as LkClient does (issue 20). */
  if (fetch_token_at (session, url, client_id, client_secret, out_token, out_status,
                      &absent, &local_error))
    {
      if (out_url != NULL)
        *out_url = url;
      return TRUE;
    }
  if (fallback == NULL || !absent)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (fetch_token_at (session, fallback, client_id, client_secret, out_token, out_status,
                      &absent, &fallback_error))
    {
      if (out_url != NULL)
        *out_url = fallback;
      return TRUE;
    }
  if (!absent)
    {
      g_propagate_error (error, g_steal_pointer (&fallback_error));
      return FALSE;
    }

  g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
               /* Translators: the first and third %s are token URLs, the
                * second and fourth what went wrong there */
               _("neither token URL gave a token: %s (%s); %s (%s)"),
               url, local_error->message, fallback, fallback_error->message);
  return FALSE;
}

gboolean
lk_cli_fetch_token (LkPlatform   *platform,
                    const char   *client_id,
                    const char   *client_secret,
                    LkCliToken   *out_token,
                    guint        *out_status,
                    GError      **error)
{
  return lk_cli_fetch_token_from (platform, client_id, client_secret, out_token, out_status,
                                  NULL, error);
}

/* ---- token ---- */

int
lk_cli_cmd_token (LkCli      *cli,
                  LkCliArgs  *args,
                  GError    **error)
{
  g_auto (GStrv) positional = NULL;
  g_autoptr (LkPlatform) explicit = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkCliStoredKey) key = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  g_autofree char *name = NULL;
  LkCliToken token = { 0 };
  GString *out;
  guint status = 0;
  const char *used_url = NULL;

  if (!lk_cli_parse (cli, args, NULL, _("KEY"),
                     _("Prints a fresh access token for a stored key (its name, key ID or client ID), from its platform’s token endpoint."),
                     &positional, error))
    return LK_CLI_EXIT_USAGE;

  if (positional[0] == NULL || positional[1] != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("token takes one key: its name, key ID or client ID."));
      return LK_CLI_EXIT_USAGE;
    }

  explicit = lk_cli_explicit_platform (cli, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return LK_CLI_EXIT_USAGE;
    }

  key = lk_cli_resolve_stored (cli, positional[0],
                               explicit != NULL ? lk_platform_get_id (explicit) : NULL, TRUE, error);
  if (key == NULL)
    return LK_CLI_EXIT_FAILED;

  platform = lk_cli_platform_for_id (cli, key->platform, error);
  if (platform == NULL)
    return LK_CLI_EXIT_FAILED;

  secret = lk_cli_stored_secret (cli, key, error);
  if (secret == NULL)
    return LK_CLI_EXIT_FAILED;

  name = lk_cli_printable (key->name);
  if (!lk_cli_fetch_token_from (platform, key->client_id, secret, &token, &status, &used_url,
                                &local_error))
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                   /* Translators: %s is a key's name, then the reason */
                   _("Could not get a token for “%s”: %s"), name, local_error->message);
      return LK_CLI_EXIT_FAILED;
    }
  if (g_strcmp0 (used_url, lk_platform_get_token_url (platform)) != 0)
    /* Translators: a note on standard error; %s is the token URL that
     * answered when the first did not */
    g_printerr (_("%s: the token came from %s\n"), LK_CLI_PROGRAM, used_url);

  out = lk_cli_secret_text_new (strlen (token.access_token) + strlen (token.token_type));
  if (cli->json)
    {
      g_autofree char *expires_in = g_strdup_printf ("%" G_GINT64_FORMAT, token.expires_in);

      lk_cli_append_json_member (out, TRUE, "access_token", token.access_token);
      lk_cli_append_json_member (out, FALSE, "token_type", token.token_type);
      g_string_append_printf (out, ",\n  \"expires_in\": %s\n}", expires_in);
    }
  else
    g_string_append (out, token.access_token);
  g_string_append_c (out, '\n');
  lk_cli_token_clear (&token);

  return lk_cli_write_secret_text (out, error) ? LK_CLI_EXIT_OK : LK_CLI_EXIT_FAILED;
}
