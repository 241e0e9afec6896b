/* lk-loopback-resolver.c: loopback directly, everything else as the system says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-loopback-resolver"

#include "config.h"

#include "lk-loopback-resolver.h"
#include "lk-platform.h"

struct _LkLoopbackResolver
{
  GObject         parent_instance;
  GProxyResolver *fallback;      /* nullable */
};

static void lk_loopback_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LkLoopbackResolver, lk_loopback_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                      lk_loopback_resolver_iface_init))

static char **
direct (void)
{
  char **proxies = g_new0 (char *, 2);

  proxies[0] = g_strdup ("direct://");
  return proxies;
}

static gboolean
lk_loopback_resolver_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static char **
lk_loopback_resolver_lookup (GProxyResolver  *resolver,
                             const char      *uri,
                             GCancellable    *cancellable,
                             GError         **error)
{
  LkLoopbackResolver *self = LK_LOOPBACK_RESOLVER (resolver);

  if (lk_url_is_loopback (uri) || self->fallback == NULL)
    return direct ();

  return g_proxy_resolver_lookup (self->fallback, uri, cancellable, error);
}

static void
on_fallback_looked_up (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char **proxies;

  g_assert (G_IS_TASK (task));

  proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), result, &error);
  if (proxies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, proxies, (GDestroyNotify) g_strfreev);
}

static void
lk_loopback_resolver_lookup_async (GProxyResolver      *resolver,
                                   const char          *uri,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  LkLoopbackResolver *self = LK_LOOPBACK_RESOLVER (resolver);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_loopback_resolver_lookup_async);

  if (lk_url_is_loopback (uri) || self->fallback == NULL)
    {
      g_task_return_pointer (task, direct (), (GDestroyNotify) g_strfreev);
      return;
    }

  g_proxy_resolver_lookup_async (self->fallback, uri, cancellable,
                                 on_fallback_looked_up, g_steal_pointer (&task));
}

static char **
lk_loopback_resolver_lookup_finish (GProxyResolver  *resolver,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lk_loopback_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = lk_loopback_resolver_is_supported;
  iface->lookup = lk_loopback_resolver_lookup;
  iface->lookup_async = lk_loopback_resolver_lookup_async;
  iface->lookup_finish = lk_loopback_resolver_lookup_finish;
}

static void
lk_loopback_resolver_finalize (GObject *object)
{
  LkLoopbackResolver *self = LK_LOOPBACK_RESOLVER (object);

  g_clear_object (&self->fallback);

  G_OBJECT_CLASS (lk_loopback_resolver_parent_class)->finalize (object);
}

static void
lk_loopback_resolver_class_init (LkLoopbackResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_loopback_resolver_finalize;
}

static void
lk_loopback_resolver_init (LkLoopbackResolver *self)
{
}

GProxyResolver *
lk_loopback_resolver_new (GProxyResolver *fallback)
{
  LkLoopbackResolver *self;

  g_return_val_if_fail (fallback == NULL || G_IS_PROXY_RESOLVER (fallback), NULL);

  self = g_object_new (LK_TYPE_LOOPBACK_RESOLVER, NULL);
  g_set_object (&self->fallback, fallback);

  return G_PROXY_RESOLVER (self);
}
