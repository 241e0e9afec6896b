/* lk-keys-export.h: exporting the keys view's list to a CSV or JSON file
 *
 * The window's win.export action: the file chooser (through the portal),
 * then lk-export.c writes the keys shown (after search and sort) or all
 * the tenant's keys the client has listed.  Never a secret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-keys-view.h"

G_BEGIN_DECLS

typedef enum {
  LK_KEYS_EXPORT_SHOWN,   /* as the list shows them: searched and sorted */
  LK_KEYS_EXPORT_ALL,     /* the whole tenant, in the platform's order */
} LkKeysExportScope;

/* The keys @self shows, in its order (a GListModel of LkApiKey). */
GListModel *lk_keys_view_get_shown_keys   (LkKeysView          *self);

/* Asks where (a save dialog over @parent), then writes.  Finishes FALSE
 * without an error when the person cancelled. */
void        lk_keys_export_async          (LkKeysView          *view,
                                           LkKeysExportScope    scope,
                                           GtkWindow           *parent,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* Writes to @file without asking; its name's extension (.json or .csv)
 * says the format. */
void        lk_keys_export_to_file_async  (LkKeysView          *view,
                                           LkKeysExportScope    scope,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* Either's result: TRUE with the toast to show (g_free), which says how
 * many keys went to which file. */
gboolean    lk_keys_export_finish         (GAsyncResult        *result,
                                           char               **out_message,
                                           GError             **error);

G_END_DECLS
