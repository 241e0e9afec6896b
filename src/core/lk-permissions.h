/* lk-permissions.h: the platform's permission model, with the seed's tables
 *
 * Their JSON form and wire names are in lk-wire.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  LK_CATEGORY_API_KEYS,
  LK_CATEGORY_DETECTIONS,
  LK_CATEGORY_INFERENCE,
  LK_CATEGORY_MODEL_INVENTORY,
  LK_CATEGORY_MODEL_SCANNER,
  LK_CATEGORY_USERS,
  LK_N_CATEGORIES
} LkCategory;

typedef enum {
  LK_ACCESS_NONE   = 0,
  LK_ACCESS_READ   = 1 << 0,
  LK_ACCESS_WRITE  = 1 << 1,
  LK_ACCESS_DELETE = 1 << 2,
  LK_ACCESS_ALL    = LK_ACCESS_READ | LK_ACCESS_WRITE | LK_ACCESS_DELETE,
} LkAccess;

/* A value type: copy it with `=` or lk_permissions_copy().  All-zero means
 * "no permission selected", which the platform turns into all permissions
 * on create. */
typedef struct {
  guint8 access[LK_N_CATEGORIES];
} LkPermissions;

#define LK_TYPE_PERMISSIONS (lk_permissions_get_type ())
GType          lk_permissions_get_type     (void) G_GNUC_CONST;
LkPermissions *lk_permissions_new          (void);
LkPermissions *lk_permissions_copy         (const LkPermissions *self);
void           lk_permissions_free         (LkPermissions       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkPermissions, lk_permissions_free)

void           lk_permissions_clear        (LkPermissions       *self);
void           lk_permissions_set_all      (LkPermissions       *self);
void           lk_permissions_set          (LkPermissions       *self,
                                            LkCategory           category,
                                            LkAccess             access);
void           lk_permissions_add          (LkPermissions       *self,
                                            LkCategory           category,
                                            LkAccess             access);
LkAccess       lk_permissions_get          (const LkPermissions *self,
                                            LkCategory           category);
gboolean       lk_permissions_is_empty     (const LkPermissions *self);
gboolean       lk_permissions_is_all       (const LkPermissions *self);
gboolean       lk_permissions_equal        (const LkPermissions *a,
                                            const LkPermissions *b);
/* TRUE when @self grants everything @needed asks for. */
gboolean       lk_permissions_contains     (const LkPermissions *self,
                                            const LkPermissions *needed);
gboolean       lk_permissions_allows       (const LkPermissions *self,
                                            LkCategory           category,
                                            LkAccess             access);
void           lk_permissions_union        (LkPermissions       *self,
                                            const LkPermissions *other);

/* "All permissions", "No permissions" or
 * "Model Inventory: Read, Write · Model Scanner: Write".  Translated. */
char          *lk_permissions_to_summary   (const LkPermissions *self);

/* Category names and descriptions from the seed's "API Resources" table. */
const char    *lk_category_get_name        (LkCategory category);   /* "Model Inventory", translated */
const char    *lk_category_get_description (LkCategory category);   /* translated */
/* "Read", "Write", "Delete" for a single bit; "All" for LK_ACCESS_ALL. */
const char    *lk_access_get_name          (LkAccess access);
/* "API Keys: Write"; "Needs API Keys: Write" for the UI is built on top. */
char          *lk_permission_describe      (LkCategory category,
                                            LkAccess   access);

/* The seed's "API Permissions for Console Access" table. */
typedef struct {
  const char *page;     /* "Model Inventory" (untranslated; use _() on display) */
  const char *action;   /* "Upload" */
  LkCategory  category;
  LkAccess    access;
} LkTask;

const LkTask  *lk_tasks_get                (guint *n_tasks);

/* Product presets: the seed's product table, plus "Read only". */
typedef enum {
  LK_PRESET_MODEL_SCANNER_HYBRID,  /* Model Inventory: Read, Write; Model Scanner: Write */
  LK_PRESET_READ_ONLY,             /* Read on every category */
  LK_N_PRESETS
} LkPreset;

const char    *lk_preset_get_name          (LkPreset preset);        /* translated */
const char    *lk_preset_get_description   (LkPreset preset);        /* translated */
void           lk_preset_apply             (LkPreset       preset,
                                            LkPermissions *out);

G_END_DECLS
