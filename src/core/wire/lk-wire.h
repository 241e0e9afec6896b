/* lk-wire.h: the platform's wire contract in one place
 *
 * Every path and field name the client and the simulator use lives here
 * and in the files of this folder, so the client can be re-pointed when
 * the real endpoints differ (docs/platform-api.md describes the contract).
 * The parsers take raw bytes from the network: they accept any input
 * without crashing and fail with LK_CLIENT_ERROR_MALFORMED_REPLY.
 *
 *   lk-wire-json.c         loading a body and reading its members, with checks
 *   lk-wire-parse.c        the tree parsers: token, whoami, keys, created key
 *   lk-wire-scan.c         the one-pass reader of key pages
 *   lk-wire-errors.c       error bodies, whatever their shape
 *   lk-wire-build.c        what the client sends: the create body, key paths
 *   lk-wire-permissions.c  category and access names, permissions as JSON
 *
 * The simulator's side (replies, reading a create request) is in
 * src/sim/lk-sim-wire.c, built on lk-wire-json.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include "lk-api-key.h"
#include "lk-permissions.h"

G_BEGIN_DECLS

/* Paths, relative to the API base. */
#define LK_WIRE_PATH_WHOAMI       "/api/v1/whoami"
#define LK_WIRE_PATH_KEYS         "/api/v1/api-keys"   /* GET ?offset=&limit=, POST */
#define LK_WIRE_PATH_KEY_PREFIX   "/api/v1/api-keys/"  /* DELETE + id */

/* Permission categories and access words, as the platform spells them. */
#define LK_WIRE_CATEGORY_API_KEYS        "api_keys"
#define LK_WIRE_CATEGORY_DETECTIONS      "detections"
#define LK_WIRE_CATEGORY_INFERENCE       "inference"
#define LK_WIRE_CATEGORY_MODEL_INVENTORY "model_inventory"
#define LK_WIRE_CATEGORY_MODEL_SCANNER   "model_scanner"
#define LK_WIRE_CATEGORY_USERS           "users"
#define LK_WIRE_ACCESS_READ              "read"
#define LK_WIRE_ACCESS_WRITE             "write"
#define LK_WIRE_ACCESS_DELETE            "delete"

/* Members of the replies and of the create request. */
#define LK_WIRE_FIELD_ACCESS_TOKEN  "access_token"
#define LK_WIRE_FIELD_TOKEN_TYPE    "token_type"
#define LK_WIRE_FIELD_EXPIRES_IN    "expires_in"
#define LK_WIRE_FIELD_ID            "id"
#define LK_WIRE_FIELD_KEY_ID        "key_id"
#define LK_WIRE_FIELD_NAME          "name"
#define LK_WIRE_FIELD_CLIENT_ID     "client_id"
#define LK_WIRE_FIELD_CLIENT_SECRET "client_secret"
#define LK_WIRE_FIELD_CREATED_AT    "created_at"
#define LK_WIRE_FIELD_CREATED_BY    "created_by"
#define LK_WIRE_FIELD_TENANT_ID     "tenant_id"
#define LK_WIRE_FIELD_EXPIRES_AT    "expires_at"
#define LK_WIRE_FIELD_PERMISSIONS   "permissions"
/* Error bodies: RFC 9457 problems, their "errors" entries, FastAPI lists. */
#define LK_WIRE_FIELD_TYPE          "type"
#define LK_WIRE_FIELD_TITLE         "title"
#define LK_WIRE_FIELD_DETAIL        "detail"
#define LK_WIRE_FIELD_ERRORS        "errors"
#define LK_WIRE_FIELD_FIELD         "field"
#define LK_WIRE_FIELD_POINTER       "pointer"
#define LK_WIRE_FIELD_MESSAGE       "message"
#define LK_WIRE_FIELD_MSG           "msg"
#define LK_WIRE_FIELD_LOC           "loc"
#define LK_WIRE_FIELD_OAUTH_DETAIL  "error_description"

#define LK_WIRE_TOKEN_TYPE_BEARER   "Bearer"

#define LK_WIRE_HEADER_IDEMPOTENCY "Idempotency-Key"
#define LK_WIRE_HEADER_RETRY_AFTER "Retry-After"

/* The list's query parameters and page members ({items, offset, limit,
 * total}), the token request's form (RFC 6749 client credentials), and the
 * token path the simulator serves (the real token URL is a region's own). */
#define LK_WIRE_QUERY_OFFSET             "offset"
#define LK_WIRE_QUERY_LIMIT              "limit"
#define LK_WIRE_PAGE_ITEMS               "items"
#define LK_WIRE_PAGE_OFFSET              "offset"
#define LK_WIRE_PAGE_LIMIT               "limit"
#define LK_WIRE_PAGE_TOTAL               "total"
#define LK_WIRE_FORM_GRANT_TYPE          "grant_type"
#define LK_WIRE_GRANT_CLIENT_CREDENTIALS "client_credentials"
#define LK_WIRE_OAUTH_ERROR              "error"  /* RFC 6749 error code member */
#define LK_WIRE_PATH_TOKEN               "/oauth2/token"

#define LK_WIRE_PAGE_LIMIT_MAX    100
#define LK_WIRE_NAME_MAX_CHARS    64
#define LK_WIRE_EXPIRY_MIN_DAYS   1
#define LK_WIRE_EXPIRY_MAX_DAYS   365
#define LK_WIRE_DEFAULT_TOKEN_LIFETIME 3600

/* Replies are refused above this size (bytes). */
#define LK_WIRE_MAX_REPLY_SIZE    (16 * 1024 * 1024)
/* The largest request body the platform reads; larger ones get 413. */
#define LK_WIRE_MAX_REQUEST_SIZE  (1024 * 1024)
/* Strings longer than this (bytes) in a reply are refused as malformed. */
#define LK_WIRE_MAX_FIELD_LENGTH  4096
/* Access tokens (often JWTs) may be longer than other strings (bytes). */
#define LK_WIRE_MAX_TOKEN_LENGTH  (64 * 1024)

/* Token reply: {access_token, token_type, expires_in}.  expires_in falls
 * back to LK_WIRE_DEFAULT_TOKEN_LIFETIME when missing. *out_token must be
 * freed with lk_secret_free(). */
gboolean   lk_wire_parse_token        (const char    *data,
                                       gsize          length,
                                       char         **out_token,
                                       gint64        *out_expires_in,
                                       GError       **error);

/* whoami: {key_id, name, client_id, expires_at, permissions} -> LkApiKey
 * whose id is key_id. */
LkApiKey  *lk_wire_parse_whoami       (const char    *data,
                                       gsize          length,
                                       GError       **error);

/* A key object inside a reply (also used by the simulator's tests). */
LkApiKey  *lk_wire_key_from_json      (JsonNode      *node,
                                       GError       **error);

/* List page: {items, offset, limit, total}.  *out_items holds LkApiKey. */
gboolean   lk_wire_parse_key_page     (const char    *data,
                                       gsize          length,
                                       GPtrArray    **out_items,
                                       guint         *out_offset,
                                       guint         *out_total,
                                       GError       **error);

/* Create reply: the key plus client_secret.  The secret must be non-empty. */
LkCreatedKey *lk_wire_parse_created   (const char    *data,
                                       gsize          length,
                                       GError       **error);

/* Error bodies: {detail} or RFC 9457 {type, title, detail, errors}, an
 * OAuth 2 {error, error_description} (as title and detail), or anything
 * else (then all outputs are NULL).  *out_field is the field an
 * "errors" member or a 422 names, if any.  Never fails. */
void       lk_wire_parse_error_body   (const char    *data,
                                       gsize          length,
                                       char         **out_title,
                                       char         **out_detail,
                                       char         **out_field);

/* The body of a create request. */
char      *lk_wire_build_create_body  (const char          *name,
                                       gint64               expires_at,
                                       const LkPermissions *permissions,
                                       gsize               *out_length);

/* Parses a create request body.  Fails with LK_CLIENT_ERROR_INVALID_INPUT
 * naming the field.  Checks the types only: the caller checks the name's
 * length (LK_WIRE_NAME_MAX_CHARS) and the expiry range.  Missing or null
 * permissions give empty permissions. */
gboolean   lk_wire_parse_create_body  (const char          *data,
                                       gsize                length,
                                       char               **out_name,
                                       gint64              *out_expires_at,
                                       LkPermissions       *out_permissions,
                                       GError             **error);

/* LK_WIRE_PATH_KEY_PREFIX + the id, escaped for use in a path. */
char      *lk_wire_build_key_path     (const char          *id);

/* Permissions on the wire: {"api_keys": ["read"], ...}; only categories
 * with access are members. */
JsonNode  *lk_permissions_to_json     (const LkPermissions *self);
/* Accepts a JSON object as above; unknown categories and unknown access
 * words are ignored; anything that is not an object of arrays of strings
 * fails with LK_CLIENT_ERROR_MALFORMED_REPLY.  A NULL or JSON-null node
 * gives empty permissions. */
gboolean   lk_permissions_from_json   (JsonNode            *node,
                                       LkPermissions       *out,
                                       GError             **error);
/* The platform's names of categories and access bits. */
const char *lk_category_get_wire_name (LkCategory           category);  /* "model_inventory" */
gboolean   lk_category_from_wire_name (const char          *name,
                                       LkCategory          *out);
const char *lk_access_get_wire_name   (LkAccess             access);    /* "read" */

G_END_DECLS
