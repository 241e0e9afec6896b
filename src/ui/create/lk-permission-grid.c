/* lk-permission-grid.c: one row per permission category, with Read,
 * Write, Delete and All toggles
 *
 * The categories and their descriptions come from the seed's "API
 * Resources" table (lk_category_get_name/description), so the rows are
 * built in code; the template holds the boxed list they go in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-permission-grid"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-permission-grid.h"

/* The single access bits, in the order of the toggles. */
static const LkAccess access_bits[] = { LK_ACCESS_READ, LK_ACCESS_WRITE, LK_ACCESS_DELETE };
#define N_BITS G_N_ELEMENTS (access_bits)

struct _LkPermissionGrid
{
  AdwBin parent_instance;

  /* Template children */
  GtkListBox *list;

  /* State */
  GtkCheckButton  *toggles[LK_N_CATEGORIES][N_BITS];
  GtkCheckButton  *all_toggles[LK_N_CATEGORIES];
  LkPermissions    permissions;
  gboolean         syncing;   /* TRUE while the code moves the toggles */
};

G_DEFINE_FINAL_TYPE (LkPermissionGrid, lk_permission_grid, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PERMISSIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Moves every toggle to what self->permissions says. */
static void
sync_toggles (LkPermissionGrid *self)
{
  self->syncing = TRUE;

  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    {
      LkAccess access = lk_permissions_get (&self->permissions, c);

      for (guint b = 0; b < N_BITS; b++)
        gtk_check_button_set_active (self->toggles[c][b], (access & access_bits[b]) != 0);
      gtk_check_button_set_active (self->all_toggles[c], access == LK_ACCESS_ALL);
    }

  self->syncing = FALSE;
}

static void
set_permissions_internal (LkPermissionGrid    *self,
                          const LkPermissions *permissions)
{
  gboolean changed = !lk_permissions_equal (&self->permissions, permissions);

  self->permissions = *permissions;
  sync_toggles (self);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERMISSIONS]);
}

static void
on_bit_toggled (GtkCheckButton   *toggle,
                LkPermissionGrid *self)
{
  LkPermissions permissions = self->permissions;
  LkCategory category;
  LkAccess bit;
  LkAccess access;

  if (self->syncing)
    return;

  category = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "lk-category"));
  bit = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "lk-access"));
  access = lk_permissions_get (&permissions, category);

  if (gtk_check_button_get_active (toggle))
    access |= bit;
  else
    access &= ~bit;

  lk_permissions_set (&permissions, category, access);
  set_permissions_internal (self, &permissions);
}

static void
on_all_toggled (GtkCheckButton   *toggle,
                LkPermissionGrid *self)
{
  LkPermissions permissions = self->permissions;
  LkCategory category;

  if (self->syncing)
    return;

  category = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), "lk-category"));
  lk_permissions_set (&permissions, category,
                      gtk_check_button_get_active (toggle) ? LK_ACCESS_ALL : LK_ACCESS_NONE);
  set_permissions_internal (self, &permissions);
}

static GtkCheckButton *
make_toggle (LkPermissionGrid *self,
             LkCategory        category,
             LkAccess          access)
{
  g_autofree char *accessible = NULL;
  GtkWidget *toggle;

  toggle = gtk_check_button_new_with_label (lk_access_get_name (access));
  g_object_set_data (G_OBJECT (toggle), "lk-category", GUINT_TO_POINTER (category));
  g_object_set_data (G_OBJECT (toggle), "lk-access", GUINT_TO_POINTER (access));

  /* Translators: the accessible name of a permission toggle:
   * "Model Inventory: Write", "Users: All" */
  accessible = g_strdup_printf (_("%s: %s"), lk_category_get_name (category),
                                lk_access_get_name (access));
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  if (access == LK_ACCESS_ALL)
    g_signal_connect (toggle, "toggled", G_CALLBACK (on_all_toggled), self);
  else
    g_signal_connect (toggle, "toggled", G_CALLBACK (on_bit_toggled), self);

  return GTK_CHECK_BUTTON (toggle);
}

static GtkWidget *
make_row (LkPermissionGrid *self,
          LkCategory        category)
{
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *title;
  GtkWidget *description;
  GtkWidget *toggles;
  GtkWidget *separator;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  title = gtk_label_new (lk_category_get_name (category));
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  description = gtk_label_new (lk_category_get_description (category));
  gtk_label_set_xalign (GTK_LABEL (description), 0.0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "caption");
  gtk_box_append (GTK_BOX (box), description);

  /* Check buttons: their state reads at a glance, also on a card. */
  toggles = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (toggles, 4);
  for (guint b = 0; b < N_BITS; b++)
    {
      self->toggles[category][b] = make_toggle (self, category, access_bits[b]);
      gtk_box_append (GTK_BOX (toggles), GTK_WIDGET (self->toggles[category][b]));
    }
  separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_margin_top (separator, 6);
  gtk_widget_set_margin_bottom (separator, 6);
  gtk_box_append (GTK_BOX (toggles), separator);

  self->all_toggles[category] = make_toggle (self, category, LK_ACCESS_ALL);
  gtk_box_append (GTK_BOX (toggles), GTK_WIDGET (self->all_toggles[category]));
  gtk_box_append (GTK_BOX (box), toggles);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL,
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, description, NULL,
                                  -1);
  return row;
}

static void
lk_permission_grid_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LkPermissionGrid *self = LK_PERMISSION_GRID (object);

  switch (prop_id)
    {
    case PROP_PERMISSIONS:
      g_value_set_boxed (value, &self->permissions);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_permission_grid_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LkPermissionGrid *self = LK_PERMISSION_GRID (object);

  switch (prop_id)
    {
    case PROP_PERMISSIONS:
      {
        const LkPermissions *permissions = g_value_get_boxed (value);
        LkPermissions none = { { 0 } };

        lk_permission_grid_set_permissions (self, permissions ? permissions : &none);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_permission_grid_dispose (GObject *object)
{
  /* AdwBin unparents its child itself: let it, then drop the rest. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), LK_TYPE_PERMISSION_GRID);

  G_OBJECT_CLASS (lk_permission_grid_parent_class)->dispose (object);
}

static void
lk_permission_grid_class_init (LkPermissionGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lk_permission_grid_get_property;
  object_class->set_property = lk_permission_grid_set_property;
  object_class->dispose = lk_permission_grid_dispose;

  properties[PROP_PERMISSIONS] =
    g_param_spec_boxed ("permissions", NULL, NULL,
                        LK_TYPE_PERMISSIONS,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/create/lk-permission-grid.ui");
  gtk_widget_class_bind_template_child (widget_class, LkPermissionGrid, list);
}

static void
lk_permission_grid_init (LkPermissionGrid *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    gtk_list_box_append (self->list, make_row (self, c));
}

GtkWidget *
lk_permission_grid_new (void)
{
  return g_object_new (LK_TYPE_PERMISSION_GRID, NULL);
}

const LkPermissions *
lk_permission_grid_get_permissions (LkPermissionGrid *self)
{
  g_return_val_if_fail (LK_IS_PERMISSION_GRID (self), NULL);

  return &self->permissions;
}

void
lk_permission_grid_set_permissions (LkPermissionGrid    *self,
                                    const LkPermissions *permissions)
{
  g_return_if_fail (LK_IS_PERMISSION_GRID (self));
  g_return_if_fail (permissions != NULL);

  set_permissions_internal (self, permissions);
}
