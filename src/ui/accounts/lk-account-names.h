/* lk-account-names.h: the names the user gives remembered accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The name given to @client_id on @platform_id, or NULL. */
char *lk_account_names_dup (GSettings  *settings,
                            const char *platform_id,
                            const char *client_id);
/* Gives it @name (trimmed); NULL or blank removes it. */
void  lk_account_names_set (GSettings  *settings,
                            const char *platform_id,
                            const char *client_id,
                            const char *name);

G_END_DECLS
