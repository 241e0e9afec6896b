/* lk-secret-store-items.c: store, search and clear, against the service
 *
 * Only the SecretService calls are used, never secret_password_*: inside a
 * Flatpak those are sent to an app-private file whenever the Secret portal
 * exists, and our items belong in the user's default collection where
 * Seahorse and secret-tool find them.
 *
 * Other programs change the keyring while we use it, and libsecret 0.20.5
 * finishes some of its own tasks twice when an item it was about to read
 * or delete is deleted first (docs/security.md, "Other programs in the
 * keyring at the same time"): secret_service_search() and
 * secret_service_clear() both do.  So a search or a clear here asks the
 * service for the items' D-Bus object paths, then reads (one
 * Properties.GetAll, then the secret) or deletes each item on its own,
 * counting what is under way ourselves: an item deleted by someone else in
 * between is simply gone, not an error, and each operation ends once.  No
 * SecretItem or item-loaded SecretCollection is ever made.
 *
 * The service finds every item that has the attributes asked for, whatever
 * else it has, and the user's keyring holds other programs' items: each
 * item read is kept only when it is ours (lk_keyring_item_is_ours()), and
 * a clear reads each item's attributes before deleting it, so another
 * program's item that merely shares a key-id is never touched.
 *
 * On the fast path (the default collection known to be unlocked) a locked
 * or vanished match sends the operation back through the full chain once
 * (lk_secret_store_op_fall_back()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-store"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "lk-secret-store-private.h"

#define ITEM_INTERFACE "org.freedesktop.Secret.Item"

/* What an error about one item means: the item no longer exists (another
 * program deleted it after the search found it). */
static gboolean
is_gone_error (const GError *error)
{
  return g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE);
}

static GError *
locked_error_new (void)
{
  return g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "The item is locked.");
}

/* ---- Reading one item ----
 *
 * A small asynchronous function of its own: its task ends with the item,
 * with NULL (gone, or nothing we may hand out) or with an error
 * (SECRET_ERROR_IS_LOCKED when it is locked). */

typedef struct {
  char         *path;
  gboolean      with_secret;
  LkSchemaKind  kind;
  GHashTable   *exactly;      /* keep only items with exactly these (but xdg:schema) */
  gboolean      rechecking;   /* the service gave no secret: is the item still there? */
  LkStoredItem *stored;
} ReadItem;

static void
read_item_free (ReadItem *read)
{
  g_clear_pointer (&read->path, g_free);
  g_clear_pointer (&read->exactly, g_hash_table_unref);
  g_clear_pointer (&read->stored, lk_stored_item_free);
  g_free (read);
}

static void read_item_properties (GTask *task);

static void
on_item_secret (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ReadItem *read;
  g_autoptr (SecretValue) value = NULL;
  g_autoptr (GError) error = NULL;
  const char *bytes;
  gsize length = 0;

  g_assert (G_IS_TASK (task));

  read = g_task_get_task_data (task);
  value = secret_service_get_secret_for_dbus_path_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* No secret: the item was locked or deleted since we looked. */
  if (value == NULL)
    {
      read->rechecking = TRUE;
      read_item_properties (g_steal_pointer (&task));
      return;
    }

  /* Secrets are text; anything else is not ours to hand out. */
  bytes = secret_value_get (value, &length);
  if (bytes == NULL || !g_utf8_validate (bytes, length, NULL) || memchr (bytes, '\0', length) != NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  read->stored->secret = g_strndup (bytes, length);
  g_task_return_pointer (task, g_steal_pointer (&read->stored), (GDestroyNotify) lk_stored_item_free);
}

static void
on_item_properties (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  ReadItem *read;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) properties = NULL;
  g_autoptr (GVariant) attributes = NULL;
  g_autoptr (GError) error = NULL;
  SecretService *service;
  GCancellable *cancellable;
  GVariantIter iter;
  const char *name;
  const char *value;
  const char *label = NULL;
  gboolean locked = FALSE;

  g_assert (G_IS_TASK (task));

  read = g_task_get_task_data (task);
  service = g_task_get_source_object (task);
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_variant_get (reply, "(@a{sv})", &properties);
  g_variant_lookup (properties, "Locked", "b", &locked);
  if (locked)
    {
      g_task_return_error (task, locked_error_new ());
      return;
    }

  attributes = g_variant_lookup_value (properties, "Attributes", G_VARIANT_TYPE ("a{ss}"));
  if (attributes == NULL || read->rechecking)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  read->stored = g_new0 (LkStoredItem, 1);
  read->stored->attributes = lk_keyring_attributes_new ();
  g_variant_iter_init (&iter, attributes);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &value))
    lk_keyring_attributes_add (read->stored->attributes, name, value);
  g_variant_lookup (properties, "Label", "&s", &label);
  read->stored->label = g_strdup (label != NULL ? label : "");

  /* Another program's item, or not exactly the one asked for: not ours. */
  if (!lk_keyring_item_is_ours (read->kind, read->stored->attributes) ||
      (read->exactly != NULL &&
       !lk_keyring_attributes_equal_but_schema (read->stored->attributes, read->exactly)))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (!read->with_secret)
    {
      g_task_return_pointer (task, g_steal_pointer (&read->stored), (GDestroyNotify) lk_stored_item_free);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  secret_service_get_secret_for_dbus_path (service, read->path, cancellable,
                                           on_item_secret, g_steal_pointer (&task));
}

/* Takes @task. */
static void
read_item_properties (GTask *task)
{
  SecretService *service = g_task_get_source_object (task);
  ReadItem *read = g_task_get_task_data (task);
  GDBusProxy *proxy = G_DBUS_PROXY (service);

  g_dbus_connection_call (g_dbus_proxy_get_connection (proxy), g_dbus_proxy_get_name (proxy),
                          read->path, "org.freedesktop.DBus.Properties", "GetAll",
                          g_variant_new ("(s)", ITEM_INTERFACE), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, g_task_get_cancellable (task),
                          on_item_properties, task);
}

static void
read_item_async (SecretService       *service,
                 const char          *path,
                 gboolean             with_secret,
                 LkSchemaKind         kind,
                 GHashTable          *exactly,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (service, cancellable, callback, user_data);
  ReadItem *read = g_new0 (ReadItem, 1);

  g_task_set_source_tag (task, read_item_async);
  read->path = g_strdup (path);
  read->with_secret = with_secret;
  read->kind = kind;
  read->exactly = exactly != NULL ? g_hash_table_ref (exactly) : NULL;
  g_task_set_task_data (task, read, (GDestroyNotify) read_item_free);

  read_item_properties (task);
}

static LkStoredItem *
read_item_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_assert (g_task_get_source_tag (G_TASK (result)) == read_item_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- One pass over the paths a search found ---- */

/* An item's error: the first one that is neither "gone" nor "locked" is
 * the operation's. */
static void
op_take_item_error (LkSecretStoreOp *op,
                    GError          *error)
{
  if (is_gone_error (error))
    {
      g_debug ("A keyring item was gone before we got to it (removed elsewhere)");
      g_error_free (error);
    }
  else if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    {
      op->n_locked++;
      g_error_free (error);
    }
  else if (op->item_error == NULL)
    op->item_error = error;
  else
    g_error_free (error);
}

/* Every item is done: TRUE when the operation may go on to its answer,
 * FALSE when it ended or went back through the full chain. */
static gboolean
op_pass_done (GTask *task)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);
  gboolean gone;

  g_assert (op->n_pending == 0);

  if (lk_secret_store_op_stopped (task))
    return FALSE;

  if (op->item_error != NULL)
    {
      g_autoptr (GError) error = g_steal_pointer (&op->item_error);

      if (op->fast && lk_secret_store_needs_full_chain (error, &gone))
        lk_secret_store_op_fall_back (task, gone);
      else
        lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return FALSE;
    }

  /* Looked without unlocking, and something is locked after all: the
   * full chain unlocks it. */
  if (op->n_locked > 0 && op->fast)
    {
      lk_secret_store_op_fall_back (task, FALSE);
      return FALSE;
    }

  return TRUE;
}

static void
search_done (GTask *task)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  if (!op_pass_done (task))
    return;

  if (op->n_locked > 0 && op->found->len == 0)
    {
      lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return;
    }

  lk_secret_store_op_return_pointer (task, g_steal_pointer (&op->found),
                                     (GDestroyNotify) g_ptr_array_unref);
}

static void
clear_done (GTask *task)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  if (!op_pass_done (task))
    return;

  /* Only locked items left to remove. */
  if (op->n_locked > 0 && op->n_matching == 0)
    {
      lk_secret_store_op_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_LOCKED));
      return;
    }

  lk_secret_store_op_return_boolean (task);
}

static void
on_item_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  LkStoredItem *stored;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  stored = read_item_finish (result, &error);
  if (stored != NULL)
    g_ptr_array_add (op->found, stored);
  else if (error != NULL)
    op_take_item_error (op, error);

  g_assert (op->n_pending > 0);
  if (--op->n_pending == 0)
    search_done (task);
}

static void
on_item_deleted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkSecretStoreOp *op;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  if (secret_service_delete_item_dbus_path_finish (SECRET_SERVICE (source), result, &error))
    op->n_matching++;
  else if (error != NULL)
    op_take_item_error (op, error);

  g_assert (op->n_pending > 0);
  if (--op->n_pending == 0)
    clear_done (task);
}

typedef struct {
  GTask *task;      /* the clear */
  char  *path;
} ClearItem;

/* A clear read the item at @path: delete it when it is ours. */
static void
on_clear_item_read (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ClearItem *item = user_data;
  g_autoptr (GTask) task = g_steal_pointer (&item->task);
  g_autofree char *path = g_steal_pointer (&item->path);
  LkSecretStoreOp *op;
  LkStoredItem *stored;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));
  g_free (item);

  op = g_task_get_task_data (task);
  stored = read_item_finish (result, &error);
  if (stored != NULL)
    {
      lk_stored_item_free (stored);
      secret_service_delete_item_dbus_path (SECRET_SERVICE (source), path, op->cancellable,
                                            on_item_deleted, g_steal_pointer (&task));
      return;
    }
  if (error != NULL)
    op_take_item_error (op, error);

  g_assert (op->n_pending > 0);
  if (--op->n_pending == 0)
    clear_done (task);
}

/* Reads (search) or reads then deletes (clear) each item at @paths, each
 * on its own. */
static void
op_visit (GTask         *task,
          SecretService *service,
          GPtrArray     *paths)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);
  gboolean searching = op->kind == LK_SECRET_STORE_OP_SEARCH;

  g_assert (op->n_pending == 0);

  if (searching)
    {
      g_clear_pointer (&op->found, g_ptr_array_unref);
      op->found = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stored_item_free);
    }

  /* One count of our own, so no item can end the pass while we start them. */
  op->n_pending = 1;
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);

      op->n_pending++;
      if (searching)
        read_item_async (service, path, op->with_secrets, op->schema_kind, NULL,
                         op->cancellable, on_item_read, g_object_ref (task));
      else
        {
          ClearItem *item = g_new0 (ClearItem, 1);

          item->task = g_object_ref (task);
          item->path = g_strdup (path);
          read_item_async (service, path, FALSE, op->schema_kind,
                           op->exact ? op->attributes : NULL,
                           op->cancellable, on_clear_item_read, item);
        }
    }

  if (--op->n_pending > 0)
    return;

  if (searching)
    search_done (task);
  else
    clear_done (task);
}

/* What to visit: the unlocked paths, and those of the locked ones that
 * @now_unlocked lists; the rest stay locked. */
static void
op_visit_found (GTask          *task,
                SecretService  *service,
                char          **now_unlocked)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; op->unlocked[i] != NULL; i++)
    g_ptr_array_add (paths, op->unlocked[i]);

  op->n_locked = 0;
  for (guint i = 0; op->locked[i] != NULL; i++)
    {
      if (now_unlocked != NULL && g_strv_contains ((const char * const *) now_unlocked, op->locked[i]))
        g_ptr_array_add (paths, op->locked[i]);
      else
        op->n_locked++;
    }

  op_visit (task, service, paths);
}

static void
on_paths_unlocked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_auto (GStrv) now_unlocked = NULL;

  g_assert (G_IS_TASK (task));

  /* As libsecret's own search: an unlock that fails or is dismissed is no
   * failure; what stays locked is counted as locked. */
  secret_service_unlock_dbus_paths_finish (SECRET_SERVICE (source), result, &now_unlocked, NULL);

  if (lk_secret_store_op_stopped (task))
    return;

  op_visit_found (task, SECRET_SERVICE (source), now_unlocked);
}

static void
on_paths_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  SecretService *service = SECRET_SERVICE (source);
  LkSecretStore *self;
  LkSecretStoreOp *op;
  g_autoptr (GError) error = NULL;
  gboolean gone;

  g_assert (G_IS_TASK (task));

  op = g_task_get_task_data (task);
  self = g_task_get_source_object (task);
  g_clear_pointer (&op->unlocked, g_strfreev);
  g_clear_pointer (&op->locked, g_strfreev);
  secret_service_search_for_dbus_paths_finish (service, result, &op->unlocked, &op->locked, &error);
  if (op->finished)
    return;

  if (error != NULL)
    {
      if (op->fast && lk_secret_store_needs_full_chain (error, &gone))
        lk_secret_store_op_fall_back (task, gone);
      else
        lk_secret_store_op_return_error (task, lk_secret_store_map_error (error, FALSE));
      return;
    }

  if (lk_secret_store_op_stopped (task))
    return;

  if (op->locked[0] != NULL && op->fast)
    {
      lk_secret_store_op_fall_back (task, FALSE);
      return;
    }

  /* The full chain unlocks what it can (the desktop may ask for a
   * password), except in a quiet store. */
  if (op->locked[0] != NULL && !self->quiet)
    {
      secret_service_unlock_dbus_paths (service, (const char **) op->locked, op->cancellable,
                                        on_paths_unlocked, g_object_ref (task));
      return;
    }

  op_visit_found (task, service, NULL);
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

/* ---- The operation ---- */

void
lk_secret_store_op_run (GTask         *task,
                        SecretService *service)
{
  LkSecretStoreOp *op = g_task_get_task_data (task);

  g_assert (SECRET_IS_SERVICE (service));
  g_assert (op->n_pending == 0);

  /* A second run (after a fall back) starts its count afresh. */
  op->n_locked = 0;
  op->n_matching = 0;
  g_clear_error (&op->item_error);

  switch (op->kind)
    {
    case LK_SECRET_STORE_OP_STORE:
      /* By path inside libsecret: no item or collection proxy is made. */
      {
        LkSecretStore *self = g_task_get_source_object (task);
        g_autofree char *label = NULL;

        if (self->demo)
          /* Translators: the label of a keyring item the demo made; %s is
           * the usual label, "HiddenLayer API key “NAME”" */
          label = g_strdup_printf (_("Layer Keys demo: %s"), op->label);
        secret_service_store (service, op->schema, op->attributes,
                              self->alias != NULL ? self->alias : SECRET_COLLECTION_DEFAULT,
                              label != NULL ? label : op->label, op->value, op->cancellable,
                              on_stored, g_object_ref (task));
      }
      break;

    case LK_SECRET_STORE_OP_SEARCH:
    case LK_SECRET_STORE_OP_CLEAR:
      secret_service_search_for_dbus_paths (service, op->schema, op->attributes, op->cancellable,
                                            on_paths_found, g_object_ref (task));
      break;

    default:
      g_assert_not_reached ();
    }
}
