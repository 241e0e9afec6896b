/* lk-sim-reply.h: a reply of the simulator before it goes on the wire
 *
 * The handlers fill an LkSimReply; lk_sim_reply_apply() puts it on the
 * message, with a body that is wiped when libsoup frees it (a create's
 * reply holds the new key's secret).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* RFC 6585; libsoup 3.2 has no name for it. */
#define LK_SIM_STATUS_TOO_MANY_REQUESTS 429

#define LK_SIM_CONTENT_TYPE_JSON     "application/json"
#define LK_SIM_CONTENT_TYPE_PROBLEM  "application/problem+json"

typedef struct {
  guint        status;
  const char  *content_type;
  char        *body;          /* may hold a secret: wiped on clear */
  gsize        length;
  guint        retry_after;   /* 0 = none */
  const char  *www_authenticate;
  char        *location;
} LkSimReply;

/* "Too Many Requests" for 429, libsoup's phrase otherwise. */
const char *lk_sim_status_title         (guint        status);

void        lk_sim_reply_clear          (LkSimReply  *reply);
void        lk_sim_reply_json           (LkSimReply  *reply,
                                         guint        status,
                                         char        *body /* owned, nullable */);
/* An RFC 9457 problem; with @field, an "errors" entry names it. */
void        lk_sim_reply_error          (LkSimReply  *reply,
                                         guint        status,
                                         const char  *detail,
                                         const char  *field /* nullable */);
/* RFC 6749 token errors carry an "error" code besides the problem fields. */
void        lk_sim_reply_oauth_error    (LkSimReply  *reply,
                                         guint        status,
                                         const char  *code,
                                         const char  *detail);
/* 401 for a missing, invalid or expired bearer token. */
void        lk_sim_reply_unauthorized   (LkSimReply  *reply,
                                         const char  *detail);

/* Sets status, headers and body on @msg; the body moves to the message. */
void        lk_sim_reply_apply          (LkSimReply        *reply,
                                         SoupServerMessage *msg);

G_END_DECLS
