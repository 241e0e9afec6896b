/* lk-secret-view-private.h: test hooks of LkSecretView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-secret-view.h"

G_BEGIN_DECLS

/* Writes the ID and secret to @file (mode 0600), as "Save to File…" does
 * after its file chooser; on success the secret counts as saved. */
void     lk_secret_view_save_to_file_async  (LkSecretView        *self,
                                             GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean lk_secret_view_save_to_file_finish (LkSecretView        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Overrides the clipboard-clear-seconds setting (0 = use the setting). */
void     lk_secret_view_set_clear_seconds   (LkSecretView        *self,
                                             guint                seconds);

G_END_DECLS
