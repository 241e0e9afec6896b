/* lk-account-prefetch.c: the remembered account, signed in while GTK starts
 *
 * The worker thread runs ordinary asynchronous operations on a main
 * context of its own; everything it makes (the quiet store, its
 * connection to the service, the client and its HTTP session) lives and
 * dies in that thread.  Only the results cross over to the main thread:
 * the thread leaves them in @ready under @lock, where the main thread
 * finds them as soon as it looks (lk_account_prefetch_take_now()), or
 * when the GTask's callback tells it they are there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-account-prefetch"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-account-prefetch.h"
#include "lk-error.h"
#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-platform.h"

typedef struct {
  LkAccount       *account;
  LkClientSession *session;
  GError          *error;      /* of the lookup */
  GError          *unreachable; /* the sign-in found no platform to connect to */
} Prefetched;

struct _LkAccountPrefetch
{
  GObject             parent_instance;
  char               *platform_id;
  char               *client_id;
  GCancellable       *cancellable;
  GCancellable       *list_cancellable;  /* lk_account_prefetch_hurry() */
  LkPlatform         *platform;     /* the thread's own */
  LkPrefetchKeysFunc  prepare_keys;

  /* Between the threads */
  GMutex              lock;
  Prefetched         *ready;        /* set once, by the thread */

  /* Main thread only */
  Prefetched         *result;       /* taken from @ready */
  gboolean            handed_out;
  GQueue              waiters;      /* GTask */
};

G_DEFINE_FINAL_TYPE (LkAccountPrefetch, lk_account_prefetch, G_TYPE_OBJECT)

static void
prefetched_free (Prefetched *prefetched)
{
  if (prefetched == NULL)
    return;

  g_clear_pointer (&prefetched->account, lk_account_free);
  g_clear_pointer (&prefetched->session, lk_client_session_free);
  g_clear_error (&prefetched->error);
  g_clear_error (&prefetched->unreachable);
  g_free (prefetched);
}

/* ---- The worker thread ---- */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs the main context of this thread until @result is set. */
static GAsyncResult *
wait_here (GMainContext  *context,
           GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (context, TRUE);
  return *result;
}

/* (from any thread) */
static void
cancel_other (GCancellable *cancellable,
              gpointer      other)
{
  g_cancellable_cancel (G_CANCELLABLE (other));
}

/* Signs in with @account and lists the keys: the session, with the keys
 * (all of them, or when hurried those of the pages read so far, which the
 * window's client keeps and reads on from), or NULL when signing in
 * failed.
 * The window then signs in again and reports what it meets, except when
 * nothing answered at the platform's address (@out_unreachable): the
 * sign-in is tried once here, and the window reports that at once
 * instead of waiting for retries of its own (issue 19: a start with the
 * platform unreachable paints its error without waiting). */
static LkClientSession *
sign_in_and_list (LkAccountPrefetch  *self,
                  GMainContext       *context,
                  LkCredentialStore  *store,
                  LkAccount          *account,
                  GCancellable       *cancellable,
                  GError            **out_unreachable)
{
  g_autoptr (LkClient) client = lk_client_new (self->platform);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  LkClientSession *session;

  lk_client_set_store (client, store);
  lk_client_set_credentials (client, account->client_id, account->client_secret);
  lk_client_set_retry_policy (client, 1, LK_CLIENT_DEFAULT_MAX_TOTAL_SECONDS);
  lk_client_sign_in_async (client, cancellable, store_result, &result);
  whoami = lk_client_sign_in_finish (client, wait_here (context, &result), &error);
  g_clear_object (&result);
  if (whoami == NULL)
    {
      g_debug ("Prefetch: not signed in: %s", error->message);
      if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK))
        g_propagate_error (out_unreachable, g_steal_pointer (&error));
      return NULL;
    }
  lk_client_set_retry_policy (client, LK_CLIENT_DEFAULT_MAX_ATTEMPTS,
                              LK_CLIENT_DEFAULT_MAX_TOTAL_SECONDS);

  if (lk_permissions_allows (lk_api_key_get_permissions (whoami), LK_CATEGORY_API_KEYS, LK_ACCESS_READ))
    {
      g_autoptr (GCancellable) list_cancellable = g_cancellable_new ();
      gulong chained = g_cancellable_connect (cancellable, G_CALLBACK (cancel_other),
                                              list_cancellable, NULL);
      gulong hurried = g_cancellable_connect (self->list_cancellable, G_CALLBACK (cancel_other),
                                              list_cancellable, NULL);

      lk_client_list_keys_async (client, list_cancellable, store_result, &result);
      if (!lk_client_list_keys_finish (client, wait_here (context, &result), &error))
        g_debug ("Prefetch: not listed: %s", error->message);
      g_clear_object (&result);
      g_cancellable_disconnect (cancellable, chained);
      g_cancellable_disconnect (self->list_cancellable, hurried);
    }

  session = lk_client_export_session (client);
  if (session != NULL && lk_client_session_get_keys (session) != NULL && self->prepare_keys != NULL)
    self->prepare_keys (lk_client_session_get_keys (session));

  return session;
}

static void
prefetch_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  LkAccountPrefetch *self = source_object;
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  Prefetched *prefetched = g_new0 (Prefetched, 1);

  g_main_context_push_thread_default (context);

  /* The store's own timer ends the lookup within LK_STORE_TIMEOUT_SECONDS
   * whatever the service does. */
  store = lk_secret_store_new_quiet ();
  /* Only a sign-in remembered for this very platform (API URL, token URL,
   * CA): its secret is sent nowhere else. */
  lk_credential_store_find_account_async (store, self->platform, self->client_id,
                                          cancellable, store_result, &result);
  prefetched->account = lk_credential_store_find_account_finish (store, wait_here (context, &result),
                                                                 &prefetched->error);
  g_clear_object (&result);
  if (prefetched->account != NULL)
    prefetched->session = sign_in_and_list (self, context, store, prefetched->account, cancellable,
                                            &prefetched->unreachable);

  /* The store goes now, and what it and its connection still queue here
   * (D-Bus proxies free their signal subscriptions in this context) runs
   * before the context goes: nothing is left behind. */
  g_clear_object (&store);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);

  g_main_context_pop_thread_default (context);

  g_mutex_lock (&self->lock);
  self->ready = prefetched;
  g_mutex_unlock (&self->lock);

  g_task_return_boolean (task, TRUE);
}

/* ---- The main thread ---- */

/* Takes what the thread left, if it is done; whether it is. */
static gboolean
collect (LkAccountPrefetch *self)
{
  if (self->result == NULL)
    {
      g_mutex_lock (&self->lock);
      self->result = g_steal_pointer (&self->ready);
      g_mutex_unlock (&self->lock);
    }

  return self->result != NULL;
}

/* Hands the result out (the account and session once). */
static LkAccount *
hand_out (LkAccountPrefetch  *self,
          LkClientSession   **session,
          GError            **error)
{
  if (self->result->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->result->error));
      return NULL;
    }

  if (self->handed_out || self->result->account == NULL)
    {
      g_set_error_literal (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND,
                           _("No account is remembered in the keyring."));
      return NULL;
    }

  self->handed_out = TRUE;
  if (session != NULL)
    *session = g_steal_pointer (&self->result->session);
  return g_steal_pointer (&self->result->account);
}

static void
answer (LkAccountPrefetch *self,
        GTask             *waiter)
{
  Prefetched *prefetched;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (waiter))
    return;

  prefetched = g_new0 (Prefetched, 1);
  prefetched->account = hand_out (self, &prefetched->session, &error);
  if (prefetched->account == NULL)
    {
      prefetched_free (prefetched);
      g_task_return_error (waiter, error);
      return;
    }

  g_task_return_pointer (waiter, prefetched, (GDestroyNotify) prefetched_free);
}

static void
on_prefetched (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LkAccountPrefetch *self = LK_ACCOUNT_PREFETCH (source);
  GTask *waiter;

  collect (self);
  g_assert (self->result != NULL);

  while ((waiter = g_queue_pop_head (&self->waiters)) != NULL)
    {
      answer (self, waiter);
      g_object_unref (waiter);
    }
}

LkAccountPrefetch *
lk_account_prefetch_start (LkPlatform        *platform,
                           const char        *client_id,
                           LkPrefetchKeysFunc  prepare_keys)
{
  LkAccountPrefetch *self;
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (platform != NULL && client_id != NULL, NULL);

  self = g_object_new (LK_TYPE_ACCOUNT_PREFETCH, NULL);
  self->platform = platform;
  self->platform_id = g_strdup (lk_platform_get_id (platform));
  self->client_id = g_strdup (client_id);
  self->prepare_keys = prepare_keys;

  task = g_task_new (self, self->cancellable, on_prefetched, NULL);
  g_task_set_source_tag (task, lk_account_prefetch_start);
  g_task_set_name (task, "[layer-keys] account prefetch");
  g_task_run_in_thread (task, prefetch_thread);

  return self;
}

gboolean
lk_account_prefetch_is_for (LkAccountPrefetch *self,
                            const char        *platform_id,
                            const char        *client_id)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_PREFETCH (self), FALSE);

  return g_strcmp0 (self->platform_id, platform_id) == 0 &&
         g_strcmp0 (self->client_id, client_id) == 0;
}

GError *
lk_account_prefetch_dup_unreachable (LkAccountPrefetch *self)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_PREFETCH (self), NULL);

  if (!collect (self) || self->result->unreachable == NULL)
    return NULL;

  return g_error_copy (self->result->unreachable);
}

void
lk_account_prefetch_hurry (LkAccountPrefetch *self)
{
  g_return_if_fail (LK_IS_ACCOUNT_PREFETCH (self));

  g_cancellable_cancel (self->list_cancellable);
}

gboolean
lk_account_prefetch_take_now (LkAccountPrefetch  *self,
                              LkAccount         **account,
                              LkClientSession   **session,
                              GError            **error)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_PREFETCH (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  *account = NULL;
  if (session != NULL)
    *session = NULL;

  if (!collect (self))
    return FALSE;

  *account = hand_out (self, session, error);
  return TRUE;
}

void
lk_account_prefetch_wait_async (LkAccountPrefetch   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (LK_IS_ACCOUNT_PREFETCH (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_account_prefetch_wait_async);

  if (collect (self))
    answer (self, task);
  else
    g_queue_push_tail (&self->waiters, g_steal_pointer (&task));
}

LkAccount *
lk_account_prefetch_wait_finish (LkAccountPrefetch  *self,
                                 GAsyncResult       *result,
                                 LkClientSession   **session,
                                 GError            **error)
{
  Prefetched *prefetched;
  LkAccount *account;

  g_return_val_if_fail (LK_IS_ACCOUNT_PREFETCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_account_prefetch_wait_async, NULL);

  if (session != NULL)
    *session = NULL;

  prefetched = g_task_propagate_pointer (G_TASK (result), error);
  if (prefetched == NULL)
    return NULL;

  account = g_steal_pointer (&prefetched->account);
  if (session != NULL)
    *session = g_steal_pointer (&prefetched->session);
  prefetched_free (prefetched);
  return account;
}

static void
lk_account_prefetch_dispose (GObject *object)
{
  LkAccountPrefetch *self = LK_ACCOUNT_PREFETCH (object);

  /* Waiters and the thread hold references: nobody waits here. */
  g_assert (g_queue_is_empty (&self->waiters));
  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (lk_account_prefetch_parent_class)->dispose (object);
}

static void
lk_account_prefetch_finalize (GObject *object)
{
  LkAccountPrefetch *self = LK_ACCOUNT_PREFETCH (object);

  g_free (self->platform_id);
  g_free (self->client_id);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_pointer (&self->platform, lk_platform_unref);
  g_clear_pointer (&self->ready, prefetched_free);
  g_clear_pointer (&self->result, prefetched_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lk_account_prefetch_parent_class)->finalize (object);
}

static void
lk_account_prefetch_class_init (LkAccountPrefetchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lk_account_prefetch_dispose;
  G_OBJECT_CLASS (klass)->finalize = lk_account_prefetch_finalize;
}

static void
lk_account_prefetch_init (LkAccountPrefetch *self)
{
  self->cancellable = g_cancellable_new ();
  self->list_cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_queue_init (&self->waiters);
}
