/* lk-sim-handlers.h: the simulator's HTTP handlers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include "lk-sim-reply.h"
#include "lk-sim-tenant.h"

G_BEGIN_DECLS

/* Routes @msg (whose URI path is @path and decoded query @query, which may
 * be NULL) to its endpoint, which reads and changes @tenant and fills
 * @reply.  Every request gets a reply, 404 and 405 included. */
void lk_sim_handle_request (LkSimTenant       *tenant,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query,
                            LkSimReply        *reply);

G_END_DECLS
