/* lk-account-popover.h: the signed-in key: who it is, where, what it may do
 *
 * The popover of the window's account button.  It shows the session's
 * signed-in key (name, client ID, platform, expiry), what it may do with
 * API keys, all its permissions, the remembered accounts to switch to
 * (LkAccountList, read again each time it opens), Add Account…
 * (win.add-account), Sign Out (win.sign-out) and Forget This Account…
 * (win.forget-account).
 *
 * Property:
 *   "session"  LkSession whose key it shows (read-write)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-session.h"
#include "lk-permissions.h"

G_BEGIN_DECLS

#define LK_TYPE_ACCOUNT_POPOVER (lk_account_popover_get_type ())
G_DECLARE_FINAL_TYPE (LkAccountPopover, lk_account_popover, LK, ACCOUNT_POPOVER, GtkPopover)

GtkWidget  *lk_account_popover_new          (void);
LkSession  *lk_account_popover_get_session  (LkAccountPopover *self);
void        lk_account_popover_set_session  (LkAccountPopover *self,
                                             LkSession        *session);

/* The name a person knows @key by: its name, or its client ID when it
 * has none. */
const char *lk_account_get_name             (LkApiKey         *key);
/* "Needs API Keys: Write": what a signed-in key lacks for @access. */
char       *lk_account_describe_need        (LkAccess          access);

G_END_DECLS
