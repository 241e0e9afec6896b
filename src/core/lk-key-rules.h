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

/* Names: 1 to 64 characters after trimming, valid UTF-8, no control
 * characters and no line or paragraph separators (U+2028, U+2029). */
gboolean lk_validate_key_name (const char  *name,
                               GError     **error);

/* Expiry: between 1 and 365 days after @now (both in seconds since the
 * epoch, counted in the user's calendar days). */
gboolean lk_validate_expiry   (gint64       now,
                               gint64       expires_at,
                               GError     **error);

G_END_DECLS
