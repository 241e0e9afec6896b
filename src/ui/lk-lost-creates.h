/* lk-lost-creates.h: keys made without a secret anyone has, offered for deletion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-client.h"

G_BEGIN_DECLS

/* Asks about each of @lost (LkLostCreate, taken) in turn, over @parent:
 * keep the key or delete it; either way @client then forgets its create.
 * The user may also answer later: closing the question keeps the record,
 * and the next sign-in asks again. */
void lk_lost_creates_ask (GtkWindow *parent,
                          LkClient  *client,
                          GPtrArray *lost);

G_END_DECLS
