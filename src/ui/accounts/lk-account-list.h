/* lk-account-list.h: the remembered accounts, one click from each other
 *
 * A part of the account popover: every sign-in remembered in the
 * session's keyring (lk_credential_store_list_accounts_async(), nothing
 * secret), each a button that switches to it (win.switch-account), the
 * signed-in one marked and not a button.  The list is read again when
 * refreshed: the popover does when it opens, and when another account
 * signs in.  The popover hands it its session (whose store it lists and
 * whose account it marks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-session.h"

G_BEGIN_DECLS

#define LK_TYPE_ACCOUNT_LIST (lk_account_list_get_type ())
G_DECLARE_FINAL_TYPE (LkAccountList, lk_account_list, LK, ACCOUNT_LIST, GtkBox)

void       lk_account_list_set_session (LkAccountList *self,
                                        LkSession     *session);
/* Reads the remembered accounts again. */
void       lk_account_list_refresh     (LkAccountList *self);

/* How the account list and the window's subtitle name a platform: its
 * region ("United States"), or the host of a custom API URL. */
char      *lk_account_describe_platform (const char   *platform_id);

G_END_DECLS
