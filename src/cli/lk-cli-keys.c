/* lk-cli-keys.c: list and delete the tenant's keys
 *
 * `list` asks the platform (as the selected admin account) and marks the
 * keys whose secrets are in this keyring (`list --stored`, which reads
 * only the keyring, is lk-cli-list-stored.c's).  `delete` finds each key in the tenant's list by name, key ID
 * or client ID, asks on a terminal (or wants --yes), and deletes them one
 * by one: the client removes each key's keyring items with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-keys"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lk-cli-platform.h"

static int
compare_keys_by_name (gconstpointer a,
                      gconstpointer b)
{
  LkApiKey *x = *(LkApiKey * const *) a;
  LkApiKey *y = *(LkApiKey * const *) b;
  int by_name = g_utf8_collate (lk_api_key_get_name (x), lk_api_key_get_name (y));

  return by_name != 0 ? by_name : g_strcmp0 (lk_api_key_get_id (x), lk_api_key_get_id (y));
}

/* Lists the tenant's keys into @session's model; the keys, sorted by
 * name (a new array of references). */
static GPtrArray *
fetch_keys (LkCliSession  *session,
            GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) local_error = NULL;
  GListModel *model;
  GPtrArray *keys;

  lk_client_list_keys_async (session->client, NULL, lk_cli_async_done, &result);
  if (!lk_client_list_keys_finish (session->client, lk_cli_wait (&result), &local_error))
    {
      /* Translators: %s is a platform (its address) */
      g_autofree char *what = g_strdup_printf (_("Could not list the keys of %s"),
                                               lk_platform_get_id (session->platform));

      g_propagate_error (error, lk_cli_explain_client_error (session, LK_CLI_STEP_LIST, what,
                                                             g_steal_pointer (&local_error)));
      return NULL;
    }

  model = lk_client_get_keys (session->client);
  keys = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (keys, g_list_model_get_item (model, i));
  g_ptr_array_sort (keys, compare_keys_by_name);

  return keys;
}

/* Whether the keyring could say which keys have their secrets here (the
 * client marks them, and leaves them unmarked when it cannot). */
static gboolean
stored_is_known (LkCli        *cli,
                 LkCliSession *session)
{
  LkCredentialStore *store = lk_cli_get_store (cli);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GHashTable) found = NULL;
  g_autoptr (GError) error = NULL;

  lk_credential_store_find_keys_async (store, lk_platform_get_id (session->platform), NULL,
                                       lk_cli_async_done, &result);
  found = lk_credential_store_find_keys_finish (store, lk_cli_wait (&result), &error);
  if (found == NULL)
    {
      g_autoptr (GError) explained = lk_cli_explain_store_error (_("Which secrets are stored here is not known"),
                                                                 g_steal_pointer (&error));

      lk_cli_warn ("%s", explained->message);
      return FALSE;
    }

  return TRUE;
}

int
lk_cli_cmd_list (LkCli      *cli,
                 LkCliArgs  *args,
                 GError    **error)
{
  gboolean stored = FALSE;
  g_autoptr (LkCliSession) session = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  gboolean known;

  if (!lk_cli_parse_list (cli, args, &stored, error))
    return LK_CLI_EXIT_USAGE;

  if (stored)
    return lk_cli_list_stored (cli, error);

  session = lk_cli_open_session (cli, error);
  if (session == NULL)
    return LK_CLI_EXIT_FAILED;

  keys = fetch_keys (session, error);
  if (keys == NULL)
    return LK_CLI_EXIT_FAILED;
  known = stored_is_known (cli, session);

  if (cli->json)
    {
      JsonArray *array = json_array_new ();
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < keys->len; i++)
        {
          JsonNode *key = lk_cli_key_to_json (g_ptr_array_index (keys, i));

          if (!known)
            json_object_set_null_member (json_node_get_object (key), "stored");
          json_array_add_element (array, key);
        }
      json_node_take_array (node, array);
      lk_cli_print_json (node);
      return LK_CLI_EXIT_OK;
    }

  if (keys->len == 0)
    {
      g_print (_("The tenant has no keys.\n"));
      return LK_CLI_EXIT_OK;
    }

  {
    g_autoptr (LkCliTable) table = lk_cli_table_new (_("NAME"), _("CLIENT ID"), _("EXPIRES"), _("STORED"),
                                                     _("PERMISSIONS"), NULL);

    for (guint i = 0; i < keys->len; i++)
      {
        LkApiKey *key = g_ptr_array_index (keys, i);
        g_autofree char *expires = lk_cli_format_date (lk_api_key_get_expires_at (key));
        g_autofree char *permissions = lk_permissions_to_summary (lk_api_key_get_permissions (key));

        lk_cli_table_add_row (table, lk_api_key_get_name (key), lk_api_key_get_client_id (key), expires,
                              !known ? "?" : lk_api_key_get_has_local_secret (key) ? _("yes") : _("no"),
                              permissions, NULL);
      }
    lk_cli_table_print (table);
  }

  return LK_CLI_EXIT_OK;
}

/* ---- delete ---- */

/* The one key of @keys named @ident or with it as key ID or client ID. */
static LkApiKey *
resolve_listed (GPtrArray   *keys,
                const char  *ident,
                GError     **error)
{
  g_autoptr (GPtrArray) matches = g_ptr_array_new ();
  g_autofree char *printable = lk_cli_printable (ident);
  g_autoptr (GString) candidates = NULL;

  for (guint i = 0; i < keys->len; i++)
    {
      LkApiKey *key = g_ptr_array_index (keys, i);

      if (g_strcmp0 (lk_api_key_get_id (key), ident) == 0 ||
          g_strcmp0 (lk_api_key_get_client_id (key), ident) == 0 ||
          g_strcmp0 (lk_api_key_get_name (key), ident) == 0)
        g_ptr_array_add (matches, key);
    }

  if (matches->len == 1)
    return g_ptr_array_index (matches, 0);

  if (matches->len == 0)
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                   /* Translators: %s is what the user gave to name a key */
                   _("The tenant has no key with the name, key ID or client ID “%s”."), printable);
      return NULL;
    }

  candidates = g_string_new (NULL);
  for (guint i = 0; i < matches->len; i++)
    {
      LkApiKey *key = g_ptr_array_index (matches, i);
      g_autofree char *name = lk_cli_printable (lk_api_key_get_name (key));

      if (i > 0)
        g_string_append (candidates, "; ");
      /* Translators: one of several matching keys: its name, then its key ID */
      g_string_append_printf (candidates, _("“%s” (key ID %s)"), name, lk_api_key_get_id (key));
    }

  g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_AMBIGUOUS,
               /* Translators: the first %s is what the user gave, %u how many keys
                * match, the last %s the list of them */
               _("“%s” matches %u keys: %s. Give the key ID."),
               printable, matches->len, candidates->str);
  return NULL;
}

/* Asks on the terminal; TRUE for yes. */
static gboolean
confirm (LkCliSession *session,
         GPtrArray    *doomed)
{
  char answer[64] = { 0 };
  g_autofree char *stripped = NULL;

  fflush (stdout);
  if (doomed->len == 1)
    /* Translators: %s is a platform (its address) */
    g_printerr (_("Delete this key from %s?\n"), lk_platform_get_id (session->platform));
  else
    /* Translators: %u is a number of keys, %s a platform (its address) */
    g_printerr (ngettext ("Delete these %u key from %s?\n", "Delete these %u keys from %s?\n", doomed->len),
                doomed->len, lk_platform_get_id (session->platform));
  for (guint i = 0; i < doomed->len; i++)
    {
      LkApiKey *key = g_ptr_array_index (doomed, i);
      g_autofree char *name = lk_cli_printable (lk_api_key_get_name (key));

      /* Translators: one line of the keys about to be deleted: the name, the client ID,
       * and maybe “, and its secret in this keyring” */
      g_printerr (_("  “%s” (client ID %s)%s\n"), name, lk_api_key_get_client_id (key),
                  lk_api_key_get_has_local_secret (key) ? _(", and its secret in this keyring") : "");
    }
  g_printerr ("%s", _("Programs using them stop working. Delete? [y/N] "));

  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;

  stripped = g_strstrip (g_utf8_strdown (answer, -1));
  return g_str_equal (stripped, "y") || g_str_equal (stripped, "yes") ||
         g_str_equal (stripped, _("y")) || g_str_equal (stripped, _("yes"));
}

int
lk_cli_cmd_delete (LkCli      *cli,
                   LkCliArgs  *args,
                   GError    **error)
{
  gboolean yes = FALSE;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes,
      N_("Do not ask; needed when standard input is not a terminal"), NULL },
    { NULL }
  };
  g_auto (GStrv) positional = NULL;
  g_autoptr (LkCliSession) session = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GPtrArray) doomed = g_ptr_array_new ();
  JsonArray *results = NULL;
  int status = LK_CLI_EXIT_OK;

  if (!lk_cli_parse (cli, args, entries, _("KEY…"),
                     _("Deletes keys (each a name, key ID or client ID) on the platform, and their secrets in this keyring."),
                     &positional, error))
    return LK_CLI_EXIT_USAGE;

  if (positional[0] == NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("delete needs at least one key: its name, key ID or client ID."));
      return LK_CLI_EXIT_USAGE;
    }

  /* Before anything else: a script that forgot --yes learns it at once. */
  if (!yes && !lk_cli_is_terminal (STDIN_FILENO))
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("Refusing to delete without asking: standard input is not a terminal. Add --yes to delete without a question."));
      return LK_CLI_EXIT_USAGE;
    }

  session = lk_cli_open_session (cli, error);
  if (session == NULL)
    return LK_CLI_EXIT_FAILED;

  keys = fetch_keys (session, error);
  if (keys == NULL)
    return LK_CLI_EXIT_FAILED;

  /* Every name must resolve before anything is deleted. */
  for (guint i = 0; positional[i] != NULL; i++)
    {
      LkApiKey *key = resolve_listed (keys, positional[i], error);

      if (key == NULL)
        return LK_CLI_EXIT_NO_SUCH;
      if (!g_ptr_array_find (doomed, key, NULL))
        g_ptr_array_add (doomed, key);
    }

  if (!yes && !confirm (session, doomed))
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED, _("Nothing was deleted."));
      return LK_CLI_EXIT_FAILED;
    }

  if (cli->json)
    results = json_array_new ();

  for (guint i = 0; i < doomed->len; i++)
    {
      LkApiKey *key = g_object_ref (g_ptr_array_index (doomed, i));
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *name = lk_cli_printable (lk_api_key_get_name (key));
      gboolean deleted;

      lk_client_delete_key_async (session->client, lk_api_key_get_id (key), NULL,
                                  lk_cli_async_done, &result);
      deleted = lk_client_delete_key_finish (session->client, lk_cli_wait (&result), &local_error);
      if (!deleted)
        {
          /* Translators: %s is a key's name */
          g_autofree char *what = g_strdup_printf (_("Could not delete “%s”"), name);
          g_autoptr (GError) explained = NULL;

          explained = lk_cli_explain_client_error (session, LK_CLI_STEP_DELETE, what,
                                                   g_steal_pointer (&local_error));
          lk_cli_print_error (explained);
          /* 1 outranks 3: something failed that did not just vanish. */
          if (status != LK_CLI_EXIT_FAILED)
            status = lk_cli_exit_status (explained);
        }
      else if (!cli->json)
        /* Translators: the first %s is a key's name, the second its key ID */
        g_print (_("Deleted “%s” (key ID %s).\n"), name, lk_api_key_get_id (key));

      if (results != NULL)
        {
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, "id", lk_api_key_get_id (key));
          json_object_set_string_member (object, "name", lk_api_key_get_name (key));
          json_object_set_string_member (object, "client_id", lk_api_key_get_client_id (key));
          json_object_set_boolean_member (object, "deleted", deleted);
          json_array_add_object_element (results, object);
        }
      g_object_unref (key);
    }

  if (results != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      json_node_take_array (node, results);
      lk_cli_print_json (node);
    }

  return status;
}
