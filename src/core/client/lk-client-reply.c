/* lk-client-reply.c: the buffers that hold a reply, wiped
 *
 * A reply may hold an access token or a new key's client secret, so every
 * buffer that held one is wiped before it is freed: the reply itself
 * (LkClientReply), what it is read in (lk-request.c) and what it is
 * handed on as (lk_client_reply_steal_data(), wiped by the reader).  What
 * libsoup holds on its side cannot be wiped from here (docs/security.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-client-reply"

#include "config.h"

#include "lk-client-private.h"

void
lk_client_reply_free (LkClientReply *reply)
{
  g_clear_pointer (&reply->body, lk_secret_bytes_unref);
  g_free (reply);
}

char *
lk_client_reply_steal_data (LkClientReply *reply,
                            gsize         *length)
{
  g_assert (reply->body != NULL);

  /* The reply's only reference, and g_free()'s memory: handed over as
   * it is, not copied. */
  return g_bytes_unref_to_data (g_steal_pointer (&reply->body), length);
}
