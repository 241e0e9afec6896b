/* lk-types.h: the names of the core's types, for headers that only pass
 * them around
 *
 * A header whose declarations take or return an LkClient * (say) needs
 * the name, not lk-client.h and everything that includes in turn.  Each
 * type is still defined, with its API, in its own header; the .c file
 * that calls that API includes it.  (C11 allows a typedef repeated, so
 * G_DECLARE_*_TYPE may name the type again.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LkAccount          LkAccount;
typedef struct _LkAccountPrefetch  LkAccountPrefetch;
typedef struct _LkApiKey           LkApiKey;
typedef struct _LkClient           LkClient;
typedef struct _LkClientSession    LkClientSession;
typedef struct _LkCreatedKey       LkCreatedKey;
typedef struct _LkCredentialStore  LkCredentialStore;
typedef struct _LkPlatform         LkPlatform;
typedef struct _LkStateFile        LkStateFile;

G_END_DECLS
