/* lk-permissions.c: the platform's permission model, with the seed's tables
 *
 * How permissions are spelled on the wire is in wire/lk-wire-permissions.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-permissions"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-permissions.h"

G_DEFINE_BOXED_TYPE (LkPermissions, lk_permissions, lk_permissions_copy, lk_permissions_free)

/* The seed's "API Resources" table. */
static const struct {
  const char *name;
  const char *description;
} categories[LK_N_CATEGORIES] = {
  [LK_CATEGORY_API_KEYS] = {
    N_("API Keys"),
    N_("The keys for interacting with the HiddenLayer API."),
  },
  [LK_CATEGORY_DETECTIONS] = {
    N_("Detections"),
    N_("A Detection is a grouping of convictions, which are malicious events."),
  },
  [LK_CATEGORY_INFERENCE] = {
    N_("Inference"),
    N_("An Inference is the process where a model makes predictions or draws conclusions from new data."),
  },
  [LK_CATEGORY_MODEL_INVENTORY] = {
    N_("Model Inventory"),
    N_("The Model Inventory is for model scans."),
  },
  [LK_CATEGORY_MODEL_SCANNER] = {
    N_("Model Scanner"),
    N_("The permissions for the Model Scanner CLI when deployed in Hybrid Mode."),
  },
  [LK_CATEGORY_USERS] = {
    N_("Users"),
    N_("Users who have access to the HiddenLayer Console."),
  },
};

/* Single access bits in display order. */
static const struct {
  LkAccess    access;
  const char *name;
} accesses[] = {
  { LK_ACCESS_READ,   N_("Read") },
  { LK_ACCESS_WRITE,  N_("Write") },
  { LK_ACCESS_DELETE, N_("Delete") },
};

/* The seed's "API Permissions for Console Access" table, one row per
 * action; a page that spans several rows is repeated on each. */
static const LkTask tasks[] = {
  { N_("Model Inventory"), N_("View"), LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_READ },
  { N_("Model Inventory"), N_("Delete Model"), LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_DELETE },
  { N_("Model Inventory"), N_("Upload"), LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_WRITE },
  { N_("Model Inventory"), N_("Community"), LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_WRITE },
  { N_("Model Details"), N_("View"), LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_READ },
  { N_("Detections"), N_("List"), LK_CATEGORY_DETECTIONS, LK_ACCESS_READ },
  { N_("Detections"), N_("View Details"), LK_CATEGORY_DETECTIONS, LK_ACCESS_READ },
  { N_("Detections"), N_("Add Note"), LK_CATEGORY_DETECTIONS, LK_ACCESS_WRITE },
  { N_("Detections"), N_("Close Detection"), LK_CATEGORY_DETECTIONS, LK_ACCESS_WRITE },
  { N_("Review Inferences (Model Details and AIDR)"), N_("View"), LK_CATEGORY_INFERENCE, LK_ACCESS_READ },
  { N_("Admin Settings - Users"), N_("View"), LK_CATEGORY_USERS, LK_ACCESS_READ },
  { N_("Admin Settings - Users"), N_("Create User"), LK_CATEGORY_USERS, LK_ACCESS_WRITE },
  { N_("Admin Settings - Users"), N_("Edit User"), LK_CATEGORY_USERS, LK_ACCESS_WRITE },
  { N_("Admin Settings - Users"), N_("Delete User"), LK_CATEGORY_USERS, LK_ACCESS_DELETE },
  { N_("Admin Settings - API Keys"), N_("View"), LK_CATEGORY_API_KEYS, LK_ACCESS_READ },
  { N_("Admin Settings - API Keys"), N_("Create API Key"), LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE },
  { N_("Admin Settings - API Keys"), N_("Delete API Key"), LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE },
};

/* The seed's product table, plus "Read only". */
static const struct {
  const char *name;
  const char *description;
} presets[LK_N_PRESETS] = {
  [LK_PRESET_MODEL_SCANNER_HYBRID] = {
    N_("Model Scanner CLI (Hybrid Mode)"),
    N_("Permissions needed for Model Scanner CLI deployed in Hybrid Mode, including Community Scan."),
  },
  [LK_PRESET_READ_ONLY] = {
    N_("Read only"),
    N_("Read access to every category, and nothing else."),
  },
};

LkPermissions *
lk_permissions_new (void)
{
  return g_new0 (LkPermissions, 1);
}

LkPermissions *
lk_permissions_copy (const LkPermissions *self)
{
  LkPermissions *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new (LkPermissions, 1);
  *copy = *self;
  return copy;
}

void
lk_permissions_free (LkPermissions *self)
{
  g_free (self);
}

void
lk_permissions_clear (LkPermissions *self)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
}

void
lk_permissions_set_all (LkPermissions *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    self->access[i] = LK_ACCESS_ALL;
}

void
lk_permissions_set (LkPermissions *self,
                    LkCategory     category,
                    LkAccess       access)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((guint) category < LK_N_CATEGORIES);

  self->access[category] = access & LK_ACCESS_ALL;
}

void
lk_permissions_add (LkPermissions *self,
                    LkCategory     category,
                    LkAccess       access)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((guint) category < LK_N_CATEGORIES);

  self->access[category] |= access & LK_ACCESS_ALL;
}

LkAccess
lk_permissions_get (const LkPermissions *self,
                    LkCategory           category)
{
  g_return_val_if_fail (self != NULL, LK_ACCESS_NONE);
  g_return_val_if_fail ((guint) category < LK_N_CATEGORIES, LK_ACCESS_NONE);

  return self->access[category] & LK_ACCESS_ALL;
}

gboolean
lk_permissions_is_empty (const LkPermissions *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    if ((self->access[i] & LK_ACCESS_ALL) != 0)
      return FALSE;

  return TRUE;
}

gboolean
lk_permissions_is_all (const LkPermissions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    if ((self->access[i] & LK_ACCESS_ALL) != LK_ACCESS_ALL)
      return FALSE;

  return TRUE;
}

gboolean
lk_permissions_equal (const LkPermissions *a,
                      const LkPermissions *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    if ((a->access[i] & LK_ACCESS_ALL) != (b->access[i] & LK_ACCESS_ALL))
      return FALSE;

  return TRUE;
}

gboolean
lk_permissions_contains (const LkPermissions *self,
                         const LkPermissions *needed)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (needed != NULL, FALSE);

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    {
      guint8 want = needed->access[i] & LK_ACCESS_ALL;

      if ((self->access[i] & want) != want)
        return FALSE;
    }

  return TRUE;
}

gboolean
lk_permissions_allows (const LkPermissions *self,
                       LkCategory           category,
                       LkAccess             access)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail ((guint) category < LK_N_CATEGORIES, FALSE);

  access &= LK_ACCESS_ALL;
  return (self->access[category] & access) == access;
}

void
lk_permissions_union (LkPermissions       *self,
                      const LkPermissions *other)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    self->access[i] |= other->access[i] & LK_ACCESS_ALL;
}

/* "Read, Write" for the bits of @access, in Read, Write, Delete order. */
static void
append_access_names (GString  *out,
                     LkAccess  access)
{
  gboolean first = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (accesses); i++)
    {
      if ((access & accesses[i].access) == 0)
        continue;
      if (!first)
        /* Translators: separates permissions, as in "Read, Write" */
        g_string_append (out, _(", "));
      g_string_append (out, _(accesses[i].name));
      first = FALSE;
    }
}

static void
append_permission (GString    *out,
                   LkCategory  category,
                   LkAccess    access)
{
  g_autoptr(GString) names = g_string_new (NULL);

  append_access_names (names, access);
  /* Translators: a category and its permissions, as in
   * "Model Inventory: Read, Write" */
  g_string_append_printf (out, _("%s: %s"), _(categories[category].name), names->str);
}

char *
lk_permissions_to_summary (const LkPermissions *self)
{
  GString *out;
  gboolean first = TRUE;

  g_return_val_if_fail (self != NULL, NULL);

  if (lk_permissions_is_all (self))
    return g_strdup (_("All permissions"));
  if (lk_permissions_is_empty (self))
    return g_strdup (_("No permissions"));

  out = g_string_new (NULL);
  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    {
      LkAccess access = self->access[i] & LK_ACCESS_ALL;

      if (access == LK_ACCESS_NONE)
        continue;
      if (!first)
        /* Translators: separates categories, as in
         * "Model Inventory: Read, Write · Model Scanner: Write" */
        g_string_append (out, _(" · "));
      append_permission (out, (LkCategory) i, access);
      first = FALSE;
    }

  return g_string_free (out, FALSE);
}

const char *
lk_category_get_name (LkCategory category)
{
  g_return_val_if_fail ((guint) category < LK_N_CATEGORIES, NULL);

  return _(categories[category].name);
}

const char *
lk_category_get_description (LkCategory category)
{
  g_return_val_if_fail ((guint) category < LK_N_CATEGORIES, NULL);

  return _(categories[category].description);
}

const char *
lk_access_get_name (LkAccess access)
{
  if (access == LK_ACCESS_ALL)
    /* Translators: all of Read, Write and Delete in a category */
    return _("All");

  for (guint i = 0; i < G_N_ELEMENTS (accesses); i++)
    if (access == accesses[i].access)
      return _(accesses[i].name);

  g_return_val_if_reached (NULL);
}

char *
lk_permission_describe (LkCategory category,
                        LkAccess   access)
{
  GString *out;

  g_return_val_if_fail ((guint) category < LK_N_CATEGORIES, NULL);

  out = g_string_new (NULL);
  append_permission (out, category, access & LK_ACCESS_ALL);
  return g_string_free (out, FALSE);
}

const LkTask *
lk_tasks_get (guint *n_tasks)
{
  if (n_tasks != NULL)
    *n_tasks = G_N_ELEMENTS (tasks);

  return tasks;
}

const char *
lk_preset_get_name (LkPreset preset)
{
  g_return_val_if_fail ((guint) preset < LK_N_PRESETS, NULL);

  return _(presets[preset].name);
}

const char *
lk_preset_get_description (LkPreset preset)
{
  g_return_val_if_fail ((guint) preset < LK_N_PRESETS, NULL);

  return _(presets[preset].description);
}

void
lk_preset_apply (LkPreset       preset,
                 LkPermissions *out)
{
  g_return_if_fail ((guint) preset < LK_N_PRESETS);
  g_return_if_fail (out != NULL);

  lk_permissions_clear (out);

  switch (preset)
    {
    case LK_PRESET_MODEL_SCANNER_HYBRID:
      lk_permissions_set (out, LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_READ | LK_ACCESS_WRITE);
      lk_permissions_set (out, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_WRITE);
      break;

    case LK_PRESET_READ_ONLY:
      for (guint i = 0; i < LK_N_CATEGORIES; i++)
        lk_permissions_set (out, (LkCategory) i, LK_ACCESS_READ);
      break;

    case LK_N_PRESETS:
    default:
      g_assert_not_reached ();
    }
}
