/* lk-error-banner.c: an error too long for a toast, across the top of the
 * window
 *
 * A toast goes after a few seconds and holds one short line: an error
 * message that explains itself ("Could not refresh the list: the
 * platform did not answer within 30 seconds…") is cut off, and a screen
 * reader user may not reach it before it goes.  This banner stays until
 * Dismiss (or Retry), wraps its text, and is announced as an alert.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-error-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-error-banner.h"

struct _LkErrorBanner
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
  GtkLabel    *label;
  GtkButton   *retry_button;
  GtkButton   *dismiss_button;

  char        *message;
  char        *retry_action;
};

G_DEFINE_FINAL_TYPE (LkErrorBanner, lk_error_banner, GTK_TYPE_WIDGET)

static void
on_retry_clicked (LkErrorBanner *self)
{
  g_autofree char *action = g_steal_pointer (&self->retry_action);
  g_autofree char *name = NULL;
  g_autoptr (GVariant) target = NULL;
  g_autoptr (GError) error = NULL;

  lk_error_banner_dismiss (self);
  if (action == NULL)
    return;
  if (!g_action_parse_detailed_name (action, &name, &target, &error))
    {
      g_warning ("Retry: %s", error->message);
      return;
    }
  gtk_widget_activate_action_variant (GTK_WIDGET (self), name, target);
}

void
lk_error_banner_show (LkErrorBanner *self,
                      const char    *message,
                      const char    *retry_action)
{
  g_return_if_fail (LK_IS_ERROR_BANNER (self));
  g_return_if_fail (message != NULL);

  g_free (self->message);
  self->message = g_strdup (message);
  g_free (self->retry_action);
  self->retry_action = g_strdup (retry_action);

  gtk_label_set_text (self->label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), retry_action != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
  /* Said when it appears, as an alert is. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, message,
                                  -1);
}

void
lk_error_banner_dismiss (LkErrorBanner *self)
{
  g_return_if_fail (LK_IS_ERROR_BANNER (self));

  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->retry_action, g_free);
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
}

const char *
lk_error_banner_get_message (LkErrorBanner *self)
{
  g_return_val_if_fail (LK_IS_ERROR_BANNER (self), NULL);

  return self->message;
}

const char *
lk_error_banner_get_retry_action (LkErrorBanner *self)
{
  g_return_val_if_fail (LK_IS_ERROR_BANNER (self), NULL);

  return self->retry_action;
}

static void
on_child_revealed (LkErrorBanner *self)
{
  /* Hidden once closed: nothing left for Tab or a screen reader. */
  if (!gtk_revealer_get_child_revealed (self->revealer) &&
      !gtk_revealer_get_reveal_child (self->revealer))
    gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
lk_error_banner_dispose (GObject *object)
{
  LkErrorBanner *self = LK_ERROR_BANNER (object);

  g_clear_pointer ((GtkWidget **) &self->revealer, gtk_widget_unparent);

  G_OBJECT_CLASS (lk_error_banner_parent_class)->dispose (object);
}

static void
lk_error_banner_finalize (GObject *object)
{
  LkErrorBanner *self = LK_ERROR_BANNER (object);

  g_free (self->message);
  g_free (self->retry_action);

  G_OBJECT_CLASS (lk_error_banner_parent_class)->finalize (object);
}

static void
lk_error_banner_class_init (LkErrorBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_error_banner_dispose;
  object_class->finalize = lk_error_banner_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lk-error-banner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
lk_error_banner_init (LkErrorBanner *self)
{
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *retry;
  GtkWidget *dismiss;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "lk-banner");

  label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  retry = gtk_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (retry, "suggested-action");
  g_signal_connect_swapped (retry, "clicked", G_CALLBACK (on_retry_clicked), self);
  gtk_box_append (GTK_BOX (box), retry);

  /* Translators: closes the banner that shows an error */
  dismiss = gtk_button_new_with_mnemonic (_("_Dismiss"));
  gtk_widget_set_valign (dismiss, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (dismiss, "clicked", G_CALLBACK (lk_error_banner_dismiss), self);
  gtk_box_append (GTK_BOX (box), dismiss);

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (self->revealer, box);
  g_signal_connect_swapped (self->revealer, "notify::child-revealed",
                            G_CALLBACK (on_child_revealed), self);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));

  self->label = GTK_LABEL (label);
  self->retry_button = GTK_BUTTON (retry);
  self->dismiss_button = GTK_BUTTON (dismiss);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
lk_error_banner_new (void)
{
  return g_object_new (LK_TYPE_ERROR_BANNER, NULL);
}
