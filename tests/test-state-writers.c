/* test-state-writers.c: two processes writing the same state file, one
 * of them killed (issue 21, “Our own state files”)
 *
 * state-writer, a second program, writes through the real modules (the
 * state file, the rotation journal); the test runs two at once on the
 * same $XDG_STATE_HOME, and kills the second with SIGKILL at a random
 * point three times over, starting another in its place each time.
 * Meanwhile it reads the file without the lock, as a crash-time reader
 * would, as often as it can.
 *
 *   /lk/state-writers/plain     "writers.json", entries appended one per
 *                               write (as the unsettled creates are kept);
 *   /lk/state-writers/journal   "rotations.json", each rotation in three
 *                               writes (create, verify, finish with its old
 *                               key's deletion scheduled).
 *
 * Each case makes over 1,000 writes.  The file always parses as a JSON
 * object; every write a writer reported done is there exactly once; the
 * only write of a killed writer that may or may not be there is the one
 * it was making when killed, and no rotation is ever both in the journal
 * and scheduled, or in either twice; no temporary file of a killed
 * writer is left behind once the next write is made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "lk-state-file.h"
#include "lk-test-util.h"

#define N_KILLS 3

typedef struct {
  GSubprocess *process;
  GThread     *reader;
  GMutex       lock;
  GPtrArray   *lines;       /* "op ID", each write it reported done */
  gboolean     killed;
  int          eof;         /* its output closed: it ended */
} Writer;

static gpointer
read_lines (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GDataInputStream) in =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer->process));
  char *line;

  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL)
    {
      g_mutex_lock (&writer->lock);
      g_ptr_array_add (writer->lines, line);
      g_mutex_unlock (&writer->lock);
    }
  g_atomic_int_set (&writer->eof, TRUE);

  return NULL;
}

static guint
writer_n_lines (Writer *writer)
{
  guint n;

  g_mutex_lock (&writer->lock);
  n = writer->lines->len;
  g_mutex_unlock (&writer->lock);
  return n;
}

static Writer *
writer_start (GSubprocessLauncher *launcher,
              const char          *kind,
              const char          *tag,
              guint                count)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "state-writer", NULL);
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autoptr(GError) error = NULL;
  Writer *writer = g_new0 (Writer, 1);

  g_mutex_init (&writer->lock);
  writer->lines = g_ptr_array_new_with_free_func (g_free);
  writer->process = g_subprocess_launcher_spawn (launcher, &error, path, kind, tag, count_text, NULL);
  g_assert_no_error (error);
  writer->reader = g_thread_new ("writer-lines", read_lines, writer);
  return writer;
}

static void
writer_free (Writer *writer)
{
  g_clear_object (&writer->process);
  g_ptr_array_unref (writer->lines);
  g_mutex_clear (&writer->lock);
  g_free (writer);
}

/* The file as a reader without the lock sees it: missing, or a JSON
 * object; never half written. */
static guint
check_parses (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return 0;
  if (!json_parser_load_from_data (parser, contents, (gssize) length, &error))
    g_error ("the state file does not parse (%s): %.200s", error->message, contents);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return 1;
}

/* Until @writer's process ends (its output closes), checking the file. */
static void
wait_checking (Writer     *writer,
               const char *path,
               guint      *n_checks)
{
  while (!g_atomic_int_get (&writer->eof))
    {
      *n_checks += check_parses (path);
      g_usleep (500);
    }
  g_subprocess_wait (writer->process, NULL, NULL);
}

/* Runs the writers: the one that lives, and the ones killed one after
 * another (then one that finishes).  Returns them, the survivors first. */
static GPtrArray *
run_writers (const char *state_home,
             const char *kind,
             guint       count,
             const char *path)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  GPtrArray *writers = g_ptr_array_new_with_free_func ((GDestroyNotify) writer_free);
  Writer *steady;
  guint n_checks = 0;

  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state_home, TRUE);

  steady = writer_start (launcher, kind, "steady", count);
  g_ptr_array_add (writers, steady);

  for (guint round = 0; round <= N_KILLS; round++)
    {
      g_autofree char *tag = g_strdup_printf ("other%u", round);
      Writer *other = writer_start (launcher, kind, tag, count);
      guint kill_after = (guint) g_test_rand_int_range (1, (gint) count / 2);

      g_ptr_array_add (writers, other);
      if (round == N_KILLS)
        {
          /* The last runs to its end, with the steady one. */
          wait_checking (other, path, &n_checks);
          g_assert_true (g_subprocess_get_if_exited (other->process));
          g_assert_cmpint (g_subprocess_get_exit_status (other->process), ==, 0);
          break;
        }

      while (writer_n_lines (other) < kill_after && !g_atomic_int_get (&other->eof))
        {
          n_checks += check_parses (path);
          g_usleep (200);
        }
      g_assert_false (g_atomic_int_get (&other->eof));
      g_usleep ((gulong) g_test_rand_int_range (0, 3000));
      g_subprocess_force_exit (other->process);
      other->killed = TRUE;
      g_subprocess_wait (other->process, NULL, NULL);
      g_assert_true (g_subprocess_get_if_signaled (other->process));
      g_test_message ("%s killed after %u writes reported", tag, writer_n_lines (other));
      n_checks += check_parses (path);
    }

  wait_checking (steady, path, &n_checks);
  g_assert_true (g_subprocess_get_if_exited (steady->process));
  g_assert_cmpint (g_subprocess_get_exit_status (steady->process), ==, 0);

  for (guint i = 0; i < writers->len; i++)
    g_thread_join (((Writer *) writers->pdata[i])->reader);

  g_test_message ("%u reads without the lock, each a JSON object", n_checks);
  g_assert_cmpuint (n_checks, >, 0);
  return writers;
}

/* No temporary file (NAME.XXXXXX) left beside the file. */
static void
assert_no_temporaries (const char *folder,
                       const char *name)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autofree char *prefix = g_strconcat (name, ".", NULL);
  const char *entry;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_prefix (entry, prefix))
        continue;
      g_assert_cmpstr (entry + strlen (prefix), ==, "lock");
    }
}

static JsonObject *
read_document (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The IDs of @member's objects' @id_member, counted. */
static GHashTable *
count_ids (JsonObject *document,
           const char *member,
           const char *id_member,
           const char *value_member)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *array;

  if (!json_object_has_member (document, member))
    return counts;
  array = json_object_get_array_member (document, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      const char *id = json_object_get_string_member (object, id_member);
      const char *value = value_member != NULL ? json_object_get_string_member (object, value_member) : "";

      g_assert_false (g_hash_table_contains (counts, id));   /* never twice */
      g_hash_table_insert (counts, g_strdup (id), g_strdup (value));
    }

  return counts;
}

static void
scratch (char **dir,
         char **folder)
{
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp ("lk-writers-XXXXXX", &error);
  g_assert_no_error (error);
  *folder = g_build_filename (*dir, "layer-keys", NULL);
}

static void
remove_scratch (const char *dir,
                const char *folder)
{
  g_autoptr(GDir) handle = g_dir_open (folder, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      g_unlink (path);
    }
  g_rmdir (folder);
  g_rmdir (dir);
}

#define PLAIN_COUNT 500

static void
test_plain (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) writers = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GHashTable) present = NULL;
  guint n_reported = 0, n_in_flight = 0;

  scratch (&dir, &folder);
  path = g_build_filename (folder, "writers.json", NULL);

  /* What a writer killed in an earlier session left, whatever the kills
   * below happen to leave: its temporary file, never renamed. */
  {
    g_autofree char *leftover = g_build_filename (folder, "writers.json.Ab3xY9", NULL);

    g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
    g_assert_true (g_file_set_contents (leftover, "{\"entries\": [", -1, NULL));
  }

  writers = run_writers (dir, "plain", PLAIN_COUNT, path);

  document = read_document (path);
  present = count_ids (document, "entries", "id", NULL);

  for (guint w = 0; w < writers->len; w++)
    {
      Writer *writer = writers->pdata[w];
      g_autofree char *next = NULL;

      /* Every write reported done is there (count_ids() saw none twice). */
      for (guint i = 0; i < writer->lines->len; i++)
        {
          const char *line = writer->lines->pdata[i];

          g_assert_true (g_str_has_prefix (line, "plain "));
          g_assert_true (g_hash_table_contains (present, line + strlen ("plain ")));
          n_reported++;
        }
      if (!writer->killed)
        {
          g_assert_cmpuint (writer->lines->len, ==, PLAIN_COUNT);
          continue;
        }
      /* The write it was making may have landed; none after it. */
      next = g_strdup_printf ("other%u-%u", w - 1, writer->lines->len);
      if (g_hash_table_contains (present, next))
        n_in_flight++;
    }

  g_test_message ("%u writes reported, %u more landed as their writer was killed",
                  n_reported, n_in_flight);
  g_assert_cmpuint (g_hash_table_size (present), ==, n_reported + n_in_flight);
  g_assert_cmpuint (n_reported, >=, 1000);
  assert_no_temporaries (folder, "writers.json");

  remove_scratch (dir, folder);
}

#define JOURNAL_COUNT 170   /* three writes each: 510 per full writer */

static const char * const ops[] = { "none", "create", "verify", "finish" };

static guint
op_index (const char *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_str_equal (ops[i], op))
      return i;
  g_assert_not_reached ();
}

static void
test_journal (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) writers = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GHashTable) journal = NULL;
  g_autoptr(GHashTable) scheduled = NULL;
  guint n_writes = 0, n_seen_journal = 0, n_seen_scheduled = 0;

  scratch (&dir, &folder);
  path = g_build_filename (folder, "rotations.json", NULL);
  writers = run_writers (dir, "journal", JOURNAL_COUNT, path);

  document = read_document (path);
  journal = count_ids (document, "rotations", "id", "step");
  scheduled = count_ids (document, "scheduled-deletions", "key-id", NULL);

  for (guint w = 0; w < writers->len; w++)
    {
      Writer *writer = writers->pdata[w];
      const char *tag = w == 0 ? "steady" : NULL;
      g_autofree char *other_tag = g_strdup_printf ("other%u", w - 1);
      g_autofree guint *reached = g_new0 (guint, JOURNAL_COUNT);
      guint last = 0;

      if (tag == NULL)
        tag = other_tag;

      /* How far each of its rotations got, as it reported. */
      for (guint i = 0; i < writer->lines->len; i++)
        {
          g_auto(GStrv) parts = g_strsplit (writer->lines->pdata[i], " ", 2);
          const char *number = strrchr (parts[1], '-') + 1;

          last = (guint) g_ascii_strtoull (number, NULL, 10);
          reached[last] = op_index (parts[0]);
          n_writes++;
        }

      for (guint r = 0; r < JOURNAL_COUNT; r++)
        {
          g_autofree char *id = g_strdup_printf ("%s-%u", tag, r);
          g_autofree char *old_id = g_strdup_printf ("old-%s", id);
          const char *step = g_hash_table_lookup (journal, id);
          gboolean is_scheduled = g_hash_table_contains (scheduled, old_id);
          guint state;
          guint in_flight;

          /* Never both in the journal and finished. */
          g_assert_false (step != NULL && is_scheduled);
          state = is_scheduled ? 3 : step != NULL ? op_index (step) : 0;
          n_seen_journal += step != NULL;
          n_seen_scheduled += is_scheduled;

          /* Where a killed writer was: its next write may have landed. */
          if (writer->killed)
            in_flight = reached[last] == 3 ? last + 1 : last;
          else
            in_flight = G_MAXUINT;
          if (writer->lines->len == 0)
            in_flight = 0;

          if (state != reached[r])
            {
              g_test_message ("%s: reported %s, found %s", id, ops[reached[r]], ops[state]);
              g_assert_cmpuint (r, ==, in_flight);
              g_assert_cmpuint (state, ==, reached[r] + 1);
            }
        }
      if (!writer->killed)
        g_assert_cmpuint (writer->lines->len, ==, 3 * JOURNAL_COUNT);
    }

  g_test_message ("%u journal writes reported; %u rotations left in the journal, %u finished",
                  n_writes, n_seen_journal, n_seen_scheduled);
  g_assert_cmpuint (n_writes, >=, 1000);
  g_assert_cmpuint (g_hash_table_size (journal), ==, n_seen_journal);
  g_assert_cmpuint (g_hash_table_size (scheduled), ==, n_seen_scheduled);
  assert_no_temporaries (folder, "rotations.json");

  remove_scratch (dir, folder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/state-writers/plain", test_plain);
  g_test_add_func ("/lk/state-writers/journal", test_journal);

  return g_test_run ();
}
