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
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-store"

#include "config.h"

#include <string.h>

#include "lk-secret-store-private.h"

/* ---- Search ---- */

/* Turns the items of a search into LkStoredItems; @out_locked counts the
 * matches that are still locked (and left out). */
static GPtrArray *
items_from_search (GList    *found,
                   gboolean  with_secrets,
                   guint    *out_locked)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stored_item_free);
  guint n_locked = 0;

  for (GList *l = found; l != NULL; l = l->next)
    {
      SecretItem *item = l->data;
      LkStoredItem *stored;
      SecretValue *value = NULL;

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

  items = items_from_search (found, op->with_secrets, &n_locked);
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
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  /* FALSE without an error means there was nothing (left) to remove. */
  secret_service_clear_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
  else
    lk_secret_store_op_return_boolean (task);
}

/* A fast clear removed nothing: one search without unlocking tells
 * "nothing there" from "only locked items there". */
static void
on_fast_clear_checked (GObject      *source,
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
  for (GList *l = found; l != NULL; l = l->next)
    {
      if (secret_item_get_locked (l->data))
        n_locked++;
    }
  g_list_free_full (found, g_object_unref);

  if (op->finished)
    return;

  if (error != NULL)
    {
      if (lk_secret_store_needs_full_chain (error, &gone))
        lk_secret_store_op_fall_back (task, gone);
      else
        lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return;
    }

  if (n_locked > 0)
    {
      lk_secret_store_op_fall_back (task, FALSE);
      return;
    }

  op->n_matching = 0;
  lk_secret_store_op_return_boolean (task);
}

static void
on_fast_cleared (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;
  gboolean removed;
  gboolean gone;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  removed = secret_service_clear_finish (SECRET_SERVICE (source), result, &error);
  if (op->finished)
    return;

  if (error != NULL)
    {
      if (lk_secret_store_needs_full_chain (error, &gone))
        lk_secret_store_op_fall_back (task, gone);
      else
        lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return;
    }

  if (removed)
    {
      /* libsecret does not say how many it removed; the attribute sets
       * the base class allows match one key's (or account's) items. */
      op->n_matching = 1;
      lk_secret_store_op_return_boolean (task);
      return;
    }

  if (lk_secret_store_op_stopped (task))
    return;

  secret_service_search (SECRET_SERVICE (source), op->schema, op->attributes,
                         SECRET_SEARCH_ALL, op->cancellable,
                         on_fast_clear_checked, g_object_ref (task));
}

static void
on_clear_searched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SecretService *service = SECRET_SERVICE (source);
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;
  GList *found;
  guint n_locked = 0;

  g_assert (G_IS_TASK (task));

  /* The search unlocks what it can (clear removes only unlocked items)
   * and counts what there is to remove. */
  op = g_task_get_task_data (task);
  found = secret_service_search_finish (service, result, &error);
  op->n_matching = 0;
  for (GList *l = found; l != NULL; l = l->next)
    {
      if (secret_item_get_locked (l->data))
        n_locked++;
      else
        op->n_matching++;
    }
  g_list_free_full (found, g_object_unref);

  if (op->finished)
    return;

  if (error != NULL)
    {
      lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return;
    }

  if (n_locked > 0 && op->n_matching == 0)
    {
      lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return;
    }

  if (op->n_matching == 0)
    {
      lk_secret_store_op_return_boolean (task);
      return;
    }

  if (lk_secret_store_op_stopped (task))
    return;

  secret_service_clear (service, op->schema, op->attributes, op->cancellable,
                        on_cleared, g_object_ref (task));
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
      /* Fast: what a direct libsecret program does (search and delete);
       * full: search, unlocking, to count, then clear. */
      if (op->fast)
        secret_service_clear (service, op->schema, op->attributes, op->cancellable,
                              on_fast_cleared, g_object_ref (task));
      else
        secret_service_search (service, op->schema, op->attributes, flags, op->cancellable,
                               on_clear_searched, g_object_ref (task));
      break;

    default:
      g_assert_not_reached ();
    }
}
