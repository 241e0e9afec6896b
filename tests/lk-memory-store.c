/* lk-memory-store.c: the product's in-memory store, told to fail or wait
 *
 * Test-only (tests/ links it, the product never does), for tests of
 * code that is not about the keyring.  Its items are LkVolatileStore's
 * (the demo's store, which obeys the keyring's rules); all this subclass
 * adds is a failure every operation returns, and a delay before every
 * answer.  Every operation completes from the main loop, never before
 * the _async call returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-memory-store"

#include "config.h"

#include "lk-keyring-private.h"
#include "lk-memory-store.h"

struct _LkMemoryStore
{
  LkVolatileStore  parent_instance;

  int              failure;        /* an LkStoreError, or -1 */
  guint            delay_ms;       /* before each answer */
  guint            n_operations;   /* begun so far */
};

G_DEFINE_FINAL_TYPE (LkMemoryStore, lk_memory_store, LK_TYPE_VOLATILE_STORE)

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

/* Counts the operation, and routes its answer through the delay, when
 * one is set. */
static void
maybe_delay (LkMemoryStore        *self,
             GAsyncReadyCallback  *callback,
             gpointer             *user_data)
{
  Delayed *delayed;

  self->n_operations++;
  if (self->delay_ms == 0 || *callback == NULL)
    return;

  delayed = g_new0 (Delayed, 1);
  delayed->callback = *callback;
  delayed->user_data = *user_data;
  delayed->delay_ms = self->delay_ms;
  *callback = on_delayed_answer;
  *user_data = delayed;
}

/* Returns TRUE (and answers with the injected failure) when one is set;
 * the parent class's _finish functions take the answer. */
static gboolean
return_injected_failure (LkMemoryStore        *self,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data,
                         gpointer              source_tag)
{
  g_autoptr (GTask) task = NULL;

  if (self->failure < 0)
    return FALSE;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_return_error (task, lk_keyring_error_new ((LkStoreError) self->failure));
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

  maybe_delay (self, &callback, &user_data);
  if (return_injected_failure (self, cancellable, callback, user_data,
                               lk_memory_store_store_async))
    return;

  LK_CREDENTIAL_STORE_CLASS (lk_memory_store_parent_class)->store_async (store, schema, attributes, label, secret,
                                                                         cancellable, callback, user_data);
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

  maybe_delay (self, &callback, &user_data);
  if (return_injected_failure (self, cancellable, callback, user_data,
                               lk_memory_store_search_async))
    return;

  LK_CREDENTIAL_STORE_CLASS (lk_memory_store_parent_class)->search_async (store, schema, attributes, with_secrets,
                                                                          cancellable, callback, user_data);
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

  maybe_delay (self, &callback, &user_data);
  if (return_injected_failure (self, cancellable, callback, user_data,
                               lk_memory_store_clear_async))
    return;

  LK_CREDENTIAL_STORE_CLASS (lk_memory_store_parent_class)->clear_async (store, schema, attributes, exact,
                                                                         cancellable, callback, user_data);
}

static void
lk_memory_store_class_init (LkMemoryStoreClass *klass)
{
  LkCredentialStoreClass *store_class = LK_CREDENTIAL_STORE_CLASS (klass);

  store_class->store_async = lk_memory_store_store_async;
  store_class->search_async = lk_memory_store_search_async;
  store_class->clear_async = lk_memory_store_clear_async;
}

static void
lk_memory_store_init (LkMemoryStore *self)
{
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

void
lk_memory_store_set_delay (LkMemoryStore *self,
                           guint          delay_ms)
{
  g_return_if_fail (LK_IS_MEMORY_STORE (self));

  self->delay_ms = delay_ms;
}

guint
lk_memory_store_get_n_operations (LkMemoryStore *self)
{
  g_return_val_if_fail (LK_IS_MEMORY_STORE (self), 0);

  return self->n_operations;
}
