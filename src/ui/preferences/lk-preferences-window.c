/* lk-preferences-window.c: the Preferences window (Ctrl+comma)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-background.h"
#include "lk-preferences-window.h"

struct _LkPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template children */
  GtkAdjustment *clipboard_adjustment;
  GtkAdjustment *expiry_adjustment;
  GtkWidget     *notify_row;
  GtkWidget     *background_switch;

  /* State */
  GSettings     *settings;
  gboolean       syncing_background;
};

G_DEFINE_FINAL_TYPE (LkPreferencesWindow, lk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The spin buttons' bounds are the schema's ranges. */
static void
set_range (GtkAdjustment *adjustment,
           GSettings     *settings,
           const char    *key)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsSchemaKey) schema_key = NULL;
  g_autoptr (GVariant) range = NULL;
  g_autoptr (GVariant) bounds = NULL;
  const char *type;
  guint32 min, max;

  g_object_get (settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(&sv)", &type, &bounds);
  if (g_strcmp0 (type, "range") != 0)
    return;

  g_variant_get (bounds, "(uu)", &min, &max);
  gtk_adjustment_set_lower (adjustment, min);
  gtk_adjustment_set_upper (adjustment, max);
}

/* ---- Check in the Background: the switch shows the setting, which
 * changes once the autostart entry is written or removed (or the
 * Background portal agreed) ---- */

static void
sync_background_switch (LkPreferencesWindow *self)
{
  self->syncing_background = TRUE;
  gtk_switch_set_active (GTK_SWITCH (self->background_switch),
                         g_settings_get_boolean (self->settings, "background-check"));
  self->syncing_background = FALSE;
}

typedef struct {
  GWeakRef   window;
  GSettings *settings;
  gboolean   enable;
} BackgroundChange;

static void
on_autostart_set (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BackgroundChange *change = user_data;
  g_autoptr (LkPreferencesWindow) self = g_weak_ref_get (&change->window);
  g_autoptr (GError) error = NULL;

  if (lk_background_set_autostart_finish (result, &error))
    g_settings_set_boolean (change->settings, "background-check", change->enable);
  else
    g_debug ("Background check not turned %s: %s", change->enable ? "on" : "off", error->message);

  /* (a window closed meanwhile has no settings left) */
  if (self != NULL && self->settings != NULL)
    {
      sync_background_switch (self);
      gtk_widget_set_sensitive (self->background_switch, TRUE);
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                          adw_toast_new (error->message));
    }

  g_weak_ref_clear (&change->window);
  g_object_unref (change->settings);
  g_free (change);
}

static void
on_background_switch_active (LkPreferencesWindow *self)
{
  BackgroundChange *change;
  gboolean enable = gtk_switch_get_active (GTK_SWITCH (self->background_switch));

  if (self->settings == NULL || self->syncing_background ||
      enable == g_settings_get_boolean (self->settings, "background-check"))
    return;

  /* Not cancelled with the window: the setting follows what was done. */
  change = g_new0 (BackgroundChange, 1);
  g_weak_ref_init (&change->window, self);
  change->settings = g_object_ref (self->settings);
  change->enable = enable;
  gtk_widget_set_sensitive (self->background_switch, FALSE);
  lk_background_set_autostart_async (enable, NULL, on_autostart_set, change);
}

static void
lk_preferences_window_constructed (GObject *object)
{
  LkPreferencesWindow *self = LK_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (lk_preferences_window_parent_class)->constructed (object);

  /* (none when built bare, as tests/test-ui-files.c builds every template) */
  if (self->settings == NULL)
    return;

  set_range (self->clipboard_adjustment, self->settings, "clipboard-clear-seconds");
  set_range (self->expiry_adjustment, self->settings, "expiry-warning-days");
  g_settings_bind (self->settings, "clipboard-clear-seconds",
                   self->clipboard_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "expiry-warning-days",
                   self->expiry_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "expiry-notification-days",
                   self->notify_row, "text", G_SETTINGS_BIND_DEFAULT);
  sync_background_switch (self);
  g_signal_connect_object (self->settings, "changed::background-check",
                           G_CALLBACK (sync_background_switch), self, G_CONNECT_SWAPPED);
}

static void
lk_preferences_window_dispose (GObject *object)
{
  LkPreferencesWindow *self = LK_PREFERENCES_WINDOW (object);

  if (self->clipboard_adjustment != NULL)
    g_settings_unbind (self->clipboard_adjustment, "value");
  if (self->expiry_adjustment != NULL)
    g_settings_unbind (self->expiry_adjustment, "value");
  if (self->notify_row != NULL)
    g_settings_unbind (self->notify_row, "text");
  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lk_preferences_window_parent_class)->dispose (object);
}

static void
lk_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  LkPreferencesWindow *self = LK_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  LkPreferencesWindow *self = LK_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_preferences_window_class_init (LkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lk_preferences_window_constructed;
  object_class->dispose = lk_preferences_window_dispose;
  object_class->get_property = lk_preferences_window_get_property;
  object_class->set_property = lk_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerkeys/LayerKeys/preferences/lk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, clipboard_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, expiry_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, notify_row);
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_background_switch_active);
}

static void
lk_preferences_window_init (LkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lk_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (LK_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "settings", settings,
                       NULL);
}
