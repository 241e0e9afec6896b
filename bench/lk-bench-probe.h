/* lk-bench-probe.h: records when a window first shows its list, for the benchmark
 *
 * Benchmark programs attach it to their windows (bench/layer-keys-bench.c,
 * bench/bench-window-baseline.c); the shipped application has none.
 * Inactive, and costs nothing but one getenv(), unless the environment
 * asks for it (build-aux/bench does):
 *
 *   LK_BENCH_FIRST_FRAME=FILE   write the results to FILE, then quit the
 *                               application
 *   LK_BENCH_EXPECT_KEYS=N      the list is populated once @keys holds at
 *                               least N items (default 0: the first frame)
 *   LK_BENCH_SCROLL=1           once populated, scroll @list_scroller from
 *                               top to bottom, half a page per frame, and
 *                               record frame times
 *   LK_BENCH_SCROLL_STEP=F      the step as a fraction of a page (0.5)
 *
 * FILE gets "name=value" lines:
 *   first_frame_us   CLOCK_REALTIME (µs) of the first frame painted with
 *                    the list populated
 *   maxrss_kb        peak RSS of the process at that frame (getrusage)
 *   n_items          items in @keys at that frame
 * and, with LK_BENCH_SCROLL:
 *   scroll_frames, scroll_work_p50_us, scroll_work_p95_us,
 *   scroll_work_max_us (per frame: update + layout + paint),
 *   scroll_interval_p50_us, scroll_interval_p95_us (frame clock deltas),
 *   scroll_maxrss_kb
 *
 * The benchmark is only about this process: nothing is sent anywhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* @keys: the model whose size says "populated" (nullable: then the first
 * frame counts).  @list_scroller: the scrolled window of the list
 * (nullable: then LK_BENCH_SCROLL looks for the first GtkScrolledWindow
 * inside @window that holds a GtkColumnView or GtkListView). */
void lk_bench_probe_attach (GtkWindow         *window,
                            GListModel        *keys,
                            GtkScrolledWindow *list_scroller);

G_END_DECLS
