/* bench-filter.c: search while typing, over 10,000 or 100,000 keys
 *
 * Lists a simulated tenant of N generated keys with LkClient (simulator in
 * this process: only the typing is timed), shows the real LkKeysView in a
 * window, then types keystroke sequences into its search with
 * lk_keys_view_set_search_text(), which applies the filter at once (no
 * entry delay).  For each keystroke it times:
 *   view_model  the call itself: the view's LkShownKeys searching its
 *               sorted keys, the rows following it, the table's reaction
 *               and the view's state
 *   view_frame  from the keystroke to the end of the next painted frame
 *   filter      a bare GtkFilterListModel + GtkCustomFilter over the same
 *               keys with a copy of the view's matching (casefolded
 *               "name\nclient-id" cached per key, strstr) and the same
 *               GtkFilterChange hints: the filter alone, without sorting
 *   filter_sort the same bare filter, followed by a GtkSortListModel with
 *               the view's own sorter (the table's, sorted by name):
 *               and a GtkMultiSelection on top: the models without any
 *               widget; view_model minus this is what the widgets cost
 * Keystrokes come at a typing pace, LK_BENCH_TYPING_MS [100] apart (the
 * main loop runs in between, as it would): a keystroke typed right after
 * a frame would wait for the frame clock's next slot (up to 16.7 ms on
 * Xvfb) even when it costs nothing, which no typist sees.  0 types them
 * back to back, each right after the frame of the one before.
 * The first keystroke of the first sequence is "cold" (the first search
 * since the list arrived): it comes LK_BENCH_FIRST_KEY_MS [500] after the
 * list is first painted, a quick user's reaction to seeing it; it is
 * reported on its own as well as counted in the percentiles.
 *
 *   bench-filter N [REPEATS]      (LK_BENCH_VERBOSE=1: each keystroke on stderr)
 *
 * Prints one line of name=value pairs (milliseconds).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "lk-client.h"
#include "lk-key-search.h"
#include "lk-keys-view.h"
#include "lk-simulator.h"

/* Typing and deleting, a character at a time: the name of a generated
 * key, a word of several seeded names, and a piece of a client ID. */
static const char * const sequences[] = {
  "key 0123",
  "scanner",
  "ci",
  "4a7",
  NULL,
};

/* ---- The view's matching alone (lk-key-search.c), without widgets ---- */

typedef struct {
  GtkCustomFilter    *filter;
  GtkFilterListModel *model;
  char               *needle;
} BareFilter;

static gboolean
bare_match (gpointer item,
            gpointer user_data)
{
  BareFilter *bare = user_data;

  return lk_key_search_matches (item, bare->needle);
}

static void
bare_set_text (BareFilter *bare,
               const char *text)
{
  char *folded = lk_key_search_needle (text);
  GtkFilterChange change;

  if (g_strcmp0 (folded, bare->needle) == 0)
    {
      g_free (folded);
      return;
    }

  change = lk_key_search_change (bare->needle, folded);
  g_free (bare->needle);
  bare->needle = folded;
  gtk_filter_changed (GTK_FILTER (bare->filter), change);
}

/* ---- The view's parts ---- */

/* A part of the view by its name in the view's template ("shown": the
 * keys shown, "table", "state_stack"): the benchmark's way in, as the
 * tests'; the view has no function for it. */
static gpointer
view_part (LkKeysView *view,
           const char *name)
{
  GObject *part = gtk_widget_get_template_child (GTK_WIDGET (view), LK_TYPE_KEYS_VIEW, name);

  if (part == NULL)
    {
      g_printerr ("bench-filter: the keys view has no “%s”\n", name);
      exit (1);
    }
  return part;
}

static const char *
view_state (LkKeysView *view)
{
  return gtk_stack_get_visible_child_name (view_part (view, "state_stack"));
}

/* ---- Frames ---- */

static gboolean painted;

static void
on_after_paint (GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  painted = TRUE;
}

/* Runs the main loop for @ms milliseconds. */
static void
pause_ms (guint ms)
{
  gboolean never = FALSE;

  if (ms > 0)
    bench_wait_flag (&never, ms);
}

static guint
env_ms (const char *name,
        guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
wait_for_frame (GtkWidget *window)
{
  painted = FALSE;
  gtk_widget_queue_draw (window);
  if (!bench_wait_flag (&painted, 5000))
    {
      g_printerr ("bench-filter: no frame was painted\n");
      exit (1);
    }
}

/* The texts typed for @word: "k", "ke", ... "key 0123", then back to "". */
static GPtrArray *
keystrokes (void)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint s = 0; sequences[s] != NULL; s++)
    {
      gsize length = strlen (sequences[s]);

      for (gsize i = 1; i <= length; i++)
        g_ptr_array_add (texts, g_strndup (sequences[s], i));
      for (gsize i = length; i-- > 0;)
        g_ptr_array_add (texts, g_strndup (sequences[s], i));
    }

  return texts;
}

static void
print_stats (const char *name,
             GArray     *values)
{
  printf (" %s_p50_ms=%.3f %s_p95_ms=%.3f",
          name, bench_percentile (values, 0.50),
          name, bench_percentile (values, 0.95));
  printf (" %s_max_ms=%.3f", name, g_array_index (values, double, values->len - 1));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkSimulator) simulator = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  g_autoptr (GPtrArray) texts = keystrokes ();
  g_autoptr (GArray) view_model = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) view_frame = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) bare_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) sorted_times = g_array_new (FALSE, FALSE, sizeof (double));
  GtkSortListModel *sorted;
  GtkMultiSelection *selection;
  GAsyncResult *result = NULL;
  BareFilter bare = { NULL };
  GtkWidget *window;
  LkKeysView *view;
  GListModel *keys;
  guint n_keys, repeats, typing_ms, first_key_ms;
  double cold_ms = 0, bare_cold_ms = 0;

  if (argc < 2)
    {
      g_printerr ("usage: bench-filter N [REPEATS]\n");
      return 2;
    }
  n_keys = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  repeats = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5;
  repeats = MAX (repeats, 1);
  typing_ms = env_ms ("LK_BENCH_TYPING_MS", 100);
  first_key_ms = env_ms ("LK_BENCH_FIRST_KEY_MS", 500);

  gtk_init ();
  adw_init ();

  /* The tenant, listed by the core. */
  simulator = lk_simulator_new ();
  lk_simulator_seed (simulator, n_keys);
  lk_simulator_start (simulator, 0, NULL, &error);
  bench_check ("starting the simulator", error);

  platform = lk_simulator_get_platform (simulator);
  client = lk_client_new (platform);
  lk_client_set_credentials (client,
                             lk_simulator_get_admin_client_id (simulator),
                             lk_simulator_get_admin_client_secret (simulator));
  lk_client_sign_in_async (client, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  whoami = lk_client_sign_in_finish (client, result, &error);
  g_clear_object (&result);
  bench_check ("signing in", error);

  lk_client_list_keys_async (client, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 600);
  lk_client_list_keys_finish (client, result, &error);
  g_clear_object (&result);
  bench_check ("listing", error);
  keys = lk_client_get_keys (client);

  /* The view, as the window shows it. */
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  view = LK_KEYS_VIEW (lk_keys_view_new ());
  lk_keys_view_set_can_read (view, TRUE);
  lk_keys_view_set_client (view, client);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_realized (window))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_after_paint), NULL);
  wait_for_frame (window);
  if (g_strcmp0 (view_state (view), "list") != 0)
    {
      g_printerr ("bench-filter: the view shows “%s”, not the list\n",
                  view_state (view));
      return 1;
    }

  for (guint r = 0; r < repeats; r++)
    for (guint i = 0; i < texts->len; i++)
      {
        const char *text = g_ptr_array_index (texts, i);
        double t0, t1, t2, model_ms, frame_ms;

        pause_ms (r == 0 && i == 0 ? first_key_ms : typing_ms);
        t0 = bench_now_ms ();
        lk_keys_view_set_search_text (view, text);
        t1 = bench_now_ms ();
        wait_for_frame (window);
        t2 = bench_now_ms ();

        model_ms = t1 - t0;
        frame_ms = t2 - t0;
        if (g_getenv ("LK_BENCH_VERBOSE") != NULL)
          g_printerr ("“%s”: %.3f ms, frame %.3f ms, %u shown\n", text, model_ms, frame_ms,
                      g_list_model_get_n_items (view_part (view, "shown")));

        if (r == 0 && i == 0)
          cold_ms = model_ms;
        g_array_append_val (view_model, model_ms);
        g_array_append_val (view_frame, frame_ms);
      }

  /* The bare filter over the same keys. */
  bare.filter = gtk_custom_filter_new (bare_match, &bare, NULL);
  bare.model = gtk_filter_list_model_new (g_object_ref (keys), GTK_FILTER (bare.filter));
  for (guint r = 0; r < repeats; r++)
    for (guint i = 0; i < texts->len; i++)
      {
        double t0 = bench_now_ms (), dt;

        bare_set_text (&bare, g_ptr_array_index (texts, i));
        dt = bench_now_ms () - t0;
        if (r == 0 && i == 0)
          bare_cold_ms = dt;
        g_array_append_val (bare_times, dt);
      }

  /* The same, with the view's sorter behind it, and no widgets. */
  g_clear_pointer (&bare.needle, g_free);
  gtk_filter_changed (GTK_FILTER (bare.filter), GTK_FILTER_CHANGE_LESS_STRICT);
  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (bare.model)),
                                    g_object_ref (lk_key_table_get_sorter (view_part (view, "table"))));
  /* and the view's kind of selection model on top, still without widgets */
  selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (sorted)));
  for (guint r = 0; r < repeats; r++)
    for (guint i = 0; i < texts->len; i++)
      {
        double t0 = bench_now_ms (), dt;

        bare_set_text (&bare, g_ptr_array_index (texts, i));
        dt = bench_now_ms () - t0;
        g_array_append_val (sorted_times, dt);
      }
  if (g_list_model_get_n_items (G_LIST_MODEL (sorted)) != g_list_model_get_n_items (keys))
    {
      g_printerr ("bench-filter: the sorted model lost keys\n");
      return 1;
    }
  g_object_unref (selection);
  g_object_unref (sorted);

  printf ("n_keys=%u keystrokes=%u cold_ms=%.3f filter_cold_ms=%.3f",
          g_list_model_get_n_items (keys), view_model->len, cold_ms, bare_cold_ms);
  print_stats ("view_model", view_model);
  print_stats ("view_frame", view_frame);
  print_stats ("filter", bare_times);
  print_stats ("filter_sort", sorted_times);
  printf ("\n");

  g_object_unref (bare.model);
  g_free (bare.needle);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
