/* lk-account-popover.c: the signed-in key: who it is, where, what it may do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-account-popover"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-account-list.h"
#include "lk-account-popover.h"
#include "lk-connection-check-dialog.h"
#include "lk-time.h"

struct _LkAccountPopover
{
  GtkPopover parent_instance;

  /* Template children */
  GtkLabel  *name_label;
  GtkLabel  *client_id_label;
  GtkLabel  *platform_label;
  GtkLabel  *tenant_label;
  GtkLabel  *expiry_label;
  GtkBox    *abilities_box;
  GtkLabel  *permissions_label;
  LkAccountList *account_list;

  /* State */
  LkSession *session;
};

G_DEFINE_FINAL_TYPE (LkAccountPopover, lk_account_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
lk_account_get_name (LkApiKey *key)
{
  const char *name;

  g_return_val_if_fail (LK_IS_API_KEY (key), NULL);

  name = lk_api_key_get_name (key);
  if (name == NULL || name[0] == '\0')
    return lk_api_key_get_client_id (key);

  return name;
}

char *
lk_account_describe_need (LkAccess access)
{
  g_autofree char *permission = lk_permission_describe (LK_CATEGORY_API_KEYS, access);

  /* Translators: %s is a permission such as "API Keys: Write" */
  return g_strdup_printf (_("Needs %s"), permission);
}

static void
add_ability (LkAccountPopover *self,
             const char       *text,
             gboolean          allowed,
             LkAccess          access)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *image = gtk_image_new_from_icon_name (allowed ? "emblem-ok-symbolic"
                                                           : "action-unavailable-symbolic");
  GtkWidget *label = gtk_label_new (text);
  g_autofree char *tooltip = lk_account_describe_need (access);

  gtk_widget_add_css_class (line, "permission-line");
  gtk_widget_add_css_class (image, allowed ? "allowed" : "denied");
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  allowed ? _("Allowed") : _("Not allowed"),
                                  -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (!allowed)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (line, tooltip);
  gtk_box_append (GTK_BOX (line), image);
  gtk_box_append (GTK_BOX (line), label);
  gtk_box_append (self->abilities_box, line);
}

static char *
describe_platform (LkSession *session)
{
  LkPlatform *platform = lk_client_get_platform (lk_session_get_client (session));

  if (lk_session_get_demo (session))
    return g_strdup (_("The demo tenant on this computer"));
  if (lk_platform_get_region (platform) == LK_REGION_CUSTOM)
    return g_strdup (lk_platform_get_api_base (platform));

  return g_strdup (lk_region_get_name (lk_platform_get_region (platform)));
}

/* Shows the session's key; keeps the last one shown after signing out. */
static void
update (LkAccountPopover *self)
{
  LkApiKey *whoami = self->session ? lk_session_get_whoami (self->session) : NULL;
  g_autofree char *platform = NULL;
  g_autofree char *expiry = NULL;
  g_autofree char *summary = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->abilities_box))) != NULL)
    gtk_box_remove (self->abilities_box, child);

  /* Another account: the tick moves. */
  lk_account_list_refresh (self->account_list);

  if (whoami == NULL)
    return;

  /* The user's name for the account, else the signed-in key's. */
  gtk_label_set_text (self->name_label,
                      lk_session_get_display_name (self->session) != NULL
                      ? lk_session_get_display_name (self->session)
                      : lk_account_get_name (whoami));
  gtk_label_set_text (self->client_id_label, lk_api_key_get_client_id (whoami));

  platform = describe_platform (self->session);
  gtk_label_set_text (self->platform_label, platform);

  if (lk_api_key_get_tenant_id (whoami) != NULL)
    {
      /* Translators: in the account popover; %s is the tenant's ID, as
       * the platform gives it */
      g_autofree char *tenant = g_strdup_printf (_("Tenant %s"), lk_api_key_get_tenant_id (whoami));

      gtk_label_set_text (self->tenant_label, tenant);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tenant_label), lk_api_key_get_tenant_id (whoami) != NULL);

  if (lk_api_key_get_expires_at (whoami) != 0)
    {
      expiry = lk_time_describe_expiry_sentence (lk_time_now (),
                                                 lk_api_key_get_expires_at (whoami));
    }
  gtk_label_set_text (self->expiry_label, expiry ? expiry : "");
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), expiry != NULL);

  add_ability (self, _("List keys"), lk_session_get_can_read (self->session), LK_ACCESS_READ);
  add_ability (self, _("Create keys"), lk_session_get_can_write (self->session), LK_ACCESS_WRITE);
  add_ability (self, _("Delete keys"), lk_session_get_can_delete (self->session), LK_ACCESS_DELETE);

  summary = lk_permissions_to_summary (lk_api_key_get_permissions (whoami));
  gtk_label_set_text (self->permissions_label, summary);
}

LkSession *
lk_account_popover_get_session (LkAccountPopover *self)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_POPOVER (self), NULL);

  return self->session;
}

void
lk_account_popover_set_session (LkAccountPopover *self,
                                LkSession        *session)
{
  g_return_if_fail (LK_IS_ACCOUNT_POPOVER (self));
  g_return_if_fail (session == NULL || LK_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  lk_account_list_set_session (self->account_list, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::whoami", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::display-name", G_CALLBACK (update), self,
                               G_CONNECT_SWAPPED);
    }

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* Check Connection: the signed-in key's platform and credentials (held
 * in memory by the session's client), each step of signing in, in the
 * same report dialog as the sign-in page's. */
static void
check_connection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  LkAccountPopover *self = LK_ACCOUNT_POPOVER (widget);
  LkClient *client = self->session != NULL ? lk_session_get_client (self->session) : NULL;
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (client == NULL)
    return;

  gtk_popover_popdown (GTK_POPOVER (self));
  lk_connection_check_dialog_present_for_client (parent != NULL ? parent : widget, client);
}

/* Opened: the remembered accounts as they are now. */
static void
lk_account_popover_map (GtkWidget *widget)
{
  LkAccountPopover *self = LK_ACCOUNT_POPOVER (widget);

  GTK_WIDGET_CLASS (lk_account_popover_parent_class)->map (widget);
  lk_account_list_refresh (self->account_list);
}

static void
lk_account_popover_dispose (GObject *object)
{
  LkAccountPopover *self = LK_ACCOUNT_POPOVER (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_ACCOUNT_POPOVER);

  G_OBJECT_CLASS (lk_account_popover_parent_class)->dispose (object);
}

static void
lk_account_popover_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LkAccountPopover *self = LK_ACCOUNT_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_account_popover_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LkAccountPopover *self = LK_ACCOUNT_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      lk_account_popover_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_account_popover_class_init (LkAccountPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_account_popover_dispose;
  object_class->get_property = lk_account_popover_get_property;
  object_class->set_property = lk_account_popover_set_property;
  widget_class->map = lk_account_popover_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LK_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "account.check-connection", NULL,
                                   check_connection_action);

  g_type_ensure (LK_TYPE_ACCOUNT_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerkeys/LayerKeys/accounts/lk-account-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, name_label);
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, client_id_label);
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, platform_label);
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, tenant_label);
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, abilities_box);
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, permissions_label);
  gtk_widget_class_bind_template_child (widget_class, LkAccountPopover, account_list);
}

static void
lk_account_popover_init (LkAccountPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lk_account_popover_new (void)
{
  return g_object_new (LK_TYPE_ACCOUNT_POPOVER, NULL);
}
