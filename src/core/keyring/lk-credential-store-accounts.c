/* lk-credential-store-accounts.c: the admin's own sign-in in the keyring
 *
 * "Remember in keyring" keeps one item per platform and client ID, of the
 * account schema (which, unlike the API-key schema, matches on its name:
 * an item that merely shares "platform" is never taken for a sign-in).
 * Signing out keeps it; forgetting the account removes every sign-in of
 * that platform.
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

/* ---- Remember ---- */

static void
save_account_stored_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkCredentialStore *self = LK_CREDENTIAL_STORE (source);
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  if (!LK_CREDENTIAL_STORE_GET_CLASS (self)->store_finish (self, result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_credential_store_save_account_async (LkCredentialStore   *self,
                                        const char          *platform_id,
                                        const char          *client_id,
                                        const char          *client_secret,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (LK_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_credential_store_save_account_async);

  if (lk_str_empty (platform_id) || lk_str_empty (client_id) || lk_str_empty (client_secret))
    {
      lk_credential_store_return_invalid (task, _("The sign-in cannot be remembered: its platform, client ID or client secret is missing."));
      return;
    }

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "platform", platform_id);
  lk_keyring_attributes_add (attributes, "client-id", client_id);
  label = account_label (client_id, platform_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->store_async (self, LK_SCHEMA_ACCOUNT, attributes,
                                                     label, client_secret, cancellable,
                                                     save_account_stored_cb,
                                                     g_steal_pointer (&task));
}

gboolean
lk_credential_store_save_account_finish (LkCredentialStore  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_save_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Look up ---- */

static void
lookup_account_searched_cb (GObject      *source,
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
      const char *client_id = NULL;
      LkAccount *account;

      if (item->attributes != NULL)
        client_id = g_hash_table_lookup (item->attributes, "client-id");
      if (lk_str_empty (client_id) || lk_str_empty (item->secret))
        continue;

      account = g_new0 (LkAccount, 1);
      account->client_id = g_strdup (client_id);
      account->client_secret = g_steal_pointer (&item->secret);
      g_task_return_pointer (task, account, (GDestroyNotify) lk_account_free);
      return;
    }

  g_task_return_new_error (task, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND,
                           _("No sign-in for this platform is remembered in the keyring."));
}

void
lk_credential_store_lookup_account_async (LkCredentialStore   *self,
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
  g_task_set_source_tag (task, lk_credential_store_lookup_account_async);

  if (lk_str_empty (platform_id))
    {
      lk_credential_store_return_invalid (task, _("A remembered sign-in can only be looked up by its platform."));
      return;
    }

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "platform", platform_id);
  if (!lk_str_empty (client_id))
    lk_keyring_attributes_add (attributes, "client-id", client_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->search_async (self, LK_SCHEMA_ACCOUNT, attributes,
                                                      TRUE, cancellable,
                                                      lookup_account_searched_cb,
                                                      g_steal_pointer (&task));
}

LkAccount *
lk_credential_store_lookup_account_finish (LkCredentialStore  *self,
                                           GAsyncResult       *result,
                                           GError            **error)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_credential_store_lookup_account_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Forget ---- */

void
lk_credential_store_forget_account_async (LkCredentialStore   *self,
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
  g_task_set_source_tag (task, lk_credential_store_forget_account_async);

  if (lk_str_empty (platform_id))
    {
      lk_credential_store_return_invalid (task, _("Refused to remove a remembered sign-in without its platform."));
      return;
    }

  attributes = lk_keyring_attributes_new ();
  lk_keyring_attributes_add (attributes, "platform", platform_id);

  LK_CREDENTIAL_STORE_GET_CLASS (self)->clear_async (self, LK_SCHEMA_ACCOUNT, attributes,
                                                     cancellable, lk_credential_store_forgotten_cb,
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
