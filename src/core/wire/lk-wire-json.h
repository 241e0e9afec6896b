/* lk-wire-json.h: reading and writing JSON bodies, with the wire's checks
 *
 * The parsers of this folder and the simulator's side of the contract
 * (src/sim/lk-sim-wire.c) read bodies with these helpers, so a reply and a
 * request are checked alike: size, encoding and nesting before JSON-GLib
 * sees the bytes, then the type of every member read.  Errors name the
 * field but never quote the body: a body may hold a secret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include "lk-permissions.h"

G_BEGIN_DECLS

/* Bodies of the contract nest five deep at most; anything much deeper is
 * refused before JSON-GLib's recursive parser sees it. */
#define LK_WIRE_MAX_NESTING_DEPTH 32

/* Who sent the body, which decides the error a bad one gets. */
typedef enum {
  LK_WIRE_SIDE_REPLY,     /* the platform's reply: LK_CLIENT_ERROR_MALFORMED_REPLY */
  LK_WIRE_SIDE_REQUEST,   /* a request to the simulator: LK_CLIENT_ERROR_INVALID_INPUT */
} LkWireSide;

/* Both set @error and return FALSE. */
gboolean    lk_wire_field_missing       (LkWireSide     side,
                                         const char    *field,
                                         GError       **error);
gboolean    lk_wire_field_invalid       (LkWireSide     side,
                                         const char    *field,
                                         GError       **error);

/* TRUE when @data is non-empty, within LK_WIRE_MAX_REPLY_SIZE, valid UTF-8
 * without NUL bytes and nested no deeper than LK_WIRE_MAX_NESTING_DEPTH:
 * the checks lk_wire_load_object() makes before parsing. */
gboolean    lk_wire_body_is_plausible   (const char    *data,
                                         gsize          length);

/* Parses @data into a JSON tree whose root is an object.  Returns the
 * parser (which owns the tree) and the root object. */
JsonParser *lk_wire_load_object         (const char    *data,
                                         gsize          length,
                                         LkWireSide     side,
                                         JsonObject   **out_object,
                                         GError       **error);

gboolean    lk_wire_node_is_type        (JsonNode      *node,
                                         GType          type);

/* Reads a string member.  Required strings must be present and non-empty;
 * an optional one may be missing or null (then *out is NULL).  Strings
 * longer than @max_length bytes are refused. */
gboolean    lk_wire_get_string          (JsonObject    *object,
                                         const char    *field,
                                         gboolean       required,
                                         gsize          max_length,
                                         LkWireSide     side,
                                         const char   **out,
                                         GError       **error);
/* A required RFC 3339 time. */
gboolean    lk_wire_get_time            (JsonObject    *object,
                                         const char    *field,
                                         LkWireSide     side,
                                         gint64        *out,
                                         GError       **error);
/* A non-negative integer that fits in a guint (replies only). */
gboolean    lk_wire_get_count           (JsonObject    *object,
                                         const char    *field,
                                         gboolean       required,
                                         guint         *out,
                                         GError       **error);
/* The "permissions" member; a missing or null one gives empty permissions
 * unless @required. */
gboolean    lk_wire_get_permissions     (JsonObject    *object,
                                         LkWireSide     side,
                                         gboolean       required,
                                         LkPermissions *out,
                                         GError       **error);

/* Overwrites the text of a string member, so that a secret does not
 * linger in a tree after it was copied out. */
void        lk_wire_wipe_string_member  (JsonObject    *object,
                                         const char    *field);

/* The text of a tree, and of an object (which it does not take). */
char       *lk_wire_node_to_data        (JsonNode      *node,
                                         gsize         *out_length);
char       *lk_wire_object_to_data      (JsonObject    *object,
                                         gsize         *out_length);
/* Sets @field to the RFC 3339 form of @unix_time. */
void        lk_wire_set_time_member     (JsonObject    *object,
                                         const char    *field,
                                         gint64         unix_time);

G_END_DECLS
