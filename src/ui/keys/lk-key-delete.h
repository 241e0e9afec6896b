/* lk-key-delete.h: deleting keys: the confirmation, then one request per key
 *
 * Asks over @parent whether to delete @keys, naming them, and once the
 * person confirms, deletes them all at once through the session's
 * client (which drops their rows and keyring items).  How it went comes
 * back as sentences, one toast each: which keys no longer existed (not
 * a failure: they are gone from the list too), how many were deleted,
 * which could not be and why.  When the platform no longer accepts the
 * signed-in key, the session ends (lk_session_end) instead of the last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-session.h"

G_BEGIN_DECLS

/* @keys: LkApiKey, not empty. */
void    lk_key_delete_async   (LkSession           *session,
                               GtkWindow           *parent,
                               GPtrArray           *keys,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* The short sentences to show (toasts), in order (maybe none); NULL with
 * G_IO_ERROR_CANCELLED when the person did not confirm, the session was
 * signed out meanwhile, or @cancellable was cancelled.  @failure (if not
 * NULL) gets why some keys could not be deleted, with the error's
 * message (a banner's length), or NULL. */
GStrv   lk_key_delete_finish  (GAsyncResult        *result,
                               char               **failure,
                               GError             **error);

G_END_DECLS
