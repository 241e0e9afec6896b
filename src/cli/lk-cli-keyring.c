/* lk-cli-keyring.c: the keys and accounts stored in the keyring
 *
 * env, exec, token and list --stored work from the keyring alone.  A
 * stored key is an item with the whole attribute set of the API-key
 * schema (key-id, client-id, name, platform, expires); items that share
 * an attribute or two belong to someone else and are never touched.
 * Secrets are read through the credential store's typed API; the item
 * searches go through its search operation (the store's public class
 * interface), since core has no call that returns stored keys with their
 * attributes yet.  Remembered accounts are listed by the store
 * (lk_credential_store_list_accounts_async()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-keyring"

#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "lk-cli.h"
#include "lk-secret.h"

static const char * const key_attribute_names[] = {
  "key-id", "client-id", "name", "platform", "expires",
};

void
lk_cli_stored_key_free (LkCliStoredKey *key)
{
  if (key == NULL)
    return;

  g_free (key->key_id);
  g_free (key->client_id);
  g_free (key->name);
  g_free (key->platform);
  g_free (key->expires);
  lk_secret_free (key->secret);
  g_free (key);
}

LkCredentialStore *
lk_cli_get_store (LkCli *cli)
{
  if (cli->store != NULL)
    return cli->store;

  /* With a person at a terminal, a locked keyring may ask the desktop to
   * unlock it, as secret-tool does; a script gets "locked" at once
   * instead of a prompt nobody answers. */
  if (lk_cli_is_terminal (STDIN_FILENO) || lk_cli_is_terminal (STDERR_FILENO))
    cli->store = lk_secret_store_new ();
  else
    cli->store = lk_secret_store_new_quiet ();

  return cli->store;
}

/* Starts searching the items of @schema whose attribute @name is @value
 * (their secrets too, @with_secrets); *@result is set once it is
 * answered. */
static void
search_items_start (LkCli          *cli,
                    LkSchemaKind    schema,
                    const char     *name,
                    const char     *value,
                    gboolean        with_secrets,
                    GAsyncResult  **result)
{
  LkCredentialStore *store = lk_cli_get_store (cli);
  LkCredentialStoreClass *klass = LK_CREDENTIAL_STORE_GET_CLASS (store);
  g_autoptr (GHashTable) attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (attributes, g_strdup (name), g_strdup (value));
  klass->search_async (store, schema, attributes, with_secrets, NULL, lk_cli_async_done, result);
}

/* Waits for the search of search_items_start() and takes its result. */
static GPtrArray *
search_items_finish (LkCli          *cli,
                     GAsyncResult  **result,
                     GError        **error)
{
  LkCredentialStore *store = lk_cli_get_store (cli);
  g_autoptr (GAsyncResult) done = NULL;

  lk_cli_wait (result);
  done = g_steal_pointer (result);
  return LK_CREDENTIAL_STORE_GET_CLASS (store)->search_finish (store, done, error);
}

/* Items of @schema whose attribute @name is @value (no secrets). */
static GPtrArray *
search_items (LkCli         *cli,
              LkSchemaKind   schema,
              const char    *name,
              const char    *value,
              GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  search_items_start (cli, schema, name, value, FALSE, &result);
  return search_items_finish (cli, &result, error);
}

/* A stored key, when @item has exactly the API-key attribute set (plus
 * the schema name every Secret Service adds). */
static LkCliStoredKey *
stored_key_from_item (LkStoredItem *item)
{
  LkCliStoredKey *key;
  guint n_ours = 0;

  if (item->attributes == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (key_attribute_names); i++)
    {
      const char *value = g_hash_table_lookup (item->attributes, key_attribute_names[i]);

      if (value == NULL || value[0] == '\0')
        return NULL;
      n_ours++;
    }

  if (g_hash_table_size (item->attributes) !=
      n_ours + (g_hash_table_contains (item->attributes, "xdg:schema") ? 1 : 0))
    return NULL;

  key = g_new0 (LkCliStoredKey, 1);
  key->key_id = g_strdup (g_hash_table_lookup (item->attributes, "key-id"));
  key->client_id = g_strdup (g_hash_table_lookup (item->attributes, "client-id"));
  key->name = g_strdup (g_hash_table_lookup (item->attributes, "name"));
  key->platform = g_strdup (g_hash_table_lookup (item->attributes, "platform"));
  key->expires = g_strdup (g_hash_table_lookup (item->attributes, "expires"));
  key->secret = g_steal_pointer (&item->secret);
  return key;
}

/* Adds the stored keys among @items to @keys, once per key ID and
 * platform, and only those of @platform_id when it is given. */
static void
add_stored_keys (GPtrArray  *keys,
                 GHashTable *seen,
                 GPtrArray  *items,
                 const char *platform_id)
{
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr (LkCliStoredKey) key = stored_key_from_item (g_ptr_array_index (items, i));
      g_autofree char *identity = NULL;

      if (key == NULL)
        continue;
      if (platform_id != NULL && g_strcmp0 (key->platform, platform_id) != 0)
        continue;

      identity = g_strconcat (key->platform, "\n", key->key_id, NULL);
      if (g_hash_table_contains (seen, identity))
        continue;

      g_hash_table_add (seen, g_steal_pointer (&identity));
      g_ptr_array_add (keys, g_steal_pointer (&key));
    }
}

static int
compare_stored_keys (gconstpointer a,
                     gconstpointer b)
{
  const LkCliStoredKey *x = *(LkCliStoredKey * const *) a;
  const LkCliStoredKey *y = *(LkCliStoredKey * const *) b;
  int by_name = g_utf8_collate (x->name, y->name);

  if (by_name != 0)
    return by_name;
  by_name = g_strcmp0 (x->platform, y->platform);
  return by_name != 0 ? by_name : g_strcmp0 (x->key_id, y->key_id);
}

GPtrArray *
lk_cli_stored_keys_of (LkCli       *cli,
                       const char  *platform_id,
                       GError     **error)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) local_error = NULL;
  GPtrArray *keys;

  items = search_items (cli, LK_SCHEMA_API_KEY, "platform", platform_id, &local_error);
  if (items == NULL)
    {
      g_propagate_error (error, lk_cli_explain_store_error (_("Could not search the keyring"),
                                                            g_steal_pointer (&local_error)));
      return NULL;
    }

  keys = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_cli_stored_key_free);
  add_stored_keys (keys, seen, items, platform_id);
  g_ptr_array_sort (keys, compare_stored_keys);

  return keys;
}

LkCliStoredKey *
lk_cli_resolve_stored (LkCli       *cli,
                       const char  *ident,
                       const char  *platform_id,
                       gboolean     with_secret,
                       GError     **error)
{
  static const char * const by[] = { "key-id", "client-id", "name" };
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_cli_stored_key_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *printable = lk_cli_printable (ident);
  g_autoptr (GString) candidates = NULL;

  GAsyncResult *results[G_N_ELEMENTS (by)] = { NULL, };

  /* The first search connects the store to the Secret Service; the other
   * two then go out together, one round trip instead of two (issue 19:
   * `env NAME` against `secret-tool lookup`).  Results are taken in
   * order. */
  search_items_start (cli, LK_SCHEMA_API_KEY, by[0], ident, with_secret, &results[0]);
  lk_cli_wait (&results[0]);
  for (guint i = 1; i < G_N_ELEMENTS (by); i++)
    search_items_start (cli, LK_SCHEMA_API_KEY, by[i], ident, with_secret, &results[i]);

  for (guint i = 0; i < G_N_ELEMENTS (by); i++)
    {
      g_autoptr (GPtrArray) items = NULL;
      g_autoptr (GError) local_error = NULL;

      items = search_items_finish (cli, &results[i], &local_error);
      if (items == NULL && local_error != NULL)
        {
          /* The others are waited for: no callback is left pointing at
           * @results once this returns. */
          for (guint j = i + 1; j < G_N_ELEMENTS (by); j++)
            {
              lk_cli_wait (&results[j]);
              g_clear_object (&results[j]);
            }
        }
      if (items == NULL)
        {
          g_propagate_error (error, lk_cli_explain_store_error (_("Could not search the keyring"),
                                                                g_steal_pointer (&local_error)));
          return NULL;
        }
      add_stored_keys (keys, seen, items, platform_id);
    }

  if (keys->len == 1)
    return g_ptr_array_steal_index (keys, 0);

  if (keys->len == 0)
    {
      if (platform_id != NULL)
        g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                     /* Translators: %s is what the user typed, then a platform address */
                     _("No key stored in the keyring for %s has the name, key ID or client ID “%s” (“layer-keys-cli list --stored” lists them)."),
                     platform_id, printable);
      else
        g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                     /* Translators: %s is what the user gave to name a key */
                     _("No key stored in the keyring has the name, key ID or client ID “%s” (“layer-keys-cli list --stored” lists them)."),
                     printable);
      return NULL;
    }

  g_ptr_array_sort (keys, compare_stored_keys);
  candidates = g_string_new (NULL);
  for (guint i = 0; i < keys->len; i++)
    {
      LkCliStoredKey *key = g_ptr_array_index (keys, i);
      g_autofree char *name = lk_cli_printable (key->name);

      if (i > 0)
        g_string_append (candidates, "; ");
      /* Translators: one of several keys: its name, key ID and platform */
      g_string_append_printf (candidates, _("“%s” (key ID %s on %s)"), name, key->key_id, key->platform);
    }

  g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_AMBIGUOUS,
               /* Translators: the first %s is what the user typed, %u how
                * many keys it matches, the last %s the list of them */
               _("“%s” matches %u stored keys: %s. Give the key ID, or --platform."),
               printable, keys->len, candidates->str);
  return NULL;
}

char *
lk_cli_stored_secret (LkCli           *cli,
                      LkCliStoredKey  *key,
                      GError         **error)
{
  LkCredentialStore *store = lk_cli_get_store (cli);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *name = lk_cli_printable (key->name);
  g_autofree char *what = NULL;
  char *secret;

  /* Read with the item a moment ago: no second search. */
  if (key->secret != NULL)
    return g_steal_pointer (&key->secret);

  lk_credential_store_lookup_key_async (store, key->platform, key->key_id, NULL,
                                        lk_cli_async_done, &result);
  secret = lk_credential_store_lookup_key_finish (store, lk_cli_wait (&result), &local_error);
  if (secret != NULL)
    return secret;

  if (g_error_matches (local_error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND))
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                   /* Translators: %s is a key's name */
                   _("The secret of “%s” is no longer in the keyring."), name);
      return NULL;
    }

  /* Translators: %s is a key's name */
  what = g_strdup_printf (_("Could not read the secret of “%s”"), name);
  g_propagate_error (error, lk_cli_explain_store_error (what, g_steal_pointer (&local_error)));
  return NULL;
}

/* ---- Errors ---- */

GError *
lk_cli_explain_store_error (const char *what,
                            GError     *error)
{
  GError *explained;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE))
    explained = g_error_new (error->domain, error->code,
                             /* Translators: %s says what failed, e.g. “Could not read
                              * the secret of “CI”” */
                             _("%s: no keyring service is running. Start GNOME Keyring or another Secret Service in this session, then try again."),
                             what);
  else if (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED))
    explained = g_error_new (error->domain, error->code,
                             /* Translators: %s says what failed, e.g. “Could not read
                              * the secret of “CI”” */
                             _("%s: the keyring is locked. Unlock it (with Seahorse, or by logging in to the desktop), then try again."),
                             what);
  else
    explained = g_error_new (error->domain, error->code, "%s: %s", what, error->message);

  g_error_free (error);
  return explained;
}

/* ---- Remembered accounts ---- */

GPtrArray *
lk_cli_stored_accounts (LkCli       *cli,
                        const char  *client_id,
                        GError     **error)
{
  LkCredentialStore *store = lk_cli_get_store (cli);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) local_error = NULL;
  GPtrArray *accounts;

  lk_credential_store_list_accounts_async (store, client_id, NULL, lk_cli_async_done, &result);
  accounts = lk_credential_store_list_accounts_finish (store, lk_cli_wait (&result), &local_error);
  if (accounts == NULL)
    g_propagate_error (error, lk_cli_explain_store_error (_("Could not list the remembered accounts"),
                                                          g_steal_pointer (&local_error)));

  return accounts;
}
