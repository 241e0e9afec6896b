/* lk-loopback-resolver.h: loopback directly, everything else as the system says
 *
 * A GProxyResolver for LkClient's SoupSession when the platform lives on
 * this computer: a proxy named by http_proxy (or the desktop's settings)
 * would receive a token request to a loopback platform, Basic credentials
 * included, and could not reach the platform anyway.  Loopback URLs
 * (lk_url_is_loopback()) resolve to "direct://"; any other URL is asked
 * of the system's default resolver, so an https token endpoint elsewhere
 * still honours a corporate proxy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LK_TYPE_LOOPBACK_RESOLVER (lk_loopback_resolver_get_type ())
G_DECLARE_FINAL_TYPE (LkLoopbackResolver, lk_loopback_resolver, LK, LOOPBACK_RESOLVER, GObject)

/* Falls back to @fallback (NULL: no proxy for anything else either). */
GProxyResolver *lk_loopback_resolver_new (GProxyResolver *fallback);

G_END_DECLS
