/* lk-secret-store-service.c: the Secret Service and its default collection
 *
 * Round trips: the store connects once and keeps the connection, and the
 * default collection is looked up once and kept, with what we know of its
 * lock state (its "locked" property is watched).  While it is known to be
 * unlocked, an operation goes straight to the service with the same calls
 * a direct libsecret program makes (store, search without unlocking,
 * delete), and falls back to the full chain (look the default collection
 * up again, unlock it, search unlocking the items) as soon as the service
 * says something is locked or gone: a store refused as locked, an item
 * found locked.  A search goes straight to the service too while nothing
 * is known of the default collection yet (op_prepare()).
 *
 * The connection is a SecretService of the store's own, opened without
 * SECRET_SERVICE_LOAD_COLLECTIONS, and the default collection is looked up
 * with SECRET_COLLECTION_NONE: libsecret 0.20.5 reloads a loaded
 * collection's items whenever another program adds or removes one, and
 * that reload finishes its task twice when an item is deleted before it is
 * read.  libsecret's shared instance is not used, so no other code in the
 * process that asks it for loaded collections can hand us one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-store"

#include "config.h"

#include "lk-secret-store-private.h"

static void op_check_default (GTask *task);

/* ---- What we know of the default collection ---- */

static void
store_forget_default (LkSecretStore *self)
{
  if (self->collection != NULL)
    {
      g_clear_signal_handler (&self->locked_handler, self->collection);
      g_clear_signal_handler (&self->signal_handler, self->collection);
      g_clear_object (&self->collection);
    }
  self->default_unlocked = FALSE;
}

static void
on_default_locked_notify (SecretCollection *collection,
                          GParamSpec       *pspec,
                          gpointer          user_data)
{
  LkSecretStore *self = user_data;

  if (secret_collection_get_locked (collection))
    self->default_unlocked = FALSE;
}

/* libsecret 0.20.5's own handler of a collection's ItemCreated and
 * ItemDeleted signals (secret_collection_signal(), the class handler of
 * GDBusProxy::g-signal) rebuilds the proxy's cached Items property from
 * the cached one without checking that there is one, and crashes when
 * there is none.  GDBusProxy empties its cache when the service's name
 * changes hands and fills it again later, so a signal can come in between;
 * another program storing or deleting an item is enough to send one.
 * This handler runs before that class handler (which runs last) and then
 * stops the emission.  Nothing is lost: we never read the collection's
 * Items, and we forget the collection, so that the next operation looks
 * it up again, as after any change of the service's collections. */
static void
on_default_signal (GDBusProxy *proxy,
                   const char *sender_name,
                   const char *signal_name,
                   GVariant   *parameters,
                   gpointer    user_data)
{
  g_autoptr (GVariant) items = NULL;

  if (!g_str_equal (signal_name, "ItemCreated") && !g_str_equal (signal_name, "ItemDeleted"))
    return;

  items = g_dbus_proxy_get_cached_property (proxy, "Items");
  if (items != NULL)
    return;

  g_debug ("The default collection's items are not known: ignoring its %s signal", signal_name);
  g_signal_stop_emission_by_name (proxy, "g-signal");
  /* The emission holds its own reference to the proxy. */
  store_forget_default (LK_SECRET_STORE (user_data));
}

/* The service's collections changed (one was created or deleted, or an
 * alias moved): the default may be another one now.  The next operation
 * looks again.  Watched on the proxy itself, since a service whose
 * collections are not loaded never notifies "collections". */
static void
on_service_properties_changed (GDBusProxy         *proxy,
                               GVariant           *changed,
                               const char * const *invalidated,
                               gpointer            user_data)
{
  g_autoptr (GVariant) collections = g_variant_lookup_value (changed, "Collections", NULL);

  if (collections != NULL || g_strv_contains (invalidated, "Collections"))
    store_forget_default (LK_SECRET_STORE (user_data));
}

static void
store_keep_default (LkSecretStore    *self,
                    SecretCollection *collection)
{
  if (self->collection == collection)
    return;

  store_forget_default (self);
  self->collection = g_object_ref (collection);
  self->locked_handler = g_signal_connect (collection, "notify::locked",
                                           G_CALLBACK (on_default_locked_notify), self);
  self->signal_handler = g_signal_connect (collection, "g-signal",
                                           G_CALLBACK (on_default_signal), self);
}

void
lk_secret_store_drop_service (LkSecretStore *self)
{
  g_assert (LK_IS_SECRET_STORE (self));

  store_forget_default (self);
  if (self->service != NULL)
    g_clear_signal_handler (&self->properties_handler, self->service);
  g_clear_object (&self->service);
}

/* ---- Fast path and full chain ---- */

gboolean
lk_secret_store_needs_full_chain (const GError *error,
                                  gboolean     *out_gone)
{
  g_assert (error != NULL);
  g_assert (out_gone != NULL);

  *out_gone = g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
              g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT);

  return *out_gone || g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED);
}

void
lk_secret_store_op_fall_back (GTask    *task,
                              gboolean  gone)
{
  LkSecretStore *self = g_task_get_source_object (task);
  LkSecretStoreOp *op = g_task_get_task_data (task);

  g_assert (op->fast && !op->retried);

  if (gone)
    store_forget_default (self);
  else
    self->default_unlocked = FALSE;

  op->fast = FALSE;
  op->retried = TRUE;

  if (lk_secret_store_op_stopped (task))
    return;

  op_check_default (task);
}

static void
on_default_unlocked (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;
  GList *unlocked = NULL;
  int n_unlocked;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  n_unlocked = secret_service_unlock_finish (SECRET_SERVICE (source), result, &unlocked, &error);
  g_list_free_full (unlocked, g_object_unref);
  op->prompting = FALSE;

  if (op->finished)
    return;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lk_secret_store_op_return_error (task, g_steal_pointer (&error));
      else if (lk_secret_store_is_no_service_error (error, FALSE))
        lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_NO_SERVICE));
      else
        lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return;
    }

  /* The prompt was dismissed, or failed to show. */
  if (n_unlocked <= 0)
    {
      lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return;
    }

  LK_SECRET_STORE (g_task_get_source_object (task))->default_unlocked = TRUE;

  if (lk_secret_store_op_stopped (task))
    return;

  lk_secret_store_op_run (task, SECRET_SERVICE (source));
}

static void
on_default_collection (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  LkSecretStore *self;
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  self = g_task_get_source_object (task);
  collection = secret_collection_for_alias_finish (result, &error);
  if (op->finished)
    return;

  if (error != NULL)
    {
      lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return;
    }

  if (lk_secret_store_op_stopped (task))
    return;

  /* No default collection yet: storing creates it (and the next
   * operation looks it up again). */
  if (collection != NULL)
    store_keep_default (self, collection);

  if (collection != NULL && secret_collection_get_locked (collection))
    {
      GList *objects;

      self->default_unlocked = FALSE;

      if (self->quiet)
        {
          lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
          return;
        }

      /* Asks the desktop to prompt for the keyring password. */
      objects = g_list_append (NULL, collection);
      op->prompting = TRUE;
      secret_service_unlock (op->service, objects, op->cancellable,
                             on_default_unlocked, g_object_ref (task));
      g_list_free (objects);
      return;
    }

  if (collection != NULL)
    self->default_unlocked = TRUE;

  lk_secret_store_op_run (task, op->service);
}

static void
op_check_default (GTask *task)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  LkSecretStore *self = g_task_get_source_object (task);

  secret_collection_for_alias (op->service, self->alias != NULL ? self->alias : SECRET_COLLECTION_DEFAULT,
                               SECRET_COLLECTION_NONE, op->cancellable,
                               on_default_collection, g_object_ref (task));
}

/* Straight to the operation while the default collection is known to be
 * unlocked, and a search also while nothing is known of it yet (below);
 * otherwise through the full chain. */
static void
op_prepare (GTask *task)
{
  LkSecretStore *self = g_task_get_source_object (task);
  LkSecretStoreOp *op = g_task_get_task_data (task);

  /* A search needs no default collection: the service answers which
   * matching items are locked, and the fast path falls back to the full
   * chain (which unlocks) when any is.  Looking the collection up first
   * costs a proxy whose properties list every item in it: with 1,000
   * items, longer than the search itself, and a command-line program's
   * one lookup pays it every time (issue 19).  Once the collection is
   * known (after a fall back, or any other operation), it decides. */
  if (op->kind == LK_SECRET_STORE_OP_SEARCH && self->collection == NULL)
    {
      op->fast = TRUE;
      lk_secret_store_op_run (task, op->service);
      return;
    }

  if (self->collection != NULL && self->default_unlocked)
    {
      op->fast = TRUE;
      lk_secret_store_op_run (task, op->service);
      return;
    }

  op_check_default (task);
}

/* ---- The connection ---- */

static void
on_service (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  LkSecretStore *self;
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  self = g_task_get_source_object (task);
  service = secret_service_open_finish (result, &error);
  if (op->finished)
    return;

  if (service == NULL)
    {
      lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, TRUE));
      return;
    }

  /* Operations that started together before the first connection each
   * open an instance of their own: all use the first one kept, so
   * the default collection we keep always belongs to a live service (a
   * collection only points weakly at its service). */
  if (self->service == NULL)
    {
      self->service = g_object_ref (service);
      self->properties_handler = g_signal_connect (self->service, "g-properties-changed",
                                                   G_CALLBACK (on_service_properties_changed), self);
    }
  op->service = g_object_ref (self->service);

  if (lk_secret_store_op_stopped (task))
    return;

  op_prepare (task);
}

static void
open_service (GTask *task)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  secret_service_open (SECRET_TYPE_SERVICE, NULL, SECRET_SERVICE_OPEN_SESSION,
                       op->cancellable, on_service, task);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  LkSecretStore *self;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  self = g_task_get_source_object (task);
  bus = g_bus_get_finish (result, &error);
  if (bus != NULL && self->bus == NULL)
    self->bus = g_object_ref (bus);

  if (op->finished)
    return;

  if (bus == NULL)
    {
      lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, TRUE));
      return;
    }

  if (lk_secret_store_op_stopped (task))
    return;

  open_service (g_steal_pointer (&task));
}

void
lk_secret_store_connect (GTask *task)
{
  g_autoptr (GTask) owned = task;
  LkSecretStore *self;
  LkSecretStoreOp *op;

  g_assert (G_IS_TASK (task));

  self = g_task_get_source_object (task);
  op = g_task_get_task_data (task);

  if (self->service != NULL)
    {
      op->service = g_object_ref (self->service);
      op_prepare (task);
      return;
    }

  if (lk_secret_store_op_stopped (task))
    return;

  if (self->bus != NULL)
    {
      open_service (g_steal_pointer (&owned));
      return;
    }

  /* The session bus first, and never with a cancellable: GIO initialises
   * its shared connection once, and a first g_bus_get() that is cancelled
   * leaves that connection failed ("cancelled") for every later caller in
   * the process for as long as anyone holds it.  libsecret's own
   * g_bus_get() inside secret_service_open() then finds it initialised.
   * The store keeps it, as libsecret's shared service used to. */
  g_bus_get (G_BUS_TYPE_SESSION, NULL, on_bus, g_steal_pointer (&owned));
}
