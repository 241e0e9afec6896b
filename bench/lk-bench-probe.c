/* lk-bench-probe.c: records when a window first shows its list, for the benchmark
 *
 * Nothing here runs unless LK_BENCH_FIRST_FRAME is set (see the header).
 * This file depends on GTK only: layer-keys-bench (the application) and
 * the baseline window program both link it, so both record their first
 * frame the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-bench-probe"

#include "lk-bench-probe.h"

#include <stdlib.h>
#include <sys/resource.h>

typedef enum {
  PROBE_WAITING,     /* for a frame painted with the list populated */
  PROBE_SCROLLING,   /* scrolling, one step per frame */
  PROBE_DONE,
} ProbeState;

typedef struct {
  GtkWindow         *window;         /* not owned: the probe is its data */
  GListModel        *keys;           /* owned, nullable */
  GtkScrolledWindow *scroller;       /* weak */
  GdkFrameClock     *frame_clock;    /* owned once realized */
  gulong             before_paint_id;
  gulong             after_paint_id;
  char              *path;
  guint              expect;
  gboolean           scroll;
  double             scroll_step;
  ProbeState         state;

  gint64             first_frame_us;
  glong              first_maxrss_kb;
  guint              first_n_items;

  /* Scrolling */
  guint              tick_id;
  gint64             frame_start;     /* monotonic, at before-paint */
  gint64             last_frame_time; /* the frame clock's, previous tick */
  gboolean           ticked;          /* this frame ran a scroll step */
  gboolean           at_bottom;
  GArray            *work_us;         /* gint64 per frame */
  GArray            *interval_us;     /* gint64 per frame */
} Probe;

#define PROBE_KEY "lk-bench-probe"
/* Stop scrolling after this many frames whatever happens. */
#define PROBE_MAX_SCROLL_FRAMES 20000

static void
probe_free (gpointer data)
{
  Probe *probe = data;

  if (probe->frame_clock != NULL)
    {
      g_clear_signal_handler (&probe->before_paint_id, probe->frame_clock);
      g_clear_signal_handler (&probe->after_paint_id, probe->frame_clock);
      g_clear_object (&probe->frame_clock);
    }
  if (probe->scroller != NULL)
    {
      if (probe->tick_id != 0)
        gtk_widget_remove_tick_callback (GTK_WIDGET (probe->scroller), probe->tick_id);
      g_object_remove_weak_pointer (G_OBJECT (probe->scroller), (gpointer *) &probe->scroller);
    }
  g_clear_object (&probe->keys);
  g_clear_pointer (&probe->work_us, g_array_unref);
  g_clear_pointer (&probe->interval_us, g_array_unref);
  g_free (probe->path);
  g_free (probe);
}

static glong
peak_rss_kb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;

  return usage.ru_maxrss;  /* kilobytes on Linux */
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of @values (sorted in place); 0 when empty. */
static gint64
percentile (GArray *values,
            double  p)
{
  guint rank;

  if (values->len == 0)
    return 0;

  g_array_sort (values, compare_gint64);
  /* The smallest rank r with r >= p * n (no libm needed). */
  rank = (guint) (p * values->len);
  if ((double) rank < p * values->len)
    rank++;
  rank = CLAMP (rank, 1, values->len);

  return g_array_index (values, gint64, rank - 1);
}

static void
probe_finish (Probe *probe)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  GApplication *application;

  probe->state = PROBE_DONE;

  g_string_append_printf (out, "first_frame_us=%" G_GINT64_FORMAT "\n", probe->first_frame_us);
  g_string_append_printf (out, "maxrss_kb=%ld\n", probe->first_maxrss_kb);
  g_string_append_printf (out, "n_items=%u\n", probe->first_n_items);

  if (probe->scroll)
    {
      gint64 work_max = 0;

      for (guint i = 0; i < probe->work_us->len; i++)
        work_max = MAX (work_max, g_array_index (probe->work_us, gint64, i));

      g_string_append_printf (out, "scroll_frames=%u\n", probe->work_us->len);
      g_string_append_printf (out, "scroll_reached_bottom=%d\n", probe->at_bottom ? 1 : 0);
      g_string_append_printf (out, "scroll_work_p50_us=%" G_GINT64_FORMAT "\n",
                              percentile (probe->work_us, 0.50));
      g_string_append_printf (out, "scroll_work_p95_us=%" G_GINT64_FORMAT "\n",
                              percentile (probe->work_us, 0.95));
      g_string_append_printf (out, "scroll_work_max_us=%" G_GINT64_FORMAT "\n", work_max);
      g_string_append_printf (out, "scroll_interval_p50_us=%" G_GINT64_FORMAT "\n",
                              percentile (probe->interval_us, 0.50));
      g_string_append_printf (out, "scroll_interval_p95_us=%" G_GINT64_FORMAT "\n",
                              percentile (probe->interval_us, 0.95));
      g_string_append_printf (out, "scroll_maxrss_kb=%ld\n", peak_rss_kb ());
    }

  if (!g_file_set_contents (probe->path, out->str, (gssize) out->len, &error))
    g_warning ("Benchmark probe: could not write the results: %s", error->message);

  application = g_application_get_default ();
  if (application != NULL)
    g_application_quit (application);
}

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *frame_clock,
             gpointer       user_data)
{
  Probe *probe = user_data;
  GtkAdjustment *adjustment;
  gint64 frame_time = gdk_frame_clock_get_frame_time (frame_clock);
  double value, page, upper, target;

  if (probe->state != PROBE_SCROLLING)
    {
      probe->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (probe->last_frame_time != 0)
    {
      gint64 interval = frame_time - probe->last_frame_time;

      g_array_append_val (probe->interval_us, interval);
    }
  probe->last_frame_time = frame_time;

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  upper = gtk_adjustment_get_upper (adjustment);

  if (value + page >= upper - 0.5 || probe->work_us->len >= PROBE_MAX_SCROLL_FRAMES)
    {
      /* The bottom is on screen: the frame this tick belongs to is the last. */
      probe->at_bottom = value + page >= upper - 0.5;
      probe->tick_id = 0;
      probe_finish (probe);
      return G_SOURCE_REMOVE;
    }

  target = MIN (value + MAX (page * probe->scroll_step, 1.0), upper - page);
  gtk_adjustment_set_value (adjustment, target);
  probe->ticked = TRUE;

  return G_SOURCE_CONTINUE;
}

static gboolean
holds_list (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_COLUMN_VIEW (child) || GTK_IS_LIST_VIEW (child) || holds_list (child))
        return TRUE;
    }

  return FALSE;
}

static GtkScrolledWindow *
find_list_scroller (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget) && holds_list (widget))
    return GTK_SCROLLED_WINDOW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_list_scroller (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
start_scrolling (Probe *probe)
{
  if (probe->scroller == NULL)
    {
      probe->scroller = find_list_scroller (GTK_WIDGET (probe->window));
      if (probe->scroller != NULL)
        g_object_add_weak_pointer (G_OBJECT (probe->scroller), (gpointer *) &probe->scroller);
    }

  if (probe->scroller == NULL)
    {
      g_warning ("Benchmark probe: no list to scroll");
      probe_finish (probe);
      return;
    }

  probe->state = PROBE_SCROLLING;
  probe->work_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  probe->interval_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (probe->scroller), 0);
  probe->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (probe->scroller),
                                                 scroll_tick, probe, NULL);
}

static void
on_before_paint (GdkFrameClock *frame_clock,
                 Probe         *probe)
{
  probe->frame_start = g_get_monotonic_time ();
  probe->ticked = FALSE;
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                Probe         *probe)
{
  guint n_items;

  switch (probe->state)
    {
    case PROBE_WAITING:
      n_items = probe->keys != NULL ? g_list_model_get_n_items (probe->keys) : 0;
      if (n_items < probe->expect)
        return;

      probe->first_frame_us = g_get_real_time ();
      probe->first_maxrss_kb = peak_rss_kb ();
      probe->first_n_items = n_items;
      if (probe->scroll)
        start_scrolling (probe);
      else
        probe_finish (probe);
      break;

    case PROBE_SCROLLING:
      if (probe->ticked && probe->frame_start != 0)
        {
          gint64 work = g_get_monotonic_time () - probe->frame_start;

          g_array_append_val (probe->work_us, work);
        }
      break;

    case PROBE_DONE:
    default:
      break;
    }
}

static void
on_realize (GtkWidget *widget,
            Probe     *probe)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (widget);

  if (frame_clock == NULL || probe->frame_clock != NULL)
    return;

  probe->frame_clock = g_object_ref (frame_clock);
  probe->before_paint_id = g_signal_connect (frame_clock, "before-paint",
                                             G_CALLBACK (on_before_paint), probe);
  probe->after_paint_id = g_signal_connect (frame_clock, "after-paint",
                                            G_CALLBACK (on_after_paint), probe);
}

static void
on_keys_changed (GListModel *keys,
                 guint       position,
                 guint       removed,
                 guint       added,
                 GtkWindow  *window)
{
  Probe *probe = g_object_get_data (G_OBJECT (window), PROBE_KEY);

  /* Make sure a frame follows the change that populates the list. */
  if (probe != NULL && probe->state == PROBE_WAITING && g_list_model_get_n_items (keys) >= probe->expect)
    gtk_widget_queue_draw (GTK_WIDGET (window));
}

void
lk_bench_probe_attach (GtkWindow         *window,
                       GListModel        *keys,
                       GtkScrolledWindow *list_scroller)
{
  const char *path = g_getenv ("LK_BENCH_FIRST_FRAME");
  const char *expect = g_getenv ("LK_BENCH_EXPECT_KEYS");
  const char *scroll = g_getenv ("LK_BENCH_SCROLL");
  const char *step = g_getenv ("LK_BENCH_SCROLL_STEP");
  Probe *probe;

  if (path == NULL || path[0] == '\0')
    return;

  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (keys == NULL || G_IS_LIST_MODEL (keys));
  g_return_if_fail (list_scroller == NULL || GTK_IS_SCROLLED_WINDOW (list_scroller));

  probe = g_new0 (Probe, 1);
  probe->window = window;
  probe->keys = keys != NULL ? g_object_ref (keys) : NULL;
  probe->path = g_strdup (path);
  probe->expect = expect != NULL ? (guint) g_ascii_strtoull (expect, NULL, 10) : 0;
  probe->scroll = scroll != NULL && g_strcmp0 (scroll, "0") != 0;
  probe->scroll_step = step != NULL ? g_ascii_strtod (step, NULL) : 0.5;
  if (!(probe->scroll_step > 0.0))
    probe->scroll_step = 0.5;
  probe->state = PROBE_WAITING;
  if (list_scroller != NULL)
    {
      probe->scroller = list_scroller;
      g_object_add_weak_pointer (G_OBJECT (list_scroller), (gpointer *) &probe->scroller);
    }

  g_object_set_data_full (G_OBJECT (window), PROBE_KEY, probe, probe_free);

  if (keys != NULL)
    g_signal_connect_object (keys, "items-changed", G_CALLBACK (on_keys_changed), window, 0);
  g_signal_connect_after (window, "realize", G_CALLBACK (on_realize), probe);
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    on_realize (GTK_WIDGET (window), probe);
}
