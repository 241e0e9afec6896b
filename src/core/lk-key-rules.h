/* lk-key-rules.h: what makes a key name and an expiry acceptable
 *
 * The one home of these rules: the client checks them as you type and
 * before it sends anything, and the platform (the simulator) applies the
 * same ones.  Errors are LK_CLIENT_ERROR_INVALID_INPUT with a sentence a
 * person can act on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What is wrong with a key name, if anything: the rule itself, for
 * whoever words it (the client for a person, the platform for its error
 * body).  Names are checked after trimming white space at both ends. */
typedef enum {
  LK_KEY_NAME_OK,
  LK_KEY_NAME_NOT_UTF8,
  LK_KEY_NAME_EMPTY,
  LK_KEY_NAME_CONTROL_CHARACTER,
  LK_KEY_NAME_LINE_SEPARATOR,      /* U+2028, U+2029 */
  LK_KEY_NAME_TOO_LONG,            /* over LK_WIRE_NAME_MAX_CHARS characters */
} LkKeyNameProblem;

LkKeyNameProblem lk_key_name_check (const char *name);

/* Names: 1 to 64 characters after trimming, valid UTF-8, no control
 * characters and no line or paragraph separators (U+2028, U+2029).  NULL
 * is the empty name. */
gboolean lk_validate_key_name (const char  *name,
                               GError     **error);

/* Expiry: between 1 and 365 days after @now (both in seconds since the
 * epoch, counted in the user's calendar days). */
gboolean lk_validate_expiry   (gint64       now,
                               gint64       expires_at,
                               GError     **error);

G_END_DECLS
