/* lk-test-ui.h: helpers the tests of the window share
 *
 * The tests reach the window the way a person does: the page it shows,
 * the toast it shows, the widgets of its templates
 * (gtk_widget_get_template_child).  (Kept apart from lk-test-util, which
 * the core-only tests link without GTK.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-sign-in-page.h"
#include "lk-window.h"

G_BEGIN_DECLS

/* How long a window is waited for (scaled by LK_TEST_SLOWDOWN). */
#define LK_TEST_UI_WAIT_MS 20000

/* @widget's template child @name of @type; fails the test when missing. */
gpointer    lk_test_ui_template_child     (gpointer      widget,
                                           GType         type,
                                           const char   *name);
/* The signed-in client of @win's session, or NULL. */
LkClient   *lk_test_ui_get_client         (LkWindow     *win);
/* The page @win shows: "sign-in", "signing-in" or "keys". */
const char *lk_test_ui_get_page           (LkWindow     *win);
/* Waits until @win shows @page. */
void        lk_test_ui_wait_for_page      (LkWindow     *win,
                                           const char   *page);
/* The text of the toast @win shows, or NULL (one shows at a time; the
 * others wait their turn). */
const char *lk_test_ui_get_toast          (LkWindow     *win);
/* Waits until @win shows a toast that contains @text.  Like a person
 * waiting for the next, it dismisses a shown toast that does not. */
void        lk_test_ui_wait_for_toast     (LkWindow     *win,
                                           const char   *text);
/* The heading of the error @page shows, or NULL when it shows none. */
const char *lk_test_ui_get_sign_in_error  (LkSignInPage *page);
/* The simulator of @win's demo tenant, or NULL before it started. */
GObject    *lk_test_ui_get_demo_simulator (LkWindow     *win);

G_END_DECLS
