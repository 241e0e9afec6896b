/* lk-keys-view-search.c: the keys view's search bar and what it shows
 *
 * The search entry's text becomes a needle (lk-key-search.h) that the
 * shown keys apply at once; Enter goes to the first result, Escape back
 * to the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-keys-view"

#include "config.h"

#include "lk-key-search.h"
#include "lk-keys-view-private.h"

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
  lk_keys_view_update_state (self);
}

static void
on_stop_search (LkKeysView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  lk_key_table_focus_list (self->table);
}

static void
on_search_activate (LkKeysView *self)
{
  /* Enter in the search entry: go to the results. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->shown)) > 0)
    {
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 0, TRUE);
      lk_key_table_focus_list (self->table);
    }
}

static void
on_search_mode_changed (LkKeysView *self)
{
  /* Closing the search bar clears its entry: and its filter. */
  if (!gtk_search_bar_get_search_mode (self->search_bar))
    lk_keys_view_set_needs_attention (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), lk_keys_view_properties[LK_KEYS_VIEW_PROP_SEARCH_MODE]);
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

void
lk_keys_view_search_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
}

void
lk_keys_view_search_init (LkKeysView *self)
{
  g_assert (LK_IS_KEYS_VIEW (self));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->table));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (on_search_mode_changed), self, G_CONNECT_SWAPPED);
}
