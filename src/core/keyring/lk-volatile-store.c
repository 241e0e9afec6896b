/* lk-volatile-store.c: a credential store in this process's memory
 *
 * The demo's store where the Secret Service has no session collection
 * (or there is no Secret Service at all): its secrets then live here and
 * die with the process, never in the login keyring.  It obeys the same
 * rules as the keyring store: an item is stored only with its schema's
 * full attribute set, storing replaces an item with the same attributes,
 * nothing is searched for or removed by an empty set.  Secrets are wiped
 * when their item goes.  Every answer arrives from the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-volatile-store"

#include "config.h"

#include "lk-keyring-private.h"
#include "lk-secret.h"

typedef struct {
  LkSchemaKind  schema;
  GHashTable   *attributes;
  char         *label;
  char         *secret;       /* wiped on free */
} VolatileItem;

typedef struct
{
  GPtrArray *items;   /* of VolatileItem, oldest first */
} LkVolatileStorePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (LkVolatileStore, lk_volatile_store, LK_TYPE_CREDENTIAL_STORE)

static void
volatile_item_free (VolatileItem *item)
{
  g_clear_pointer (&item->attributes, g_hash_table_unref);
  g_clear_pointer (&item->label, g_free);
  g_clear_pointer (&item->secret, lk_secret_free);
  g_free (item);
}

static void
lk_volatile_store_store_async (LkCredentialStore   *store,
                               LkSchemaKind         schema,
                               GHashTable          *attributes,
                               const char          *label,
                               const char          *secret,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  LkVolatileStore *self = LK_VOLATILE_STORE (store);
  LkVolatileStorePrivate *priv = lk_volatile_store_get_instance_private (self);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  VolatileItem *item = NULL;

  g_task_set_source_tag (task, lk_volatile_store_store_async);

  if (!lk_keyring_store_request_fits (schema, attributes, label, secret))
    {
      g_task_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_INVALID));
      return;
    }

  for (guint i = 0; i < priv->items->len && item == NULL; i++)
    {
      VolatileItem *candidate = g_ptr_array_index (priv->items, i);

      if (candidate->schema == schema &&
          lk_keyring_attributes_equal (candidate->attributes, attributes))
        item = candidate;
    }

  if (item == NULL)
    {
      item = g_new0 (VolatileItem, 1);
      item->schema = schema;
      item->attributes = lk_keyring_attributes_copy (attributes);
      g_ptr_array_add (priv->items, item);
    }

  g_free (item->label);
  item->label = g_strdup (label);
  lk_secret_free (item->secret);
  item->secret = g_strdup (secret);

  g_task_return_boolean (task, TRUE);
}

static gboolean
lk_volatile_store_store_finish (LkCredentialStore  *store,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lk_volatile_store_search_async (LkCredentialStore   *store,
                                LkSchemaKind         schema,
                                GHashTable          *attributes,
                                gboolean             with_secrets,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  LkVolatileStore *self = LK_VOLATILE_STORE (store);
  LkVolatileStorePrivate *priv = lk_volatile_store_get_instance_private (self);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *found;

  g_task_set_source_tag (task, lk_volatile_store_search_async);

  if (!lk_keyring_query_fits (schema, attributes))
    {
      g_task_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_INVALID));
      return;
    }

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stored_item_free);
  for (guint i = priv->items->len; i > 0; i--)
    {
      VolatileItem *item = g_ptr_array_index (priv->items, i - 1);
      LkStoredItem *copy;

      if (!lk_keyring_item_matches (schema, attributes, item->schema, item->attributes))
        continue;

      copy = g_new0 (LkStoredItem, 1);
      copy->attributes = lk_keyring_attributes_copy (item->attributes);
      copy->label = g_strdup (item->label);
      copy->secret = with_secrets ? g_strdup (item->secret) : NULL;
      g_ptr_array_add (found, copy);
    }

  g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
lk_volatile_store_search_finish (LkCredentialStore  *store,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lk_volatile_store_clear_async (LkCredentialStore   *store,
                               LkSchemaKind         schema,
                               GHashTable          *attributes,
                               gboolean             exact,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  LkVolatileStore *self = LK_VOLATILE_STORE (store);
  LkVolatileStorePrivate *priv = lk_volatile_store_get_instance_private (self);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  guint removed = 0;

  g_task_set_source_tag (task, lk_volatile_store_clear_async);

  /* An empty set would match every item. */
  if (!lk_keyring_attributes_fit (schema, attributes, FALSE))
    {
      g_task_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_INVALID));
      return;
    }

  for (guint i = priv->items->len; i > 0; i--)
    {
      VolatileItem *item = g_ptr_array_index (priv->items, i - 1);

      if (lk_keyring_item_matches (schema, attributes, item->schema, item->attributes) &&
          (!exact || lk_keyring_attributes_equal (item->attributes, attributes)))
        {
          g_ptr_array_remove_index (priv->items, i - 1);
          removed++;
        }
    }

  g_task_set_task_data (task, GUINT_TO_POINTER (removed), NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
lk_volatile_store_clear_finish (LkCredentialStore  *store,
                                GAsyncResult       *result,
                                guint              *out_removed,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  if (out_removed != NULL)
    *out_removed = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));

  return TRUE;
}

static void
lk_volatile_store_finalize (GObject *object)
{
  LkVolatileStore *self = LK_VOLATILE_STORE (object);
  LkVolatileStorePrivate *priv = lk_volatile_store_get_instance_private (self);

  g_clear_pointer (&priv->items, g_ptr_array_unref);

  G_OBJECT_CLASS (lk_volatile_store_parent_class)->finalize (object);
}

static void
lk_volatile_store_class_init (LkVolatileStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LkCredentialStoreClass *store_class = LK_CREDENTIAL_STORE_CLASS (klass);

  object_class->finalize = lk_volatile_store_finalize;

  store_class->store_async = lk_volatile_store_store_async;
  store_class->store_finish = lk_volatile_store_store_finish;
  store_class->search_async = lk_volatile_store_search_async;
  store_class->search_finish = lk_volatile_store_search_finish;
  store_class->clear_async = lk_volatile_store_clear_async;
  store_class->clear_finish = lk_volatile_store_clear_finish;
}

static void
lk_volatile_store_init (LkVolatileStore *self)
{
  LkVolatileStorePrivate *priv = lk_volatile_store_get_instance_private (self);

  priv->items = g_ptr_array_new_with_free_func ((GDestroyNotify) volatile_item_free);
}

LkCredentialStore *
lk_volatile_store_new (void)
{
  return g_object_new (LK_TYPE_VOLATILE_STORE, NULL);
}

guint
lk_volatile_store_get_n_items (LkVolatileStore *self)
{
  LkVolatileStorePrivate *priv;

  g_return_val_if_fail (LK_IS_VOLATILE_STORE (self), 0);

  priv = lk_volatile_store_get_instance_private (self);
  return priv->items->len;
}
