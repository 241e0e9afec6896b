/* lk-rotation-journal.c: rotations and scheduled deletions, on disk
 *
 * One state file (lk-state-file.h), "rotations.json":
 *
 *   {"rotations": [{"id", "api-url", "token-url", "old-key-id",
 *                   "old-name", "name", "expires-at", "permissions",
 *                   "delete-old", "delete-at", "successor-id",
 *                   "successor-client-id", "step", "reason", "started"}],
 *    "scheduled-deletions": [{"api-url", "token-url", "key-id", "name",
 *                             "successor-id", "successor-name",
 *                             "delete-at"}]}
 *
 * A rotation's entry is written before each of its steps and removed when
 * it is over; an old key to be deleted later moves from the first list to
 * the second in the same write.  Nothing secret is written: a successor's
 * secret is in the keyring or nowhere.  Entries belong to a platform (API
 * and token URL): another platform's are left alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotation-journal"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-rotation-private.h"
#include "lk-wire.h"

#define FILE_NAME            "rotations.json"
#define MEMBER_ROTATIONS     "rotations"
#define MEMBER_SCHEDULED     "scheduled-deletions"

#define M_ID                 "id"
#define M_API_URL            "api-url"
#define M_TOKEN_URL          "token-url"
#define M_OLD_KEY_ID         "old-key-id"
#define M_OLD_NAME           "old-name"
#define M_NAME               "name"
#define M_EXPIRES_AT         "expires-at"
#define M_PERMISSIONS        "permissions"
#define M_DELETE_OLD         "delete-old"
#define M_DELETE_AT          "delete-at"
#define M_SUCCESSOR_ID       "successor-id"
#define M_SUCCESSOR_CLIENT   "successor-client-id"
#define M_SUCCESSOR_NAME     "successor-name"
#define M_STEP               "step"
#define M_REASON             "reason"
#define M_STARTED            "started"
#define M_KEY_ID             "key-id"

static const char * const step_names[] = { "create", "verify", "delete", "rollback" };
static const char * const delete_names[] = { "now", "later", "never" };

LkStateFile *
lk_rotation_journal_file (void)
{
  return lk_state_file_new (FILE_NAME);
}

/* ------------------------------------------------------------------------
 * Entries
 * ------------------------------------------------------------------------ */

LkRotationEntry *
lk_rotation_entry_new_for_plan (LkPlatform           *platform,
                                const LkRotationPlan *plan)
{
  LkRotationEntry *entry = g_new0 (LkRotationEntry, 1);

  entry->id = g_uuid_string_random ();
  entry->api_url = g_strdup (lk_platform_get_api_base (platform));
  entry->token_url = g_strdup (lk_platform_get_token_url (platform));
  entry->old_key_id = g_strdup (plan->old_key_id);
  entry->old_name = g_strdup (plan->old_name);
  entry->name = g_strstrip (g_strdup (plan->name));
  entry->expires_at = plan->expires_at;
  entry->permissions = plan->permissions;
  entry->delete_old = plan->delete_old;
  entry->delete_at = plan->delete_at;
  entry->step = LK_ROTATION_STEP_CREATE;
  return entry;
}

LkRotationEntry *
lk_rotation_entry_copy (const LkRotationEntry *entry)
{
  LkRotationEntry *copy = g_memdup2 (entry, sizeof *entry);

  copy->id = g_strdup (entry->id);
  copy->api_url = g_strdup (entry->api_url);
  copy->token_url = g_strdup (entry->token_url);
  copy->old_key_id = g_strdup (entry->old_key_id);
  copy->old_name = g_strdup (entry->old_name);
  copy->name = g_strdup (entry->name);
  copy->successor_id = g_strdup (entry->successor_id);
  copy->successor_client_id = g_strdup (entry->successor_client_id);
  copy->reason = g_strdup (entry->reason);
  return copy;
}

void
lk_rotation_entry_free (LkRotationEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->id);
  g_free (entry->api_url);
  g_free (entry->token_url);
  g_free (entry->old_key_id);
  g_free (entry->old_name);
  g_free (entry->name);
  g_free (entry->successor_id);
  g_free (entry->successor_client_id);
  g_free (entry->reason);
  g_free (entry);
}

void
lk_scheduled_deletion_free (LkScheduledDeletion *deletion)
{
  if (deletion == NULL)
    return;

  g_free (deletion->key_id);
  g_free (deletion->name);
  g_free (deletion->successor_id);
  g_free (deletion->successor_name);
  g_free (deletion);
}

/* ------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------ */

static int
name_index (const char         *name,
            const char * const *names,
            guint               n_names)
{
  for (guint i = 0; name != NULL && i < n_names; i++)
    if (g_str_equal (name, names[i]))
      return (int) i;
  return -1;
}

static gboolean
object_of_platform (JsonObject *object,
                    const char *api_url,
                    const char *token_url)
{
  return g_strcmp0 (lk_state_record_get_string (object, M_API_URL), api_url) == 0 &&
         g_strcmp0 (lk_state_record_get_string (object, M_TOKEN_URL), token_url) == 0;
}

/* The entry, or NULL when a part is missing or wrong. */
static LkRotationEntry *
entry_from_object (JsonObject *object)
{
  g_autoptr(LkRotationEntry) entry = g_new0 (LkRotationEntry, 1);
  int step = name_index (lk_state_record_get_string (object, M_STEP), step_names, G_N_ELEMENTS (step_names));
  int delete_old = name_index (lk_state_record_get_string (object, M_DELETE_OLD), delete_names, G_N_ELEMENTS (delete_names));

  entry->id = g_strdup (lk_state_record_get_string (object, M_ID));
  entry->api_url = g_strdup (lk_state_record_get_string (object, M_API_URL));
  entry->token_url = g_strdup (lk_state_record_get_string (object, M_TOKEN_URL));
  entry->old_key_id = g_strdup (lk_state_record_get_string (object, M_OLD_KEY_ID));
  entry->old_name = g_strdup (lk_state_record_get_string (object, M_OLD_NAME));
  entry->name = g_strdup (lk_state_record_get_string (object, M_NAME));
  entry->expires_at = lk_state_record_get_int (object, M_EXPIRES_AT);
  entry->delete_at = lk_state_record_get_int (object, M_DELETE_AT);
  entry->successor_id = g_strdup (lk_state_record_get_string (object, M_SUCCESSOR_ID));
  entry->successor_client_id = g_strdup (lk_state_record_get_string (object, M_SUCCESSOR_CLIENT));
  entry->reason = g_strdup (lk_state_record_get_string (object, M_REASON));
  entry->started = lk_state_record_get_int (object, M_STARTED);

  if (entry->id == NULL || entry->old_key_id == NULL || entry->name == NULL ||
      step < 0 || delete_old < 0 ||
      !lk_permissions_from_json (json_object_get_member (object, M_PERMISSIONS), &entry->permissions, NULL))
    return NULL;
  entry->step = (LkRotationStep) step;
  entry->delete_old = (LkRotationDelete) delete_old;
  if (entry->old_name == NULL)
    entry->old_name = g_strdup (entry->old_key_id);

  return g_steal_pointer (&entry);
}

/* (lk_state_records_load) The rotation of @object when it is of
 * @user_data's platform. */
static gpointer
entry_of_platform (JsonObject *object,
                   gpointer    user_data)
{
  LkPlatform *platform = user_data;
  LkRotationEntry *entry;

  if (!object_of_platform (object, lk_platform_get_api_base (platform),
                           lk_platform_get_token_url (platform)))
    return NULL;
  entry = entry_from_object (object);
  if (entry == NULL)
    g_message ("A rotation in the journal could not be read; it is left as it is");

  return entry;
}

GPtrArray *
lk_rotation_journal_entries (JsonObject *document,
                             LkPlatform *platform)
{
  return lk_state_records_load (document, MEMBER_ROTATIONS, entry_of_platform, platform,
                                (GDestroyNotify) lk_rotation_entry_free);
}

static int
compare_deletions (gconstpointer a,
                   gconstpointer b)
{
  const LkScheduledDeletion *da = *(LkScheduledDeletion * const *) a;
  const LkScheduledDeletion *db = *(LkScheduledDeletion * const *) b;

  return (da->delete_at > db->delete_at) - (da->delete_at < db->delete_at);
}

/* (lk_state_records_load) The scheduled deletion of @object when it is
 * of @user_data's platform. */
static gpointer
deletion_of_platform (JsonObject *object,
                      gpointer    user_data)
{
  LkPlatform *platform = user_data;
  LkScheduledDeletion *deletion;

  if (!object_of_platform (object, lk_platform_get_api_base (platform),
                           lk_platform_get_token_url (platform)) ||
      lk_state_record_get_string (object, M_KEY_ID) == NULL || lk_state_record_get_int (object, M_DELETE_AT) <= 0)
    return NULL;

  deletion = g_new0 (LkScheduledDeletion, 1);
  deletion->key_id = g_strdup (lk_state_record_get_string (object, M_KEY_ID));
  deletion->name = g_strdup (lk_state_record_get_string (object, M_NAME));
  if (deletion->name == NULL)
    deletion->name = g_strdup (deletion->key_id);
  deletion->successor_id = g_strdup (lk_state_record_get_string (object, M_SUCCESSOR_ID));
  deletion->successor_name = g_strdup (lk_state_record_get_string (object, M_SUCCESSOR_NAME));
  deletion->delete_at = lk_state_record_get_int (object, M_DELETE_AT);
  return deletion;
}

GPtrArray *
lk_rotation_journal_scheduled (JsonObject *document,
                               LkPlatform *platform)
{
  GPtrArray *deletions = lk_state_records_load (document, MEMBER_SCHEDULED, deletion_of_platform, platform,
                                                (GDestroyNotify) lk_scheduled_deletion_free);

  g_ptr_array_sort (deletions, compare_deletions);
  return deletions;
}

/* ------------------------------------------------------------------------
 * Writing (the edits run in a worker thread: they touch only their data)
 * ------------------------------------------------------------------------ */

typedef enum {
  EDIT_PUT,
  EDIT_FINISH,
  EDIT_RESCHEDULE,
} EditKind;

typedef struct {
  EditKind         kind;
  LkRotationEntry *entry;        /* PUT, FINISH */
  gint64           schedule_at;  /* FINISH: > 0 schedules; RESCHEDULE: 0 removes */
  char            *api_url;      /* RESCHEDULE */
  char            *token_url;
  char            *key_id;
  gboolean         found;        /* RESCHEDULE: there was one */
} Edit;

static void
edit_free (Edit *edit)
{
  lk_rotation_entry_free (edit->entry);
  g_free (edit->api_url);
  g_free (edit->token_url);
  g_free (edit->key_id);
  g_free (edit);
}

static void
set_string_or_null (JsonObject *object,
                    const char *member,
                    const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static JsonObject *
entry_to_object (const LkRotationEntry *entry)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, M_ID, entry->id);
  json_object_set_string_member (object, M_API_URL, entry->api_url);
  json_object_set_string_member (object, M_TOKEN_URL, entry->token_url);
  json_object_set_string_member (object, M_OLD_KEY_ID, entry->old_key_id);
  set_string_or_null (object, M_OLD_NAME, entry->old_name);
  json_object_set_string_member (object, M_NAME, entry->name);
  json_object_set_int_member (object, M_EXPIRES_AT, entry->expires_at);
  json_object_set_member (object, M_PERMISSIONS, lk_permissions_to_json (&entry->permissions));
  json_object_set_string_member (object, M_DELETE_OLD, delete_names[entry->delete_old]);
  json_object_set_int_member (object, M_DELETE_AT, entry->delete_at);
  set_string_or_null (object, M_SUCCESSOR_ID, entry->successor_id);
  set_string_or_null (object, M_SUCCESSOR_CLIENT, entry->successor_client_id);
  json_object_set_string_member (object, M_STEP, step_names[entry->step]);
  set_string_or_null (object, M_REASON, entry->reason);
  json_object_set_int_member (object, M_STARTED, entry->started);
  return object;
}

/* (LkStateRecordMatchFunc) Whether @object is the edit's rotation. */
static gboolean
is_rotation_of_edit (JsonObject *object,
                     gpointer    user_data)
{
  const LkRotationEntry *entry = ((Edit *) user_data)->entry;

  return object_of_platform (object, entry->api_url, entry->token_url) &&
         g_strcmp0 (lk_state_record_get_string (object, M_ID), entry->id) == 0;
}

/* (LkStateRecordBuildFunc) */
static JsonObject *
rotation_of_edit (gpointer user_data)
{
  return entry_to_object (((Edit *) user_data)->entry);
}

/* (LkStateRecordMatchFunc) Whether @object is the scheduled deletion of
 * the edit's rotation's old key. */
static gboolean
is_deletion_of_edit (JsonObject *object,
                     gpointer    user_data)
{
  const LkRotationEntry *entry = ((Edit *) user_data)->entry;

  return object_of_platform (object, entry->api_url, entry->token_url) &&
         g_strcmp0 (lk_state_record_get_string (object, M_KEY_ID), entry->old_key_id) == 0;
}

/* (LkStateRecordBuildFunc) The old key's deletion, once its rotation is
 * done. */
static JsonObject *
deletion_of_edit (gpointer user_data)
{
  Edit *edit = user_data;
  const LkRotationEntry *entry = edit->entry;
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, M_API_URL, entry->api_url);
  json_object_set_string_member (object, M_TOKEN_URL, entry->token_url);
  json_object_set_string_member (object, M_KEY_ID, entry->old_key_id);
  set_string_or_null (object, M_NAME, entry->old_name);
  set_string_or_null (object, M_SUCCESSOR_ID, entry->successor_id);
  set_string_or_null (object, M_SUCCESSOR_NAME, entry->name);
  json_object_set_int_member (object, M_DELETE_AT, edit->schedule_at);
  return object;
}

/* (LkStateRecordMatchFunc) Moves the edit's key's deletion to the edit's
 * time, or picks it for removal when there is none. */
static gboolean
reschedule_deletion (JsonObject *object,
                     gpointer    user_data)
{
  Edit *edit = user_data;

  if (!object_of_platform (object, edit->api_url, edit->token_url) ||
      g_strcmp0 (lk_state_record_get_string (object, M_KEY_ID), edit->key_id) != 0)
    return FALSE;

  edit->found = TRUE;
  if (edit->schedule_at <= 0)
    return TRUE;
  json_object_set_int_member (object, M_DELETE_AT, edit->schedule_at);
  return FALSE;
}

/* (worker thread) */
static gboolean
apply_edit (JsonObject *document,
            gpointer    user_data)
{
  Edit *edit = user_data;

  switch (edit->kind)
    {
    case EDIT_PUT:
      lk_state_records_save (document, MEMBER_ROTATIONS, is_rotation_of_edit, rotation_of_edit, edit);
      return TRUE;

    case EDIT_FINISH:
      lk_state_records_remove (document, MEMBER_ROTATIONS, is_rotation_of_edit, edit);
      if (edit->schedule_at > 0)
        lk_state_records_save (document, MEMBER_SCHEDULED, is_deletion_of_edit, deletion_of_edit, edit);
      return TRUE;

    case EDIT_RESCHEDULE:
      lk_state_records_remove (document, MEMBER_SCHEDULED, reschedule_deletion, edit);
      return edit->found;

    default:
      g_assert_not_reached ();
    }
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Edit *edit = g_task_get_task_data (task);
  GError *error = NULL;

  if (!lk_state_file_update_finish (NULL, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (edit->kind == EDIT_RESCHEDULE && !edit->found)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No deletion is scheduled for this key."));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
write_edit (Edit                *edit,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(LkStateFile) file = lk_rotation_journal_file ();
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, write_edit);
  /* The task keeps the edit, to read "found" afterwards; the state file's
   * worker gets it with no destroy function of its own. */
  g_task_set_task_data (task, edit, (GDestroyNotify) edit_free);
  lk_state_file_update_async (file, apply_edit, edit, NULL, cancellable, on_written, task);
}

void
lk_rotation_journal_put_async (const LkRotationEntry *entry,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  Edit *edit = g_new0 (Edit, 1);

  edit->kind = EDIT_PUT;
  edit->entry = lk_rotation_entry_copy (entry);
  write_edit (edit, NULL, callback, user_data);
}

void
lk_rotation_journal_finish_async (const LkRotationEntry *entry,
                                  gint64                 schedule_at,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  Edit *edit = g_new0 (Edit, 1);

  edit->kind = EDIT_FINISH;
  edit->entry = lk_rotation_entry_copy (entry);
  edit->schedule_at = schedule_at;
  write_edit (edit, NULL, callback, user_data);
}

void
lk_rotation_journal_reschedule_async (LkPlatform          *platform,
                                      const char          *key_id,
                                      gint64               delete_at,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Edit *edit = g_new0 (Edit, 1);

  edit->kind = EDIT_RESCHEDULE;
  edit->api_url = g_strdup (lk_platform_get_api_base (platform));
  edit->token_url = g_strdup (lk_platform_get_token_url (platform));
  edit->key_id = g_strdup (key_id);
  edit->schedule_at = delete_at;
  write_edit (edit, cancellable, callback, user_data);
}

gboolean
lk_rotation_journal_write_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == write_edit, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
