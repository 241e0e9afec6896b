/* lk-shortcuts.h: the keyboard shortcuts window, opened on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void lk_shortcuts_show (GtkWindow *parent);

G_END_DECLS
