/* lk-key-health.c: what makes a key need attention
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-health"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-health.h"
#include "lk-error.h"
#include "lk-time.h"
#include "lk-api-key.h"
#include "lk-credential-store.h"

LkKeyHealth
lk_key_health_check (LkApiKey *key,
                     guint     warning_days)
{
  LkKeyHealth health = LK_KEY_HEALTH_OK;
  const LkPermissions *permissions;
  gint64 created_at, expires_at;

  g_return_val_if_fail (LK_IS_API_KEY (key), LK_KEY_HEALTH_OK);

  created_at = lk_api_key_get_created_at (key);
  expires_at = lk_api_key_get_expires_at (key);

  if (expires_at != 0 &&
      lk_api_key_get_days_until_expiry (key) <= (int) MIN (warning_days, (guint) G_MAXINT))
    health |= LK_KEY_HEALTH_EXPIRES_SOON;

  permissions = lk_api_key_get_permissions (key);
  if (permissions == NULL || lk_permissions_is_empty (permissions) || lk_permissions_is_all (permissions))
    health |= LK_KEY_HEALTH_ALL_PERMISSIONS;

  /* Unknown times (0) say nothing of the lifetime. */
  if (created_at != 0 && expires_at != 0 &&
      expires_at - created_at > (gint64) LK_KEY_HEALTH_MAX_LIFETIME_DAYS * 24 * 60 * 60)
    health |= LK_KEY_HEALTH_LONG_LIFETIME;

  if (!lk_api_key_get_has_local_secret (key))
    health |= LK_KEY_HEALTH_SECRET_ELSEWHERE;

  return health;
}

gboolean
lk_key_health_needs_attention (LkApiKey *key,
                               guint     warning_days)
{
  return (lk_key_health_check (key, warning_days) & LK_KEY_HEALTH_ATTENTION) != 0;
}

char *
lk_key_health_describe (LkKeyHealth health,
                        guint       warning_days)
{
  GString *text;

  if (health == LK_KEY_HEALTH_OK)
    return NULL;

  text = g_string_new (NULL);

#define SENTENCE(s) G_STMT_START { \
    if (text->len > 0) g_string_append_c (text, ' '); \
    g_string_append (text, (s)); \
  } G_STMT_END

  if (health & LK_KEY_HEALTH_EXPIRES_SOON)
    {
      g_autofree char *sentence =
        /* Translators: why a key is marked in the list; %u is a number of days */
        g_strdup_printf (ngettext ("Expires within %u day: rotate it before then.",
                                   "Expires within %u days: rotate it before then.",
                                   warning_days),
                         warning_days);
      SENTENCE (sentence);
    }
  if (health & LK_KEY_HEALTH_ALL_PERMISSIONS)
    SENTENCE (_("Has all permissions: give it only those it needs."));
  if (health & LK_KEY_HEALTH_LONG_LIFETIME)
    {
      g_autofree char *sentence =
        /* Translators: why a key is marked in the list; %d is a number of days (90) */
        g_strdup_printf (ngettext ("Lives longer than %d day: shorter-lived keys do less harm when leaked.",
                                   "Lives longer than %d days: shorter-lived keys do less harm when leaked.",
                                   LK_KEY_HEALTH_MAX_LIFETIME_DAYS),
                         LK_KEY_HEALTH_MAX_LIFETIME_DAYS);
      SENTENCE (sentence);
    }
  if (health & LK_KEY_HEALTH_SECRET_ELSEWHERE)
    SENTENCE (_("Its secret is on no computer Layer Keys knows of."));

#undef SENTENCE

  return g_string_free (text, FALSE);
}

/* ---- Stale keyring items ---- */

void
lk_stale_item_free (LkStaleItem *item)
{
  if (item == NULL)
    return;

  g_free (item->key_id);
  g_free (item->name);
  g_free (item);
}

static GHashTable *
listed_ids (GListModel *keys)
{
  GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (keys);

  /* The keys model keeps its keys, and so their IDs, alive. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      g_hash_table_add (ids, (gpointer) lk_api_key_get_id (key));
    }

  return ids;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

GPtrArray *
lk_key_health_stale_ids (GHashTable *stored,
                         GListModel *keys)
{
  g_autoptr (GHashTable) listed = NULL;
  GPtrArray *stale;
  GHashTableIter iter;
  gpointer id;

  g_return_val_if_fail (stored != NULL, NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (keys), NULL);

  listed = listed_ids (keys);
  stale = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (listed, id))
      g_ptr_array_add (stale, g_strdup (id));
  g_ptr_array_sort (stale, compare_ids);

  return stale;
}

static int
compare_stale (gconstpointer a,
               gconstpointer b)
{
  const LkStaleItem *x = *(LkStaleItem * const *) a;
  const LkStaleItem *y = *(LkStaleItem * const *) b;
  int by_name = g_strcmp0 (x->name, y->name);

  return by_name != 0 ? by_name : g_strcmp0 (x->key_id, y->key_id);
}

static void
on_items_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *store = LK_CREDENTIAL_STORE (source);
  GHashTable *listed;
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) stale = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));
  listed = g_task_get_task_data (task);

  items = LK_CREDENTIAL_STORE_GET_CLASS (store)->search_finish (store, result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  stale = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stale_item_free);
  for (guint i = 0; i < items->len; i++)
    {
      LkStoredItem *item = g_ptr_array_index (items, i);
      const char *key_id = NULL;
      LkStaleItem *found;

      /* As lk_credential_store_find_keys_async(): an item without a key
       * ID (an account of the same platform) is no API key's. */
      if (item->attributes != NULL)
        key_id = g_hash_table_lookup (item->attributes, "key-id");
      if (key_id == NULL || key_id[0] == '\0' ||
          g_hash_table_contains (listed, key_id) || g_hash_table_contains (seen, key_id))
        continue;

      found = g_new0 (LkStaleItem, 1);
      found->key_id = g_strdup (key_id);
      found->name = g_strdup (g_hash_table_lookup (item->attributes, "name"));
      g_hash_table_add (seen, found->key_id);
      g_ptr_array_add (stale, found);
    }
  g_ptr_array_sort (stale, compare_stale);

  g_task_return_pointer (task, g_steal_pointer (&stale), (GDestroyNotify) g_ptr_array_unref);
}

void
lk_key_health_find_stale_async (LkCredentialStore   *store,
                                const char          *platform_id,
                                GListModel          *keys,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  GHashTable *listed;
  guint n;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (store));
  g_return_if_fail (G_IS_LIST_MODEL (keys));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_key_health_find_stale_async);

  if (platform_id == NULL || platform_id[0] == '\0')
    {
      g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_INVALID,
                               _("Keys can only be searched for by their platform."));
      return;
    }

  /* A copy of the IDs: the model may change before the keyring answers. */
  listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = g_list_model_get_n_items (keys);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

      g_hash_table_add (listed, g_strdup (lk_api_key_get_id (key)));
    }
  g_task_set_task_data (task, listed, (GDestroyNotify) g_hash_table_unref);

  attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (attributes, g_strdup ("platform"), g_strdup (platform_id));

  /* The store's own search: only our items (see lk-credential-store.h),
   * no secrets. */
  LK_CREDENTIAL_STORE_GET_CLASS (store)->search_async (store, LK_SCHEMA_API_KEY, attributes,
                                                       FALSE, cancellable, on_items_found,
                                                       g_steal_pointer (&task));
}

GPtrArray *
lk_key_health_find_stale_finish (LkCredentialStore  *store,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (store), NULL);
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_key_health_find_stale_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
