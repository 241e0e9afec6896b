/* lk-sim-reply.c: a reply of the simulator before it goes on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sim-reply"

#include "config.h"

#include <string.h>

#include "lk-secret.h"
#include "lk-sim-reply.h"
#include "lk-sim-wire.h"
#include "lk-wire.h"

const char *
lk_sim_status_title (guint status)
{
  if (status == LK_SIM_STATUS_TOO_MANY_REQUESTS)
    return "Too Many Requests";
  return soup_status_get_phrase (status);
}

void
lk_sim_reply_clear (LkSimReply *reply)
{
  g_assert (reply != NULL);

  lk_secret_free_sized (reply->body, reply->length);
  g_free (reply->location);
  memset (reply, 0, sizeof *reply);
}

void
lk_sim_reply_json (LkSimReply *reply,
                   guint       status,
                   char       *body)
{
  g_assert (reply != NULL);

  reply->status = status;
  reply->content_type = LK_SIM_CONTENT_TYPE_JSON;
  reply->body = body;
  reply->length = body != NULL ? strlen (body) : 0;
}

void
lk_sim_reply_error (LkSimReply *reply,
                    guint       status,
                    const char *detail,
                    const char *field)
{
  g_assert (reply != NULL);

  reply->status = status;
  reply->content_type = LK_SIM_CONTENT_TYPE_PROBLEM;
  reply->body = lk_wire_build_error_body (lk_sim_status_title (status), detail, field);
  reply->length = strlen (reply->body);
}

void
lk_sim_reply_oauth_error (LkSimReply *reply,
                          guint       status,
                          const char *code,
                          const char *detail)
{
  g_assert (reply != NULL);

  reply->status = status;
  reply->content_type = LK_SIM_CONTENT_TYPE_PROBLEM;
  reply->body = lk_wire_build_oauth_error_body (lk_sim_status_title (status), detail, code);
  reply->length = strlen (reply->body);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    reply->www_authenticate = "Basic realm=\"layer-keys-sim\"";
}

void
lk_sim_reply_unauthorized (LkSimReply *reply,
                           const char *detail)
{
  lk_sim_reply_error (reply, SOUP_STATUS_UNAUTHORIZED, detail, NULL);
  reply->www_authenticate = "Bearer error=\"invalid_token\"";
}

typedef struct {
  char  *data;
  gsize  length;
} SimWipe;

static void
sim_wipe_free (gpointer data)
{
  SimWipe *wipe = data;

  lk_secret_free_sized (wipe->data, wipe->length);
  g_free (wipe);
}

void
lk_sim_reply_apply (LkSimReply        *reply,
                    SoupServerMessage *msg)
{
  SoupMessageHeaders *headers;

  g_assert (reply != NULL);
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  headers = soup_server_message_get_response_headers (msg);
  soup_server_message_set_status (msg, reply->status, NULL);
  if (reply->retry_after > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u", reply->retry_after);

      soup_message_headers_replace (headers, LK_WIRE_HEADER_RETRY_AFTER, value);
    }
  if (reply->www_authenticate != NULL)
    soup_message_headers_replace (headers, "WWW-Authenticate", reply->www_authenticate);
  if (reply->location != NULL)
    soup_message_headers_replace (headers, "Location", reply->location);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  /* The body moves to the message as bytes that are wiped when libsoup
   * frees them: a create's reply holds the new key's secret. */
  if (reply->body != NULL)
    {
      SimWipe *wipe = g_new0 (SimWipe, 1);
      g_autoptr(GBytes) bytes = NULL;

      wipe->data = g_steal_pointer (&reply->body);
      wipe->length = reply->length;
      bytes = g_bytes_new_with_free_func (wipe->data, wipe->length, sim_wipe_free, wipe);
      soup_message_headers_set_content_type (headers, reply->content_type, NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
    }
}
