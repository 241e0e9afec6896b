/* lk-keys-export.c: exporting the keys view's list to a CSV or JSON file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-keys-export"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-export.h"
#include "lk-keys-export.h"
#include "lk-keys-view-private.h"

typedef struct
{
  LkKeysView           *view;
  LkKeysExportScope     scope;
  GtkFileChooserNative *chooser;
  GtkFileFilter          *json_filter;
  GFile                *file;
  guint                 n_keys;
  GCancellable         *cancellable;   /* while the chooser is open */
  gulong                cancelled_id;
} ExportData;

#define TASK_KEY "lk-keys-export-task"

/* The chooser goes as soon as it has answered: in GTK 4.8 it holds a hidden
 * fallback window, and a hidden window is what GTK's AT-SPI root hands out
 * with no object path (GetChildAtIndex past the last shown window, see
 * lk-shortcuts.c) while a slow write is still running. */
static void
drop_chooser (ExportData *data)
{
  if (data->cancelled_id != 0)
    g_signal_handler_disconnect (data->cancellable, data->cancelled_id);
  data->cancelled_id = 0;
  g_clear_object (&data->cancellable);
  if (data->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (data->chooser));
  g_clear_object (&data->chooser);
}

static void
export_data_free (ExportData *data)
{
  drop_chooser (data);
  g_clear_object (&data->json_filter);
  g_clear_object (&data->view);
  g_clear_object (&data->file);
  g_free (data);
}

GListModel *
lk_keys_view_get_shown_keys (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return G_LIST_MODEL (self->shown);
}

static GListModel *
get_keys (LkKeysView        *view,
          LkKeysExportScope  scope)
{
  if (scope == LK_KEYS_EXPORT_SHOWN || view->client == NULL)
    return lk_keys_view_get_shown_keys (view);

  return lk_client_get_keys (view->client);
}

static GTask *
export_task_new (LkKeysView          *view,
                 LkKeysExportScope    scope,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  ExportData *data = g_new0 (ExportData, 1);

  g_task_set_source_tag (task, lk_keys_export_async);
  data->view = g_object_ref (view);
  data->scope = scope;
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);

  return task;
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  if (lk_export_keys_to_file_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
write_file (GTask          *task,
            LkExportFormat  format)
{
  ExportData *data = g_task_get_task_data (task);
  GListModel *keys = get_keys (data->view, data->scope);

  data->n_keys = g_list_model_get_n_items (keys);
  lk_export_keys_to_file_async (keys, format, data->file, g_task_get_cancellable (task),
                                on_written, task);
}

void
lk_keys_export_to_file_async (LkKeysView          *view,
                              LkKeysExportScope    scope,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *basename = NULL;
  GTask *task;
  ExportData *data;

  g_return_if_fail (LK_IS_KEYS_VIEW (view));
  g_return_if_fail (G_IS_FILE (file));

  task = export_task_new (view, scope, cancellable, callback, user_data);
  data = g_task_get_task_data (task);
  data->file = g_object_ref (file);
  basename = g_file_get_basename (file);
  write_file (task, lk_export_format_for_name (basename));
}

/* ---- Asking where ---- */

/* The chooser went without an answer (its owner was cancelled). */
static void
finish_unanswered (gpointer task)
{
  g_task_return_boolean (task, FALSE);
  g_object_unref (task);
}

static void
on_cancelled (GCancellable         *cancellable,
              GtkFileChooserNative *chooser)
{
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (chooser));
  g_object_set_data (G_OBJECT (chooser), TASK_KEY, NULL);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr (GTask) task = g_object_steal_data (G_OBJECT (chooser), TASK_KEY);
  ExportData *data;
  g_autofree char *basename = NULL;
  g_autofree char *folded = NULL;
  LkExportFormat format;

  if (task == NULL)
    return;
  g_assert (G_IS_TASK (task));
  data = g_task_get_task_data (task);

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  data->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (data->file == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  /* The name's extension decides; without one, the chosen filter. */
  basename = g_file_get_basename (data->file);
  folded = g_ascii_strdown (basename, -1);
  if (g_str_has_suffix (folded, ".csv") || g_str_has_suffix (folded, ".json"))
    format = lk_export_format_for_name (basename);
  else
    format = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser)) == data->json_filter
             ? LK_EXPORT_JSON : LK_EXPORT_CSV;

  drop_chooser (data);
  write_file (g_steal_pointer (&task), format);
}

void
lk_keys_export_async (LkKeysView          *view,
                      LkKeysExportScope    scope,
                      GtkWindow           *parent,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr (GtkFileFilter) csv_filter = gtk_file_filter_new ();
  GTask *task;
  ExportData *data;

  g_return_if_fail (LK_IS_KEYS_VIEW (view));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = export_task_new (view, scope, cancellable, callback, user_data);
  data = g_task_get_task_data (task);

  data->chooser = gtk_file_chooser_native_new (scope == LK_KEYS_EXPORT_SHOWN ? _("Export Shown Keys")
                                                                             : _("Export All Keys"),
                                               parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (data->chooser), TRUE);

  gtk_file_filter_set_name (csv_filter, _("CSV (spreadsheets)"));
  gtk_file_filter_add_suffix (csv_filter, "csv");
  gtk_file_filter_add_mime_type (csv_filter, "text/csv");
  data->json_filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (data->json_filter, _("JSON"));
  gtk_file_filter_add_suffix (data->json_filter, "json");
  gtk_file_filter_add_mime_type (data->json_filter, "application/json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (data->chooser), csv_filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (data->chooser), data->json_filter);

  /* Translators: the suggested file name of an export; keep it a file name */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (data->chooser), _("api-keys.csv"));

  g_object_set_data_full (G_OBJECT (data->chooser), TASK_KEY, task, finish_unanswered);
  g_signal_connect (data->chooser, "response", G_CALLBACK (on_chooser_response), NULL);
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_signal_connect_object (cancellable, "cancelled",
                                                    G_CALLBACK (on_cancelled), data->chooser, 0);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (data->chooser));
}

gboolean
lk_keys_export_finish (GAsyncResult  *result,
                       char         **out_message,
                       GError       **error)
{
  ExportData *data;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_keys_export_async, FALSE);

  if (out_message != NULL)
    *out_message = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  name = g_file_get_basename (data->file);
  if (out_message != NULL)
    /* Translators: %u is a number of keys, %s a file name */
    *out_message = g_strdup_printf (ngettext ("Exported %u key to “%s”",
                                              "Exported %u keys to “%s”", data->n_keys),
                                    data->n_keys, name);
  return TRUE;
}
