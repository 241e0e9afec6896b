/* lk-connection-check-dialog.h: Check Connection's report, in a dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-platform.h"
#include "lk-client.h"

G_BEGIN_DECLS

/* Runs LkConnectionCheck against @platform with the credentials, in a
 * dialog over @parent that shows each step as it ends and offers to copy
 * the report.  Returns the dialog (owned by GTK). */
GtkWidget *lk_connection_check_dialog_present (GtkWidget  *parent,
                                               LkPlatform *platform,
                                               const char *client_id,
                                               const char *client_secret);
/* The same for a signed-in @client's platform and the credentials it
 * holds in memory (the account popover's Check Connection). */
GtkWidget *lk_connection_check_dialog_present_for_client (GtkWidget *parent,
                                                          LkClient  *client);

G_END_DECLS
