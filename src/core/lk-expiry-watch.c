/* lk-expiry-watch.c: which keys crossed which expiry threshold, once
 *
 * The state document: { "PLATFORM-ID": { "KEY-ID": SMALLEST-THRESHOLD } }.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-expiry-watch"

#include "config.h"

#include <stdlib.h>
#include <glib/gi18n.h>

#include "lk-api-key.h"
#include "lk-expiry-watch.h"
#include "lk-time.h"
#include "lk-state-file.h"

#define MAX_THRESHOLD 365
/* Names listed in a group's body before "and N more". */
#define MAX_NAMES 5

void
lk_expiry_group_free (LkExpiryGroup *group)
{
  if (group == NULL)
    return;

  g_ptr_array_unref (group->key_ids);
  g_ptr_array_unref (group->names);
  g_free (group);
}

static LkExpiryGroup *
group_new (guint threshold)
{
  LkExpiryGroup *group = g_new0 (LkExpiryGroup, 1);

  group->threshold = threshold;
  group->key_ids = g_ptr_array_new_with_free_func (g_free);
  group->names = g_ptr_array_new_with_free_func (g_free);
  return group;
}

char *
lk_expiry_group_title (const LkExpiryGroup *group)
{
  guint n, days;

  g_return_val_if_fail (group != NULL && group->names->len > 0, NULL);

  n = group->names->len;
  days = group->threshold;
  if (n == 1)
    /* Translators: a notification's title; %s is a key's name, %u a
     * number of days */
    return g_strdup_printf (ngettext ("API key “%s” expires within %u day",
                                      "API key “%s” expires within %u days", days),
                            (const char *) group->names->pdata[0], days);

  if (days == 1)
    /* Translators: a notification's title; %u is how many keys */
    return g_strdup_printf (ngettext ("%u API key expires within a day",
                                      "%u API keys expire within a day", n), n);

  /* Translators: a notification's title; the first %u is how many keys
   * (the plural follows it), the second a number of days, always 2 or
   * more */
  return g_strdup_printf (ngettext ("%u API key expires within %u days",
                                    "%u API keys expire within %u days", n), n, days);
}

char *
lk_expiry_group_body (const LkExpiryGroup *group)
{
  GString *body;
  guint shown;

  g_return_val_if_fail (group != NULL && group->names->len > 0, NULL);

  if (group->names->len == 1)
    return g_strdup (_("Rotate it before it expires: the platform deletes expired keys, and whatever uses it stops working."));

  /* One name a line: no words joining them, which translators could not
   * reorder. */
  shown = MIN (group->names->len, MAX_NAMES);
  body = g_string_new (NULL);
  for (guint i = 0; i < shown; i++)
    {
      if (i > 0)
        g_string_append_c (body, '\n');
      g_string_append_printf (body, "“%s”", (const char *) group->names->pdata[i]);
    }
  if (shown < group->names->len)
    {
      guint more = group->names->len - shown;

      g_string_append_c (body, '\n');
      /* Translators: the last line of a list of key names; %u is how
       * many are not listed */
      g_string_append_printf (body, ngettext ("and %u more", "and %u more", more), more);
    }

  return g_string_free (body, FALSE);
}

static int
compare_descending (gconstpointer a,
                    gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? 1 : x > y ? -1 : 0;
}

GArray *
lk_expiry_watch_parse_thresholds (const char *text)
{
  g_autoptr (GArray) thresholds = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto (GStrv) parts = NULL;

  if (text == NULL)
    return NULL;

  parts = g_strsplit_set (text, ", ;[]", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 value;
      gboolean seen = FALSE;

      if (parts[i][0] == '\0' ||
          !g_ascii_string_to_unsigned (parts[i], 10, 1, MAX_THRESHOLD, &value, NULL))
        continue;
      for (guint j = 0; j < thresholds->len; j++)
        seen |= g_array_index (thresholds, guint, j) == value;
      if (!seen)
        {
          guint days = (guint) value;

          g_array_append_val (thresholds, days);
        }
    }
  if (thresholds->len == 0)
    return NULL;

  g_array_sort (thresholds, compare_descending);
  return g_steal_pointer (&thresholds);
}

/* ---- The decision ---- */

typedef struct {
  char   *id;
  char   *name;
  gint64  expires_at;
} Candidate;

typedef struct {
  LkStateFile *state;
  char      *platform_id;
  GArray    *candidates;   /* Candidate */
  GArray    *thresholds;   /* guint, largest first */
  gint64     now;
  GPtrArray *groups;       /* the answer, made in the worker */
} CheckData;

static void
candidate_clear (Candidate *candidate)
{
  g_free (candidate->id);
  g_free (candidate->name);
}

static void
check_data_free (CheckData *data)
{
  lk_state_file_unref (data->state);
  g_free (data->platform_id);
  g_array_unref (data->candidates);
  g_array_unref (data->thresholds);
  g_clear_pointer (&data->groups, g_ptr_array_unref);
  g_free (data);
}

static LkExpiryGroup *
group_for (GPtrArray *groups,
           guint      threshold)
{
  LkExpiryGroup *group;

  for (guint i = 0; i < groups->len; i++)
    if (((LkExpiryGroup *) groups->pdata[i])->threshold == threshold)
      return groups->pdata[i];

  group = group_new (threshold);
  g_ptr_array_add (groups, group);
  return group;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const LkExpiryGroup *x = *(LkExpiryGroup * const *) a;
  const LkExpiryGroup *y = *(LkExpiryGroup * const *) b;

  return x->threshold < y->threshold ? -1 : x->threshold > y->threshold;
}

/* In the worker, under the state file's lock. */
static gboolean
decide (JsonObject *document,
        gpointer    user_data)
{
  CheckData *data = user_data;
  JsonObject *sent;
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GList) members = NULL;
  gboolean changed = FALSE;

  if (!json_object_has_member (document, data->platform_id) ||
      json_object_get_object_member (document, data->platform_id) == NULL)
    json_object_set_object_member (document, data->platform_id, json_object_new ());
  sent = json_object_get_object_member (document, data->platform_id);

  for (guint i = 0; i < data->candidates->len; i++)
    {
      Candidate *candidate = &g_array_index (data->candidates, Candidate, i);
      gint64 before = G_MAXINT64;
      guint crossed = 0;
      int days;

      g_hash_table_add (listed, candidate->id);
      /* A key that never expires has nothing to warn of; an expired one
       * is gone from the platform. */
      if (candidate->expires_at == 0)
        continue;
      days = lk_time_days_between (data->now, candidate->expires_at);
      if (days < 0)
        continue;

      /* The smallest threshold it is within. */
      for (guint t = 0; t < data->thresholds->len; t++)
        if ((guint) days <= g_array_index (data->thresholds, guint, t))
          crossed = g_array_index (data->thresholds, guint, t);
      if (crossed == 0)
        continue;

      if (json_object_has_member (sent, candidate->id))
        before = json_object_get_int_member_with_default (sent, candidate->id, G_MAXINT64);
      if ((gint64) crossed >= before)
        continue;

      json_object_set_int_member (sent, candidate->id, crossed);
      changed = TRUE;
      {
        LkExpiryGroup *group = group_for (data->groups, crossed);

        g_ptr_array_add (group->key_ids, g_strdup (candidate->id));
        g_ptr_array_add (group->names, g_strdup (candidate->name));
      }
    }

  /* Keys no longer listed are forgotten. */
  members = json_object_get_members (sent);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_hash_table_contains (listed, l->data))
      {
        json_object_remove_member (sent, l->data);
        changed = TRUE;
      }

  g_ptr_array_sort (data->groups, compare_groups);
  return changed;
}

static void
on_state_updated (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  CheckData *data = g_task_get_task_data (task);
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (!lk_state_file_update_finish (data->state, result, &error))
    {
      /* Nothing was recorded, so nothing is announced: it will be next time. */
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&data->groups), (GDestroyNotify) g_ptr_array_unref);
}

void
lk_expiry_watch_check_async (LkStateFile         *state,
                             const char          *platform_id,
                             GListModel          *keys,
                             GArray              *thresholds,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CheckData *data;
  guint n;

  g_return_if_fail (state != NULL);
  g_return_if_fail (platform_id != NULL && platform_id[0] != '\0');
  g_return_if_fail (G_IS_LIST_MODEL (keys));
  g_return_if_fail (thresholds != NULL);

  data = g_new0 (CheckData, 1);
  data->state = lk_state_file_ref (state);
  data->platform_id = g_strdup (platform_id);
  data->now = lk_time_now ();
  data->thresholds = g_array_ref (thresholds);
  data->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_expiry_group_free);
  data->candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_array_set_clear_func (data->candidates, (GDestroyNotify) candidate_clear);

  n = g_list_model_get_n_items (keys);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);
      Candidate candidate = {
        g_strdup (lk_api_key_get_id (key)),
        g_strdup (lk_api_key_get_name (key)),
        lk_api_key_get_expires_at (key),
      };

      g_array_append_val (data->candidates, candidate);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_expiry_watch_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);

  /* @data lives in the task until the update finished. */
  lk_state_file_update_async (state, decide, data, NULL, cancellable,
                              on_state_updated, g_steal_pointer (&task));
}

GPtrArray *
lk_expiry_watch_check_finish (LkStateFile   *state,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_expiry_watch_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
