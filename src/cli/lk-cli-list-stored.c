/* lk-cli-list-stored.c: `list --stored`, from the keyring alone
 *
 * The keys whose secrets Layer Keys stored in this keyring, for one
 * platform, without the network; and the options of `list`, which both
 * programs parse alike (layer-keys-cli runs --stored itself, and hands
 * the rest to layer-keys-cli-platform).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-list"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-cli.h"

gboolean
lk_cli_parse_list (LkCli      *cli,
                   LkCliArgs  *args,
                   gboolean   *out_stored,
                   GError    **error)
{
  gboolean stored = FALSE;
  const GOptionEntry entries[] = {
    { "stored", 0, 0, G_OPTION_ARG_NONE, &stored,
      N_("Only the keys whose secrets are in this keyring, without the network"), NULL },
    { NULL }
  };
  g_auto (GStrv) positional = NULL;

  if (!lk_cli_parse (cli, args, entries, "[--stored]",
                     _("Lists the tenant’s keys: name, client ID, expiry, whether the secret is stored here, and permissions."),
                     &positional, error))
    return FALSE;

  if (positional[0] != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE, _("list takes no arguments."));
      return FALSE;
    }

  *out_stored = stored;
  return TRUE;
}

int
lk_cli_list_stored (LkCli   *cli,
                    GError **error)
{
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GError) local_error = NULL;

  platform = lk_cli_explicit_platform (cli, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return LK_CLI_EXIT_USAGE;
    }
  if (platform == NULL)
    platform = lk_cli_remembered_platform (cli, error);
  if (platform == NULL)
    return LK_CLI_EXIT_FAILED;

  keys = lk_cli_stored_keys_of (cli, lk_platform_get_id (platform), error);
  if (keys == NULL)
    return LK_CLI_EXIT_FAILED;

  if (cli->json)
    {
      JsonArray *array = json_array_new ();
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < keys->len; i++)
        json_array_add_element (array, lk_cli_stored_key_to_json (g_ptr_array_index (keys, i)));
      json_node_take_array (node, array);
      lk_cli_print_json (node);
      return LK_CLI_EXIT_OK;
    }

  if (keys->len == 0)
    {
      /* Translators: %s is a platform (its address) */
      g_print (_("No key of %s has its secret in this keyring.\n"), lk_platform_get_id (platform));
      return LK_CLI_EXIT_OK;
    }

  {
    g_autoptr (LkCliTable) table = lk_cli_table_new (_("NAME"), _("KEY ID"), _("CLIENT ID"), _("EXPIRES"), NULL);

    for (guint i = 0; i < keys->len; i++)
      {
        LkCliStoredKey *key = g_ptr_array_index (keys, i);

        lk_cli_table_add_row (table, key->name, key->key_id, key->client_id,
                              g_strcmp0 (key->expires, "never") == 0 ? _("never") : key->expires,
                              NULL);
      }
    lk_cli_table_print (table);
  }

  return LK_CLI_EXIT_OK;
}
