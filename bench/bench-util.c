/* bench-util.c: small helpers shared by the benchmark programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-util.h"

#include <stdlib.h>

void
bench_store_result (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

GAsyncResult *
bench_wait_result (GAsyncResult **result,
                   guint          timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("benchmark: timed out after %u s\n", timeout_s);
          exit (1);
        }
      g_main_context_iteration (NULL, TRUE);
    }

  return g_steal_pointer (result);
}

static gboolean
wake_up (gpointer user_data)
{
  gboolean *fired = user_data;

  *fired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
bench_wait_flag (gboolean *flag,
                 guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, wake_up, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return *flag;
}

double
bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_percentile (GArray *values,
                  double  p)
{
  guint rank;

  if (values->len == 0)
    return 0;

  g_array_sort (values, compare_double);
  /* The smallest rank r with r >= p * n (no libm needed). */
  rank = (guint) (p * values->len);
  if ((double) rank < p * values->len)
    rank++;
  rank = CLAMP (rank, 1, values->len);

  return g_array_index (values, double, rank - 1);
}

void
bench_check (const char *what,
             GError     *error)
{
  if (error == NULL)
    return;

  g_printerr ("benchmark: %s failed: %s\n", what, error->message);
  exit (1);
}
