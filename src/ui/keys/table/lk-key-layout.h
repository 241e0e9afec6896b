/* lk-key-layout.h: where the key table's columns go, for its header and rows
 *
 * The header of sort buttons and every row widget place the columns the
 * same way: the layout of a table @width pixels wide gives each column
 * its x and width, and drops the least needed columns when the table is
 * narrow instead of scrolling sideways.  Column widths come from the
 * table's font, measured once per font (LkFontMetrics).
 *
 * One LkKeyLayout belongs to each table, which hands it to its rows; the
 * rows ask it, never the table.  It also holds what the rows draw with
 * besides the key: how many days ahead an expiry is highlighted, and
 * which keys a rotation scheduled for deletion.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  LK_KEY_COLUMN_NAME,
  LK_KEY_COLUMN_CLIENT_ID,
  LK_KEY_COLUMN_CREATED,
  LK_KEY_COLUMN_EXPIRES,
  LK_KEY_COLUMN_PERMISSIONS,
  LK_KEY_COLUMN_KEYRING,
  LK_N_KEY_COLUMNS
} LkKeyColumn;

/* Horizontal padding inside every cell, and of the header's buttons
 * (style.css gives them the same). */
#define LK_KEY_CELL_PADDING 6

/* The sizes of a widget's font the table lays out with, worked out again
 * only when the font or the screen's resolution changes. */
typedef struct {
  PangoFontDescription *font;          /* of the sizes below */
  double                resolution;    /* dots per inch, as Pango renders */
  int                   char_width;    /* widest of a character and a digit */
  int                   line_height;
} LkFontMetrics;

void         lk_font_metrics_update   (LkFontMetrics *metrics,
                                       GtkWidget     *widget);
void         lk_font_metrics_clear    (LkFontMetrics *metrics);

/* Where each column goes in a row (or the header) of a given width: x
 * and width of the column's cell, in the widget's own coordinates
 * (mirrored for right-to-left), and whether it is shown at all. */
typedef struct {
  int      x[LK_N_KEY_COLUMNS];
  int      width[LK_N_KEY_COLUMNS];
  gboolean shown[LK_N_KEY_COLUMNS];
} LkKeyPlacement;

/* The column's title, translated ("Expires"). */
const char  *lk_key_column_get_title  (LkKeyColumn    column);

#define LK_TYPE_KEY_LAYOUT (lk_key_layout_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyLayout, lk_key_layout, LK, KEY_LAYOUT, GObject)

/* @widget: whose font sets the column widths (the table); not a
 * reference: once it is gone the last sizes stay. */
LkKeyLayout *lk_key_layout_new        (GtkWidget      *widget);
void         lk_key_layout_place      (LkKeyLayout    *self,
                                       int             width,
                                       gboolean        rtl,
                                       LkKeyPlacement *placement);
/* The narrowest width that shows the name and the expiry, and the width
 * that shows every column at its natural size. */
void         lk_key_layout_get_widths (LkKeyLayout    *self,
                                       int            *minimum,
                                       int            *natural);
/* The column at @x in a row @width pixels wide, or LK_N_KEY_COLUMNS. */
LkKeyColumn  lk_key_layout_column_at  (LkKeyLayout    *self,
                                       int             width,
                                       gboolean        rtl,
                                       double          x);

/* The height of a line of text in @row's font: the rows share one
 * answer, worked out again only when their font or resolution changes
 * (a row built for a keystroke asks Pango for no metrics of its own). */
int          lk_key_layout_get_row_line_height     (LkKeyLayout *self,
                                                    GtkWidget   *row);

/* Expiries within this many days are highlighted (7 at first). */
void         lk_key_layout_set_expiry_warning_days (LkKeyLayout *self,
                                                    guint        days);
guint        lk_key_layout_get_expiry_warning_days (LkKeyLayout *self);

/* The deletions scheduled by rotations (src/ui/rotate/lk-retirements.h):
 * @times maps key IDs to a gint64 * (Unix seconds), or NULL for none. */
void         lk_key_layout_set_retire_times        (LkKeyLayout *self,
                                                    GHashTable  *times);
/* When the key @key_id is to be deleted, or 0. */
gint64       lk_key_layout_get_retire_at           (LkKeyLayout *self,
                                                    const char  *key_id);

G_END_DECLS
