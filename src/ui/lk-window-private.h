/* lk-window-private.h: the window's instance, shared by its files
 *
 * LkWindow is one class over three files, one job each:
 *   lk-window.c          the shell: pages, toasts, the header, observing
 *                        the session, the GObject
 *   lk-window-sign-in.c  starting sign-ins: the form, the demo, the
 *                        remembered account at start
 *   lk-window-actions.c  the win.* actions
 *   rotate/lk-window-rotate.c  the rotation's win.* actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-demo.h"
#include "lk-error-banner.h"
#include "lk-keys-view.h"
#include "lk-retirements.h"
#include "lk-sign-in-page.h"
#include "lk-window.h"

G_BEGIN_DECLS

struct _LkWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children */
  GtkWidget         *loading_spinner;
  GtkWidget         *account_button;
  GtkWidget         *search_button;
  AdwToastOverlay   *toast_overlay;
  /* Not in the template: long errors (lk-error-banner.c) */
  LkErrorBanner     *error_banner;
  GtkStack          *stack;
  AdwStatusPage     *signing_in_page;
  GtkSpinner        *signing_in_spinner;
  LkSignInPage      *sign_in_page;
  /* Not in the template: built by lk_window_get_keys_view() */
  LkKeysView        *keys_view;
  LkDemo            *demo;

  /* State */
  LkSession         *session;
  GSettings         *settings;
  GCancellable      *cancellable;          /* the window's lifetime */
  GCancellable      *sign_in_cancellable;  /* the sign-in under way */
  GBinding          *spinner_visible_binding;
  GBinding          *spinner_spinning_binding;
  LkRetirements     *retirements;          /* rotate/lk-window-rotate.c */
};

/* lk-window.c */
/* Shows @name: "signing-in", "sign-in" or "keys", and focuses it. */
void  _lk_window_show_page            (LkWindow       *self,
                                       const char     *name);

/* lk-window-sign-in.c */
void  _lk_window_class_sign_in_init   (GtkWidgetClass *widget_class);
/* At start: the form as last filled in, and a sign-in with the account
 * remembered for it, if any. */
void  _lk_window_sign_in_remembered   (LkWindow       *self);
/* win.switch-account: signs in with another remembered account, @account
 * as LkAccountList's buttons give it, (platform, client ID, token URL, CA). */
void  _lk_window_switch_account       (LkWindow       *self,
                                       GVariant       *account);

/* lk-window-actions.c */
void  _lk_window_class_actions_init   (GtkWidgetClass *widget_class);
/* Enables the actions the session and the selection allow. */
void  _lk_window_actions_update       (LkWindow       *self);

/* rotate/lk-window-rotate.c: win.rotate-selected, win.delete-now,
 * win.keep-key, and the scheduled deletions the list shows */
void  _lk_window_class_rotate_init    (GtkWidgetClass *widget_class);
void  _lk_window_rotate_init          (LkWindow       *self);
void  _lk_window_rotate_update        (LkWindow       *self);
/* Reads the scheduled deletions of @client's platform (NULL: none). */
void  _lk_window_rotate_follow        (LkWindow       *self,
                                       LkClient       *client);
/* Reads them again. */
void  _lk_window_rotate_reload        (LkWindow       *self);

G_END_DECLS
