/* lk-cli-account.c: which platform; the remembered accounts
 *
 * The platform named by --platform (with --token-url and --ca-file), the
 * one Layer Keys last signed in to, and the one a keyring item names;
 * `accounts`.  Signing in as one of them is lk-cli-session.c's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-account"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lk-cli.h"

/* The token endpoint of a custom platform when none is given: where
 * HiddenLayer's SDKs and the simulator have it. */
#define DEFAULT_TOKEN_PATH "/oauth2/token"

GSettings *
lk_cli_get_settings (LkCli *cli)
{
  GSettingsSchemaSource *source;
  g_autoptr (GSettingsSchema) schema = NULL;

  if (cli->settings_tried)
    return cli->settings;
  cli->settings_tried = TRUE;

  /* Without the app's schema (the CLI installed alone) there is simply
   * no remembered account, rather than a crash in g_settings_new(). */
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL ||
      !g_settings_schema_has_key (schema, "region") ||
      !g_settings_schema_has_key (schema, "last-client-id"))
    {
      g_debug ("No settings schema %s: no remembered account", APP_ID);
      return NULL;
    }

  cli->settings = g_settings_new_full (schema, NULL, NULL);
  return cli->settings;
}

static char *
strip_trailing_slashes (const char *url)
{
  char *copy = g_strdup (url);
  gsize length = strlen (copy);

  while (length > 0 && copy[length - 1] == '/')
    copy[--length] = '\0';

  return copy;
}

static LkPlatform *
custom_platform (const char  *api_base,
                 const char  *token_url,
                 const char  *ca_file,
                 GError     **error)
{
  g_autofree char *base = strip_trailing_slashes (api_base);
  g_autofree char *default_token_url = g_strconcat (base, DEFAULT_TOKEN_PATH, NULL);

  if (token_url == NULL || token_url[0] == '\0')
    token_url = default_token_url;
  if (ca_file != NULL && ca_file[0] == '\0')
    ca_file = NULL;

  return lk_platform_new_custom (base, token_url, ca_file, error);
}

LkPlatform *
lk_cli_explicit_platform (LkCli   *cli,
                          GError **error)
{
  g_autoptr (GError) local_error = NULL;
  LkPlatform *platform;

  if (cli->platform == NULL)
    {
      if (cli->token_url != NULL || cli->ca_file != NULL)
        {
          g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                               _("--token-url and --ca-file go with --platform URL."));
          return NULL;
        }
      return NULL;
    }

  if (g_ascii_strcasecmp (cli->platform, "us") == 0 || g_ascii_strcasecmp (cli->platform, "eu") == 0)
    {
      if (cli->token_url != NULL || cli->ca_file != NULL)
        {
          g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                               _("--token-url and --ca-file go with a platform URL, not with us or eu."));
          return NULL;
        }
      return lk_platform_new_region (g_ascii_strcasecmp (cli->platform, "us") == 0 ? LK_REGION_US : LK_REGION_EU);
    }

  if (!g_str_has_prefix (cli->platform, "https://") && !g_str_has_prefix (cli->platform, "http://"))
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("--platform takes us, eu, or the API URL of a self-hosted platform (https://…)."));
      return NULL;
    }

  platform = custom_platform (cli->platform, cli->token_url, cli->ca_file, &local_error);
  if (platform == NULL)
    g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE, local_error->message);

  return platform;
}

LkPlatform *
lk_cli_remembered_platform (LkCli   *cli,
                            GError **error)
{
  GSettings *settings = lk_cli_get_settings (cli);
  g_autoptr (GError) local_error = NULL;
  LkPlatform *platform;

  if (settings == NULL)
    return lk_platform_new_region (LK_REGION_US);

  platform = lk_platform_settings_dup (settings, &local_error);
  if (platform == NULL)
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                 /* Translators: %s says what is wrong with the address */
                 _("The custom platform in Layer Keys’s settings is not usable: %s"),
                 local_error->message);

  return platform;
}

gboolean
lk_cli_platform_is (LkPlatform *platform,
                    const char *platform_id)
{
  return platform != NULL && g_strcmp0 (lk_platform_get_id (platform), platform_id) == 0;
}

/* The platform of @platform_id as Layer Keys signs in to it (a region,
 * or the custom platform of its settings), or NULL when it does not know
 * it. */
static LkPlatform *
known_platform (LkCli      *cli,
                const char *platform_id)
{
  g_autoptr (LkPlatform) remembered = NULL;

  for (LkRegion region = LK_REGION_US; region <= LK_REGION_EU; region++)
    {
      g_autoptr (LkPlatform) known = lk_platform_new_region (region);

      if (lk_cli_platform_is (known, platform_id))
        return g_steal_pointer (&known);
    }

  remembered = lk_cli_remembered_platform (cli, NULL);
  if (lk_cli_platform_is (remembered, platform_id))
    return g_steal_pointer (&remembered);

  return NULL;
}

LkPlatform *
lk_cli_platform_for_id (LkCli       *cli,
                        const char  *platform_id,
                        GError     **error)
{
  g_autoptr (LkPlatform) explicit = NULL;
  g_autoptr (LkPlatform) known = NULL;
  g_autoptr (GError) local_error = NULL;
  LkPlatform *platform;

  explicit = lk_cli_explicit_platform (cli, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!lk_cli_platform_is (explicit, platform_id))
    g_clear_pointer (&explicit, lk_platform_unref);

  /* A secret kept for a platform Layer Keys knows goes to that platform's
   * token URL, with its CA file, and nowhere else. */
  known = known_platform (cli, platform_id);
  if (known != NULL)
    {
      if (explicit != NULL &&
          (g_strcmp0 (lk_platform_get_token_url (explicit), lk_platform_get_token_url (known)) != 0 ||
           g_strcmp0 (lk_platform_get_ca_file (explicit), lk_platform_get_ca_file (known)) != 0))
        {
          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                       /* Translators: a platform address, then its token URL */
                       _("Layer Keys signs in to %s at %s, with its own CA file if any: a secret kept for that platform is sent nowhere else, so --token-url and --ca-file cannot change them."),
                       platform_id, lk_platform_get_token_url (known));
          return NULL;
        }
      return g_steal_pointer (&known);
    }

  if (explicit != NULL)
    return g_steal_pointer (&explicit);

  platform = custom_platform (platform_id, NULL, NULL, &local_error);
  if (platform == NULL)
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                 /* Translators: the first %s is an address from a keyring
                  * item, the second what is wrong with it */
                 _("The keyring names the platform “%s”, which is not usable: %s"),
                 platform_id, local_error->message);

  return platform;
}

/* ---- accounts ---- */

int
lk_cli_cmd_accounts (LkCli      *cli,
                     LkCliArgs  *args,
                     GError    **error)
{
  g_auto (GStrv) positional = NULL;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (LkPlatform) remembered = NULL;
  g_autofree char *last_client_id = NULL;
  GSettings *settings;

  if (!lk_cli_parse (cli, args, NULL, "",
                     _("Lists the admin accounts remembered in the keyring (Layer Keys’s “Remember in keyring”). Never prints a secret."),
                     &positional, error))
    return LK_CLI_EXIT_USAGE;

  if (positional[0] != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("accounts takes no arguments."));
      return LK_CLI_EXIT_USAGE;
    }

  /* sorted by platform, then client ID */
  accounts = lk_cli_stored_accounts (cli, NULL, error);
  if (accounts == NULL)
    return LK_CLI_EXIT_FAILED;

  settings = lk_cli_get_settings (cli);
  if (settings != NULL)
    {
      last_client_id = g_settings_get_string (settings, "last-client-id");
      remembered = lk_cli_remembered_platform (cli, NULL);
    }

  if (cli->json)
    {
      JsonArray *array = json_array_new ();
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < accounts->len; i++)
        {
          LkRememberedAccount *account = g_ptr_array_index (accounts, i);
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, "client_id", account->client_id);
          json_object_set_string_member (object, "platform", account->platform_id);
          json_object_set_boolean_member (object, "last_used",
                                          lk_cli_platform_is (remembered, account->platform_id) &&
                                          g_strcmp0 (last_client_id, account->client_id) == 0);
          json_array_add_object_element (array, object);
        }
      json_node_take_array (node, array);
      lk_cli_print_json (node);
      return LK_CLI_EXIT_OK;
    }

  if (accounts->len == 0)
    {
      g_print ("%s\n", _("No account is remembered in the keyring."));
      return LK_CLI_EXIT_OK;
    }

  {
    g_autoptr (LkCliTable) table = lk_cli_table_new (_("CLIENT ID"), _("PLATFORM"), _("LAST USED"), NULL);

    for (guint i = 0; i < accounts->len; i++)
      {
        LkRememberedAccount *account = g_ptr_array_index (accounts, i);
        gboolean last = lk_cli_platform_is (remembered, account->platform_id) &&
                        g_strcmp0 (last_client_id, account->client_id) == 0;

        lk_cli_table_add_row (table, account->client_id, account->platform_id,
                              last ? _("yes") : "", NULL);
      }
    lk_cli_table_print (table);
  }

  return LK_CLI_EXIT_OK;
}
