/* lk-time.h: RFC 3339 times, expiry arithmetic, and the clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Times in the core are Unix seconds (gint64, UTC).  0 means "unknown". */

/* Parses an RFC 3339 date-time ("2026-11-27T10:00:00Z", with offset or
 * fractional seconds).  Returns FALSE for anything else, without crashing on
 * any input. */
gboolean  lk_time_parse_rfc3339     (const char *text,
                                     gint64     *out_unix);
/* "2026-11-27T10:00:00Z" */
char     *lk_time_format_rfc3339    (gint64      unix_time);
/* "2026-11-27", in UTC */
char     *lk_time_format_date       (gint64      unix_time);

/* Whole calendar days from @now to @then in the local time zone:
 * 0 = expires today, 1 = tomorrow, negative = in the past.  Counts calendar
 * dates, so a daylight-saving change in between does not shift the result. */
int       lk_time_days_between      (gint64      now,
                                     gint64      then);

/* Where "now" comes from: a function answering Unix seconds.  Code that
 * needs today's date or "now" asks lk_time_now(), not the system clock, so
 * a test (or a tool replaying a recorded session) can pin it with
 * lk_time_set_clock().  An answer of 0 or less (an unknown time, before
 * 1970) counts as no answer: real time is used instead. */
typedef gint64 (*LkClockFunc) (gpointer user_data);

/* Makes lk_time_now() ask @func (with @user_data, which must stay valid
 * until the clock is replaced); NULL restores real time.  Safe to call from
 * any thread, though a clock is best set before the threads that read it
 * start. */
void      lk_time_set_clock         (LkClockFunc func,
                                     gpointer    user_data);

/* The current time in Unix seconds: the clock's, or real time. */
gint64    lk_time_now               (void);

/* A human relative phrase: "today", "tomorrow", "in 5 days", "3 days ago",
 * "expired".  Translated, with plural forms. */
/* A whole sentence: "Expires in 5 days.", "Expired 3 days ago." */
char     *lk_time_describe_expiry_sentence (gint64 now,
                                            gint64 expires_at);
char     *lk_time_describe_expiry   (gint64      now,
                                     gint64      expires_at);

G_END_DECLS
