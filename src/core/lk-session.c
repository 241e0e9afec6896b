/* lk-session.c: who is signed in, and what their key may do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-session"

#include "config.h"

#include "lk-error.h"
#include "lk-permissions.h"
#include "lk-session.h"
#include "lk-account-prefetch.h"
#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-platform.h"

/* How long a sign-in waits for the keys the startup prefetch is still
 * listing: a list of ten thousand takes a tenth of a second; a far longer
 * one is better finished by the window's client, which shows the keys
 * read so far at once and reads on from there. */
#define PREFETCH_LIST_WAIT_MS 300

struct _LkSession
{
  GObject parent_instance;

  LkCredentialStore *store;
  LkCredentialStore *demo_store;         /* the demo's keyring, or NULL: @store */
  LkClient          *client;             /* signed in, or NULL */
  gboolean           demo;
  gboolean           can_read;
  gboolean           can_write;
  gboolean           can_delete;
  char              *display_name;       /* the user's name for the account, or NULL */

  GCancellable      *cancellable;        /* the session's lifetime: keyring writes */
  guint              attempt;            /* counts sign-ins: the last one wins */
  /* The prefetch a remembered sign-in waits for, and the timer that
   * hurries its list (see PREFETCH_LIST_WAIT_MS) */
  LkAccountPrefetch *prefetch;
  guint              prefetch_hurry_id;
};

G_DEFINE_FINAL_TYPE (LkSession, lk_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLIENT,
  PROP_WHOAMI,
  PROP_SIGNED_IN,
  PROP_CAN_READ,
  PROP_CAN_WRITE,
  PROP_CAN_DELETE,
  PROP_DEMO,
  PROP_DISPLAY_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ENDED,
  SIGNAL_REMEMBER_FAILED,
  SIGNAL_FORGET_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One sign-in, from the form, the keyring or the prefetch. */
typedef struct {
  guint                 attempt;
  LkPlatform           *platform;
  char                 *client_id;
  char                 *client_secret;   /* only to be remembered; wiped */
  LkSessionSignInFlags  flags;
  LkClient             *client;          /* signing in */
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_pointer (&sign_in->platform, lk_platform_unref);
  g_free (sign_in->client_id);
  lk_secret_free (sign_in->client_secret);
  g_clear_object (&sign_in->client);
  g_free (sign_in);
}

/* ---- State ---- */

static gboolean
allows (LkApiKey *whoami,
        LkAccess  access)
{
  return whoami != NULL &&
         lk_permissions_allows (lk_api_key_get_permissions (whoami), LK_CATEGORY_API_KEYS, access);
}

static void
notify_if (LkSession *self,
           gboolean   changed,
           guint      prop)
{
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Signs in with @client (signed in already), or out when NULL.  Every
 * field is set before the first notification. */
static void
set_client (LkSession *self,
            LkClient  *client,
            gboolean   demo)
{
  g_autoptr (LkClient) old_client = g_steal_pointer (&self->client);
  LkApiKey *old_whoami = old_client ? lk_client_get_whoami (old_client) : NULL;
  LkApiKey *whoami = client ? lk_client_get_whoami (client) : NULL;
  gboolean can_read = allows (whoami, LK_ACCESS_READ);
  gboolean can_write = allows (whoami, LK_ACCESS_WRITE);
  gboolean can_delete = allows (whoami, LK_ACCESS_DELETE);
  gboolean was_demo = self->demo;
  gboolean was_read = self->can_read;
  gboolean was_write = self->can_write;
  gboolean was_delete = self->can_delete;

  demo = client != NULL && demo;
  /* A name given to the account before belongs to that account. */
  if (old_client != client && self->display_name != NULL)
    {
      g_clear_pointer (&self->display_name, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
    }
  self->client = client ? g_object_ref (client) : NULL;
  self->demo = demo;
  self->can_read = can_read;
  self->can_write = can_write;
  self->can_delete = can_delete;

  notify_if (self, was_demo != demo, PROP_DEMO);
  notify_if (self, was_read != can_read, PROP_CAN_READ);
  notify_if (self, was_write != can_write, PROP_CAN_WRITE);
  notify_if (self, was_delete != can_delete, PROP_CAN_DELETE);
  notify_if (self, old_whoami != whoami, PROP_WHOAMI);
  notify_if (self, (old_client != NULL) != (client != NULL), PROP_SIGNED_IN);
  notify_if (self, old_client != client, PROP_CLIENT);
}

/* ---- Keyring ---- */

static void
on_account_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (lk_credential_store_remember_account_finish (LK_CREDENTIAL_STORE (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_signal_emit (LK_SESSION (user_data), signals[SIGNAL_REMEMBER_FAILED], 0, error);
}

static void
on_account_forgotten (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (lk_credential_store_forget_account_finish (LK_CREDENTIAL_STORE (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_signal_emit (LK_SESSION (user_data), signals[SIGNAL_FORGET_FAILED], 0, error);
}

/* ---- Signing in ---- */

static void
stop_waiting_for_prefetch (LkSession *self)
{
  g_clear_handle_id (&self->prefetch_hurry_id, g_source_remove);
  g_clear_object (&self->prefetch);
}

/* A new sign-in: the ones still under way no longer count. */
static GTask *
begin_sign_in (LkSession            *self,
               LkPlatform           *platform,
               const char           *client_id,
               LkSessionSignInFlags  flags,
               GCancellable         *cancellable,
               GAsyncReadyCallback   callback,
               gpointer              user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SignIn *sign_in = g_new0 (SignIn, 1);

  stop_waiting_for_prefetch (self);

  sign_in->attempt = ++self->attempt;
  sign_in->platform = lk_platform_ref (platform);
  sign_in->client_id = g_strdup (client_id);
  sign_in->flags = flags;
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  return task;
}

/* When a later sign-in or the caller's cancellable made @task moot,
 * returns it (cancelled) and TRUE. */
static gboolean
return_if_moot (GTask *task)
{
  LkSession *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return TRUE;

  if (sign_in->attempt != self->attempt)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "Another sign-in began meanwhile");
      return TRUE;
    }

  return FALSE;
}

static LkClient *
new_client (LkSession  *self,
            LkPlatform *platform,
            const char *client_id,
            const char *client_secret)
{
  LkClient *client = lk_client_new (platform);

  lk_client_set_credentials (client, client_id, client_secret);
  lk_client_set_store (client, self->store);

  return client;
}

static void
on_client_signed_in (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  LkSession *self;
  SignIn *sign_in;

  g_assert (G_IS_TASK (task));

  whoami = lk_client_sign_in_finish (LK_CLIENT (source), result, &error);
  if (return_if_moot (task))
    return;
  if (whoami == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self = g_task_get_source_object (task);
  sign_in = g_task_get_task_data (task);

  set_client (self, sign_in->client, (sign_in->flags & LK_SESSION_SIGN_IN_DEMO) != 0);

  if ((sign_in->flags & LK_SESSION_SIGN_IN_REMEMBER) != 0)
    lk_credential_store_remember_account_async (self->store,
                                                sign_in->platform,
                                                sign_in->client_id,
                                                sign_in->client_secret,
                                                self->cancellable,
                                                on_account_saved,
                                                self);

  g_task_return_boolean (task, TRUE);
}

/* Signs @client in for @task (taken). */
static void
sign_in_client (GTask    *task,
                LkClient *client)
{
  SignIn *sign_in = g_task_get_task_data (task);

  g_assert (sign_in->client == NULL);

  sign_in->client = g_object_ref (client);
  lk_client_sign_in_async (client, g_task_get_cancellable (task), on_client_signed_in, task);
}

void
lk_session_sign_in_async (LkSession            *self,
                          LkPlatform           *platform,
                          const char           *client_id,
                          const char           *client_secret,
                          LkSessionSignInFlags  flags,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (LkClient) client = NULL;
  SignIn *sign_in;

  g_return_if_fail (LK_IS_SESSION (self));
  g_return_if_fail (platform != NULL);
  g_return_if_fail (client_id != NULL);
  g_return_if_fail (client_secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = begin_sign_in (self, platform, client_id, flags, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_session_sign_in_async);
  sign_in = g_task_get_task_data (task);
  if ((flags & LK_SESSION_SIGN_IN_REMEMBER) != 0)
    sign_in->client_secret = g_strdup (client_secret);

  client = new_client (self, platform, client_id, client_secret);
  /* The demo's keys never go to the login keyring (issue 20). */
  if ((flags & LK_SESSION_SIGN_IN_DEMO) != 0 && self->demo_store != NULL)
    lk_client_set_store (client, self->demo_store);
  sign_in_client (g_steal_pointer (&task), client);
}

gboolean
lk_session_sign_in_finish (LkSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (LK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_session_sign_in_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Signing in with the remembered account ---- */

static void on_account_found (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data);

static void
look_account_up (GTask *task)
{
  LkSession *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  /* Bound: the secret goes only to the platform it was remembered for. */
  lk_credential_store_find_account_async (self->store,
                                          sign_in->platform,
                                          sign_in->client_id,
                                          g_task_get_cancellable (task),
                                          on_account_found,
                                          task);
}

/* The remembered account is there (or is not: @error says why): sign
 * in with it; when the prefetch's sign-in found nothing at the platform's
 * address (@unreachable), that is the sign-in's error at once.  Takes
 * @task, @account, @client_session, @error and @unreachable. */
static void
use_account (GTask           *task,
             LkAccount       *account,
             LkClientSession *client_session,
             GError          *error,
             gboolean         from_prefetch,
             GError          *unreachable)
{
  g_autoptr (GError) owned_unreachable = unreachable;
  g_autoptr (GTask) owned_task = task;
  g_autoptr (LkAccount) owned_account = account;
  g_autoptr (LkClientSession) owned_session = client_session;
  g_autoptr (GError) owned_error = error;
  g_autoptr (LkClient) client = NULL;
  LkSession *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  if (return_if_moot (task))
    return;

  /* The quiet lookup of the prefetch does not unlock a locked keyring:
   * the usual one does, with the desktop's prompt. */
  if (account == NULL && from_prefetch &&
      g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_LOCKED))
    {
      look_account_up (g_steal_pointer (&owned_task));
      return;
    }

  if (account == NULL)
    {
      if (owned_error == NULL)
        owned_error = g_error_new_literal (LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND,
                                           "No sign-in is remembered");
      g_task_return_error (task, g_steal_pointer (&owned_error));
      return;
    }

  if (client_session == NULL && owned_unreachable != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&owned_unreachable));
      return;
    }

  client = new_client (self, sign_in->platform, account->client_id, account->client_secret);

  /* Signed in and listed while the application started. */
  if (client_session != NULL)
    {
      lk_client_import_session (client, g_steal_pointer (&owned_session));
      set_client (self, client, FALSE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  sign_in_client (g_steal_pointer (&owned_task), client);
}

static void
on_account_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkClientSession *client_session = NULL;
  GError *error = NULL;
  GError *unreachable = NULL;
  LkAccount *account;
  gboolean from_prefetch = LK_IS_ACCOUNT_PREFETCH (source);
  LkSession *self;
  SignIn *sign_in;

  g_assert (G_IS_TASK (task));

  if (from_prefetch)
    {
      account = lk_account_prefetch_wait_finish (LK_ACCOUNT_PREFETCH (source), result,
                                                 &client_session, &error);
      unreachable = lk_account_prefetch_dup_unreachable (LK_ACCOUNT_PREFETCH (source));
    }
  else
    account = lk_credential_store_find_account_finish (LK_CREDENTIAL_STORE (source), result, &error);

  self = g_task_get_source_object (task);
  sign_in = g_task_get_task_data (task);
  if (from_prefetch && sign_in->attempt == self->attempt)
    stop_waiting_for_prefetch (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&unreachable);
      g_task_return_error (task, error);
      return;
    }

  use_account (g_steal_pointer (&task), account, client_session, error, from_prefetch, unreachable);
}

static gboolean
on_prefetch_slow (gpointer user_data)
{
  LkSession *self = user_data;

  self->prefetch_hurry_id = 0;
  if (self->prefetch != NULL)
    lk_account_prefetch_hurry (self->prefetch);

  return G_SOURCE_REMOVE;
}

void
lk_session_sign_in_remembered_async (LkSession           *self,
                                     LkPlatform          *platform,
                                     const char          *client_id,
                                     LkAccountPrefetch   *prefetch,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  LkAccount *account = NULL;
  LkClientSession *client_session = NULL;
  GError *error = NULL;

  g_return_if_fail (LK_IS_SESSION (self));
  g_return_if_fail (platform != NULL);
  g_return_if_fail (client_id != NULL);
  g_return_if_fail (prefetch == NULL || LK_IS_ACCOUNT_PREFETCH (prefetch));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = begin_sign_in (self, platform, client_id, LK_SESSION_SIGN_IN_NONE,
                        cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_session_sign_in_remembered_async);

  if (prefetch == NULL)
    {
      look_account_up (g_steal_pointer (&task));
      return;
    }

  /* Looked up (and most likely signed in and listed) already while the
   * application started. */
  if (lk_account_prefetch_take_now (prefetch, &account, &client_session, &error))
    {
      use_account (g_steal_pointer (&task), account, client_session, error, TRUE,
                   lk_account_prefetch_dup_unreachable (prefetch));
      return;
    }

  self->prefetch = g_object_ref (prefetch);
  self->prefetch_hurry_id = g_timeout_add (PREFETCH_LIST_WAIT_MS, on_prefetch_slow, self);
  g_source_set_name_by_id (self->prefetch_hurry_id, "[layer-keys] prefetch list wait");
  lk_account_prefetch_wait_async (prefetch, cancellable, on_account_found, g_steal_pointer (&task));
}

gboolean
lk_session_sign_in_remembered_finish (LkSession     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (LK_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_session_sign_in_remembered_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Signing out ---- */

void
lk_session_sign_out (LkSession *self)
{
  g_return_if_fail (LK_IS_SESSION (self));

  if (self->client == NULL)
    return;

  set_client (self, NULL, FALSE);
}

void
lk_session_forget_account (LkSession *self)
{
  g_return_if_fail (LK_IS_SESSION (self));

  if (self->client == NULL)
    return;

  /* This account's items only: the platform's other accounts and its
   * API-key items stay. */
  if (!self->demo)
    lk_credential_store_forget_account_async (self->store,
                                              lk_platform_get_id (lk_client_get_platform (self->client)),
                                              lk_client_get_client_id (self->client),
                                              self->cancellable,
                                              on_account_forgotten,
                                              self);

  set_client (self, NULL, FALSE);
}

void
lk_session_end (LkSession    *self,
                const GError *error)
{
  g_return_if_fail (LK_IS_SESSION (self));
  g_return_if_fail (error != NULL);

  set_client (self, NULL, FALSE);
  g_signal_emit (self, signals[SIGNAL_ENDED], 0, error);
}

/* ---- GObject ---- */

static void
lk_session_dispose (GObject *object)
{
  LkSession *self = LK_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  stop_waiting_for_prefetch (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (lk_session_parent_class)->dispose (object);
}

static void
lk_session_finalize (GObject *object)
{
  LkSession *self = LK_SESSION (object);

  g_clear_object (&self->store);
  g_clear_object (&self->demo_store);
  g_clear_object (&self->cancellable);
  g_free (self->display_name);

  G_OBJECT_CLASS (lk_session_parent_class)->finalize (object);
}

static void
lk_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LkSession *self = LK_SESSION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_WHOAMI:
      g_value_set_object (value, lk_session_get_whoami (self));
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->client != NULL);
      break;
    case PROP_CAN_READ:
      g_value_set_boolean (value, self->can_read);
      break;
    case PROP_CAN_WRITE:
      g_value_set_boolean (value, self->can_write);
      break;
    case PROP_CAN_DELETE:
      g_value_set_boolean (value, self->can_delete);
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LkSession *self = LK_SESSION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_assert (self->store == NULL);
      self->store = g_value_dup_object (value);
      break;
    case PROP_DISPLAY_NAME:
      lk_session_set_display_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_session_class_init (LkSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags read_only = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lk_session_dispose;
  object_class->finalize = lk_session_finalize;
  object_class->get_property = lk_session_get_property;
  object_class->set_property = lk_session_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LK_TYPE_CREDENTIAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, LK_TYPE_CLIENT, read_only);
  properties[PROP_WHOAMI] =
    g_param_spec_object ("whoami", NULL, NULL, LK_TYPE_API_KEY, read_only);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, read_only);
  properties[PROP_CAN_READ] =
    g_param_spec_boolean ("can-read", NULL, NULL, FALSE, read_only);
  properties[PROP_CAN_WRITE] =
    g_param_spec_boolean ("can-write", NULL, NULL, FALSE, read_only);
  properties[PROP_CAN_DELETE] =
    g_param_spec_boolean ("can-delete", NULL, NULL, FALSE, read_only);
  properties[PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE, read_only);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_REMEMBER_FAILED] =
    g_signal_new ("remember-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_FORGET_FAILED] =
    g_signal_new ("forget-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
lk_session_init (LkSession *self)
{
  self->cancellable = g_cancellable_new ();
}

LkSession *
lk_session_new (LkCredentialStore *store)
{
  g_return_val_if_fail (LK_IS_CREDENTIAL_STORE (store), NULL);

  return g_object_new (LK_TYPE_SESSION, "store", store, NULL);
}

LkCredentialStore *
lk_session_get_store (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), NULL);

  return self->store;
}

LkClient *
lk_session_get_client (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), NULL);

  return self->client;
}

LkApiKey *
lk_session_get_whoami (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), NULL);

  return self->client ? lk_client_get_whoami (self->client) : NULL;
}

gboolean
lk_session_get_signed_in (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), FALSE);

  return self->client != NULL;
}

gboolean
lk_session_get_can_read (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), FALSE);

  return self->can_read;
}

gboolean
lk_session_get_can_write (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), FALSE);

  return self->can_write;
}

gboolean
lk_session_get_can_delete (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), FALSE);

  return self->can_delete;
}

void
lk_session_set_demo_store (LkSession         *self,
                           LkCredentialStore *store)
{
  g_return_if_fail (LK_IS_SESSION (self));
  g_return_if_fail (store == NULL || LK_IS_CREDENTIAL_STORE (store));

  g_set_object (&self->demo_store, store);
}

gboolean
lk_session_get_demo (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), FALSE);

  return self->demo;
}

/* The name the user gave the signed-in account (for the window title and
 * the account popover; kept by the UI, see lk-account-names.c), or NULL
 * for none: then the signed-in key's name stands for it.  Signing in to
 * another account clears it. */
void
lk_session_set_display_name (LkSession  *self,
                             const char *name)
{
  g_return_if_fail (LK_IS_SESSION (self));

  if (name != NULL && name[0] == '\0')
    name = NULL;
  if (g_strcmp0 (self->display_name, name) == 0)
    return;

  g_free (self->display_name);
  self->display_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

const char *
lk_session_get_display_name (LkSession *self)
{
  g_return_val_if_fail (LK_IS_SESSION (self), NULL);

  return self->display_name;
}
