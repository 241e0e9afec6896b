/* lk-keys-view.c: the tenant's keys as a sortable, searchable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lk-clipboard.h"
#include "lk-key-rows.h"
#include "lk-key-table.h"
#include "lk-keys-view.h"
#include "lk-shown-keys.h"
#include "lk-key-search.h"
#include "lk-time.h"
#include "lk-window.h"

struct _LkKeysView
{
  AdwBin parent_instance;

  /* Template children */
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *state_stack;
  GtkScrolledWindow    *scrolled_window;
  LkKeyTable           *table;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *empty_page;
  AdwStatusPage        *no_results_page;
  AdwStatusPage        *error_page;
  GtkWidget            *retry_button;
  AdwStatusPage        *no_permission_page;
  GtkActionBar         *action_bar;
  GtkLabel             *selection_label;
  GtkWidget            *delete_button;
  GMenuModel           *context_menu_model;

  /* Models: the client's keys -> shown (sorted, then searched) -> rows
   * -> selection.  Sorting comes first so that a keystroke re-sorts
   * nothing; the rows keep the table's widgets in place (see
   * lk-key-rows.h). */
  LkShownKeys          *shown;
  LkKeyRows            *rows;
  GtkMultiSelection    *selection;
  GtkWidget            *context_menu;
  GHashTable           *selected_keys; /* LkApiKey references */
  gboolean              syncing_rows;

  /* State */
  LkClient             *client;
  GCancellable         *cancellable;
  GError               *error;
  char                 *needle;        /* normalized, casefolded search text */
  gint64                last_refresh;
  guint                 expiry_warning_days;
  guint                 n_selected;
  const char           *state;
  gboolean              can_read;
  gboolean              can_delete;
  gboolean              listing;
};

G_DEFINE_FINAL_TYPE (LkKeysView, lk_keys_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_CAN_READ,
  PROP_CAN_DELETE,
  PROP_EXPIRY_WARNING_DAYS,
  PROP_N_SELECTED,
  PROP_SEARCH_MODE,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static LkWindow *
get_window (LkKeysView *self)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), LK_TYPE_WINDOW);

  return window ? LK_WINDOW (window) : NULL;
}

static void
show_toast (LkKeysView *self,
            AdwToast   *toast)
{
  LkWindow *window = get_window (self);

  if (window != NULL)
    lk_window_add_toast (window, toast);
  else
    g_object_unref (toast);
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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  show_bar = self->n_selected > 0 && g_str_equal (state, "list");
  gtk_action_bar_set_revealed (self->action_bar, show_bar);
}

static void
update_state (LkKeysView *self)
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
    set_state (self, "no-results");
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
      update_state (self);
      return;
    }

  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_AUTHENTICATION_FAILED))
    {
      update_state (self);
      g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, error);
      return;
    }

  g_clear_error (&self->error);
  self->error = g_steal_pointer (&error);
  update_error_page (self);
  update_state (self);

  if (!g_str_equal (self->state, "error"))
    {
      AdwToast *toast;
      g_autofree char *title = NULL;
      g_autofree char *escaped = NULL;

      /* Translators: %s is the reason, a sentence */
      title = g_strdup_printf (_("Could not refresh the list: %s"), self->error->message);
      escaped = g_markup_escape_text (title, -1);
      toast = adw_toast_new (escaped);
      adw_toast_set_button_label (toast, _("_Retry"));
      adw_toast_set_action_name (toast, "win.refresh");
      adw_toast_set_timeout (toast, 10);
      show_toast (self, toast);
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
  update_state (self);

  lk_client_list_keys_async (self->client, self->cancellable, on_list_done, self);
}

static void
on_retry_clicked (LkKeysView *self)
{
  lk_keys_view_refresh (self);
}

/* ---- Selection ---- */

static void
update_selection (LkKeysView *self)
{
  g_autoptr (GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint n = (guint) gtk_bitset_get_size (selected);
  g_autofree char *text = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.copy-client-id", n > 0);

  /* Translators: shown in the bar below the list; %u is a number of keys */
  text = g_strdup_printf (ngettext ("%u selected", "%u selected", n), n);
  gtk_label_set_text (self->selection_label, text);
  gtk_action_bar_set_revealed (self->action_bar,
                               n > 0 && g_strcmp0 (self->state, "list") == 0);

  if (n != self->n_selected)
    {
      self->n_selected = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED]);
    }
}

/* Remembers which keys are selected, to select them again once a search
 * or a refresh moved them. */
static void
remember_selected_keys (LkKeysView *self)
{
  g_autoptr (GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GtkBitsetIter iter;
  guint position;

  g_hash_table_remove_all (self->selected_keys);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      LkApiKey *key = g_list_model_get_item (G_LIST_MODEL (self->shown), position);

      if (key != NULL)
        g_hash_table_add (self->selected_keys, key);
    }
}

static void
on_selection_changed (LkKeysView *self)
{
  if (!self->syncing_rows)
    remember_selected_keys (self);
  update_selection (self);
}

/* The keys shown changed: the rows follow (adding or dropping rows at
 * the end only), and the same keys stay selected. */
static void
on_shown_keys_changed (GListModel *keys,
                       guint       position,
                       guint       removed,
                       guint       added,
                       LkKeysView *self)
{
  self->syncing_rows = TRUE;
  lk_key_rows_follow (self->rows, position, removed, added);

  if (g_hash_table_size (self->selected_keys) > 0)
    {
      guint n = g_list_model_get_n_items (keys);
      g_autoptr (GtkBitset) now = gtk_bitset_new_empty ();
      g_autoptr (GtkBitset) all = gtk_bitset_new_range (0, n);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (LkApiKey) key = g_list_model_get_item (keys, i);

          if (g_hash_table_contains (self->selected_keys, key))
            gtk_bitset_add (now, i);
        }
      gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), now, all);
    }
  self->syncing_rows = FALSE;
  remember_selected_keys (self);

  update_state (self);
  update_selection (self);
}

GPtrArray *
lk_keys_view_get_selected_keys (LkKeysView *self)
{
  g_autoptr (GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  GPtrArray *keys;
  guint position;

  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  keys = g_ptr_array_new_with_free_func (g_object_unref);
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_iter_init_first (&iter, selected, &position))
    {
      do
        g_ptr_array_add (keys, g_list_model_get_item (G_LIST_MODEL (self->shown), position));
      while (gtk_bitset_iter_next (&iter, &position));
    }

  return keys;
}

guint
lk_keys_view_get_n_selected (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), 0);

  return self->n_selected;
}

static void
copy_client_id_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  LkKeysView *self = LK_KEYS_VIEW (widget);
  g_autoptr (GPtrArray) keys = lk_keys_view_get_selected_keys (self);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *title = NULL;

  if (keys->len == 0)
    return;

  for (guint i = 0; i < keys->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, lk_api_key_get_client_id (g_ptr_array_index (keys, i)));
    }

  lk_clipboard_copy (widget, text->str, FALSE, 0);

  if (keys->len == 1)
    /* Translators: %s is the name of a key */
    title = g_strdup_printf (_("Copied the client ID of “%s”"),
                             lk_api_key_get_name (g_ptr_array_index (keys, 0)));
  else
    title = g_strdup_printf (ngettext ("Copied %u client ID", "Copied %u client IDs", keys->len),
                             keys->len);
  if (get_window (self) != NULL)
    lk_window_show_toast (get_window (self), title);
}

/* ---- Context menu ---- */

static void
popup_context_menu (LkKeysView *self,
                    double      x,
                    double      y)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
context_menu_at (LkKeysView *self,
                 double      x,
                 double      y)
{
  double table_x, table_y;
  guint position;

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (self), GTK_WIDGET (self->table),
                                         x, y, &table_x, &table_y))
    return;

  position = lk_key_table_get_position_at (self->table, table_x, table_y);
  if (position == GTK_INVALID_LIST_POSITION)
    return;

  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);

  popup_context_menu (self, x, y);
}

static void
on_secondary_click (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    LkKeysView      *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  double self_x, self_y;

  if (!gtk_widget_translate_coordinates (widget, GTK_WIDGET (self), x, y, &self_x, &self_y))
    return;

  context_menu_at (self, self_x, self_y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_long_press (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               LkKeysView          *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  double self_x, self_y;

  if (!gtk_widget_translate_coordinates (widget, GTK_WIDGET (self), x, y, &self_x, &self_y))
    return;

  context_menu_at (self, self_x, self_y);
}

static gboolean
menu_shortcut (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  LkKeysView *self = LK_KEYS_VIEW (widget);
  GtkWidget *focus;
  graphene_rect_t bounds;

  if (self->n_selected == 0 || g_strcmp0 (self->state, "list") != 0)
    return FALSE;

  /* Point at the focused row when there is one, else the middle. */
  focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->table)) &&
      gtk_widget_compute_bounds (focus, widget, &bounds))
    popup_context_menu (self, bounds.origin.x + 24, bounds.origin.y + bounds.size.height / 2);
  else
    popup_context_menu (self,
                        gtk_widget_get_width (widget) / 2.0,
                        gtk_widget_get_height (widget) / 3.0);
  return TRUE;
}

/* ---- Search ---- */

static void
on_search_changed (LkKeysView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *folded = lk_key_search_needle (text);

  if (g_strcmp0 (folded, self->needle) == 0)
    return;

  g_free (self->needle);
  self->needle = g_steal_pointer (&folded);
  lk_shown_keys_set_needle (self->shown, self->needle);
  update_state (self);
}

static void
on_stop_search (LkKeysView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (lk_key_table_get_list_view (self->table)));
}

static void
on_search_activate (LkKeysView *self)
{
  /* Enter in the search entry: go to the results. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->shown)) > 0)
    {
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 0, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (lk_key_table_get_list_view (self->table)));
    }
}

static void
on_search_mode_changed (LkKeysView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

/* ---- GObject ---- */

static void
on_client_loading (LkKeysView *self)
{
  update_state (self);
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

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  update_state (self);
  update_selection (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
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
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_READ]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_DELETE]);
}

gint64
lk_keys_view_get_last_refresh (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), 0);

  return self->last_refresh;
}

const char *
lk_keys_view_get_state (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return self->state;
}

void
lk_keys_view_set_search_mode (LkKeysView *self,
                              gboolean    search_mode)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
  if (search_mode)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

gboolean
lk_keys_view_get_search_mode (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

void
lk_keys_view_set_search_text (LkKeysView *self,
                              const char *text)
{
  g_return_if_fail (LK_IS_KEYS_VIEW (self));

  if (text != NULL && text[0] != '\0')
    gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  /* Apply once, now, rather than for the cleared entry and again after
   * the entry's delay. */
  g_signal_handlers_block_by_func (self->search_entry, on_search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  g_signal_handlers_unblock_by_func (self->search_entry, on_search_changed, self);
  on_search_changed (self);
}

GListModel *
lk_keys_view_get_filter_model (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return G_LIST_MODEL (self->shown);
}

GListModel *
lk_keys_view_get_sort_model (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  /* The keys as shown: sorted, then filtered. */
  return G_LIST_MODEL (self->shown);
}

GtkSelectionModel *
lk_keys_view_get_selection (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

LkKeyTable *
lk_keys_view_get_table (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return self->table;
}

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
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_CAN_READ:
      g_value_set_boolean (value, self->can_read);
      break;
    case PROP_CAN_DELETE:
      g_value_set_boolean (value, self->can_delete);
      break;
    case PROP_EXPIRY_WARNING_DAYS:
      g_value_set_uint (value, self->expiry_warning_days);
      break;
    case PROP_N_SELECTED:
      g_value_set_uint (value, self->n_selected);
      break;
    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, lk_keys_view_get_search_mode (self));
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
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
    case PROP_CLIENT:
      lk_keys_view_set_client (self, g_value_get_object (value));
      break;
    case PROP_CAN_READ:
      lk_keys_view_set_can_read (self, g_value_get_boolean (value));
      break;
    case PROP_CAN_DELETE:
      lk_keys_view_set_can_delete (self, g_value_get_boolean (value));
      break;
    case PROP_EXPIRY_WARNING_DAYS:
      if (self->expiry_warning_days != g_value_get_uint (value))
        {
          self->expiry_warning_days = g_value_get_uint (value);
          lk_key_table_set_expiry_warning_days (self->table, self->expiry_warning_days);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SEARCH_MODE:
      lk_keys_view_set_search_mode (self, g_value_get_boolean (value));
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

  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->shown);

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


  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         LK_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_READ] =
    g_param_spec_boolean ("can-read", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_DELETE] =
    g_param_spec_boolean ("can-delete", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPIRY_WARNING_DAYS] =
    g_param_spec_uint ("expiry-warning-days", NULL, NULL, 0, 365, 7,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SELECTED] =
    g_param_spec_uint ("n-selected", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SESSION_ENDED] =
    g_signal_new ("session-ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  g_type_ensure (LK_TYPE_KEY_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/keys/lk-keys-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, state_stack);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, table);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, error_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, no_permission_page);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, action_bar);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, selection_label);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, delete_button);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, context_menu_model);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);

  gtk_widget_class_install_action (widget_class, "keys.copy-client-id", NULL, copy_client_id_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "keys.copy-client-id", NULL);
  /* Delete is bound here rather than as an application accelerator: those
   * run before the focused widget, so Delete in the search entry would
   * delete keys instead of text. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "win.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0,
                                       "win.delete-selected", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, menu_shortcut, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, menu_shortcut, NULL);
}

static void
lk_keys_view_init (LkKeysView *self)
{
  g_autofree char *permission = NULL;
  g_autofree char *description = NULL;
  GtkGesture *click;
  GtkGesture *long_press;

  self->expiry_warning_days = 7;
  self->cancellable = g_cancellable_new ();
  self->selected_keys = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* keys -> sort -> filter -> rows -> selection; the table's header
   * drives the sorter. */
  self->shown = lk_shown_keys_new (lk_key_table_get_sorter (self->table));
  self->rows = lk_key_rows_new (G_LIST_MODEL (self->shown));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  lk_key_table_set_model (self->table, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->shown, "items-changed",
                           G_CALLBACK (on_shown_keys_changed), self, 0);


  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->table));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (on_search_mode_changed), self, G_CONNECT_SWAPPED);

  permission = lk_permission_describe (LK_CATEGORY_API_KEYS, LK_ACCESS_READ);
  /* Translators: %s is a permission, "API Keys: Read" */
  description = g_strdup_printf (_("Listing keys needs %s. You can still create keys if this key may, or sign in with another key."),
                                 permission);
  adw_status_page_set_description (self->no_permission_page, description);

  /* The context menu: right click, long press, Menu key. */
  self->context_menu = gtk_popover_menu_new_from_model (self->context_menu_model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->table), GTK_EVENT_CONTROLLER (click));

  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self->table), GTK_EVENT_CONTROLLER (long_press));

  lk_keys_view_set_can_delete (self, FALSE);
  update_state (self);
  update_selection (self);
}

GtkWidget *
lk_keys_view_new (void)
{
  return g_object_new (LK_TYPE_KEYS_VIEW, NULL);
}
