/* lk-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-account-prefetch.h"
#include "lk-expiry-notifier.h"
#include "lk-platform.h"

G_BEGIN_DECLS

#define LK_TYPE_APPLICATION (lk_application_get_type ())
G_DECLARE_FINAL_TYPE (LkApplication, lk_application, LK, APPLICATION, AdwApplication)

LkApplication *lk_application_new          (void);
/* The application's GSettings (schema io.github.layerkeys.LayerKeys). */
GSettings     *lk_application_get_settings (LkApplication *self);
/* Starts looking the remembered account up, signing in and listing with
 * it, in a thread (startup does, before GTK starts). */
void           lk_application_start_prefetch (LkApplication *self);
/* The lookup of the remembered account that startup began (while GTK
 * starts), if it is the one for @platform_id and @client_id; handed out
 * once, NULL otherwise. */
LkAccountPrefetch *lk_application_take_prefetch (LkApplication *self,
                                                 const char    *platform_id,
                                                 const char    *client_id);

/* The expiry notifications (the windows hand it their clients). */
LkExpiryNotifier *lk_application_get_expiry_notifier (LkApplication *self);

G_END_DECLS
