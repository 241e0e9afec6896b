/* lk-connection-check.c: Check Connection, step by step (issue 20)
 *
 * Its own SoupSession, configured as LkClient's is (the platform's CA
 * file, verification always on, no redirects), and one request per step,
 * each timed.  Failures are worded by lk-client-errors.c, as the app's
 * and the CLI's are; the token and the secret stay in this file and are
 * wiped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-connection-check"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-client-private.h"
#include "lk-connection-check.h"
#include "lk-wire.h"

#define DEFAULT_TIMEOUT 15
#define LIST_PROBE_PATH LK_WIRE_PATH_KEYS "?" LK_WIRE_QUERY_OFFSET "=0&" LK_WIRE_QUERY_LIMIT "=1"

struct _LkConnectionCheck
{
  GObject      parent_instance;

  LkPlatform  *platform;
  char        *client_id;
  char        *client_secret;   /* wiped */
  char        *token;           /* wiped */
  guint        timeout;
  SoupSession *session;
  LkCheckStep  steps[LK_CHECK_N_STEPS];
  LkCheckStepKind current;
  gint64       started;
  /* The token URL: the platform's first, its fallback when that one is
   * unreachable or answers 404 (as LkClient does, lk-token-url.c) */
  gboolean     token_fallback;
  GError      *token_first_error;
  char        *token_url_used;  /* the one that gave a token, or NULL */
};

G_DEFINE_FINAL_TYPE (LkConnectionCheck, lk_connection_check, G_TYPE_OBJECT)

static void check_next (GTask *task);

static void
clear_steps (LkConnectionCheck *self)
{
  for (guint i = 0; i < LK_CHECK_N_STEPS; i++)
    {
      g_clear_error (&self->steps[i].error);
      self->steps[i].kind = i;
      self->steps[i].outcome = LK_CHECK_NOT_RUN;
      self->steps[i].duration_us = 0;
    }
}

static void
lk_connection_check_finalize (GObject *object)
{
  LkConnectionCheck *self = LK_CONNECTION_CHECK (object);

  clear_steps (self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->platform, lk_platform_unref);
  g_free (self->client_id);
  g_clear_pointer (&self->client_secret, lk_secret_free);
  g_clear_pointer (&self->token, lk_secret_free);
  g_clear_error (&self->token_first_error);
  g_clear_pointer (&self->token_url_used, g_free);

  G_OBJECT_CLASS (lk_connection_check_parent_class)->finalize (object);
}

static void
lk_connection_check_class_init (LkConnectionCheckClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_connection_check_finalize;
}

static void
lk_connection_check_init (LkConnectionCheck *self)
{
  self->timeout = DEFAULT_TIMEOUT;
  clear_steps (self);
}

LkConnectionCheck *
lk_connection_check_new (LkPlatform *platform,
                         const char *client_id,
                         const char *client_secret)
{
  LkConnectionCheck *self;

  g_return_val_if_fail (platform != NULL, NULL);

  self = g_object_new (LK_TYPE_CONNECTION_CHECK, NULL);
  self->platform = lk_platform_ref (platform);
  self->client_id = g_strdup (client_id != NULL ? client_id : "");
  self->client_secret = g_strdup (client_secret != NULL ? client_secret : "");
  return self;
}

LkConnectionCheck *
lk_connection_check_new_for_client (LkClient *client)
{
  g_return_val_if_fail (LK_IS_CLIENT (client), NULL);
  g_return_val_if_fail (client->platform != NULL, NULL);

  /* The signed-in session's credentials, as it holds them in memory:
   * nothing is typed again, nothing is read from the keyring. */
  return lk_connection_check_new (client->platform, client->client_id, client->client_secret);
}

void
lk_connection_check_set_timeout (LkConnectionCheck *self,
                                 guint              seconds)
{
  g_return_if_fail (LK_IS_CONNECTION_CHECK (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

const LkCheckStep *
lk_connection_check_get_step (LkConnectionCheck *self,
                              LkCheckStepKind    kind)
{
  g_return_val_if_fail (LK_IS_CONNECTION_CHECK (self), NULL);
  g_return_val_if_fail (kind < LK_CHECK_N_STEPS, NULL);

  return &self->steps[kind];
}

const char *
lk_check_step_get_title (LkCheckStepKind kind)
{
  switch (kind)
    {
    case LK_CHECK_CONNECT:
      return _("Connection (DNS and TLS)");
    case LK_CHECK_TOKEN:
      return _("Token");
    case LK_CHECK_WHOAMI:
      /* Translators: the step that asks the platform which key signed in */
      return _("Who am I (GET /api/v1/whoami)");
    case LK_CHECK_LIST:
      return _("List keys, first page (GET /api/v1/api-keys)");
    case LK_CHECK_N_STEPS:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
lk_connection_check_get_token_url_used (LkConnectionCheck *self)
{
  g_return_val_if_fail (LK_IS_CONNECTION_CHECK (self), NULL);

  return self->token_url_used;
}

/* ---- The steps ---- */

static void
step_done (GTask  *task,
           GError *error)
{
  LkConnectionCheck *self = g_task_get_source_object (task);
  LkCheckStep *step = &self->steps[self->current];

  step->duration_us = g_get_monotonic_time () - self->started;
  step->outcome = error == NULL ? LK_CHECK_PASSED : LK_CHECK_FAILED;
  step->error = error;
  g_debug ("%s: %s", lk_check_step_get_title (self->current),
           error == NULL ? "passed" : "failed");

  if (error != NULL)
    {
      /* Nothing after a failed step can run: each needs the one before. */
      g_task_return_boolean (task, FALSE);
      return;
    }

  self->current++;
  check_next (task);
}

static const char *
token_url (LkConnectionCheck *self)
{
  const char *fallback = lk_platform_get_fallback_token_url (self->platform);

  if (self->token_fallback && fallback != NULL)
    return fallback;
  return lk_platform_get_token_url (self->platform);
}

/* The token step failed with @error: the fallback token URL is asked
 * when there is one and the first was absent; when both failed, one
 * error names both. */
static void
token_failed (GTask  *task,
              GError *error)
{
  LkConnectionCheck *self = g_task_get_source_object (task);
  const char *fallback = lk_platform_get_fallback_token_url (self->platform);
  gint64 started = self->started;

  if (fallback != NULL && !self->token_fallback && lk_token_url_is_absent (error))
    {
      g_clear_error (&self->token_first_error);
      self->token_first_error = error;
      self->token_fallback = TRUE;
      check_next (task);
      /* The step's time is both requests'. */
      self->started = started;
      return;
    }

  if (self->token_fallback && self->token_first_error != NULL && lk_token_url_is_absent (error))
    {
      GError *both = lk_token_url_both_failed (lk_platform_get_token_url (self->platform),
                                               self->token_first_error, fallback, error);

      g_error_free (error);
      error = both;
    }
  step_done (task, error);
}

static GError *
transport_error (SoupMessage  *msg,
                 const GError *error)
{
  GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (msg);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return lk_client_error_timeout ();
  return lk_client_error_from_transport (error, error->domain == G_TLS_ERROR || flags != 0, flags);
}

static void
on_reply (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkConnectionCheck *self;
  SoupMessage *msg;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  g_assert (G_IS_TASK (task));
  self = g_task_get_source_object (task);
  msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (body == NULL)
    {
      if (self->current == LK_CHECK_TOKEN)
        token_failed (task, transport_error (msg, error));
      else
        step_done (task, transport_error (msg, error));
      return;
    }

  status = soup_message_get_status (msg);

  switch (self->current)
    {
    case LK_CHECK_CONNECT:
      /* Any answer means the name resolved and TLS was set up. */
      step_done (task, NULL);
      return;

    case LK_CHECK_TOKEN:
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          gsize length;
          const char *data = g_bytes_get_data (body, &length);
          g_autoptr(LkSecretString) token = NULL;
          gint64 expires_in = 0;

          if (!lk_wire_parse_token (data, length, &token, &expires_in, NULL) || token == NULL)
            {
              step_done (task, lk_client_error_malformed ());
              return;
            }
          g_clear_pointer (&self->token, lk_secret_free);
          self->token = g_strdup (token);
          g_free (self->token_url_used);
          self->token_url_used = g_strdup (token_url (self));
          step_done (task, NULL);
          return;
        }
      token_failed (task, lk_client_error_from_reply (SOUP_METHOD_POST, token_url (self),
                                                      status, body, TRUE));
      return;

    case LK_CHECK_WHOAMI:
    case LK_CHECK_LIST:
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        step_done (task, NULL);
      else
        step_done (task, lk_client_error_from_reply (SOUP_METHOD_GET,
                                                     self->current == LK_CHECK_WHOAMI
                                                       ? LK_WIRE_PATH_WHOAMI : LIST_PROBE_PATH,
                                                     status, body, FALSE));
      return;

    case LK_CHECK_N_STEPS:
    default:
      g_assert_not_reached ();
    }
}

static void
check_next (GTask *task)
{
  LkConnectionCheck *self = g_task_get_source_object (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;

  if (self->current >= LK_CHECK_N_STEPS)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  switch (self->current)
    {
    case LK_CHECK_CONNECT:
      url = g_strconcat (lk_platform_get_api_base (self->platform), "/", NULL);
      msg = soup_message_new (SOUP_METHOD_GET, url);
      break;

    case LK_CHECK_TOKEN:
      {
        static const char form[] = LK_WIRE_FORM_GRANT_TYPE "=" LK_WIRE_GRANT_CLIENT_CREDENTIALS;
        g_autoptr(GBytes) body = g_bytes_new_static (form, strlen (form));
        g_autoptr(LkSecretString) authorization = NULL;

        msg = soup_message_new (SOUP_METHOD_POST, token_url (self));
        authorization = lk_client_basic_authorization (self->client_id, self->client_secret);
        soup_message_headers_replace (soup_message_get_request_headers (msg),
                                      "Authorization", authorization);
        soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
      }
      break;

    case LK_CHECK_WHOAMI:
    case LK_CHECK_LIST:
      {
        g_autoptr(LkSecretString) bearer = g_strconcat ("Bearer ", self->token, NULL);

        url = g_strconcat (lk_platform_get_api_base (self->platform),
                           self->current == LK_CHECK_WHOAMI ? LK_WIRE_PATH_WHOAMI : LIST_PROBE_PATH,
                           NULL);
        msg = soup_message_new (SOUP_METHOD_GET, url);
        soup_message_headers_replace (soup_message_get_request_headers (msg),
                                      "Authorization", bearer);
      }
      break;

    case LK_CHECK_N_STEPS:
    default:
      g_assert_not_reached ();
    }

  self->started = g_get_monotonic_time ();
  if (msg == NULL)
    {
      step_done (task, lk_client_error_bad_url ());
      return;
    }

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                LK_CLIENT_JSON_CONTENT_TYPE);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_reply, g_object_ref (task));
}

void
lk_connection_check_run_async (LkConnectionCheck   *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *ca_file;

  g_return_if_fail (LK_IS_CONNECTION_CHECK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_connection_check_run_async);

  clear_steps (self);
  self->current = LK_CHECK_CONNECT;
  self->token_fallback = FALSE;
  g_clear_error (&self->token_first_error);
  g_clear_pointer (&self->token_url_used, g_free);
  g_clear_pointer (&self->token, lk_secret_free);
  g_clear_object (&self->session);
  self->session = lk_client_soup_session_new (self->timeout);

  /* Verification is always on; a CA file only says whom to trust. */
  ca_file = lk_platform_get_ca_file (self->platform);
  if (ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, NULL);

      if (database == NULL)
        {
          self->started = g_get_monotonic_time ();
          step_done (g_steal_pointer (&task),
                     g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                                          _("The CA file could not be read. Choose a file in PEM format in Custom region settings.")));
          return;
        }
      soup_session_set_tls_database (self->session, database);
    }

  check_next (task);
}

gboolean
lk_connection_check_run_finish (LkConnectionCheck  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (LK_IS_CONNECTION_CHECK (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
lk_connection_check_get_report (LkConnectionCheck *self)
{
  GString *report;

  g_return_val_if_fail (LK_IS_CONNECTION_CHECK (self), NULL);

  report = g_string_new (NULL);
  /* Translators: the first line of the Check Connection report; the %s
   * are web addresses */
  g_string_append_printf (report, _("Layer Keys %s — API URL %s, token URL %s"),
                          PACKAGE_VERSION, lk_platform_get_api_base (self->platform),
                          lk_platform_get_token_url (self->platform));
  g_string_append_c (report, '\n');
  /* Translators: %s is a client ID (never the secret) */
  g_string_append_printf (report, _("Client ID: %s"), self->client_id);
  g_string_append_c (report, '\n');

  for (guint i = 0; i < LK_CHECK_N_STEPS; i++)
    {
      const LkCheckStep *step = &self->steps[i];
      const char *outcome;

      switch (step->outcome)
        {
        case LK_CHECK_PASSED:
          outcome = _("passed");
          break;
        case LK_CHECK_FAILED:
          outcome = _("FAILED");
          break;
        case LK_CHECK_NOT_RUN:
        default:
          outcome = _("not run");
          break;
        }

      if (step->outcome == LK_CHECK_NOT_RUN)
        /* Translators: a line of the report: a step, and "not run" */
        g_string_append_printf (report, _("%s: %s"), lk_check_step_get_title (i), outcome);
      else
        /* Translators: a line of the report: the step, "passed" or
         * "FAILED", and the milliseconds it took */
        g_string_append_printf (report, _("%s: %s (%u ms)"),
                                lk_check_step_get_title (i), outcome,
                                (guint) MIN (step->duration_us / 1000, G_MAXUINT));
      if (step->error != NULL)
        g_string_append_printf (report, " — %s", step->error->message);
      g_string_append_c (report, '\n');
    }

  if (self->token_url_used != NULL)
    {
      /* Translators: a line of the Check Connection report; %s is the
       * web address that gave the token */
      g_string_append_printf (report, _("The token came from %s"), self->token_url_used);
      g_string_append_c (report, '\n');
      if (self->token_fallback && self->token_first_error != NULL)
        {
          /* Translators: a line of the Check Connection report; the first
           * %s is the token URL asked first, the second what went wrong
           * there (a sentence) */
          g_string_append_printf (report, _("%s gave no token: %s"),
                                  lk_platform_get_token_url (self->platform),
                                  self->token_first_error->message);
          g_string_append_c (report, '\n');
        }
    }

  return g_string_free (report, FALSE);
}
