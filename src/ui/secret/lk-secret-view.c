/* lk-secret-view.c: a new key's client ID and secret, shown once
 *
 * The secret lives in the LkCreatedKey this view holds; it goes into a
 * widget only while "Show Secret" is on, and onto the clipboard only when
 * the user copies it.  It never goes into a tooltip, an accessible
 * description, a toast or a log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-a11y.h"
#include "lk-clipboard.h"
#include "lk-secret-view-private.h"

/* What the hidden secret looks like; its length says nothing about the
 * secret's. */
#define HIDDEN_SECRET "●●●●●●●●●●●●●●●●●●●●●●●●"
#define DEFAULT_CLEAR_SECONDS 30

G_DEFINE_FINAL_TYPE (LkSecretView, lk_secret_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SECRET_SAFE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The views that show a secret kept nowhere else (LkSecretView*, not
 * owned): quitting asks first while there is one. */
static GList *unsaved_views;

void
lk_secret_view_toast (LkSecretView *self,
                      const char   *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *t;

  if (overlay == NULL)
    return;

  t = adw_toast_new (title);
  adw_toast_set_timeout (t, 4);
  lk_a11y_add_toast (ADW_TOAST_OVERLAY (overlay), t);
}

static void
update_secret_safe (LkSecretView *self)
{
  gboolean safe = self->created == NULL ||
                  self->created->stored ||
                  self->saved_path != NULL ||
                  gtk_check_button_get_active (self->saved_check);

  if (safe)
    gtk_revealer_set_reveal_child (self->keep_open_revealer, FALSE);

  if (safe == self->secret_safe)
    return;

  if (safe)
    unsaved_views = g_list_remove (unsaved_views, self);
  else
    unsaved_views = g_list_prepend (unsaved_views, self);

  self->secret_safe = safe;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET_SAFE]);
}

static void
set_status_style (LkSecretView *self,
                  gboolean      ok)
{
  GtkWidget *icon = GTK_WIDGET (self->status_icon);

  gtk_image_set_from_icon_name (self->status_icon,
                                ok ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  if (ok)
    {
      gtk_widget_remove_css_class (icon, "warning");
      gtk_widget_add_css_class (icon, "success");
    }
  else
    {
      gtk_widget_remove_css_class (icon, "success");
      gtk_widget_add_css_class (icon, "warning");
    }
}

/* Shows where the secret is kept. */
void
lk_secret_view_update_status (LkSecretView *self)
{
  LkCreatedKey *created = self->created;

  if (created == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->status_detail), FALSE);
      gtk_widget_set_visible (self->failure_box, FALSE);
      update_secret_safe (self);
      return;
    }

  if (created->stored)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the label of the keyring item, which has
       * quotes of its own: HiddenLayer API key “CI scanner” */
      text = g_strdup_printf (_("Saved in your keyring as %s"),
                              created->store_label ? created->store_label : "");
      set_status_style (self, TRUE);
      gtk_label_set_text (self->status_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->status_detail), FALSE);
      gtk_widget_set_visible (self->failure_box, FALSE);
    }
  else
    {
      const char *reason;

      if (created->store_error != NULL)
        reason = created->store_error->message;
      else
        reason = _("No keyring is available on this computer.");

      if (self->saved_path != NULL)
        {
          g_autofree char *text = NULL;

          /* Translators: %s is a file name */
          text = g_strdup_printf (_("Saved to the file “%s”"), self->saved_path);
          set_status_style (self, TRUE);
          gtk_label_set_text (self->status_label, text);
        }
      else
        {
          set_status_style (self, FALSE);
          gtk_label_set_text (self->status_label, _("Not saved in your keyring"));
        }

      gtk_label_set_text (self->status_detail, reason);
      gtk_widget_set_visible (GTK_WIDGET (self->status_detail), TRUE);
      gtk_widget_set_visible (self->failure_box, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                              self->client != NULL && lk_client_get_store (self->client) != NULL);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_button), !self->retrying);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_spinner), self->retrying);
  gtk_spinner_set_spinning (self->retry_spinner, self->retrying);

  update_secret_safe (self);
}

static void
show_secret (LkSecretView *self,
             gboolean      revealed)
{
  const char *tooltip;

  revealed = revealed && self->created != NULL && self->created->client_secret != NULL;

  if (revealed)
    {
      gtk_label_set_text (self->secret_label, self->created->client_secret);
      /* Not selectable: a selection would reach the PRIMARY selection and
       * Ctrl+C, past the hint and the timed clear of Copy. */
      gtk_label_set_selectable (self->secret_label, FALSE);
      /* Shown: a screen reader reads it, as the eye does. */
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->secret_label),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL);
      gtk_button_set_icon_name (GTK_BUTTON (self->reveal_button), "view-conceal-symbolic");
      tooltip = _("Hide Secret");
    }
  else
    {
      gtk_label_set_selectable (self->secret_label, FALSE);
      gtk_label_set_text (self->secret_label, self->created ? HIDDEN_SECRET : "");
      /* Not two dozen "black circle"s for a screen reader. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->secret_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hidden"),
                                      -1);
      gtk_button_set_icon_name (GTK_BUTTON (self->reveal_button), "view-reveal-symbolic");
      tooltip = _("Show Secret");
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reveal_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
}

static void
on_reveal_toggled (LkSecretView *self)
{
  show_secret (self, gtk_toggle_button_get_active (self->reveal_button));
}

static guint
get_clear_seconds (LkSecretView *self)
{
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (self->clear_seconds > 0)
    return self->clear_seconds;

  /* The schema may be missing (tests, uninstalled runs): look first. */
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "clipboard-clear-seconds"))
    return DEFAULT_CLEAR_SECONDS;

  settings = g_settings_new_full (schema, NULL, NULL);
  return MAX (g_settings_get_uint (settings, "clipboard-clear-seconds"), 1);
}

static void
on_copy_id_clicked (LkSecretView *self)
{
  if (self->created == NULL)
    return;

  lk_clipboard_copy (GTK_WIDGET (self), lk_api_key_get_client_id (self->created->key), FALSE, 0);
  lk_secret_view_toast (self, _("Client ID copied"));
}

static void
on_copy_secret_clicked (LkSecretView *self)
{
  g_autofree char *text = NULL;
  guint seconds;

  if (self->created == NULL || self->created->client_secret == NULL)
    return;

  seconds = get_clear_seconds (self);
  lk_clipboard_copy (GTK_WIDGET (self), self->created->client_secret, TRUE, seconds);

  /* Translators: %u is a number of seconds */
  text = g_strdup_printf (ngettext ("Client secret copied; the clipboard will be cleared in %u second",
                                    "Client secret copied; the clipboard will be cleared in %u seconds",
                                    seconds),
                          seconds);
  lk_secret_view_toast (self, text);
}

static void
on_saved_check_toggled (LkSecretView *self)
{
  update_secret_safe (self);
}

/* ---- Retry ---- */

static void
on_retry_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LkSecretView *self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = lk_client_store_secret_finish (LK_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LK_SECRET_VIEW (user_data);
  self->retrying = FALSE;
  lk_secret_view_update_status (self);

  if (ok)
    lk_secret_view_toast (self, _("Secret saved in your keyring"));
}

static void
on_retry_clicked (LkSecretView *self)
{
  if (self->created == NULL || self->client == NULL || self->retrying)
    return;

  self->retrying = TRUE;
  lk_secret_view_update_status (self);
  lk_client_store_secret_async (self->client, self->created, self->cancellable,
                                on_retry_done, self);
}

/* ---- GObject ---- */

static void
lk_secret_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LkSecretView *self = LK_SECRET_VIEW (object);

  switch (prop_id)
    {
    case PROP_SECRET_SAFE:
      g_value_set_boolean (value, self->secret_safe);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_secret_view_dispose (GObject *object)
{
  LkSecretView *self = LK_SECRET_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->created != NULL)
    lk_secret_view_clear (self);
  unsaved_views = g_list_remove (unsaved_views, self);

  /* AdwBin unparents its child itself: let it, then drop the rest. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_SECRET_VIEW);

  G_OBJECT_CLASS (lk_secret_view_parent_class)->dispose (object);
}

static void
lk_secret_view_finalize (GObject *object)
{
  LkSecretView *self = LK_SECRET_VIEW (object);

  g_clear_pointer (&self->created, lk_created_key_unref);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_free (self->saved_path);

  G_OBJECT_CLASS (lk_secret_view_parent_class)->finalize (object);
}

static void
lk_secret_view_class_init (LkSecretViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lk_secret_view_get_property;
  object_class->dispose = lk_secret_view_dispose;
  object_class->finalize = lk_secret_view_finalize;

  properties[PROP_SECRET_SAFE] =
    g_param_spec_boolean ("secret-safe", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/secret/lk-secret-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, id_label);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, secret_label);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, copy_id_button);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, copy_secret_button);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, status_icon);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, status_label);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, status_detail);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, failure_box);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, retry_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, save_button);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, saved_check);
  gtk_widget_class_bind_template_child (widget_class, LkSecretView, keep_open_revealer);
  gtk_widget_class_bind_template_callback (widget_class, on_reveal_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_id_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_secret_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_saved_check_toggled);
  lk_secret_view_save_class_init (widget_class);
}

static void
lk_secret_view_init (LkSecretView *self)
{
  self->cancellable = g_cancellable_new ();
  self->secret_safe = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lk_secret_view_new (void)
{
  return g_object_new (LK_TYPE_SECRET_VIEW, NULL);
}

void
lk_secret_view_set_created (LkSecretView *self,
                            LkClient     *client,
                            LkCreatedKey *created)
{
  g_return_if_fail (LK_IS_SECRET_VIEW (self));
  g_return_if_fail (client == NULL || LK_IS_CLIENT (client));
  g_return_if_fail (created != NULL && created->key != NULL);

  g_set_object (&self->client, client);
  if (self->created != created)
    {
      g_clear_pointer (&self->created, lk_created_key_unref);
      self->created = lk_created_key_ref (created);
    }
  g_clear_pointer (&self->saved_path, g_free);

  gtk_label_set_text (self->id_label, lk_api_key_get_client_id (created->key));
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  show_secret (self, FALSE);
  gtk_check_button_set_active (self->saved_check, FALSE);
  gtk_revealer_set_reveal_child (self->keep_open_revealer, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_secret_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reveal_button), TRUE);
  lk_secret_view_update_status (self);
}

LkCreatedKey *
lk_secret_view_get_created (LkSecretView *self)
{
  g_return_val_if_fail (LK_IS_SECRET_VIEW (self), NULL);

  return self->created;
}

gboolean
lk_secret_view_get_secret_safe (LkSecretView *self)
{
  g_return_val_if_fail (LK_IS_SECRET_VIEW (self), TRUE);

  return self->secret_safe;
}

void
lk_secret_view_show_keep_open (LkSecretView *self)
{
  g_return_if_fail (LK_IS_SECRET_VIEW (self));

  if (self->secret_safe)
    return;

  gtk_revealer_set_reveal_child (self->keep_open_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->saved_check));
}

void
lk_secret_view_clear (LkSecretView *self)
{
  g_return_if_fail (LK_IS_SECRET_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->retrying = FALSE;

  /* Drop the secret first, so no handler below can show it again. */
  g_clear_pointer (&self->created, lk_created_key_unref);
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  gtk_label_set_selectable (self->secret_label, FALSE);
  gtk_label_set_text (self->secret_label, "");
  gtk_label_set_text (self->id_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_secret_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reveal_button), FALSE);
  lk_secret_view_update_status (self);
}

void
lk_secret_view_set_clear_seconds (LkSecretView *self,
                                  guint         seconds)
{
  g_return_if_fail (LK_IS_SECRET_VIEW (self));

  self->clear_seconds = seconds;
}

LkSecretView *
lk_secret_view_find_unsaved (void)
{
  return unsaved_views != NULL ? unsaved_views->data : NULL;
}
