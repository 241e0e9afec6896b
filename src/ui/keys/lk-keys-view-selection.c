/* lk-keys-view-selection.c: the selected keys and what can be done to them
 *
 * The selection's positions are those of the shown keys; its items are
 * the table's rows.  The keys selected are remembered, so that a search
 * or a refresh that moves them keeps them selected.  Row actions: copy
 * the client IDs, delete (the window's action), from the action bar, the
 * keyboard and a context menu (right click, long press, Menu key).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-keys-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-clipboard.h"
#include "lk-keys-view-private.h"

/* ---- Selection ---- */

void
lk_keys_view_update_selection (LkKeysView *self)
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
      g_object_notify_by_pspec (G_OBJECT (self), lk_keys_view_properties[LK_KEYS_VIEW_PROP_N_SELECTED]);
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
  lk_keys_view_update_selection (self);
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

  lk_keys_view_update_state (self);
  lk_keys_view_update_selection (self);
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

/* ---- Row actions ---- */

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
    /* Translators: %u is a number of client IDs */
    title = g_strdup_printf (ngettext ("Copied %u client ID", "Copied %u client IDs", keys->len),
                             keys->len);
  if (lk_keys_view_get_window (self) != NULL)
    lk_window_show_toast (lk_keys_view_get_window (self), title);
}

/* ---- Context menu ---- */

/* Where the keyboard was when the menu opened: a closed popover gives the
 * focus to the window's first focusable widget, and a keyboard user would
 * lose their row. */
#define RETURN_FOCUS "lk-return-focus"

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static gboolean
return_focus (gpointer user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr (GtkWidget) focus = g_weak_ref_get (ref);

  if (focus != NULL && gtk_widget_get_mapped (focus))
    gtk_widget_grab_focus (focus);
  return G_SOURCE_REMOVE;
}

static void
on_context_menu_closed (GtkPopover *popover,
                        LkKeysView *self)
{
  GWeakRef *ref = g_object_steal_data (G_OBJECT (popover), RETURN_FOCUS);

  if (ref != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, return_focus, ref, (GDestroyNotify) weak_ref_free);
}

static void
popup_context_menu (LkKeysView *self,
                    double      x,
                    double      y)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->table)))
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, focus);
      g_object_set_data_full (G_OBJECT (self->context_menu), RETURN_FOCUS, ref,
                              (GDestroyNotify) weak_ref_free);
    }
  else
    g_object_set_data (G_OBJECT (self->context_menu), RETURN_FOCUS, NULL);

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

/* ---- Setting up ---- */

void
lk_keys_view_selection_class_init (GtkWidgetClass *widget_class)
{
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

void
lk_keys_view_selection_init (LkKeysView *self)
{
  GtkGesture *click;
  GtkGesture *long_press;

  g_assert (LK_IS_KEYS_VIEW (self));

  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->shown, "items-changed",
                           G_CALLBACK (on_shown_keys_changed), self, 0);

  /* The context menu: right click, long press, Menu key. */
  self->context_menu = gtk_popover_menu_new_from_model (self->context_menu_model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
  g_signal_connect_object (self->context_menu, "closed",
                           G_CALLBACK (on_context_menu_closed), self, 0);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->table), GTK_EVENT_CONTROLLER (click));

  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self->table), GTK_EVENT_CONTROLLER (long_press));
}

static guint
shown_position (LkKeysView *self,
                const char *key_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->shown));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LkApiKey) key = g_list_model_get_item (G_LIST_MODEL (self->shown), i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

gboolean
lk_keys_view_select_key (LkKeysView *self,
                         const char *key_id)
{
  guint position;

  g_return_val_if_fail (LK_IS_KEYS_VIEW (self), FALSE);
  g_return_val_if_fail (key_id != NULL, FALSE);

  position = shown_position (self, key_id);
  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* Hidden by the search or the filter: show every key. */
      lk_keys_view_set_needs_attention (self, FALSE);
      lk_keys_view_set_search_text (self, NULL);
      position = shown_position (self, key_id);
    }
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;

  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  lk_key_table_scroll_to (self->table, position);
  lk_key_table_focus_list (self->table);
  return TRUE;
}
