/* lk-sign-in-page.h: the sign-in form
 *
 * The page validates its fields and shows errors inline; the window runs
 * the sign-in.  Signals:
 *   "submit"  the form is complete and valid: sign in with it
 *   "demo"    the user asked for the built-in demo tenant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-platform.h"

G_BEGIN_DECLS

#define LK_TYPE_SIGN_IN_PAGE (lk_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (LkSignInPage, lk_sign_in_page, LK, SIGN_IN_PAGE, AdwBin)

GtkWidget  *lk_sign_in_page_new              (void);

/* The platform the form describes (validated), or NULL with an
 * LK_CLIENT_ERROR_INVALID_PLATFORM error. */
LkPlatform *lk_sign_in_page_get_platform     (LkSignInPage *self,
                                              GError      **error);
const char *lk_sign_in_page_get_client_id    (LkSignInPage *self);
/* A copy of the secret: free it with lk_secret_free(). */
char       *lk_sign_in_page_dup_secret       (LkSignInPage *self);
gboolean    lk_sign_in_page_get_remember     (LkSignInPage *self);

void        lk_sign_in_page_set_region       (LkSignInPage *self,
                                              LkRegion      region);
void        lk_sign_in_page_set_custom       (LkSignInPage *self,
                                              const char   *api_base,
                                              const char   *token_url,
                                              const char   *ca_file);
void        lk_sign_in_page_set_client_id    (LkSignInPage *self,
                                              const char   *client_id);
void        lk_sign_in_page_set_secret       (LkSignInPage *self,
                                              const char   *secret);
void        lk_sign_in_page_set_remember     (LkSignInPage *self,
                                              gboolean      remember);
/* Empties the secret field (sign out). */
void        lk_sign_in_page_clear_secret     (LkSignInPage *self);

/* Region, custom URLs and client ID from / to GSettings (never the secret). */
void        lk_sign_in_page_load_settings    (LkSignInPage *self,
                                              GSettings    *settings);
void        lk_sign_in_page_save_settings    (LkSignInPage *self,
                                              GSettings    *settings);

/* While busy the form is insensitive and the button shows a spinner. */
void        lk_sign_in_page_set_busy         (LkSignInPage *self,
                                              gboolean      busy);
/* Shows @error inline, in words that fit its code.  @heading replaces the
 * heading that fits the code, when given. */
void        lk_sign_in_page_show_error       (LkSignInPage *self,
                                              const char   *heading,
                                              const GError *error);
void        lk_sign_in_page_clear_error      (LkSignInPage *self);

/* Validates the form; when valid, emits "submit" and returns TRUE. */
gboolean    lk_sign_in_page_submit           (LkSignInPage *self);
/* Moves the keyboard focus to the first field that needs input. */
void        lk_sign_in_page_focus            (LkSignInPage *self);

G_END_DECLS
