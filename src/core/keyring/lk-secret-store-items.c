/* lk-secret-store-items.c: store, search and clear, against the service
 *
 * Only the SecretService calls are used, never secret_password_*: inside a
 * Flatpak those are sent to an app-private file whenever the Secret portal
 * exists, and our items belong in the user's default collection where
 * Seahorse and secret-tool find them.
 *
 * On the fast path (the default collection known to be unlocked) a locked
 * or vanished match sends the operation back through the full chain once
 * (lk_secret_store_op_fall_back()).
 *
 * The service finds every item that has the attributes asked for, other
 * programs' included: a search keeps, and a clear removes, only the items
 * that are ours (lk_keyring_item_is_ours()).  So a clear never asks the
 * service to clear by attributes (it would remove them all); it searches,
 * then deletes our items one by one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-store"

#include "config.h"

#include <string.h>

#include "lk-secret-store-private.h"

/* ---- Search ---- */

/* Whether a found item is another program's: known attributes that are
 * not ours.  (A locked item's attributes may not be known yet: it counts
 * as locked, and is looked at again once unlocked.) */
static gboolean
item_is_foreign (SecretItem   *item,
                 LkSchemaKind  kind)
{
  g_autoptr (GHashTable) attributes = secret_item_get_attributes (item);

  if (attributes == NULL || g_hash_table_size (attributes) == 0)
    return FALSE;

  return !lk_keyring_item_is_ours (kind, attributes);
}

/* Turns the items of a search into LkStoredItems, leaving out those that
 * are not ours; @out_locked counts the matches that are still locked (and
 * left out). */
static GPtrArray *
items_from_search (GList        *found,
                   LkSchemaKind  kind,
                   gboolean      with_secrets,
                   guint        *out_locked)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stored_item_free);
  guint n_locked = 0;

  for (GList *l = found; l != NULL; l = l->next)
    {
      SecretItem *item = l->data;
      LkStoredItem *stored;
      SecretValue *value = NULL;

      if (item_is_foreign (item, kind))
        continue;

      if (with_secrets)
        value = secret_item_get_secret (item);

      /* A locked item has neither readable attributes nor a secret. */
      if (secret_item_get_locked (item) && value == NULL)
        {
          n_locked++;
          continue;
        }

      stored = g_new0 (LkStoredItem, 1);
      stored->attributes = secret_item_get_attributes (item);
      stored->label = secret_item_get_label (item);

      if (value != NULL)
        {
          gsize length = 0;
          const char *bytes = secret_value_get (value, &length);

          /* Secrets are text; anything else is not ours to hand out. */
          if (bytes != NULL && g_utf8_validate (bytes, length, NULL) &&
              memchr (bytes, '\0', length) == NULL)
            stored->secret = g_strndup (bytes, length);

          secret_value_unref (value);
        }

      if (with_secrets && stored->secret == NULL)
        {
          lk_stored_item_free (stored);
          continue;
        }

      g_ptr_array_add (items, stored);
    }

  *out_locked = n_locked;
  return items;
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;
  GList *found;
  GPtrArray *items;
  guint n_locked = 0;
  gboolean gone;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  found = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (op->finished)
    {
      g_list_free_full (found, g_object_unref);
      return;
    }

  if (error != NULL)
    {
      if (op->fast && lk_secret_store_needs_full_chain (error, &gone))
        lk_secret_store_op_fall_back (task, gone);
      else
        lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return;
    }

  items = items_from_search (found, op->schema_kind, op->with_secrets, &n_locked);
  g_list_free_full (found, g_object_unref);

  /* Searched without unlocking, and something is locked after all: the
   * full chain unlocks it, as a search always did. */
  if (n_locked > 0 && op->fast)
    {
      g_ptr_array_unref (items);
      lk_secret_store_op_fall_back (task, FALSE);
      return;
    }

  if (n_locked > 0 && items->len == 0)
    {
      g_ptr_array_unref (items);
      lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return;
    }

  lk_secret_store_op_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

/* ---- Store ---- */

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;
  gboolean gone;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  if (secret_service_store_finish (SECRET_SERVICE (source), result, &error))
    lk_secret_store_op_return_boolean (task);
  else if (!op->finished && op->fast && lk_secret_store_needs_full_chain (error, &gone))
    lk_secret_store_op_fall_back (task, gone);
  else
    lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
}

/* ---- Clear ---- */

static void
on_item_deleted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  if (secret_item_delete_finish (SECRET_ITEM (source), result, &error))
    op->n_matching++;
  else if (op->delete_error == NULL)
    op->delete_error = g_steal_pointer (&error);

  if (--op->n_deleting > 0 || op->finished)
    return;

  if (op->delete_error != NULL)
    lk_secret_store_op_return_error (task, lk_secret_store_map_error (op->delete_error, FALSE));
  else
    lk_secret_store_op_return_boolean (task);
}

/* The items a clear removes: ours, unlocked, with the query's attributes
 * (exactly those, when it is exact).  @out_locked counts the matches
 * that are ours, or may be, and are locked. */
static GPtrArray *
items_to_clear (LkSecretStoreOp *op,
                GList           *found,
                guint           *out_locked)
{
  GPtrArray *doomed = g_ptr_array_new_with_free_func (g_object_unref);

  *out_locked = 0;
  for (GList *l = found; l != NULL; l = l->next)
    {
      SecretItem *item = l->data;
      g_autoptr (GHashTable) attributes = NULL;

      if (item_is_foreign (item, op->schema_kind))
        continue;
      if (secret_item_get_locked (item))
        {
          (*out_locked)++;
          continue;
        }

      attributes = secret_item_get_attributes (item);
      if (op->exact && !lk_keyring_attributes_equal_but_schema (attributes, op->attributes))
        continue;

      g_ptr_array_add (doomed, g_object_ref (item));
    }

  return doomed;
}

static void
on_clear_searched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;
  GList *found;
  guint n_locked = 0;
  gboolean gone;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  found = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (op->finished)
    {
      g_list_free_full (found, g_object_unref);
      return;
    }

  if (error != NULL)
    {
      if (op->fast && lk_secret_store_needs_full_chain (error, &gone))
        lk_secret_store_op_fall_back (task, gone);
      else
        lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return;
    }

  g_clear_pointer (&op->doomed, g_ptr_array_unref);
  op->doomed = items_to_clear (op, found, &n_locked);
  g_list_free_full (found, g_object_unref);

  /* Searched without unlocking, and something is locked after all: the
   * full chain unlocks it (clear removes only unlocked items). */
  if (n_locked > 0 && op->fast)
    {
      lk_secret_store_op_fall_back (task, FALSE);
      return;
    }

  if (n_locked > 0 && op->doomed->len == 0)
    {
      lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return;
    }

  op->n_matching = 0;
  if (op->doomed->len == 0)
    {
      lk_secret_store_op_return_boolean (task);
      return;
    }

  if (lk_secret_store_op_stopped (task))
    return;

  op->n_deleting = op->doomed->len;
  for (guint i = 0; i < op->doomed->len; i++)
    secret_item_delete (g_ptr_array_index (op->doomed, i), op->cancellable,
                        on_item_deleted, g_object_ref (task));
}

/* ---- The operation ---- */

void
lk_secret_store_op_run (GTask         *task,
                        SecretService *service)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);
  SecretSearchFlags flags = SECRET_SEARCH_ALL;

  g_assert (SECRET_IS_SERVICE (service));

  /* While the default collection is known to be unlocked, asking the
   * service to unlock is a wasted round trip; a locked match makes the
   * operation fall back to the full chain. */
  if (!op->fast && !LK_SECRET_STORE (g_task_get_source_object (task))->quiet)
    flags |= SECRET_SEARCH_UNLOCK;

  switch (op->kind)
    {
    case LK_SECRET_STORE_OP_STORE:
      secret_service_store (service, op->schema, op->attributes, SECRET_COLLECTION_DEFAULT,
                            op->label, op->value, op->cancellable,
                            on_stored, g_object_ref (task));
      break;

    case LK_SECRET_STORE_OP_SEARCH:
      if (op->with_secrets)
        flags |= SECRET_SEARCH_LOAD_SECRETS;
      secret_service_search (service, op->schema, op->attributes, flags, op->cancellable,
                             on_searched, g_object_ref (task));
      break;

    case LK_SECRET_STORE_OP_CLEAR:
      /* Search (unlocking, on the full chain), then delete what is ours. */
      secret_service_search (service, op->schema, op->attributes, flags, op->cancellable,
                             on_clear_searched, g_object_ref (task));
      break;

    default:
      g_assert_not_reached ();
    }
}
