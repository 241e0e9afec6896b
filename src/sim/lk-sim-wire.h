/* lk-sim-wire.h: the simulator's side of the wire contract
 *
 * What the platform sends and what it reads: replies (keys, whoami,
 * tokens, errors) and the body of a create request.  Field names and the
 * checks of a body come from the client's side of the contract
 * (lk-wire.h, lk-wire-json.h), so both sides speak the same words; these
 * functions keep the contract's lk_wire_ prefix.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include "lk-api-key.h"
#include "lk-permissions.h"

G_BEGIN_DECLS


/* A key as a list page or a create reply holds it; with @client_secret
 * (a create reply) the node holds a copy of it. */
JsonNode  *lk_wire_key_to_json        (LkApiKey            *key,
                                       const char          *client_secret /* nullable */);
JsonNode  *lk_wire_whoami_to_json     (LkApiKey            *key);
/* The reply holds the token: free it with lk_secret_free(). */
char      *lk_wire_build_token_reply  (const char          *access_token,
                                       gint64               expires_in);
/* An RFC 9457 problem; with @field, an "errors" entry names it. */
char      *lk_wire_build_error_body   (const char          *title,
                                       const char          *detail,
                                       const char          *field /* nullable */);
/* A problem that is also an RFC 6749 token error: @code in "error". */
char      *lk_wire_build_oauth_error_body (const char      *title,
                                           const char      *detail,
                                           const char      *code);

G_END_DECLS
