/* lk-expiry-notifier.h: notifications of keys that expire soon
 *
 * After each complete list of a signed-in client, asks the expiry watch
 * (src/core/lk-expiry-watch.h) which keys crossed a threshold of the
 * "expiry-notification-days" setting, and sends one GNotification per
 * group: key names only, never a secret.  Actions: for one key, Rotate…
 * ("app.rotate-key") and Show ("app.show-key", the default), with the key
 * ID as target; for several, Show ("app.show-attention").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-client.h"
#include "lk-state-file.h"

G_BEGIN_DECLS

#define LK_TYPE_EXPIRY_NOTIFIER (lk_expiry_notifier_get_type ())
G_DECLARE_FINAL_TYPE (LkExpiryNotifier, lk_expiry_notifier, LK, EXPIRY_NOTIFIER, GObject)

/* Signals:
 *   "checked" (LkClient *client, guint n_sent): a check ended */

/* @state: where what was sent is remembered (NULL: the user's
 * LK_EXPIRY_WATCH_STATE_NAME). */
LkExpiryNotifier *lk_expiry_notifier_new   (GApplication     *application,
                                            GSettings        *settings,
                                            LkStateFile      *state);
/* Checks @client's keys after every complete list (and now, when it has
 * one already), until the client is finalized. */
void              lk_expiry_notifier_watch (LkExpiryNotifier *self,
                                            LkClient         *client);
/* Checks @client's keys (a complete list) once. */
void              lk_expiry_notifier_check (LkExpiryNotifier *self,
                                            LkClient         *client);
/* Checks under way. */
guint             lk_expiry_notifier_get_pending (LkExpiryNotifier *self);

G_END_DECLS
