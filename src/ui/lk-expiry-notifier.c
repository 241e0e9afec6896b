/* lk-expiry-notifier.c: notifications of keys that expire soon
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-expiry-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-expiry-notifier.h"
#include "lk-expiry-watch.h"

struct _LkExpiryNotifier
{
  GObject       parent_instance;

  GApplication *application;   /* not a reference: it owns us */
  GSettings    *settings;
  LkStateFile  *state;
  GCancellable *cancellable;
  guint         pending;
};

G_DEFINE_FINAL_TYPE (LkExpiryNotifier, lk_expiry_notifier, G_TYPE_OBJECT)

enum {
  SIGNAL_CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GQuark
checked_quark (void)
{
  return g_quark_from_static_string ("lk-expiry-notifier-listed-at");
}

static void
send_group (LkExpiryNotifier    *self,
            const char          *platform_id,
            const LkExpiryGroup *group)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *title = lk_expiry_group_title (group);
  g_autofree char *body = lk_expiry_group_body (group);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, platform_id, -1);
  g_autofree char *id = NULL;

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  if (group->threshold <= 1)
    g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);

  if (group->key_ids->len == 1)
    {
      const char *key_id = group->key_ids->pdata[0];

      g_notification_set_default_action_and_target (notification, "app.show-key", "s", key_id);
      g_notification_add_button_with_target (notification, _("Rotate…"), "app.rotate-key", "s", key_id);
      g_notification_add_button_with_target (notification, _("Show"), "app.show-key", "s", key_id);
      /* One per key: a later threshold replaces it. */
      id = g_strdup_printf ("expiry-%.12s-%s", hash, key_id);
    }
  else
    {
      g_notification_set_default_action (notification, "app.show-attention");
      g_notification_add_button (notification, _("Show"), "app.show-attention");
      id = g_strdup_printf ("expiry-%.12s-within-%u", hash, group->threshold);
    }

  g_application_send_notification (self->application, id, notification);
}

typedef struct {
  LkExpiryNotifier *self;
  LkClient         *client;
  char             *platform_id;
  gboolean          asked_activatable;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->client);
  g_free (data->platform_id);
  g_free (data);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CheckData *data = user_data;
  LkExpiryNotifier *self = data->self;
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GError) error = NULL;
  guint n_sent = 0;

  groups = lk_expiry_watch_check_finish (self->state, result, &error);
  self->pending--;
  if (groups == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Could not check which keys expire soon: %s", error->message);
    }
  else if (self->application != NULL && g_application_get_is_registered (self->application))
    {
      for (guint i = 0; i < groups->len; i++)
        send_group (self, data->platform_id, groups->pdata[i]);
      n_sent = groups->len;
    }

  g_signal_emit (self, signals[SIGNAL_CHECKED], 0, data->client, n_sent);
  check_data_free (data);
}

static void
start_check (CheckData *data)
{
  LkExpiryNotifier *self = data->self;
  g_autofree char *text = g_settings_get_string (self->settings, "expiry-notification-days");
  g_autoptr (GArray) thresholds = lk_expiry_watch_parse_thresholds (text);

  if (thresholds == NULL)
    {
      self->pending--;
      g_signal_emit (self, signals[SIGNAL_CHECKED], 0, data->client, 0);
      check_data_free (data);
      return;
    }

  lk_expiry_watch_check_async (self->state, data->platform_id, lk_client_get_keys (data->client),
                               thresholds, self->cancellable, on_checked, data);
}

/* Outside a sandbox (where the portal answers), GApplication sends
 * through org.gtk.Notifications (GNOME Shell) or
 * org.freedesktop.Notifications.  With neither, nothing is decided (so
 * nothing is recorded as sent and lost): the next check tries again. */
static void
on_names_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CheckData *data = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariantIter) iter = NULL;
  const char *name;
  gboolean found = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  if (reply != NULL)
    {
      g_variant_get (reply, "(as)", &iter);
      while (!found && g_variant_iter_next (iter, "&s", &name))
        found = g_str_equal (name, "org.freedesktop.Notifications") ||
                g_str_equal (name, "org.gtk.Notifications");
    }

  if (found)
    {
      start_check (data);
      return;
    }

  /* Running names first, then those the bus can start. */
  if (!data->asked_activatable)
    {
      data->asked_activatable = TRUE;
      g_dbus_connection_call (G_DBUS_CONNECTION (source), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "ListActivatableNames", NULL,
                              G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1,
                              data->self->cancellable, on_names_listed, data);
      return;
    }

  g_debug ("No notification service: expiry notifications wait for the next check");
  data->self->pending--;
  g_signal_emit (data->self, signals[SIGNAL_CHECKED], 0, data->client, 0);
  check_data_free (data);
}

void
lk_expiry_notifier_check (LkExpiryNotifier *self,
                          LkClient         *client)
{
  GDBusConnection *bus;
  CheckData *data;

  g_return_if_fail (LK_IS_EXPIRY_NOTIFIER (self));
  g_return_if_fail (LK_IS_CLIENT (client));

  g_object_set_qdata (G_OBJECT (client), checked_quark (),
                      GSIZE_TO_POINTER ((gsize) lk_client_get_listed_at (client)));

  data = g_new0 (CheckData, 1);
  data->self = g_object_ref (self);
  data->client = g_object_ref (client);
  data->platform_id = g_strdup (lk_platform_get_id (lk_client_get_platform (client)));
  self->pending++;

  bus = g_application_get_dbus_connection (self->application);
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) || bus == NULL)
    {
      start_check (data);
      return;
    }

  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListNames", NULL,
                          G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, on_names_listed, data);
}

static void
maybe_check (LkExpiryNotifier *self,
             LkClient         *client)
{
  gint64 listed_at = lk_client_get_listed_at (client);
  gsize checked = GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (client), checked_quark ()));

  /* A list that ended well, not checked yet. */
  if (lk_client_get_loading (client) || listed_at == 0 || (gsize) listed_at == checked)
    return;

  lk_expiry_notifier_check (self, client);
}

static void
on_client_loading (LkClient         *client,
                   GParamSpec       *pspec,
                   LkExpiryNotifier *self)
{
  maybe_check (self, client);
}

void
lk_expiry_notifier_watch (LkExpiryNotifier *self,
                          LkClient         *client)
{
  g_return_if_fail (LK_IS_EXPIRY_NOTIFIER (self));
  g_return_if_fail (LK_IS_CLIENT (client));

  g_signal_connect_object (client, "notify::loading", G_CALLBACK (on_client_loading), self, 0);
  maybe_check (self, client);
}

guint
lk_expiry_notifier_get_pending (LkExpiryNotifier *self)
{
  g_return_val_if_fail (LK_IS_EXPIRY_NOTIFIER (self), 0);

  return self->pending;
}

static void
lk_expiry_notifier_dispose (GObject *object)
{
  LkExpiryNotifier *self = LK_EXPIRY_NOTIFIER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lk_expiry_notifier_parent_class)->dispose (object);
}

static void
lk_expiry_notifier_finalize (GObject *object)
{
  LkExpiryNotifier *self = LK_EXPIRY_NOTIFIER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->state, lk_state_file_unref);

  G_OBJECT_CLASS (lk_expiry_notifier_parent_class)->finalize (object);
}

static void
lk_expiry_notifier_class_init (LkExpiryNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_expiry_notifier_dispose;
  object_class->finalize = lk_expiry_notifier_finalize;

  signals[SIGNAL_CHECKED] =
    g_signal_new ("checked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LK_TYPE_CLIENT, G_TYPE_UINT);
}

static void
lk_expiry_notifier_init (LkExpiryNotifier *self)
{
  self->cancellable = g_cancellable_new ();
}

LkExpiryNotifier *
lk_expiry_notifier_new (GApplication *application,
                        GSettings    *settings,
                        LkStateFile  *state)
{
  LkExpiryNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LK_TYPE_EXPIRY_NOTIFIER, NULL);
  self->application = application;
  self->settings = g_object_ref (settings);
  self->state = state != NULL ? lk_state_file_ref (state)
                              : lk_state_file_new (LK_EXPIRY_WATCH_STATE_NAME);
  return self;
}
