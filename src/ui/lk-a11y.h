/* lk-a11y.h: names for the icon-only buttons that toolkit widgets build inside themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void lk_a11y_name_icon_buttons (GtkWidget         *root,
                                const char * const *labels);

G_END_DECLS
