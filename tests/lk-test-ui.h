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

#include "lk-application.h"
#include "lk-sign-in-page.h"
#include "lk-simulator.h"
#include "lk-window.h"

G_BEGIN_DECLS

/* How long a window is waited for (scaled by LK_TEST_SLOWDOWN). */
#define LK_TEST_UI_WAIT_MS 20000

/* The set-up every window test's main() shares: g_test_init(), then,
 * in the private session of build-aux/dev (keyring and X server), GTK and
 * libadwaita, a seeded simulator on 127.0.0.1 (*@sim) and a registered,
 * non-unique application (*@app).  FALSE outside that session: the run is
 * skipped (return g_test_run()). */
gboolean          lk_test_ui_setup              (int            *argc,
                                                 char         ***argv,
                                                 LkApplication **app,
                                                 LkSimulator   **sim);
/* g_test_run(), then the application and simulator of lk_test_ui_setup()
 * go. */
int               lk_test_ui_run                (LkApplication **app,
                                                 LkSimulator   **sim);

/* A window of @app, presented at 1000×700. */
LkWindow         *lk_test_ui_new_window         (LkApplication  *app);
/* Destroys @win and checks nothing keeps it alive. */
void              lk_test_ui_close_window       (LkWindow       *win);
/* The visible window of @type transient for @win, or NULL. */
gpointer          lk_test_ui_find_dialog        (LkWindow       *win,
                                                 GType           type);
/* The visible message dialog transient for @win, or NULL. */
AdwMessageDialog *lk_test_ui_find_message_dialog (LkWindow      *win);

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
/* The text of the error banner @win shows, or NULL when none shows. */
const char *lk_test_ui_get_error_banner   (LkWindow     *win);
/* Clicks the error banner's button labelled @label ("_Retry", "_Dismiss"). */
void        lk_test_ui_press_error_banner (LkWindow     *win,
                                           const char   *label);
/* Waits until @win's error banner shows a text containing @text. */
void        lk_test_ui_wait_for_error_banner (LkWindow  *win,
                                              const char *text);
/* Waits until @win shows a toast that contains @text.  Like a person
 * waiting for the next, it dismisses a shown toast that does not. */
void        lk_test_ui_wait_for_toast     (LkWindow     *win,
                                           const char   *text);
/* The heading of the error @page shows, or NULL when it shows none. */
const char *lk_test_ui_get_sign_in_error  (LkSignInPage *page);
/* The simulator of @win's demo tenant, or NULL before it started. */
GObject    *lk_test_ui_get_demo_simulator (LkWindow     *win);

G_END_DECLS
