/* lk-key-row-widget.c: one row of the key table, drawn as one widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-row-widget.h"
#include "lk-key-table-private.h"
#include "lk-permissions.h"
#include "lk-time.h"

/* Space above and below the text of a row. */
#define ROW_PADDING 7
#define ICON_SIZE 16

struct _LkKeyRowWidget
{
  GtkWidget             parent_instance;

  LkKeyTable           *table;        /* not a reference: it owns the row */
  LkKeyRow             *row;
  gulong                row_handler;
  LkApiKey             *key;          /* the key whose changes we follow */
  gulong                key_handler;

  gboolean              label_pending;

  /* The row's font, for its height */
  LkFontMetrics         metrics;
};

G_DEFINE_FINAL_TYPE (LkKeyRowWidget, lk_key_row_widget, GTK_TYPE_WIDGET)

/* What a cell shows is cached on the key where it does not change with
 * time (keys are immutable but for "has-local-secret"), so moving a row
 * to another key formats nothing twice. */
static GQuark created_text_quark;
static GQuark permissions_text_quark;

/* ---- What the cells show ---- */

static char *
format_date (gint64 unix_time)
{
  g_autoptr (GDateTime) date = NULL;

  if (unix_time == 0)
    return NULL;

  date = g_date_time_new_from_unix_local (unix_time);
  if (date == NULL)
    return NULL;

  /* Translators: a date in the list of keys, in g_date_time_format() syntax */
  return g_date_time_format (date, _("%b %-d, %Y"));
}

static const char *
created_text (LkApiKey *key)
{
  const char *text = g_object_get_qdata (G_OBJECT (key), created_text_quark);

  if (text == NULL)
    {
      char *made = format_date (lk_api_key_get_created_at (key));

      if (made == NULL)
        made = g_strdup ("—");
      g_object_set_qdata_full (G_OBJECT (key), created_text_quark, made, g_free);
      text = made;
    }

  return text;
}

static const char *
permissions_text (LkApiKey *key)
{
  const char *text = g_object_get_qdata (G_OBJECT (key), permissions_text_quark);

  if (text == NULL)
    {
      char *made = lk_permissions_to_summary (lk_api_key_get_permissions (key));

      g_object_set_qdata_full (G_OBJECT (key), permissions_text_quark, made, g_free);
      text = made;
    }

  return text;
}

static char *
expires_text (LkApiKey *key)
{
  gint64 expires_at = lk_api_key_get_expires_at (key);

  if (expires_at == 0)
    return g_strdup (C_("expiry", "Never"));

  return lk_time_describe_expiry (lk_time_now (), expires_at);
}

static const char *
keyring_text (void)
{
  return _("Secret stored in this computer’s keyring");
}

static char *
cell_text (LkApiKey    *key,
           LkKeyColumn  column)
{
  switch (column)
    {
    case LK_KEY_COLUMN_NAME:
      return g_strdup (lk_api_key_get_name (key));
    case LK_KEY_COLUMN_CLIENT_ID:
      return g_strdup (lk_api_key_get_client_id (key));
    case LK_KEY_COLUMN_CREATED:
      return g_strdup (created_text (key));
    case LK_KEY_COLUMN_EXPIRES:
      return expires_text (key);
    case LK_KEY_COLUMN_PERMISSIONS:
      return g_strdup (permissions_text (key));
    case LK_KEY_COLUMN_KEYRING:
      return lk_api_key_get_has_local_secret (key) ? g_strdup (keyring_text ()) : NULL;
    case LK_N_KEY_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char *
expiry_level (LkKeyRowWidget *self,
              LkApiKey       *key)
{
  int days;

  if (lk_api_key_get_expires_at (key) == 0)
    return NULL;

  days = lk_api_key_get_days_until_expiry (key);
  if (days <= 0)
    return "error";
  if (days <= (int) MIN (lk_key_table_get_expiry_warning_days (self->table), (guint) G_MAXINT))
    return "warning";
  return NULL;
}

static char *
cell_tooltip (LkApiKey    *key,
              LkKeyColumn  column)
{
  g_autofree char *date = NULL;

  switch (column)
    {
    case LK_KEY_COLUMN_NAME:
      return g_strdup (lk_api_key_get_name (key));
    case LK_KEY_COLUMN_CLIENT_ID:
      return g_strdup (lk_api_key_get_client_id (key));
    case LK_KEY_COLUMN_CREATED:
      if (lk_api_key_get_created_by (key) == NULL)
        return NULL;
      /* Translators: %s is who created the key (a user or another key) */
      return g_strdup_printf (_("Created by %s"), lk_api_key_get_created_by (key));
    case LK_KEY_COLUMN_EXPIRES:
      date = format_date (lk_api_key_get_expires_at (key));
      if (date == NULL)
        return NULL;
      /* Translators: tooltip of the Expires column; %s is a date */
      return g_strdup_printf (_("Expires on %s"), date);
    case LK_KEY_COLUMN_PERMISSIONS:
      return lk_permissions_to_summary (lk_api_key_get_permissions (key));
    case LK_KEY_COLUMN_KEYRING:
      return lk_api_key_get_has_local_secret (key) ? g_strdup (keyring_text ()) : NULL;
    case LK_N_KEY_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The whole row in one sentence, for screen readers: the list item is
 * what has the focus, and this is its only child. */
static char *
accessible_text (LkApiKey *key)
{
  g_autofree char *expires = expires_text (key);
  GString *text = g_string_new (lk_api_key_get_name (key));

  /* Translators: read by screen readers for a row of the key list; the
   * first %s is a column's title ("Client ID"), the second its value */
  g_string_append_printf (text, _(", %s: %s"), _("Client ID"), lk_api_key_get_client_id (key));
  g_string_append_printf (text, _(", %s: %s"), _("Created"), created_text (key));
  g_string_append_printf (text, _(", %s: %s"), _("Expires"), expires);
  g_string_append_printf (text, _(", %s: %s"), _("Permissions"), permissions_text (key));
  if (lk_api_key_get_has_local_secret (key))
    g_string_append_printf (text, ", %s", keyring_text ());

  return g_string_free (text, FALSE);
}

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

      self->label_pending = FALSE;
      /* gone from the list since */
      if (gtk_widget_get_parent (GTK_WIDGET (self)) == NULL)
        continue;
      if (self->key != NULL)
        text = accessible_text (self->key);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text ? text : "",
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

char *
lk_key_row_widget_dup_text (LkKeyRowWidget *self,
                            LkKeyColumn     column)
{
  g_return_val_if_fail (LK_IS_KEY_ROW_WIDGET (self), NULL);
  g_return_val_if_fail (column < LK_N_KEY_COLUMNS, NULL);

  return self->key ? cell_text (self->key, column) : NULL;
}

const char *
lk_key_row_widget_get_expiry_level (LkKeyRowWidget *self)
{
  g_return_val_if_fail (LK_IS_KEY_ROW_WIDGET (self), NULL);

  return self->key ? expiry_level (self, self->key) : NULL;
}

char *
lk_key_row_widget_dup_tooltip (LkKeyRowWidget *self,
                               LkKeyColumn     column)
{
  g_return_val_if_fail (LK_IS_KEY_ROW_WIDGET (self), NULL);
  g_return_val_if_fail (column < LK_N_KEY_COLUMNS, NULL);

  return self->key ? cell_tooltip (self->key, column) : NULL;
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
      lk_key_table_get_row_widths (self->table, minimum, natural);
      return;
    }

  lk_font_metrics_update (&self->metrics, widget);
  *minimum = *natural = MAX (self->metrics.line_height, ICON_SIZE) + 2 * ROW_PADDING;
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

static void
draw_keyring_icon (LkKeyRowWidget *self,
                   GtkSnapshot    *snapshot,
                   const GdkRGBA  *colors,
                   int             x,
                   int             width)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));
  g_autoptr (GtkIconPaintable) icon = NULL;

  icon = gtk_icon_theme_lookup_icon (theme, "dialog-password-symbolic", NULL, ICON_SIZE,
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
  LkKeyLayout layout;

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
  level = expiry_level (self, self->key);
  expiry_color = g_strcmp0 (level, "error") == 0 ? colors[1]
               : g_strcmp0 (level, "warning") == 0 ? colors[2] : colors[0];

  lk_key_table_compute_layout (self->table, gtk_widget_get_width (widget), rtl, &layout);
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      g_autofree char *expires = NULL;

      if (!layout.shown[c])
        continue;

      switch ((LkKeyColumn) c)
        {
        case LK_KEY_COLUMN_NAME:
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
          draw_text (self, snapshot, created_text (self->key), NULL, &colors[0],
                     layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_EXPIRES:
          expires = expires_text (self->key);
          draw_text (self, snapshot, expires, NULL, &expiry_color, layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_PERMISSIONS:
          draw_text (self, snapshot, permissions_text (self->key), NULL, &colors[0],
                     layout.x[c], layout.width[c]);
          break;
        case LK_KEY_COLUMN_KEYRING:
          if (lk_api_key_get_has_local_secret (self->key))
            draw_keyring_icon (self, snapshot, colors, layout.x[c], layout.width[c]);
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

  if (self->key == NULL)
    return FALSE;

  /* From the keyboard, the row's name says which key has the focus. */
  column = keyboard ? LK_KEY_COLUMN_NAME
                    : lk_key_table_column_at (self->table, gtk_widget_get_width (widget), rtl, x);
  if (column == LK_N_KEY_COLUMNS)
    return FALSE;

  text = cell_tooltip (self->key, column);
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

  lk_font_metrics_clear (&self->metrics);

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

  created_text_quark = g_quark_from_static_string ("lk-key-row-created-text");
  permissions_text_quark = g_quark_from_static_string ("lk-key-row-permissions-text");

  gtk_widget_class_set_css_name (widget_class, "keyrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
lk_key_row_widget_init (LkKeyRowWidget *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
lk_key_row_widget_new (LkKeyTable *table)
{
  LkKeyRowWidget *self;

  g_return_val_if_fail (LK_IS_KEY_TABLE (table), NULL);

  self = g_object_new (LK_TYPE_KEY_ROW_WIDGET, NULL);
  self->table = table;
  return GTK_WIDGET (self);
}
