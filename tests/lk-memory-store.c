/* lk-memory-store.c: a credential store that lives in memory
 *
 * Test-only (tests/ links it, the product never does), for tests of
 * code that is not about the keyring: it behaves like the
 * keyring store (a search finds the items of its schema that have the
 * attributes; storing replaces an item with the same attributes; every
 * item in it is ours) and can be told to fail.  Every operation completes from the
 * main loop, never before the _async call returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-memory-store"

#include "config.h"

#include "lk-keyring-private.h"
#include "lk-memory-store.h"

typedef struct {
  LkSchemaKind  schema;
  GHashTable   *attributes;
  char         *label;
  char         *secret;
} MemoryItem;

struct _LkMemoryStore
{
  LkCredentialStore  parent_instance;

  GPtrArray         *items;          /* of MemoryItem */
  int                failure;        /* an LkStoreError, or -1 */
  guint              delay_ms;       /* before each answer */
};

G_DEFINE_FINAL_TYPE (LkMemoryStore, lk_memory_store, LK_TYPE_CREDENTIAL_STORE)

static void
memory_item_free (MemoryItem *item)
{
  g_clear_pointer (&item->attributes, g_hash_table_unref);
  g_clear_pointer (&item->label, g_free);
  g_clear_pointer (&item->secret, lk_secret_free);
  g_free (item);
}

/* An answer held back for the store's delay, as a slow keyring's. */
typedef struct {
  GAsyncReadyCallback  callback;
  gpointer             user_data;
  GObject             *source;
  GAsyncResult        *result;
  guint                delay_ms;
} Delayed;

static gboolean
delayed_deliver (gpointer data)
{
  Delayed *delayed = data;

  delayed->callback (delayed->source, delayed->result, delayed->user_data);
  g_object_unref (delayed->source);
  g_object_unref (delayed->result);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
on_delayed_answer (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Delayed *delayed = data;

  delayed->source = g_object_ref (source);
  delayed->result = g_object_ref (result);
  g_timeout_add (delayed->delay_ms, delayed_deliver, delayed);
}

/* Routes the answer through the delay, when one is set. */
static void
maybe_delay (LkMemoryStore        *self,
             GAsyncReadyCallback  *callback,
             gpointer             *user_data)
{
  Delayed *delayed;

  if (self->delay_ms == 0 || *callback == NULL)
    return;

  delayed = g_new0 (Delayed, 1);
  delayed->callback = *callback;
  delayed->user_data = *user_data;
  delayed->delay_ms = self->delay_ms;
  *callback = on_delayed_answer;
  *user_data = delayed;
}

/* Returns TRUE (and completes @task) when a failure is injected. */
static gboolean
return_injected_failure (LkMemoryStore *self,
                         GTask         *task)
{
  if (self->failure < 0)
    return FALSE;

  g_task_return_error (task, lk_keyring_error_new ((LkStoreError) self->failure));
  return TRUE;
}

/* As the keyring: nothing is stored without its schema's full attribute
 * set, and nothing searched for or removed by an empty one. */
static gboolean
return_if_unfit (GTask        *task,
                 LkSchemaKind  schema,
                 GHashTable   *attributes,
                 gboolean      all_required)
{
  if (lk_keyring_attributes_fit (schema, attributes, all_required))
    return FALSE;

  g_task_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_INVALID));
  return TRUE;
}

static void
lk_memory_store_store_async (LkCredentialStore   *store,
                             LkSchemaKind         schema,
                             GHashTable          *attributes,
                             const char          *label,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LkMemoryStore *self = LK_MEMORY_STORE (store);
  g_autoptr (GTask) task = NULL;
  MemoryItem *item = NULL;

  maybe_delay (self, &callback, &user_data);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_memory_store_store_async);

  if (return_injected_failure (self, task) ||
      return_if_unfit (task, schema, attributes, TRUE))
    return;

  /* The keyring replaces an item of the same schema and attributes. */
  for (guint i = 0; i < self->items->len; i++)
    {
      MemoryItem *candidate = g_ptr_array_index (self->items, i);

      if (candidate->schema == schema &&
          lk_keyring_attributes_equal (candidate->attributes, attributes))
        {
          item = candidate;
          break;
        }
    }

  if (item == NULL)
    {
      item = g_new0 (MemoryItem, 1);
      item->schema = schema;
      item->attributes = lk_keyring_attributes_copy (attributes);
      g_ptr_array_add (self->items, item);
    }

  g_free (item->label);
  item->label = g_strdup (label);
  lk_secret_free (item->secret);
  item->secret = g_strdup (secret);

  g_task_return_boolean (task, TRUE);
}

static gboolean
lk_memory_store_store_finish (LkCredentialStore  *store,
                              GAsyncResult       *result,
                              GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lk_memory_store_search_async (LkCredentialStore   *store,
                              LkSchemaKind         schema,
                              GHashTable          *attributes,
                              gboolean             with_secrets,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  LkMemoryStore *self = LK_MEMORY_STORE (store);
  g_autoptr (GTask) task = NULL;
  GPtrArray *found;

  maybe_delay (self, &callback, &user_data);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_memory_store_search_async);

  if (return_injected_failure (self, task))
    return;
  /* An empty set only for the account schema, which matches on its name. */
  if (!lk_keyring_query_fits (schema, attributes))
    {
      g_task_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_INVALID));
      return;
    }

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stored_item_free);
  /* Newest first, as the keyring tends to answer. */
  for (guint i = self->items->len; i > 0; i--)
    {
      MemoryItem *item = g_ptr_array_index (self->items, i - 1);
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
lk_memory_store_search_finish (LkCredentialStore  *store,
                               GAsyncResult       *result,
                               GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lk_memory_store_clear_async (LkCredentialStore   *store,
                             LkSchemaKind         schema,
                             GHashTable          *attributes,
                             gboolean             exact,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LkMemoryStore *self = LK_MEMORY_STORE (store);
  g_autoptr (GTask) task = NULL;
  guint removed = 0;

  maybe_delay (self, &callback, &user_data);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_memory_store_clear_async);

  if (return_injected_failure (self, task) ||
      return_if_unfit (task, schema, attributes, FALSE))
    return;

  for (guint i = self->items->len; i > 0; i--)
    {
      MemoryItem *item = g_ptr_array_index (self->items, i - 1);

      if (lk_keyring_item_matches (schema, attributes, item->schema, item->attributes) &&
          (!exact || lk_keyring_attributes_equal (item->attributes, attributes)))
        {
          g_ptr_array_remove_index (self->items, i - 1);
          removed++;
        }
    }

  g_task_set_task_data (task, GUINT_TO_POINTER (removed), NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
lk_memory_store_clear_finish (LkCredentialStore  *store,
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
lk_memory_store_finalize (GObject *object)
{
  LkMemoryStore *self = LK_MEMORY_STORE (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (lk_memory_store_parent_class)->finalize (object);
}

static void
lk_memory_store_class_init (LkMemoryStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LkCredentialStoreClass *store_class = LK_CREDENTIAL_STORE_CLASS (klass);

  object_class->finalize = lk_memory_store_finalize;

  store_class->store_async = lk_memory_store_store_async;
  store_class->store_finish = lk_memory_store_store_finish;
  store_class->search_async = lk_memory_store_search_async;
  store_class->search_finish = lk_memory_store_search_finish;
  store_class->clear_async = lk_memory_store_clear_async;
  store_class->clear_finish = lk_memory_store_clear_finish;
}

static void
lk_memory_store_init (LkMemoryStore *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) memory_item_free);
  self->failure = -1;
}

LkCredentialStore *
lk_memory_store_new (void)
{
  return g_object_new (LK_TYPE_MEMORY_STORE, NULL);
}

void
lk_memory_store_set_failure (LkMemoryStore *self,
                             int            error_code)
{
  g_return_if_fail (LK_IS_MEMORY_STORE (self));
  g_return_if_fail (error_code >= -1 && error_code <= LK_STORE_ERROR_FAILED);

  self->failure = error_code;
}

guint
lk_memory_store_get_n_items (LkMemoryStore *self)
{
  g_return_val_if_fail (LK_IS_MEMORY_STORE (self), 0);

  return self->items->len;
}

void
lk_memory_store_set_delay (LkMemoryStore *self,
                           guint          delay_ms)
{
  g_return_if_fail (LK_IS_MEMORY_STORE (self));

  self->delay_ms = delay_ms;
}
