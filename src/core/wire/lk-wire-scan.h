/* lk-wire-scan.h: the one-pass reader of key pages (lk-wire-scan.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads a whole page of the plain shape the platform sends.  FALSE, with
 * nothing set, when the tree parser is to read it instead.  @data passed
 * lk_wire_body_is_plausible(). */
gboolean lk_wire_scan_key_page (const char  *data,
                                gsize        length,
                                GPtrArray  **out_items,
                                guint       *out_offset,
                                guint       *out_total);

G_END_DECLS
