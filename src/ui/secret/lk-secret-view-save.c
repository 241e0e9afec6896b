/* lk-secret-view-save.c: the secret view's "Save to File…"
 *
 * Writes the client ID and secret, in the variables HiddenLayer's SDKs
 * read, to a file only its owner may read (mode 0600, checked after
 * writing); once written, the secret counts as saved elsewhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-view"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-secret-view-private.h"

typedef struct {
  GFile         *file;
  GOutputStream *stream;
  char          *contents;   /* holds the secret: wiped */
  gsize          length;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->stream);
  lk_secret_free (data->contents);
  g_free (data);
}

static void
on_save_mode_checked (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if ((g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE) & 0777) != 0600)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("The file could not be made readable by you alone."));
      return;
    }

  /* Now the secret exists somewhere else. */
  if (!g_task_return_error_if_cancelled (task))
    {
      LkSecretView *self = g_task_get_source_object (task);

      g_free (self->saved_path);
      self->saved_path = g_file_get_parse_name (G_FILE (source));
      lk_secret_view_update_status (self);
      g_task_return_boolean (task, TRUE);
    }
}

static void
on_save_mode_set (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (!g_file_set_attributes_finish (G_FILE (source), result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_file_query_info_async (G_FILE (source), G_FILE_ATTRIBUTE_UNIX_MODE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task),
                           on_save_mode_checked, g_object_ref (task));
}

static void
on_save_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* G_FILE_CREATE_PRIVATE made a new file 0600; make sure of it when an
   * existing file was replaced too. */
  info = g_file_info_new ();
  g_file_info_set_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE, 0600);
  g_file_set_attributes_async (data->file, info, G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task),
                               on_save_mode_set, g_object_ref (task));
}

static void
on_save_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_output_stream_close_async (G_OUTPUT_STREAM (source), G_PRIORITY_DEFAULT,
                               g_task_get_cancellable (task),
                               on_save_closed, g_object_ref (task));
}

static void
on_save_replaced (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GFileOutputStream *stream;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  stream = g_file_replace_finish (G_FILE (source), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->stream = G_OUTPUT_STREAM (stream);
  g_output_stream_write_all_async (data->stream, data->contents, data->length,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_save_written, g_object_ref (task));
}

void
lk_secret_view_save_to_file_async (LkSecretView        *self,
                                   GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (LK_IS_SECRET_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_secret_view_save_to_file_async);

  if (self->created == NULL || self->created->client_secret == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no secret to save."));
      return;
    }

  data = g_new0 (SaveData, 1);
  data->file = g_object_ref (file);
  /* The variable names HiddenLayer's SDKs read. */
  data->contents = g_strdup_printf ("HIDDENLAYER_CLIENT_ID=%s\nHIDDENLAYER_CLIENT_SECRET=%s\n",
                                    lk_api_key_get_client_id (self->created->key),
                                    self->created->client_secret);
  data->length = strlen (data->contents);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  g_file_replace_async (file, NULL, FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT, cancellable,
                        on_save_replaced, g_object_ref (task));
}

gboolean
lk_secret_view_save_to_file_finish (LkSecretView  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (LK_IS_SECRET_VIEW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_secret_view_save_to_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_file_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LkSecretView *self = LK_SECRET_VIEW (source);
  g_autoptr(GError) error = NULL;

  if (!lk_secret_view_save_to_file_finish (self, result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Translators: %s says why, e.g. "Permission denied" */
      text = g_strdup_printf (_("Could not save the file: %s"), error->message);
      lk_secret_view_toast (self, text);
      return;
    }

  lk_secret_view_toast (self, _("Saved to file"));
}

static void
save_to_file (LkSecretView *self,
              GFile        *file)
{
  /* The GTask keeps self alive until the write is done. */
  lk_secret_view_save_to_file_async (self, file, self->cancellable,
                                     on_file_saved, NULL);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     LkSecretView    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        save_to_file (self, file);
    }

  g_clear_object (&self->chooser);
}

static void
on_save_clicked (LkSecretView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;

  if (self->created == NULL || self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Save Key to File"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  name = g_strdup_printf ("%s.env", lk_api_key_get_name (self->created->key));
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);

  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
lk_secret_view_save_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
}
