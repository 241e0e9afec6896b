/* lk-rotation.h: replacing a key with a verified successor
 *
 * The platform has no rotate: a rotation is built from what it has
 * (docs/platform-api.md): create, the token endpoint, whoami and delete.
 *
 *   1. create the successor (LkClient's create: Idempotency-Key, and its
 *      secret stored in the client's store as any new key's);
 *   2. verify it: a client of its own signs in with the successor's client
 *      ID and secret (a token, then whoami, which must name the successor);
 *   3. the old key: deleted now (with its keyring items), scheduled for
 *      deletion at a time, or kept.
 *
 * A successor whose secret the store did not take, or that cannot be
 * verified, is deleted again (with its item) and the old key is left as it
 * was: the rotation fails with LK_ROTATION_ERROR_ROLLED_BACK saying why.
 *
 * Every step is written to the rotation journal in the user's state folder
 * (g_get_user_state_dir()/layer-keys/rotations.json) before it starts:
 * names, key IDs, client IDs, expiry, permissions and the step; never a
 * secret.  A rotation cut short (a crash, a quit, the network) is resumed
 * or rolled back by lk_rotation_resume_async() at the next sign-in to the
 * same platform.  Deletions scheduled for later are kept in the same file
 * until they are carried out (lk_rotation_resume_async() runs those that
 * are due), cancelled or brought forward.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "lk-client.h"

G_BEGIN_DECLS

#define LK_ROTATION_ERROR (lk_rotation_error_quark ())
GQuark lk_rotation_error_quark (void);

typedef enum {
  LK_ROTATION_ERROR_INVALID,          /* the plan: a name, expiry or key refused before anything
                                       * was asked of the platform */
  LK_ROTATION_ERROR_NOT_CREATED,      /* the successor was not made: nothing changed */
  LK_ROTATION_ERROR_ROLLED_BACK,      /* the successor was made but not stored or verified: it was
                                       * deleted again, the old key is untouched */
  LK_ROTATION_ERROR_UNFINISHED,       /* stopped between steps (the network, a cancel): the journal
                                       * keeps it, the next lk_rotation_resume_async() finishes it */
  LK_ROTATION_ERROR_JOURNAL,          /* the journal could not be written: nothing was started */
} LkRotationError;

/* When the old key goes. */
typedef enum {
  LK_ROTATION_DELETE_NOW,
  LK_ROTATION_DELETE_LATER,           /* at the plan's delete_at */
  LK_ROTATION_DELETE_NEVER,           /* keep both */
} LkRotationDelete;

/* What the successor will be.  lk_rotation_plan_new() fills in the
 * defaults; a caller may change any of them before running it. */
typedef struct {
  char             *old_key_id;
  char             *old_name;
  char             *name;             /* the successor's */
  gint64            expires_at;       /* the successor's, Unix seconds */
  LkPermissions     permissions;      /* the successor's */
  LkRotationDelete  delete_old;
  gint64            delete_at;        /* Unix seconds, for LK_ROTATION_DELETE_LATER */
} LkRotationPlan;

/* Longest and shortest lifetime the platform gives a key. */
#define LK_ROTATION_MIN_LIFETIME_DAYS 1
#define LK_ROTATION_MAX_LIFETIME_DAYS 365

/* The default plan to rotate @old_key at @now: the same permissions; an
 * expiry the old key's lifetime after @now (its created-to-expires span,
 * within 1..365 days; 90 days when unknown); the old name with a short
 * suffix (" (rotated 2026-05-01)", then " 2", " 3"… when taken), unique
 * among @keys (a GListModel of LkApiKey, may be NULL) and valid by
 * lk_validate_key_name(); the old key deleted now. */
LkRotationPlan *lk_rotation_plan_new     (LkApiKey             *old_key,
                                          GListModel           *keys,
                                          gint64                now);
LkRotationPlan *lk_rotation_plan_copy    (const LkRotationPlan *plan);
void            lk_rotation_plan_free    (LkRotationPlan       *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkRotationPlan, lk_rotation_plan_free)

/* The successor's default name for @old_name: unique among @keys. */
char           *lk_rotation_successor_name   (const char  *old_name,
                                              GListModel  *keys,
                                              gint64       now);
/* The successor's default expiry for @old_key at @now. */
gint64          lk_rotation_successor_expiry (LkApiKey    *old_key,
                                              gint64       now);

/* What became of a rotation. */
typedef struct {
  LkCreatedKey *successor;            /* its secret stored (successor->stored), verified; NULL
                                       * when a resume found it in the keyring */
  char         *successor_id;
  char         *successor_name;
  char         *old_key_id;
  char         *old_name;
  gboolean      old_deleted;          /* the old key and its items are gone */
  gint64        delete_at;            /* when the old key will be deleted; 0: never (or deleted) */
  GError       *delete_error;         /* why the old key could not be deleted now (it then is
                                       * scheduled, due at once), else NULL */
} LkRotationOutcome;

void            lk_rotation_outcome_free (LkRotationOutcome    *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkRotationOutcome, lk_rotation_outcome_free)

/* Rotates the key of @plan with @client (signed in, its store set: the
 * successor's secret must be kept somewhere).  Finish returns the
 * outcome, or NULL with an LK_ROTATION_ERROR whose message says what
 * happened and what was left as it was.  Cancelling stops it between
 * steps (LK_ROTATION_ERROR_UNFINISHED); a create already sent is
 * finished first, so no secret is lost. */
void               lk_rotation_run_async   (LkClient             *client,
                                            const LkRotationPlan *plan,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
LkRotationOutcome *lk_rotation_run_finish  (GAsyncResult         *result,
                                            GError              **error);

/* ---- The next start: rotations cut short, deletions that are due ---- */

typedef struct {
  GPtrArray *recovered;    /* LkCreatedKey: creates of earlier runs whose secret came back
                            * (lk_client_recover_creates_async()); show those not stored */
  GPtrArray *completed;    /* LkRotationOutcome: rotations finished now */
  GPtrArray *rolled_back;  /* char*: names of successors deleted again (old key untouched) */
  GPtrArray *deleted;      /* char*: names of old keys deleted as scheduled */
  GPtrArray *failed;       /* GError*: what could not be done now; tried again next time */
  GPtrArray *lost;         /* LkLostCreate: keys made by creates of earlier runs whose
                            * secret can no longer be had; ask the user (keep or delete) */
} LkRotationResume;

void              lk_rotation_resume_free   (LkRotationResume *resume);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkRotationResume, lk_rotation_resume_free)

/* For @client's platform (signed in, its store set): settles the creates
 * of earlier runs (lk_client_recover_creates_async(): a successor whose
 * reply was lost gets its secret back), then finishes or rolls back each
 * rotation of the journal (listing the keys first when @client has not),
 * then deletes the old keys whose time has come.  Fails only when
 * cancelled or the journal cannot be read. */
void              lk_rotation_resume_async  (LkClient             *client,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
LkRotationResume *lk_rotation_resume_finish (GAsyncResult         *result,
                                             GError              **error);

/* ---- Scheduled deletions ---- */

typedef struct {
  char   *key_id;
  char   *name;
  char   *successor_id;
  char   *successor_name;
  gint64  delete_at;       /* Unix seconds */
} LkScheduledDeletion;

void     lk_scheduled_deletion_free (LkScheduledDeletion *deletion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkScheduledDeletion, lk_scheduled_deletion_free)

/* The deletions scheduled on @platform (LkScheduledDeletion), soonest
 * first; the rotations journaled and not finished are not among them. */
void       lk_rotation_list_scheduled_async   (LkPlatform           *platform,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray *lk_rotation_list_scheduled_finish  (GAsyncResult         *result,
                                               GError              **error);
/* Moves the deletion of @key_id to @delete_at (bring it forward: now);
 * 0 cancels it (the key is kept).  FALSE with G_IO_ERROR_NOT_FOUND when
 * none is scheduled. */
void       lk_rotation_reschedule_async       (LkPlatform           *platform,
                                               const char           *key_id,
                                               gint64                delete_at,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean   lk_rotation_reschedule_finish      (GAsyncResult         *result,
                                               GError              **error);
/* Deletes (with @client) the old keys whose time has come, and their
 * keyring items; finish gives the names of those deleted (char*).  A key
 * already gone counts as deleted; one that could not be deleted stays
 * scheduled and is in @out_failed (GError*). */
void       lk_rotation_run_due_async          (LkClient             *client,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray *lk_rotation_run_due_finish         (GAsyncResult         *result,
                                               GPtrArray           **out_failed,
                                               GError              **error);

G_END_DECLS
