/* lk-cli-create.c: create a key, its secret straight into the keyring
 *
 * `create NAME [--preset P] [--permission CATEGORY:rwd …]
 * [--all-permissions] [--expires DAYS|YYYY-MM-DD]`.  Least privilege by
 * default: without permissions the platform would grant all of them, so
 * that takes --all-permissions.  The keyring is checked before the key is
 * created; the secret goes into it (the client stores it before handing
 * it on) and is never printed.  Should storing fail even after a retry,
 * the key is deleted again, so no key is left whose secret nobody has.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-create"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "lk-cli-platform.h"
#include "lk-wire.h"

#define DEFAULT_EXPIRY_DAYS 90

static const struct {
  const char *name;
  LkPreset    preset;
} presets[] = {
  { "scanner-hybrid", LK_PRESET_MODEL_SCANNER_HYBRID },
  { "read-only", LK_PRESET_READ_ONLY },
};

static gboolean
parse_access (const char *text,
              LkAccess   *out)
{
  g_auto (GStrv) words = NULL;
  LkAccess access = LK_ACCESS_NONE;

  if (g_ascii_strcasecmp (text, "all") == 0)
    {
      *out = LK_ACCESS_ALL;
      return TRUE;
    }

  /* "rw", "rwd"… */
  if (text[0] != '\0' && strspn (text, "rwdRWD") == strlen (text))
    {
      for (const char *p = text; *p != '\0'; p++)
        access |= g_ascii_tolower (*p) == 'r' ? LK_ACCESS_READ
                : g_ascii_tolower (*p) == 'w' ? LK_ACCESS_WRITE : LK_ACCESS_DELETE;
      *out = access;
      return TRUE;
    }

  /* "read,write" */
  words = g_strsplit (text, ",", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const LkAccess bits[] = { LK_ACCESS_READ, LK_ACCESS_WRITE, LK_ACCESS_DELETE };
      gboolean known = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (bits); j++)
        if (g_ascii_strcasecmp (g_strstrip (words[i]), lk_access_get_wire_name (bits[j])) == 0)
          {
            access |= bits[j];
            known = TRUE;
          }
      if (!known)
        return FALSE;
    }

  *out = access;
  return access != LK_ACCESS_NONE;
}

/* "model_scanner:w", "model-scanner:read,write", "API_KEYS:rwd" */
static gboolean
add_permission (LkPermissions  *permissions,
                const char     *text,
                GError        **error)
{
  g_autofree char *printable = lk_cli_printable (text);
  g_autofree char *category_name = NULL;
  g_autoptr (GString) known = g_string_new (NULL);
  const char *colon = strchr (text, ':');
  LkCategory category;
  LkAccess access;

  if (colon != NULL)
    {
      category_name = g_ascii_strdown (text, colon - text);
      g_strdelimit (category_name, "- ", '_');
    }

  if (colon != NULL && lk_category_from_wire_name (category_name, &category) &&
      parse_access (colon + 1, &access))
    {
      lk_permissions_add (permissions, category, access);
      return TRUE;
    }

  for (LkCategory c = 0; c < LK_N_CATEGORIES; c++)
    g_string_append_printf (known, "%s%s", c > 0 ? ", " : "", lk_category_get_wire_name (c));

  g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
               /* Translators: %s is what the user typed, then the list of
                * categories */
               _("--permission “%s” is not CATEGORY:ACCESS, such as model_scanner:w or api_keys:rwd (categories: %s; access: r, w, d or read,write,delete)."),
               printable, known->str);
  return FALSE;
}

/* "30" days or "2027-03-01" (at the current time of day, UTC, as the
 * platform counts days). */
static gboolean
parse_expiry (const char  *text,
              gint64       now,
              gint64      *out,
              GError     **error)
{
  g_autofree char *printable = lk_cli_printable (text);
  g_autoptr (GError) local_error = NULL;
  int year, month, day;
  char end;

  if (text == NULL)
    {
      *out = now + (gint64) DEFAULT_EXPIRY_DAYS * 24 * 3600;
      return TRUE;
    }

  if (text[0] != '\0' && strspn (text, "0123456789") == strlen (text) && strlen (text) <= 4)
    *out = now + g_ascii_strtoll (text, NULL, 10) * 24 * 3600;
  else if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) == 3 && strlen (text) == 10)
    {
      g_autoptr (GDateTime) current = g_date_time_new_from_unix_utc (now);
      g_autoptr (GDateTime) date = g_date_time_new_utc (year, month, day,
                                                        g_date_time_get_hour (current),
                                                        g_date_time_get_minute (current),
                                                        g_date_time_get_second (current));

      if (date == NULL)
        {
          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                       /* Translators: %s is what the user gave after --expires */
                       _("--expires “%s” is not a date."), printable);
          return FALSE;
        }
      *out = g_date_time_to_unix (date);
    }
  else
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                   /* Translators: %s is what the user gave after --expires */
                   _("--expires takes a number of days (1 to 365) or a date (YYYY-MM-DD), not “%s”."),
                   printable);
      return FALSE;
    }

  if (!lk_validate_expiry (now, *out, &local_error))
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE, "--expires %s: %s", printable, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The permissions the options ask for; refuses all of them unless
 * --all-permissions says so. */
static gboolean
build_permissions (const char     *preset_name,
                   char          **permission_texts,
                   gboolean        all,
                   LkPermissions  *out,
                   GError        **error)
{
  lk_permissions_clear (out);

  if (all && (preset_name != NULL || permission_texts != NULL))
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("--all-permissions cannot be combined with --preset or --permission."));
      return FALSE;
    }

  if (all)
    {
      lk_permissions_set_all (out);
      return TRUE;
    }

  if (preset_name != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
        if (g_ascii_strcasecmp (preset_name, presets[i].name) == 0)
          {
            lk_preset_apply (presets[i].preset, out);
            found = TRUE;
          }
      if (!found)
        {
          g_autofree char *printable = lk_cli_printable (preset_name);

          g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                       /* Translators: %s is what the user gave after --preset; the two
                        * preset names stay in English */
                       _("There is no preset “%s”: choose scanner-hybrid or read-only."), printable);
          return FALSE;
        }
    }

  for (guint i = 0; permission_texts != NULL && permission_texts[i] != NULL; i++)
    if (!add_permission (out, permission_texts[i], error))
      return FALSE;

  if (lk_permissions_is_empty (out))
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("Without --preset or --permission the key would get every permission. Give it only what it needs (for example --preset scanner-hybrid or --permission model_scanner:w), or add --all-permissions."));
      return FALSE;
    }

  if (lk_permissions_is_all (out))
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("These permissions add up to every permission: add --all-permissions if the key really needs them all."));
      return FALSE;
    }

  return TRUE;
}

/* The keyring must be able to take the secret before the key exists. */
static gboolean
check_keyring (LkCli        *cli,
               LkCliSession *session,
               GError      **error)
{
  LkCredentialStore *store = lk_cli_get_store (cli);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GHashTable) found = NULL;
  g_autoptr (GError) local_error = NULL;

  lk_credential_store_find_keys_async (store, lk_platform_get_id (session->platform), NULL,
                                       lk_cli_async_done, &result);
  found = lk_credential_store_find_keys_finish (store, lk_cli_wait (&result), &local_error);
  if (found == NULL)
    {
      g_propagate_error (error, lk_cli_explain_store_error (_("No key was created, because the keyring could not take its secret"),
                                                            g_steal_pointer (&local_error)));
      return FALSE;
    }

  return TRUE;
}

/* Storing failed after the key was created: tries once more, then
 * deletes the key.  Always fails, with what happened. */
static gboolean
store_or_roll_back (LkCliSession  *session,
                    LkCreatedKey  *created,
                    const char    *name,
                    GError       **error)
{
  g_autoptr (GAsyncResult) stored_result = NULL;
  g_autoptr (GAsyncResult) deleted_result = NULL;
  g_autoptr (GError) store_error = NULL;
  g_autoptr (GError) delete_error = NULL;

  lk_client_store_secret_async (session->client, created, NULL, lk_cli_async_done, &stored_result);
  if (lk_client_store_secret_finish (session->client, lk_cli_wait (&stored_result), &store_error))
    return TRUE;

  lk_client_delete_key_async (session->client, lk_api_key_get_id (created->key), NULL,
                              lk_cli_async_done, &deleted_result);
  if (lk_client_delete_key_finish (session->client, lk_cli_wait (&deleted_result), &delete_error))
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                 /* Translators: %s is a key's name, then why */
                 _("The key “%s” was created, but its secret could not be stored in the keyring (%s), so it was deleted again. Nothing was kept; try again once the keyring works."),
                 name, store_error->message);
  else
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_FAILED,
                 /* Translators: the first %s is a key's name, the second its key ID, the
                  * third why the keyring refused it, the fourth why the delete failed */
                 _("The key “%s” (key ID %s) was created, but its secret could not be stored in the keyring (%s), and deleting it again failed (%s). Delete it with Layer Keys."),
                 name, lk_api_key_get_id (created->key), store_error->message, delete_error->message);

  return FALSE;
}

static void
print_created (LkCli        *cli,
               LkCreatedKey *created)
{
  LkApiKey *key = created->key;
  g_autofree char *expires = NULL;
  g_autofree char *permissions = NULL;
  const char *labels[6];
  const char *values[6];

  if (cli->json)
    {
      JsonNode *node = lk_cli_key_to_json (key);
      JsonObject *object = json_node_get_object (node);

      json_object_set_boolean_member (object, "stored", TRUE);
      json_object_set_string_member (object, "keyring_label", created->store_label);
      lk_cli_print_json (node);
      return;
    }

  expires = lk_cli_format_date (lk_api_key_get_expires_at (key));
  permissions = lk_permissions_to_summary (lk_api_key_get_permissions (key));

  labels[0] = _("Name");        values[0] = lk_api_key_get_name (key);
  labels[1] = _("Key ID");      values[1] = lk_api_key_get_id (key);
  labels[2] = _("Client ID");   values[2] = lk_api_key_get_client_id (key);
  labels[3] = _("Expires");     values[3] = expires;
  labels[4] = _("Permissions"); values[4] = permissions;
  labels[5] = _("Secret");      values[5] = created->store_label;
  lk_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
}

int
lk_cli_cmd_create (LkCli      *cli,
                   LkCliArgs  *args,
                   GError    **error)
{
  g_autofree char *preset = NULL;
  g_auto (GStrv) permission_texts = NULL;
  g_autofree char *expires_text = NULL;
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset,
      N_("Permissions of a product: scanner-hybrid (Model Scanner CLI, hybrid mode) or read-only"), N_("PRESET") },
    { "permission", 0, 0, G_OPTION_ARG_STRING_ARRAY, &permission_texts,
      N_("Add a permission, e.g. model_scanner:w or api_keys:rwd (repeatable)"), N_("CATEGORY:ACCESS") },
    { "all-permissions", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Give the key every permission"), NULL },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires_text,
      N_("Days until the key expires (1 to 365, default 90), or its date"), N_("DAYS|YYYY-MM-DD") },
    { NULL }
  };
  g_auto (GStrv) positional = NULL;
  g_autoptr (LkCliSession) session = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (LkCreatedKey) created = NULL;
  g_autofree char *name = NULL;
  LkPermissions permissions;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expires_at = 0;

  if (!lk_cli_parse (cli, args, entries, _("NAME"),
                     _("Creates a key and stores its secret in the keyring; prints its key ID and client ID, never the secret."),
                     &positional, error))
    return LK_CLI_EXIT_USAGE;

  if (positional[0] == NULL || positional[1] != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("create takes one name (quote it if it has spaces)."));
      return LK_CLI_EXIT_USAGE;
    }

  name = lk_cli_printable (positional[0]);
  if (!lk_validate_key_name (positional[0], &local_error))
    {
      g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE, "“%s”: %s", name, local_error->message);
      return LK_CLI_EXIT_USAGE;
    }

  if (!build_permissions (preset, permission_texts, all, &permissions, error) ||
      !parse_expiry (expires_text, now, &expires_at, error))
    return LK_CLI_EXIT_USAGE;

  session = lk_cli_open_session (cli, error);
  if (session == NULL || !check_keyring (cli, session, error))
    return LK_CLI_EXIT_FAILED;

  lk_client_create_key_async (session->client, positional[0], expires_at, &permissions, NULL,
                              lk_cli_async_done, &result);
  created = lk_client_create_key_finish (session->client, lk_cli_wait (&result), &local_error);
  if (created == NULL)
    {
      /* Translators: %s is a key's name */
      g_autofree char *what = g_strdup_printf (_("Could not create “%s”"), name);

      g_propagate_error (error, lk_cli_explain_client_error (session, LK_CLI_STEP_CREATE, what,
                                                             g_steal_pointer (&local_error)));
      return LK_CLI_EXIT_FAILED;
    }

  if (!created->stored && !store_or_roll_back (session, created, name, error))
    return LK_CLI_EXIT_FAILED;

  print_created (cli, created);
  return LK_CLI_EXIT_OK;
}
