/* lk-cli-rotate.c: `rotate`, a key replaced by a verified successor
 *
 * First what earlier runs left (lk_rotation_resume_async(): rotations cut
 * short, deletions that are due), then the rotation of one key with the
 * core's defaults (lk-rotation.h): same permissions and lifetime, the old
 * name with a suffix, the secret to the keyring (never to the output).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-cli-rotate"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "lk-cli-platform.h"
#include "lk-rotation.h"
#include "lk-time.h"

/* "now", "never", "90m", "12h", "7d", "2w", or an RFC 3339 time. */
static gboolean
parse_delete_old (const char        *text,
                  gint64             now,
                  LkRotationDelete  *out_mode,
                  gint64            *out_at,
                  GError           **error)
{
  char *end = NULL;
  guint64 count;
  gint64 unit = 0;

  if (text == NULL || g_str_equal (text, "now"))
    {
      *out_mode = LK_ROTATION_DELETE_NOW;
      return TRUE;
    }
  if (g_str_equal (text, "never"))
    {
      *out_mode = LK_ROTATION_DELETE_NEVER;
      return TRUE;
    }
  if (lk_time_parse_rfc3339 (text, out_at) && *out_at > now)
    {
      *out_mode = LK_ROTATION_DELETE_LATER;
      return TRUE;
    }

  if (g_ascii_isdigit (text[0]))
    {
      count = g_ascii_strtoull (text, &end, 10);
      if (g_str_equal (end, "m"))
        unit = 60;
      else if (g_str_equal (end, "h"))
        unit = 60 * 60;
      else if (g_str_equal (end, "d"))
        unit = 24 * 60 * 60;
      else if (g_str_equal (end, "w"))
        unit = 7 * 24 * 60 * 60;
      if (unit > 0 && count > 0 && count <= 5 * 366 * 24 * 60)
        {
          *out_mode = LK_ROTATION_DELETE_LATER;
          *out_at = now + (gint64) count * unit;
          return TRUE;
        }
    }

  g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
               /* Translators: do not translate now, never and the examples */
               _("--delete-old takes now, never, a delay such as 1h, 1d or 7d, or a future time such as 2027-03-01T12:00:00Z, not “%s”."),
               text);
  return FALSE;
}

/* The one key of @model named @ident or with it as key ID or client ID. */
static LkApiKey *
resolve_key (GListModel  *model,
             const char  *ident,
             GError     **error)
{
  g_autoptr (LkApiKey) found = NULL;
  g_autofree char *printable = lk_cli_printable (ident);
  guint matches = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (model, i);

      if (g_strcmp0 (lk_api_key_get_id (key), ident) == 0 ||
          g_strcmp0 (lk_api_key_get_client_id (key), ident) == 0 ||
          g_strcmp0 (lk_api_key_get_name (key), ident) == 0)
        {
          matches++;
          g_set_object (&found, key);
        }
    }

  if (matches == 1)
    return g_steal_pointer (&found);

  if (matches == 0)
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_NO_SUCH,
                 _("The tenant has no key with the name, key ID or client ID “%s”."), printable);
  else
    g_set_error (error, LK_CLI_ERROR, LK_CLI_ERROR_AMBIGUOUS,
                 /* Translators: the first %s is what the user gave to name a key, %u how many keys match it */
                 _("“%s” matches %u keys. Give the key ID."), printable, matches);
  return NULL;
}

/* What earlier runs left, said on standard error. */
static void
resume_earlier (LkCliSession *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (LkRotationResume) done = NULL;
  g_autoptr (GError) error = NULL;

  lk_rotation_resume_async (session->client, NULL, lk_cli_async_done, &result);
  done = lk_rotation_resume_finish (lk_cli_wait (&result), &error);
  if (done == NULL)
    {
      /* Translators: %s is the reason */
      lk_cli_warn (_("Earlier rotations could not be looked at: %s"), error->message);
      return;
    }

  for (guint i = 0; i < done->completed->len; i++)
    {
      LkRotationOutcome *outcome = g_ptr_array_index (done->completed, i);
      g_autofree char *name = lk_cli_printable (outcome->old_name);

      /* Translators: %s is a key's name */
      lk_cli_warn (_("An earlier rotation of “%s” was finished."), name);
    }
  for (guint i = 0; i < done->rolled_back->len; i++)
    {
      g_autofree char *name = lk_cli_printable (g_ptr_array_index (done->rolled_back, i));

      /* Translators: %s is the name of the new key that was deleted again */
      lk_cli_warn (_("An earlier rotation was undone: “%s” was not kept."), name);
    }
  for (guint i = 0; i < done->deleted->len; i++)
    {
      g_autofree char *name = lk_cli_printable (g_ptr_array_index (done->deleted, i));

      /* Translators: %s is a key's name */
      lk_cli_warn (_("“%s” was deleted, as scheduled."), name);
    }
  for (guint i = 0; i < done->failed->len; i++)
    lk_cli_warn ("%s", ((GError *) g_ptr_array_index (done->failed, i))->message);
}

static void
print_outcome (LkCli             *cli,
               LkRotationOutcome *outcome,
               LkApiKey          *old_key)
{
  LkApiKey *successor = outcome->successor->key;
  g_autofree char *expires = lk_cli_format_date (lk_api_key_get_expires_at (successor));
  g_autofree char *old_name = lk_cli_printable (outcome->old_name);
  g_autofree char *new_name = lk_cli_printable (outcome->successor_name);
  g_autofree char *delete_at = lk_cli_format_time (outcome->delete_at);

  if (cli->json)
    {
      JsonObject *object = json_object_new ();
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_member (object, "old", lk_cli_key_to_json (old_key));
      json_object_set_member (object, "successor", lk_cli_key_to_json (successor));
      json_object_set_boolean_member (object, "stored", outcome->successor->stored);
      json_object_set_boolean_member (object, "verified", TRUE);
      json_object_set_boolean_member (object, "old_deleted", outcome->old_deleted);
      if (delete_at != NULL)
        json_object_set_string_member (object, "old_delete_at", delete_at);
      else
        json_object_set_null_member (object, "old_delete_at");
      if (outcome->delete_error != NULL)
        json_object_set_string_member (object, "old_delete_error", outcome->delete_error->message);
      json_node_take_object (node, object);
      lk_cli_print_json (node);
      return;
    }

  /* Translators: the first %s is the old key's name, the second the new key's, the third its client ID, the fourth its expiry date */
  g_print (_("Rotated “%s”: the new key “%s” (client ID %s, expires %s) works, and its secret is in the keyring.\n"),
           old_name, new_name, lk_api_key_get_client_id (successor), expires);
  if (outcome->old_deleted)
    g_print (_("The old key was deleted.\n"));
  else if (outcome->delete_error != NULL)
    /* Translators: %s is the reason */
    g_print (_("The old key could not be deleted yet (%s); this will be tried again the next time.\n"),
             outcome->delete_error->message);
  else if (delete_at != NULL)
    /* Translators: %s is a date and time */
    g_print (_("The old key will be deleted at %s, the next time Layer Keys runs after that.\n"), delete_at);
  else
    g_print (_("The old key was kept.\n"));
}

int
lk_cli_cmd_rotate (LkCli      *cli,
                   LkCliArgs  *args,
                   GError    **error)
{
  g_autofree char *delete_old = NULL;
  const GOptionEntry entries[] = {
    { "delete-old", 0, 0, G_OPTION_ARG_STRING, &delete_old,
      N_("When the old key is deleted: now (the default), never, after a delay (1h, 1d, 7d) or at a time"),
      N_("WHEN") },
    { NULL }
  };
  g_auto (GStrv) positional = NULL;
  g_autoptr (LkCliSession) session = NULL;
  g_autoptr (LkApiKey) old_key = NULL;
  g_autoptr (LkRotationPlan) plan = NULL;
  g_autoptr (LkRotationOutcome) outcome = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) local_error = NULL;
  LkRotationDelete mode = LK_ROTATION_DELETE_NOW;
  gint64 delete_at = 0;
  gint64 now = lk_time_now ();

  if (!lk_cli_parse (cli, args, entries, _("KEY"),
                     _("Replaces a key (its name, key ID or client ID) with a new one of the same permissions, "
                       "verified at the token endpoint, its secret in this keyring; then deletes the old key."),
                     &positional, error))
    return LK_CLI_EXIT_USAGE;

  if (positional[0] == NULL || positional[1] != NULL)
    {
      g_set_error_literal (error, LK_CLI_ERROR, LK_CLI_ERROR_USAGE,
                           _("rotate needs one key: its name, key ID or client ID."));
      return LK_CLI_EXIT_USAGE;
    }
  if (!parse_delete_old (delete_old, now, &mode, &delete_at, error))
    return LK_CLI_EXIT_USAGE;

  session = lk_cli_open_session (cli, error);
  if (session == NULL)
    return LK_CLI_EXIT_FAILED;

  lk_client_list_keys_async (session->client, NULL, lk_cli_async_done, &result);
  if (!lk_client_list_keys_finish (session->client, lk_cli_wait (&result), &local_error))
    {
      g_autofree char *what = g_strdup_printf (_("Could not list the keys of %s"),
                                               lk_platform_get_id (session->platform));

      g_propagate_error (error, lk_cli_explain_client_error (session, LK_CLI_STEP_LIST, what,
                                                             g_steal_pointer (&local_error)));
      return lk_cli_exit_status (*error);
    }
  g_clear_object (&result);

  resume_earlier (session);

  old_key = resolve_key (lk_client_get_keys (session->client), positional[0], error);
  if (old_key == NULL)
    return LK_CLI_EXIT_NO_SUCH;

  plan = lk_rotation_plan_new (old_key, lk_client_get_keys (session->client), lk_time_now ());
  plan->delete_old = mode;
  plan->delete_at = delete_at;

  lk_rotation_run_async (session->client, plan, NULL, lk_cli_async_done, &result);
  outcome = lk_rotation_run_finish (lk_cli_wait (&result), error);
  if (outcome == NULL)
    return LK_CLI_EXIT_FAILED;

  print_outcome (cli, outcome, old_key);
  return LK_CLI_EXIT_OK;
}
