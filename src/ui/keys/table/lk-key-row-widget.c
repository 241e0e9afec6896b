/* lk-key-row-widget.c: one row of the key table, drawn as one widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-row-widget"

#include "config.h"

#include "lk-key-cells.h"
#include "lk-key-health.h"
#include "lk-key-row-widget.h"
#include "lk-time.h"

/* Space above and below the text of a row. */
#define ROW_PADDING 7
#define ICON_SIZE 16

struct _LkKeyRowWidget
{
  GtkWidget             parent_instance;

  LkKeyLayout          *layout;       /* the table's */
  LkKeyRow             *row;
  gulong                row_handler;
  LkApiKey             *key;          /* the key whose changes we follow */
  gulong                key_handler;

  gboolean              label_pending;
};

G_DEFINE_FINAL_TYPE (LkKeyRowWidget, lk_key_row_widget, GTK_TYPE_WIDGET)

/* ---- Following the row and its key ---- */

static void
watch_key (LkKeyRowWidget *self,
           LkApiKey       *key)
{
  if (self->key == key)
    return;

  if (self->key != NULL)
    g_clear_signal_handler (&self->key_handler, self->key);
  g_set_object (&self->key, key);
  if (key != NULL)
    self->key_handler = g_signal_connect_swapped (key, "notify::has-local-secret",
                                                  G_CALLBACK (lk_key_row_widget_update), self);
}

/* Accessible labels of rows that show another key, set together once
 * the main loop is idle: a keystroke can move 200 rows to other keys,
 * and their labels need not hold up the frame that shows them. */
static GPtrArray *pending_labels;
static guint pending_labels_source;

static gboolean
set_pending_labels (gpointer user_data)
{
  g_autoptr (GPtrArray) rows = g_steal_pointer (&pending_labels);

  pending_labels_source = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      LkKeyRowWidget *self = g_ptr_array_index (rows, i);
      g_autofree char *text = NULL;
      g_autofree char *health = NULL;

      self->label_pending = FALSE;
      /* gone from the list since */
      if (gtk_widget_get_parent (GTK_WIDGET (self)) == NULL)
        continue;
      if (self->key != NULL)
        {
          gint64 retire_at = lk_key_layout_get_retire_at (self->layout, lk_api_key_get_id (self->key));

          text = lk_key_cells_dup_accessible_text (self->key);
          health = lk_key_cells_dup_description (self->key, lk_time_now (), retire_at,
                                                 lk_key_layout_get_expiry_warning_days (self->layout));
        }
      /* The row's marks, said: why the key needs attention. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text ? text : "",
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, health ? health : "",
                                      -1);
    }

  return G_SOURCE_REMOVE;
}

static void
queue_label (LkKeyRowWidget *self)
{
  if (self->label_pending)
    return;

  self->label_pending = TRUE;
  if (pending_labels == NULL)
    pending_labels = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (pending_labels, g_object_ref (self));
  if (pending_labels_source == 0)
    {
      pending_labels_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, set_pending_labels, NULL, NULL);
      g_source_set_name_by_id (pending_labels_source, "[layer-keys] row labels");
    }
}

void
lk_key_row_widget_update (LkKeyRowWidget *self)
{
  g_return_if_fail (LK_IS_KEY_ROW_WIDGET (self));

  watch_key (self, self->row ? lk_key_row_get_key (self->row) : NULL);
  queue_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lk_key_row_widget_set_row (LkKeyRowWidget *self,
                           LkKeyRow       *row)
{
  g_return_if_fail (LK_IS_KEY_ROW_WIDGET (self));
  g_return_if_fail (row == NULL || LK_IS_KEY_ROW (row));

  if (self->row == row)
    return;

  if (self->row != NULL)
    {
      g_clear_signal_handler (&self->row_handler, self->row);
      lk_key_row_unwatch (self->row);
    }
  g_set_object (&self->row, row);
  if (row != NULL)
    {
      lk_key_row_watch (row);
      self->row_handler = g_signal_connect_swapped (row, "key-changed",
                                                    G_CALLBACK (lk_key_row_widget_update), self);
    }
  lk_key_row_widget_update (self);
}

LkKeyRow *
lk_key_row_widget_get_row (LkKeyRowWidget *self)
{
  g_return_val_if_fail (LK_IS_KEY_ROW_WIDGET (self), NULL);

  return self->row;
}

/* ---- Drawing ---- */

static void
lk_key_row_widget_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  LkKeyRowWidget *self = LK_KEY_ROW_WIDGET (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      lk_key_layout_get_widths (self->layout, minimum, natural);
      return;
    }

  *minimum = *natural = MAX (lk_key_layout_get_row_line_height (self->layout, widget), ICON_SIZE)
                        + 2 * ROW_PADDING;
}

/* The monospace face of client IDs, a little smaller (as .client-id in
 * style.css). */
static PangoFontDescription *
client_id_font (LkKeyRowWidget *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *base = pango_context_get_font_description (context);
  PangoFontDescription *font = base ? pango_font_description_copy (base) : pango_font_description_new ();
  int size = pango_font_description_get_size (font);

  pango_font_description_set_family (font, "monospace");
  if (size > 0)
    {
      if (pango_font_description_get_size_is_absolute (font))
        pango_font_description_set_absolute_size (font, size * 0.9);
      else
        pango_font_description_set_size (font, (int) (size * 0.9));
    }

  return font;
}

static void
draw_text (LkKeyRowWidget             *self,
           GtkSnapshot                *snapshot,
           const char                 *text,
           const PangoFontDescription *font,
           const GdkRGBA              *color,
           int                         x,
           int                         width)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr (PangoLayout) layout = NULL;
  int text_width = width - 2 * LK_KEY_CELL_PADDING;
  int layout_height;

  if (text == NULL || text[0] == '\0' || text_width <= 0)
    return;

  layout = gtk_widget_create_pango_layout (widget, text);
  if (font != NULL)
    pango_layout_set_font_description (layout, font);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, text_width * PANGO_SCALE);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_get_pixel_size (layout, NULL, &layout_height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x + LK_KEY_CELL_PADDING,
                                                (gtk_widget_get_height (widget) - layout_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* A symbolic icon at @x, centred in @width (or at its start, for 0). */
static void
draw_icon (LkKeyRowWidget *self,
           GtkSnapshot    *snapshot,
           const char     *icon_name,
           const GdkRGBA  *colors,
           int             x,
           int             width)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));
  g_autoptr (GtkIconPaintable) icon = NULL;

  if (width == 0)
    width = ICON_SIZE;
  icon = gtk_icon_theme_lookup_icon (theme, icon_name, NULL, ICON_SIZE,
                                     gtk_widget_get_scale_factor (widget),
                                     gtk_widget_get_direction (widget), 0);
  if (icon == NULL)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x + (width - ICON_SIZE) / 2,
                                                (gtk_widget_get_height (widget) - ICON_SIZE) / 2));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot,
                                            ICON_SIZE, ICON_SIZE, colors, 4);
  gtk_snapshot_restore (snapshot);
}

static void
lookup_color (GtkStyleContext *context,
              const char      *name,
              const char      *fallback,
              GdkRGBA         *color)
{
  if (!gtk_style_context_lookup_color (context, name, color))
    gdk_rgba_parse (color, fallback);
}

static void
lk_key_row_widget_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  LkKeyRowWidget *self = LK_KEY_ROW_WIDGET (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  g_autoptr (PangoFontDescription) mono = NULL;
  GtkStyleContext *context;
  const char *level;
  /* foreground, error, warning, success: as symbolic icons take them */
  GdkRGBA colors[4];
  GdkRGBA dim, expiry_color;
  GdkRGBA mark_colors[4];
  LkKeyPlacement layout;
  gboolean attention;

  if (self->key == NULL)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &colors[0]);
  lookup_color (context, "error_color", "#c01c28", &colors[1]);
  lookup_color (context, "warning_color", "#9c6e03", &colors[2]);
  lookup_color (context, "success_color", "#1b8553", &colors[3]);
  G_GNUC_END_IGNORE_DEPRECATIONS

  dim = colors[0];
  dim.alpha *= 0.55;   /* as .dim-label */
  level = lk_key_cells_get_expiry_level (self->key, lk_key_layout_get_expiry_warning_days (self->layout));
  expiry_color = g_strcmp0 (level, "error") == 0 ? colors[1]
               : g_strcmp0 (level, "warning") == 0 ? colors[2] : colors[0];

  /* The mark of a key that needs attention: a warning sign before its
   * name (its tooltip and the row's description say why). */
  attention = lk_key_health_needs_attention (self->key, lk_key_layout_get_expiry_warning_days (self->layout));
  mark_colors[0] = colors[2];
  mark_colors[1] = colors[1];
  mark_colors[2] = colors[2];
  mark_colors[3] = colors[3];

  lk_key_layout_place (self->layout, gtk_widget_get_width (widget), rtl, &layout);
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      g_autofree char *expires = NULL;
      gint64 retire_at;

      if (!layout.shown[c])
        continue;

      switch ((LkKeyColumn) c)
        {
        case LK_KEY_COLUMN_NAME:
          if (attention && layout.width[c] > ICON_SIZE + 2 * LK_KEY_CELL_PADDING)
            {
              int mark = ICON_SIZE + LK_KEY_CELL_PADDING;

              draw_icon (self, snapshot, "dialog-warning-symbolic", mark_colors,
                         rtl ? layout.x[c] + layout.width[c] - LK_KEY_CELL_PADDING - ICON_SIZE
                             : layout.x[c] + LK_KEY_CELL_PADDING,
                         0);
              draw_text (self, snapshot, lk_api_key_get_name (self->key), NULL, &colors[0],
                         rtl ? layout.x[c] : layout.x[c] + mark, layout.width[c] - mark);
            }
          else
            draw_text (self, snapshot, lk_api_key_get_name (self->key), NULL, &colors[0],
                       layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_CLIENT_ID:
          if (mono == NULL)
            mono = client_id_font (self);
          draw_text (self, snapshot, lk_api_key_get_client_id (self->key), mono, &dim,
                     layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_CREATED:
          draw_text (self, snapshot, lk_key_cells_get_created (self->key), NULL, &colors[0],
                     layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_EXPIRES:
          retire_at = lk_key_layout_get_retire_at (self->layout, lk_api_key_get_id (self->key));
          expires = lk_key_cells_dup_expires_cell (self->key, retire_at);
          draw_text (self, snapshot, expires, NULL, retire_at != 0 ? &colors[2] : &expiry_color,
                     layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_PERMISSIONS:
          draw_text (self, snapshot, lk_key_cells_get_permissions (self->key), NULL, &colors[0],
                     layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_KEYRING:
          if (lk_api_key_get_has_local_secret (self->key))
            draw_icon (self, snapshot, "dialog-password-symbolic", colors, layout.x[c], layout.width[c]);
          break;
        case LK_N_KEY_COLUMNS:
        default:
          g_assert_not_reached ();
        }
    }
}

static gboolean
lk_key_row_widget_query_tooltip (GtkWidget  *widget,
                                 int         x,
                                 int         y,
                                 gboolean    keyboard,
                                 GtkTooltip *tooltip)
{
  LkKeyRowWidget *self = LK_KEY_ROW_WIDGET (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  g_autofree char *text = NULL;
  LkKeyColumn column;
  gint64 retire_at;

  if (self->key == NULL)
    return FALSE;

  /* From the keyboard, the row's name says which key has the focus. */
  column = keyboard ? LK_KEY_COLUMN_NAME
                    : lk_key_layout_column_at (self->layout, gtk_widget_get_width (widget), rtl, x);
  if (column == LK_N_KEY_COLUMNS)
    return FALSE;

  text = lk_key_cells_dup_tooltip (self->key, column,
                                   lk_key_layout_get_expiry_warning_days (self->layout));
  retire_at = lk_key_layout_get_retire_at (self->layout, lk_api_key_get_id (self->key));
  if (column == LK_KEY_COLUMN_EXPIRES && retire_at != 0)
    {
      g_autofree char *retires = lk_key_cells_describe_retirement (lk_time_now (), retire_at);
      g_autofree char *expiry = g_steal_pointer (&text);

      text = expiry != NULL ? g_strdup_printf ("%s\n%s", retires, expiry) : g_steal_pointer (&retires);
    }
  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
lk_key_row_widget_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lk_key_row_widget_parent_class)->css_changed (widget, change);

  /* Colors or font may differ now. */
  gtk_widget_queue_draw (widget);
}

static void
lk_key_row_widget_dispose (GObject *object)
{
  LkKeyRowWidget *self = LK_KEY_ROW_WIDGET (object);

  if (self->row != NULL)
    {
      g_clear_signal_handler (&self->row_handler, self->row);
      lk_key_row_unwatch (self->row);
      g_clear_object (&self->row);
    }
  watch_key (self, NULL);

  G_OBJECT_CLASS (lk_key_row_widget_parent_class)->dispose (object);
}

static void
lk_key_row_widget_finalize (GObject *object)
{
  LkKeyRowWidget *self = LK_KEY_ROW_WIDGET (object);

  g_clear_object (&self->layout);

  G_OBJECT_CLASS (lk_key_row_widget_parent_class)->finalize (object);
}

static void
lk_key_row_widget_class_init (LkKeyRowWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_key_row_widget_dispose;
  object_class->finalize = lk_key_row_widget_finalize;
  widget_class->measure = lk_key_row_widget_measure;
  widget_class->snapshot = lk_key_row_widget_snapshot;
  widget_class->query_tooltip = lk_key_row_widget_query_tooltip;
  widget_class->css_changed = lk_key_row_widget_css_changed;

  gtk_widget_class_set_css_name (widget_class, "keyrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
lk_key_row_widget_init (LkKeyRowWidget *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
lk_key_row_widget_new (LkKeyLayout *layout)
{
  LkKeyRowWidget *self;

  g_return_val_if_fail (LK_IS_KEY_LAYOUT (layout), NULL);

  self = g_object_new (LK_TYPE_KEY_ROW_WIDGET, NULL);
  self->layout = g_object_ref (layout);
  return GTK_WIDGET (self);
}
