/* lk-platform.h: where the platform is: region, API base, token URL, CA file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  LK_REGION_US,
  LK_REGION_EU,
  LK_REGION_CUSTOM,
} LkRegion;

/* An immutable, reference-counted description of one platform. */
typedef struct _LkPlatform LkPlatform;

#define LK_TYPE_PLATFORM (lk_platform_get_type ())
GType        lk_platform_get_type       (void) G_GNUC_CONST;

LkPlatform  *lk_platform_new_region     (LkRegion     region);
/* Validates: both URLs parse, are https (plain http only to loopback
 * addresses: 127.0.0.0/8, ::1, localhost), and the CA file, when given,
 * exists and holds at least one certificate.  Errors are
 * LK_CLIENT_ERROR_INVALID_PLATFORM with a message naming the field. */
LkPlatform  *lk_platform_new_custom     (const char  *api_base,
                                         const char  *token_url,
                                         const char  *ca_file,
                                         GError     **error);
/* A copy of @self whose token requests go to @fallback_token_url (NULL:
 * none) when its token URL is unreachable or answers 404.  The regions
 * have one (auth.hiddenlayer.ai); tests give one to a custom platform.
 * Validated as the token URL is. */
LkPlatform  *lk_platform_with_fallback_token_url (LkPlatform  *self,
                                         const char  *fallback_token_url,
                                         GError     **error);
LkPlatform  *lk_platform_ref            (LkPlatform  *self);
void         lk_platform_unref          (LkPlatform  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkPlatform, lk_platform_unref)

LkRegion     lk_platform_get_region     (LkPlatform  *self);
/* Without a trailing slash: "https://api.hiddenlayer.ai" */
const char  *lk_platform_get_api_base   (LkPlatform  *self);
const char  *lk_platform_get_token_url  (LkPlatform  *self);
/* May be NULL: then the token URL is the only one. */
const char  *lk_platform_get_fallback_token_url (LkPlatform *self);
const char  *lk_platform_get_ca_file    (LkPlatform  *self);  /* may be NULL */
/* The value of the keyring attribute "platform": the API base URL. */
const char  *lk_platform_get_id         (LkPlatform  *self);
/* The SHA-256 of the CA file as it is now, in lowercase hex; NULL (and
 * no error) when the platform has no CA file.  Fails with
 * LK_CLIENT_ERROR_INVALID_PLATFORM when the file cannot be read.  Part of
 * what a remembered sign-in is bound to: a CA file that changed makes
 * another platform. */
char        *lk_platform_dup_ca_fingerprint (LkPlatform  *self,
                                             GError     **error);
const char  *lk_region_get_name         (LkRegion     region); /* "United States", translated */

/* TRUE for http(s) URLs whose host is a loopback address. */
gboolean     lk_url_is_loopback         (const char  *url);

G_END_DECLS
