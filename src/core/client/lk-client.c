/* lk-client.c: the platform client, as a GObject
 *
 * One class over several files (see lk-client-private.h for the map):
 * this one holds the object itself, its properties, construction and
 * disposal, the setters and getters, and what every operation shares (its
 * task, and its cancellable chained to the caller's and the client's).
 * The operations live in lk-client-sign-in.c, lk-client-list.c,
 * lk-client-create.c and lk-client-delete.c; the requests they make in
 * lk-request.c.
 *
 * Ownership: each public operation is a GTask whose source object is the
 * client, so the client lives as long as one runs.  Internal requests do
 * not hold the client; the token fetch in particular only touches it after
 * checking that the client was not disposed.  Disposing the client cancels
 * its GCancellable, to which every operation's cancellable is chained.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-client-private.h"
#include "lk-loopback-resolver.h"
#include "lk-wire.h"

#define DEFAULT_TIMEOUT_SECONDS     30
#define DEFAULT_MAX_ATTEMPTS        LK_CLIENT_DEFAULT_MAX_ATTEMPTS
#define DEFAULT_MAX_TOTAL_SECONDS   LK_CLIENT_DEFAULT_MAX_TOTAL_SECONDS
#define DEFAULT_PAGE_SIZE           100

G_DEFINE_FINAL_TYPE (LkClient, lk_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLATFORM,
  PROP_STORE,
  PROP_KEYS,
  PROP_WHOAMI,
  PROP_LOADING,
  PROP_CLIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------
 * For the client's other files
 * ------------------------------------------------------------------------ */

gboolean
lk_client_disposed (LkClient *self)
{
  g_assert (LK_IS_CLIENT (self));

  return g_cancellable_is_cancelled (self->cancellable);
}

gboolean
lk_client_has_credentials (LkClient *self)
{
  g_assert (LK_IS_CLIENT (self));

  return self->client_id != NULL && self->client_secret != NULL;
}

void
lk_client_update_whoami (LkClient *self,
                         LkApiKey *whoami)
{
  g_assert (LK_IS_CLIENT (self));

  if (g_set_object (&self->whoami, whoami))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WHOAMI]);
}

void
lk_client_set_loading (LkClient *self,
                       gboolean  loading)
{
  g_assert (LK_IS_CLIENT (self));

  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* ------------------------------------------------------------------------
 * What every operation shares: cancellable chains, its task, timeouts
 * ------------------------------------------------------------------------ */

static void
on_parent_cancelled (GCancellable *parent,
                     gpointer      child)
{
  g_cancellable_cancel (G_CANCELLABLE (child));
}

gulong
lk_client_cancellable_chain (GCancellable *parent,
                             GCancellable *child)
{
  g_assert (G_IS_CANCELLABLE (child));

  if (parent == NULL)
    return 0;

  return g_cancellable_connect (parent, G_CALLBACK (on_parent_cancelled),
                                g_object_ref (child), g_object_unref);
}

void
lk_client_cancellable_unchain (GCancellable *parent,
                               gulong       *handler_id)
{
  /* A cancelled parent never runs its handlers again, and disconnecting
   * from inside its emission would deadlock: leave it connected then. */
  if (parent != NULL && *handler_id != 0 && !g_cancellable_is_cancelled (parent))
    g_cancellable_disconnect (parent, *handler_id);
  *handler_id = 0;
}

static void
chain_init (LkClientChain *chain,
            GCancellable  *caller,
            GCancellable  *client)
{
  GCancellable *parents[2] = { caller, client };

  chain->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (parents); i++)
    {
      chain->parents[i] = parents[i] ? g_object_ref (parents[i]) : NULL;
      chain->ids[i] = lk_client_cancellable_chain (parents[i], chain->cancellable);
    }
}

void
lk_client_chain_clear (LkClientChain *chain)
{
  for (guint i = 0; i < G_N_ELEMENTS (chain->parents); i++)
    {
      lk_client_cancellable_unchain (chain->parents[i], &chain->ids[i]);
      g_clear_object (&chain->parents[i]);
    }
  g_clear_object (&chain->cancellable);
}

GTask *
lk_client_op_new (LkClient            *self,
                  gpointer             source_tag,
                  gpointer             op,
                  LkClientChain       *chain,
                  GDestroyNotify       op_free,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;

  g_assert (LK_IS_CLIENT (self));
  g_assert (op != NULL && chain != NULL && op_free != NULL);

  chain_init (chain, cancellable, self->cancellable);
  task = g_task_new (self, chain->cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);

  return task;
}

/* Why "idle-timeout" is 0: libsoup 3.2 arms a connection's idle timer
 * when the connection falls idle and stops it only when the next message
 * has been set up on it, not when the connection is taken for that
 * message.  A timer that is due in that gap closes the connection under
 * the new request, which then never completes, not even when cancelled:
 * a refresh about one idle-timeout after the previous request hung for
 * good (seen under the sanitizers, where the gap is widest).  Without
 * the timer, an idle connection lives until the server closes it, which
 * libsoup notices before reusing it. */
SoupSession *
lk_client_soup_session_new (guint timeout)
{
  return soup_session_new_with_options ("timeout", timeout,
                                        "idle-timeout", 0,
                                        "user-agent", "LayerKeys/" PACKAGE_VERSION " ",
                                        NULL);
}

GSource *
lk_client_add_timeout (guint        ms,
                       GSourceFunc  func,
                       gpointer     data,
                       const char  *name)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_set_name (source, name);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

void
lk_client_clear_timeout (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* ------------------------------------------------------------------------
 * The object
 * ------------------------------------------------------------------------ */

LkClient *
lk_client_new (LkPlatform *platform)
{
  g_return_val_if_fail (platform != NULL, NULL);

  return g_object_new (LK_TYPE_CLIENT, "platform", platform, NULL);
}

LkPlatform *
lk_client_get_platform (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->platform;
}

void
lk_client_set_credentials (LkClient   *self,
                           const char *client_id,
                           const char *client_secret)
{
  gboolean id_changed;

  g_return_if_fail (LK_IS_CLIENT (self));

  id_changed = g_strcmp0 (self->client_id, client_id) != 0;

  g_free (self->client_id);
  self->client_id = (client_id && *client_id) ? g_strdup (client_id) : NULL;
  g_clear_pointer (&self->client_secret, lk_secret_free);
  self->client_secret = (client_secret && *client_secret) ? g_strdup (client_secret) : NULL;

  /* Whatever the old credentials obtained is not theirs any more. */
  lk_client_token_reset (self);

  if (id_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_ID]);
  if (self->whoami != NULL)
    {
      g_clear_object (&self->whoami);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WHOAMI]);
    }
}

const char *
lk_client_get_client_id (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->client_id;
}

void
lk_client_set_store (LkClient          *self,
                     LkCredentialStore *store)
{
  g_return_if_fail (LK_IS_CLIENT (self));
  g_return_if_fail (store == NULL || LK_IS_CREDENTIAL_STORE (store));

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

LkCredentialStore *
lk_client_get_store (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->store;
}

GListModel *
lk_client_get_keys (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return G_LIST_MODEL (self->keys);
}

LkApiKey *
lk_client_get_whoami (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), NULL);

  return self->whoami;
}

gint64
lk_client_get_listed_at (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), 0);

  return self->listed_at;
}

gboolean
lk_client_get_loading (LkClient *self)
{
  g_return_val_if_fail (LK_IS_CLIENT (self), FALSE);

  return self->loading;
}

void
lk_client_set_timeout (LkClient *self,
                       guint     seconds)
{
  g_return_if_fail (LK_IS_CLIENT (self));

  self->timeout = MAX (seconds, 1);
  if (self->session != NULL)
    g_object_set (self->session, "timeout", self->timeout, NULL);
}

void
lk_client_set_retry_policy (LkClient *self,
                            guint     max_attempts,
                            guint     max_total_seconds)
{
  g_return_if_fail (LK_IS_CLIENT (self));

  self->max_attempts = MAX (max_attempts, 1);
  self->max_total = max_total_seconds;
}

void
lk_client_set_page_size (LkClient *self,
                         guint     page_size)
{
  g_return_if_fail (LK_IS_CLIENT (self));

  self->page_size = CLAMP (page_size, 1, LK_WIRE_PAGE_LIMIT_MAX);
}

void
lk_client_set_list_limit (LkClient *self,
                          guint     max_keys)
{
  g_return_if_fail (LK_IS_CLIENT (self));

  self->max_listed = MAX (max_keys, 1);
}

static void
lk_client_constructed (GObject *object)
{
  LkClient *self = LK_CLIENT (object);
  const char *ca_file;

  G_OBJECT_CLASS (lk_client_parent_class)->constructed (object);

  g_assert (self->platform != NULL);

  self->session = lk_client_soup_session_new (self->timeout);

  /* A platform on this computer is reached directly: a proxy from the
   * environment would get its token request, Basic credentials and all.
   * Other URLs (an https token endpoint elsewhere) keep the system's
   * proxy, as corporate networks need. */
  if (lk_url_is_loopback (lk_platform_get_api_base (self->platform)) ||
      lk_url_is_loopback (lk_platform_get_token_url (self->platform)))
    {
      g_autoptr(GProxyResolver) resolver = lk_loopback_resolver_new (g_proxy_resolver_get_default ());

      soup_session_set_proxy_resolver (self->session, resolver);
    }

  /* Verification is always on; a CA file only says whom to trust. */
  ca_file = lk_platform_get_ca_file (self->platform);
  if (ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = NULL;
      g_autoptr(GError) error = NULL;

      database = g_tls_file_database_new (ca_file, &error);
      if (database != NULL)
        soup_session_set_tls_database (self->session, database);
      else
        {
          g_debug ("CA file unusable: %s", error->message);
          self->platform_error = g_error_new_literal (LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_PLATFORM,
                                                      _("The CA file could not be read. Choose a file in PEM format in Custom region settings."));
        }
    }
}

static void
lk_client_dispose (GObject *object)
{
  LkClient *self = LK_CLIENT (object);

  /* Everything started by the client ends with CANCELLED; callbacks look
   * at this cancellable before touching the client. */
  g_cancellable_cancel (self->cancellable);

  lk_client_list_dispose (self);
  g_clear_object (&self->store);
  g_clear_object (&self->whoami);

  G_OBJECT_CLASS (lk_client_parent_class)->dispose (object);
}

static void
lk_client_finalize (GObject *object)
{
  LkClient *self = LK_CLIENT (object);

  g_warn_if_fail (g_queue_is_empty (&self->token_waiters));

  g_clear_object (&self->session);
  g_clear_object (&self->keys);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->platform, lk_platform_unref);
  g_clear_error (&self->platform_error);
  g_clear_error (&self->token_first_error);
  g_clear_pointer (&self->unsettled_creates, g_hash_table_unref);
  g_clear_pointer (&self->unsettled_file, lk_state_file_unref);
  g_free (self->client_id);
  g_clear_pointer (&self->client_secret, lk_secret_free);
  g_clear_pointer (&self->token, lk_secret_free);

  G_OBJECT_CLASS (lk_client_parent_class)->finalize (object);
}

static void
lk_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LkClient *self = LK_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PLATFORM:
      g_value_set_boxed (value, self->platform);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_KEYS:
      g_value_set_object (value, self->keys);
      break;
    case PROP_WHOAMI:
      g_value_set_object (value, self->whoami);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LkClient *self = LK_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PLATFORM:
      self->platform = g_value_dup_boxed (value);
      break;
    case PROP_STORE:
      lk_client_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_client_class_init (LkClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lk_client_constructed;
  object_class->dispose = lk_client_dispose;
  object_class->finalize = lk_client_finalize;
  object_class->get_property = lk_client_get_property;
  object_class->set_property = lk_client_set_property;

  properties[PROP_PLATFORM] =
    g_param_spec_boxed ("platform", NULL, NULL,
                        LK_TYPE_PLATFORM,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LK_TYPE_CREDENTIAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYS] =
    g_param_spec_object ("keys", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WHOAMI] =
    g_param_spec_object ("whoami", NULL, NULL,
                         LK_TYPE_API_KEY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lk_client_init (LkClient *self)
{
  self->keys = lk_key_list_new ();
  lk_client_create_init (self);
  self->unsettled_file = lk_client_unsettled_file_new ();
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->token_waiters);
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->max_total = DEFAULT_MAX_TOTAL_SECONDS;
  self->page_size = DEFAULT_PAGE_SIZE;
  self->max_listed = LK_CLIENT_DEFAULT_MAX_LISTED;
}
