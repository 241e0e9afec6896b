/* lk-create-dialog.c: create a key, then show its secret once
 *
 * Four pages in a stack: "form" (name, expiry, presets, task picker,
 * permission grid), "summary", "working" (while the platform answers,
 * once it has taken a while) and "secret" (LkSecretView).  This file
 * moves between them and decides when the window may close; the form
 * is in lk-create-dialog-form.c, the permissions in
 * lk-create-dialog-permissions.c, the summary and the create in
 * lk-create-dialog-create.c (see lk-create-dialog-private.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-create-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-create-dialog-private.h"
#include "lk-key-rules.h"

G_DEFINE_FINAL_TYPE (LkCreateDialog, lk_create_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
lk_create_dialog_show_label (GtkLabel   *label,
                             const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && text[0] != '\0');
}

void
lk_create_dialog_set_css_class (GtkWidget  *widget,
                                const char *css_class,
                                gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

static const char *
current_page (LkCreateDialog *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

/* ---- Pages ---- */

void
lk_create_dialog_set_page (LkCreateDialog *self,
                           const char     *page)
{
  gboolean form = g_str_equal (page, "form");
  gboolean summary = g_str_equal (page, "summary");
  gboolean working = g_str_equal (page, "working");
  gboolean secret = g_str_equal (page, "secret");

  gtk_stack_set_visible_child_name (self->stack, page);

  gtk_widget_set_visible (self->cancel_button, form || working);
  gtk_widget_set_visible (self->back_button, summary);
  gtk_widget_set_visible (self->next_button, form);
  gtk_widget_set_visible (self->create_button, summary);
  gtk_widget_set_visible (self->done_button, secret);
  gtk_spinner_set_spinning (self->working_spinner, working);

  if (form)
    adw_window_title_set_subtitle (self->window_title, _("Step 1 of 2"));
  else if (summary)
    adw_window_title_set_subtitle (self->window_title, _("Step 2 of 2"));
  else
    {
      /* The key's name: a subtitle all along keeps the header bar's
       * height, so that the secret page's first frame does not lay the
       * whole window out again (the create waits for that frame). */
      g_autofree char *name = lk_create_dialog_get_name (self);
      g_autofree char *visible = lk_key_name_make_visible (name);

      adw_window_title_set_subtitle (self->window_title, visible);
    }

  if (form)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else if (summary)
    gtk_widget_grab_focus (self->create_button);
  else if (secret)
    gtk_widget_grab_focus (self->done_button);
}

static void
next_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);

  if (!lk_create_dialog_form_is_valid (self) || !g_str_equal (current_page (self), "form"))
    return;

  lk_create_dialog_show_label (self->summary_error, NULL);
  lk_create_dialog_fill_summary (self);
  lk_create_dialog_set_page (self, "summary");
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);

  if (g_str_equal (current_page (self), "summary"))
    lk_create_dialog_set_page (self, "form");
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);

  if (self->cancellable != NULL)
    {
      /* Stop waiting; the form and summary stay as they were. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      lk_create_dialog_end_busy (self);
      lk_create_dialog_set_page (self, "summary");
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
done_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static gboolean
lk_create_dialog_close_request (GtkWindow *window)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (window);

  if (lk_secret_view_get_created (self->secret_view) != NULL &&
      !lk_secret_view_get_secret_safe (self->secret_view))
    {
      /* The secret exists nowhere else: stay, and say why. */
      lk_secret_view_show_keep_open (self->secret_view);
      return TRUE;
    }

  /* Closed while creating (the working page showing, or not yet):
   * the create goes on to its end, and a secret that comes gets a
   * window of its own (lk-create-dialog-create.c). */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->working_delay_id, g_source_remove);
  self->closed = TRUE;

  /* Wipe the secret and what showed it (the view holds the one copy). */
  lk_secret_view_clear (self->secret_view);

  return GTK_WINDOW_CLASS (lk_create_dialog_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
lk_create_dialog_constructed (GObject *object)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  G_OBJECT_CLASS (lk_create_dialog_parent_class)->constructed (object);

  lk_create_dialog_form_constructed (self);
  lk_create_dialog_permissions_constructed (self);
  lk_create_dialog_set_page (self, "form");
}

static void
lk_create_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_create_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_create_dialog_dispose (GObject *object)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  self->disposed = TRUE;
  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->working_delay_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_CREATE_DIALOG);

  G_OBJECT_CLASS (lk_create_dialog_parent_class)->dispose (object);
}

static void
lk_create_dialog_finalize (GObject *object)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  g_clear_object (&self->client);
  g_free (self->task_checks);

  G_OBJECT_CLASS (lk_create_dialog_parent_class)->finalize (object);
}

static void
lk_create_dialog_class_init (LkCreateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lk_create_dialog_constructed;
  object_class->get_property = lk_create_dialog_get_property;
  object_class->set_property = lk_create_dialog_set_property;
  object_class->dispose = lk_create_dialog_dispose;
  object_class->finalize = lk_create_dialog_finalize;
  window_class->close_request = lk_create_dialog_close_request;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         LK_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LK_TYPE_PERMISSION_GRID);
  g_type_ensure (LK_TYPE_SECRET_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/create/lk-create-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, create_label);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, create_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, form_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, calendar_revealer);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, expiry_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_scanner_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_read_only_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_scanner_icon);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_read_only_icon);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, task_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, empty_box);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, confirm_all_check);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_name_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_expiry_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_permissions_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_detail_group);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, working_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, secret_view);

  gtk_widget_class_install_action (widget_class, "create.next", NULL, next_activated);
  gtk_widget_class_install_action (widget_class, "create.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "create.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "create.done", NULL, done_activated);
  lk_create_dialog_form_class_init (widget_class);
  lk_create_dialog_permissions_class_init (widget_class);
  lk_create_dialog_create_class_init (widget_class);

  /* Escape asks to close, which close_request may refuse. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lk_create_dialog_init (LkCreateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  lk_create_dialog_form_init (self);
  lk_create_dialog_permissions_init (self);
  lk_create_dialog_create_init (self);
}

LkCreateDialog *
lk_create_dialog_new (GtkWindow *parent,
                      LkClient  *client)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LK_IS_CLIENT (client), NULL);

  /* A window of the app: it stays open, with the secret it may hold,
   * when the main window closes. */
  return g_object_new (LK_TYPE_CREATE_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       "client", client,
                       NULL);
}
