/* lk-secret-store.c: the system keyring, through libsecret's SecretService API
 *
 * Only the SecretService calls are used, never secret_password_*: inside a
 * Flatpak those are sent to an app-private file whenever the Secret portal
 * exists, and our items belong in the user's default collection where
 * Seahorse and secret-tool find them.
 *
 * Every operation runs as a short chain (connect, unlock the default
 * collection when it is locked, then store, search or clear) under one
 * GCancellable of its own and one timer: whatever the service does, the
 * task completes exactly once, within LK_STORE_TIMEOUT_SECONDS.
 *
 * Round trips: the default collection is looked up once and kept, with
 * what we know of its lock state (its "locked" property is watched).
 * While it is known to be unlocked, an operation goes straight to the
 * service with the same calls a direct libsecret program makes (store,
 * search without unlocking, clear), and falls back to the full chain
 * (look the default collection up again, unlock it, search with
 * SECRET_SEARCH_UNLOCK) as soon as the service says something is locked
 * or gone: a store refused as locked, an item found locked, a clear that
 * removed nothing while locked items match.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
/* The build defines SECRET_WITH_UNSTABLE, which makes libsecret 0.20 warn
 * unless this is acknowledged.  Nothing here uses the unstable API. */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "lk-credential-store.h"
#include "lk-error.h"

/* API-key items match on their attributes only, not on the schema name:
 * secret-tool (which has no schema option) stores items under
 * org.freedesktop.Secret.Generic, and those count too.  Items we store
 * still carry xdg:schema = LK_SCHEMA_NAME_API_KEY. */
static const SecretSchema api_key_schema = {
  LK_SCHEMA_NAME_API_KEY, SECRET_SCHEMA_DONT_MATCH_NAME,
  {
    { "key-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "expires", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static const SecretSchema account_schema = {
  LK_SCHEMA_NAME_ACCOUNT, SECRET_SCHEMA_NONE,
  {
    { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

struct _LkSecretStore
{
  LkCredentialStore  parent_instance;

  SecretService     *service;       /* connected lazily, then kept */
  GCancellable      *cancellable;   /* cancelled in dispose */
  /* lk_secret_store_new_quiet(): a connection of its own (not libsecret's
   * shared one), and never a prompt */
  gboolean           quiet;

  /* The default collection, looked up once; NULL until then, or after the
   * service changed its collections or said it does not exist. */
  SecretCollection  *collection;
  gulong             locked_handler;
  gulong             collections_handler;
  /* TRUE once the default collection was seen unlocked (or we unlocked
   * it); FALSE again when it reports itself locked or an operation finds
   * something locked. */
  gboolean           default_unlocked;
};

G_DEFINE_FINAL_TYPE (LkSecretStore, lk_secret_store, LK_TYPE_CREDENTIAL_STORE)

typedef enum {
  OP_STORE,
  OP_SEARCH,
  OP_CLEAR,
} OpKind;

typedef struct {
  OpKind         kind;
  const SecretSchema *schema;
  GHashTable    *attributes;
  char          *label;
  SecretValue   *value;             /* store only */
  gboolean       with_secrets;      /* search only */
  guint          n_matching;        /* clear only */

  GCancellable  *cancellable;       /* ours: the timer, the caller and dispose cancel it */
  GCancellable  *caller_cancellable;
  gulong         caller_handler;
  GCancellable  *store_cancellable;
  gulong         store_handler;
  SecretService *service;
  GSource       *timeout;           /* on the thread-default main context */
  gboolean       prompting;         /* our unlock of the default collection is running */
  gboolean       fast;              /* running without the lock checks (see above) */
  gboolean       retried;           /* fell back to the full chain once already */
  gboolean       finished;
} Op;

static void
op_free (Op *op)
{
  g_assert (op->timeout == NULL);
  g_assert (op->caller_handler == 0);
  g_assert (op->store_handler == 0);

  g_clear_pointer (&op->attributes, g_hash_table_unref);
  g_clear_pointer (&op->label, g_free);
  g_clear_pointer (&op->value, secret_value_unref);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->caller_cancellable);
  g_clear_object (&op->store_cancellable);
  g_clear_object (&op->service);
  g_free (op);
}

static const SecretSchema *
schema_for_kind (LkSchemaKind kind)
{
  return kind == LK_SCHEMA_ACCOUNT ? &account_schema : &api_key_schema;
}

/* ---- Errors ---- */

static GError *
error_no_service (void)
{
  return g_error_new_literal (LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE,
                              _("No keyring service is running. Start GNOME Keyring or another Secret Service, then try again."));
}

static GError *
error_locked (void)
{
  return g_error_new_literal (LK_STORE_ERROR, LK_STORE_ERROR_LOCKED,
                              _("Your keyring is locked. Unlock it when your desktop asks, then try again."));
}

static GError *
error_timeout (void)
{
  return g_error_new (LK_STORE_ERROR, LK_STORE_ERROR_TIMEOUT,
                      ngettext ("The keyring did not answer within %d second. Try again.",
                                "The keyring did not answer within %d seconds. Try again.",
                                LK_STORE_TIMEOUT_SECONDS),
                      LK_STORE_TIMEOUT_SECONDS);
}

static gboolean
is_no_service_error (const GError *error,
                     gboolean      connecting)
{
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          return TRUE;
        default:
          return FALSE;
        }
    }

  /* No session bus at all (no address, nothing listening). */
  if (connecting && error->domain == G_IO_ERROR)
    return TRUE;

  return FALSE;
}

/* Translates what libsecret or D-Bus said into an LK_STORE_ERROR.  The
 * service's own words are kept only for errors we have no name for; none
 * of them ever holds a secret (secrets travel only inside SecretValue). */
static GError *
map_error (const GError *error,
           gboolean      connecting)
{
  g_autoptr (GError) copy = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (is_no_service_error (error, connecting))
    return error_no_service ();

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return error_locked ();

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY))
    return error_timeout ();

  copy = g_error_copy (error);
  if (g_dbus_error_is_remote_error (copy))
    g_dbus_error_strip_remote_error (copy);

  return g_error_new (LK_STORE_ERROR, LK_STORE_ERROR_FAILED,
                      /* Translators: %s is the keyring service's own
                       * description of the problem. */
                      _("The keyring could not complete the request: %s"), copy->message);
}

/* ---- One operation ---- */

static void
op_disarm (Op *op)
{
  if (op->timeout != NULL)
    {
      g_source_destroy (op->timeout);
      g_clear_pointer (&op->timeout, g_source_unref);
    }

  if (op->caller_handler != 0)
    {
      g_cancellable_disconnect (op->caller_cancellable, op->caller_handler);
      op->caller_handler = 0;
    }

  if (op->store_handler != 0)
    {
      g_cancellable_disconnect (op->store_cancellable, op->store_handler);
      op->store_handler = 0;
    }
}

/* Completes @task unless it already is; takes @error. */
static void
op_return_error (GTask  *task,
                 GError *error)
{
  Op *op = g_task_get_task_data (task);

  if (op->finished)
    {
      g_error_free (error);
      return;
    }

  op->finished = TRUE;
  op_disarm (op);
  g_task_return_error (task, error);
}

static void
op_return_pointer (GTask          *task,
                   gpointer        result,
                   GDestroyNotify  result_destroy)
{
  Op *op = g_task_get_task_data (task);

  if (op->finished)
    {
      if (result_destroy != NULL)
        result_destroy (result);
      return;
    }

  op->finished = TRUE;
  op_disarm (op);
  g_task_return_pointer (task, result, result_destroy);
}

static void
op_return_boolean (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->finished)
    return;

  op->finished = TRUE;
  op_disarm (op);
  g_task_return_boolean (task, TRUE);
}

static gboolean
op_timed_out_cb (gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);

  g_clear_pointer (&op->timeout, g_source_unref);
  if (op->finished)
    return G_SOURCE_REMOVE;

  if (op->prompting)
    {
      /* The desktop is asking for the keyring password and the person
       * has not answered yet.  Say so, but leave the prompt up: once they
       * unlock, trying again works. */
      op_return_error (task, error_locked ());
      return G_SOURCE_REMOVE;
    }

  /* Stop whatever libsecret is still waiting for; its callback comes
   * later and finds the task finished. */
  g_cancellable_cancel (op->cancellable);
  op_return_error (task, error_timeout ());

  return G_SOURCE_REMOVE;
}

static void
forward_cancel_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

/* Between two steps: TRUE when the task is done or was cancelled (and is
 * now done), so the next step must not start. */
static gboolean
op_stopped (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->finished)
    return TRUE;

  if (g_cancellable_is_cancelled (op->cancellable))
    {
      op_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("The keyring request was cancelled.")));
      return TRUE;
    }

  return FALSE;
}

/* ---- What we know of the default collection ---- */

static void op_check_default (GTask *task);

static void
store_forget_default (LkSecretStore *self)
{
  if (self->collection != NULL)
    {
      g_clear_signal_handler (&self->locked_handler, self->collection);
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

/* The service's collections changed (libsecret says so when one is
 * created or deleted, and when one is locked or unlocked): the default may
 * be another one, or locked now.  The next operation looks again. */
static void
on_collections_notify (SecretService *service,
                       GParamSpec    *pspec,
                       gpointer       user_data)
{
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
}

/* Whether a fast operation's error means "look again, unlocking": the
 * collection is locked (@out_gone FALSE) or no longer exists (TRUE). */
static gboolean
needs_full_chain (const GError *error,
                  gboolean     *out_gone)
{
  *out_gone = g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
              g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT);

  return *out_gone || g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED);
}

/* A fast operation met something locked or gone: forget what we knew and
 * run the operation once more through the full chain. */
static void
op_fall_back (GTask    *task,
              gboolean  gone)
{
  LkSecretStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  g_assert (op->fast && !op->retried);

  if (gone)
    store_forget_default (self);
  else
    self->default_unlocked = FALSE;

  op->fast = FALSE;
  op->retried = TRUE;

  if (op_stopped (task))
    return;

  op_check_default (task);
}

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
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GList *found;
  GPtrArray *items;
  guint n_locked = 0;
  gboolean gone;

  found = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (op->finished)
    {
      g_list_free_full (found, g_object_unref);
      return;
    }

  if (error != NULL)
    {
      if (op->fast && needs_full_chain (error, &gone))
        op_fall_back (task, gone);
      else
        op_return_error (task, map_error (error, FALSE));
      return;
    }

  items = items_from_search (found, op->with_secrets, &n_locked);
  g_list_free_full (found, g_object_unref);

  /* Searched without unlocking, and something is locked after all: the
   * full chain unlocks it, as a search always did. */
  if (n_locked > 0 && op->fast)
    {
      g_ptr_array_unref (items);
      op_fall_back (task, FALSE);
      return;
    }

  if (n_locked > 0 && items->len == 0)
    {
      g_ptr_array_unref (items);
      op_return_error (task, error_locked ());
      return;
    }

  op_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gboolean gone;

  if (secret_service_store_finish (SECRET_SERVICE (source), result, &error))
    op_return_boolean (task);
  else if (!op->finished && op->fast && needs_full_chain (error, &gone))
    op_fall_back (task, gone);
  else
    op_return_error (task, map_error (error, FALSE));
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* FALSE without an error means there was nothing (left) to remove. */
  secret_service_clear_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    op_return_error (task, map_error (error, FALSE));
  else
    op_return_boolean (task);
}

/* A fast clear removed nothing: one search without unlocking tells
 * "nothing there" from "only locked items there". */
static void
on_fast_clear_checked (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GList *found;
  guint n_locked = 0;
  gboolean gone;

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
      if (needs_full_chain (error, &gone))
        op_fall_back (task, gone);
      else
        op_return_error (task, map_error (error, FALSE));
      return;
    }

  if (n_locked > 0)
    {
      op_fall_back (task, FALSE);
      return;
    }

  op->n_matching = 0;
  op_return_boolean (task);
}

static void
on_fast_cleared (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gboolean removed;
  gboolean gone;

  removed = secret_service_clear_finish (SECRET_SERVICE (source), result, &error);
  if (op->finished)
    return;

  if (error != NULL)
    {
      if (needs_full_chain (error, &gone))
        op_fall_back (task, gone);
      else
        op_return_error (task, map_error (error, FALSE));
      return;
    }

  if (removed)
    {
      /* libsecret does not say how many it removed; the attribute sets
       * the base class allows match one key's (or account's) items. */
      op->n_matching = 1;
      op_return_boolean (task);
      return;
    }

  if (op_stopped (task))
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
  Op *op = g_task_get_task_data (task);
  SecretService *service = SECRET_SERVICE (source);
  g_autoptr (GError) error = NULL;
  GList *found;
  guint n_locked = 0;

  /* The search unlocks what it can (clear removes only unlocked items)
   * and counts what there is to remove. */
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
      op_return_error (task, map_error (error, FALSE));
      return;
    }

  if (n_locked > 0 && op->n_matching == 0)
    {
      op_return_error (task, error_locked ());
      return;
    }

  if (op->n_matching == 0)
    {
      op_return_boolean (task);
      return;
    }

  if (op_stopped (task))
    return;

  secret_service_clear (service, op->schema, op->attributes, op->cancellable,
                        on_cleared, g_object_ref (task));
}

static void
op_run (GTask         *task,
        SecretService *service)
{
  Op *op = g_task_get_task_data (task);
  SecretSearchFlags flags = SECRET_SEARCH_ALL;

  /* While the default collection is known to be unlocked, asking the
   * service to unlock is a wasted round trip; a locked match makes the
   * operation fall back to the full chain. */
  if (!op->fast && !LK_SECRET_STORE (g_task_get_source_object (task))->quiet)
    flags |= SECRET_SEARCH_UNLOCK;

  switch (op->kind)
    {
    case OP_STORE:
      secret_service_store (service, op->schema, op->attributes, SECRET_COLLECTION_DEFAULT,
                            op->label, op->value, op->cancellable,
                            on_stored, g_object_ref (task));
      break;

    case OP_SEARCH:
      if (op->with_secrets)
        flags |= SECRET_SEARCH_LOAD_SECRETS;
      secret_service_search (service, op->schema, op->attributes, flags, op->cancellable,
                             on_searched, g_object_ref (task));
      break;

    case OP_CLEAR:
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

static void
on_default_unlocked (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GList *unlocked = NULL;
  int n_unlocked;

  n_unlocked = secret_service_unlock_finish (SECRET_SERVICE (source), result, &unlocked, &error);
  g_list_free_full (unlocked, g_object_unref);
  op->prompting = FALSE;

  if (op->finished)
    return;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        op_return_error (task, g_steal_pointer (&error));
      else if (is_no_service_error (error, FALSE))
        op_return_error (task, error_no_service ());
      else
        op_return_error (task, error_locked ());
      return;
    }

  /* The prompt was dismissed, or failed to show. */
  if (n_unlocked <= 0)
    {
      op_return_error (task, error_locked ());
      return;
    }

  LK_SECRET_STORE (g_task_get_source_object (task))->default_unlocked = TRUE;

  if (op_stopped (task))
    return;

  op_run (task, SECRET_SERVICE (source));
}

static void
on_default_collection (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  LkSecretStore *self = g_task_get_source_object (task);
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GError) error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (op->finished)
    return;

  if (error != NULL)
    {
      op_return_error (task, map_error (error, FALSE));
      return;
    }

  if (op_stopped (task))
    return;

  /* No default collection yet: storing creates it (and the next
   * operation looks it up again). */
  if (collection != NULL)
    store_keep_default (self, collection);

  if (collection != NULL && secret_collection_get_locked (collection))
    {
      self->default_unlocked = FALSE;

      if (self->quiet)
        {
          op_return_error (task, error_locked ());
          return;
        }

      GList *objects = g_list_append (NULL, collection);

      /* Asks the desktop to prompt for the keyring password. */
      op->prompting = TRUE;
      secret_service_unlock (op->service, objects, op->cancellable,
                             on_default_unlocked, g_object_ref (task));
      g_list_free (objects);
      return;
    }

  if (collection != NULL)
    self->default_unlocked = TRUE;

  op_run (task, op->service);
}

/* Straight to the operation while the default collection is known to be
 * unlocked; otherwise through the full chain. */
static void
op_prepare (GTask *task)
{
  LkSecretStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (self->collection != NULL && self->default_unlocked)
    {
      op->fast = TRUE;
      op_run (task, op->service);
      return;
    }

  op_check_default (task);
}

static void
op_check_default (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  secret_collection_for_alias (op->service, SECRET_COLLECTION_DEFAULT,
                               SECRET_COLLECTION_NONE, op->cancellable,
                               on_default_collection, g_object_ref (task));
}

static void
on_service (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  LkSecretStore *self = g_task_get_source_object (task);
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GError) error = NULL;

  if (self->quiet)
    service = secret_service_open_finish (result, &error);
  else
    service = secret_service_get_finish (result, &error);
  if (op->finished)
    return;

  if (service == NULL)
    {
      op_return_error (task, map_error (error, TRUE));
      return;
    }

  /* Operations that started together before the first connection may
   * each get an instance of their own: all use the first one kept, so
   * the default collection we keep always belongs to a live service (a
   * collection only points weakly at its service). */
  if (self->service == NULL)
    {
      self->service = g_object_ref (service);
      self->collections_handler = g_signal_connect (self->service, "notify::collections",
                                                    G_CALLBACK (on_collections_notify), self);
    }
  op->service = g_object_ref (self->service);

  if (op_stopped (task))
    return;

  op_prepare (task);
}

static void
op_start (LkSecretStore       *self,
          Op                  *op,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr (GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  op->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      op->caller_cancellable = g_object_ref (cancellable);
      op->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                                  op->cancellable, NULL);
    }
  op->store_cancellable = g_object_ref (self->cancellable);
  op->store_handler = g_cancellable_connect (self->cancellable, G_CALLBACK (forward_cancel_cb),
                                             op->cancellable, NULL);

  /* On the thread-default context, as libsecret's own callbacks: a quiet
   * store may run in a thread of its own. */
  op->timeout = g_timeout_source_new_seconds (LK_STORE_TIMEOUT_SECONDS);
  g_source_set_callback (op->timeout, op_timed_out_cb, g_object_ref (task), g_object_unref);
  g_source_set_name (op->timeout, "[layer-keys] keyring timeout");
  g_source_attach (op->timeout, g_main_context_get_thread_default ());

  if (self->service != NULL)
    {
      op->service = g_object_ref (self->service);
      op_prepare (task);
      return;
    }

  if (self->quiet)
    secret_service_open (SECRET_TYPE_SERVICE, NULL,
                         SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                         op->cancellable, on_service, g_steal_pointer (&task));
  else
    secret_service_get (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                        op->cancellable, on_service, g_steal_pointer (&task));
}

/* ---- The three operations ---- */

static gboolean
attributes_fit_schema (const SecretSchema *schema,
                       GHashTable         *attributes,
                       gboolean            all_required)
{
  guint n_in_schema = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean known = FALSE;

      if (value == NULL || *(const char *) value == '\0')
        return FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (schema->attributes) && schema->attributes[i].name != NULL; i++)
        {
          if (g_str_equal (schema->attributes[i].name, key))
            known = TRUE;
        }
      if (!known)
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (schema->attributes) && schema->attributes[i].name != NULL; i++)
    n_in_schema++;

  if (all_required)
    return g_hash_table_size (attributes) == n_in_schema;

  return g_hash_table_size (attributes) > 0;
}

static GHashTable *
copy_attributes (GHashTable *attributes)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));

  return copy;
}

static void
return_invalid (gpointer             source,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  g_task_report_new_error (source, callback, user_data, source_tag,
                           LK_STORE_ERROR, LK_STORE_ERROR_INVALID,
                           "%s", _("The keyring request is incomplete and was refused."));
}

static void
lk_secret_store_store_async (LkCredentialStore   *store,
                             LkSchemaKind         schema,
                             GHashTable          *attributes,
                             const char          *label,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LkSecretStore *self = LK_SECRET_STORE (store);
  Op *op;

  if (!attributes_fit_schema (schema_for_kind (schema), attributes, TRUE) ||
      label == NULL || secret == NULL || *secret == '\0')
    {
      return_invalid (self, callback, user_data, lk_secret_store_store_async);
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = OP_STORE;
  op->schema = schema_for_kind (schema);
  op->attributes = copy_attributes (attributes);
  op->label = g_strdup (label);
  /* SecretValue copies the text into memory it wipes when freed. */
  op->value = secret_value_new (secret, -1, "text/plain");

  op_start (self, op, cancellable, callback, user_data, lk_secret_store_store_async);
}

static gboolean
lk_secret_store_store_finish (LkCredentialStore  *store,
                              GAsyncResult       *result,
                              GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lk_secret_store_search_async (LkCredentialStore   *store,
                              LkSchemaKind         schema,
                              GHashTable          *attributes,
                              gboolean             with_secrets,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  LkSecretStore *self = LK_SECRET_STORE (store);
  Op *op;

  if (!attributes_fit_schema (schema_for_kind (schema), attributes, FALSE))
    {
      return_invalid (self, callback, user_data, lk_secret_store_search_async);
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = OP_SEARCH;
  op->schema = schema_for_kind (schema);
  op->attributes = copy_attributes (attributes);
  op->with_secrets = with_secrets;

  op_start (self, op, cancellable, callback, user_data, lk_secret_store_search_async);
}

static GPtrArray *
lk_secret_store_search_finish (LkCredentialStore  *store,
                               GAsyncResult       *result,
                               GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lk_secret_store_clear_async (LkCredentialStore   *store,
                             LkSchemaKind         schema,
                             GHashTable          *attributes,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LkSecretStore *self = LK_SECRET_STORE (store);
  Op *op;

  /* An empty set would match every item of the keyring. */
  if (!attributes_fit_schema (schema_for_kind (schema), attributes, FALSE))
    {
      return_invalid (self, callback, user_data, lk_secret_store_clear_async);
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = OP_CLEAR;
  op->schema = schema_for_kind (schema);
  op->attributes = copy_attributes (attributes);

  op_start (self, op, cancellable, callback, user_data, lk_secret_store_clear_async);
}

static gboolean
lk_secret_store_clear_finish (LkCredentialStore  *store,
                              GAsyncResult       *result,
                              guint              *out_removed,
                              GError            **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  if (out_removed != NULL)
    *out_removed = op != NULL ? op->n_matching : 0;

  return TRUE;
}

/* ---- GObject ---- */

static void
store_drop_service (LkSecretStore *self)
{
  store_forget_default (self);
  if (self->service != NULL)
    g_clear_signal_handler (&self->collections_handler, self->service);
  g_clear_object (&self->service);
}

static void
lk_secret_store_dispose (GObject *object)
{
  LkSecretStore *self = LK_SECRET_STORE (object);

  g_cancellable_cancel (self->cancellable);
  store_drop_service (self);

  G_OBJECT_CLASS (lk_secret_store_parent_class)->dispose (object);
}

static void
lk_secret_store_finalize (GObject *object)
{
  LkSecretStore *self = LK_SECRET_STORE (object);

  /* An operation that was already past its last check when dispose ran
   * may have connected again. */
  store_drop_service (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lk_secret_store_parent_class)->finalize (object);
}

static void
lk_secret_store_class_init (LkSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LkCredentialStoreClass *store_class = LK_CREDENTIAL_STORE_CLASS (klass);

  object_class->dispose = lk_secret_store_dispose;
  object_class->finalize = lk_secret_store_finalize;

  store_class->store_async = lk_secret_store_store_async;
  store_class->store_finish = lk_secret_store_store_finish;
  store_class->search_async = lk_secret_store_search_async;
  store_class->search_finish = lk_secret_store_search_finish;
  store_class->clear_async = lk_secret_store_clear_async;
  store_class->clear_finish = lk_secret_store_clear_finish;
}

static void
lk_secret_store_init (LkSecretStore *self)
{
  self->cancellable = g_cancellable_new ();
}

LkCredentialStore *
lk_secret_store_new (void)
{
  return g_object_new (LK_TYPE_SECRET_STORE, NULL);
}

LkCredentialStore *
lk_secret_store_new_quiet (void)
{
  LkSecretStore *self = g_object_new (LK_TYPE_SECRET_STORE, NULL);

  self->quiet = TRUE;
  return LK_CREDENTIAL_STORE (self);
}
