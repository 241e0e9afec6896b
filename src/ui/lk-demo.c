/* lk-demo.c: the demo tenant, a simulator on this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-demo"

#include "config.h"

#include "lk-demo.h"
#include "lk-secret.h"
#include "lk-simulator.h"
#include "lk-time.h"

struct _LkDemo
{
  GObject parent_instance;

  LkSimulator *simulator;   /* running, or NULL */
  /* The Secret Service's session collection: demo keys never reach the
   * login keyring (issue 20). */
  LkCredentialStore *store;
  gboolean           keyring_seeded;
};

G_DEFINE_FINAL_TYPE (LkDemo, lk_demo, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SIMULATOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
lk_demo_start (LkDemo  *self,
               GError **error)
{
  g_autoptr (LkSimulator) simulator = NULL;

  g_return_val_if_fail (LK_IS_DEMO (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->simulator != NULL)
    return TRUE;

  simulator = lk_simulator_new ();
  lk_simulator_seed (simulator, 0);
  if (!lk_simulator_start (simulator, 0, NULL, error))
    return FALSE;

  self->simulator = g_steal_pointer (&simulator);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIMULATOR]);
  return TRUE;
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  g_assert (G_IS_TASK (task));

  if (lk_session_sign_in_finish (LK_SESSION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
sign_in (GTask *task)
{
  LkDemo *self = g_task_get_source_object (task);
  LkSession *session = g_task_get_task_data (task);
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (self->simulator);

  lk_session_set_demo_store (session, self->store);
  lk_session_sign_in_async (session, platform,
                            lk_simulator_get_admin_client_id (self->simulator),
                            lk_simulator_get_admin_client_secret (self->simulator),
                            LK_SESSION_SIGN_IN_DEMO,
                            g_task_get_cancellable (task), on_signed_in, task);
}

static void
on_demo_secret_saved (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;
  guint *pending = g_object_get_data (G_OBJECT (task), "lk-demo-pending");

  label = lk_credential_store_save_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (label == NULL)
    /* The demo works without them: only its key-health marks are fewer. */
    g_debug ("The demo’s keyring items could not be stored: %s", error->message);

  if (--*pending == 0)
    sign_in (task);
}

/* Two secrets in the demo's keyring, so that key health shows its two
 * keyring marks: one of a key that exists (its secret is here), one of
 * a key the tenant deleted since (a stale item). */
static void
seed_keyring (LkDemo *self,
              GTask  *task)
{
  static const struct { const char *name; gboolean deleted; } demo_keys[] = {
    { "Demo laptop (secret stored here)", FALSE },
    { "Old deploy key (deleted)", TRUE },
  };
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (self->simulator);
  guint *pending = g_new0 (guint, 1);

  self->keyring_seeded = TRUE;
  *pending = G_N_ELEMENTS (demo_keys);
  g_object_set_data_full (G_OBJECT (task), "lk-demo-pending", pending, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (demo_keys); i++)
    {
      LkPermissions permissions = { { 0 } };
      g_autoptr (LkApiKey) key = NULL;
      char *secret = NULL;

      lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
      key = lk_simulator_add_key (self->simulator, demo_keys[i].name, &permissions,
                                  lk_time_now () + (gint64) 30 * 24 * 60 * 60, &secret);
      if (demo_keys[i].deleted)
        lk_simulator_remove_key (self->simulator, lk_api_key_get_id (key));
      lk_credential_store_save_key_async (self->store, lk_platform_get_id (platform), key, secret,
                                          g_task_get_cancellable (task),
                                          on_demo_secret_saved, task);
      lk_secret_free (secret);
    }
}

void
lk_demo_sign_in_async (LkDemo              *self,
                       LkSession           *session,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (LK_IS_DEMO (self));
  g_return_if_fail (LK_IS_SESSION (session));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_demo_sign_in_async);
  g_task_set_task_data (task, g_object_ref (session), g_object_unref);

  if (!lk_demo_start (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->store == NULL)
    self->store = lk_secret_store_new_demo ();
  if (!self->keyring_seeded)
    seed_keyring (self, g_steal_pointer (&task));
  else
    sign_in (g_steal_pointer (&task));
}

gboolean
lk_demo_sign_in_finish (LkDemo        *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (LK_IS_DEMO (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lk_demo_dispose (GObject *object)
{
  LkDemo *self = LK_DEMO (object);

  if (self->simulator != NULL)
    lk_simulator_stop (self->simulator);
  g_clear_object (&self->simulator);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lk_demo_parent_class)->dispose (object);
}

static void
lk_demo_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  LkDemo *self = LK_DEMO (object);

  switch (prop_id)
    {
    case PROP_SIMULATOR:
      g_value_set_object (value, self->simulator);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_demo_class_init (LkDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_demo_dispose;
  object_class->get_property = lk_demo_get_property;

  properties[PROP_SIMULATOR] =
    g_param_spec_object ("simulator", NULL, NULL, LK_TYPE_SIMULATOR,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lk_demo_init (LkDemo *self)
{
}

LkDemo *
lk_demo_new (void)
{
  return g_object_new (LK_TYPE_DEMO, NULL);
}
