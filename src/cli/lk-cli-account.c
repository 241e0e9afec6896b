/* lk-cli-account.c: which platform and which admin account
 *
 * The commands that talk to the platform (list, create, delete) sign in
 * as one admin account, chosen in this order:
 *   --client-id ID with --platform: the secret from LAYER_KEYS_CLIENT_SECRET
 *     or, with --secret-stdin, from standard input (never an argument);
 *   --account CLIENT_ID: that account among the ones remembered in the
 *     keyring (with --platform when it is remembered for several);
 *   otherwise the account Layer Keys last signed in with: the platform and
 *     client ID of its settings, the secret of its keyring item.
 * A remembered secret goes only to its own platform: the token URL and CA
 * file are the ones Layer Keys used for it.
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

void
lk_cli_session_free (LkCliSession *session)
{
  if (session == NULL)
    return;

  g_clear_object (&session->client);
  g_clear_pointer (&session->platform, lk_platform_unref);
  g_clear_pointer (&session->client_id, g_free);
  g_clear_pointer (&session->client_secret, lk_secret_free);
  g_free (session);
}

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

static gboolean
platform_is (LkPlatform *platform,
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

      if (platform_is (known, platform_id))
        return g_steal_pointer (&known);
    }

  remembered = lk_cli_remembered_platform (cli, NULL);
  if (platform_is (remembered, platform_id))
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
  if (!platform_is (explicit, platform_id))
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

static LkCliSession *
session_new (LkCli       *cli,
             LkPlatform  *platform,
             const char  *client_id,
             char        *client_secret)
{
  LkCliSession *session = g_new0 (LkCliSession, 1);

  session->platform = lk_platform_ref (platform);
  session->client_id = g_strdup (client_id);
  session->client_secret = client_secret;
  session->client = lk_client_new (platform);
  lk_client_set_credentials (session->client, client_id, client_secret);
  lk_client_set_store (session->client, lk_cli_get_store (cli));
  /* A person or a script is waiting: fewer, shorter retries than the
   * app's, still enough to ride out a dropped connection. */
  lk_client_set_retry_policy (session->client, 3, 20);

  return session;
}

static LkCliSession *
open_explicit (LkCli       *cli,
               LkPlatform  *platform,
               GError     **error)
{
  char *secret;

  if (cli->account != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("Give --account or --client-id, not both."));
      return NULL;
    }

  if (platform == NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("--client-id needs --platform (us, eu, or the platform’s API URL)."));
      return NULL;
    }

  if (cli->secret_stdin)
    {
      /* Translators: %s is the admin's client ID; a prompt for the secret */
      g_autofree char *prompt = g_strdup_printf (_("Client secret for %s: "), cli->client_id);

      secret = lk_cli_read_secret_line (prompt, error);
      if (secret == NULL)
        return NULL;
    }
  else if (cli->env_secret != NULL)
    secret = g_strdup (cli->env_secret);
  else
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("--client-id needs its secret: set LAYER_KEYS_CLIENT_SECRET, or use --secret-stdin (a secret is never taken from an argument)."));
      return NULL;
    }

  return session_new (cli, platform, cli->client_id, secret);
}

/* The platform of --account CLIENT_ID, from its keyring item. */
static LkPlatform *
account_platform (LkCli       *cli,
                  LkPlatform  *explicit,
                  GError     **error)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) matching = g_ptr_array_new ();
  g_autoptr (GString) platforms = g_string_new (NULL);

  accounts = lk_cli_stored_accounts (cli, cli->account, error);
  if (accounts == NULL)
    return NULL;

  for (guint i = 0; i < accounts->len; i++)
    {
      LkRememberedAccount *account = g_ptr_array_index (accounts, i);

      if (explicit != NULL && !platform_is (explicit, account->platform_id))
        continue;
      g_ptr_array_add (matching, account);
      g_string_append_printf (platforms, "%s%s", platforms->len > 0 ? ", " : "", account->platform_id);
    }

  if (matching->len == 0)
    {
      if (explicit != NULL)
        g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                     /* Translators: the first %s is a client ID, the second a platform
                      * (its address) */
                     _("No account with the client ID “%s” is remembered for %s (“layer-keys-cli accounts” lists them)."),
                     cli->account, lk_platform_get_id (explicit));
      else
        g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                     /* Translators: %s is a client ID */
                     _("No account with the client ID “%s” is remembered in the keyring (“layer-keys-cli accounts” lists them)."),
                     cli->account);
      return NULL;
    }

  if (matching->len > 1)
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_AMBIGUOUS,
                   /* Translators: the first %s is a client ID, the second a list of
                    * platforms */
                   _("The client ID “%s” is remembered for more than one platform (%s): add --platform."),
                   cli->account, platforms->str);
      return NULL;
    }

  return lk_cli_platform_for_id (cli, ((LkRememberedAccount *) g_ptr_array_index (matching, 0))->platform_id,
                                 error);
}

/* The client ID of the one account remembered for @platform. */
static char *
only_account_of (LkCli       *cli,
                 LkPlatform  *platform,
                 GError     **error)
{
  g_autoptr (GPtrArray) accounts = NULL;
  const char *found = NULL;
  guint n_found = 0;

  accounts = lk_cli_stored_accounts (cli, NULL, error);
  if (accounts == NULL)
    return NULL;

  for (guint i = 0; i < accounts->len; i++)
    {
      LkRememberedAccount *account = g_ptr_array_index (accounts, i);

      if (!platform_is (platform, account->platform_id))
        continue;
      found = account->client_id;
      n_found++;
    }

  if (n_found == 1)
    return g_strdup (found);

  if (n_found == 0)
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                 /* Translators: %s is a platform (its address) */
                 _("No sign-in for %s is remembered in the keyring: sign in with Layer Keys with “Remember in keyring” on, or use --client-id."),
                 lk_platform_get_id (platform));
  else
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_AMBIGUOUS,
                 /* Translators: %u is how many, %s a platform address */
                 _("%u accounts are remembered for %s: choose one with --account (“layer-keys-cli accounts” lists them)."),
                 n_found, lk_platform_get_id (platform));
  return NULL;
}

LkCliSession *
lk_cli_open_session (LkCli   *cli,
                     GError **error)
{
  g_autoptr (LkPlatform) explicit = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkAccount) account = NULL;
  g_autofree char *client_id = NULL;
  GSettings *settings;

  explicit = lk_cli_explicit_platform (cli, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (cli->client_id != NULL)
    return open_explicit (cli, explicit, error);

  if (cli->secret_stdin)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("--secret-stdin goes with --client-id."));
      return NULL;
    }

  settings = lk_cli_get_settings (cli);

  if (cli->account != NULL)
    {
      platform = account_platform (cli, explicit, error);
      if (platform == NULL)
        return NULL;
      client_id = g_strdup (cli->account);
    }
  else
    {
      g_autoptr (GError) remembered_error = NULL;
      g_autoptr (LkPlatform) remembered = lk_cli_remembered_platform (cli, &remembered_error);
      g_autofree char *last_client_id = NULL;

      if (settings != NULL)
        last_client_id = g_settings_get_string (settings, "last-client-id");
      if (last_client_id != NULL && last_client_id[0] == '\0')
        g_clear_pointer (&last_client_id, g_free);

      if (explicit != NULL)
        {
          /* Any account remembered for that platform; the last one used
           * if it was on it. */
          platform = lk_cli_platform_for_id (cli, lk_platform_get_id (explicit), error);
          if (platform == NULL)
            return NULL;
          if (platform_is (remembered, lk_platform_get_id (platform)))
            client_id = g_steal_pointer (&last_client_id);
        }
      else if (last_client_id == NULL)
        {
          g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                               _("No account is remembered: sign in with Layer Keys with “Remember in keyring” on, or use --account, or --client-id with --platform."));
          return NULL;
        }
      else if (remembered == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&remembered_error));
          return NULL;
        }
      else
        {
          platform = g_steal_pointer (&remembered);
          client_id = g_steal_pointer (&last_client_id);
        }
    }

  /* Any account remembered for that platform: the only one. */
  if (client_id == NULL)
    {
      client_id = only_account_of (cli, platform, error);
      if (client_id == NULL)
        return NULL;
    }

  /* Bound: the secret goes only to the platform it was remembered for. */
  lk_credential_store_find_account_async (lk_cli_get_store (cli), platform, client_id,
                                          NULL, lk_cli_async_done, &result);
  account = lk_credential_store_find_account_finish (lk_cli_get_store (cli), lk_cli_wait (&result),
                                                     &local_error);
  if (account == NULL)
    {
      if (g_error_matches (local_error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND))
        {
          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                       /* Translators: the first %s is a client ID, the second a
                        * platform (its address) */
                       _("The sign-in of %s on %s is not remembered in the keyring: sign in with Layer Keys with “Remember in keyring” on, or use --client-id."),
                       client_id, lk_platform_get_id (platform));
          return NULL;
        }
      if (g_error_matches (local_error, LK_STORE_ERROR, LK_STORE_ERROR_PLATFORM_CHANGED))
        {
          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                       /* Translators: a client ID, then a platform address */
                       _("The sign-in of %s was remembered for %s with another token URL or CA file, so its secret is not sent: sign in again with Layer Keys, or use --client-id."),
                       client_id, lk_platform_get_id (platform));
          return NULL;
        }

      g_propagate_error (error, lk_cli_explain_store_error (_("Could not read the remembered account"),
                                                            g_steal_pointer (&local_error)));
      return NULL;
    }

  return session_new (cli, platform, account->client_id, g_steal_pointer (&account->client_secret));
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
                                          platform_is (remembered, account->platform_id) &&
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
        gboolean last = platform_is (remembered, account->platform_id) &&
                        g_strcmp0 (last_client_id, account->client_id) == 0;

        lk_cli_table_add_row (table, account->client_id, account->platform_id,
                              last ? _("yes") : "", NULL);
      }
    lk_cli_table_print (table);
  }

  return LK_CLI_EXIT_OK;
}
