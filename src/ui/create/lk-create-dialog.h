/* lk-create-dialog.h: create a key, then show its secret once
 *
 * A modal AdwWindow with three steps in a stack: the form (name, expiry,
 * presets, task picker, permission grid), the summary, and the secret
 * (LkSecretView).  The create goes through lk_client_create_key_async, which
 * stores the secret in the keyring before the dialog shows it and adds the
 * key to the client's model.  The dialog refuses to close while the secret
 * exists nowhere else unless the user confirms it is saved elsewhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "lk-client.h"

G_BEGIN_DECLS

#define LK_TYPE_CREATE_DIALOG (lk_create_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LkCreateDialog, lk_create_dialog, LK, CREATE_DIALOG, AdwWindow)

LkCreateDialog *lk_create_dialog_new (GtkWindow *parent,
                                      LkClient  *client);

G_END_DECLS
