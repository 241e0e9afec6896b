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

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

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

static JsonArray *
document_array (JsonObject *document,
                const char *member)
{
  JsonNode *node = json_object_get_member (document, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      json_object_set_array_member (document, member, json_array_new ());
      node = json_object_get_member (document, member);
    }

  return json_node_get_array (node);
}

static gboolean
object_of_platform (JsonObject *object,
                    const char *api_url,
                    const char *token_url)
{
  return g_strcmp0 (member_string (object, M_API_URL), api_url) == 0 &&
         g_strcmp0 (member_string (object, M_TOKEN_URL), token_url) == 0;
}

/* The entry, or NULL when a part is missing or wrong. */
static LkRotationEntry *
entry_from_object (JsonObject *object)
{
  g_autoptr(LkRotationEntry) entry = g_new0 (LkRotationEntry, 1);
  int step = name_index (member_string (object, M_STEP), step_names, G_N_ELEMENTS (step_names));
  int delete_old = name_index (member_string (object, M_DELETE_OLD), delete_names, G_N_ELEMENTS (delete_names));

  entry->id = g_strdup (member_string (object, M_ID));
  entry->api_url = g_strdup (member_string (object, M_API_URL));
  entry->token_url = g_strdup (member_string (object, M_TOKEN_URL));
  entry->old_key_id = g_strdup (member_string (object, M_OLD_KEY_ID));
  entry->old_name = g_strdup (member_string (object, M_OLD_NAME));
  entry->name = g_strdup (member_string (object, M_NAME));
  entry->expires_at = member_int (object, M_EXPIRES_AT);
  entry->delete_at = member_int (object, M_DELETE_AT);
  entry->successor_id = g_strdup (member_string (object, M_SUCCESSOR_ID));
  entry->successor_client_id = g_strdup (member_string (object, M_SUCCESSOR_CLIENT));
  entry->reason = g_strdup (member_string (object, M_REASON));
  entry->started = member_int (object, M_STARTED);

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

GPtrArray *
lk_rotation_journal_entries (JsonObject *document,
                             LkPlatform *platform)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_rotation_entry_free);
  JsonArray *array = document_array (document, MEMBER_ROTATIONS);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      LkRotationEntry *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !object_of_platform (json_node_get_object (node), lk_platform_get_api_base (platform),
                               lk_platform_get_token_url (platform)))
        continue;
      entry = entry_from_object (json_node_get_object (node));
      if (entry == NULL)
        {
          g_message ("A rotation in the journal could not be read; it is left as it is");
          continue;
        }
      g_ptr_array_add (entries, entry);
    }

  return entries;
}

static int
compare_deletions (gconstpointer a,
                   gconstpointer b)
{
  const LkScheduledDeletion *da = *(LkScheduledDeletion * const *) a;
  const LkScheduledDeletion *db = *(LkScheduledDeletion * const *) b;

  return (da->delete_at > db->delete_at) - (da->delete_at < db->delete_at);
}

GPtrArray *
lk_rotation_journal_scheduled (JsonObject *document,
                               LkPlatform *platform)
{
  GPtrArray *deletions = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_scheduled_deletion_free);
  JsonArray *array = document_array (document, MEMBER_SCHEDULED);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      LkScheduledDeletion *deletion;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      if (!object_of_platform (object, lk_platform_get_api_base (platform),
                               lk_platform_get_token_url (platform)) ||
          member_string (object, M_KEY_ID) == NULL || member_int (object, M_DELETE_AT) <= 0)
        continue;

      deletion = g_new0 (LkScheduledDeletion, 1);
      deletion->key_id = g_strdup (member_string (object, M_KEY_ID));
      deletion->name = g_strdup (member_string (object, M_NAME));
      if (deletion->name == NULL)
        deletion->name = g_strdup (deletion->key_id);
      deletion->successor_id = g_strdup (member_string (object, M_SUCCESSOR_ID));
      deletion->successor_name = g_strdup (member_string (object, M_SUCCESSOR_NAME));
      deletion->delete_at = member_int (object, M_DELETE_AT);
      g_ptr_array_add (deletions, deletion);
    }

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
remove_matching (JsonArray  *array,
                 const char *member,
                 const char *value,
                 const char *api_url,
                 const char *token_url)
{
  for (guint i = json_array_get_length (array); i > 0; i--)
    {
      JsonNode *node = json_array_get_element (array, i - 1);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          object_of_platform (json_node_get_object (node), api_url, token_url) &&
          g_strcmp0 (member_string (json_node_get_object (node), member), value) == 0)
        json_array_remove_element (array, i - 1);
    }
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

/* (worker thread) */
static gboolean
apply_edit (JsonObject *document,
            gpointer    user_data)
{
  Edit *edit = user_data;
  JsonArray *rotations = document_array (document, MEMBER_ROTATIONS);
  JsonArray *scheduled = document_array (document, MEMBER_SCHEDULED);
  LkRotationEntry *entry = edit->entry;

  switch (edit->kind)
    {
    case EDIT_PUT:
      remove_matching (rotations, M_ID, entry->id, entry->api_url, entry->token_url);
      json_array_add_object_element (rotations, entry_to_object (entry));
      return TRUE;

    case EDIT_FINISH:
      remove_matching (rotations, M_ID, entry->id, entry->api_url, entry->token_url);
      if (edit->schedule_at > 0)
        {
          JsonObject *object = json_object_new ();

          remove_matching (scheduled, M_KEY_ID, entry->old_key_id, entry->api_url, entry->token_url);
          json_object_set_string_member (object, M_API_URL, entry->api_url);
          json_object_set_string_member (object, M_TOKEN_URL, entry->token_url);
          json_object_set_string_member (object, M_KEY_ID, entry->old_key_id);
          set_string_or_null (object, M_NAME, entry->old_name);
          set_string_or_null (object, M_SUCCESSOR_ID, entry->successor_id);
          set_string_or_null (object, M_SUCCESSOR_NAME, entry->name);
          json_object_set_int_member (object, M_DELETE_AT, edit->schedule_at);
          json_array_add_object_element (scheduled, object);
        }
      return TRUE;

    case EDIT_RESCHEDULE:
      for (guint i = json_array_get_length (scheduled); i > 0; i--)
        {
          JsonNode *node = json_array_get_element (scheduled, i - 1);
          JsonObject *object;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          object = json_node_get_object (node);
          if (!object_of_platform (object, edit->api_url, edit->token_url) ||
              g_strcmp0 (member_string (object, M_KEY_ID), edit->key_id) != 0)
            continue;
          edit->found = TRUE;
          if (edit->schedule_at > 0)
            json_object_set_int_member (object, M_DELETE_AT, edit->schedule_at);
          else
            json_array_remove_element (scheduled, i - 1);
        }
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
