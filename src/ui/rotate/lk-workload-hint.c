/* lk-workload-hint.c: "Update your workload": the new key as export lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-workload-hint"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-clipboard.h"
#include "lk-secret.h"
#include "lk-workload-hint.h"

#define HIDDEN_SECRET "••••••••••••"
#define DEFAULT_CLEAR_SECONDS 30

struct _LkWorkloadHint
{
  AdwBin           parent_instance;

  GtkLabel        *lines_label;
  GtkToggleButton *reveal_button;
  GtkWidget       *copy_button;

  LkCreatedKey    *created;
};

G_DEFINE_FINAL_TYPE (LkWorkloadHint, lk_workload_hint, ADW_TYPE_BIN)

/* The lines, with @secret in them (wipe the result when it has one). */
static char *
make_lines (const char *client_id,
            const char *secret)
{
  return g_strdup_printf ("export HIDDENLAYER_CLIENT_ID=%s\n"
                          "export HIDDENLAYER_CLIENT_SECRET=%s\n"
                          "export HL_CLIENT_ID=%s\n"
                          "export HL_CLIENT_SECRET=%s",
                          client_id, secret, client_id, secret);
}

static void
update (LkWorkloadHint *self)
{
  gboolean revealed = gtk_toggle_button_get_active (self->reveal_button);
  g_autofree char *text = NULL;

  if (self->created == NULL)
    {
      gtk_label_set_text (self->lines_label, "");
      return;
    }

  if (revealed && self->created->client_secret != NULL)
    {
      text = make_lines (lk_api_key_get_client_id (self->created->key), self->created->client_secret);
      gtk_label_set_text (self->lines_label, text);
      lk_secret_wipe (text, strlen (text));
    }
  else
    {
      text = make_lines (lk_api_key_get_client_id (self->created->key), HIDDEN_SECRET);
      gtk_label_set_text (self->lines_label, text);
    }
  gtk_button_set_label (GTK_BUTTON (self->reveal_button),
                        revealed ? _("_Hide Secret") : _("_Show Secret"));
}

static guint
clear_seconds (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "clipboard-clear-seconds"))
    return DEFAULT_CLEAR_SECONDS;

  settings = g_settings_new_full (schema, NULL, NULL);
  return MAX (g_settings_get_uint (settings, "clipboard-clear-seconds"), 1);
}

static void
on_copy_clicked (LkWorkloadHint *self)
{
  g_autofree char *text = NULL;

  if (self->created == NULL || self->created->client_secret == NULL)
    return;

  text = make_lines (lk_api_key_get_client_id (self->created->key), self->created->client_secret);
  lk_clipboard_copy (GTK_WIDGET (self), text, TRUE, clear_seconds ());
  lk_secret_wipe (text, strlen (text));
}

void
lk_workload_hint_set_created (LkWorkloadHint *self,
                              LkCreatedKey   *created)
{
  g_return_if_fail (LK_IS_WORKLOAD_HINT (self));
  g_return_if_fail (created != NULL && created->key != NULL);

  if (self->created != created)
    {
      g_clear_pointer (&self->created, lk_created_key_unref);
      self->created = lk_created_key_ref (created);
    }
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  gtk_widget_set_sensitive (self->copy_button, created->client_secret != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reveal_button), created->client_secret != NULL);
  update (self);
}

void
lk_workload_hint_set_revealed (LkWorkloadHint *self,
                               gboolean        revealed)
{
  g_return_if_fail (LK_IS_WORKLOAD_HINT (self));

  gtk_toggle_button_set_active (self->reveal_button, revealed);
}

const char *
lk_workload_hint_get_text (LkWorkloadHint *self)
{
  g_return_val_if_fail (LK_IS_WORKLOAD_HINT (self), NULL);

  return gtk_label_get_text (self->lines_label);
}

void
lk_workload_hint_clear (LkWorkloadHint *self)
{
  g_return_if_fail (LK_IS_WORKLOAD_HINT (self));

  g_clear_pointer (&self->created, lk_created_key_unref);
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  update (self);
}

static void
lk_workload_hint_dispose (GObject *object)
{
  LkWorkloadHint *self = LK_WORKLOAD_HINT (object);

  g_clear_pointer (&self->created, lk_created_key_unref);

  G_OBJECT_CLASS (lk_workload_hint_parent_class)->dispose (object);
}

static void
lk_workload_hint_class_init (LkWorkloadHintClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lk_workload_hint_dispose;
}

static void
lk_workload_hint_init (LkWorkloadHint *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (_("Update Your Workload"));
  GtkWidget *body = gtk_label_new (_("Give the new key to whatever used the old one. HiddenLayer’s SDKs read the first two variables, the Model Scanner CLI the last two."));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_widget_add_css_class (body, "dim-label");

  self->lines_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->lines_label, 0);
  gtk_label_set_wrap (self->lines_label, TRUE);
  gtk_label_set_wrap_mode (self->lines_label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self->lines_label), "export-lines");
  gtk_widget_add_css_class (GTK_WIDGET (self->lines_label), "card");
  gtk_widget_set_margin_top (GTK_WIDGET (self->lines_label), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->lines_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Export lines for the new key"),
                                  -1);

  self->reveal_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_Show Secret")));
  g_signal_connect_swapped (self->reveal_button, "toggled", G_CALLBACK (update), self);
  self->copy_button = gtk_button_new_with_mnemonic (_("Copy _Lines"));
  gtk_widget_set_tooltip_text (self->copy_button,
                               _("Copy these lines, the secret included; the clipboard is cleared again after a while"));
  g_signal_connect_swapped (self->copy_button, "clicked", G_CALLBACK (on_copy_clicked), self);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->reveal_button));
  gtk_box_append (GTK_BOX (buttons), self->copy_button);

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), body);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->lines_label));
  gtk_box_append (GTK_BOX (box), buttons);
  adw_bin_set_child (ADW_BIN (self), box);
  update (self);
}

GtkWidget *
lk_workload_hint_new (void)
{
  return g_object_new (LK_TYPE_WORKLOAD_HINT, NULL);
}
