/* lk-key-layout.c: where the key table's columns go, for its header and rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-key-layout"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "lk-key-layout.h"

typedef struct {
  const char *title;
  int         chars;        /* natural width, in characters */
  int         min_chars;    /* expanding columns: narrowest */
  int         expand;       /* its share of the room left; 0: fixed */
  int         drop_order;   /* 0: always shown; 1 is dropped first */
} ColumnSpec;

/* A narrow window keeps the name and the expiry, and the name gets room
 * enough to be read before the permissions come back. */
static const ColumnSpec columns[LK_N_KEY_COLUMNS] = {
  [LK_KEY_COLUMN_NAME] = { N_("Name"), 20, 18, 2, 0 },
  [LK_KEY_COLUMN_CLIENT_ID] = { N_("Client ID"), 14, 12, 1, 1 },
  [LK_KEY_COLUMN_CREATED] = { N_("Created"), 13, 13, 0, 2 },
  [LK_KEY_COLUMN_EXPIRES] = { N_("Expires"), 12, 12, 0, 0 },
  [LK_KEY_COLUMN_PERMISSIONS] = { N_("Permissions"), 20, 14, 2, 4 },
  /* Translators: column header: whether the key's secret is in this
   * computer's keyring */
  [LK_KEY_COLUMN_KEYRING] = { N_("Keyring"), 11, 11, 0, 3 },
};

struct _LkKeyLayout
{
  GObject        parent_instance;

  GtkWidget     *widget;      /* weak: whose font sizes the columns */
  LkFontMetrics  metrics;
  LkFontMetrics  row_metrics;  /* of the rows' font, shared by every row */
  guint          expiry_warning_days;
  GHashTable    *retire_times; /* key ID -> gint64 *: deletions scheduled */
};

G_DEFINE_FINAL_TYPE (LkKeyLayout, lk_key_layout, G_TYPE_OBJECT)

/* ---- Font metrics ---- */

void
lk_font_metrics_update (LkFontMetrics *metrics,
                        GtkWidget     *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  PangoFontMetrics *pango_metrics;

  if (metrics->font != NULL && font != NULL && metrics->resolution == resolution &&
      pango_font_description_equal (metrics->font, font))
    return;

  lk_font_metrics_clear (metrics);
  metrics->font = font ? pango_font_description_copy (font) : NULL;
  metrics->resolution = resolution;
  pango_metrics = pango_context_get_metrics (context, font, NULL);
  metrics->char_width = PANGO_PIXELS_CEIL (MAX (pango_font_metrics_get_approximate_char_width (pango_metrics),
                                                pango_font_metrics_get_approximate_digit_width (pango_metrics)));
  metrics->char_width = MAX (metrics->char_width, 1);
  metrics->line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (pango_metrics));
  if (metrics->line_height <= 0)
    metrics->line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (pango_metrics) +
                                              pango_font_metrics_get_descent (pango_metrics));
  pango_font_metrics_unref (pango_metrics);
}

void
lk_font_metrics_clear (LkFontMetrics *metrics)
{
  g_clear_pointer (&metrics->font, pango_font_description_free);
}

/* ---- Columns ---- */

const char *
lk_key_column_get_title (LkKeyColumn column)
{
  g_return_val_if_fail (column < LK_N_KEY_COLUMNS, NULL);

  return _(columns[column].title);
}

/* The sizes of the table's font as it is now. */
static const LkFontMetrics *
get_metrics (LkKeyLayout *self)
{
  if (self->widget != NULL)
    lk_font_metrics_update (&self->metrics, self->widget);

  return &self->metrics;
}

static int
column_width (const LkFontMetrics *metrics,
              LkKeyColumn          column,
              gboolean             minimum)
{
  int chars = minimum ? columns[column].min_chars : columns[column].chars;

  return chars * metrics->char_width + 2 * LK_KEY_CELL_PADDING;
}

void
lk_key_layout_place (LkKeyLayout    *self,
                     int             width,
                     gboolean        rtl,
                     LkKeyPlacement *placement)
{
  const LkFontMetrics *metrics;
  int needed = 0, spare, shares = 0, x = 0;

  g_return_if_fail (LK_IS_KEY_LAYOUT (self));
  g_return_if_fail (placement != NULL);

  metrics = get_metrics (self);
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      placement->shown[c] = TRUE;
      needed += column_width (metrics, c, columns[c].expand > 0);
    }

  /* Too narrow: drop columns, least needed first. */
  for (int drop = 1; needed > width && drop <= LK_N_KEY_COLUMNS; drop++)
    for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
      if (columns[c].drop_order == drop && placement->shown[c])
        {
          placement->shown[c] = FALSE;
          needed -= column_width (metrics, c, columns[c].expand > 0);
        }

  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    if (placement->shown[c])
      shares += columns[c].expand;

  /* The room left goes to the expanding columns, by their shares. */
  spare = MAX (width - needed, 0);
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      int w = 0;

      if (placement->shown[c])
        {
          w = column_width (metrics, c, columns[c].expand > 0);
          if (columns[c].expand > 0 && shares > 0)
            {
              int share = spare * columns[c].expand / shares;

              w += share;
              spare -= share;
              shares -= columns[c].expand;
            }
        }

      placement->width[c] = w;
      placement->x[c] = rtl ? width - x - w : x;
      x += w;
    }
}

void
lk_key_layout_get_widths (LkKeyLayout *self,
                          int         *minimum,
                          int         *natural)
{
  const LkFontMetrics *metrics;
  int min = 0, nat = 0;

  g_return_if_fail (LK_IS_KEY_LAYOUT (self));

  metrics = get_metrics (self);
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    {
      if (columns[c].drop_order == 0)
        min += column_width (metrics, c, columns[c].expand > 0);
      nat += column_width (metrics, c, FALSE);
    }

  if (minimum != NULL)
    *minimum = min;
  if (natural != NULL)
    *natural = nat;
}

LkKeyColumn
lk_key_layout_column_at (LkKeyLayout *self,
                         int          width,
                         gboolean     rtl,
                         double       x)
{
  LkKeyPlacement placement;

  g_return_val_if_fail (LK_IS_KEY_LAYOUT (self), LK_N_KEY_COLUMNS);

  lk_key_layout_place (self, width, rtl, &placement);
  for (guint c = 0; c < LK_N_KEY_COLUMNS; c++)
    if (placement.shown[c] && x >= placement.x[c] && x < placement.x[c] + placement.width[c])
      return c;

  return LK_N_KEY_COLUMNS;
}

/* ---- Settings ---- */

void
lk_key_layout_set_expiry_warning_days (LkKeyLayout *self,
                                       guint        days)
{
  g_return_if_fail (LK_IS_KEY_LAYOUT (self));

  self->expiry_warning_days = days;
}

guint
lk_key_layout_get_expiry_warning_days (LkKeyLayout *self)
{
  g_return_val_if_fail (LK_IS_KEY_LAYOUT (self), 0);

  return self->expiry_warning_days;
}

void
lk_key_layout_set_retire_times (LkKeyLayout *self,
                                GHashTable  *times)
{
  g_return_if_fail (LK_IS_KEY_LAYOUT (self));

  if (times != NULL)
    g_hash_table_ref (times);
  g_clear_pointer (&self->retire_times, g_hash_table_unref);
  self->retire_times = times;
}

gint64
lk_key_layout_get_retire_at (LkKeyLayout *self,
                             const char  *key_id)
{
  const gint64 *when;

  g_return_val_if_fail (LK_IS_KEY_LAYOUT (self), 0);

  if (self->retire_times == NULL || key_id == NULL)
    return 0;

  when = g_hash_table_lookup (self->retire_times, key_id);
  return when != NULL ? *when : 0;
}

int
lk_key_layout_get_row_line_height (LkKeyLayout *self,
                                   GtkWidget   *row)
{
  g_return_val_if_fail (LK_IS_KEY_LAYOUT (self), 0);
  g_return_val_if_fail (GTK_IS_WIDGET (row), 0);

  /* pango_context_get_metrics() costs about as much as building the
   * rest of a row: 200 new rows after a keystroke asked it 200 times. */
  lk_font_metrics_update (&self->row_metrics, row);
  return self->row_metrics.line_height;
}

/* ---- GObject ---- */

static void
lk_key_layout_finalize (GObject *object)
{
  LkKeyLayout *self = LK_KEY_LAYOUT (object);

  g_clear_pointer (&self->retire_times, g_hash_table_unref);
  g_clear_weak_pointer (&self->widget);
  lk_font_metrics_clear (&self->metrics);
  lk_font_metrics_clear (&self->row_metrics);

  G_OBJECT_CLASS (lk_key_layout_parent_class)->finalize (object);
}

static void
lk_key_layout_class_init (LkKeyLayoutClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_key_layout_finalize;
}

static void
lk_key_layout_init (LkKeyLayout *self)
{
  self->expiry_warning_days = 7;
}

LkKeyLayout *
lk_key_layout_new (GtkWidget *widget)
{
  LkKeyLayout *self;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  self = g_object_new (LK_TYPE_KEY_LAYOUT, NULL);
  g_set_weak_pointer (&self->widget, widget);
  return self;
}
