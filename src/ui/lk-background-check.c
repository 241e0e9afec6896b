/* lk-background-check.c: one run of the background check
 *
 * One account after the other: find the sign-in (quiet store: never a
 * prompt), sign in, list, notify, run the due deletions.  The accounts
 * are those the application remembers: today the one of the
 * "last-client-id" setting on the platform of the "region" settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-background-check"

#include "config.h"

#include "lk-application.h"
#include "lk-background-check.h"
#include "lk-credential-store.h"
#include "lk-error.h"
#include "lk-platform-settings.h"
#include "lk-rotation.h"

struct _LkBackgroundCheck
{
  GObject           parent_instance;

  GSettings        *settings;
  LkExpiryNotifier *notifier;
};

G_DEFINE_FINAL_TYPE (LkBackgroundCheck, lk_background_check, G_TYPE_OBJECT)

typedef struct {
  LkPlatform *platform;
  char       *client_id;
} Account;

static void
account_free (Account *account)
{
  g_clear_pointer (&account->platform, lk_platform_unref);
  g_free (account->client_id);
  g_free (account);
}

typedef struct {
  GPtrArray         *accounts;      /* Account */
  guint              next;
  LkCredentialStore *store;
  LkClient          *client;        /* the account being checked */
  gulong             checked_id;
  GError            *first_error;
  GCancellable      *cancellable;   /* ours: the caller's, and the time limit */
  GCancellable      *caller_cancellable;
  gulong             caller_cancelled_id;
  guint              timeout_id;
} Run;

static void
run_free (Run *run)
{
  g_assert (run->checked_id == 0);

  g_clear_handle_id (&run->timeout_id, g_source_remove);
  if (run->caller_cancellable != NULL)
    g_cancellable_disconnect (run->caller_cancellable, run->caller_cancelled_id);
  g_clear_object (&run->caller_cancellable);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->accounts, g_ptr_array_unref);
  g_clear_object (&run->store);
  g_clear_object (&run->client);
  g_clear_error (&run->first_error);
  g_free (run);
}

/* Each sign-in remembered in the keyring whose platform can be rebuilt
 * (see lk_platform_for_account(): the settings' own platform lends its CA
 * file); the others are signed in to with the form, not in the
 * background. */
static GPtrArray *
accounts_to_check (GSettings *settings,
                   GPtrArray *remembered)
{
  g_autoptr (GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) account_free);
  g_autoptr (LkPlatform) known = lk_platform_settings_dup (settings, NULL);

  for (guint i = 0; i < remembered->len; i++)
    {
      LkRememberedAccount *entry = g_ptr_array_index (remembered, i);
      g_autoptr (GError) error = NULL;
      LkPlatform *platform;
      Account *account;

      platform = lk_platform_for_account (entry->platform_id, entry->token_url, entry->has_ca,
                                          known, &error);
      if (platform == NULL)
        {
          g_debug ("Background check: an account is skipped: %s", error->message);
          continue;
        }

      account = g_new0 (Account, 1);
      account->platform = platform;
      account->client_id = g_strdup (entry->client_id);
      g_ptr_array_add (accounts, account);
    }

  return g_steal_pointer (&accounts);
}

static void check_next (GTask *task);

/* Ends this account's part (@error, taken, says why; NULL when it went
 * well) and goes on with the next. */
static void
account_done (GTask  *task,
              GError *error)
{
  Run *run = g_task_get_task_data (task);

  if (error != NULL)
    {
      g_debug ("Background check: an account was not checked: %s", error->message);
      if (run->first_error == NULL)
        run->first_error = error;
      else
        g_error_free (error);
    }

  g_clear_object (&run->client);
  check_next (task);
}

static void
on_due_run (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GPtrArray) deleted = NULL;
  g_autoptr (GPtrArray) failed = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  deleted = lk_rotation_run_due_finish (result, &failed, &error);
  if (deleted != NULL)
    {
      g_debug ("Background check: %u scheduled deletions carried out, %u failed",
               deleted->len, failed != NULL ? failed->len : 0);
      if (failed != NULL && failed->len > 0)
        error = g_error_copy (failed->pdata[0]);
    }

  account_done (g_steal_pointer (&task), error);
}

static void
run_due (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  lk_rotation_run_due_async (run->client, run->cancellable, on_due_run, g_object_ref (task));
}

static void
on_checked (LkExpiryNotifier *notifier,
            LkClient         *client,
            guint             n_sent,
            gpointer          user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  if (client != run->client)
    return;

  g_debug ("Background check: %u expiry notifications sent", n_sent);
  g_clear_signal_handler (&run->checked_id, notifier);
  run_due (task);
  g_object_unref (task);   /* the handler's */
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  LkBackgroundCheck *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  if (!lk_client_list_keys_finish (LK_CLIENT (source), result, &error))
    {
      account_done (g_steal_pointer (&task), error);
      return;
    }

  /* The notifier may answer at once (no thresholds): connect first. */
  run->checked_id = g_signal_connect (self->notifier, "checked", G_CALLBACK (on_checked),
                                      g_object_ref (task));
  lk_expiry_notifier_check (self->notifier, run->client);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (LkApiKey) whoami = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  whoami = lk_client_sign_in_finish (LK_CLIENT (source), result, &error);
  if (whoami == NULL)
    {
      account_done (g_steal_pointer (&task), error);
      return;
    }

  /* A key that may not list keys has nothing to be warned about; its
   * scheduled deletions are tried all the same (and stay if refused). */
  if (!lk_permissions_allows (lk_api_key_get_permissions (whoami), LK_CATEGORY_API_KEYS, LK_ACCESS_READ))
    {
      run_due (task);
      return;
    }

  lk_client_list_keys_async (run->client, run->cancellable, on_listed, g_steal_pointer (&task));
}

static void
on_account_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  Account *current = run->accounts->pdata[run->next - 1];
  g_autoptr (LkAccount) account = NULL;
  GError *error = NULL;

  g_assert (G_IS_TASK (task));

  /* A locked keyring stays locked: nobody is asked to unlock it. */
  account = lk_credential_store_find_account_finish (run->store, result, &error);
  if (account == NULL)
    {
      account_done (g_steal_pointer (&task), error);
      return;
    }

  run->client = lk_client_new (current->platform);
  lk_client_set_store (run->client, run->store);
  lk_client_set_credentials (run->client, account->client_id, account->client_secret);
  lk_client_sign_in_async (run->client, run->cancellable, on_signed_in, g_steal_pointer (&task));
}

static void
check_next (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Account *account;

  if (g_cancellable_is_cancelled (run->cancellable) || run->next >= run->accounts->len)
    {
      if (run->first_error != NULL)
        g_task_return_error (task, g_steal_pointer (&run->first_error));
      else if (!g_task_return_error_if_cancelled (task))
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  account = run->accounts->pdata[run->next++];
  lk_credential_store_find_account_async (run->store, account->platform, account->client_id,
                                          run->cancellable, on_account_found, task);
}

static gboolean
on_time_limit (gpointer user_data)
{
  Run *run = user_data;

  g_debug ("Background check: cut short after %d seconds", LK_BACKGROUND_CHECK_TIMEOUT_SECONDS);
  run->timeout_id = 0;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static void
on_accounts_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  LkBackgroundCheck *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr (GPtrArray) remembered = NULL;
  g_autoptr (GError) error = NULL;

  remembered = lk_credential_store_list_accounts_finish (LK_CREDENTIAL_STORE (source), result, &error);
  if (remembered == NULL)
    {
      /* A locked keyring, say: nothing to check, quietly. */
      g_debug ("Background check: the remembered accounts could not be listed: %s", error->message);
      remembered = g_ptr_array_new ();
    }

  run->accounts = accounts_to_check (self->settings, remembered);
  g_debug ("Background check: %u accounts", run->accounts->len);
  check_next (task);
}

void
lk_background_check_run_async (LkBackgroundCheck   *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (LK_IS_BACKGROUND_CHECK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_background_check_run_async);

  run = g_new0 (Run, 1);
  run->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (cancellable);
      run->caller_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                        run->cancellable, NULL);
    }
  run->timeout_id = g_timeout_add_seconds (LK_BACKGROUND_CHECK_TIMEOUT_SECONDS, on_time_limit, run);
  g_source_set_name_by_id (run->timeout_id, "[layer-keys] background check time limit");
  /* Its own connection, and never a prompt: a locked keyring is
   * LK_STORE_ERROR_LOCKED. */
  run->store = lk_secret_store_new_quiet ();
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  lk_credential_store_list_accounts_async (run->store, NULL, run->cancellable,
                                           on_accounts_listed, task);
}

gboolean
lk_background_check_run_finish (LkBackgroundCheck  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (LK_IS_BACKGROUND_CHECK (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_background_check_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lk_background_check_dispose (GObject *object)
{
  LkBackgroundCheck *self = LK_BACKGROUND_CHECK (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->notifier);

  G_OBJECT_CLASS (lk_background_check_parent_class)->dispose (object);
}

static void
lk_background_check_class_init (LkBackgroundCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_background_check_dispose;
}

static void
lk_background_check_init (LkBackgroundCheck *self)
{
}

LkBackgroundCheck *
lk_background_check_new (GSettings        *settings,
                         LkExpiryNotifier *notifier)
{
  LkBackgroundCheck *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (LK_IS_EXPIRY_NOTIFIER (notifier), NULL);

  self = g_object_new (LK_TYPE_BACKGROUND_CHECK, NULL);
  self->settings = g_object_ref (settings);
  self->notifier = g_object_ref (notifier);
  return self;
}
