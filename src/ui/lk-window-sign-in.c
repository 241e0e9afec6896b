/* lk-window-sign-in.c: the window starts sign-ins: the form, the demo,
 * the account remembered at start
 *
 * The session signs in; the window shows the "signing-in" page while it
 * waits, and the form with the reason when it fails.  Success is not
 * handled here: the window observes the session (lk-window.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-platform-settings.h"
#include "lk-window-private.h"

/* A new sign-in: the one under way no longer counts. */
static GCancellable *
restart_sign_in (LkWindow *self)
{
  g_cancellable_cancel (self->sign_in_cancellable);
  g_clear_object (&self->sign_in_cancellable);
  self->sign_in_cancellable = g_cancellable_new ();

  return self->sign_in_cancellable;
}

static void
show_signing_in (LkWindow   *self,
                 const char *title,
                 const char *description)
{
  adw_status_page_set_title (self->signing_in_page, title);
  adw_status_page_set_description (self->signing_in_page, description);
  _lk_window_show_page (self, "signing-in");
}

/* Back to the form, which says why (@heading: NULL for the one that fits
 * @error). */
static void
show_failure (LkWindow     *self,
              const char   *heading,
              const GError *error)
{
  lk_sign_in_page_set_busy (self->sign_in_page, FALSE);
  _lk_window_show_page (self, "sign-in");
  lk_sign_in_page_show_error (self->sign_in_page, heading, error);
}

/* ---- From the form ---- */

static void
on_form_signed_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  LkWindow *self;

  if (!lk_session_sign_in_finish (LK_SESSION (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LK_WINDOW (user_data);
  if (error != NULL)
    {
      show_failure (self, NULL, error);
      return;
    }

  lk_sign_in_page_save_settings (self->sign_in_page, self->settings);
  /* Signed in: the admin's secret has no business in the password row for
   * the rest of the session (the remembered item, if asked for, has it). */
  lk_sign_in_page_clear_secret (self->sign_in_page);
}

static void
on_sign_in_submit (LkWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkSecretString) secret = NULL;
  LkSessionSignInFlags flags = LK_SESSION_SIGN_IN_NONE;

  platform = lk_sign_in_page_get_platform (self->sign_in_page, &error);
  if (platform == NULL)
    {
      lk_sign_in_page_show_error (self->sign_in_page, NULL, error);
      return;
    }

  secret = lk_sign_in_page_dup_secret (self->sign_in_page);
  if (lk_sign_in_page_get_remember (self->sign_in_page))
    flags |= LK_SESSION_SIGN_IN_REMEMBER;

  lk_sign_in_page_set_busy (self->sign_in_page, TRUE);
  lk_session_sign_in_async (self->session, platform,
                            lk_sign_in_page_get_client_id (self->sign_in_page), secret, flags,
                            restart_sign_in (self), on_form_signed_in, self);
}

/* ---- The demo ---- */

static void
on_demo_signed_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!lk_demo_sign_in_finish (LK_DEMO (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (LK_WINDOW (user_data), _("The demo did not start"), error);
      return;
    }

  if (lk_demo_get_keys_in_memory (LK_DEMO (source)))
    lk_window_show_toast (LK_WINDOW (user_data),
                          _("The keyring has no session collection: the demo keeps its keys’ secrets in memory, and they are gone when it ends"));
}

void
lk_window_sign_in_demo (LkWindow *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (LK_IS_WINDOW (self));

  if (!lk_demo_start (self->demo, &error))
    {
      _lk_window_show_page (self, "sign-in");
      lk_sign_in_page_show_error (self->sign_in_page, _("The demo did not start"), error);
      return;
    }

  show_signing_in (self, _("Starting the Demo…"),
                   _("A simulated tenant runs on this computer. Nothing you do in it reaches a real platform."));
  lk_demo_sign_in_async (self->demo, self->session, restart_sign_in (self), on_demo_signed_in, self);
}

static void
on_sign_in_demo (LkWindow *self)
{
  lk_window_sign_in_demo (self);
}

/* ---- The remembered account ---- */

static void
on_remembered_signed_in (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  LkWindow *self;

  if (lk_session_sign_in_remembered_finish (LK_SESSION (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LK_WINDOW (user_data);
  if (error->domain != LK_STORE_ERROR)
    show_failure (self, _("Could not sign in with the remembered key"), error);
  /* Not remembered is the normal case: the form is filled in, no error. */
  else if (!g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND))
    show_failure (self, NULL, error);
  else
    _lk_window_show_page (self, "sign-in");
}

void
_lk_window_sign_in_remembered (LkWindow *self)
{
  g_autofree char *client_id = g_settings_get_string (self->settings, "last-client-id");
  /* (the window's "application" is set only after construction) */
  GApplication *app = g_application_get_default ();
  g_autoptr (LkAccountPrefetch) prefetch = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (LK_IS_WINDOW (self));

  lk_sign_in_page_load_settings (self->sign_in_page, self->settings);

  if (client_id[0] == '\0')
    {
      _lk_window_show_page (self, "sign-in");
      return;
    }

  platform = lk_platform_settings_dup (self->settings, &error);
  if (platform == NULL)
    {
      _lk_window_show_page (self, "sign-in");
      lk_sign_in_page_show_error (self->sign_in_page, NULL, error);
      return;
    }

  show_signing_in (self, _("Signing In…"), _("With the key remembered in your keyring."));

  /* Looked up (and most likely signed in and listed) already while the
   * application started. */
  if (LK_IS_APPLICATION (app))
    prefetch = lk_application_take_prefetch (LK_APPLICATION (app),
                                             lk_platform_get_id (platform), client_id);

  lk_session_sign_in_remembered_async (self->session, platform, client_id, prefetch,
                                       restart_sign_in (self), on_remembered_signed_in, self);
}

/* ---- Another remembered account ---- */

void
_lk_window_switch_account (LkWindow *self,
                           GVariant *account)
{
  g_autoptr (LkPlatform) known = lk_platform_settings_dup (self->settings, NULL);
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (GError) error = NULL;
  const char *platform_id, *client_id, *token_url;
  gboolean has_ca;

  g_assert (LK_IS_WINDOW (self));

  g_variant_get (account, "(&s&s&sb)", &platform_id, &client_id, &token_url, &has_ca);
  platform = lk_platform_for_account (platform_id, token_url[0] != '\0' ? token_url : NULL,
                                      has_ca, known, &error);
  if (platform == NULL)
    {
      lk_window_show_toast (self, error->message);
      return;
    }

  /* The last account used is the one the next start opens. */
  lk_platform_settings_save (self->settings, platform, client_id);
  _lk_window_sign_in_remembered (self);
}

void
_lk_window_class_sign_in_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_submit);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_demo);
}
