/* lk-secret-reply.h: the two replies that hold a secret, read without copies
 *
 * The token reply holds an access token, the create reply a new key's
 * client secret.  JSON-GLib copies every string it reads, more than once,
 * and frees the copies without wiping them: read through it, a secret is
 * left in the heap several times.  So for these two replies a small
 * scanner takes the secret out first, straight into the one buffer that
 * is handed on (and wiped when freed), and overwrites it in the reply
 * with as many '*' as it has bytes.  The rest of the reply, which holds
 * no secret, is then read by the usual parsers of lk-wire.c, which check
 * it exactly as before (the stand-in has the secret's length, so the
 * limits on it still hold).
 *
 * Both take the reply's own buffer, which they change; the caller wipes
 * and frees it after.  Errors are LK_CLIENT_ERROR_MALFORMED_REPLY.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lk-types.h"

G_BEGIN_DECLS

/* As lk_wire_parse_token(): *@out_token is freed with lk_secret_free(). */
gboolean      lk_secret_reply_parse_token   (char      *data,
                                             gsize      length,
                                             char     **out_token,
                                             gint64    *out_expires_in,
                                             GError   **error);

/* As lk_wire_parse_created(). */
LkCreatedKey *lk_secret_reply_parse_created (char      *data,
                                             gsize      length,
                                             GError   **error);

/* For tests: takes the string member @member out of the top-level object
 * in @data (the last one, if it is there twice, as JSON-GLib would), and
 * leaves '*' in its place.  *@out_secret is NULL when there is no such
 * string member.  FALSE when @data is not a JSON object. */
gboolean      lk_secret_reply_take_member   (char        *data,
                                             gsize        length,
                                             const char  *member,
                                             char       **out_secret);

G_END_DECLS
