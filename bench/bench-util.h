/* bench-util.h: small helpers shared by the benchmark programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GAsyncReadyCallback that keeps the result in *(GAsyncResult **) user_data. */
void          bench_store_result (GObject       *source,
                                  GAsyncResult  *result,
                                  gpointer       user_data);
/* Iterates the default main context until *@result is set; exits the
 * program after @timeout_s seconds.  Returns *@result (owned by the caller). */
GAsyncResult *bench_wait_result  (GAsyncResult **result,
                                  guint          timeout_s);
/* Iterates until *@flag is TRUE or @timeout_ms passes; returns *@flag. */
gboolean      bench_wait_flag    (gboolean      *flag,
                                  guint          timeout_ms);
/* Monotonic time in milliseconds, as a double. */
double        bench_now_ms       (void);
/* Sorts @values (doubles) and returns the nearest-rank percentile @p (0..1). */
double        bench_percentile   (GArray        *values,
                                  double         p);
/* Exits with status 1 after printing @error's message, when set. */
void          bench_check        (const char    *what,
                                  GError        *error);

G_END_DECLS
