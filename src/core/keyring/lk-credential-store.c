/* lk-credential-store.c: where secrets are kept
 *
 * The abstract base of the credential stores.  Subclasses implement three
 * generic operations (store, search, clear); the typed API for API keys
 * (here) and the admin's account (lk-credential-store-accounts.c) is built
 * on top of them, so that the refusal rules hold for every implementation:
 * nothing is stored without its full set of attributes, and nothing is
 * removed by a partial set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-credential-store"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-credential-store-private.h"
#include "lk-time.h"

G_DEFINE_ABSTRACT_TYPE (LkCredentialStore, lk_credential_store, G_TYPE_OBJECT)

static void
lk_credential_store_class_init (LkCredentialStoreClass *klass)
{
}

static void
lk_credential_store_init (LkCredentialStore *self)
{
}

/* ---- Items ---- */

void
lk_stored_item_free (LkStoredItem *item)
{
  if (item == NULL)
    return;

  g_clear_pointer (&item->attributes, g_hash_table_unref);
  g_clear_pointer (&item->label, g_free);
  g_clear_pointer (&item->secret, lk_secret_free);
  g_free (item);
}

/* ---- Helpers ---- */

void
lk_credential_store_return_invalid (GTask      *task,
                                    const char *message)
{
  g_assert (G_IS_TASK (task));

  g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_INVALID, "%s", message);
}

char *
lk_credential_store_key_label (const char *name)
{
  /* Translators: the label of a keyring item as Seahorse and other keyring
   * tools show it; %s is the name of a HiddenLayer API key. */
  return g_strdup_printf (_("HiddenLayer API key “%s”"), name != NULL ? name : "");
}

/* The attributes that pick one key's items: its ID on its platform. */
static GHashTable *
key_query (const char *platform_id,
           const char *key_id)
{
  GHashTable *query = lk_keyring_attributes_new ();

  lk_keyring_attributes_add (query, "key-id", key_id);
  lk_keyring_attributes_add (query, "platform", platform_id);
  return query;
}

/* ---- Save a key ---- */

/* One item per key ID and platform: items of the same key with other
 * details (an older name, say) are outdated copies.  They are found by
 * one search before the store (for a new key it finds nothing, which
 * costs the keyring no more than one look), and removed, each by its full
 * attribute set, only once the new item is stored: the secret is in the
 * keyring at every moment. */
typedef struct {
  char       *label;
  GHashTable *attributes;   /* as stored */
  char       *secret;       /* until it is stored; wiped */
  GPtrArray  *outdated;     /* of GHashTable: full attribute sets to remove */
  guint       n_pending;    /* outdated items being removed */
} SaveKeyData;

static void
save_key_data_free (SaveKeyData *data)
{
  g_clear_pointer (&data->label, g_free);
  g_clear_pointer (&data->attributes, g_hash_table_unref);
  g_clear_pointer (&data->secret, lk_secret_free);
  g_clear_pointer (&data->outdated, g_ptr_array_unref);
  g_free (data);
}

static void
save_key_tidied (GTask *task)
{
  SaveKeyData *data = g_task_get_task_data (task);

  g_task_return_pointer (task, g_strdup (data->label), g_free);
}

static void
stale_cleared_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  SaveKeyData *data;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  data = g_task_get_task_data (task);

  /* The secret is saved; an outdated copy that stays is no failure. */
  if (!LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_finish (self, result, NULL, &error))
    g_debug ("Could not remove an outdated keyring item: %s", error->message);

  if (--data->n_pending == 0)
    save_key_tidied (task);
}

static void
save_key_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  g_autoptr (GError) error = NULL;
  SaveKeyData *data;

  g_assert (G_IS_TASK (task));

  data = g_task_get_task_data (task);

  if (!LK_CREDENTIAL_STORE_GET_CLASS (self)->store_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&data->secret, lk_secret_free);

  if (data->outdated == NULL || data->outdated->len == 0)
    {
      save_key_tidied (task);
      return;
    }

  /* The secret is stored: from here on the answer is "stored", even if
   * the caller cancels during the (quick, bounded) tidying up. */
  g_task_set_check_cancellable (task, FALSE);

  /* One extra count so no clear can finish the task while this loop runs. */
  data->n_pending = 1;
  for (guint i = 0; i < data->outdated->len; i++)
    {
      data->n_pending++;
      LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_async (self, LK_SCHEMA_API_KEY,
                                                         g_ptr_array_index (data->outdated, i),
                                                         TRUE, NULL, stale_cleared_cb,
                                                         g_object_ref (task));
    }

  if (--data->n_pending == 0)
    save_key_tidied (task);
}

/* Errors of the search before the store that the store would meet too:
 * say them now rather than wait for them twice. */
static gboolean
is_store_unusable (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE) ||
         g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED) ||
         g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_TIMEOUT);
}

static void
save_key_searched_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  SaveKeyData *data;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;

  g_assert (G_IS_TASK (task));

  data = g_task_get_task_data (task);
  items = LK_CREDENTIAL_STORE_GET_CLASS (self)->search_finish (self, result, &error);
  if (items == NULL)
    {
      if (is_store_unusable (error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* Outdated copies are tidying up; saving the secret comes first. */
      g_debug ("Could not look for outdated keyring items: %s", error->message);
    }

  data->outdated = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      LkStoredItem *item = g_ptr_array_index (items, i);
      g_autoptr (GHashTable) attributes = NULL;

      if (item->attributes == NULL)
        continue;

      /* One too incomplete to remove safely; or the item the store
       * replaces. */
      attributes = lk_keyring_attributes_pick (LK_SCHEMA_API_KEY, item->attributes);
      if (attributes == NULL || lk_keyring_attributes_equal (attributes, data->attributes))
        continue;

      g_ptr_array_add (data->outdated, g_steal_pointer (&attributes));
    }

  cancellable = g_task_get_cancellable (task);
  LK_CREDENTIAL_STORE_GET_CLASS (self)->store_async (self, LK_SCHEMA_API_KEY, data->attributes,
                                                     data->label, data->secret, cancellable,
                                                     save_key_stored_cb,
                                                     g_steal_pointer (&task));
}

void
lk_credential_store_save_key_async (LkCredentialStore   *self,
                                    const char          *platform_id,
                                    LkApiKey            *key,
                                    const char          *client_secret,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autofree char *expires = NULL;
  SaveKeyData *data;
  gint64 expires_at;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (key == NULL || LK_IS_API_KEY (key));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_save_key_async);

  if (lk_str_empty (platform_id) || key == NULL ||
      lk_str_empty (lk_api_key_get_id (key)) ||
      lk_str_empty (lk_api_key_get_client_id (key)) ||
      lk_str_empty (lk_api_key_get_name (key)))
    {
      lk_credential_store_return_invalid (task, _("The key cannot be saved in the keyring: its platform, ID, client ID or name is missing."));
      return;
    }

  if (lk_str_empty (client_secret))
    {
      lk_credential_store_return_invalid (task, _("The key cannot be saved in the keyring: it has no client secret."));
      return;
    }

  expires_at = lk_api_key_get_expires_at (key);
  /* A key the platform gave no expiry keeps the attribute, so that every
   * item of the schema has the same set. */
  expires = expires_at > 0 ? lk_time_format_date (expires_at) : g_strdup ("never");

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "key-id", lk_api_key_get_id (key));
  lk_keyring_attributes_add (attributes, "client-id", lk_api_key_get_client_id (key));
  lk_keyring_attributes_add (attributes, "name", lk_api_key_get_name (key));
  lk_keyring_attributes_add (attributes, "platform", platform_id);
  lk_keyring_attributes_add (attributes, "expires", expires);

  data = g_new0 (SaveKeyData, 1);
  data->label = lk_credential_store_key_label (lk_api_key_get_name (key));
  data->attributes = g_hash_table_ref (attributes);
  data->secret = g_strdup (client_secret);
  g_task_set_task_data (task, data, (GDestroyNotify) save_key_data_free);

  query = key_query (platform_id, lk_api_key_get_id (key));
  LK_CREDENTIAL_STORE_GET_CLASS (self)->search_async (self, LK_SCHEMA_API_KEY, query, FALSE,
                                                      cancellable, save_key_searched_cb,
                                                      g_steal_pointer (&task));
}

char *
lk_credential_store_save_key_finish (LkCredentialStore  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_save_key_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Look up a key's secret ---- */

static void
lookup_key_searched_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  items = LK_CREDENTIAL_STORE_GET_CLASS (self)->search_finish (self, result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      LkStoredItem *item = g_ptr_array_index (items, i);

      if (item->secret != NULL)
        {
          g_task_return_pointer (task, g_steal_pointer (&item->secret), (GDestroyNotify) lk_secret_free);
          return;
        }
    }

  g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND,
                           _("The secret of this key is not in the keyring on this computer."));
}

void
lk_credential_store_lookup_key_async (LkCredentialStore   *self,
                                      const char          *platform_id,
                                      const char          *key_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_lookup_key_async);

  if (lk_str_empty (platform_id) || lk_str_empty (key_id))
    {
      lk_credential_store_return_invalid (task, _("A key can only be looked up by its platform and its ID."));
      return;
    }

  attributes = key_query (platform_id, key_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->search_async (self, LK_SCHEMA_API_KEY, attributes,
                                                      TRUE, cancellable,
                                                      lookup_key_searched_cb,
                                                      g_steal_pointer (&task));
}

char *
lk_credential_store_lookup_key_finish (LkCredentialStore  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_lookup_key_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Which keys have their secret here ---- */

static void
find_keys_searched_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  GHashTable *key_ids;

  g_assert (G_IS_TASK (task));

  items = LK_CREDENTIAL_STORE_GET_CLASS (self)->search_finish (self, result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  key_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < items->len; i++)
    {
      LkStoredItem *item = g_ptr_array_index (items, i);
      const char *key_id = NULL;

      /* The API key schema does not match on its name (items that
       * secret-tool stored count too), so an account item of the same
       * platform can turn up here: it has no key ID. */
      if (item->attributes != NULL)
        key_id = g_hash_table_lookup (item->attributes, "key-id");
      if (!lk_str_empty (key_id))
        g_hash_table_add (key_ids, g_strdup (key_id));
    }

  g_task_return_pointer (task, key_ids, (GDestroyNotify) g_hash_table_unref);
}

void
lk_credential_store_find_keys_async (LkCredentialStore   *self,
                                     const char          *platform_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_find_keys_async);

  if (lk_str_empty (platform_id))
    {
      lk_credential_store_return_invalid (task, _("Keys can only be searched for by their platform."));
      return;
    }

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "platform", platform_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->search_async (self, LK_SCHEMA_API_KEY, attributes,
                                                      FALSE, cancellable,
                                                      find_keys_searched_cb,
                                                      g_steal_pointer (&task));
}

GHashTable *
lk_credential_store_find_keys_finish (LkCredentialStore  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_find_keys_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Forget a key ---- */

void
lk_credential_store_forgotten_cb (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  g_autoptr (GError) error = NULL;
  guint removed = 0;

  g_assert (G_IS_TASK (task));

  if (!LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_finish (self, result, &removed, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_credential_store_forget_key_async (LkCredentialStore   *self,
                                      const char          *platform_id,
                                      const char          *key_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_forget_key_async);

  /* One call may never remove more than one key's items. */
  if (lk_str_empty (platform_id) || lk_str_empty (key_id))
    {
      lk_credential_store_return_invalid (task, _("Refused to remove keyring items without both a platform and a key ID."));
      return;
    }

  attributes = key_query (platform_id, key_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_async (self, LK_SCHEMA_API_KEY, attributes,
                                                     FALSE, cancellable, lk_credential_store_forgotten_cb,
                                                     g_steal_pointer (&task));
}

gboolean
lk_credential_store_forget_key_finish (LkCredentialStore  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_forget_key_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Forget a platform's keys ---- */

void
lk_credential_store_forget_platform_keys_async (LkCredentialStore   *self,
                                                const char          *platform_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_forget_platform_keys_async);

  if (lk_str_empty (platform_id))
    {
      lk_credential_store_return_invalid (task, _("Refused to remove keyring items without a platform."));
      return;
    }

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "platform", platform_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_async (self, LK_SCHEMA_API_KEY, attributes,
                                                     FALSE, cancellable, lk_credential_store_forgotten_cb,
                                                     g_steal_pointer (&task));
}

gboolean
lk_credential_store_forget_platform_keys_finish (LkCredentialStore  *self,
                                                 GAsyncResult       *result,
                                                 GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_forget_platform_keys_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
