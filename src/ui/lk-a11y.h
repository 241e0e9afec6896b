/* lk-a11y.h: names for the icon-only buttons that toolkit widgets build inside themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void lk_a11y_name_icon_buttons (GtkWidget         *root,
                                const char * const *labels);

/* Adds @toast to @overlay, and gives the close button of the toast widget
 * libadwaita builds for it (an icon without a name) an accessible name,
 * also when the toast waits in the queue and appears later. */
void lk_a11y_add_toast         (AdwToastOverlay   *overlay,
                                AdwToast          *toast);

G_END_DECLS
