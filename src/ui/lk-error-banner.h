/* lk-error-banner.h: an error too long for a toast, shown across the top
 * of the window until the user dismisses it (libadwaita 1.2 has no
 * AdwBanner)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LK_TYPE_ERROR_BANNER (lk_error_banner_get_type ())
G_DECLARE_FINAL_TYPE (LkErrorBanner, lk_error_banner, LK, ERROR_BANNER, GtkWidget)

GtkWidget  *lk_error_banner_new         (void);
/* Shows @message (plain text, whole sentences), with a Retry button that
 * activates @retry_action (a detailed action name, or NULL for none) and
 * dismisses the banner.  A later message replaces an earlier one. */
void        lk_error_banner_show        (LkErrorBanner *self,
                                         const char    *message,
                                         const char    *retry_action);
void        lk_error_banner_dismiss     (LkErrorBanner *self);
/* The message shown, or NULL when the banner is hidden. */
const char *lk_error_banner_get_message (LkErrorBanner *self);
/* What Retry would activate, or NULL. */
const char *lk_error_banner_get_retry_action (LkErrorBanner *self);

G_END_DECLS
