/* lk-rotation-start.c: after each sign-in, what earlier runs left
 *
 * Independent of any other start-up work: it waits for the client's
 * first list, so that the resume lists nothing twice, and cancels with
 * the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-rotation-start"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-rules.h"
#include "lk-lost-creates.h"
#include "lk-rotation.h"
#include "lk-rotation-start.h"
#include "lk-secret-view.h"
#include "lk-window-private.h"

typedef struct {
  LkWindow     *window;   /* weak */
  LkClient     *client;
  GCancellable *cancellable;
  gulong        loading_handler;
} Start;

static void
start_free (Start *start)
{
  if (start->loading_handler != 0)
    g_clear_signal_handler (&start->loading_handler, start->client);
  g_clear_weak_pointer (&start->window);
  g_clear_object (&start->client);
  g_clear_object (&start->cancellable);
  g_free (start);
}

static gboolean
on_unstored_close_request (GtkWindow    *dialog,
                           LkSecretView *view)
{
  if (!lk_secret_view_get_secret_safe (view))
    {
      /* The secret exists nowhere else: stay, and say why. */
      lk_secret_view_show_keep_open (view);
      return TRUE;
    }

  lk_secret_view_clear (view);
  return FALSE;
}

/* A recovered secret the keyring did not take: shown once, as after any
 * create, in a window of its own. */
static void
show_unstored (LkWindow     *window,
               LkClient     *client,
               LkCreatedKey *created)
{
  AdwWindow *dialog = ADW_WINDOW (adw_window_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *view = lk_secret_view_new ();

  gtk_window_set_title (GTK_WINDOW (dialog), _("Recovered Key"));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 520, 480);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_margin_start (view, 12);
  gtk_widget_set_margin_end (view, 12);
  gtk_box_append (GTK_BOX (box), view);
  adw_window_set_content (dialog, box);
  lk_secret_view_set_created (LK_SECRET_VIEW (view), client, created);
  g_signal_connect (dialog, "close-request", G_CALLBACK (on_unstored_close_request), view);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_resumed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Start *start = user_data;
  g_autoptr (LkRotationResume) resume = NULL;
  g_autoptr (GError) error = NULL;
  LkWindow *window = start->window;

  resume = lk_rotation_resume_finish (result, &error);
  if (window == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      start_free (start);
      return;
    }

  if (resume == NULL)
    {
      lk_window_show_error (window, error->message, NULL);
      start_free (start);
      return;
    }

  for (guint i = 0; i < resume->recovered->len; i++)
    {
      LkCreatedKey *created = g_ptr_array_index (resume->recovered, i);

      if (!created->stored)
        show_unstored (window, start->client, created);
    }
  for (guint i = 0; i < resume->completed->len; i++)
    {
      LkRotationOutcome *outcome = g_ptr_array_index (resume->completed, i);
      g_autofree char *name = lk_key_name_make_visible (outcome->old_name);
      /* Translators: %s is the name of a key whose rotation, cut short
       * in an earlier run, was finished now */
      g_autofree char *text = g_strdup_printf (_("Finished rotating “%s”"), name);

      lk_window_show_toast (window, text);
    }
  for (guint i = 0; i < resume->rolled_back->len; i++)
    {
      g_autofree char *name = lk_key_name_make_visible (g_ptr_array_index (resume->rolled_back, i));
      /* Translators: %s is the name of a new key deleted again because an
       * earlier run could not finish its rotation; the old key still works */
      g_autofree char *text = g_strdup_printf (_("Undid an unfinished rotation: “%s” was deleted again"), name);

      lk_window_show_toast (window, text);
    }
  for (guint i = 0; i < resume->deleted->len; i++)
    {
      g_autofree char *name = lk_key_name_make_visible (g_ptr_array_index (resume->deleted, i));
      /* Translators: %s is the name of an old key deleted when the time
       * its rotation scheduled came */
      g_autofree char *text = g_strdup_printf (_("Deleted “%s”, as its rotation scheduled"), name);

      lk_window_show_toast (window, text);
    }
  if (resume->failed->len > 0)
    {
      g_autoptr (GString) text = g_string_new (NULL);

      /* Errors explain themselves at length: the banner, one a line. */
      for (guint i = 0; i < resume->failed->len; i++)
        {
          if (i > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, ((GError *) g_ptr_array_index (resume->failed, i))->message);
        }
      lk_window_show_error (window, text->str, NULL);
    }
  /* Keys made by earlier runs whose secret nobody has: the user decides. */
  if (resume->lost->len > 0)
    lk_lost_creates_ask (GTK_WINDOW (window), start->client, g_ptr_array_ref (resume->lost));

  /* What changed on the platform, and in the schedule, is shown. */
  if (resume->recovered->len + resume->completed->len + resume->rolled_back->len +
      resume->deleted->len > 0 && lk_session_get_client (window->session) == start->client)
    lk_keys_view_refresh (lk_window_get_keys_view (window));
  _lk_window_rotate_reload (window);

  start_free (start);
}

static void
resume (Start *start)
{
  if (start->loading_handler != 0)
    g_clear_signal_handler (&start->loading_handler, start->client);
  lk_rotation_resume_async (start->client, start->cancellable, on_resumed, start);
}

static void
on_loading_changed (LkClient *client,
                    GParamSpec *pspec,
                    Start      *start)
{
  if (!lk_client_get_loading (client))
    resume (start);
}

void
lk_rotation_start (LkWindow *window,
                   LkClient *client)
{
  Start *start;

  g_return_if_fail (LK_IS_WINDOW (window));
  g_return_if_fail (LK_IS_CLIENT (client));

  _lk_window_rotate_follow (window, client);

  start = g_new0 (Start, 1);
  g_set_weak_pointer (&start->window, window);
  start->client = g_object_ref (client);
  start->cancellable = g_object_ref (window->cancellable);

  /* After the list under way (see lk_rotation_resume_async()). */
  if (lk_client_get_loading (client))
    start->loading_handler = g_signal_connect (client, "notify::loading",
                                               G_CALLBACK (on_loading_changed), start);
  else
    resume (start);
}
