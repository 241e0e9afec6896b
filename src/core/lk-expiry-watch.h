/* lk-expiry-watch.h: which keys crossed which expiry threshold, once
 *
 * A key "crosses" a threshold of N days when it expires within N
 * calendar days (lk_time_days_between(), from lk_time_now()).  Each key
 * is announced once per threshold, ever: what was announced is kept in
 * the user's state (LkStateFile "expiry-notices.json", nothing secret:
 * platform, key ID, the smallest threshold announced).  A key past
 * several thresholds at once (first seen 5 days before its expiry) is
 * announced at the smallest only.  Keys that cross the same threshold in
 * one check are one group ("3 API keys expire within 7 days").
 *
 * The decision is here, in core, so that it can be tested with
 * lk_time_set_clock(); sending the notifications is the UI's
 * (src/ui/lk-expiry-notifier.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-types.h"

G_BEGIN_DECLS

/* The state file's name in $XDG_STATE_HOME/layer-keys/. */
#define LK_EXPIRY_WATCH_STATE_NAME "expiry-notices.json"

/* Keys that crossed one threshold in one check. */
typedef struct {
  guint      threshold;   /* days */
  GPtrArray *key_ids;     /* char* */
  GPtrArray *names;       /* char*, in the same order */
} LkExpiryGroup;

void   lk_expiry_group_free  (LkExpiryGroup       *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkExpiryGroup, lk_expiry_group_free)

/* "API key “NAME” expires within 7 days", "3 API keys expire within 7
 * days"; translated, with plural forms. */
char  *lk_expiry_group_title (const LkExpiryGroup *group);
/* The names, for a group ("A, B and C"; "A, B, C and 4 more"). */
char  *lk_expiry_group_body  (const LkExpiryGroup *group);

/* Parses "30, 7, 1" (or a GSettings "au") into thresholds: distinct,
 * 1..365, largest first; NULL when none is valid. */
GArray *lk_expiry_watch_parse_thresholds (const char *text);

/* Checks @keys (a GListModel of LkApiKey: a complete list of
 * @platform_id's keys) against @thresholds (guint days), records what it
 * announces in @state, and returns the groups to announce (a GPtrArray
 * of LkExpiryGroup, smallest threshold first; empty when nothing is
 * new).  Entries of keys no longer listed are dropped.  The keys are
 * read in the calling thread; the file in a worker. */
void       lk_expiry_watch_check_async  (LkStateFile         *state,
                                         const char          *platform_id,
                                         GListModel          *keys,
                                         GArray              *thresholds,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray *lk_expiry_watch_check_finish (LkStateFile         *state,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
