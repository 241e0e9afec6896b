/* lk-client-unsettled.c: creates whose outcome is unknown, kept on disk
 *
 * Before a create is sent, its request goes to the user's state folder
 * (lk-state-file.h, "unsettled-creates.json"): the Idempotency-Key, the
 * request body exactly as sent (name, expiry, permissions), the platform's
 * API and token URLs, the client ID and when it was first sent; nothing
 * secret.  Once its outcome is known (and a secret that came is in the
 * store) it is removed.  So a create whose reply was lost survives the
 * process: the next client of the same platform and client ID, in the app
 * or in layer-keys-cli, settles it (lk_client_recover_creates_async()):
 *
 *   within the platform's 24-hour idempotency window, the very request is
 *   sent again, and the platform replays the key and its secret, which
 *   go to the store as a create's would;
 *   past it (or when the platform says the name is taken), the key the
 *   platform made is looked for in the list: if it is there and its
 *   secret is not in the store, it is a key created without a recoverable
 *   secret, for the user to delete or keep (and then dismiss).
 *
 * This file keeps the records; lk-client-recover.c settles them.
 *
 * The document: {"unsettled-creates": [{"idempotency-key", "api-url",
 * "token-url", "client-id", "name", "expires-at", "first-sent",
 * "request"}, ...]}.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-unsettled"

#include "config.h"

#include <string.h>

#include "lk-client-private.h"

#define STATE_FILE_NAME     "unsettled-creates.json"
#define MEMBER_CREATES      "unsettled-creates"
#define MEMBER_KEY          "idempotency-key"
#define MEMBER_API_URL      "api-url"
#define MEMBER_TOKEN_URL    "token-url"
#define MEMBER_CLIENT_ID    "client-id"
#define MEMBER_NAME         "name"
#define MEMBER_EXPIRES_AT   "expires-at"
#define MEMBER_FIRST_SENT   "first-sent"
#define MEMBER_REQUEST      "request"

LkStateFile *
lk_client_unsettled_file_new (void)
{
  return lk_state_file_new (STATE_FILE_NAME);
}

/* ------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------ */

void
lk_unsettled_record_free (LkUnsettledRecord *record)
{
  g_free (record->idempotency_key);
  g_free (record->api_url);
  g_free (record->token_url);
  g_free (record->client_id);
  g_free (record->name);
  g_free (record->request);
  g_free (record);
}


static LkUnsettledRecord *
record_for (LkClient   *self,
            const char *idempotency_key)
{
  LkUnsettledRecord *record = g_new0 (LkUnsettledRecord, 1);

  record->idempotency_key = g_strdup (idempotency_key);
  record->api_url = g_strdup (lk_platform_get_api_base (self->platform));
  record->token_url = g_strdup (lk_platform_get_token_url (self->platform));
  record->client_id = g_strdup (self->client_id);
  return record;
}

/* The entry as a record, or NULL when it lacks a part. */
static gpointer
record_from_entry (JsonObject *entry,
                   gpointer    user_data)
{
  g_autoptr(LkUnsettledRecord) record = g_new0 (LkUnsettledRecord, 1);

  record->idempotency_key = g_strdup (lk_state_record_get_string (entry, MEMBER_KEY));
  record->api_url = g_strdup (lk_state_record_get_string (entry, MEMBER_API_URL));
  record->token_url = g_strdup (lk_state_record_get_string (entry, MEMBER_TOKEN_URL));
  record->client_id = g_strdup (lk_state_record_get_string (entry, MEMBER_CLIENT_ID));
  record->name = g_strdup (lk_state_record_get_string (entry, MEMBER_NAME));
  record->request = g_strdup (lk_state_record_get_string (entry, MEMBER_REQUEST));
  record->expires_at = lk_state_record_get_int (entry, MEMBER_EXPIRES_AT);
  record->first_sent = lk_state_record_get_int (entry, MEMBER_FIRST_SENT);

  if (record->idempotency_key == NULL || record->api_url == NULL || record->token_url == NULL ||
      record->client_id == NULL || record->name == NULL || record->request == NULL ||
      record->first_sent <= 0)
    return NULL;

  return g_steal_pointer (&record);
}

static JsonObject *
record_to_entry (gpointer user_data)
{
  LkUnsettledRecord *record = user_data;
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, MEMBER_KEY, record->idempotency_key);
  json_object_set_string_member (entry, MEMBER_API_URL, record->api_url);
  json_object_set_string_member (entry, MEMBER_TOKEN_URL, record->token_url);
  json_object_set_string_member (entry, MEMBER_CLIENT_ID, record->client_id);
  json_object_set_string_member (entry, MEMBER_NAME, record->name);
  json_object_set_int_member (entry, MEMBER_EXPIRES_AT, record->expires_at);
  json_object_set_int_member (entry, MEMBER_FIRST_SENT, record->first_sent);
  json_object_set_string_member (entry, MEMBER_REQUEST, record->request);
  return entry;
}

/* Whether @entry is of the Idempotency-Key @user_data. */
static gboolean
entry_has_key (JsonObject *entry,
               gpointer    user_data)
{
  return g_strcmp0 (lk_state_record_get_string (entry, MEMBER_KEY), user_data) == 0;
}

/* Whether @entry is of @user_data's (a record's) Idempotency-Key. */
static gboolean
entry_of_record (JsonObject *entry,
                 gpointer    user_data)
{
  LkUnsettledRecord *record = user_data;

  return entry_has_key (entry, record->idempotency_key);
}

/* (worker thread) */
static gboolean
edit_add (JsonObject *document,
          gpointer    user_data)
{
  /* The same request again (asked again): one entry, the latest. */
  lk_state_records_save (document, MEMBER_CREATES, entry_of_record, record_to_entry, user_data);

  return TRUE;
}

/* (worker thread) */
static gboolean
edit_remove (JsonObject *document,
             gpointer    user_data)
{
  return lk_state_records_remove (document, MEMBER_CREATES, entry_has_key, user_data);
}

static void
on_recorded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (G_IS_TASK (task));

  /* The create goes ahead: it is remembered in memory all the same. */
  if (!lk_state_file_update_finish (NULL, result, &error))
    g_message ("A create could not be recorded in the state folder: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

void
lk_client_unsettled_add_async (LkClient            *self,
                               const char          *idempotency_key,
                               const char          *name,
                               gint64               expires_at,
                               gint64               first_sent,
                               GBytes              *body,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  LkUnsettledRecord *record;

  g_assert (LK_IS_CLIENT (self));
  g_assert (lk_client_has_credentials (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, lk_client_unsettled_add_async);

  record = record_for (self, idempotency_key);
  record->name = g_strdup (name);
  record->expires_at = expires_at;
  record->first_sent = first_sent;
  record->request = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  lk_state_file_update_async (self->unsettled_file, edit_add, record, (GDestroyNotify) lk_unsettled_record_free,
                              NULL, on_recorded, task);
}

void
lk_client_unsettled_add_finish (GAsyncResult *result)
{
  g_assert (G_IS_TASK (result));
  g_assert (g_task_get_source_tag (G_TASK (result)) == lk_client_unsettled_add_async);

  g_task_propagate_boolean (G_TASK (result), NULL);
}

void
lk_client_unsettled_remove_async (LkClient            *self,
                                  const char          *idempotency_key,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_assert (LK_IS_CLIENT (self));

  lk_state_file_update_async (self->unsettled_file, edit_remove, g_strdup (idempotency_key), g_free,
                              NULL, callback, user_data);
}

gboolean
lk_client_unsettled_remove_finish (GAsyncResult  *result,
                                   GError       **error)
{
  return lk_state_file_update_finish (NULL, result, error);
}

static void
on_unrecorded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lk_client_unsettled_remove_finish (result, &error))
    g_message ("A settled create could not be removed from the state folder: %s", error->message);
}

void
lk_client_unsettled_remove (LkClient   *self,
                            const char *idempotency_key)
{
  lk_client_unsettled_remove_async (self, idempotency_key, on_unrecorded, NULL);
}

/* Whether @entry is of a create of @user_data's (a record's) name, of
 * the same client. */
static gboolean
entry_named (JsonObject *entry,
             gpointer    user_data)
{
  LkUnsettledRecord *named = user_data;

  return g_strcmp0 (lk_state_record_get_string (entry, MEMBER_NAME), named->name) == 0 &&
         g_strcmp0 (lk_state_record_get_string (entry, MEMBER_API_URL), named->api_url) == 0 &&
         g_strcmp0 (lk_state_record_get_string (entry, MEMBER_TOKEN_URL), named->token_url) == 0 &&
         g_strcmp0 (lk_state_record_get_string (entry, MEMBER_CLIENT_ID), named->client_id) == 0;
}

/* (worker thread) */
static gboolean
edit_remove_named (JsonObject *document,
                   gpointer    user_data)
{
  return lk_state_records_remove (document, MEMBER_CREATES, entry_named, user_data);
}

void
lk_client_unsettled_remove_named (LkClient   *self,
                                  const char *name)
{
  LkUnsettledRecord *record;

  g_assert (LK_IS_CLIENT (self));

  record = record_for (self, "");
  record->name = g_strdup (name);
  lk_state_file_update_async (self->unsettled_file, edit_remove_named, record,
                              (GDestroyNotify) lk_unsettled_record_free, NULL, on_unrecorded, NULL);
}

/* (lk_state_records_load) The record of @entry, when it is of
 * @user_data's (a client's) platform and client. */
static gpointer
record_of_client (JsonObject *entry,
                  gpointer    user_data)
{
  LkClient *self = user_data;
  g_autoptr(LkUnsettledRecord) record = record_from_entry (entry, NULL);

  if (record == NULL ||
      !g_str_equal (record->api_url, lk_platform_get_api_base (self->platform)) ||
      !g_str_equal (record->token_url, lk_platform_get_token_url (self->platform)) ||
      g_strcmp0 (record->client_id, self->client_id) != 0)
    return NULL;

  return g_steal_pointer (&record);
}

GPtrArray *
lk_client_unsettled_records (LkClient   *self,
                             JsonObject *document)
{
  g_assert (LK_IS_CLIENT (self));

  return lk_state_records_load (document, MEMBER_CREATES, record_of_client, self,
                                (GDestroyNotify) lk_unsettled_record_free);
}
