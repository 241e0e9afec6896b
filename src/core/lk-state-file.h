/* lk-state-file.h: a small JSON document in the user's state folder
 *
 * What must outlive the process and is not a setting, such as the creates
 * whose reply never came (lk-client-unsettled.c), lives in a JSON object
 * in $XDG_STATE_HOME/layer-keys/ (g_get_user_state_dir()).  The app and
 * layer-keys-cli may change it at the same time, so:
 *
 *   - every read and change holds an advisory lock (flock() on NAME.lock
 *     beside it), and a change reads the file again under that lock
 *     before it edits it: no writer loses another's entry;
 *   - a change is written to a temporary file, flushed to disk (fsync),
 *     then renamed over the old one: the file is the old or the new, never
 *     half of either; a temporary file a killed writer left is removed
 *     by the next writer (under the lock, no other is under way);
 *   - a missing file is an empty object; one that is not a JSON object is
 *     kept aside as NAME.corrupt-DATE (never silently dropped) and counts
 *     as empty.
 *
 * Nothing secret belongs in a state file (docs/security.md).  Files and
 * the folder are the user's only (0600, 0700).  Every call blocks on the
 * disk: from the main thread, use the _async variant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _LkStateFile LkStateFile;

#define LK_TYPE_STATE_FILE (lk_state_file_get_type ())
GType        lk_state_file_get_type    (void) G_GNUC_CONST;

/* $XDG_STATE_HOME/layer-keys/@name (nothing is created yet). */
LkStateFile *lk_state_file_new         (const char   *name);
/* At @path (its folder is created when first written). */
LkStateFile *lk_state_file_new_for_path (const char  *path);
LkStateFile *lk_state_file_ref         (LkStateFile  *self);
void         lk_state_file_unref       (LkStateFile  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkStateFile, lk_state_file_unref)

const char  *lk_state_file_get_path    (LkStateFile  *self);

/* The document: a JSON object (empty when there is none, or it was kept
 * aside as corrupt).  Fails only when the file cannot be read or locked. */
JsonObject  *lk_state_file_read        (LkStateFile  *self,
                                        GError      **error);

/* Edits the document under the lock: @edit gets the document as it is on
 * disk now, changes it in place, and returns TRUE to have it written
 * (FALSE leaves the file as it was).  Called in the thread that calls
 * this. */
typedef gboolean (*LkStateEditFunc) (JsonObject *document,
                                     gpointer    user_data);

gboolean     lk_state_file_update      (LkStateFile     *self,
                                        LkStateEditFunc  edit,
                                        gpointer         user_data,
                                        GError         **error);

/* The same in a worker thread: @edit runs there, and must touch nothing
 * but @user_data (freed by @destroy, in any thread). */
void         lk_state_file_update_async  (LkStateFile         *self,
                                          LkStateEditFunc      edit,
                                          gpointer             user_data,
                                          GDestroyNotify       destroy,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             callback_data);
gboolean     lk_state_file_update_finish (LkStateFile         *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* Blocks until every lk_state_file_update_async() of the process started
 * so far has written (or failed), without running any main context.  An
 * update runs in a worker thread, often after the operation that caused
 * it has returned (a settled create forgotten): a process about to exit
 * calls this, or the write dies with it (layer-keys-cli at the end of a
 * command; the app at shutdown). */
void         lk_state_file_wait_pending  (void);

/* lk_state_file_read() in a worker thread. */
void         lk_state_file_read_async    (LkStateFile         *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             callback_data);
JsonObject  *lk_state_file_read_finish   (LkStateFile         *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* ---- Arrays of records ----
 *
 * A state file's document holds its records as arrays of JSON objects,
 * one array a member (an unsettled create, a rotation, a scheduled
 * deletion).  These read and edit such an array inside the document that
 * lk_state_file_read() gave or an LkStateEditFunc got.  An element that is
 * not an object is skipped and kept. */

/* The string (NULL when missing or of another type) or integer (0 when
 * missing or of another type) member of a record. */
const char  *lk_state_record_get_string (JsonObject *record,
                                         const char *member);
gint64       lk_state_record_get_int    (JsonObject *record,
                                         const char *member);

/* A record of the array as @parse reads it, or NULL to leave it out. */
typedef gpointer (*LkStateRecordParseFunc) (JsonObject *record,
                                            gpointer    user_data);
/* Whether a record of the array is the one sought. */
typedef gboolean (*LkStateRecordMatchFunc) (JsonObject *record,
                                            gpointer    user_data);
/* The JSON object that @user_data is saved as. */
typedef JsonObject *(*LkStateRecordBuildFunc) (gpointer user_data);

/* What @parse reads of each record of array @member, in the array's
 * order, freed with @free_func.  A missing array (or a member that is not
 * one) becomes an empty array in @document. */
GPtrArray   *lk_state_records_load      (JsonObject             *document,
                                         const char             *member,
                                         LkStateRecordParseFunc  parse,
                                         gpointer                user_data,
                                         GDestroyNotify          free_func);

/* Removes every record of array @member that @match picks (last first;
 * @match may instead change a record in place and return FALSE);
 * whether it removed any. */
gboolean     lk_state_records_remove    (JsonObject             *document,
                                         const char             *member,
                                         LkStateRecordMatchFunc  match,
                                         gpointer                user_data);

/* Saves a record: removes those @match picks (the same record saved
 * before), then appends the object @build makes.  @user_data goes to
 * both. */
void         lk_state_records_save      (JsonObject             *document,
                                         const char             *member,
                                         LkStateRecordMatchFunc  match,
                                         LkStateRecordBuildFunc  build,
                                         gpointer                user_data);

G_END_DECLS
