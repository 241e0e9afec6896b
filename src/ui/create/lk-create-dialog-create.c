/* lk-create-dialog-create.c: the summary, and creating the key
 *
 * The summary says what the platform will create (an empty choice means
 * every permission); Create sends it through lk_client_create_key_async,
 * which stores the secret in the keyring before the dialog shows it.
 * Meanwhile the summary stays, with the Create button's spinner; the
 * working page comes only if the create takes a while.  An error goes
 * back to the form or the summary with its message; nothing typed is
 * lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-create-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-create-dialog-private.h"
#include "lk-secret-window.h"
#include "lk-time.h"

/* ---- The summary ---- */

static void
build_summary_rows (LkCreateDialog *self)
{
  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lk_category_get_name (c));
      adw_preferences_group_add (self->summary_detail_group, row);
      self->detail_rows[c] = ADW_ACTION_ROW (row);
    }
}

/* "Read, Write" (g_free) */
static char *
describe_access (LkAccess access)
{
  static const LkAccess bits[] = { LK_ACCESS_READ, LK_ACCESS_WRITE, LK_ACCESS_DELETE };
  GString *text = g_string_new (NULL);

  for (guint b = 0; b < G_N_ELEMENTS (bits); b++)
    {
      if ((access & bits[b]) == 0)
        continue;
      if (text->len > 0)
        /* Translators: separates access names: "Read, Write" */
        g_string_append (text, _(", "));
      g_string_append (text, lk_access_get_name (bits[b]));
    }

  if (text->len == 0)
    /* Translators: a category the key gets no access to */
    g_string_append (text, C_("access", "None"));

  return g_string_free (text, FALSE);
}

void
lk_create_dialog_fill_summary (LkCreateDialog *self)
{
  const LkPermissions *permissions = lk_permission_grid_get_permissions (self->grid);
  gboolean empty = lk_permissions_is_empty (permissions);
  gint64 now = lk_time_now ();
  g_autoptr(GDateTime) expiry = lk_create_dialog_get_expiry (self, now);
  g_autofree char *name = lk_create_dialog_get_name (self);
  g_autofree char *expires = lk_create_dialog_format_expiry (now, g_date_time_to_unix (expiry));
  g_autofree char *summary = NULL;
  LkPermissions effective = *permissions;

  /* What the platform will grant: nothing selected means everything. */
  if (empty)
    {
      lk_permissions_set_all (&effective);
      summary = g_strdup (_("All permissions (none selected)"));
    }
  else
    summary = lk_permissions_to_summary (permissions);

  adw_action_row_set_subtitle (self->summary_name_row, name);
  adw_action_row_set_subtitle (self->summary_expiry_row, expires);
  adw_action_row_set_subtitle (self->summary_permissions_row, summary);

  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    {
      g_autofree char *detail = describe_access (lk_permissions_get (&effective, c));

      adw_action_row_set_subtitle (self->detail_rows[c], detail);
    }
}

/* ---- Creating ---- */

/* How long a create may take before the dialog says so with its working
 * page.  Most creates end well before (a POST and a keyring store, tens
 * of milliseconds), and a page that comes and goes in a blink reads as a
 * flicker, and costs a frame of layout that the create would wait for;
 * meanwhile the Create button's spinner says the create is under way.
 * 300 ms stays under the second within which a person keeps their train
 * of thought, and past the ~100 ms that feels instant, so a create that
 * does take a while is still said to be working at once. */
#define WORKING_PAGE_DELAY_MS 300

/* The summary as it is while the create is on its way (or not): the
 * Create button turns into a spinner, Back and Create do nothing (the
 * summary itself has nothing to change; it is not greyed out, which for
 * a create of a few tens of milliseconds would only flash), and
 * assistive technologies hear that the dialog is busy. */
static void
show_busy (LkCreateDialog *self,
           gboolean        busy)
{
  gtk_widget_set_opacity (self->create_label, busy ? 0.0 : 1.0);
  gtk_spinner_set_spinning (self->create_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create.back", !busy);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, busy, -1);
}

void
lk_create_dialog_end_busy (LkCreateDialog *self)
{
  g_clear_handle_id (&self->working_delay_id, g_source_remove);
  show_busy (self, FALSE);
  lk_create_dialog_update_validity (self);
}

static gboolean
on_working_delay (gpointer user_data)
{
  LkCreateDialog *self = user_data;

  self->working_delay_id = 0;
  lk_create_dialog_set_page (self, "working");
  return G_SOURCE_REMOVE;
}

static void
on_secret_safe_changed (LkCreateDialog *self)
{
  gboolean safe = lk_secret_view_get_secret_safe (self->secret_view);

  lk_create_dialog_set_css_class (self->done_button, "suggested-action", safe);
}

static void
show_create_error (LkCreateDialog *self,
                   const GError   *error)
{
  /* Said in full where it applies, not in a toast: an error's message
   * is too long for one, and it would go before it is read. */
  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT))
    {
      /* The name is taken: show it where the name is typed. */
      lk_create_dialog_show_label (self->name_error, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      lk_create_dialog_set_page (self, "form");
    }
  else if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT))
    {
      lk_create_dialog_show_label (self->form_error, error->message);
      lk_create_dialog_set_page (self, "form");
    }
  else
    {
      lk_create_dialog_show_label (self->summary_error, error->message);
      lk_create_dialog_set_page (self, "summary");
    }
}

/* One create, from Create to its end: the dialog may be cancelled or
 * closed meanwhile, and another create started. */
typedef struct {
  LkCreateDialog *self;
  GCancellable   *cancellable;   /* this create's */
  GApplication   *app;           /* held until the secret is on screen */
} CreateCall;

static void
create_call_free (CreateCall *call)
{
  g_clear_object (&call->self);
  g_clear_object (&call->cancellable);
  if (call->app != NULL)
    g_application_release (call->app);
  g_clear_object (&call->app);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CreateCall, create_call_free)

/* The platform made the key after the dialog was closed: its secret gets
 * a window of its own, since it exists nowhere else (if the keyring did
 * not take it). */
static void
show_in_own_window (CreateCall   *call,
                    LkCreatedKey *created)
{
  GtkApplication *app = GTK_IS_APPLICATION (call->app) ? GTK_APPLICATION (call->app) : NULL;
  LkSecretWindow *window;

  window = lk_secret_window_new (app, call->self->client, created);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_create_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CreateCall) call = user_data;
  LkCreateDialog *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  gboolean current;

  created = lk_client_create_key_finish (LK_CLIENT (source), result, &error);
  current = !self->closed && self->cancellable != NULL && self->cancellable == call->cancellable;
  if (current)
    {
      g_clear_object (&self->cancellable);
      lk_create_dialog_end_busy (self);
    }

  if (created == NULL)
    {
      /* A secret already shown stays shown. */
      if (current && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          lk_secret_view_get_created (self->secret_view) == NULL)
        show_create_error (self, error);
      return;
    }

  /* Once its reply was read, a create ends with its secret even when it
   * was cancelled: the secret reaches the user whatever they did since.
   * A closed dialog, or one showing another secret not yet kept
   * anywhere, hands it to a window of its own. */
  if (self->closed ||
      (lk_secret_view_get_created (self->secret_view) != NULL &&
       !lk_secret_view_get_secret_safe (self->secret_view)))
    {
      show_in_own_window (call, created);
      return;
    }

  /* The secret view holds the created key from now on. */
  lk_secret_view_set_created (self->secret_view, self->client, created);
  on_secret_safe_changed (self);
  lk_create_dialog_set_page (self, "secret");
  gtk_window_present (GTK_WINDOW (self));
}

static void
create_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  GtkApplication *app;
  CreateCall *call;

  if (!lk_create_dialog_form_is_valid (self) || self->cancellable != NULL || self->client == NULL)
    return;

  name = lk_create_dialog_get_name (self);
  expiry = lk_create_dialog_get_expiry (self, lk_time_now ());
  lk_create_dialog_show_label (self->summary_error, NULL);
  lk_create_dialog_show_label (self->form_error, NULL);

  /* No page change yet: the POST goes out without waiting for a new
   * page's first frame, and a create that ends soon goes straight to
   * the secret.  The window may be closed meanwhile, as on the working
   * page, and with the same outcome (lk_create_dialog_close_request). */
  self->cancellable = g_cancellable_new ();
  lk_create_dialog_update_validity (self);
  show_busy (self, TRUE);
  self->working_delay_id = g_timeout_add (WORKING_PAGE_DELAY_MS, on_working_delay, self);
  g_source_set_name_by_id (self->working_delay_id, "[lk] create working page");

  call = g_new0 (CreateCall, 1);
  call->self = g_object_ref (self);
  call->cancellable = g_object_ref (self->cancellable);
  /* The app runs on until the secret is on screen, even with every
   * window closed meanwhile. */
  app = gtk_window_get_application (GTK_WINDOW (self));
  if (app != NULL)
    {
      call->app = G_APPLICATION (g_object_ref (app));
      g_application_hold (call->app);
    }

  lk_client_create_key_async (self->client, name, g_date_time_to_unix (expiry),
                              lk_permission_grid_get_permissions (self->grid),
                              self->cancellable, on_create_done, call);
}

/* ---- Setting up ---- */

void
lk_create_dialog_create_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_secret_safe_changed);

  gtk_widget_class_install_action (widget_class, "create.create", NULL, create_activated);
}

void
lk_create_dialog_create_init (LkCreateDialog *self)
{
  g_assert (LK_IS_CREATE_DIALOG (self));

  build_summary_rows (self);
}
