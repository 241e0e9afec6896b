/* lk-secret-window.c: a new key's secret, in a window of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-key-rules.h"
#include "lk-secret-view.h"
#include "lk-secret-window.h"

struct _LkSecretWindow
{
  AdwWindow     parent_instance;

  LkSecretView *view;
  GtkWidget    *done_button;
};

G_DEFINE_FINAL_TYPE (LkSecretWindow, lk_secret_window, ADW_TYPE_WINDOW)

static void
on_secret_safe_changed (LkSecretWindow *self)
{
  if (lk_secret_view_get_secret_safe (self->view))
    gtk_widget_add_css_class (self->done_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->done_button, "suggested-action");
}

static void
done_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static gboolean
lk_secret_window_close_request (GtkWindow *window)
{
  LkSecretWindow *self = LK_SECRET_WINDOW (window);

  if (!lk_secret_view_get_secret_safe (self->view))
    {
      /* The secret exists nowhere else: stay, and say why. */
      lk_secret_view_show_keep_open (self->view);
      return TRUE;
    }

  lk_secret_view_clear (self->view);

  return GTK_WINDOW_CLASS (lk_secret_window_parent_class)->close_request (window);
}

static void
lk_secret_window_class_init (LkSecretWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  window_class->close_request = lk_secret_window_close_request;

  gtk_widget_class_install_action (widget_class, "secret-window.done", NULL, done_activated);
  /* Escape asks to close, which close_request may refuse. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lk_secret_window_init (LkSecretWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);

  self->done_button = gtk_button_new_with_mnemonic (_("_Done"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->done_button), "secret-window.done");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->done_button);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (box), header);

  self->view = LK_SECRET_VIEW (lk_secret_view_new ());
  g_signal_connect_object (self->view, "notify::secret-safe",
                           G_CALLBACK (on_secret_safe_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_set_margin_top (GTK_WIDGET (self->view), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->view), 18);
  gtk_widget_set_margin_start (GTK_WIDGET (self->view), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->view), 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), scrolled);
  gtk_box_append (GTK_BOX (box), overlay);

  adw_window_set_content (ADW_WINDOW (self), box);
}

LkSecretWindow *
lk_secret_window_new (GtkApplication *app,
                      LkClient       *client,
                      LkCreatedKey   *created)
{
  LkSecretWindow *self;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (client == NULL || LK_IS_CLIENT (client), NULL);
  g_return_val_if_fail (created != NULL && created->key != NULL, NULL);

  self = g_object_new (LK_TYPE_SECRET_WINDOW,
                       "application", app,
                       NULL);
  lk_secret_view_set_created (self->view, client, created);
  on_secret_safe_changed (self);

  name = lk_key_name_make_visible (lk_api_key_get_name (created->key));
  /* Translators: the title of a window showing a new key's secret; %s is
   * the key's name */
  title = g_strdup_printf (_("Secret of “%s”"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);

  return self;
}

LkSecretView *
lk_secret_window_get_view (LkSecretWindow *self)
{
  g_return_val_if_fail (LK_IS_SECRET_WINDOW (self), NULL);

  return self->view;
}
