/* lk-platform.c: where the platform is: region, API base, token URL, CA file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-platform"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>

#include "lk-error.h"
#include "lk-platform.h"

struct _LkPlatform
{
  LkRegion  region;
  char     *api_base;
  char     *token_url;
  char     *fallback_token_url;   /* tried when token_url is unreachable or 404s */
  char     *ca_file;
};

G_DEFINE_BOXED_TYPE (LkPlatform, lk_platform, lk_platform_ref, lk_platform_unref)

/* HiddenLayer's current SDKs ask for tokens at {API URL}/oauth2/token;
 * older SDKs and the hybrid scanner's documentation at auth.…: the first
 * is used, the second when the first is unreachable or answers 404. */
static const struct {
  const char *name;
  const char *api_base;
  const char *token_url;
  const char *fallback_token_url;
} regions[] = {
  [LK_REGION_US] = {
    N_("United States"),
    "https://api.hiddenlayer.ai",
    "https://api.hiddenlayer.ai/oauth2/token",
    "https://auth.hiddenlayer.ai/oauth2/token",
  },
  [LK_REGION_EU] = {
    N_("European Union"),
    "https://api.eu.hiddenlayer.ai",
    "https://api.eu.hiddenlayer.ai/oauth2/token",
    "https://auth.eu.hiddenlayer.ai/oauth2/token",
  },
  [LK_REGION_CUSTOM] = {
    /* Translators: a platform at an address the user types in */
    N_("Custom"),
    NULL,
    NULL,
    NULL,
  },
};

static LkPlatform *
platform_new (LkRegion    region,
              const char *api_base,
              const char *token_url,
              const char *ca_file)
{
  LkPlatform *self = g_atomic_rc_box_new0 (LkPlatform);

  self->region = region;
  self->api_base = g_strdup (api_base);
  self->token_url = g_strdup (token_url);
  self->ca_file = g_strdup (ca_file);

  return self;
}

LkPlatform *
lk_platform_new_region (LkRegion region)
{
  LkPlatform *self;

  g_return_val_if_fail (region == LK_REGION_US || region == LK_REGION_EU, NULL);

  self = platform_new (region, regions[region].api_base, regions[region].token_url, NULL);
  self->fallback_token_url = g_strdup (regions[region].fallback_token_url);
  return self;
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  /* IPv6 literals may come with their brackets. */
  len = strlen (host);
  if (host[0] == '[' && len > 2 && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* A DNS name (internationalised names allowed) or an IP address. */
static gboolean
host_is_valid (const char *host)
{
  g_autofree char *ascii = NULL;

  if (g_hostname_is_ip_address (host))
    return TRUE;

  ascii = g_hostname_to_ascii (host);
  if (ascii == NULL || *ascii == '\0' || *ascii == '.' || *ascii == '-')
    return FALSE;

  for (const char *p = ascii; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;

  return TRUE;
}

/* Parses @url strictly; returns NULL when it is not an absolute http(s)
 * URL with a host. */
static GUri *
parse_http_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || *url == '\0')
    return NULL;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (scheme == NULL || host == NULL || !host_is_valid (host))
    return NULL;
  if (g_ascii_strcasecmp (scheme, "https") != 0 &&
      g_ascii_strcasecmp (scheme, "http") != 0)
    return NULL;

  return g_steal_pointer (&uri);
}

gboolean
lk_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = parse_http_url (url);

  return uri != NULL && host_is_loopback (g_uri_get_host (uri));
}

typedef enum {
  URL_API_BASE,
  URL_TOKEN,
} UrlField;

typedef enum {
  URL_MISSING,
  URL_UNPARSABLE,
  URL_HAS_USERINFO,
  URL_HAS_QUERY,
  URL_NOT_HTTPS,
  N_URL_PROBLEMS
} UrlProblem;

/* Whole sentences per field, so that translators see each one. */
static const char *const url_messages[2][N_URL_PROBLEMS] = {
  [URL_API_BASE] = {
    [URL_MISSING] = N_("The API URL is missing. Enter an address starting with https://."),
    [URL_UNPARSABLE] = N_("The API URL is not a valid web address. Enter an address such as https://api.example.com."),
    [URL_HAS_USERINFO] = N_("The API URL must not contain a user name or password. Sign in with a client ID and secret instead."),
    [URL_HAS_QUERY] = N_("The API URL must not contain a query (?) or a fragment (#)."),
    [URL_NOT_HTTPS] = N_("The API URL must use https. Plain http is allowed only for this computer (localhost)."),
  },
  [URL_TOKEN] = {
    [URL_MISSING] = N_("The token URL is missing. Enter an address starting with https://."),
    [URL_UNPARSABLE] = N_("The token URL is not a valid web address. Enter an address such as https://auth.example.com/oauth2/token."),
    [URL_HAS_USERINFO] = N_("The token URL must not contain a user name or password. Sign in with a client ID and secret instead."),
    [URL_HAS_QUERY] = N_("The token URL must not contain a query (?) or a fragment (#)."),
    [URL_NOT_HTTPS] = N_("The token URL must use https. Plain http is allowed only for this computer (localhost)."),
  },
};

static gboolean
url_error (UrlField     field,
           UrlProblem   problem,
           GError     **error)
{
  g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                       _(url_messages[field][problem]));
  return FALSE;
}

static gboolean
validate_url (const char  *url,
              UrlField     field,
              GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (url == NULL || *url == '\0')
    return url_error (field, URL_MISSING, error);

  /* Spaces and control characters (a pasted newline) have no place in an
   * address, and must not travel into requests or keyring attributes. */
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p == 0x7f)
      return url_error (field, URL_UNPARSABLE, error);

  uri = parse_http_url (url);
  if (uri == NULL)
    return url_error (field, URL_UNPARSABLE, error);

  if (g_uri_get_user (uri) != NULL || g_uri_get_password (uri) != NULL)
    return url_error (field, URL_HAS_USERINFO, error);

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return url_error (field, URL_HAS_QUERY, error);

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 &&
      !host_is_loopback (g_uri_get_host (uri)))
    return url_error (field, URL_NOT_HTTPS, error);

  return TRUE;
}

static gboolean
validate_ca_file (const char  *ca_file,
                  GError     **error)
{
  g_autolist(GTlsCertificate) certificates = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                   _("The CA file does not exist. Choose the PEM file that holds your platform’s certificate authority."));
      return FALSE;
    }

  if (g_access (ca_file, R_OK) != 0)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                   _("The CA file cannot be read. Check its permissions."));
      return FALSE;
    }

  certificates = g_tls_certificate_list_new_from_file (ca_file, &local_error);
  if (certificates == NULL)
    {
      g_set_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                   _("The CA file holds no certificate. Choose a PEM file with at least one certificate."));
      return FALSE;
    }

  return TRUE;
}

LkPlatform *
lk_platform_new_custom (const char  *api_base,
                        const char  *token_url,
                        const char  *ca_file,
                        GError     **error)
{
  g_autofree char *base = NULL;
  gsize len;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_url (api_base, URL_API_BASE, error) ||
      !validate_url (token_url, URL_TOKEN, error))
    return NULL;

  if (ca_file != NULL && *ca_file == '\0')
    ca_file = NULL;
  if (ca_file != NULL && !validate_ca_file (ca_file, error))
    return NULL;

  base = g_strdup (api_base);
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';

  return platform_new (LK_REGION_CUSTOM, base, token_url, ca_file);
}

LkPlatform *
lk_platform_with_fallback_token_url (LkPlatform  *self,
                                     const char  *fallback_token_url,
                                     GError     **error)
{
  LkPlatform *copy;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (fallback_token_url != NULL && !validate_url (fallback_token_url, URL_TOKEN, error))
    return NULL;

  copy = platform_new (self->region, self->api_base, self->token_url, self->ca_file);
  copy->fallback_token_url = g_strdup (fallback_token_url);
  return copy;
}

LkPlatform *
lk_platform_ref (LkPlatform *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
lk_platform_clear (gpointer data)
{
  LkPlatform *self = data;

  g_free (self->api_base);
  g_free (self->token_url);
  g_free (self->fallback_token_url);
  g_free (self->ca_file);
}

void
lk_platform_unref (LkPlatform *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, lk_platform_clear);
}

LkRegion
lk_platform_get_region (LkPlatform *self)
{
  g_return_val_if_fail (self != NULL, LK_REGION_CUSTOM);

  return self->region;
}

const char *
lk_platform_get_api_base (LkPlatform *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->api_base;
}

const char *
lk_platform_get_token_url (LkPlatform *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->token_url;
}

const char *
lk_platform_get_fallback_token_url (LkPlatform *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->fallback_token_url;
}

const char *
lk_platform_get_ca_file (LkPlatform *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ca_file;
}

const char *
lk_platform_get_id (LkPlatform *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->api_base;
}

char *
lk_platform_dup_ca_fingerprint (LkPlatform  *self,
                                GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->ca_file == NULL)
    return NULL;

  if (!g_file_get_contents (self->ca_file, &contents, &length, NULL))
    {
      g_set_error_literal (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                           _("The CA file could not be read. Choose a file in PEM format in Custom region settings."));
      return NULL;
    }

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

const char *
lk_region_get_name (LkRegion region)
{
  g_return_val_if_fail ((guint) region < G_N_ELEMENTS (regions), NULL);

  return _(regions[region].name);
}
