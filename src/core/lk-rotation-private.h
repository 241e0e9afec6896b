/* lk-rotation-private.h: what the rotation's files share
 *
 * Rotation is one feature over several files, each with one job:
 *
 *   lk-rotation-plan.c     the successor's defaults: name, expiry
 *   lk-rotation-journal.c  the journal and the scheduled deletions on disk
 *   lk-rotation.c          the steps of one rotation, from any step on
 *   lk-rotation-resume.c   the next start: journal entries, due deletions,
 *                          and the scheduled deletions' API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-rotation.h"
#include "lk-state-file.h"

G_BEGIN_DECLS

/* The step about to be taken (written before it starts). */
typedef enum {
  LK_ROTATION_STEP_CREATE,     /* create the successor and store its secret */
  LK_ROTATION_STEP_VERIFY,     /* sign in as the successor */
  LK_ROTATION_STEP_DELETE,     /* delete the old key (now) and its items */
  LK_ROTATION_STEP_ROLLBACK,   /* delete the successor and its items */
} LkRotationStep;

/* One rotation as the journal holds it: nothing secret. */
typedef struct {
  char             *id;                /* of the rotation (a UUID) */
  char             *api_url;
  char             *token_url;
  char             *old_key_id;
  char             *old_name;
  char             *name;              /* the successor's */
  gint64            expires_at;
  LkPermissions     permissions;
  LkRotationDelete  delete_old;
  gint64            delete_at;
  char             *successor_id;      /* once it exists */
  char             *successor_client_id;
  LkRotationStep    step;
  char             *reason;            /* why a rollback (for the person; no secret) */
  gint64            started;           /* Unix seconds */
} LkRotationEntry;

LkRotationEntry *lk_rotation_entry_new_for_plan (LkPlatform            *platform,
                                                 const LkRotationPlan  *plan);
LkRotationEntry *lk_rotation_entry_copy  (const LkRotationEntry *entry);
void             lk_rotation_entry_free  (LkRotationEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkRotationEntry, lk_rotation_entry_free)

/* ---- lk-rotation-journal.c ---- */

LkStateFile     *lk_rotation_journal_file   (void);

/* The journal's entries (LkRotationEntry) and scheduled deletions
 * (LkScheduledDeletion, soonest first) of @platform in @document. */
GPtrArray       *lk_rotation_journal_entries   (JsonObject  *document,
                                                LkPlatform  *platform);
GPtrArray       *lk_rotation_journal_scheduled (JsonObject  *document,
                                                LkPlatform  *platform);

/* Writes @entry (replacing the one with its ID). */
void             lk_rotation_journal_put_async    (const LkRotationEntry *entry,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
/* Removes @entry; with @schedule_at > 0, in the same write, schedules the
 * deletion of its old key at that time. */
void             lk_rotation_journal_finish_async (const LkRotationEntry *entry,
                                                   gint64                 schedule_at,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
/* Moves the scheduled deletion of @key_id to @delete_at; 0 removes it.
 * Fails with G_IO_ERROR_NOT_FOUND when there is none. */
void             lk_rotation_journal_reschedule_async (LkPlatform          *platform,
                                                       const char          *key_id,
                                                       gint64               delete_at,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* The finish of all three. */
gboolean         lk_rotation_journal_write_finish (GAsyncResult          *result,
                                                   GError               **error);

/* ---- lk-rotation.c ---- */

/* Runs @entry from its step on (a new rotation: LK_ROTATION_STEP_CREATE;
 * a resumed one: wherever it stopped; @secret, when known, is the
 * successor's).  Finish as lk_rotation_run_finish(). */
void             lk_rotation_continue_async (LkClient              *client,
                                             const LkRotationEntry *entry,
                                             const char            *secret,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);

G_END_DECLS
