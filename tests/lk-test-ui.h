/* lk-test-ui.h: helpers the tests of the window share
 *
 * (Kept apart from lk-test-util, which the core-only tests link without
 * GTK.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-window.h"

G_BEGIN_DECLS

/* How long a window is waited for (scaled by LK_TEST_SLOWDOWN). */
#define LK_TEST_UI_WAIT_MS 20000

/* @widget's template child @name of @type; fails the test when missing. */
gpointer  lk_test_ui_template_child  (gpointer    widget,
                                      GType       type,
                                      const char *name);
/* Waits until @win shows @page ("sign-in", "signing-in", "keys"). */
void      lk_test_ui_wait_for_page   (LkWindow   *win,
                                      const char *page);
/* Waits until @win's last toast contains @text. */
void      lk_test_ui_wait_for_toast  (LkWindow   *win,
                                      const char *text);

G_END_DECLS
