/* lk-error.h: the error domains of the core layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LkClientError:
 * Errors of LkClient, as codes a user interface can act on.  The message of
 * each error is a sentence a person can read; it never holds a secret.
 */
typedef enum {
  LK_CLIENT_ERROR_AUTHENTICATION_FAILED, /* wrong client ID/secret, expired admin key, 401 after refresh */
  LK_CLIENT_ERROR_PERMISSION_DENIED,     /* 403: message names the missing permission */
  LK_CLIENT_ERROR_NOT_FOUND,             /* 404 */
  LK_CLIENT_ERROR_CONFLICT,              /* 409: e.g. name already used */
  LK_CLIENT_ERROR_INVALID_INPUT,         /* 400/422, or refused before sending; message names the field */
  LK_CLIENT_ERROR_RATE_LIMITED,          /* 429 after retries */
  LK_CLIENT_ERROR_SERVER_ERROR,          /* 5xx after retries */
  LK_CLIENT_ERROR_NETWORK,               /* connection refused, DNS, timeout */
  LK_CLIENT_ERROR_TLS,                   /* certificate not trusted, handshake failure */
  LK_CLIENT_ERROR_MALFORMED_REPLY,       /* reply that is not what the contract says */
  LK_CLIENT_ERROR_INVALID_PLATFORM,      /* bad URL, non-https to a non-loopback host, unreadable CA file */
  LK_CLIENT_ERROR_NOT_SIGNED_IN,         /* no credentials set */
  LK_CLIENT_ERROR_ENDPOINT_MISSING,      /* credentials accepted (or not yet asked), but the platform
                                          * does not offer an endpoint Layer Keys needs: 404, 405 or
                                          * 501 on whoami, list or create, 405/501 on delete, 404 at
                                          * the token URL; the message names it */
} LkClientError;

#define LK_CLIENT_ERROR (lk_client_error_quark ())
GQuark lk_client_error_quark (void);

/**
 * LkStoreError:
 * Errors of LkCredentialStore.
 */
typedef enum {
  LK_STORE_ERROR_NO_SERVICE,   /* no Secret Service on the session bus */
  LK_STORE_ERROR_LOCKED,       /* the collection is locked and was not unlocked */
  LK_STORE_ERROR_TIMEOUT,      /* the service did not answer in time */
  LK_STORE_ERROR_INVALID,      /* refused in code: empty or partial attributes */
  LK_STORE_ERROR_NOT_FOUND,    /* no such item */
  LK_STORE_ERROR_FAILED,       /* anything else the service said */
  LK_STORE_ERROR_PLATFORM_CHANGED, /* a sign-in is remembered for this client ID, but
                                    * for other platform settings: sign in again */
} LkStoreError;

#define LK_STORE_ERROR (lk_store_error_quark ())
GQuark lk_store_error_quark (void);

/* Seconds a keyring operation may take before it fails with
 * LK_STORE_ERROR_TIMEOUT. */
#define LK_STORE_TIMEOUT_SECONDS 8

G_END_DECLS
