/* lk-permission-grid.h: one row per permission category, with Read,
 * Write, Delete and All toggles (check buttons)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "lk-permissions.h"

G_BEGIN_DECLS

#define LK_TYPE_PERMISSION_GRID (lk_permission_grid_get_type ())
G_DECLARE_FINAL_TYPE (LkPermissionGrid, lk_permission_grid, LK, PERMISSION_GRID, AdwBin)

/* Properties:
 *   "permissions"  LkPermissions (boxed, read-write): what the toggles show;
 *                  notified when the user or the code changes it. */
GtkWidget           *lk_permission_grid_new             (void);
const LkPermissions *lk_permission_grid_get_permissions (LkPermissionGrid    *self);
void                 lk_permission_grid_set_permissions (LkPermissionGrid    *self,
                                                         const LkPermissions *permissions);

G_END_DECLS
