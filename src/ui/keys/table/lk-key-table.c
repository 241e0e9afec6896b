/* lk-key-table.c: the tenant's keys as a table, one light widget per row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-table"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lk-api-key.h"
#include "lk-key-layout.h"
#include "lk-key-rows.h"
#include "lk-key-sort.h"
#include "lk-key-row-widget.h"
#include "lk-key-table.h"

struct _LkKeyTable
{
  GtkWidget             parent_instance;

  GtkWidget            *header[LK_N_KEY_COLUMNS];   /* GtkButton */
  GtkWidget            *arrow[LK_N_KEY_COLUMNS];    /* GtkImage in the button */
  GtkWidget            *separator;
  GtkListView          *list_view;

  GtkAdjustment        *hadjustment;
  GtkAdjustment        *vadjustment;
  GtkScrollablePolicy   hscroll_policy;
  GtkScrollablePolicy   vscroll_policy;

  GtkSorter            *sorter;
  LkKeyColumn           sort_column;
  GtkSortType           sort_order;

  /* The columns' places, for the header and the rows */
  LkKeyLayout          *layout;
  int                   header_height;
};

static void lk_key_table_scrollable_init (GtkScrollableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LkKeyTable, lk_key_table, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, lk_key_table_scrollable_init))

enum {
  PROP_0,
  PROP_MODEL,
  PROP_EXPIRY_WARNING_DAYS,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  LkKeyTable *self = user_data;
  int order = lk_key_sort_compare (self->sort_column, (LkApiKey *) a, (LkApiKey *) b);

  if (order == GTK_ORDERING_EQUAL && self->sort_column != LK_KEY_COLUMN_NAME)
    order = lk_key_sort_compare (LK_KEY_COLUMN_NAME, (LkApiKey *) a, (LkApiKey *) b);

  return self->sort_order == GTK_SORT_DESCENDING ? -order : order;
}

static void
update_header (LkKeyTable *self)
{
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      gboolean sorted = c == self->sort_column;
      const char *description = NULL;

      if (sorted)
        {
          gtk_image_set_from_icon_name (GTK_IMAGE (self->arrow[c]),
                                        self->sort_order == GTK_SORT_ASCENDING
                                        ? "pan-up-symbolic" : "pan-down-symbolic");
          description = self->sort_order == GTK_SORT_ASCENDING
                        ? _("Sorted in ascending order") : _("Sorted in descending order");
          gtk_widget_add_css_class (self->header[c], "sorted");
        }
      else
        gtk_widget_remove_css_class (self->header[c], "sorted");
      gtk_widget_set_child_visible (self->arrow[c], sorted);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->header[c]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      lk_key_column_get_title (c),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      description ? description : "",
                                      GTK_ACCESSIBLE_PROPERTY_SORT,
                                      !sorted ? GTK_ACCESSIBLE_SORT_NONE
                                      : self->sort_order == GTK_SORT_ASCENDING
                                      ? GTK_ACCESSIBLE_SORT_ASCENDING
                                      : GTK_ACCESSIBLE_SORT_DESCENDING,
                                      -1);
    }
}

void
lk_key_table_sort_by (LkKeyTable  *self,
                      LkKeyColumn  column,
                      GtkSortType  order)
{
  g_return_if_fail (LK_IS_KEY_TABLE (self));
  g_return_if_fail (column < LK_N_KEY_COLUMNS);

  if (self->sort_column == column && self->sort_order == order)
    return;

  if (self->sort_column == column)
    {
      self->sort_order = order;
      update_header (self);
      gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_INVERTED);
      return;
    }

  self->sort_column = column;
  self->sort_order = order;
  update_header (self);
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

GtkSorter *
lk_key_table_get_sorter (LkKeyTable *self)
{
  g_return_val_if_fail (LK_IS_KEY_TABLE (self), NULL);

  return self->sorter;
}

static void
on_header_clicked (GtkButton  *button,
                   LkKeyTable *self)
{
  LkKeyColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "lk-column"));
  GtkSortType order = GTK_SORT_ASCENDING;

  if (column == self->sort_column && self->sort_order == GTK_SORT_ASCENDING)
    order = GTK_SORT_DESCENDING;

  lk_key_table_sort_by (self, column, order);
}

/* ---- Layout ---- */

static void
lk_key_table_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  LkKeyTable *self = LK_KEY_TABLE (widget);
  int list_min, list_nat, header = 0, separator = 0;

  gtk_widget_measure (GTK_WIDGET (self->list_view), orientation, -1,
                      &list_min, &list_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int row_min, row_nat;

      lk_key_layout_get_widths (self->layout, &row_min, &row_nat);
      *minimum = MAX (list_min, row_min);
      *natural = MAX (list_nat, row_nat);
      return;
    }

  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      int h;

      gtk_widget_measure (self->header[c], GTK_ORIENTATION_VERTICAL, -1, NULL, &h, NULL, NULL);
      header = MAX (header, h);
    }
  gtk_widget_measure (self->separator, GTK_ORIENTATION_VERTICAL, -1, NULL, &separator, NULL, NULL);

  *minimum = header + separator + list_min;
  *natural = header + separator + list_nat;
}

static void
configure_hadjustment (LkKeyTable *self,
                       int         width)
{
  /* The table always fits its width: nothing to scroll sideways. */
  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, width * 0.1, width * 0.9, width);
}

static void
lk_key_table_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  LkKeyTable *self = LK_KEY_TABLE (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  LkKeyPlacement layout;
  int header = 0, separator = 0;

  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      int h;

      gtk_widget_measure (self->header[c], GTK_ORIENTATION_VERTICAL, -1, NULL, &h, NULL, NULL);
      header = MAX (header, h);
    }
  gtk_widget_measure (self->separator, GTK_ORIENTATION_VERTICAL, -1, NULL, &separator, NULL, NULL);
  self->header_height = header + separator;

  lk_key_layout_place (self->layout, width, rtl, &layout);
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      gtk_widget_set_child_visible (self->header[c], layout.shown[c]);
      if (layout.shown[c])
        {
          int min_width;

          /* A button cannot be narrower than its padding and arrow. */
          gtk_widget_measure (self->header[c], GTK_ORIENTATION_HORIZONTAL, -1,
                              &min_width, NULL, NULL, NULL);
          gtk_widget_size_allocate (self->header[c],
                                    &(GtkAllocation) { layout.x[c], 0,
                                                       MAX (layout.width[c], min_width), header },
                                    -1);
        }
    }

  gtk_widget_size_allocate (self->separator,
                            &(GtkAllocation) { 0, header, width, separator }, -1);
  gtk_widget_size_allocate (GTK_WIDGET (self->list_view),
                            &(GtkAllocation) { 0, self->header_height, width,
                                               MAX (height - self->header_height, 0) },
                            -1);
  configure_hadjustment (self, width);
}

static void
lk_key_table_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lk_key_table_parent_class)->css_changed (widget, change);

  /* The font may have changed: the next layout measures it again. */
  gtk_widget_queue_resize (widget);
}

/* ---- Rows ---- */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           LkKeyTable               *self)
{
  gtk_list_item_set_child (item, lk_key_row_widget_new (self->layout));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          LkKeyTable               *self)
{
  lk_key_row_widget_set_row (LK_KEY_ROW_WIDGET (gtk_list_item_get_child (item)),
                             gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            LkKeyTable               *self)
{
  GtkWidget *widget = gtk_list_item_get_child (item);

  if (widget != NULL)
    lk_key_row_widget_set_row (LK_KEY_ROW_WIDGET (widget), NULL);
}

/* Every row widget, to redraw them all. */
static void
redraw_rows (LkKeyTable *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row != NULL && LK_IS_KEY_ROW_WIDGET (row))
        lk_key_row_widget_update (LK_KEY_ROW_WIDGET (row));
    }
}

guint
lk_key_table_get_position_at (LkKeyTable *self,
                              double      x,
                              double      y)
{
  GtkWidget *picked;

  g_return_val_if_fail (LK_IS_KEY_TABLE (self), GTK_INVALID_LIST_POSITION);

  picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  for (; picked != NULL && picked != GTK_WIDGET (self); picked = gtk_widget_get_parent (picked))
    {
      GtkWidget *widget = picked;

      /* Inside the row: its widget is the row item's only child. */
      if (gtk_widget_get_parent (picked) == GTK_WIDGET (self->list_view))
        widget = gtk_widget_get_first_child (picked);

      if (widget != NULL && LK_IS_KEY_ROW_WIDGET (widget))
        {
          LkKeyRow *row = lk_key_row_widget_get_row (LK_KEY_ROW_WIDGET (widget));

          return row ? lk_key_row_get_position (row) : GTK_INVALID_LIST_POSITION;
        }
      if (widget != picked)
        return GTK_INVALID_LIST_POSITION;
    }

  return GTK_INVALID_LIST_POSITION;
}

/* ---- Properties ---- */

void
lk_key_table_set_model (LkKeyTable        *self,
                        GtkSelectionModel *model)
{
  g_return_if_fail (LK_IS_KEY_TABLE (self));
  g_return_if_fail (model == NULL || GTK_IS_SELECTION_MODEL (model));

  if (gtk_list_view_get_model (self->list_view) == model)
    return;

  gtk_list_view_set_model (self->list_view, model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

GtkSelectionModel *
lk_key_table_get_model (LkKeyTable *self)
{
  g_return_val_if_fail (LK_IS_KEY_TABLE (self), NULL);

  return gtk_list_view_get_model (self->list_view);
}

void
lk_key_table_scroll_to (LkKeyTable *self,
                        guint       position)
{
  g_return_if_fail (LK_IS_KEY_TABLE (self));

  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

gboolean
lk_key_table_focus_list (LkKeyTable *self)
{
  g_return_val_if_fail (LK_IS_KEY_TABLE (self), FALSE);

  return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

void
lk_key_table_set_expiry_warning_days (LkKeyTable *self,
                                      guint       days)
{
  g_return_if_fail (LK_IS_KEY_TABLE (self));

  if (lk_key_layout_get_expiry_warning_days (self->layout) == days)
    return;

  lk_key_layout_set_expiry_warning_days (self->layout, days);
  redraw_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRY_WARNING_DAYS]);
}

void
lk_key_table_set_retire_times (LkKeyTable *self,
                               GHashTable *times)
{
  g_return_if_fail (LK_IS_KEY_TABLE (self));

  lk_key_layout_set_retire_times (self->layout, times);
  redraw_rows (self);
}

gint64
lk_key_table_get_retire_at (LkKeyTable *self,
                            const char *key_id)
{
  g_return_val_if_fail (LK_IS_KEY_TABLE (self), 0);

  return lk_key_layout_get_retire_at (self->layout, key_id);
}

guint
lk_key_table_get_expiry_warning_days (LkKeyTable *self)
{
  g_return_val_if_fail (LK_IS_KEY_TABLE (self), 0);

  return lk_key_layout_get_expiry_warning_days (self->layout);
}

static void
set_vadjustment (LkKeyTable    *self,
                 GtkAdjustment *adjustment)
{
  if (self->vadjustment == adjustment)
    return;

  g_set_object (&self->vadjustment, adjustment);
  gtk_scrollable_set_vadjustment (GTK_SCROLLABLE (self->list_view), adjustment);
  g_object_notify (G_OBJECT (self), "vadjustment");
}

static void
set_hadjustment (LkKeyTable    *self,
                 GtkAdjustment *adjustment)
{
  if (self->hadjustment == adjustment)
    return;

  g_set_object (&self->hadjustment, adjustment);
  configure_hadjustment (self, gtk_widget_get_width (GTK_WIDGET (self)));
  g_object_notify (G_OBJECT (self), "hadjustment");
}

static gboolean
lk_key_table_get_border (GtkScrollable *scrollable,
                         GtkBorder     *border)
{
  LkKeyTable *self = LK_KEY_TABLE (scrollable);

  /* The header does not scroll. */
  border->top = self->header_height;
  return TRUE;
}

static void
lk_key_table_scrollable_init (GtkScrollableInterface *iface)
{
  iface->get_border = lk_key_table_get_border;
}

static void
lk_key_table_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LkKeyTable *self = LK_KEY_TABLE (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, lk_key_table_get_model (self));
      break;
    case PROP_EXPIRY_WARNING_DAYS:
      g_value_set_uint (value, lk_key_table_get_expiry_warning_days (self));
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_key_table_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LkKeyTable *self = LK_KEY_TABLE (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      lk_key_table_set_model (self, g_value_get_object (value));
      break;
    case PROP_EXPIRY_WARNING_DAYS:
      lk_key_table_set_expiry_warning_days (self, g_value_get_uint (value));
      break;
    case PROP_HADJUSTMENT:
      set_hadjustment (self, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_vadjustment (self, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (GtkScrollablePolicy) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (GtkScrollablePolicy) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_scrollable_set_vscroll_policy (GTK_SCROLLABLE (self->list_view), self->vscroll_policy);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_key_table_dispose (GObject *object)
{
  LkKeyTable *self = LK_KEY_TABLE (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->list_view = NULL;
  self->separator = NULL;
  memset (self->header, 0, sizeof self->header);
  memset (self->arrow, 0, sizeof self->arrow);

  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (lk_key_table_parent_class)->dispose (object);
}

static void
lk_key_table_finalize (GObject *object)
{
  LkKeyTable *self = LK_KEY_TABLE (object);

  g_clear_object (&self->sorter);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (lk_key_table_parent_class)->finalize (object);
}

static void
lk_key_table_class_init (LkKeyTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lk_key_table_get_property;
  object_class->set_property = lk_key_table_set_property;
  object_class->dispose = lk_key_table_dispose;
  object_class->finalize = lk_key_table_finalize;
  widget_class->measure = lk_key_table_measure;
  widget_class->size_allocate = lk_key_table_size_allocate;
  widget_class->css_changed = lk_key_table_css_changed;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         GTK_TYPE_SELECTION_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPIRY_WARNING_DAYS] =
    g_param_spec_uint ("expiry-warning-days", NULL, NULL, 0, 365, 7,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "keytable");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lk_key_table_init (LkKeyTable *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->layout = lk_key_layout_new (GTK_WIDGET (self));
  self->sort_column = LK_KEY_COLUMN_NAME;
  self->sort_order = GTK_SORT_ASCENDING;
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (compare_keys, self, NULL));

  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *label = gtk_label_new (lk_key_column_get_title (c));
      g_autofree char *tooltip = NULL;

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 1);
      gtk_box_append (GTK_BOX (box), label);
      self->arrow[c] = gtk_image_new ();
      gtk_box_append (GTK_BOX (box), self->arrow[c]);

      self->header[c] = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (self->header[c]), box);
      gtk_widget_set_focus_on_click (self->header[c], FALSE);
      gtk_widget_add_css_class (self->header[c], "flat");
      /* Translators: tooltip of a column header; %s is the column's title */
      tooltip = g_strdup_printf (_("Sort by %s"), lk_key_column_get_title (c));
      gtk_widget_set_tooltip_text (self->header[c], tooltip);
      g_object_set_data (G_OBJECT (self->header[c]), "lk-column", GUINT_TO_POINTER (c));
      g_signal_connect (self->header[c], "clicked", G_CALLBACK (on_header_clicked), self);
      gtk_widget_set_parent (self->header[c], GTK_WIDGET (self));
    }

  self->separator = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_parent (self->separator, GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (NULL, g_object_ref (factory)));
  gtk_list_view_set_show_separators (self->list_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "keys-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("API keys"),
                                  -1);
  gtk_widget_set_parent (GTK_WIDGET (self->list_view), GTK_WIDGET (self));

  update_header (self);
}

GtkWidget *
lk_key_table_new (void)
{
  return g_object_new (LK_TYPE_KEY_TABLE, NULL);
}
