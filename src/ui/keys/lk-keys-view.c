/* lk-keys-view.c: the tenant's keys as a sortable, searchable table
 *
 * The view itself: its states, listing the keys, its properties.  The
 * search is in lk-keys-view-search.c, the selection and the row actions
 * in lk-keys-view-selection.c (see lk-keys-view-private.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-keys-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-keys-view-private.h"

G_DEFINE_FINAL_TYPE (LkKeysView, lk_keys_view, ADW_TYPE_BIN)

GParamSpec *lk_keys_view_properties[LK_KEYS_VIEW_N_PROPS];

enum {
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

LkWindow *
lk_keys_view_get_window (LkKeysView *self)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), LK_TYPE_WINDOW);

  return window ? LK_WINDOW (window) : NULL;
}

/* ---- States ---- */

/* The status pages get their icons when first shown: a 128-pixel icon is
 * an SVG, and drawing one (even for a page never shown) loads librsvg
 * and libxml2 into the app, about 8 MB. */
static void
show_page_icon (LkKeysView *self,
                const char *state)
{
  if (g_str_equal (state, "empty"))
    adw_status_page_set_icon_name (self->empty_page, "dialog-password-symbolic");
  else if (g_str_equal (state, "no-results"))
    adw_status_page_set_icon_name (self->no_results_page, "edit-find-symbolic");
  else if (g_str_equal (state, "no-permission"))
    adw_status_page_set_icon_name (self->no_permission_page, "action-unavailable-symbolic");
}

static AdwStatusPage *
state_page (LkKeysView *self,
            const char *state)
{
  if (g_str_equal (state, "loading"))
    return self->loading_page;
  if (g_str_equal (state, "empty"))
    return self->empty_page;
  if (g_str_equal (state, "no-results"))
    return self->no_results_page;
  if (g_str_equal (state, "error"))
    return self->error_page;
  if (g_str_equal (state, "no-permission"))
    return self->no_permission_page;
  return NULL;
}

/* A page that replaces the one the keyboard focus was on takes the focus,
 * so that a screen reader reads it (GTK 4.8 has no other way to announce
 * it): the list, a page's button, or the page itself, which then reads as
 * its title and description.  The focus anywhere else (the search entry,
 * the header bar) stays where it is. */
static void
focus_state (LkKeysView *self,
             const char *state)
{
  AdwStatusPage *page;
  GtkWidget *button = NULL;

  if (g_str_equal (state, "list"))
    {
      lk_key_table_focus_list (self->table);
      return;
    }

  page = state_page (self, state);
  if (page == NULL)
    return;

  if (page == self->empty_page)
    button = self->empty_new_button;
  else if (page == self->error_page)
    button = self->retry_button;
  if (button != NULL && gtk_widget_is_sensitive (button) && gtk_widget_grab_focus (button))
    return;

  gtk_accessible_update_property (GTK_ACCESSIBLE (page),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, adw_status_page_get_title (page),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  adw_status_page_get_description (page) ? adw_status_page_get_description (page) : "",
                                  -1);
  gtk_widget_set_focusable (GTK_WIDGET (page), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (page));
}

static void
announce_state (LkKeysView *self,
                const char *state)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus;

  if (root == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  focus = gtk_root_get_focus (root);
  if (focus != NULL && gtk_widget_get_mapped (focus) &&
      !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->state_stack)))
    return;

  focus_state (self, state);
}

/* The view shows (the window turned to it after sign-in, say) with its
 * state set while it was hidden: that page is new to the user too. */
static void
lk_keys_view_map (GtkWidget *widget)
{
  LkKeysView *self = LK_KEYS_VIEW (widget);

  GTK_WIDGET_CLASS (lk_keys_view_parent_class)->map (widget);

  if (self->state != NULL)
    announce_state (self, self->state);
}

static void
set_state (LkKeysView *self,
           const char *state)
{
  gboolean show_bar;

  if (g_strcmp0 (self->state, state) != 0)
    {
      show_page_icon (self, state);
      self->state = state;
      gtk_stack_set_visible_child_name (self->state_stack, state);
      gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));
      announce_state (self, state);
      g_object_notify_by_pspec (G_OBJECT (self), lk_keys_view_properties[LK_KEYS_VIEW_PROP_STATE]);
    }

  show_bar = self->n_selected > 0 && g_str_equal (state, "list");
  gtk_action_bar_set_revealed (self->action_bar, show_bar);
}

void
lk_keys_view_update_state (LkKeysView *self)
{
  guint n_all;

  if (self->client == NULL)
    {
      set_state (self, "loading");
      return;
    }

  if (!self->can_read)
    {
      set_state (self, "no-permission");
      return;
    }

  n_all = g_list_model_get_n_items (lk_client_get_keys (self->client));
  if (n_all == 0)
    {
      if (self->listing || lk_client_get_loading (self->client))
        set_state (self, "loading");
      else if (self->error != NULL)
        set_state (self, "error");
      else
        set_state (self, "empty");
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->shown)) == 0)
    {
      if (self->needs_attention && self->needle == NULL)
        {
          adw_status_page_set_title (self->no_results_page, _("No Key Needs Attention"));
          adw_status_page_set_description (self->no_results_page,
                                           _("No key expires soon, has all permissions or lives longer than 90 days."));
        }
      else
        {
          adw_status_page_set_title (self->no_results_page, _("No Results Found"));
          adw_status_page_set_description (self->no_results_page,
                                           self->needs_attention
                                           ? _("No key that needs attention has this text in its name or client ID.")
                                           : _("No key has this text in its name or client ID."));
        }
      set_state (self, "no-results");
    }
  else
    set_state (self, "list");
}

static void
update_error_page (LkKeysView *self)
{
  const char *icon = "dialog-warning-symbolic";
  const char *hint = NULL;
  g_autofree char *description = NULL;

  if (self->error == NULL)
    return;

  if (g_error_matches (self->error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_NETWORK))
    {
      icon = "network-error-symbolic";
      hint = _("Check your network connection, then try again.");
    }
  else if (g_error_matches (self->error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_TLS))
    {
      icon = "channel-insecure-symbolic";
      hint = _("The platform’s certificate is not trusted. Sign out and choose its CA certificate.");
    }
  else if (g_error_matches (self->error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_PERMISSION_DENIED))
    {
      icon = "action-unavailable-symbolic";
      hint = _("Sign in with a key that has this permission.");
    }
  else
    hint = _("Try again in a moment.");

  description = g_strdup_printf ("%s %s", self->error->message, hint);
  adw_status_page_set_icon_name (self->error_page, icon);
  adw_status_page_set_description (self->error_page, description);
}

/* ---- Listing ---- */

static void
on_list_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LkKeysView *self;
  g_autoptr (GError) error = NULL;

  if (!lk_client_list_keys_finish (LK_CLIENT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LK_KEYS_VIEW (user_data);
  if (LK_CLIENT (source) != self->client)
    return;

  self->listing = FALSE;

  if (error == NULL)
    {
      self->last_refresh = g_get_monotonic_time ();
      if (lk_keys_view_get_window (self) != NULL)
        lk_window_clear_error (lk_keys_view_get_window (self), "win.refresh");
      lk_keys_view_update_state (self);
      /* A complete list: secrets stored for keys not in it are stale. */
      lk_stale_items_check (self->stale_items, self->client);
      return;
    }

  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED))
    {
      lk_keys_view_update_state (self);
      g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, error);
      return;
    }

  g_clear_error (&self->error);
  self->error = g_steal_pointer (&error);
  update_error_page (self);
  lk_keys_view_update_state (self);

  /* The rows shown stay: a banner says why they are not fresh (too long
   * for a toast, and it stays until the user has read it). */
  if (!g_str_equal (self->state, "error") && lk_keys_view_get_window (self) != NULL)
    {
      g_autofree char *title = NULL;

      /* Translators: %s is the reason, a sentence */
      title = g_strdup_printf (_("Could not refresh the list: %s"), self->error->message);
      lk_window_show_error (lk_keys_view_get_window (self), title, "win.refresh");
    }
}

void
lk_keys_view_refresh (LkKeysView *self)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  if (self->client == NULL || !self->can_read || self->listing)
    return;

  self->listing = TRUE;
  g_clear_error (&self->error);
  lk_keys_view_update_state (self);

  lk_client_list_keys_async (self->client, self->cancellable, on_list_done, self);
}

static void
on_retry_clicked (LkKeysView *self)
{
  lk_keys_view_refresh (self);
}

/* ---- The client, and what its key may do ---- */

static void
on_client_loading (LkKeysView *self)
{
  lk_keys_view_update_state (self);
}

void
lk_keys_view_set_client (LkKeysView *self,
                         LkClient   *client)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));
  g_return_if_fail (client == NULL || LK_IS_CLIENT (client));

  if (self->client == client)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->listing = FALSE;
  self->last_refresh = 0;
  g_clear_error (&self->error);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);

  g_set_object (&self->client, client);

  if (client != NULL)
    {
      g_signal_connect_object (client, "notify::loading",
                               G_CALLBACK (on_client_loading), self,
                               G_CONNECT_SWAPPED);
      /* It listed the keys already (see LkAccountPrefetch). */
      self->last_refresh = lk_client_get_listed_at (client);
      lk_shown_keys_set_source (self->shown, lk_client_get_keys (client));
    }
  else
    lk_shown_keys_set_source (self->shown, NULL);
  lk_stale_items_check (self->stale_items, self->last_refresh != 0 ? client : NULL);

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  lk_keys_view_update_state (self);
  lk_keys_view_update_selection (self);

  g_object_notify_by_pspec (G_OBJECT (self), lk_keys_view_properties[LK_KEYS_VIEW_PROP_CLIENT]);
}

LkClient *
lk_keys_view_get_client (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return self->client;
}

void
lk_keys_view_set_can_read (LkKeysView *self,
                           gboolean    can_read)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  can_read = !!can_read;
  if (self->can_read == can_read)
    return;

  self->can_read = can_read;
  lk_keys_view_update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), lk_keys_view_properties[LK_KEYS_VIEW_PROP_CAN_READ]);
}

void
lk_keys_view_set_can_delete (LkKeysView *self,
                             gboolean    can_delete)
{
  g_autofree char *permission = NULL;
  g_autofree char *tooltip = NULL;

  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  can_delete = !!can_delete;
  if (!can_delete)
    {
      permission = lk_permission_describe (LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE);
      /* Translators: %s is a permission, "API Keys: Delete" */
      tooltip = g_strdup_printf (_("Needs %s"), permission);
    }
  gtk_widget_set_tooltip_text (self->delete_button, tooltip);

  if (self->can_delete == can_delete)
    return;

  self->can_delete = can_delete;
  g_object_notify_by_pspec (G_OBJECT (self), lk_keys_view_properties[LK_KEYS_VIEW_PROP_CAN_DELETE]);
}

gint64
lk_keys_view_get_last_refresh (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), 0);

  return self->last_refresh;
}

void
lk_keys_view_focus_list (LkKeysView *self)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  if (self->state != NULL)
    focus_state (self, self->state);
  else
    lk_key_table_focus_list (self->table);
}

void
lk_keys_view_set_retire_times (LkKeysView *self,
                               GHashTable *times)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  lk_key_table_set_retire_times (self->table, times);
}

void
lk_keys_view_set_needs_attention (LkKeysView *self,
                                  gboolean    needs_attention)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  needs_attention = !!needs_attention;
  if (self->needs_attention == needs_attention)
    return;

  self->needs_attention = needs_attention;
  lk_shown_keys_set_attention (self->shown, needs_attention, self->expiry_warning_days);
  /* The toggle is in the search bar: show it while the filter is on. */
  if (needs_attention)
    gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  lk_keys_view_update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), lk_keys_view_properties[LK_KEYS_VIEW_PROP_NEEDS_ATTENTION]);
}

/* ---- For lk-window.c, until it no longer needs them ---- */

/* ---- GObject ---- */

static void
lk_keys_view_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  LkKeysView *self = LK_KEYS_VIEW (widget);

  GTK_WIDGET_CLASS (lk_keys_view_parent_class)->size_allocate (widget, width, height, baseline);

  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
lk_keys_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LkKeysView *self = LK_KEYS_VIEW (object);

  switch (prop_id)
    {
    case LK_KEYS_VIEW_PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case LK_KEYS_VIEW_PROP_CAN_READ:
      g_value_set_boolean (value, self->can_read);
      break;
    case LK_KEYS_VIEW_PROP_CAN_DELETE:
      g_value_set_boolean (value, self->can_delete);
      break;
    case LK_KEYS_VIEW_PROP_EXPIRY_WARNING_DAYS:
      g_value_set_uint (value, self->expiry_warning_days);
      break;
    case LK_KEYS_VIEW_PROP_N_SELECTED:
      g_value_set_uint (value, self->n_selected);
      break;
    case LK_KEYS_VIEW_PROP_SEARCH_MODE:
      g_value_set_boolean (value, gtk_search_bar_get_search_mode (self->search_bar));
      break;
    case LK_KEYS_VIEW_PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case LK_KEYS_VIEW_PROP_NEEDS_ATTENTION:
      g_value_set_boolean (value, self->needs_attention);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_keys_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LkKeysView *self = LK_KEYS_VIEW (object);

  switch (prop_id)
    {
    case LK_KEYS_VIEW_PROP_CLIENT:
      lk_keys_view_set_client (self, g_value_get_object (value));
      break;
    case LK_KEYS_VIEW_PROP_CAN_READ:
      lk_keys_view_set_can_read (self, g_value_get_boolean (value));
      break;
    case LK_KEYS_VIEW_PROP_CAN_DELETE:
      lk_keys_view_set_can_delete (self, g_value_get_boolean (value));
      break;
    case LK_KEYS_VIEW_PROP_EXPIRY_WARNING_DAYS:
      if (self->expiry_warning_days != g_value_get_uint (value))
        {
          self->expiry_warning_days = g_value_get_uint (value);
          lk_key_table_set_expiry_warning_days (self->table, self->expiry_warning_days);
          lk_shown_keys_set_attention (self->shown, self->needs_attention, self->expiry_warning_days);
          lk_keys_view_update_state (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case LK_KEYS_VIEW_PROP_SEARCH_MODE:
      lk_keys_view_set_search_mode (self, g_value_get_boolean (value));
      break;
    case LK_KEYS_VIEW_PROP_NEEDS_ATTENTION:
      lk_keys_view_set_needs_attention (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_keys_view_dispose (GObject *object)
{
  LkKeysView *self = LK_KEYS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);

  /* Nothing of the models may reach this view once its children are
   * gone: the selection would call back into labels and bars already
   * cleared, and the sort model into a table already disposed. */
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->shown != NULL)
    g_signal_handlers_disconnect_by_data (self->shown, self);
  if (self->search_bar != NULL)
    g_signal_handlers_disconnect_by_data (self->search_bar, self);
  if (self->search_entry != NULL)
    g_signal_handlers_disconnect_by_data (self->search_entry, self);
  if (self->shown != NULL)
    lk_shown_keys_set_source (self->shown, NULL);

  if (self->context_menu != NULL)
    gtk_widget_unparent (self->context_menu);
  self->context_menu = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_KEYS_VIEW);

  G_OBJECT_CLASS (lk_keys_view_parent_class)->dispose (object);
}

static void
lk_keys_view_finalize (GObject *object)
{
  LkKeysView *self = LK_KEYS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_hash_table_unref (self->selected_keys);
  g_free (self->needle);

  G_OBJECT_CLASS (lk_keys_view_parent_class)->finalize (object);
}

static void
lk_keys_view_class_init (LkKeysViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lk_keys_view_get_property;
  object_class->set_property = lk_keys_view_set_property;
  object_class->dispose = lk_keys_view_dispose;
  object_class->finalize = lk_keys_view_finalize;
  widget_class->size_allocate = lk_keys_view_size_allocate;
  widget_class->map = lk_keys_view_map;

  lk_keys_view_properties[LK_KEYS_VIEW_PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         LK_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lk_keys_view_properties[LK_KEYS_VIEW_PROP_CAN_READ] =
    g_param_spec_boolean ("can-read", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lk_keys_view_properties[LK_KEYS_VIEW_PROP_CAN_DELETE] =
    g_param_spec_boolean ("can-delete", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lk_keys_view_properties[LK_KEYS_VIEW_PROP_EXPIRY_WARNING_DAYS] =
    g_param_spec_uint ("expiry-warning-days", NULL, NULL, 0, 365, 7,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lk_keys_view_properties[LK_KEYS_VIEW_PROP_N_SELECTED] =
    g_param_spec_uint ("n-selected", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lk_keys_view_properties[LK_KEYS_VIEW_PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lk_keys_view_properties[LK_KEYS_VIEW_PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  lk_keys_view_properties[LK_KEYS_VIEW_PROP_NEEDS_ATTENTION] =
    g_param_spec_boolean ("needs-attention", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LK_KEYS_VIEW_N_PROPS, lk_keys_view_properties);
  gtk_widget_class_install_property_action (widget_class, "keys.needs-attention", "needs-attention");

  signals[SIGNAL_SESSION_ENDED] =
    g_signal_new ("session-ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  g_type_ensure (LK_TYPE_KEY_TABLE);
  g_type_ensure (LK_TYPE_KEY_ROWS);
  g_type_ensure (LK_TYPE_SHOWN_KEYS);
  g_type_ensure (LK_TYPE_STALE_ITEMS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/keys/lk-keys-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, state_stack);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, table);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, loading_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, empty_new_button);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, error_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, no_permission_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, action_bar);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, selection_label);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, delete_button);
  /* For gtk_widget_get_template_child(): its tooltip is the window's
   * (rotate/lk-window-rotate.c). */
  gtk_widget_class_bind_template_child_full (widget_class, "rotate_button", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, context_menu_model);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, stale_items);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, shown);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, rows);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, selection);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);

  lk_keys_view_search_class_init (widget_class);
  lk_keys_view_selection_class_init (widget_class);
}

static void
lk_keys_view_init (LkKeysView *self)
{
  g_autofree char *permission = NULL;
  g_autofree char *description = NULL;

  self->expiry_warning_days = 7;
  self->cancellable = g_cancellable_new ();
  self->selected_keys = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  /* The template builds keys -> shown -> rows -> selection -> table; the
   * table's header drives the sorter. */
  gtk_widget_init_template (GTK_WIDGET (self));
  lk_shown_keys_set_sorter (self->shown, lk_key_table_get_sorter (self->table));

  lk_keys_view_selection_init (self);
  lk_keys_view_search_init (self);

  permission = lk_permission_describe (LK_CATEGORY_API_KEYS, LK_ACCESS_READ);
  /* Translators: %s is a permission, "API Keys: Read" */
  description = g_strdup_printf (_("Listing keys needs %s. You can still create keys if this key may, or sign in with another key."),
                                 permission);
  adw_status_page_set_description (self->no_permission_page, description);

  lk_keys_view_set_can_delete (self, FALSE);
  lk_keys_view_update_state (self);
  lk_keys_view_update_selection (self);
}

GtkWidget *
lk_keys_view_new (void)
{
  return g_object_new (LK_TYPE_KEYS_VIEW, NULL);
}
