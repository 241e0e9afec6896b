/* lk-credential-store-accounts.c: the admin's own sign-in in the keyring
 *
 * "Remember in keyring" keeps one item per API URL and client ID, of the
 * account schema (which, unlike the API-key schema, matches on its name:
 * an item that merely shares "platform" is never taken for a sign-in),
 * bound to the whole platform: API URL, token URL and the CA file's
 * SHA-256.  Its secret is handed back only for that very platform, so a
 * token URL changed behind the user's back (three GSettings keys) gets
 * nothing: the lookup says the platform changed, and the user signs in
 * again.  Signing out keeps it; forgetting the account removes the
 * sign-ins of that API URL and client ID, and nothing else.  Listing
 * them reads attributes and labels only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-credential-store"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-credential-store-private.h"

void
lk_account_free (LkAccount *account)
{
  if (account == NULL)
    return;

  g_clear_pointer (&account->client_id, g_free);
  g_clear_pointer (&account->client_secret, lk_secret_free);
  g_free (account);
}

static char *
account_label (const char *client_id,
               const char *platform_id)
{
  /* Translators: the label of a keyring item that holds the administrator's
   * own sign-in; the first %s is a client ID, the second the platform's API
   * address (for example https://api.us.hiddenlayer.ai). */
  return g_strdup_printf (_("HiddenLayer sign-in for %s on %s"), client_id, platform_id);
}

/* ---- The platform a sign-in is bound to ---- */

/* The attributes of @client_id's sign-in bound to @platform. */
static GHashTable *
bound_attributes (LkPlatform  *platform,
                  const char  *client_id,
                  GError     **error)
{
  g_autofree char *fingerprint = NULL;
  GError *local_error = NULL;
  GHashTable *attributes;

  fingerprint = lk_platform_dup_ca_fingerprint (platform, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "platform", lk_platform_get_id (platform));
  lk_keyring_attributes_add (attributes, "client-id", client_id);
  lk_keyring_attributes_add (attributes, LK_ACCOUNT_ATTRIBUTE_TOKEN_URL,
                             lk_platform_get_token_url (platform));
  lk_keyring_attributes_add (attributes, LK_ACCOUNT_ATTRIBUTE_CA_SHA256,
                             fingerprint != NULL ? fingerprint : LK_ACCOUNT_NO_CA);
  return attributes;
}

/* ---- Remember, bound ---- */

typedef struct {
  GHashTable *attributes;   /* as stored */
  guint       n_pending;    /* other items of the pair being removed */
} RememberData;

static void
remember_data_free (RememberData *data)
{
  g_clear_pointer (&data->attributes, g_hash_table_unref);
  g_free (data);
}

static void
remember_outdated_cleared_cb (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  RememberData *data;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  data = g_task_get_task_data (task);
  /* The sign-in is remembered; an outdated item that stays is unused. */
  if (!LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_finish (self, result, NULL, &error))
    g_debug ("Could not remove an outdated sign-in: %s", error->message);

  if (--data->n_pending == 0)
    g_task_return_boolean (task, TRUE);
}

static void
remember_searched_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  RememberData *data;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  data = g_task_get_task_data (task);
  items = LK_CREDENTIAL_STORE_GET_CLASS (self)->search_finish (self, result, &error);
  if (items == NULL)
    {
      g_debug ("Could not look for outdated sign-ins: %s", error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* One extra count so no clear can finish the task while this loop runs. */
  data->n_pending = 1;
  for (guint i = 0; i < items->len; i++)
    {
      LkStoredItem *item = g_ptr_array_index (items, i);
      g_autoptr (GHashTable) outdated = NULL;

      if (item->attributes == NULL ||
          lk_keyring_attributes_equal_but_schema (item->attributes, data->attributes))
        continue;

      /* Exactly that item, by its whole attribute set. */
      outdated = lk_keyring_attributes_copy (item->attributes);
      g_hash_table_remove (outdated, "xdg:schema");
      if (!lk_keyring_attributes_fit (LK_SCHEMA_ACCOUNT, outdated, TRUE))
        continue;

      data->n_pending++;
      LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_async (self, LK_SCHEMA_ACCOUNT, outdated, TRUE,
                                                         NULL, remember_outdated_cleared_cb,
                                                         g_object_ref (task));
    }

  if (--data->n_pending == 0)
    g_task_return_boolean (task, TRUE);
}

static void
remember_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (GError) error = NULL;
  RememberData *data;

  g_assert (G_IS_TASK (task));

  if (!LK_CREDENTIAL_STORE_GET_CLASS (self)->store_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Remembered: from here on the answer is yes, even if the caller
   * cancels during the (quick, bounded) tidying up. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_task_get_task_data (task);
  query = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (query, "platform", g_hash_table_lookup (data->attributes, "platform"));
  lk_keyring_attributes_add (query, "client-id", g_hash_table_lookup (data->attributes, "client-id"));
  LK_CREDENTIAL_STORE_GET_CLASS (self)->search_async (self, LK_SCHEMA_ACCOUNT, query, FALSE, NULL,
                                                      remember_searched_cb, g_steal_pointer (&task));
}

void
lk_credential_store_remember_account_async (LkCredentialStore   *self,
                                            LkPlatform          *platform,
                                            const char          *client_id,
                                            const char          *client_secret,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *label = NULL;
  GError *error = NULL;
  RememberData *data;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_remember_account_async);

  if (platform == NULL || lk_str_empty (client_id) || lk_str_empty (client_secret))
    {
      lk_credential_store_return_invalid (task, _("The sign-in cannot be remembered: its platform, client ID or client secret is missing."));
      return;
    }

  data = g_new0 (RememberData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) remember_data_free);
  data->attributes = bound_attributes (platform, client_id, &error);
  if (data->attributes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  label = account_label (client_id, lk_platform_get_id (platform));
  LK_CREDENTIAL_STORE_GET_CLASS (self)->store_async (self, LK_SCHEMA_ACCOUNT, data->attributes,
                                                     label, client_secret, cancellable,
                                                     remember_stored_cb, g_steal_pointer (&task));
}

gboolean
lk_credential_store_remember_account_finish (LkCredentialStore  *self,
                                             GAsyncResult       *result,
                                             GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_remember_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Find, bound ---- */

static void
find_account_searched_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  GHashTable *expected;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  expected = g_task_get_task_data (task);
  items = LK_CREDENTIAL_STORE_GET_CLASS (self)->search_finish (self, result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      LkStoredItem *item = g_ptr_array_index (items, i);
      LkAccount *account;

      if (item->attributes == NULL || lk_str_empty (item->secret) ||
          !lk_keyring_attributes_equal_but_schema (item->attributes, expected))
        continue;

      account = g_new0 (LkAccount, 1);
      account->client_id = g_strdup (g_hash_table_lookup (expected, "client-id"));
      account->client_secret = g_steal_pointer (&item->secret);
      g_task_return_pointer (task, account, (GDestroyNotify) lk_account_free);
      return;
    }

  /* Remembered, but for another platform (or before sign-ins were bound
   * to theirs): the secret goes nowhere. */
  if (items->len > 0)
    {
      g_debug ("A sign-in is remembered for this client ID, for other platform settings");
      g_task_return_error (task, lk_keyring_error_new (LK_STORE_ERROR_PLATFORM_CHANGED));
      return;
    }

  g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND,
                           _("No sign-in for this platform is remembered in the keyring."));
}

void
lk_credential_store_find_account_async (LkCredentialStore   *self,
                                        LkPlatform          *platform,
                                        const char          *client_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) query = NULL;
  GHashTable *expected;
  GError *error = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_find_account_async);

  if (platform == NULL || lk_str_empty (client_id))
    {
      lk_credential_store_return_invalid (task, _("A remembered sign-in can only be looked up by its platform and client ID."));
      return;
    }

  expected = bound_attributes (platform, client_id, &error);
  if (expected == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, expected, (GDestroyNotify) g_hash_table_unref);

  /* Every sign-in of this client ID, wherever: one made for other
   * platform settings is worth saying so. */
  query = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (query, "client-id", client_id);
  LK_CREDENTIAL_STORE_GET_CLASS (self)->search_async (self, LK_SCHEMA_ACCOUNT, query, TRUE,
                                                      cancellable, find_account_searched_cb,
                                                      g_steal_pointer (&task));
}

LkAccount *
lk_credential_store_find_account_finish (LkCredentialStore  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_find_account_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- List ---- */

void
lk_remembered_account_free (LkRememberedAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->platform_id);
  g_free (account->client_id);
  g_free (account->token_url);
  g_free (account->label);
  g_free (account);
}

static int
compare_remembered (gconstpointer a,
                    gconstpointer b)
{
  const LkRememberedAccount *x = *(LkRememberedAccount * const *) a;
  const LkRememberedAccount *y = *(LkRememberedAccount * const *) b;
  int order = g_strcmp0 (x->platform_id, y->platform_id);

  return order != 0 ? order : g_strcmp0 (x->client_id, y->client_id);
}

static void
list_accounts_searched_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GHashTable) by_identity = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  items = LK_CREDENTIAL_STORE_GET_CLASS (self)->search_finish (self, result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_remembered_account_free);
  /* "platform\nclient-id" -> its LkRememberedAccount in @accounts */
  by_identity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < items->len; i++)
    {
      LkStoredItem *item = g_ptr_array_index (items, i);
      const char *platform_id, *client_id, *token_url, *ca;
      LkRememberedAccount *account;
      char *identity;

      if (item->attributes == NULL)
        continue;
      platform_id = g_hash_table_lookup (item->attributes, "platform");
      client_id = g_hash_table_lookup (item->attributes, "client-id");
      token_url = g_hash_table_lookup (item->attributes, LK_ACCOUNT_ATTRIBUTE_TOKEN_URL);
      ca = g_hash_table_lookup (item->attributes, LK_ACCOUNT_ATTRIBUTE_CA_SHA256);
      if (lk_str_empty (platform_id) || lk_str_empty (client_id))
        continue;

      /* The same sign-in twice (two collections, or a bound item beside
       * the one it replaces): one entry, the bound one. */
      identity = g_strconcat (platform_id, "\n", client_id, NULL);
      account = g_hash_table_lookup (by_identity, identity);
      if (account != NULL)
        {
          g_free (identity);
          if (account->token_url != NULL || lk_str_empty (token_url))
            continue;
        }
      else
        {
          account = g_new0 (LkRememberedAccount, 1);
          account->platform_id = g_strdup (platform_id);
          account->client_id = g_strdup (client_id);
          g_hash_table_insert (by_identity, identity, account);
          g_ptr_array_add (accounts, account);
        }

      g_clear_pointer (&account->token_url, g_free);
      g_clear_pointer (&account->label, g_free);
      account->token_url = lk_str_empty (token_url) ? NULL : g_strdup (token_url);
      account->has_ca = !lk_str_empty (ca) && g_strcmp0 (ca, LK_ACCOUNT_NO_CA) != 0;
      account->label = g_strdup (item->label != NULL ? item->label : "");
    }

  g_ptr_array_sort (accounts, compare_remembered);
  g_task_return_pointer (task, g_steal_pointer (&accounts), (GDestroyNotify) g_ptr_array_unref);
}

void
lk_credential_store_list_accounts_async (LkCredentialStore   *self,
                                         const char          *client_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) query = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_list_accounts_async);

  /* The account schema matches on its name: an empty query finds every
   * remembered sign-in and nothing else (lk-keyring.c). */
  query = lk_keyring_attributes_new ();
  if (!lk_str_empty (client_id))
    lk_keyring_attributes_add (query, "client-id", client_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->search_async (self, LK_SCHEMA_ACCOUNT, query, FALSE,
                                                      cancellable, list_accounts_searched_cb,
                                                      g_steal_pointer (&task));
}

GPtrArray *
lk_credential_store_list_accounts_finish (LkCredentialStore  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_list_accounts_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Forget ---- */

void
lk_credential_store_forget_account_async (LkCredentialStore   *self,
                                          const char          *platform_id,
                                          const char          *client_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_forget_account_async);

  if (lk_str_empty (platform_id))
    {
      lk_credential_store_return_invalid (task, _("Refused to remove a remembered sign-in without its platform."));
      return;
    }

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "platform", platform_id);
  if (!lk_str_empty (client_id))
    lk_keyring_attributes_add (attributes, "client-id", client_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_async (self, LK_SCHEMA_ACCOUNT, attributes,
                                                     FALSE, cancellable, lk_credential_store_forgotten_cb,
                                                     g_steal_pointer (&task));
}

gboolean
lk_credential_store_forget_account_finish (LkCredentialStore  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_forget_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
