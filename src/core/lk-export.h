/* lk-export.h: a list of API keys as CSV or JSON, for auditors
 *
 * Each key gives: name, client ID, created, expires (RFC 3339, UTC; empty
 * or null when unknown or never), permissions, and whether its secret is
 * kept on this computer.  Never a secret: an LkApiKey holds none.
 *
 * CSV: UTF-8, a header row, CRLF line ends, every field quoted (a quote
 * doubled).  A field that a spreadsheet would run as a formula (it starts
 * with =, +, -, @, a tab or a carriage return) is neutralised with a
 * leading apostrophe.  The header and the yes/no values are not
 * translated, so programs can read the file in any locale; the
 * permissions column is the sentence the app shows ("API Keys: Read, Write").
 *
 * JSON: {"keys": [{"name", "client_id", "created_at", "expires_at",
 * "permissions" (as the platform spells them: {"api_keys": ["read"]}),
 * "secret_on_this_computer" (boolean)}, ...]}.
 *
 * No GTK: the window and the command line both use it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  LK_EXPORT_CSV,
  LK_EXPORT_JSON,
} LkExportFormat;

/* @keys: a GListModel of LkApiKey, exported in its order. */
GBytes   *lk_export_keys_to_bytes (GListModel      *keys,
                                   LkExportFormat   format);

/* The format of a file name's extension (".json": JSON, else CSV). */
LkExportFormat lk_export_format_for_name (const char *name);

/* Writes @keys to @file (replacing it) without blocking. */
void      lk_export_keys_to_file_async  (GListModel          *keys,
                                         LkExportFormat       format,
                                         GFile               *file,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  lk_export_keys_to_file_finish (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
