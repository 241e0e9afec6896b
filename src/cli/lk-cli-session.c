/* lk-cli-session.c: signing in as one admin account
 *
 * The commands that talk to the platform (list, create, delete, rotate)
 * sign in as one admin account, chosen in this order:
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
#define G_LOG_DOMAIN "lk-cli-session"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-cli-platform.h"
#include "lk-secret.h"

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

      if (explicit != NULL && !lk_cli_platform_is (explicit, account->platform_id))
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

      if (!lk_cli_platform_is (platform, account->platform_id))
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
          if (lk_cli_platform_is (remembered, lk_platform_get_id (platform)))
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
