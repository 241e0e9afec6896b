/* lk-bench-create.c: drives the create dialog of the real window, for the benchmark
 *
 * With LK_BENCH_WATCH=create, bench/layer-keys-bench.c hands each
 * LkWindow to lk_bench_create_attach(), which does what a user does,
 * through the widgets and actions the product already has (nothing in
 * src/ knows about it):
 *
 *   1. waits until the window lists at least LK_BENCH_EXPECT_KEYS keys
 *      (signed in, list on screen), then activates win.new-key;
 *   2. in the create dialog, types LK_BENCH_CREATE_NAME into the name
 *      row, leaves the default expiry, ticks “all permissions” (no
 *      permission picked), and activates Next;
 *   3. once the summary has been painted and its transition is over
 *      (plus a short pause, as a user would read it), clicks Create
 *      ("clicked" on the dialog's Create button, as a mouse click's
 *      release emits it): the clock starts;
 *   4. stops the clock at the first frame of the dialog painted with its
 *      “secret” page as the visible page; only then checks that the
 *      secret is in the keyring: the secret view's key says it is stored,
 *      and a direct libsecret lookup by the key's ID (after the clock
 *      stopped, so it costs the figure nothing) returns the very secret;
 *   5. writes LK_BENCH_CREATE_OUT and quits the application.
 *
 * LK_BENCH_CREATE_OUT gets one line of "name=value" words:
 *   create_ms    Create activated -> first frame painted with the secret page
 *   settled_ms   Create activated -> first frame after the page's slide ended
 *   stored       1 when both keyring checks held
 *   key_id       the created key's ID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-bench-create"

#include "config.h"

#include <libsecret/secret.h>

#include "lk-bench-create.h"
#include "lk-create-dialog.h"
#include "lk-secret-view.h"

#include "bench-schema.h"

typedef enum {
  RUN_WAITING_LIST,
  RUN_WAITING_DIALOG,
  RUN_WAITING_SUMMARY,  /* painted and settled */
  RUN_PAUSING,
  RUN_CREATING,
  RUN_SETTLING,
  RUN_DONE,
} RunState;

typedef struct {
  GtkWindow      *window;        /* not owned */
  GListModel     *keys;          /* owned */
  guint           expect;
  char           *name;
  char           *out_path;
  GtkWidget      *dialog;        /* owned once found */
  GdkFrameClock  *frame_clock;   /* the dialog's, owned */
  gulong          after_paint_id;
  RunState        state;
  guint           poll_id;
  gint64          start_us;      /* monotonic, Create activated */
  gint64          shown_us;
  gint64          settled_us;
  gboolean        stored;
  char           *key_id;
} CreateRun;

static void
fail (const char *what)
{
  g_printerr ("bench-create: %s\n", what);
  g_application_quit (g_application_get_default ());
}

static GObject *
dialog_child (CreateRun  *run,
              const char *name)
{
  GObject *child = gtk_widget_get_template_child (run->dialog, LK_TYPE_CREATE_DIALOG, name);

  if (child == NULL)
    g_error ("The create dialog has no “%s” for the benchmark", name);

  return child;
}

static const char *
current_page (CreateRun *run)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (dialog_child (run, "stack")));
}

static gboolean
transition_running (CreateRun *run)
{
  return gtk_stack_get_transition_running (GTK_STACK (dialog_child (run, "stack")));
}

/* After the clock stopped: is the secret the dialog shows in the keyring? */
static gboolean
check_stored (CreateRun *run)
{
  LkSecretView *view = LK_SECRET_VIEW (dialog_child (run, "secret_view"));
  LkCreatedKey *created = lk_secret_view_get_created (view);
  g_autoptr (GError) error = NULL;
  char *found;
  gboolean same;

  if (created == NULL || created->key == NULL)
    return FALSE;
  run->key_id = g_strdup (lk_api_key_get_id (created->key));
  if (!created->stored)
    {
      g_printerr ("bench-create: the secret view says the secret is not stored\n");
      return FALSE;
    }

  found = secret_password_lookup_sync (bench_api_key_schema (), NULL, &error,
                                       "key-id", run->key_id, NULL);
  if (found == NULL)
    {
      g_printerr ("bench-create: no keyring item for key %s%s%s\n", run->key_id,
                  error ? ": " : "", error ? error->message : "");
      return FALSE;
    }
  same = g_strcmp0 (found, created->client_secret) == 0;
  secret_password_free (found);

  return same;
}

static void
finish (CreateRun *run)
{
  g_autofree char *line = NULL;
  g_autoptr (GError) error = NULL;

  run->state = RUN_DONE;
  line = g_strdup_printf ("create_ms=%.3f settled_ms=%.3f stored=%d key_id=%s\n",
                          (run->shown_us - run->start_us) / 1000.0,
                          (run->settled_us - run->start_us) / 1000.0,
                          run->stored ? 1 : 0, run->key_id ? run->key_id : "-");
  if (!g_file_set_contents (run->out_path, line, -1, &error))
    g_warning ("Could not write the results: %s", error->message);
  g_application_quit (g_application_get_default ());
}

static gboolean
click_create (gpointer user_data)
{
  CreateRun *run = user_data;
  GtkWidget *button = GTK_WIDGET (dialog_child (run, "create_button"));

  run->state = RUN_CREATING;
  run->start_us = g_get_monotonic_time ();
  g_debug ("Create clicked");
  /* What a mouse click's release does (gtk_widget_activate() would wait
   * for the keyboard activation's 250 ms press feedback first). */
  g_signal_emit_by_name (button, "clicked");
  /* The create under way, the button says so (and the working page
   * comes only if it takes a while). */
  if (gtk_widget_is_sensitive (button))
    fail ("Create did nothing");

  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                CreateRun     *run)
{
  gint64 now = g_get_monotonic_time ();

  switch (run->state)
    {
    case RUN_WAITING_SUMMARY:
      if (g_str_equal (current_page (run), "summary") && !transition_running (run))
        {
          run->state = RUN_PAUSING;
          g_timeout_add (300, click_create, run);
        }
      break;

    case RUN_CREATING:
      if (g_strcmp0 (current_page (run), "secret") == 0)
        {
          run->shown_us = now;
          g_debug ("First frame painted with the secret page (monotonic %" G_GINT64_FORMAT
                   " -> %" G_GINT64_FORMAT " µs)", run->start_us, now);
          run->state = RUN_SETTLING;
          run->stored = check_stored (run);
        }
      else if (g_strcmp0 (current_page (run), "summary") != 0 &&
               g_strcmp0 (current_page (run), "working") != 0)
        fail (current_page (run));
      break;

    case RUN_SETTLING:
      if (!transition_running (run))
        {
          run->settled_us = now;
          finish (run);
        }
      break;

    case RUN_WAITING_LIST:
    case RUN_WAITING_DIALOG:
    case RUN_PAUSING:
    case RUN_DONE:
    default:
      break;
    }
}

static GtkWidget *
find_dialog (void)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (LK_IS_CREATE_DIALOG (l->data) && gtk_widget_get_mapped (l->data))
      return l->data;

  return NULL;
}

/* For a timeline with G_MESSAGES_DEBUG=lk-bench-create. */
static void
on_page_changed (GtkStack   *stack,
                 GParamSpec *pspec,
                 CreateRun  *run)
{
  g_debug ("Page %s", gtk_stack_get_visible_child_name (stack));
}

static void
on_phase (GdkFrameClock *frame_clock,
          gpointer       phase)
{
  g_debug ("Frame: %s", (const char *) phase);
}

static void
fill_dialog (CreateRun *run)
{
  GtkWidget *dialog = run->dialog;

  gtk_editable_set_text (GTK_EDITABLE (dialog_child (run, "name_row")), run->name);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (dialog_child (run, "confirm_all_check")), TRUE);
  gtk_widget_activate_action (dialog, "create.next", NULL);
  if (!g_str_equal (current_page (run), "summary"))
    {
      fail ("Next did not lead to the summary");
      return;
    }

  run->frame_clock = g_object_ref (gtk_widget_get_frame_clock (dialog));
  run->after_paint_id = g_signal_connect (run->frame_clock, "after-paint",
                                          G_CALLBACK (on_after_paint), run);
  run->state = RUN_WAITING_SUMMARY;
  g_signal_connect (dialog_child (run, "stack"), "notify::visible-child-name",
                    G_CALLBACK (on_page_changed), run);
  g_signal_connect (run->frame_clock, "update", G_CALLBACK (on_phase), (gpointer) "update");
  g_signal_connect (run->frame_clock, "layout", G_CALLBACK (on_phase), (gpointer) "layout");
  g_signal_connect (run->frame_clock, "paint", G_CALLBACK (on_phase), (gpointer) "paint");
  gtk_widget_queue_draw (dialog);
}

static gboolean
poll_window (gpointer user_data)
{
  CreateRun *run = user_data;

  switch (run->state)
    {
    case RUN_WAITING_LIST:
      if (gtk_widget_get_mapped (GTK_WIDGET (run->window)) &&
          g_list_model_get_n_items (run->keys) >= run->expect)
        {
          run->state = RUN_WAITING_DIALOG;
          gtk_widget_activate_action (GTK_WIDGET (run->window), "win.new-key", NULL);
        }
      return G_SOURCE_CONTINUE;

    case RUN_WAITING_DIALOG:
      run->dialog = find_dialog ();
      if (run->dialog == NULL)
        return G_SOURCE_CONTINUE;
      g_object_ref (run->dialog);
      run->poll_id = 0;
      fill_dialog (run);
      return G_SOURCE_REMOVE;

    case RUN_WAITING_SUMMARY:
    case RUN_PAUSING:
    case RUN_CREATING:
    case RUN_SETTLING:
    case RUN_DONE:
    default:
      run->poll_id = 0;
      return G_SOURCE_REMOVE;
    }
}

static void
create_run_free (CreateRun *run)
{
  g_clear_handle_id (&run->poll_id, g_source_remove);
  if (run->frame_clock != NULL)
    g_clear_signal_handler (&run->after_paint_id, run->frame_clock);
  g_clear_object (&run->frame_clock);
  g_clear_object (&run->dialog);
  g_clear_object (&run->keys);
  g_free (run->name);
  g_free (run->out_path);
  g_free (run->key_id);
  g_free (run);
}

void
lk_bench_create_attach (GtkWindow  *window,
                        GListModel *keys)
{
  const char *out = g_getenv ("LK_BENCH_CREATE_OUT");
  const char *name = g_getenv ("LK_BENCH_CREATE_NAME");
  const char *expect = g_getenv ("LK_BENCH_EXPECT_KEYS");
  CreateRun *run;

  if (out == NULL || out[0] == '\0' || name == NULL || name[0] == '\0')
    g_error ("LK_BENCH_WATCH=create needs LK_BENCH_CREATE_OUT and LK_BENCH_CREATE_NAME");

  run = g_new0 (CreateRun, 1);
  run->window = window;
  run->keys = g_object_ref (keys);
  run->expect = expect != NULL ? (guint) g_ascii_strtoull (expect, NULL, 10) : 1;
  run->name = g_strdup (name);
  run->out_path = g_strdup (out);
  run->state = RUN_WAITING_LIST;
  run->poll_id = g_timeout_add (20, poll_window, run);
  g_object_set_data_full (G_OBJECT (window), "lk-bench-create", run,
                          (GDestroyNotify) create_run_free);
}
