/* lk-connection-check-dialog.h: Check Connection's report, in a dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-platform.h"

G_BEGIN_DECLS

/* Runs LkConnectionCheck against @platform with the credentials, in a
 * dialog over @parent that shows each step as it ends and offers to copy
 * the report.  Returns the dialog (owned by GTK). */
GtkWidget *lk_connection_check_dialog_present (GtkWidget  *parent,
                                               LkPlatform *platform,
                                               const char *client_id,
                                               const char *client_secret);

G_END_DECLS
