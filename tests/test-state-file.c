/* test-state-file.c: the JSON document in the user's state folder
 *
 * Missing is empty; corrupt is kept aside, never dropped; a change is
 * whole or not at all and leaves no temporary file; writers in several
 * threads (each with a lock of its own, as two processes would have) lose
 * no entry; the folder and file are the user's only; a process that
 * exits right after starting a write waits for it (wait-pending).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "lk-state-file.h"
#include "lk-test-util.h"

#define WAIT_MS 30000

static char *
scratch_folder (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("lk-state-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* The names in @dir that start with @prefix. */
static guint
count_files (const char *dir,
             const char *prefix)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      if (g_str_has_prefix (name, prefix))
        n++;
    }

  return n;
}

typedef struct {
  const char *member;
  gint64      value;
} SetData;

static gboolean
set_member (JsonObject *document,
            gpointer    user_data)
{
  SetData *data = user_data;

  json_object_set_int_member (document, data->member, data->value);
  return TRUE;
}

static gboolean
change_nothing (JsonObject *document,
                gpointer    user_data)
{
  json_object_set_int_member (document, "never-written", 1);
  return FALSE;
}

static void
test_basics (void)
{
  g_autofree char *dir = scratch_folder ();
  g_autofree char *folder = g_build_filename (dir, "layer-keys", NULL);
  g_autofree char *path = g_build_filename (folder, "state.json", NULL);
  g_autoptr(LkStateFile) file = lk_state_file_new_for_path (path);
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GError) error = NULL;
  SetData data = { "answer", 42 };
  GStatBuf st;

  /* Missing: empty, and nothing made for a read. */
  document = lk_state_file_read (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (document), ==, 0);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_clear_pointer (&document, json_object_unref);

  /* Written, the user's only, no temporary file left. */
  g_assert_true (lk_state_file_update (file, set_member, &data, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpuint (count_files (folder, "state.json."), ==, 1);  /* the lock */
  document = lk_state_file_read (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (document, "answer"), ==, 42);
  g_clear_pointer (&document, json_object_unref);

  /* An edit that changes nothing writes nothing. */
  g_assert_true (lk_state_file_update (file, change_nothing, NULL, &error));
  document = lk_state_file_read (file, &error);
  g_assert_false (json_object_has_member (document, "never-written"));
  g_clear_pointer (&document, json_object_unref);

  /* Corrupt: kept aside, counted as empty, and the next change starts
   * afresh. */
  g_assert_true (g_file_set_contents (path, "{\"answer\": 4", -1, NULL));
  document = lk_state_file_read (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (document), ==, 0);
  g_clear_pointer (&document, json_object_unref);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (folder, "state.json.corrupt-"), ==, 1);

  g_assert_true (g_file_set_contents (path, "[1, 2, 3]", -1, NULL));
  data.value = 7;
  g_assert_true (lk_state_file_update (file, set_member, &data, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (folder, "state.json.corrupt-"), ==, 2);
  document = lk_state_file_read (file, &error);
  g_assert_cmpint (json_object_get_int_member (document, "answer"), ==, 7);
  g_assert_cmpuint (json_object_get_size (document), ==, 1);

  remove_tree (dir);
}

/* ---- Writers at the same time ---- */

#define N_WRITERS 6
#define N_ENTRIES 20

static gboolean
append_entry (JsonObject *document,
              gpointer    user_data)
{
  const char *entry = user_data;
  JsonArray *entries;

  if (!json_object_has_member (document, "entries"))
    json_object_set_array_member (document, "entries", json_array_new ());
  entries = json_object_get_array_member (document, "entries");
  json_array_add_string_element (entries, entry);

  /* Give the others every chance to come in between. */
  g_thread_yield ();
  return TRUE;
}

static gpointer
writer_thread (gpointer user_data)
{
  const char *path = user_data;
  g_autoptr(LkStateFile) file = lk_state_file_new_for_path (path);
  static guint counter;

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      g_autofree char *entry = g_strdup_printf ("entry-%u", g_atomic_int_add (&counter, 1));
      g_autoptr(GError) error = NULL;

      g_assert_true (lk_state_file_update (file, append_entry, entry, &error));
      g_assert_no_error (error);
    }

  return NULL;
}

static void
test_concurrent (void)
{
  g_autofree char *dir = scratch_folder ();
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autoptr(LkStateFile) file = lk_state_file_new_for_path (path);
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GThread *threads[N_WRITERS];
  JsonArray *entries;

  for (guint i = 0; i < N_WRITERS; i++)
    threads[i] = g_thread_new ("writer", writer_thread, path);
  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (threads[i]);

  document = lk_state_file_read (file, NULL);
  entries = json_object_get_array_member (document, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, N_WRITERS * N_ENTRIES);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    g_hash_table_add (seen, (gpointer) json_array_get_string_element (entries, i));
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_WRITERS * N_ENTRIES);
  g_assert_cmpuint (count_files (dir, "state.json."), ==, 1);

  remove_tree (dir);
}

/* The asynchronous form, from the main loop. */
static void
test_async (void)
{
  g_autofree char *dir = scratch_folder ();
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autoptr(LkStateFile) file = lk_state_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GError) error = NULL;
  SetData *data = g_new0 (SetData, 1);

  data->member = "async";
  data->value = 3;
  lk_state_file_update_async (file, set_member, data, g_free, NULL, lk_test_store_result, &result);
  g_assert_true (lk_state_file_update_finish (file, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  lk_state_file_read_async (file, NULL, lk_test_store_result, &result);
  document = lk_state_file_read_finish (file, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (document, "async"), ==, 3);

  remove_tree (dir);
}

/* ---- A process that exits right after starting a write ---- */

static gboolean
set_member_slowly (JsonObject *document,
                   gpointer    user_data)
{
  /* Long enough for a process that does not wait to be gone. */
  g_usleep (300 * 1000);
  json_object_set_string_member (document, "written", "before the exit");
  return TRUE;
}

static void
test_wait_pending (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(LkStateFile) file = NULL;
  g_autoptr(JsonObject) document = NULL;

  if (g_test_subprocess ())
    {
      /* As layer-keys-cli and the app end: the write started in a worker
       * thread, no main loop run again, then the process exits. */
      file = lk_state_file_new_for_path (g_getenv ("LK_TEST_WAIT_PATH"));
      lk_state_file_update_async (file, set_member_slowly, NULL, NULL, NULL, NULL, NULL);
      lk_state_file_wait_pending ();
      exit (0);
    }

  dir = scratch_folder ();
  path = g_build_filename (dir, "state.json", NULL);
  g_setenv ("LK_TEST_WAIT_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  file = lk_state_file_new_for_path (path);
  document = lk_state_file_read (file, NULL);
  g_assert_nonnull (document);
  g_assert_cmpstr (json_object_get_string_member_with_default (document, "written", NULL), ==,
                   "before the exit");

  /* Nothing pending: it returns at once. */
  lk_state_file_wait_pending ();

  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/state-file/basics", test_basics);
  g_test_add_func ("/lk/state-file/concurrent", test_concurrent);
  g_test_add_func ("/lk/state-file/async", test_async);
  g_test_add_func ("/lk/state-file/wait-pending", test_wait_pending);

  return g_test_run ();
}
