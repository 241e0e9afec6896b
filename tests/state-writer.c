/* state-writer.c: another process writing the user's state files, for
 * test-state-writers
 *
 *   state-writer plain|journal TAG COUNT
 *
 * Writes to the state files in $XDG_STATE_HOME/layer-keys/ through the
 * modules the app and layer-keys-cli use, and prints a line once each
 * write has returned (so the test knows which writes completed before it
 * killed this process):
 *
 *   plain    COUNT times, appends {"id": "TAG-i"} to the array "entries"
 *            of "writers.json" (lk_state_file_update(), as the unsettled
 *            creates are kept): "plain TAG-i";
 *   journal  COUNT rotations of "rotations.json" through the rotation
 *            journal, each in three writes as a real rotation makes them:
 *            the entry at its create step ("create TAG-i"), the same entry
 *            at its verify step, replacing it ("verify TAG-i"), then the
 *            entry finished with the deletion of its old key "old-TAG-i"
 *            scheduled ("finish TAG-i").
 *
 * Exits 0 once all are written, 1 on the first failed write.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "state-writer"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "lk-platform.h"
#include "lk-rotation-private.h"
#include "lk-state-file.h"

#define WRITERS_API   "https://api.state-writers.example"
#define WRITERS_TOKEN "https://auth.state-writers.example/oauth2/token"

static gboolean
append_entry (JsonObject *document,
              gpointer    user_data)
{
  JsonObject *entry = json_object_new ();

  if (!json_object_has_member (document, "entries"))
    json_object_set_array_member (document, "entries", json_array_new ());
  json_object_set_string_member (entry, "id", user_data);
  json_array_add_object_element (json_object_get_array_member (document, "entries"), entry);
  return TRUE;
}

static void
done (const char *what,
      const char *id)
{
  printf ("%s %s\n", what, id);
  fflush (stdout);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* One journal write, waited for. */
static void
journal_write (const LkRotationEntry *entry,
               gboolean               finish)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (finish)
    lk_rotation_journal_finish_async (entry, 1800000000, store_result, &result);
  else
    lk_rotation_journal_put_async (entry, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (!lk_rotation_journal_write_finish (result, &error))
    {
      g_printerr ("state-writer: %s\n", error->message);
      exit (1);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *tag;
  guint count;

  if (argc != 4)
    {
      g_printerr ("usage: %s plain|journal TAG COUNT\n", argv[0]);
      return 2;
    }
  tag = argv[2];
  count = (guint) g_ascii_strtoull (argv[3], NULL, 10);

  if (g_str_equal (argv[1], "plain"))
    {
      g_autoptr(LkStateFile) file = lk_state_file_new ("writers.json");

      for (guint i = 0; i < count; i++)
        {
          g_autofree char *id = g_strdup_printf ("%s-%u", tag, i);
          g_autoptr(GError) error = NULL;

          if (!lk_state_file_update (file, append_entry, id, &error))
            {
              g_printerr ("state-writer: %s\n", error->message);
              return 1;
            }
          done ("plain", id);
        }
    }
  else if (g_str_equal (argv[1], "journal"))
    {
      for (guint i = 0; i < count; i++)
        {
          g_autoptr(LkRotationEntry) entry = g_new0 (LkRotationEntry, 1);

          entry->id = g_strdup_printf ("%s-%u", tag, i);
          entry->api_url = g_strdup (WRITERS_API);
          entry->token_url = g_strdup (WRITERS_TOKEN);
          entry->old_key_id = g_strdup_printf ("old-%s", entry->id);
          entry->old_name = g_strdup ("Old key");
          entry->name = g_strdup_printf ("Successor %s", entry->id);
          entry->expires_at = 1900000000;
          entry->delete_old = LK_ROTATION_DELETE_LATER;
          entry->delete_at = 1800000000;
          entry->started = 1700000000;

          entry->step = LK_ROTATION_STEP_CREATE;
          journal_write (entry, FALSE);
          done ("create", entry->id);

          entry->step = LK_ROTATION_STEP_VERIFY;
          entry->successor_id = g_strdup_printf ("new-%s", entry->id);
          journal_write (entry, FALSE);
          done ("verify", entry->id);

          journal_write (entry, TRUE);
          done ("finish", entry->id);
        }
    }
  else
    {
      g_printerr ("state-writer: unknown kind %s\n", argv[1]);
      return 2;
    }

  return 0;
}
