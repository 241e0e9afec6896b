/* lk-bench-create.h: drives the create dialog of the real window, for the benchmark
 *
 * See lk-bench-create.c; used by bench/layer-keys-bench.c with
 * LK_BENCH_WATCH=create.  The shipped application has none of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* @keys: the model of the window's list of keys, whose size says the
 * window is signed in and listed. */
void lk_bench_create_attach (GtkWindow  *window,
                             GListModel *keys);

G_END_DECLS
