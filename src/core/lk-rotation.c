/* lk-rotation.c: the steps of one rotation
 *
 *   create    LkClient's create: Idempotency-Key, the secret to the store
 *             first.  Refused: nothing changed.  Outcome unknown (the
 *             network): the journal keeps it at "create", for the next
 *             start to settle.  Not stored: roll back.
 *   verify    a client of its own signs in with the successor's
 *             credentials; whoami must name the successor.  Any failure:
 *             roll back.
 *   delete    the old key and its keyring items (a key already gone counts
 *             as deleted); a delete that fails becomes a deletion
 *             scheduled for now, so that the next start tries again.
 *             Later: scheduled; never: kept.
 *   rollback  the successor and its keyring item are deleted; the old key
 *             is left as it was.
 *
 * Each step is written to the journal (lk-rotation-journal.c) before it
 * starts.  A resumed rotation (lk-rotation-resume.c) enters at its step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotation"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-rotation-private.h"
#include "lk-secret.h"
#include "lk-time.h"

typedef struct {
  LkClient          *client;
  LkCredentialStore *store;
  LkRotationEntry   *entry;
  char              *secret;          /* the successor's; wiped */
  LkCreatedKey      *created;         /* when this run made it */
  LkClient          *verifier;
  GError            *delete_error;
  gboolean           old_deleted;
  gint64             scheduled_at;
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->client);
  g_clear_object (&run->store);
  lk_rotation_entry_free (run->entry);
  lk_secret_free (run->secret);
  g_clear_pointer (&run->created, lk_created_key_unref);
  g_clear_object (&run->verifier);
  g_clear_error (&run->delete_error);
  g_free (run);
}

static void step_dispatch (GTask *task);

static const char *
platform_id (Run *run)
{
  return lk_platform_get_id (lk_client_get_platform (run->client));
}

/* ------------------------------------------------------------------------
 * The end
 * ------------------------------------------------------------------------ */

static void
run_succeeded (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  LkRotationOutcome *outcome = g_new0 (LkRotationOutcome, 1);

  outcome->successor = run->created != NULL ? lk_created_key_ref (run->created) : NULL;
  outcome->successor_id = g_strdup (run->entry->successor_id);
  outcome->successor_name = g_strdup (run->entry->name);
  outcome->old_key_id = g_strdup (run->entry->old_key_id);
  outcome->old_name = g_strdup (run->entry->old_name);
  outcome->old_deleted = run->old_deleted;
  outcome->delete_at = run->scheduled_at;
  outcome->delete_error = g_steal_pointer (&run->delete_error);
  g_task_return_pointer (task, outcome, (GDestroyNotify) lk_rotation_outcome_free);
}

static void
on_journal_finished (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (G_IS_TASK (task));

  /* The keys are as they should be; a journal that could not be cleared
   * is finished again (harmlessly) at the next start. */
  if (!lk_rotation_journal_write_finish (result, &error))
    g_warning ("A finished rotation could not be removed from the journal: %s", error->message);

  run_succeeded (task);
}

static void
run_finish_journal (GTask  *task,
                    gint64  schedule_at)
{
  Run *run = g_task_get_task_data (task);

  run->scheduled_at = schedule_at;
  lk_rotation_journal_finish_async (run->entry, schedule_at, on_journal_finished, g_object_ref (task));
}

/* ------------------------------------------------------------------------
 * Writing the next step
 * ------------------------------------------------------------------------ */

static void
on_step_journaled (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (G_IS_TASK (task));

  if (!lk_rotation_journal_write_finish (result, &error))
    {
      /* Before the first step, nothing has happened yet: refuse. */
      if (run->entry->step == LK_ROTATION_STEP_CREATE && run->entry->successor_id == NULL)
        {
          g_task_return_new_error (task, LK_ROTATION_ERROR, LK_ROTATION_ERROR_JOURNAL,
                                   /* Translators: %s says why a file could not be written */
                                   _("The rotation was not started, because its journal could not be written: %s"),
                                   error->message);
          return;
        }
      /* Half-way, stopping would leave more behind than going on. */
      g_warning ("The rotation’s journal could not be written: %s", error->message);
    }

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)) &&
      run->entry->step != LK_ROTATION_STEP_ROLLBACK)
    {
      g_task_return_new_error (task, LK_ROTATION_ERROR, LK_ROTATION_ERROR_UNFINISHED,
                               _("The rotation was stopped before it finished. It will be finished or undone the next time you sign in."));
      return;
    }

  step_dispatch (task);
}

/* Sets the step, writes it, then takes it. */
static void
step_to (GTask          *task,
         LkRotationStep  step)
{
  Run *run = g_task_get_task_data (task);

  run->entry->step = step;
  lk_rotation_journal_put_async (run->entry, on_step_journaled, g_object_ref (task));
}

static void
roll_back (GTask      *task,
           const char *reason)
{
  Run *run = g_task_get_task_data (task);

  g_free (run->entry->reason);
  run->entry->reason = g_strdup (reason);
  step_to (task, LK_ROTATION_STEP_ROLLBACK);
}

/* ------------------------------------------------------------------------
 * Rollback: the successor goes
 * ------------------------------------------------------------------------ */

static void
rollback_done (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *old_name = lk_key_name_make_visible (run->entry->old_name);

  g_task_return_new_error (task, LK_ROTATION_ERROR, LK_ROTATION_ERROR_ROLLED_BACK,
                           /* Translators: the first %s is a key's name, the second why
                            * its successor could not be kept */
                           _("“%s” was not rotated and still works: %s The new key was deleted again."),
                           old_name, run->entry->reason != NULL ? run->entry->reason : "");
}

static void
on_rollback_journaled (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!lk_rotation_journal_write_finish (result, &error))
    g_warning ("A rolled back rotation could not be removed from the journal: %s", error->message);
  rollback_done (task);
}

static void
on_successor_item_forgotten (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!lk_credential_store_forget_key_finish (LK_CREDENTIAL_STORE (source), result, &error))
    g_message ("A deleted successor’s keyring item could not be removed: %s", error->message);

  /* Its create is settled: nothing to recover for a key deleted again. */
  lk_client_forget_create (run->client, run->entry->name);
  lk_rotation_journal_finish_async (run->entry, 0, on_rollback_journaled, g_steal_pointer (&task));
}

static void
on_successor_deleted (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *old_name = NULL;

  if (lk_client_delete_key_finish (run->client, result, &error) ||
      g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
    {
      /* Gone; its item too (a delete that found no key leaves it). */
      lk_credential_store_forget_key_async (run->store, platform_id (run), run->entry->successor_id,
                                            NULL, on_successor_item_forgotten, g_steal_pointer (&task));
      return;
    }

  /* The journal keeps the rollback for the next start. */
  old_name = lk_key_name_make_visible (run->entry->old_name);
  g_task_return_new_error (task, LK_ROTATION_ERROR, LK_ROTATION_ERROR_UNFINISHED,
                           /* Translators: the first %s is a key's name, the second why its
                            * successor could not be kept, the third why it could not be deleted */
                           _("“%s” was not rotated and still works: %s The new key could not be deleted again (%s); this will be tried again the next time you sign in."),
                           old_name, run->entry->reason != NULL ? run->entry->reason : "", error->message);
}

static void
step_rollback (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->entry->successor_id == NULL)
    {
      lk_rotation_journal_finish_async (run->entry, 0, on_rollback_journaled, g_object_ref (task));
      return;
    }

  /* Not cancellable: a half-made rotation is undone whatever happens. */
  lk_client_delete_key_async (run->client, run->entry->successor_id, NULL,
                              on_successor_deleted, g_object_ref (task));
}

/* ------------------------------------------------------------------------
 * Delete: the old key goes (now)
 * ------------------------------------------------------------------------ */

static void
on_old_item_forgotten (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!lk_credential_store_forget_key_finish (LK_CREDENTIAL_STORE (source), result, &error))
    g_message ("An old key’s keyring item could not be removed: %s", error->message);
  run_finish_journal (task, 0);
}

static void
on_old_deleted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (lk_client_delete_key_finish (run->client, result, &error) ||
      g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      run->old_deleted = TRUE;
      /* lk_client_delete_key_async() removed its items; one that found no
       * key did not. */
      lk_credential_store_forget_key_async (run->store, platform_id (run), run->entry->old_key_id,
                                            NULL, on_old_item_forgotten, g_steal_pointer (&task));
      return;
    }

  /* The successor works; the old key stays until the next try, which is
   * due at once. */
  run->delete_error = error;
  run_finish_journal (task, MAX (lk_time_now (), 1));
}

static void
step_delete (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  lk_client_delete_key_async (run->client, run->entry->old_key_id, NULL,
                              on_old_deleted, g_object_ref (task));
}

static void
after_verified (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  switch (run->entry->delete_old)
    {
    case LK_ROTATION_DELETE_NOW:
      step_to (task, LK_ROTATION_STEP_DELETE);
      break;
    case LK_ROTATION_DELETE_LATER:
      run_finish_journal (task, MAX (run->entry->delete_at, 1));
      break;
    case LK_ROTATION_DELETE_NEVER:
    default:
      run_finish_journal (task, 0);
      break;
    }
}

/* ------------------------------------------------------------------------
 * Verify: the successor signs in
 * ------------------------------------------------------------------------ */

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  whoami = lk_client_sign_in_finish (LK_CLIENT (source), result, &error);
  g_clear_object (&run->verifier);

  if (whoami != NULL &&
      (g_strcmp0 (lk_api_key_get_id (whoami), run->entry->successor_id) == 0 ||
       g_strcmp0 (lk_api_key_get_client_id (whoami), run->entry->successor_client_id) == 0))
    {
      after_verified (task);
      return;
    }

  if (whoami != NULL)
    reason = g_strdup (_("The platform took the new key’s credentials for another key’s."));
  else
    /* Translators: %s says why signing in failed */
    reason = g_strdup_printf (_("The new key could not sign in (%s)."), error->message);
  roll_back (task, reason);
}

static void
step_verify (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->secret == NULL || run->entry->successor_client_id == NULL)
    {
      roll_back (task, _("The new key’s secret is not in the keyring."));
      return;
    }

  /* A client of its own: the admin's client keeps its token and list. */
  run->verifier = lk_client_new (lk_client_get_platform (run->client));
  lk_client_set_credentials (run->verifier, run->entry->successor_client_id, run->secret);
  lk_client_sign_in_async (run->verifier, NULL, on_verified, g_object_ref (task));
}

/* ------------------------------------------------------------------------
 * Create: the successor, its secret stored
 * ------------------------------------------------------------------------ */

/* Whether a create that failed so may have been made all the same. */
static gboolean
create_maybe_made (const GError *error)
{
  if (error->domain != LK_CLIENT_ERROR)
    return TRUE;

  switch ((LkClientError) error->code)
    {
    case LK_CLIENT_ERROR_AUTHENTICATION_FAILED:
    case LK_CLIENT_ERROR_PERMISSION_DENIED:
    case LK_CLIENT_ERROR_NOT_FOUND:
    case LK_CLIENT_ERROR_CONFLICT:
    case LK_CLIENT_ERROR_INVALID_INPUT:
    case LK_CLIENT_ERROR_INVALID_PLATFORM:
    case LK_CLIENT_ERROR_NOT_SIGNED_IN:
    case LK_CLIENT_ERROR_ENDPOINT_MISSING:
      return FALSE;
    default:
      return TRUE;
    }
}

static void
on_not_created_journaled (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lk_rotation_journal_write_finish (result, &error))
    g_warning ("A rotation that did not start could not be removed from the journal: %s", error->message);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *old_name = lk_key_name_make_visible (run->entry->old_name);

  run->created = lk_client_create_key_finish (run->client, result, &error);
  if (run->created == NULL)
    {
      if (create_maybe_made (error))
        {
          /* The journal stays at "create": the next start settles it. */
          g_task_return_new_error (task, LK_ROTATION_ERROR, LK_ROTATION_ERROR_UNFINISHED,
                                   /* Translators: the first %s is a key's name, the second why */
                                   _("“%s” was not rotated yet: the new key may or may not have been made (%s). This will be settled the next time you sign in."),
                                   old_name, error->message);
          return;
        }
      lk_rotation_journal_finish_async (run->entry, 0, on_not_created_journaled, NULL);
      g_task_return_new_error (task, LK_ROTATION_ERROR, LK_ROTATION_ERROR_NOT_CREATED,
                               /* Translators: the first %s is a key's name, the second why */
                               _("“%s” was not rotated, and nothing was changed: the new key could not be made (%s)."),
                               old_name, error->message);
      return;
    }

  g_free (run->entry->successor_id);
  run->entry->successor_id = g_strdup (lk_api_key_get_id (run->created->key));
  g_free (run->entry->successor_client_id);
  run->entry->successor_client_id = g_strdup (lk_api_key_get_client_id (run->created->key));

  if (!run->created->stored)
    {
      g_autofree char *reason = g_strdup_printf (
        /* Translators: %s says why the keyring refused */
        _("The keyring did not take the new key’s secret (%s)."),
        run->created->store_error != NULL ? run->created->store_error->message : "");

      roll_back (task, reason);
      return;
    }

  run->secret = g_strdup (run->created->client_secret);
  step_to (task, LK_ROTATION_STEP_VERIFY);
}

static void
step_create (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  /* Not cancellable: a create that was sent finishes, so its secret is
   * stored and not lost. */
  lk_client_create_key_async (run->client, run->entry->name, run->entry->expires_at,
                              &run->entry->permissions, NULL, on_created, g_object_ref (task));
}

static void
step_dispatch (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  switch (run->entry->step)
    {
    case LK_ROTATION_STEP_CREATE:
      step_create (task);
      break;
    case LK_ROTATION_STEP_VERIFY:
      step_verify (task);
      break;
    case LK_ROTATION_STEP_DELETE:
      step_delete (task);
      break;
    case LK_ROTATION_STEP_ROLLBACK:
    default:
      step_rollback (task);
      break;
    }
}

/* ------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------ */

static GTask *
run_new (LkClient              *client,
         const LkRotationEntry *entry,
         const char            *secret,
         GCancellable          *cancellable,
         GAsyncReadyCallback    callback,
         gpointer               user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);

  g_task_set_source_tag (task, lk_rotation_run_async);
  g_task_set_name (task, "[layer-keys] rotation");
  run->client = g_object_ref (client);
  g_set_object (&run->store, lk_client_get_store (client));
  run->entry = lk_rotation_entry_copy (entry);
  run->secret = g_strdup (secret);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  return task;
}

void
lk_rotation_continue_async (LkClient              *client,
                            const LkRotationEntry *entry,
                            const char            *secret,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  g_autoptr(GTask) task = run_new (client, entry, secret, cancellable, callback, user_data);

  /* The step as the resume found it to be, written first. */
  step_to (task, entry->step);
}

void
lk_rotation_run_async (LkClient             *client,
                       const LkRotationPlan *plan,
                       GCancellable         *cancellable,
                       GAsyncReadyCallback   callback,
                       gpointer              user_data)
{
  g_autoptr(LkRotationEntry) entry = NULL;
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (LK_IS_CLIENT (client));
  g_return_if_fail (plan != NULL);

  entry = lk_rotation_entry_new_for_plan (lk_client_get_platform (client), plan);
  entry->started = lk_time_now ();
  task = run_new (client, entry, NULL, cancellable, callback, user_data);

  if (plan->old_key_id == NULL || plan->old_key_id[0] == '\0')
    error = g_error_new_literal (LK_ROTATION_ERROR, LK_ROTATION_ERROR_INVALID,
                                 _("No key was chosen to rotate."));
  else if (lk_client_get_store (client) == NULL)
    error = g_error_new_literal (LK_ROTATION_ERROR, LK_ROTATION_ERROR_INVALID,
                                 _("The new key’s secret would have nowhere to go: no keyring is available."));
  else if (plan->delete_old == LK_ROTATION_DELETE_LATER && plan->delete_at <= 0)
    error = g_error_new_literal (LK_ROTATION_ERROR, LK_ROTATION_ERROR_INVALID,
                                 _("Choose when the old key is to be deleted."));
  else if (!lk_validate_key_name (plan->name, &error) ||
           !lk_validate_expiry (lk_time_now (), plan->expires_at, &error))
    {
      GError *invalid = g_error_new_literal (LK_ROTATION_ERROR, LK_ROTATION_ERROR_INVALID, error->message);

      g_clear_error (&error);
      error = invalid;
    }

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Written before anything is asked of the platform. */
  step_to (task, LK_ROTATION_STEP_CREATE);
}

LkRotationOutcome *
lk_rotation_run_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_rotation_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
