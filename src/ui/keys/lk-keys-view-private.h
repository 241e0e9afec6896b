/* lk-keys-view-private.h: LkKeysView, one class over three files
 *
 *   lk-keys-view.c            the view itself: its states (list, loading,
 *                             empty, no results, error, no permission),
 *                             listing the keys, properties
 *   lk-keys-view-search.c     the search bar and what it shows
 *   lk-keys-view-selection.c  the selection, its bar, the row actions and
 *                             the context menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-key-rows.h"
#include "lk-keys-view.h"
#include "lk-shown-keys.h"
#include "lk-stale-items.h"
#include "lk-window.h"

G_BEGIN_DECLS

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
  AdwStatusPage        *loading_page;
  AdwStatusPage        *empty_page;
  GtkWidget            *empty_new_button;
  AdwStatusPage        *no_results_page;
  AdwStatusPage        *error_page;
  GtkWidget            *retry_button;
  AdwStatusPage        *no_permission_page;
  GtkActionBar         *action_bar;
  GtkLabel             *selection_label;
  GtkWidget            *delete_button;
  GMenuModel           *context_menu_model;
  LkStaleItems         *stale_items;

  /* Models (template objects too): the client's keys -> shown (sorted,
   * then searched) -> rows -> selection.  Sorting comes first so that a
   * keystroke re-sorts nothing; the rows keep the table's widgets in
   * place (see lk-key-rows.h). */
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
  gboolean              needs_attention;
};

enum {
  LK_KEYS_VIEW_PROP_0,
  LK_KEYS_VIEW_PROP_CLIENT,
  LK_KEYS_VIEW_PROP_CAN_READ,
  LK_KEYS_VIEW_PROP_CAN_DELETE,
  LK_KEYS_VIEW_PROP_EXPIRY_WARNING_DAYS,
  LK_KEYS_VIEW_PROP_N_SELECTED,
  LK_KEYS_VIEW_PROP_SEARCH_MODE,
  LK_KEYS_VIEW_PROP_STATE,
  LK_KEYS_VIEW_PROP_NEEDS_ATTENTION,
  LK_KEYS_VIEW_N_PROPS
};

extern GParamSpec *lk_keys_view_properties[LK_KEYS_VIEW_N_PROPS];

/* lk-keys-view.c */
LkWindow  *lk_keys_view_get_window             (LkKeysView    *self);
/* Shows the state the keys and the listing are in. */
void       lk_keys_view_update_state           (LkKeysView    *self);

/* lk-keys-view-search.c */
void       lk_keys_view_search_class_init      (GtkWidgetClass *widget_class);
void       lk_keys_view_search_init            (LkKeysView    *self);

/* lk-keys-view-selection.c */
void       lk_keys_view_selection_class_init   (GtkWidgetClass *widget_class);
void       lk_keys_view_selection_init         (LkKeysView    *self);
/* The count, the bar and the actions follow the selection. */
void       lk_keys_view_update_selection       (LkKeysView    *self);

G_END_DECLS
