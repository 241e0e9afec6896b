/* lk-rotation-resume.c: the next start, and the scheduled deletions
 *
 * lk_rotation_resume_async(), after a sign-in:
 *
 *   1. the creates of earlier runs are settled (lk-client-recover.c): a
 *      successor whose create reply was lost gets its secret back from
 *      the platform's replay, into the keyring;
 *   2. each rotation of the journal, by the step it stopped before:
 *        create    the successor is looked for in the list, by its name:
 *                  not there, nothing was made and the entry goes; there
 *                  with its secret in the keyring, on to verify; there
 *                  without it, roll back;
 *        verify    with the secret from the keyring (none: roll back);
 *        delete, rollback   taken again (a key already gone counts);
 *   3. the old keys whose deletion is due are deleted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotation-resume"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-rotation-private.h"
#include "lk-secret.h"
#include "lk-time.h"

/* ------------------------------------------------------------------------
 * Due deletions
 * ------------------------------------------------------------------------ */

typedef struct {
  LkClient   *client;
  GPtrArray  *due;        /* of LkScheduledDeletion */
  guint       next;
  GPtrArray  *deleted;    /* of char* */
  GPtrArray  *failed;     /* of GError* */
} DueOp;

static void
due_op_free (DueOp *op)
{
  g_clear_object (&op->client);
  g_clear_pointer (&op->due, g_ptr_array_unref);
  g_clear_pointer (&op->deleted, g_ptr_array_unref);
  g_clear_pointer (&op->failed, g_ptr_array_unref);
  g_free (op);
}

static void due_next (GTask *task);

static void
on_due_unscheduled (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DueOp *op = g_task_get_task_data (task);
  LkScheduledDeletion *deletion = g_ptr_array_index (op->due, op->next);
  g_autoptr(GError) error = NULL;

  /* Not there any more: another process carried it out meanwhile. */
  if (!lk_rotation_journal_write_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("A carried out deletion could not be removed from the journal: %s", error->message);

  g_ptr_array_add (op->deleted, g_strdup (deletion->name));
  op->next++;
  due_next (task);
}

static void
on_due_item_forgotten (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DueOp *op = g_task_get_task_data (task);
  LkScheduledDeletion *deletion = g_ptr_array_index (op->due, op->next);
  g_autoptr(GError) error = NULL;

  if (!lk_credential_store_forget_key_finish (LK_CREDENTIAL_STORE (source), result, &error))
    g_message ("A deleted key’s keyring item could not be removed: %s", error->message);

  lk_rotation_journal_reschedule_async (lk_client_get_platform (op->client), deletion->key_id, 0,
                                        NULL, on_due_unscheduled, g_steal_pointer (&task));
}

static void
on_due_deleted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DueOp *op = g_task_get_task_data (task);
  LkScheduledDeletion *deletion = g_ptr_array_index (op->due, op->next);
  LkCredentialStore *store = lk_client_get_store (op->client);
  g_autoptr(GError) error = NULL;

  if (lk_client_delete_key_finish (op->client, result, &error) ||
      g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NOT_FOUND))
    {
      if (store != NULL)
        {
          lk_credential_store_forget_key_async (store, lk_platform_get_id (lk_client_get_platform (op->client)),
                                                deletion->key_id, NULL, on_due_item_forgotten,
                                                g_steal_pointer (&task));
          return;
        }
      lk_rotation_journal_reschedule_async (lk_client_get_platform (op->client), deletion->key_id, 0,
                                            NULL, on_due_unscheduled, g_steal_pointer (&task));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  {
    g_autofree char *name = lk_key_name_make_visible (deletion->name);

    g_ptr_array_add (op->failed,
                     g_error_new (LK_CLIENT_ERROR, error->code,
                                  /* Translators: the first %s is a key's name, the second why */
                                  _("“%s” could not be deleted as scheduled (%s); this will be tried again."),
                                  name, error->message));
  }
  op->next++;
  due_next (task);
}

static void
due_next (GTask *task)
{
  DueOp *op = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (op->next >= op->due->len)
    {
      g_task_return_pointer (task, g_ptr_array_ref (op->deleted), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  lk_client_delete_key_async (op->client, ((LkScheduledDeletion *) g_ptr_array_index (op->due, op->next))->key_id,
                              g_task_get_cancellable (task), on_due_deleted, g_object_ref (task));
}

static void
on_due_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DueOp *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GPtrArray) scheduled = NULL;
  GError *error = NULL;
  gint64 now = lk_time_now ();

  document = lk_state_file_read_finish (NULL, result, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  scheduled = lk_rotation_journal_scheduled (document, lk_client_get_platform (op->client));
  for (guint i = 0; i < scheduled->len; i++)
    {
      LkScheduledDeletion *deletion = g_ptr_array_index (scheduled, i);

      if (deletion->delete_at <= now)
        g_ptr_array_add (op->due, g_ptr_array_steal_index (scheduled, i--));
    }

  due_next (task);
}

void
lk_rotation_run_due_async (LkClient            *client,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(LkStateFile) file = lk_rotation_journal_file ();
  GTask *task;
  DueOp *op;

  g_return_if_fail (LK_IS_CLIENT (client));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_rotation_run_due_async);
  op = g_new0 (DueOp, 1);
  op->client = g_object_ref (client);
  op->due = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_scheduled_deletion_free);
  op->deleted = g_ptr_array_new_with_free_func (g_free);
  op->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_task_set_task_data (task, op, (GDestroyNotify) due_op_free);

  lk_state_file_read_async (file, cancellable, on_due_read, task);
}

GPtrArray *
lk_rotation_run_due_finish (GAsyncResult  *result,
                            GPtrArray    **out_failed,
                            GError       **error)
{
  DueOp *op;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_rotation_run_due_async, NULL);

  op = g_task_get_task_data (G_TASK (result));
  if (out_failed != NULL)
    *out_failed = g_ptr_array_ref (op->failed);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * Listing and rescheduling
 * ------------------------------------------------------------------------ */

static void
on_scheduled_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) document = NULL;
  GError *error = NULL;

  document = lk_state_file_read_finish (NULL, result, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, lk_rotation_journal_scheduled (document, g_task_get_task_data (task)),
                         (GDestroyNotify) g_ptr_array_unref);
}

void
lk_rotation_list_scheduled_async (LkPlatform          *platform,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(LkStateFile) file = lk_rotation_journal_file ();
  GTask *task;

  g_return_if_fail (platform != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_rotation_list_scheduled_async);
  g_task_set_task_data (task, lk_platform_ref (platform), (GDestroyNotify) lk_platform_unref);
  lk_state_file_read_async (file, cancellable, on_scheduled_read, task);
}

GPtrArray *
lk_rotation_list_scheduled_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_rotation_list_scheduled_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_rescheduled (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (lk_rotation_journal_write_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
lk_rotation_reschedule_async (LkPlatform          *platform,
                              const char          *key_id,
                              gint64               delete_at,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (platform != NULL);
  g_return_if_fail (key_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_rotation_reschedule_async);
  lk_rotation_journal_reschedule_async (platform, key_id, MAX (delete_at, 0), cancellable,
                                        on_rescheduled, task);
}

gboolean
lk_rotation_reschedule_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_rotation_reschedule_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * Resume
 * ------------------------------------------------------------------------ */

typedef struct {
  LkClient         *client;
  GPtrArray        *entries;     /* of LkRotationEntry */
  guint             next;
  LkRotationResume *resume;
} ResumeOp;

static void
resume_op_free (ResumeOp *op)
{
  g_clear_object (&op->client);
  g_clear_pointer (&op->entries, g_ptr_array_unref);
  lk_rotation_resume_free (op->resume);
  g_free (op);
}

static void resume_next_entry (GTask *task);

static LkRotationEntry *
current_entry (ResumeOp *op)
{
  return g_ptr_array_index (op->entries, op->next);
}

static void
on_due_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeOp *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  GError *error = NULL;

  deleted = lk_rotation_run_due_finish (result, &failed, &error);
  if (deleted == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (op->resume->failed, error);
    }
  else
    g_ptr_array_extend_and_steal (op->resume->deleted, g_steal_pointer (&deleted));

  for (guint i = 0; failed != NULL && i < failed->len; i++)
    g_ptr_array_add (op->resume->failed, g_error_copy (g_ptr_array_index (failed, i)));

  g_task_return_pointer (task, g_steal_pointer (&op->resume), (GDestroyNotify) lk_rotation_resume_free);
}

static void
on_entry_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeOp *op = g_task_get_task_data (task);
  LkRotationOutcome *outcome;
  GError *error = NULL;

  outcome = lk_rotation_run_finish (result, &error);
  if (outcome != NULL)
    g_ptr_array_add (op->resume->completed, outcome);
  else if (g_error_matches (error, LK_ROTATION_ERROR, LK_ROTATION_ERROR_ROLLED_BACK))
    {
      g_ptr_array_add (op->resume->rolled_back, g_strdup (current_entry (op)->name));
      g_error_free (error);
    }
  else
    g_ptr_array_add (op->resume->failed, error);

  op->next++;
  resume_next_entry (task);
}

static void
continue_entry (GTask      *task,
                const char *secret)
{
  ResumeOp *op = g_task_get_task_data (task);

  lk_rotation_continue_async (op->client, current_entry (op), secret, NULL,
                              on_entry_done, g_object_ref (task));
}

static void
on_secret_looked_up (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeOp *op = g_task_get_task_data (task);
  LkRotationEntry *entry = current_entry (op);
  g_autoptr(LkSecretString) secret = NULL;
  g_autoptr(GError) error = NULL;

  secret = lk_credential_store_lookup_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (secret == NULL)
    {
      g_debug ("A rotation’s successor has no secret in the store: %s", error->message);
      entry->step = LK_ROTATION_STEP_ROLLBACK;
      g_free (entry->reason);
      entry->reason = g_strdup (_("The new key’s secret was lost before it was stored."));
    }
  else
    entry->step = LK_ROTATION_STEP_VERIFY;

  continue_entry (task, secret);
}

static void
look_up_secret (GTask *task)
{
  ResumeOp *op = g_task_get_task_data (task);
  LkRotationEntry *entry = current_entry (op);
  LkCredentialStore *store = lk_client_get_store (op->client);

  lk_credential_store_lookup_key_async (store, lk_platform_get_id (lk_client_get_platform (op->client)),
                                        entry->successor_id, NULL, on_secret_looked_up,
                                        g_object_ref (task));
}

/* The successor of an entry stopped at "create", by its name. */
static LkApiKey *
find_successor (LkClient   *client,
                const char *name)
{
  GListModel *keys = lk_client_get_keys (client);

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);
      g_autofree char *trimmed = g_strstrip (g_strdup (lk_api_key_get_name (key)));

      if (g_strcmp0 (trimmed, name) == 0)
        return g_steal_pointer (&key);
    }

  return NULL;
}

static void
on_never_made (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!lk_rotation_journal_write_finish (result, &error))
    g_ptr_array_add (op->resume->failed, g_steal_pointer (&error));
  else
    g_ptr_array_add (op->resume->rolled_back, g_strdup (current_entry (op)->name));

  op->next++;
  resume_next_entry (task);
}

static void
resume_next_entry (GTask *task)
{
  ResumeOp *op = g_task_get_task_data (task);
  LkRotationEntry *entry;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (op->next >= op->entries->len)
    {
      lk_rotation_run_due_async (op->client, g_task_get_cancellable (task), on_due_done, g_object_ref (task));
      return;
    }

  entry = current_entry (op);
  switch (entry->step)
    {
    case LK_ROTATION_STEP_CREATE:
      {
        g_autoptr(LkApiKey) successor = find_successor (op->client, entry->name);

        if (successor == NULL)
          {
            /* Never made: the old key is as it was. */
            lk_rotation_journal_finish_async (entry, 0, on_never_made, g_object_ref (task));
            return;
          }
        g_free (entry->successor_id);
        entry->successor_id = g_strdup (lk_api_key_get_id (successor));
        g_free (entry->successor_client_id);
        entry->successor_client_id = g_strdup (lk_api_key_get_client_id (successor));
        look_up_secret (task);
        return;
      }
    case LK_ROTATION_STEP_VERIFY:
      if (entry->successor_id != NULL)
        {
          look_up_secret (task);
          return;
        }
      entry->step = LK_ROTATION_STEP_ROLLBACK;
      continue_entry (task, NULL);
      return;
    case LK_ROTATION_STEP_DELETE:
    case LK_ROTATION_STEP_ROLLBACK:
    default:
      continue_entry (task, NULL);
      return;
    }
}

static void
on_resume_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  /* Without the list, a rotation stopped at "create" cannot be told made
   * or not: those wait for the next time. */
  if (!lk_client_list_keys_finish (op->client, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          return;
        }
      for (guint i = op->entries->len; i > 0; i--)
        if (((LkRotationEntry *) g_ptr_array_index (op->entries, i - 1))->step == LK_ROTATION_STEP_CREATE)
          g_ptr_array_remove_index (op->entries, i - 1);
      g_ptr_array_add (op->resume->failed, error);
    }

  resume_next_entry (task);
}

static void
on_journal_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeOp *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) document = NULL;
  gboolean need_list = FALSE;
  GError *error = NULL;

  document = lk_state_file_read_finish (NULL, result, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  op->entries = lk_rotation_journal_entries (document, lk_client_get_platform (op->client));
  for (guint i = 0; i < op->entries->len; i++)
    if (((LkRotationEntry *) g_ptr_array_index (op->entries, i))->step == LK_ROTATION_STEP_CREATE)
      need_list = TRUE;

  /* A successor is looked for among the keys as they are now. */
  if (need_list && lk_client_get_listed_at (op->client) == 0)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      lk_client_list_keys_async (op->client, cancellable, on_resume_listed, g_steal_pointer (&task));
      return;
    }

  resume_next_entry (task);
}

static void
on_creates_recovered (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResumeOp *op = g_task_get_task_data (task);
  g_autoptr(LkStateFile) file = lk_rotation_journal_file ();
  g_autoptr(GPtrArray) recovered = NULL;
  g_autoptr(GPtrArray) lost = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  if (lk_client_recover_creates_finish (op->client, result, &recovered, &lost, &error))
    {
      g_ptr_array_extend_and_steal (op->resume->recovered, g_steal_pointer (&recovered));
      g_ptr_array_extend_and_steal (op->resume->lost, g_steal_pointer (&lost));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  else
    g_ptr_array_add (op->resume->failed, error);

  cancellable = g_task_get_cancellable (task);
  lk_state_file_read_async (file, cancellable, on_journal_read, g_steal_pointer (&task));
}

void
lk_rotation_resume_async (LkClient            *client,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  ResumeOp *op;

  g_return_if_fail (LK_IS_CLIENT (client));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_rotation_resume_async);
  g_task_set_name (task, "[layer-keys] rotation resume");
  op = g_new0 (ResumeOp, 1);
  op->client = g_object_ref (client);
  op->resume = g_new0 (LkRotationResume, 1);
  op->resume->recovered = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_created_key_unref);
  op->resume->lost = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_lost_create_free);
  op->resume->completed = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_rotation_outcome_free);
  op->resume->rolled_back = g_ptr_array_new_with_free_func (g_free);
  op->resume->deleted = g_ptr_array_new_with_free_func (g_free);
  op->resume->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_task_set_task_data (task, op, (GDestroyNotify) resume_op_free);

  if (lk_client_get_store (client) == NULL)
    {
      g_task_return_new_error (task, LK_ROTATION_ERROR, LK_ROTATION_ERROR_INVALID,
                               _("Rotations cannot be finished without a keyring."));
      g_object_unref (task);
      return;
    }

  lk_client_recover_creates_async (client, cancellable, on_creates_recovered, task);
}

LkRotationResume *
lk_rotation_resume_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_rotation_resume_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
