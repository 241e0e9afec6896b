/* lk-clipboard.h: copy a secret, and take it back off the clipboard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Puts @text on @widget's clipboard.  When @is_secret, the clipboard is
 * cleared after @clear_after_seconds if it still holds our copy, and at
 * the latest when lk_clipboard_clear_all() runs (on quit). */
void     lk_clipboard_copy       (GtkWidget  *widget,
                                  const char *text,
                                  gboolean    is_secret,
                                  guint       clear_after_seconds);
/* Clears every clipboard that still holds a secret we put there. */
void     lk_clipboard_clear_all  (void);
/* TRUE while a secret of ours is on some clipboard (for tests). */
gboolean lk_clipboard_holds_secret (void);

G_END_DECLS
