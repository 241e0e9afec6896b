/* lk-keys-view.c: the tenant's keys as a sortable, searchable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lk-clipboard.h"
#include "lk-keys-view.h"
#include "lk-key-search.h"
#include "lk-time.h"
#include "lk-window.h"

/* ---- Rows ----
 *
 * The column view shows LkKeyRow objects, one per shown position, rather
 * than the keys themselves.  GTK 4.8's list views keep about 200 rows of
 * widgets around the visible ones and build new widgets for every item
 * that comes into that range: a keystroke that brings back thousands of
 * keys would destroy and build 200 rows of six cells (100 ms and more).
 * A row keeps its place and its widgets; when the key at its position
 * changes, the cells bound to it show the new key's text. */

#define LK_TYPE_KEY_ROW (lk_key_row_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyRow, lk_key_row, LK, KEY_ROW, GObject)

struct _LkKeyRow
{
  GObject   parent_instance;
  LkApiKey *key;
  guint     n_bound;     /* cells showing this row */
};

G_DEFINE_FINAL_TYPE (LkKeyRow, lk_key_row, G_TYPE_OBJECT)

static guint row_key_changed_signal;

static void
lk_key_row_finalize (GObject *object)
{
  g_clear_object (&LK_KEY_ROW (object)->key);

  G_OBJECT_CLASS (lk_key_row_parent_class)->finalize (object);
}

static void
lk_key_row_class_init (LkKeyRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_key_row_finalize;

  row_key_changed_signal =
    g_signal_new ("key-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lk_key_row_init (LkKeyRow *self)
{
}

/* Takes @key. */
static void
lk_key_row_take_key (LkKeyRow *row,
                     LkApiKey *key)
{
  g_autoptr (LkApiKey) old = NULL;

  if (row->key == key)
    {
      g_clear_object (&key);
      return;
    }

  old = g_steal_pointer (&row->key);
  row->key = key;
  if (row->n_bound > 0)
    g_signal_emit (row, row_key_changed_signal, 0);
}

/* A plain array as a GListModel: the rows, kept in step with the filter
 * model, and a copy of the client's keys under the sort model (a
 * GListStore finds a position in O(log n), and the filter model below
 * the sort model reads the keys in sorted, so random, order). */
#define LK_TYPE_KEY_ROWS (lk_key_rows_get_type ())
G_DECLARE_FINAL_TYPE (LkKeyRows, lk_key_rows, LK, KEY_ROWS, GObject)

struct _LkKeyRows
{
  GObject    parent_instance;
  GPtrArray *rows;
  GType      item_type;
};

static GType
lk_key_rows_get_item_type (GListModel *model)
{
  return LK_KEY_ROWS (model)->item_type;
}

static guint
lk_key_rows_get_n_items (GListModel *model)
{
  return LK_KEY_ROWS (model)->rows->len;
}

static gpointer
lk_key_rows_get_item (GListModel *model,
                      guint       position)
{
  LkKeyRows *self = LK_KEY_ROWS (model);

  if (position >= self->rows->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
lk_key_rows_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lk_key_rows_get_item_type;
  iface->get_n_items = lk_key_rows_get_n_items;
  iface->get_item = lk_key_rows_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (LkKeyRows, lk_key_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lk_key_rows_list_model_init))

static void
lk_key_rows_finalize (GObject *object)
{
  g_ptr_array_unref (LK_KEY_ROWS (object)->rows);

  G_OBJECT_CLASS (lk_key_rows_parent_class)->finalize (object);
}

static void
lk_key_rows_class_init (LkKeyRowsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_key_rows_finalize;
}

static void
lk_key_rows_init (LkKeyRows *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->item_type = LK_TYPE_KEY_ROW;
}

static LkApiKey *
row_key_at (LkKeyRows *rows,
            guint      position)
{
  return LK_KEY_ROW (g_ptr_array_index (rows->rows, position))->key;
}

struct _LkKeysView
{
  AdwBin parent_instance;

  /* Template children */
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *state_stack;
  GtkScrolledWindow    *scrolled_window;
  GtkColumnView        *column_view;
  GtkColumnViewColumn  *name_column;
  GtkColumnViewColumn  *client_id_column;
  GtkColumnViewColumn  *created_column;
  GtkColumnViewColumn  *expires_column;
  GtkColumnViewColumn  *permissions_column;
  GtkColumnViewColumn  *keyring_column;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *error_page;
  GtkWidget            *retry_button;
  AdwStatusPage        *no_permission_page;
  GtkActionBar         *action_bar;
  GtkLabel             *selection_label;
  GtkWidget            *delete_button;
  GMenuModel           *context_menu_model;

  /* Models: keys -> sort -> filter -> rows -> selection.  Sorting comes
   * first so that a keystroke re-sorts nothing; the rows keep the column
   * view's widgets in place (see LkKeyRow). */
  GListModel           *source;        /* the client's keys */
  LkKeyRows            *keys;          /* a copy of them, as an array */
  GtkSortListModel     *sort_model;
  GtkFilterListModel   *filter_model;
  GtkCustomFilter      *filter;
  LkKeyRows            *rows;
  GtkMultiSelection    *selection;
  GtkWidget            *context_menu;

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

/* The GtkListItem a cell widget shows, for the context menu. */
static GQuark list_item_quark;
/* Per-key cached collation key of the name, made once per key: a
 * GtkStringSorter would make 10,000 of them again on every keystroke that
 * widens the search. */
static GQuark name_key_quark;

static gboolean
filter_key (gpointer item,
            gpointer user_data)
{
  LkKeysView *self = user_data;

  if (self->needle == NULL)
    return TRUE;

  return lk_key_search_matches (item, self->needle);
}

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

static void
set_state (LkKeysView *self,
           const char *state)
{
  gboolean show_bar;

  if (g_strcmp0 (self->state, state) != 0)
    {
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
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
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

static void
on_selection_changed (LkKeysView *self)
{
  update_selection (self);
}

/* The keys shown changed: move the rows' keys, add or drop rows at the
 * end only, and keep the same keys selected. */
static void
on_shown_keys_changed (GListModel *keys,
                       guint       position,
                       guint       removed,
                       guint       added,
                       LkKeysView *self)
{
  GPtrArray *rows = self->rows->rows;
  guint n_old = rows->len;
  guint n_new = g_list_model_get_n_items (keys);
  guint end = removed == added ? position + added : n_new;
  g_autoptr (GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr (GHashTable) selected_keys = NULL;

  if (!gtk_bitset_is_empty (selected))
    {
      GtkBitsetIter iter;
      guint i;

      selected_keys = g_hash_table_new (NULL, NULL);
      for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &i); more;
           more = gtk_bitset_iter_next (&iter, &i))
        if (i < n_old)
          g_hash_table_add (selected_keys, row_key_at (self->rows, i));
    }

  for (guint i = position; i < MIN (end, n_old); i++)
    lk_key_row_take_key (g_ptr_array_index (rows, i), g_list_model_get_item (keys, i));

  if (n_new > n_old)
    {
      for (guint i = n_old; i < n_new; i++)
        {
          LkKeyRow *row = g_object_new (LK_TYPE_KEY_ROW, NULL);

          row->key = g_list_model_get_item (keys, i);
          g_ptr_array_add (rows, row);
        }
      g_list_model_items_changed (G_LIST_MODEL (self->rows), n_old, 0, n_new - n_old);
    }
  else if (n_new < n_old)
    {
      g_ptr_array_remove_range (rows, n_new, n_old - n_new);
      g_list_model_items_changed (G_LIST_MODEL (self->rows), n_new, n_old - n_new, 0);
    }

  if (selected_keys != NULL)
    {
      g_autoptr (GtkBitset) now = gtk_bitset_new_empty ();
      g_autoptr (GtkBitset) all = gtk_bitset_new_range (0, n_new);

      for (guint i = 0; i < n_new; i++)
        if (g_hash_table_contains (selected_keys, row_key_at (self->rows, i)))
          gtk_bitset_add (now, i);
      gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), now, all);
    }

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
        g_ptr_array_add (keys, g_object_ref (row_key_at (self->rows, position)));
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

static GtkListItem *
find_list_item (LkKeysView *self,
                GtkWidget  *widget)
{
  for (; widget != NULL && widget != GTK_WIDGET (self->column_view);
       widget = gtk_widget_get_parent (widget))
    {
      GtkListItem *item = g_object_get_qdata (G_OBJECT (widget), list_item_quark);

      if (item != NULL)
        return item;
    }

  return NULL;
}

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
  GtkWidget *picked;
  GtkListItem *item;
  double view_x, view_y;
  guint position;

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (self), GTK_WIDGET (self->column_view),
                                         x, y, &view_x, &view_y))
    return;

  picked = gtk_widget_pick (GTK_WIDGET (self->column_view), view_x, view_y, GTK_PICK_DEFAULT);
  item = find_list_item (self, picked);
  if (item == NULL)
    return;

  position = gtk_list_item_get_position (item);
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
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view)) &&
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
  GtkFilterChange change;

  if (g_strcmp0 (folded, self->needle) == 0)
    return;

  change = lk_key_search_change (self->needle, folded);

  g_free (self->needle);
  self->needle = g_steal_pointer (&folded);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_state (self);
}

static void
on_stop_search (LkKeysView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
on_search_activate (LkKeysView *self)
{
  /* Enter in the search entry: go to the results. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0)
    {
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 0, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
    }
}

static void
on_search_mode_changed (LkKeysView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

/* ---- Cell text ----
 *
 * One line of text, ellipsized at the end, for the cells of the table.
 * Unlike a GtkLabel it asks for the height of one line of its font and
 * for no particular width, so measuring a row that scrolls into view
 * shapes no text at all; the text is laid out once, when drawn. */

#define LK_TYPE_CELL_TEXT (lk_cell_text_get_type ())
G_DECLARE_FINAL_TYPE (LkCellText, lk_cell_text, LK, CELL_TEXT, GtkWidget)

struct _LkCellText
{
  GtkWidget             parent_instance;
  char                 *text;
  int                   width_chars;
  PangoFontDescription *font;       /* of the cached sizes */
  int                   line_height;
  int                   char_width;
};

G_DEFINE_FINAL_TYPE (LkCellText, lk_cell_text, GTK_TYPE_WIDGET)

static void
lk_cell_text_update_metrics (LkCellText *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (context);
  PangoFontMetrics *metrics;

  if (self->font != NULL && font != NULL && pango_font_description_equal (self->font, font))
    return;

  g_clear_pointer (&self->font, pango_font_description_free);
  self->font = font ? pango_font_description_copy (font) : NULL;
  metrics = pango_context_get_metrics (context, font, NULL);
  self->line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (metrics));
  if (self->line_height <= 0)
    self->line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (metrics) +
                                           pango_font_metrics_get_descent (metrics));
  self->char_width = PANGO_PIXELS_CEIL (pango_font_metrics_get_approximate_char_width (metrics));
  pango_font_metrics_unref (metrics);
}

static void
lk_cell_text_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  LkCellText *self = LK_CELL_TEXT (widget);

  lk_cell_text_update_metrics (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 0;
      *natural = self->width_chars * self->char_width;
    }
  else
    *minimum = *natural = self->line_height;
}

static void
lk_cell_text_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  LkCellText *self = LK_CELL_TEXT (widget);
  g_autoptr (PangoLayout) layout = NULL;
  GdkRGBA color;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int layout_height;

  if (self->text == NULL || self->text[0] == '\0' || width <= 0)
    return;

  layout = gtk_widget_create_pango_layout (widget, self->text);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_get_pixel_size (layout, NULL, &layout_height);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, (height - layout_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
lk_cell_text_finalize (GObject *object)
{
  LkCellText *self = LK_CELL_TEXT (object);

  g_free (self->text);
  g_clear_pointer (&self->font, pango_font_description_free);

  G_OBJECT_CLASS (lk_cell_text_parent_class)->finalize (object);
}

static void
lk_cell_text_class_init (LkCellTextClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lk_cell_text_finalize;
  widget_class->measure = lk_cell_text_measure;
  widget_class->snapshot = lk_cell_text_snapshot;
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
lk_cell_text_init (LkCellText *self)
{
}

static void
lk_cell_text_set_text (LkCellText *self,
                       const char *text)
{
  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text ? text : "",
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- Cells ---- */

static char *
format_date (gint64 unix_time)
{
  g_autoptr (GDateTime) date = NULL;

  if (unix_time == 0)
    return NULL;

  date = g_date_time_new_from_unix_local (unix_time);
  if (date == NULL)
    return NULL;

  /* Translators: a date in the list of keys, in g_date_time_format() syntax */
  return g_date_time_format (date, _("%b %-d, %Y"));
}

static char *
name_tooltip (LkApiKey *key)
{
  return g_strdup (lk_api_key_get_name (key));
}

static char *
client_id_tooltip (LkApiKey *key)
{
  return g_strdup (lk_api_key_get_client_id (key));
}

static char *
created_tooltip (LkApiKey *key)
{
  if (lk_api_key_get_created_by (key) == NULL)
    return NULL;

  /* Translators: %s is who created the key (a user or another key) */
  return g_strdup_printf (_("Created by %s"), lk_api_key_get_created_by (key));
}

static char *
expires_tooltip (LkApiKey *key)
{
  g_autofree char *date = format_date (lk_api_key_get_expires_at (key));

  if (date == NULL)
    return NULL;

  /* Translators: tooltip of the Expires column; %s is a date */
  return g_strdup_printf (_("Expires on %s"), date);
}

static char *
permissions_tooltip (LkApiKey *key)
{
  return lk_permissions_to_summary (lk_api_key_get_permissions (key));
}

/* What a cell shows is cached on the key where it does not change with
 * time (keys are immutable but for "has-local-secret"), so moving a row
 * to another key formats nothing twice. */
static GQuark created_text_quark;
static GQuark permissions_text_quark;
/* The Cell of a cell widget. */
static GQuark cell_quark;

static const char *
created_text (LkApiKey *key)
{
  const char *text = g_object_get_qdata (G_OBJECT (key), created_text_quark);

  if (text == NULL)
    {
      char *made = format_date (lk_api_key_get_created_at (key));

      if (made == NULL)
        made = g_strdup ("—");
      g_object_set_qdata_full (G_OBJECT (key), created_text_quark, made, g_free);
      text = made;
    }

  return text;
}

static const char *
permissions_text (LkApiKey *key)
{
  const char *text = g_object_get_qdata (G_OBJECT (key), permissions_text_quark);

  if (text == NULL)
    {
      char *made = lk_permissions_to_summary (lk_api_key_get_permissions (key));

      g_object_set_qdata_full (G_OBJECT (key), permissions_text_quark, made, g_free);
      text = made;
    }

  return text;
}

typedef struct _CellSpec CellSpec;

/* One cell widget: what it is, and the row it shows while bound. */
typedef struct {
  LkKeysView     *view;
  const CellSpec *spec;
  GtkListItem    *item;
  LkKeyRow       *row;
  gulong          handler;
  GBinding       *binding;     /* the keyring cell's, a reference */
} Cell;

/* How a column's cells look, what they show and what their tooltip
 * says.  Tooltips are asked for when shown: setting one on every bind
 * would ask the display server for the pointer each time, for every row
 * of every page.  Labels are single-line and ellipsized in columns of a
 * fixed width, so measuring a new row shapes no more than one line. */
struct _CellSpec {
  const char *css_classes[3];
  int         width_chars;   /* the least a cell shows before the table scrolls */
  char     *(*tooltip) (LkApiKey *key);
  void      (*show) (Cell      *cell,
                     GtkWidget *widget,
                     LkApiKey  *key);
};

static void
clear_binding (Cell *cell)
{
  if (cell->binding != NULL)
    {
      g_binding_unbind (cell->binding);
      g_clear_object (&cell->binding);
    }
}

static void
show_name (Cell      *cell,
           GtkWidget *widget,
           LkApiKey  *key)
{
  lk_cell_text_set_text (LK_CELL_TEXT (widget), lk_api_key_get_name (key));
}

static void
show_client_id (Cell      *cell,
                GtkWidget *widget,
                LkApiKey  *key)
{
  lk_cell_text_set_text (LK_CELL_TEXT (widget), lk_api_key_get_client_id (key));
}

static void
show_created (Cell      *cell,
              GtkWidget *widget,
              LkApiKey  *key)
{
  lk_cell_text_set_text (LK_CELL_TEXT (widget), created_text (key));
}

static void
show_expires (Cell      *cell,
              GtkWidget *widget,
              LkApiKey  *key)
{
  gint64 expires_at = lk_api_key_get_expires_at (key);
  const char *level = NULL;

  if (expires_at == 0)
    lk_cell_text_set_text (LK_CELL_TEXT (widget), C_("expiry", "Never"));
  else
    {
      g_autofree char *text = lk_time_describe_expiry (lk_time_now (), expires_at);
      int days = lk_api_key_get_days_until_expiry (key);

      lk_cell_text_set_text (LK_CELL_TEXT (widget), text);
      if (days <= 0)
        level = "error";
      else if (days <= (int) MIN (cell->view->expiry_warning_days, (guint) G_MAXINT))
        level = "warning";
    }

  if (g_strcmp0 (level, "error") != 0)
    gtk_widget_remove_css_class (widget, "error");
  if (g_strcmp0 (level, "warning") != 0)
    gtk_widget_remove_css_class (widget, "warning");
  if (level != NULL)
    gtk_widget_add_css_class (widget, level);
}

static void
show_permissions (Cell      *cell,
                  GtkWidget *widget,
                  LkApiKey  *key)
{
  lk_cell_text_set_text (LK_CELL_TEXT (widget), permissions_text (key));
}

static void
show_keyring (Cell      *cell,
              GtkWidget *widget,
              LkApiKey  *key)
{
  clear_binding (cell);
  cell->binding = g_object_ref (g_object_bind_property (key, "has-local-secret",
                                                        widget, "visible",
                                                        G_BINDING_SYNC_CREATE));
}

static char *
keyring_tooltip (LkApiKey *key)
{
  return g_strdup (_("Secret stored in this computer’s keyring"));
}

static const CellSpec name_cell = { { NULL }, 14, name_tooltip, show_name };
static const CellSpec client_id_cell = { { "client-id", "dim-label", NULL }, 10, client_id_tooltip, show_client_id };
static const CellSpec created_cell = { { "numeric", NULL }, 11, created_tooltip, show_created };
static const CellSpec expires_cell = { { NULL }, 10, expires_tooltip, show_expires };
static const CellSpec permissions_cell = { { NULL }, 14, permissions_tooltip, show_permissions };
static const CellSpec keyring_cell = { { NULL }, 0, keyring_tooltip, show_keyring };

static gboolean
on_cell_query_tooltip (GtkWidget  *widget,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip,
                       Cell       *cell)
{
  g_autofree char *text = NULL;

  if (cell->row == NULL || cell->row->key == NULL || cell->spec->tooltip == NULL)
    return FALSE;

  text = cell->spec->tooltip (cell->row->key);
  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_row_key_changed (LkKeyRow  *row,
                    GtkWidget *widget)
{
  Cell *cell = g_object_get_qdata (G_OBJECT (widget), cell_quark);

  cell->spec->show (cell, widget, row->key);
}

static void
cell_release_row (Cell *cell)
{
  if (cell->row == NULL)
    return;

  g_clear_signal_handler (&cell->handler, cell->row);
  cell->row->n_bound--;
  g_clear_object (&cell->row);
  clear_binding (cell);
}

static void
cell_free (Cell *cell)
{
  cell_release_row (cell);
  g_free (cell);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            LkKeysView               *self)
{
  const CellSpec *spec = g_object_get_qdata (G_OBJECT (factory), cell_quark);
  Cell *cell = g_new0 (Cell, 1);
  GtkWidget *widget;

  if (spec == &keyring_cell)
    {
      widget = gtk_image_new_from_icon_name ("dialog-password-symbolic");
      gtk_widget_set_halign (widget, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Secret stored in this computer’s keyring"),
                                      -1);
    }
  else
    {
      widget = g_object_new (LK_TYPE_CELL_TEXT, NULL);
      LK_CELL_TEXT (widget)->width_chars = spec->width_chars;
      for (guint i = 0; spec->css_classes[i] != NULL; i++)
        gtk_widget_add_css_class (widget, spec->css_classes[i]);
    }

  cell->view = self;
  cell->spec = spec;
  cell->item = item;
  g_object_set_qdata_full (G_OBJECT (widget), cell_quark, cell, (GDestroyNotify) cell_free);
  g_object_set_qdata (G_OBJECT (widget), list_item_quark, item);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_cell_query_tooltip), cell);
  gtk_list_item_set_child (item, widget);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             LkKeysView               *self)
{
  GtkWidget *widget = gtk_list_item_get_child (item);
  Cell *cell = widget ? g_object_get_qdata (G_OBJECT (widget), cell_quark) : NULL;

  if (cell != NULL)
    cell_release_row (cell);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           LkKeysView               *self)
{
  GtkWidget *widget = gtk_list_item_get_child (item);
  Cell *cell = g_object_get_qdata (G_OBJECT (widget), cell_quark);
  LkKeyRow *row = gtk_list_item_get_item (item);

  unbind_cell (factory, item, self);

  cell->row = g_object_ref (row);
  row->n_bound++;
  cell->handler = g_signal_connect (row, "key-changed", G_CALLBACK (on_row_key_changed), widget);
  cell->spec->show (cell, widget, row->key);
}

/* Every column gets a fixed width from the font, so the column view
 * never measures the cells of new rows for their widths (GTK 4.8 would
 * shape every label of every row that comes into view).  Name and
 * Permissions still take the room a wide window has; a narrow one
 * scrolls sideways. */
static void
set_column_widths (LkKeysView *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self->column_view));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                        pango_font_metrics_get_approximate_digit_width (metrics));
  const struct {
    GtkColumnViewColumn *column;
    int                  chars;
  } widths[] = {
    { self->name_column, name_cell.width_chars + 2 },
    { self->client_id_column, client_id_cell.width_chars + 2 },
    { self->created_column, created_cell.width_chars + 2 },
    { self->expires_column, expires_cell.width_chars + 2 },
    { self->permissions_column, permissions_cell.width_chars + 2 },
    { self->keyring_column, 10 },
  };

  pango_font_metrics_unref (metrics);
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    /* + the cell's padding */
    gtk_column_view_column_set_fixed_width (widths[i].column,
                                            PANGO_PIXELS_CEIL (widths[i].chars * char_width) + 12);
}

static void
set_factory (LkKeysView          *self,
             GtkColumnViewColumn *column,
             const CellSpec      *spec)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_object_set_qdata (G_OBJECT (factory), cell_quark, (gpointer) spec);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);

  gtk_column_view_column_set_factory (column, factory);
}

/* ---- Sorters ---- */

static const char *
name_collation_key (LkApiKey *key)
{
  const char *collation_key = g_object_get_qdata (G_OBJECT (key), name_key_quark);

  if (collation_key == NULL)
    {
      g_autofree char *folded = g_utf8_casefold (lk_api_key_get_name (key), -1);
      char *made = g_utf8_collate_key (folded, -1);

      g_object_set_qdata_full (G_OBJECT (key), name_key_quark, made, g_free);
      collation_key = made;
    }

  return collation_key;
}

static int
compare_name (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  int cmp = strcmp (name_collation_key ((LkApiKey *) a), name_collation_key ((LkApiKey *) b));

  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_client_id (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  /* Client IDs are ASCII tokens: byte order is their order. */
  int cmp = g_strcmp0 (lk_api_key_get_client_id ((LkApiKey *) a),
                       lk_api_key_get_client_id ((LkApiKey *) b));

  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_expiry (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  gint64 ea = lk_api_key_get_expires_at ((LkApiKey *) a);
  gint64 eb = lk_api_key_get_expires_at ((LkApiKey *) b);

  /* "Never" sorts after every date. */
  if (ea == 0)
    ea = G_MAXINT64;
  if (eb == 0)
    eb = G_MAXINT64;

  return ea < eb ? GTK_ORDERING_SMALLER : ea > eb ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static guint
count_permissions (const LkPermissions *permissions)
{
  guint n = 0;

  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    n += ((permissions->access[c] & LK_ACCESS_READ) ? 1 : 0) +
         ((permissions->access[c] & LK_ACCESS_WRITE) ? 1 : 0) +
         ((permissions->access[c] & LK_ACCESS_DELETE) ? 1 : 0);

  return n;
}

static int
compare_permissions (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const LkPermissions *pa = lk_api_key_get_permissions ((LkApiKey *) a);
  const LkPermissions *pb = lk_api_key_get_permissions ((LkApiKey *) b);
  guint na = count_permissions (pa);
  guint nb = count_permissions (pb);
  int cmp;

  /* Fewest permissions first, then by category. */
  if (na != nb)
    return na < nb ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  cmp = memcmp (pa->access, pb->access, sizeof pa->access);
  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_keyring (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  gboolean ha = lk_api_key_get_has_local_secret ((LkApiKey *) a);
  gboolean hb = lk_api_key_get_has_local_secret ((LkApiKey *) b);

  /* Keys with a local secret first. */
  if (ha == hb)
    return GTK_ORDERING_EQUAL;
  return ha ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

static void
set_sorters (LkKeysView *self)
{
  g_autoptr (GtkSorter) name = NULL;
  g_autoptr (GtkSorter) client_id = NULL;
  g_autoptr (GtkSorter) created = NULL;
  g_autoptr (GtkSorter) expires = NULL;
  g_autoptr (GtkSorter) permissions = NULL;
  g_autoptr (GtkSorter) keyring = NULL;

  name = GTK_SORTER (gtk_custom_sorter_new (compare_name, NULL, NULL));
  client_id = GTK_SORTER (gtk_custom_sorter_new (compare_client_id, NULL, NULL));
  created = GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (LK_TYPE_API_KEY, NULL, "created-at")));
  expires = GTK_SORTER (gtk_custom_sorter_new (compare_expiry, NULL, NULL));
  permissions = GTK_SORTER (gtk_custom_sorter_new (compare_permissions, NULL, NULL));
  keyring = GTK_SORTER (gtk_custom_sorter_new (compare_keyring, NULL, NULL));

  gtk_column_view_column_set_sorter (self->name_column, name);
  gtk_column_view_column_set_sorter (self->client_id_column, client_id);
  gtk_column_view_column_set_sorter (self->created_column, created);
  gtk_column_view_column_set_sorter (self->expires_column, expires);
  gtk_column_view_column_set_sorter (self->permissions_column, permissions);
  gtk_column_view_column_set_sorter (self->keyring_column, keyring);
}

/* ---- GObject ---- */

static void
on_source_items_changed (GListModel *source,
                         guint       position,
                         guint       removed,
                         guint       added,
                         LkKeysView *self)
{
  GPtrArray *array = self->keys->rows;

  if (removed > 0)
    g_ptr_array_remove_range (array, position, removed);
  if (added > 0)
    {
      guint tail = array->len - position;

      g_ptr_array_set_size (array, array->len + added);
      memmove (&array->pdata[position + added], &array->pdata[position], tail * sizeof (gpointer));
      for (guint i = 0; i < added; i++)
        array->pdata[position + i] = g_list_model_get_item (source, position + i);
    }
  g_list_model_items_changed (G_LIST_MODEL (self->keys), position, removed, added);
}

static void
set_source (LkKeysView *self,
            GListModel *source)
{
  guint n_old = self->keys->rows->len;

  if (self->source != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->source, on_source_items_changed, self);
      g_clear_object (&self->source);
    }
  if (n_old > 0)
    on_source_items_changed (NULL, 0, n_old, 0, self);

  if (source != NULL)
    {
      self->source = g_object_ref (source);
      g_signal_connect (source, "items-changed", G_CALLBACK (on_source_items_changed), self);
      if (g_list_model_get_n_items (source) > 0)
        on_source_items_changed (source, 0, 0, g_list_model_get_n_items (source), self);
    }
}

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
      set_source (self, lk_client_get_keys (client));
    }
  else
    set_source (self, NULL);

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

  return G_LIST_MODEL (self->filter_model);
}

GListModel *
lk_keys_view_get_sort_model (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  /* The keys as shown: sorted, then filtered. */
  return G_LIST_MODEL (self->filter_model);
}

GtkSelectionModel *
lk_keys_view_get_selection (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

GtkColumnView *
lk_keys_view_get_column_view (LkKeysView *self)
{
  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), NULL);

  return self->column_view;
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
          /* Rebind the visible rows so the highlight follows. */
          gtk_column_view_column_set_visible (self->expires_column, FALSE);
          gtk_column_view_column_set_visible (self->expires_column, TRUE);
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
   * gone: disposing the column view removes its columns, which changes
   * its sorter and so re-sorts the list, and the selection would then
   * call back into labels and bars already cleared. */
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  if (self->search_bar != NULL)
    g_signal_handlers_disconnect_by_data (self->search_bar, self);
  if (self->search_entry != NULL)
    g_signal_handlers_disconnect_by_data (self->search_entry, self);
  if (self->source != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->source, on_source_items_changed, self);
      g_clear_object (&self->source);
    }
  if (self->sort_model != NULL)
    {
      gtk_sort_list_model_set_sorter (self->sort_model, NULL);
      gtk_sort_list_model_set_model (self->sort_model, NULL);
    }

  if (self->context_menu != NULL)
    gtk_widget_unparent (self->context_menu);
  self->context_menu = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_KEYS_VIEW);

  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->keys);

  G_OBJECT_CLASS (lk_keys_view_parent_class)->dispose (object);
}

static void
lk_keys_view_finalize (GObject *object)
{
  LkKeysView *self = LK_KEYS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
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

  list_item_quark = g_quark_from_static_string ("lk-keys-view-list-item");
  created_text_quark = g_quark_from_static_string ("lk-keys-view-created-text");
  permissions_text_quark = g_quark_from_static_string ("lk-keys-view-permissions-text");
  cell_quark = g_quark_from_static_string ("lk-keys-view-cell");
  name_key_quark = g_quark_from_static_string ("lk-keys-view-name-key");

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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerkeys/LayerKeys/lk-keys-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, state_stack);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, column_view);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, name_column);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, client_id_column);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, created_column);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, expires_column);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, permissions_column);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, keyring_column);
  gtk_widget_class_bind_template_child (widget_class, LkKeysView, loading_spinner);
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

  gtk_widget_init_template (GTK_WIDGET (self));

  /* keys -> sort -> filter -> selection; the column view's sorter still
   * drives the sort model. */
  self->keys = g_object_new (LK_TYPE_KEY_ROWS, NULL);
  self->keys->item_type = LK_TYPE_API_KEY;
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->keys)),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->filter = gtk_custom_filter_new (filter_key, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sort_model)),
                                                  GTK_FILTER (self->filter));
  self->rows = g_object_new (LK_TYPE_KEY_ROWS, NULL);
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_shown_keys_changed), self, 0);

  set_factory (self, self->name_column, &name_cell);
  set_factory (self, self->client_id_column, &client_id_cell);
  set_factory (self, self->created_column, &created_cell);
  set_factory (self, self->expires_column, &expires_cell);
  set_factory (self, self->permissions_column, &permissions_cell);
  set_factory (self, self->keyring_column, &keyring_cell);
  set_sorters (self);
  g_signal_connect_object (self->column_view, "realize",
                           G_CALLBACK (set_column_widths), self, G_CONNECT_SWAPPED);
  gtk_column_view_sort_by_column (self->column_view, self->name_column, GTK_SORT_ASCENDING);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->column_view));
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
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));

  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (long_press));

  lk_keys_view_set_can_delete (self, FALSE);
  update_state (self);
  update_selection (self);
}

GtkWidget *
lk_keys_view_new (void)
{
  return g_object_new (LK_TYPE_KEYS_VIEW, NULL);
}
