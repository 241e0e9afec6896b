/* lk-demo.c: the demo tenant, a simulator on this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-demo"

#include "config.h"

#include "lk-credential-store.h"
#include "lk-demo.h"
#include "lk-error.h"
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
  /* The session collection is missing (or the Secret Service is): the
   * demo's secrets live in this process's memory (LkVolatileStore). */
  gboolean           keys_in_memory;
  LkSession         *session;   /* weak: the one signed in to the demo */
  /* The demo ended: its tenant is not used again (lk_demo_start() makes
   * a new one, whose keyring items are stored afresh). */
  gboolean           tenant_ended;
};

/* Endings still removing the demo's items, process-wide: the application
 * waits for them before it exits (lk_demo_wait_for_endings()). */
static guint n_endings;

/* How long an ending may take before it is given up (the keyring's own
 * timeout is longer: a hung keyring must not keep a closed app alive). */
#define LK_DEMO_ENDING_TIMEOUT_S 5

G_DEFINE_FINAL_TYPE (LkDemo, lk_demo, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SIMULATOR,
  PROP_KEYS_IN_MEMORY,
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

  if (self->simulator != NULL && !self->tenant_ended)
    return TRUE;

  if (self->simulator != NULL)
    {
      lk_simulator_stop (self->simulator);
      g_clear_object (&self->simulator);
      self->tenant_ended = FALSE;
    }

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

/* Two secrets in the demo's keyring, so that key health shows its two
 * keyring marks: one of a key that exists (its secret is here), one of
 * a key the tenant deleted since (a stale item).  Saved one after the
 * other: where the first finds no session collection, the demo moves to
 * memory before the second. */
typedef struct {
  LkSession *session;
  GPtrArray *keys;      /* of LkApiKey */
  GPtrArray *secrets;   /* of char*, wiped */
  guint      next;
} SeedData;

static void
seed_data_free (SeedData *data)
{
  g_clear_object (&data->session);
  g_clear_pointer (&data->keys, g_ptr_array_unref);
  g_clear_pointer (&data->secrets, g_ptr_array_unref);
  g_free (data);
}

static void seed_next (GTask *task);

static gboolean
is_no_session_collection (const GError *error)
{
  return g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND) ||
         g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NO_SERVICE);
}

static void
on_demo_secret_saved (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkDemo *self = g_task_get_source_object (task);
  SeedData *data = g_object_get_data (G_OBJECT (task), "lk-demo-seed");
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  label = lk_credential_store_save_key_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (label == NULL && is_no_session_collection (error) && !self->keys_in_memory)
    {
      g_debug ("No session collection for the demo’s keys, keeping them in memory: %s",
               error->message);
      g_set_object (&self->store, NULL);
      self->store = lk_volatile_store_new ();
      self->keys_in_memory = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYS_IN_MEMORY]);
      seed_next (g_steal_pointer (&task));
      return;
    }
  if (label == NULL)
    /* The demo works without them: only its key-health marks are fewer. */
    g_debug ("The demo’s keyring items could not be stored: %s", error->message);

  data->next++;
  seed_next (g_steal_pointer (&task));
}

static void
seed_next (GTask *task)
{
  LkDemo *self = g_task_get_source_object (task);
  SeedData *data = g_object_get_data (G_OBJECT (task), "lk-demo-seed");
  g_autoptr (LkPlatform) platform = lk_simulator_get_platform (self->simulator);

  if (data->next == data->keys->len)
    {
      sign_in (task);
      return;
    }

  lk_credential_store_save_key_async (self->store, lk_platform_get_id (platform),
                                      g_ptr_array_index (data->keys, data->next),
                                      g_ptr_array_index (data->secrets, data->next),
                                      g_task_get_cancellable (task),
                                      on_demo_secret_saved, task);
}

static void
seed_keyring (LkDemo *self,
              GTask  *task)
{
  static const struct { const char *name; gboolean deleted; } demo_keys[] = {
    { "Demo laptop (secret stored here)", FALSE },
    { "Old deploy key (deleted)", TRUE },
  };
  SeedData *data = g_new0 (SeedData, 1);

  self->keyring_seeded = TRUE;
  data->keys = g_ptr_array_new_with_free_func (g_object_unref);
  data->secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_secret_free);
  g_object_set_data_full (G_OBJECT (task), "lk-demo-seed", data, (GDestroyNotify) seed_data_free);

  for (guint i = 0; i < G_N_ELEMENTS (demo_keys); i++)
    {
      LkPermissions permissions = { { 0 } };
      LkApiKey *key;
      char *secret = NULL;

      lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
      key = lk_simulator_add_key (self->simulator, demo_keys[i].name, &permissions,
                                  lk_time_now () + (gint64) 30 * 24 * 60 * 60, &secret);
      if (key == NULL)
        continue;
      if (demo_keys[i].deleted)
        lk_simulator_remove_key (self->simulator, lk_api_key_get_id (key));
      g_ptr_array_add (data->keys, key);
      g_ptr_array_add (data->secrets, secret);
    }

  seed_next (task);
}

/* ---- The end of the demo ---- */

typedef struct {
  GApplication *application;   /* held until the items are gone, or NULL */
  GCancellable *cancellable;
  guint         timeout_id;
} Ending;

static gboolean
on_ending_timeout (gpointer user_data)
{
  Ending *ending = user_data;

  ending->timeout_id = 0;
  g_cancellable_cancel (ending->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_demo_items_removed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Ending *ending = user_data;
  g_autoptr (GError) error = NULL;

  if (!lk_credential_store_forget_platform_keys_finish (LK_CREDENTIAL_STORE (source), result, &error))
    g_warning ("The demo’s keyring items could not be removed: %s", error->message);

  g_clear_handle_id (&ending->timeout_id, g_source_remove);
  g_clear_object (&ending->cancellable);
  if (ending->application != NULL)
    g_application_release (ending->application);
  g_clear_object (&ending->application);
  g_free (ending);
  n_endings--;
}

/* The demo ends (signed out, or its window is gone): its keyring items are
 * removed, and the application is held until they are (or until the
 * timeout), so that closing the last window does not cut it short. */
static void
end_demo (LkDemo *self)
{
  g_autoptr (LkPlatform) platform = NULL;
  Ending *ending;

  if (self->store == NULL || self->simulator == NULL || !self->keyring_seeded)
    return;

  platform = lk_simulator_get_platform (self->simulator);
  ending = g_new0 (Ending, 1);
  ending->cancellable = g_cancellable_new ();
  ending->timeout_id = g_timeout_add_seconds (LK_DEMO_ENDING_TIMEOUT_S, on_ending_timeout, ending);
  ending->application = g_application_get_default ();
  if (ending->application != NULL)
    {
      g_object_ref (ending->application);
      g_application_hold (ending->application);
    }
  n_endings++;

  /* A later demo sign-in stores its demo secrets again (in a new tenant:
   * see lk_demo_start()). */
  self->keyring_seeded = FALSE;
  lk_credential_store_forget_platform_keys_async (self->store, lk_platform_get_id (platform),
                                                  ending->cancellable, on_demo_items_removed,
                                                  ending);
}

static void
on_session_demo (LkDemo *self)
{
  if (self->session == NULL || lk_session_get_demo (self->session) || !self->keyring_seeded)
    return;

  end_demo (self);
  /* The tenant goes with the demo: the next demo starts a new one. */
  self->tenant_ended = TRUE;
}

static void
watch_session (LkDemo    *self,
               LkSession *session)
{
  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_session_demo, self);
  g_set_weak_pointer (&self->session, session);
  g_signal_connect_object (session, "notify::demo", G_CALLBACK (on_session_demo),
                           self, G_CONNECT_SWAPPED);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
lk_demo_wait_for_endings (guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  if (n_endings == 0)
    return TRUE;

  timeout_id = g_timeout_add (timeout_ms, on_wait_timeout, &timed_out);
  while (n_endings > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);

  return n_endings == 0;
}

gboolean
lk_demo_get_keys_in_memory (LkDemo *self)
{
  g_return_val_if_fail (LK_IS_DEMO (self), FALSE);

  return self->keys_in_memory;
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

  watch_session (self, session);
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

  end_demo (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_session_demo, self);
  g_clear_weak_pointer (&self->session);
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
    case PROP_KEYS_IN_MEMORY:
      g_value_set_boolean (value, self->keys_in_memory);
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
  properties[PROP_KEYS_IN_MEMORY] =
    g_param_spec_boolean ("keys-in-memory", NULL, NULL, FALSE,
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
