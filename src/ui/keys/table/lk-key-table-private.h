/* lk-key-table-private.h: what the table's row widgets share with it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-key-table.h"

G_BEGIN_DECLS

/* Horizontal padding inside every cell, and of the header's buttons
 * (style.css gives them the same). */
#define LK_KEY_CELL_PADDING 6

/* The sizes of a widget's font the table lays out with, worked out again
 * only when the font changes. */
typedef struct {
  PangoFontDescription *font;          /* of the sizes below */
  int                   char_width;    /* widest of a character and a digit */
  int                   line_height;
} LkFontMetrics;

void       lk_font_metrics_update        (LkFontMetrics *metrics,
                                          GtkWidget     *widget);
void       lk_font_metrics_clear         (LkFontMetrics *metrics);

/* Where each column goes in a row (or the header) @width pixels wide:
 * x and width of the column's cell, in the widget's own coordinates
 * (mirrored for right-to-left), and whether it is shown at all. */
typedef struct {
  int      x[LK_N_KEY_COLUMNS];
  int      width[LK_N_KEY_COLUMNS];
  gboolean shown[LK_N_KEY_COLUMNS];
} LkKeyLayout;

void       lk_key_table_compute_layout   (LkKeyTable  *self,
                                          int          width,
                                          gboolean     rtl,
                                          LkKeyLayout *layout);
/* The narrowest width that shows the name and the expiry, and the width
 * that shows every column at its natural size. */
void       lk_key_table_get_row_widths   (LkKeyTable  *self,
                                          int         *minimum,
                                          int         *natural);
/* The column at @x in a row @width pixels wide, or LK_N_KEY_COLUMNS. */
LkKeyColumn lk_key_table_column_at       (LkKeyTable  *self,
                                          int          width,
                                          gboolean     rtl,
                                          double       x);

G_END_DECLS
