/* lk-state-file.c: a small JSON document in the user's state folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-state-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lk-state-file.h"

#define STATE_FOLDER "layer-keys"

struct _LkStateFile
{
  char *path;
  char *lock_path;
  char *folder;
};

G_DEFINE_BOXED_TYPE (LkStateFile, lk_state_file, lk_state_file_ref, lk_state_file_unref)

LkStateFile *
lk_state_file_new_for_path (const char *path)
{
  LkStateFile *self;

  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);

  self = g_atomic_rc_box_new0 (LkStateFile);
  self->path = g_strdup (path);
  self->lock_path = g_strconcat (path, ".lock", NULL);
  self->folder = g_path_get_dirname (path);

  return self;
}

LkStateFile *
lk_state_file_new (const char *name)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, NULL);

  path = g_build_filename (g_get_user_state_dir (), STATE_FOLDER, name, NULL);
  return lk_state_file_new_for_path (path);
}

LkStateFile *
lk_state_file_ref (LkStateFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
lk_state_file_clear (gpointer data)
{
  LkStateFile *self = data;

  g_free (self->path);
  g_free (self->lock_path);
  g_free (self->folder);
}

void
lk_state_file_unref (LkStateFile *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, lk_state_file_clear);
}

const char *
lk_state_file_get_path (LkStateFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

/* ------------------------------------------------------------------------
 * The lock
 * ------------------------------------------------------------------------ */

static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               /* Translators: %s is a file name, the second %s why */
               _("Could not use the state file “%s”: %s"), display, g_strerror (saved_errno));
  return FALSE;
}

/* The folder, made if needed; the user's only. */
static gboolean
ensure_folder (LkStateFile  *self,
               GError      **error)
{
  if (g_mkdir_with_parents (self->folder, 0700) != 0)
    return set_io_error (error, errno, self->folder);

  return TRUE;
}

/* An exclusive lock on NAME.lock: the file descriptor, or -1. */
static int
lock_acquire (LkStateFile  *self,
              GError      **error)
{
  int fd;

  if (!ensure_folder (self, error))
    return -1;

  fd = g_open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, errno, self->lock_path);
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      close (fd);
      set_io_error (error, saved_errno, self->lock_path);
      return -1;
    }

  return fd;
}

static void
lock_release (int fd)
{
  /* Closing the descriptor drops the lock. */
  flock (fd, LOCK_UN);
  close (fd);
}

/* ------------------------------------------------------------------------
 * Reading and writing, under the lock
 * ------------------------------------------------------------------------ */

/* Renames a file that is not a JSON object to NAME.corrupt-DATE. */
static void
keep_aside (LkStateFile *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  for (guint n = 0; n < 100; n++)
    {
      g_autofree char *aside = n == 0
        ? g_strdup_printf ("%s.corrupt-%s", self->path, stamp)
        : g_strdup_printf ("%s.corrupt-%s-%u", self->path, stamp, n);

      if (g_file_test (aside, G_FILE_TEST_EXISTS))
        continue;
      if (g_rename (self->path, aside) == 0)
        g_message ("The state file %s could not be read; it was kept as %s", self->path, aside);
      else
        g_warning ("The state file %s could not be read, nor kept aside: %s",
                   self->path, g_strerror (errno));
      return;
    }
}

static JsonObject *
read_locked (LkStateFile  *self,
             GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  JsonNode *root;

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_object_new ();
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (length > 0 &&
      g_utf8_validate (contents, (gssize) length, NULL) &&
      json_parser_load_from_data (parser, contents, (gssize) length, NULL) &&
      (root = json_parser_get_root (parser)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    return json_object_ref (json_node_get_object (root));

  keep_aside (self);
  return json_object_new ();
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      ssize_t written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= (gsize) written;
    }

  return TRUE;
}

/* Whether @name is one of our temporary files: NAME.XXXXXX, as
 * g_mkstemp_full() makes them from NAME.XXXXXX. */
static gboolean
is_temporary (const char *name,
              const char *base)
{
  gsize base_length = strlen (base);

  if (strncmp (name, base, base_length) != 0 || name[base_length] != '.' ||
      strlen (name) != base_length + 7)
    return FALSE;

  for (const char *c = name + base_length + 1; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c))
      return FALSE;

  return TRUE;
}

/* Removes the temporary files of writers that were killed between
 * making theirs and renaming it.  Under the lock, no writer has one under
 * way, so every temporary file there is such a leftover. */
static void
remove_leftovers (LkStateFile *self)
{
  g_autofree char *base = g_path_get_basename (self->path);
  g_autoptr(GDir) dir = g_dir_open (self->folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *leftover = NULL;

      if (!is_temporary (name, base))
        continue;
      leftover = g_build_filename (self->folder, name, NULL);
      g_debug ("Removing %s, left by a writer that did not finish", leftover);
      g_unlink (leftover);
    }
}

/* Temporary file, fsync, rename, fsync of the folder. */
static gboolean
write_locked (LkStateFile  *self,
              JsonObject   *document,
              GError      **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *data = NULL;
  g_autofree char *temp = g_strconcat (self->path, ".XXXXXX", NULL);
  gsize length = 0;
  int fd, folder_fd;

  json_node_set_object (root, document);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  data = json_generator_to_data (generator, &length);

  remove_leftovers (self);
  fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_io_error (error, errno, temp);

  if (!write_all (fd, data, length) || fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (temp);
      return set_io_error (error, saved_errno, temp);
    }
  close (fd);

  if (g_rename (temp, self->path) != 0)
    {
      int saved_errno = errno;

      g_unlink (temp);
      return set_io_error (error, saved_errno, self->path);
    }

  /* The rename itself reaches the disk. */
  folder_fd = g_open (self->folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (folder_fd >= 0)
    {
      fsync (folder_fd);
      close (folder_fd);
    }

  return TRUE;
}

JsonObject *
lk_state_file_read (LkStateFile  *self,
                    GError      **error)
{
  JsonObject *document;
  int fd;

  g_return_val_if_fail (self != NULL, NULL);

  /* Nothing was ever written: nothing to lock either. */
  if (!g_file_test (self->folder, G_FILE_TEST_IS_DIR))
    return json_object_new ();

  fd = lock_acquire (self, error);
  if (fd < 0)
    return NULL;

  document = read_locked (self, error);
  lock_release (fd);
  return document;
}

gboolean
lk_state_file_update (LkStateFile      *self,
                      LkStateEditFunc   edit,
                      gpointer          user_data,
                      GError          **error)
{
  g_autoptr(JsonObject) document = NULL;
  gboolean ok = TRUE;
  int fd;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (edit != NULL, FALSE);

  fd = lock_acquire (self, error);
  if (fd < 0)
    return FALSE;

  /* Read again under the lock: another process may have changed it. */
  document = read_locked (self, error);
  if (document == NULL)
    ok = FALSE;
  else if (edit (document, user_data))
    ok = write_locked (self, document, error);

  lock_release (fd);
  return ok;
}

/* ------------------------------------------------------------------------
 * In a worker thread
 * ------------------------------------------------------------------------ */

/* The asynchronous updates whose write has not ended yet, in any thread
 * (lk_state_file_wait_pending()). */
static GMutex pending_lock;
static GCond  pending_cond;
static guint  n_pending;

typedef struct {
  LkStateFile     *file;
  LkStateEditFunc  edit;
  gpointer         user_data;
  GDestroyNotify   destroy;
} UpdateData;

static void
update_data_free (UpdateData *data)
{
  if (data->destroy != NULL)
    data->destroy (data->user_data);
  lk_state_file_unref (data->file);
  g_free (data);
}

static void
update_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  UpdateData *data = task_data;
  GError *error = NULL;

  gboolean written = lk_state_file_update (data->file, data->edit, data->user_data, &error);

  /* On disk (or failed): nothing is left to wait for. */
  g_mutex_lock (&pending_lock);
  n_pending--;
  g_cond_broadcast (&pending_cond);
  g_mutex_unlock (&pending_lock);

  if (written)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
lk_state_file_wait_pending (void)
{
  g_mutex_lock (&pending_lock);
  while (n_pending > 0)
    g_cond_wait (&pending_cond, &pending_lock);
  g_mutex_unlock (&pending_lock);
}

void
lk_state_file_update_async (LkStateFile         *self,
                            LkStateEditFunc      edit,
                            gpointer             user_data,
                            GDestroyNotify       destroy,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             callback_data)
{
  g_autoptr(GTask) task = NULL;
  UpdateData *data;

  g_return_if_fail (self != NULL);
  g_return_if_fail (edit != NULL);

  task = g_task_new (NULL, cancellable, callback, callback_data);
  g_task_set_source_tag (task, lk_state_file_update_async);
  g_task_set_name (task, "[layer-keys] state file update");

  data = g_new0 (UpdateData, 1);
  data->file = lk_state_file_ref (self);
  data->edit = edit;
  data->user_data = user_data;
  data->destroy = destroy;
  g_task_set_task_data (task, data, (GDestroyNotify) update_data_free);

  g_mutex_lock (&pending_lock);
  n_pending++;
  g_mutex_unlock (&pending_lock);
  g_task_run_in_thread (task, update_thread);
}

gboolean
lk_state_file_update_finish (LkStateFile   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_state_file_update_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  JsonObject *document = lk_state_file_read (task_data, &error);

  if (document != NULL)
    g_task_return_pointer (task, document, (GDestroyNotify) json_object_unref);
  else
    g_task_return_error (task, error);
}

void
lk_state_file_read_async (LkStateFile         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             callback_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (self != NULL);

  task = g_task_new (NULL, cancellable, callback, callback_data);
  g_task_set_source_tag (task, lk_state_file_read_async);
  g_task_set_name (task, "[layer-keys] state file read");
  g_task_set_task_data (task, lk_state_file_ref (self), (GDestroyNotify) lk_state_file_unref);
  g_task_run_in_thread (task, read_thread);
}

JsonObject *
lk_state_file_read_finish (LkStateFile   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_state_file_read_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * Arrays of records
 * ------------------------------------------------------------------------ */

const char *
lk_state_record_get_string (JsonObject *record,
                            const char *member)
{
  JsonNode *node = json_object_get_member (record, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
lk_state_record_get_int (JsonObject *record,
                         const char *member)
{
  JsonNode *node = json_object_get_member (record, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

/* The array @member of @document, made an empty one when missing. */
static JsonArray *
document_array (JsonObject *document,
                const char *member)
{
  JsonNode *node = json_object_get_member (document, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      json_object_set_array_member (document, member, json_array_new ());
      node = json_object_get_member (document, member);
    }

  return json_node_get_array (node);
}

GPtrArray *
lk_state_records_load (JsonObject             *document,
                       const char             *member,
                       LkStateRecordParseFunc  parse,
                       gpointer                user_data,
                       GDestroyNotify          free_func)
{
  GPtrArray *records;
  JsonArray *array;

  g_return_val_if_fail (document != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);
  g_return_val_if_fail (parse != NULL, NULL);

  records = g_ptr_array_new_with_free_func (free_func);
  array = document_array (document, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      gpointer record;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      record = parse (json_node_get_object (node), user_data);
      if (record != NULL)
        g_ptr_array_add (records, record);
    }

  return records;
}

gboolean
lk_state_records_remove (JsonObject             *document,
                         const char             *member,
                         LkStateRecordMatchFunc  match,
                         gpointer                user_data)
{
  JsonArray *array;
  gboolean removed = FALSE;

  g_return_val_if_fail (document != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (match != NULL, FALSE);

  array = document_array (document, member);
  for (guint i = json_array_get_length (array); i > 0; i--)
    {
      JsonNode *node = json_array_get_element (array, i - 1);

      if (JSON_NODE_HOLDS_OBJECT (node) && match (json_node_get_object (node), user_data))
        {
          json_array_remove_element (array, i - 1);
          removed = TRUE;
        }
    }

  return removed;
}

void
lk_state_records_save (JsonObject             *document,
                       const char             *member,
                       LkStateRecordMatchFunc  match,
                       LkStateRecordBuildFunc  build,
                       gpointer                user_data)
{
  g_return_if_fail (build != NULL);

  lk_state_records_remove (document, member, match, user_data);
  json_array_add_object_element (document_array (document, member), build (user_data));
}
