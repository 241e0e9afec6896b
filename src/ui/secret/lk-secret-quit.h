/* lk-secret-quit.h: quitting while a secret is saved nowhere asks first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*LkQuitFunc) (GtkApplication *app);

/* Calls @quit at once when no window shows a secret that is kept nowhere
 * else; otherwise asks first (naming the key), and calls @quit only when
 * the user chooses to quit anyway.  "Back" shows that secret's window. */
void lk_secret_quit_ask (GtkApplication *app,
                         LkQuitFunc      quit);

G_END_DECLS
